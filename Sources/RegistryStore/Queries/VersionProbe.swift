import GRDBSQLite
import Synchronization

/// Tells cheaply whether anything was committed to a database file since the last look, by this
/// process or another (an import run from the command line while the server runs): `PRAGMA
/// data_version` on a connection of its own, which reads only SQLite's shared-memory header. The
/// server asks for the facts version on every request; with the probe it reads the version again
/// only after a commit.
final class VersionProbe: Sendable {
    private struct State {
        var pragma: Int64?
        var version: Int64 = 0
    }

    private let connection: Connection
    private let state = Mutex(State())

    /// Nil when the file cannot be opened this way (the caller then always reads the version).
    init?(path: String) {
        guard let connection = Connection(path: path) else { return nil }
        self.connection = connection
    }

    /// The facts version: remembered while no commit happened since it was read, else `read()`.
    func version(read: () throws -> Int64) throws -> Int64 {
        // The commit counter is taken before the version is read: a commit in between changes the
        // counter, so the next request reads the version again.
        guard let now = connection.dataVersion() else { return try read() }
        if let known = state.withLock({ $0.pragma == now ? $0.version : nil }) { return known }
        let version = try read()
        state.withLock { $0 = State(pragma: now, version: version) }
        return version
    }

    /// A read-only SQLite connection used for `PRAGMA data_version` only, one caller at a time.
    private final class Connection: @unchecked Sendable {
        private let lock = Mutex(())
        private let db: OpaquePointer
        private let statement: OpaquePointer

        init?(path: String) {
            var db: OpaquePointer?
            guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK, let db else {
                sqlite3_close_v2(db)
                return nil
            }
            sqlite3_busy_timeout(db, 1_000)
            var statement: OpaquePointer?
            guard sqlite3_prepare_v2(db, "PRAGMA data_version", -1, &statement, nil) == SQLITE_OK, let statement else {
                sqlite3_close_v2(db)
                return nil
            }
            self.db = db
            self.statement = statement
        }

        /// The counter, or nil when SQLite could not answer (busy, a removed file).
        func dataVersion() -> Int64? {
            lock.withLock { _ in
                defer { sqlite3_reset(statement) }
                guard sqlite3_step(statement) == SQLITE_ROW else { return nil }
                return sqlite3_column_int64(statement, 0)
            }
        }

        deinit {
            sqlite3_finalize(statement)
            sqlite3_close_v2(db)
        }
    }
}
