import Logging
import PostgresNIO
import Synchronization

/// The facts version for a long-running process (the server) without a round trip per request:
/// a connection of its own listens on `channel`, which the database notifies on every commit that
/// moves the version (migration v4's trigger on `registry_meta`, whoever wrote). The version read
/// last is given while no notification has arrived since it was read; any notification, a lost
/// connection or not yet listening means it is read again. PostgreSQL signals listeners as the
/// writing transaction commits; the notice reaches this process moments later (on one machine well
/// under a millisecond), so a request arriving in that moment may still get the previous version.
final class FactsVersionWatch: Sendable {
    static let channel = "teacher_registry_facts"

    private struct State {
        var listening = false
        /// Moves with every notification and every change of `listening`.
        var generation: UInt64 = 0
        var known: (version: Int64, generation: UInt64)?
        var task: Task<Void, Never>?
        var connection: PostgresConnection?
        var stopped = false
        /// How often the version was read from the database (for tests).
        var reads = 0
    }

    private let state = Mutex(State())

    /// Starts listening (once); reconnects after a lost connection, a second later.
    func start(configuration: PostgresConnection.Configuration, logger: Logger) {
        state.withLock { s in
            guard s.task == nil, !s.stopped else { return }
            s.task = Task.detached { [self] in
                while !Task.isCancelled {
                    do {
                        let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
                        guard keep(connection) else { try? await connection.close(); return }
                        do {
                            try await connection.listen(on: Self.channel) { notifications in
                                set(listening: true)
                                for try await _ in notifications { changed() }
                            }
                        } catch {}
                        try? await connection.close()
                    } catch {}
                    set(listening: false)
                    if state.withLock({ $0.stopped }) { return }
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
    }

    /// Stops listening and closes the connection (the registry is going away).
    func stop() {
        let (task, connection) = state.withLock { s -> (Task<Void, Never>?, PostgresConnection?) in
            s.stopped = true
            s.listening = false
            s.generation &+= 1
            defer { s.task = nil; s.connection = nil }
            return (s.task, s.connection)
        }
        task?.cancel()
        if let connection { connection.close().whenComplete { _ in withExtendedLifetime(connection) {} } }
    }

    /// Remembers the listening connection; false once stopped.
    private func keep(_ connection: PostgresConnection) -> Bool {
        state.withLock { s in
            guard !s.stopped else { return false }
            s.connection = connection
            return true
        }
    }

    var isListening: Bool { state.withLock { $0.listening } }
    var reads: Int { state.withLock { $0.reads } }

    /// The version: the one read last while nothing was notified since, else `read()`.
    func version(read: () throws -> Int64) throws -> Int64 {
        // A version is kept only while listening, and any change of listening moves the generation:
        // one kept for the current generation is still good.
        let (cached, generation, listening) = state.withLock { s in
            let cached = s.known.flatMap { $0.generation == s.generation ? $0.version : nil }
            if cached == nil { s.reads += 1 }
            return (cached, s.generation, s.listening)
        }
        if let cached { return cached }
        // Read after taking the generation: a notification during the read leaves the value unused.
        let version = try read()
        if listening { state.withLock { s in if s.generation == generation { s.known = (version, generation) } } }
        return version
    }

    private func changed() { state.withLock { $0.generation &+= 1 } }

    private func set(listening: Bool) {
        state.withLock { s in
            s.listening = listening
            s.generation &+= 1
        }
    }
}
