import Foundation
import GRDB
import TeacherGrowth

/// The registry database: one SQLite file (WAL) or an in-memory database for tests.
/// Every read and write of the product goes through an intention-named method of this type.
public final class Registry: Sendable {
    public let writer: any DatabaseWriter

    /// Opens (creating and migrating on first use) the database at `path`.
    public init(path: String) throws {
        var config = Registry.configuration
        config.busyMode = .timeout(10)
        do {
            writer = try DatabasePool(path: path, configuration: config)
        } catch let error as DatabaseError {
            throw RegistryError.cannotOpen(path: path, reason: error.message ?? "\(error.resultCode)")
        }
        try migrate()
    }

    /// A private in-memory database, for tests.
    public init() throws {
        writer = try DatabaseQueue(configuration: Registry.configuration)
        try migrate()
    }

    private static var configuration: Configuration {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.prepareDatabase { db in
            // A larger page cache (64 MiB) keeps bulk imports and reports off the disk.
            try db.execute(sql: "PRAGMA cache_size = -65536")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        return config
    }

    private func migrate() throws {
        do {
            try Migrations.migrator.migrate(writer)
        } catch let error as DatabaseError {
            throw RegistryError.cannotOpen(path: writer.path, reason: error.message ?? "\(error.resultCode)")
        }
    }

    public static var schemaVersion: Int { Migrations.schemaVersion }

    /// Row counts per table, including the change log (used by tests and `status`).
    public func rowCounts() throws -> [String: Int] {
        try writer.read { db in
            var out: [String: Int] = [:]
            for t in ImportKind.all.map(\.table) + ["training_voids", "change_batches", "change_log"] {
                out[t] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(t)")!
            }
            return out
        }
    }

    /// Opens a change batch: who, when, what command, from which source.
    static func beginBatch(_ db: Database, actor: String, command: String, source: String?) throws -> Int64 {
        try db.execute(sql: "INSERT INTO change_batches (at, actor, command, source) VALUES (?, ?, ?, ?)",
                       arguments: [Registry.timestamp(), actor, command, source])
        return db.lastInsertedRowID
    }

    static func timestamp() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: Date())
    }
}

/// Errors of the store, each a sentence the user can act on.
public enum RegistryError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(path: String, reason: String)
    case cannotRead(path: String, reason: String)
    case unknownKind(String)
    case notFound(String)
    case invalid(String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): return "Cannot open the registry database \(path) (\(reason)); check the path given with --db and that the file is a teacher-registry database."
        case .cannotRead(let path, let reason): return "Cannot read \(path) (\(reason)); check the path."
        case .unknownKind(let k): return "\"\(k)\" is not an import kind; use one of: \(ImportKind.all.map(\.name).joined(separator: ", "))."
        case .notFound(let what): return "\(what)."
        case .invalid(let what): return "\(what)."
        }
    }
}
