import Foundation
import Synchronization

/// Rendered responses, kept until the data changes: each entry remembers the data version it was
/// made from, and a request with a newer version recomputes it. Never stale after a write.
final class ResponseCache: Sendable {
    struct Entry: Sendable {
        var version: Int64
        var body: String
        var contentType: String
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let limit: Int

    init(limit: Int = 256) { self.limit = limit }

    func get(_ key: String, version: Int64) -> Entry? {
        entries.withLock { e in
            guard let hit = e[key], hit.version == version else { return nil }
            return hit
        }
    }

    func put(_ key: String, _ entry: Entry) {
        entries.withLock { e in
            if e.count >= limit { e.removeAll() }
            e[key] = entry
        }
    }
}
