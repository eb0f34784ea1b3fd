import Foundation
import NIOCore
import Synchronization

/// Rendered responses, kept until the data changes: each entry remembers the data version it was
/// made from, and a request with a newer version recomputes it. Never stale after a write.
///
/// Public routes let anyone ask for any year and day, so computing is bounded (issue 14):
/// - identical requests arriving together are computed once and share the result (single flight);
/// - at most `concurrency` computations run at once, the others wait their turn, so a flood of
///   distinct requests cannot take every core from the pages people are using;
/// - when full, the least recently used entries are dropped, not the whole cache;
/// - while a newer version of an entry is being computed, requests that arrive meanwhile may be
///   given the entry of the previous version (`previousWhileComputing`): the request that started
///   the computation waits for it, the others are not held for seconds after every import.
final class ResponseCache: Sendable {
    struct Entry: Sendable {
        var version: Int64
        var contentType: String
        /// The body as sent (made once, shared by every response; kept once, not also as text).
        let bytes: ByteBuffer

        init(version: Int64, body: String, contentType: String) {
            self.version = version
            self.contentType = contentType
            bytes = ByteBuffer(string: body)
        }

        var body: String { String(buffer: bytes) }
    }

    /// An entry and whether it is of an older version than asked (given while the newer computes).
    struct Answer: Sendable {
        var entry: Entry
        var previous: Bool
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
    /// Computations running now (for tests).
    var inFlight: Int { state.withLock { $0.inFlight.count } }

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
        state.withLock { s in Self.store(key, entry, in: &s, limit: limit) }
    }

    /// Keeps `entry` unless a newer version of it is kept already.
    private static func store(_ key: String, _ entry: Entry, in s: inout State, limit: Int) {
        if let kept = s.slots[key], kept.entry.version > entry.version { return }
        s.clock += 1
        s.slots[key] = Slot(entry: entry, used: s.clock)
        if s.slots.count > limit {
            // Drop the least recently used eighth (at least one), so eviction is rare.
            let drop = max(1, limit / 8)
            for victim in s.slots.sorted(by: { $0.value.used < $1.value.used }).prefix(drop) { s.slots[victim.key] = nil }
        }
    }

    /// The entry for `key` at `version`: from the cache, from a computation already running for the
    /// same key and version, or computed now (waiting for a free slot of the gate).
    func value(_ key: String, version: Int64, priority: AsyncGate.Priority = .high,
               compute: @escaping @Sendable () async throws -> Entry) async throws -> Entry {
        try await answer(key, version: version, priority: priority, previousWhileComputing: false, compute: compute).entry
    }

    /// As `value`, and with `previousWhileComputing` a request that arrives while the computation
    /// for `version` runs is given the cached entry of an older version at once, when there is one.
    /// The request that starts the computation always waits for it, however long it takes, so a
    /// caller asking after its own write (one request at a time) always gets figures that include it.
    func answer(_ key: String, version: Int64, priority: AsyncGate.Priority = .high, previousWhileComputing: Bool,
                compute: @escaping @Sendable () async throws -> Entry) async throws -> Answer {
        if let hit = get(key, version: version) { return Answer(entry: hit, previous: false) }
        let flightKey = "\(version)|\(key)"
        enum Start { case join(Task<Entry, any Error>), previous(Entry) }
        let start: Start = state.withLock { s in
            let old = previousWhileComputing ? s.slots[key].flatMap { $0.entry.version < version ? $0.entry : nil } : nil
            if let running = s.inFlight[flightKey] {
                if let old { return .previous(old) }
                return .join(running)
            }
            // The computation keeps its own result, so that it counts even when nobody waits for it.
            let t = Task<Entry, any Error> { [weak self, gate] in
                do {
                    let entry = try await gate.run(priority: priority) { try await compute() }
                    self?.finished(flightKey, key: key, entry: entry)
                    return entry
                } catch {
                    self?.finished(flightKey, key: key, entry: nil)
                    throw error
                }
            }
            s.inFlight[flightKey] = t
            return .join(t)
        }
        switch start {
        case .previous(let old):
            return Answer(entry: old, previous: true)
        case .join(let task):
            return Answer(entry: try await task.value, previous: false)
        }
    }

    /// Kept and no longer running in one step: a request in between finds one or the other.
    private func finished(_ flightKey: String, key: String, entry: Entry?) {
        state.withLock { [limit] s in
            if let entry { Self.store(key, entry, in: &s, limit: limit) }
            s.inFlight[flightKey] = nil
        }
    }
}

/// Lets at most `limit` operations run at once; the others wait in arrival order, the views people
/// use (`.high`: the dashboard, a year's report as of its default day, a plan review — a small, fixed
/// set) before arbitrary ones (`.low`: a report as of any chosen day). At most `maxWaiting` low ones
/// wait; beyond that a request is refused at once with 503 rather than queued for minutes.
final class AsyncGate: Sendable {
    enum Priority: Sendable { case high, low }

    private struct State {
        var running = 0
        var high: [CheckedContinuation<Bool, Never>] = []
        var low: [CheckedContinuation<Bool, Never>] = []
        var peak = 0
    }

    private let state = Mutex(State())
    let limit: Int
    let maxWaiting: Int

    init(limit: Int, maxWaiting: Int = 16) {
        self.limit = max(1, limit)
        self.maxWaiting = maxWaiting
    }

    /// The most operations that ran at once (for tests).
    var peak: Int { state.withLock { $0.peak } }
    /// How many wait to run (default views, arbitrary ones).
    var waiting: (high: Int, low: Int) { state.withLock { ($0.high.count, $0.low.count) } }

    func run<T: Sendable>(priority: Priority = .high, _ work: @Sendable () async throws -> T) async throws -> T {
        guard await enter(priority) else { throw APIError.busy }
        defer { leave() }
        return try await work()
    }

    private func enter(_ priority: Priority) async -> Bool {
        await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
            enum Decision { case now, wait, refuse }
            let decision = state.withLock { s -> Decision in
                if s.running < limit {
                    s.running += 1
                    s.peak = max(s.peak, s.running)
                    return .now
                }
                switch priority {
                case .high: s.high.append(c)
                case .low:
                    if s.low.count >= maxWaiting { return .refuse }
                    s.low.append(c)
                }
                return .wait
            }
            switch decision {
            case .now: c.resume(returning: true)
            case .refuse: c.resume(returning: false)
            case .wait: break
            }
        }
    }

    private func leave() {
        let next = state.withLock { s -> CheckedContinuation<Bool, Never>? in
            if !s.high.isEmpty { return s.high.removeFirst() }
            if !s.low.isEmpty { return s.low.removeFirst() }
            s.running -= 1
            return nil
        }
        next?.resume(returning: true)
    }
}
