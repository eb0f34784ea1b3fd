import Foundation
import Synchronization

/// Rendered responses, kept until the data changes: each entry remembers the data version it was
/// made from, and a request with a newer version recomputes it. Never stale after a write.
///
/// Public routes let anyone ask for any year and day, so computing is bounded (issue 14):
/// - identical requests arriving together are computed once and share the result (single flight);
/// - at most `concurrency` computations run at once, the others wait their turn, so a flood of
///   distinct requests cannot take every core from the pages people are using;
/// - when full, the least recently used entries are dropped, not the whole cache.
final class ResponseCache: Sendable {
    struct Entry: Sendable {
        var version: Int64
        var body: String
        var contentType: String
    }

    private struct Slot {
        var entry: Entry
        var used: UInt64
    }

    private struct State {
        var slots: [String: Slot] = [:]
        var clock: UInt64 = 0
        var inFlight: [String: Task<Entry, any Error>] = [:]
    }

    private let state = Mutex(State())
    let limit: Int
    let gate: AsyncGate

    init(limit: Int = 512, concurrency: Int = max(2, ProcessInfo.processInfo.activeProcessorCount)) {
        self.limit = limit
        gate = AsyncGate(limit: concurrency)
    }

    var count: Int { state.withLock { $0.slots.count } }

    func get(_ key: String, version: Int64) -> Entry? {
        state.withLock { s in
            guard var slot = s.slots[key], slot.entry.version == version else { return nil }
            s.clock += 1
            slot.used = s.clock
            s.slots[key] = slot
            return slot.entry
        }
    }

    func put(_ key: String, _ entry: Entry) {
        state.withLock { s in
            s.clock += 1
            s.slots[key] = Slot(entry: entry, used: s.clock)
            if s.slots.count > limit {
                // Drop the least recently used eighth (at least one), so eviction is rare.
                let drop = max(1, limit / 8)
                for victim in s.slots.sorted(by: { $0.value.used < $1.value.used }).prefix(drop) { s.slots[victim.key] = nil }
            }
        }
    }

    /// The entry for `key` at `version`: from the cache, from a computation already running for the
    /// same key and version, or computed now (waiting for a free slot of the gate).
    func value(_ key: String, version: Int64, compute: @escaping @Sendable () async throws -> Entry) async throws -> Entry {
        if let hit = get(key, version: version) { return hit }
        let flightKey = "\(version)|\(key)"
        let task: Task<Entry, any Error> = state.withLock { s in
            if let running = s.inFlight[flightKey] { return running }
            let t = Task<Entry, any Error> { [gate] in
                try await gate.run { try await compute() }
            }
            s.inFlight[flightKey] = t
            return t
        }
        do {
            let entry = try await task.value
            state.withLock { s in s.inFlight[flightKey] = nil }
            put(key, entry)
            return entry
        } catch {
            state.withLock { s in s.inFlight[flightKey] = nil }
            throw error
        }
    }
}

/// Lets at most `limit` operations run at once; the others wait in arrival order.
final class AsyncGate: Sendable {
    private struct State {
        var running = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
        var peak = 0
    }

    private let state = Mutex(State())
    let limit: Int

    init(limit: Int) { self.limit = max(1, limit) }

    /// The most operations that ran at once (for tests).
    var peak: Int { state.withLock { $0.peak } }

    func run<T: Sendable>(_ work: @Sendable () async throws -> T) async throws -> T {
        await enter()
        defer { leave() }
        return try await work()
    }

    private func enter() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { s -> Bool in
                if s.running < limit {
                    s.running += 1
                    s.peak = max(s.peak, s.running)
                    return true
                }
                s.waiting.append(c)
                return false
            }
            if resumeNow { c.resume() }
        }
    }

    private func leave() {
        let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if s.waiting.isEmpty {
                s.running -= 1
                return nil
            }
            return s.waiting.removeFirst()
        }
        next?.resume()
    }
}
