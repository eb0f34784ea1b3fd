import Foundation
import GRDB
import TeacherGrowth

/// The registry database: one SQLite file (WAL) or an in-memory database for tests.
/// Every read and write of the product goes through an intention-named method of this type.
public final class Registry: Sendable {
    public let writer: any DatabaseWriter
    /// The key that seals national identity numbers (`IdentityKeyring`).
    let identityKey: IdentityKeySource

    /// The device and inode of the database file when it was opened.
    private let fileIdentity: String?
    /// Whether anything was committed since the facts version was last read (`dataVersion`).
    let versionProbe: VersionProbe?

    private static func identity(of path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return "\(st.st_dev):\(st.st_ino)"
    }

    public enum FileState: Sendable, Equatable { case inPlace, replaced, removed }

    /// Whether the database file this registry has open is still the one at its path: another
    /// program may have removed it or put another file in its place, and writes through this
    /// registry would then be lost with the old file.
    public var fileState: FileState {
        guard let fileIdentity else { return .inPlace }
        guard let now = Registry.identity(of: writer.path) else { return .removed }
        return now == fileIdentity ? .inPlace : .replaced
    }

    /// The key file used when none is named: beside the database, `registry.sqlite.key`.
    public static func defaultKeyFile(for path: String) -> String { path + ".key" }

    /// Opens (creating and migrating on first use) the database at `path`. A new database file is
    /// created readable by its owner only (0600), and SQLite gives its WAL the same mode. National
    /// identity numbers are sealed with the key in `keyFile` (default: beside the database).
    public init(path: String, keyFile: String? = nil) throws {
        var config = Registry.configuration
        config.busyMode = .timeout(10)
        identityKey = IdentityKeySource(path: keyFile ?? Registry.defaultKeyFile(for: path))
        do {
            try PrivateFiles.createIfMissing(path)
            PrivateFiles.restrict(path, withSQLiteCompanions: true)
            writer = try DatabasePool(path: path, configuration: config)
            fileIdentity = Registry.identity(of: path)
            versionProbe = VersionProbe(path: path)
        } catch let error as DatabaseError {
            if Registry.onReadOnlyStorage(path) { throw RegistryError.invalid(Registry.readOnlyMessage(path)) }
            throw RegistryError.cannotOpen(path: path, reason: error.message ?? "\(error.resultCode)")
        } catch let error as RegistryError {
            if Registry.onReadOnlyStorage(path) { throw RegistryError.invalid(Registry.readOnlyMessage(path)) }
            throw error
        }
        try migrate()
    }

    /// Whether the database's folder cannot be written (a read-only disk, or no permission): SQLite
    /// then cannot open a WAL database at all.
    static func onReadOnlyStorage(_ path: String) -> Bool {
        let dir = (path as NSString).deletingLastPathComponent
        var fs = statvfs()
        if statvfs(dir.isEmpty ? "." : dir, &fs) == 0, fs.f_flag & UInt(ST_RDONLY) != 0 { return true }
        return access(dir.isEmpty ? "." : dir, W_OK) != 0
    }

    static func readOnlyMessage(_ path: String) -> LocalizedText {
        .init("登记数据库 \(path) 所在的磁盘或文件夹是只读的（或没有写权限），无法打开；数据没有改动。请把数据库放到可写的位置，或请系统管理员恢复写权限",
              "The registry database \(path) is on a read-only disk or folder (or without write permission) and cannot be opened; nothing was changed. Move it somewhere writable, or ask the administrator to restore write access.")
    }

    /// A private in-memory database, for tests, with a key held in memory.
    public init() throws {
        writer = try DatabaseQueue(configuration: Registry.configuration)
        identityKey = IdentityKeySource(keyring: .ephemeral())
        fileIdentity = nil
        versionProbe = nil
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
            let key = identityKey
            try Migrations.migrator(seal: { db, number in try key.keyring(db).seal(number) }).migrate(writer)
        } catch let error as DatabaseError {
            throw RegistryError.cannotOpen(path: writer.path, reason: error.message ?? "\(error.resultCode)")
        }
    }

    public static var schemaVersion: Int { Migrations.schemaVersion }

    /// Opens a change batch: who, when, what command, from which source. A batch that changes facts
    /// (`facts: true`, the default) moves the facts version on, so cached reports are recomputed;
    /// sign-ins, tokens and accounts do not.
    static func beginBatch(_ db: Database, actor: String, command: String, source: String?, facts: Bool = true) throws -> Int64 {
        try db.execute(sql: "INSERT INTO change_batches (at, actor, command, source) VALUES (?, ?, ?, ?)",
                       arguments: [Registry.timestamp(), actor, command, source])
        let id = db.lastInsertedRowID
        if facts {
            try db.execute(sql: """
                INSERT INTO registry_meta (key, value) VALUES ('facts_version', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value
                """, arguments: [String(id)])
        }
        return id
    }

    /// The facts version before a batch, to put back if the batch turns out empty.
    static func factsVersion(_ db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM registry_meta WHERE key = 'facts_version'")
    }

    /// Removes a batch that recorded nothing (a re-import of unchanged rows, a record posted again
    /// as it was), so that a no-op leaves no trace, and puts the facts version back. True if removed.
    @discardableResult
    static func dropBatchIfEmpty(_ db: Database, _ batch: Int64, previousVersion: String?) throws -> Bool {
        guard try !Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM change_log WHERE batch_id = ?)", arguments: [batch])! else { return false }
        try db.execute(sql: "DELETE FROM change_batches WHERE id = ?", arguments: [batch])
        if let previousVersion {
            try db.execute(sql: "UPDATE registry_meta SET value = ? WHERE key = 'facts_version'", arguments: [previousVersion])
        } else {
            try db.execute(sql: "DELETE FROM registry_meta WHERE key = 'facts_version'")
        }
        return true
    }

    /// How times are stored: UTC, ISO 8601 with milliseconds.
    public static func timestamp(_ date: Date = Date()) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: date)
    }

    /// A stored timestamp read back.
    static func date(fromTimestamp s: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: s)
    }
}

/// Errors of the store, each a sentence the user can act on, in Chinese and English.
public enum RegistryError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(path: String, reason: String)
    case cannotRead(path: String, reason: LocalizedText)
    case unknownKind(String)
    case notFound(LocalizedText)
    case invalid(LocalizedText)
    /// Writing a validated row failed: a disk or lock problem, or a rule the validator missed.
    case writeFailed(place: String, line: Int, cause: DatabaseFailure)
    /// A database operation failed outside an import.
    case database(DatabaseFailure)

    public var message: LocalizedText {
        switch self {
        case .cannotOpen(let path, let reason):
            return .init("无法打开登记数据库 \(path)（\(reason)）；请检查 --db 给出的路径，并确认它是本系统的数据库文件",
                         "Cannot open the registry database \(path) (\(reason)); check the path given with --db and that the file is a teacher-registry database.")
        case .cannotRead(let path, let reason):
            return .init("无法读取 \(path)（\(reason.zh)）；请检查路径", "Cannot read \(path) (\(reason.en)); check the path.")
        case .unknownKind(let k):
            return .init("“\(k)”不是可导入的数据类别；可用：\(ImportKind.all.map { "\($0.name)（\($0.chineseName)）" }.joined(separator: "、"))",
                         "\"\(k)\" is not an import kind; use one of: \(ImportKind.all.map(\.name).joined(separator: ", ")).")
        case .notFound(let what): return what
        case .invalid(let what): return what
        case .writeFailed(let place, let line, let cause):
            return .init("\(place):\(line): 写入数据库失败（\(cause.message.zh)）；本次导入未写入任何数据",
                         "\(place):\(line): writing to the database failed (\(cause.message.en)); nothing was imported")
        case .database(let cause):
            return cause.message
        }
    }

    public func text(_ language: Language) -> String { message.text(language) }
    public var description: String { message.zh }
}

/// A database error in words a user can act on (never SQLite's own text): the disk is full, the
/// file is read-only, another program holds a lock, or a rule was broken (a bug to report).
public struct DatabaseFailure: Error, Equatable, Sendable {
    public enum Kind: String, Sendable { case diskFull, readOnly, busy, constraint, corrupt, other }
    public var kind: Kind

    public init(_ error: DatabaseError) {
        switch error.resultCode {
        case .SQLITE_FULL: kind = .diskFull
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN: kind = .readOnly
        case .SQLITE_BUSY, .SQLITE_LOCKED: kind = .busy
        case .SQLITE_CONSTRAINT: kind = .constraint
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: kind = .corrupt
        case .SQLITE_IOERR:
            kind = error.extendedResultCode == .SQLITE_IOERR_WRITE || error.extendedResultCode == .SQLITE_IOERR_FSYNC ? .diskFull : .other
        default: kind = .other
        }
    }

    public init(kind: Kind) { self.kind = kind }

    /// The failure behind a database error, or nil for any other error.
    public static func from(_ error: Error) -> DatabaseFailure? {
        (error as? DatabaseError).map(DatabaseFailure.init)
    }

    public var message: LocalizedText {
        switch kind {
        case .diskFull: .init("磁盘空间已满，请清理磁盘后重试；已有数据未受影响", "the disk is full; free some space and try again (the data already there is unchanged)")
        case .readOnly: .init("数据库文件或其所在文件夹是只读的；请检查文件权限", "the database file or its folder is read-only; check the file permissions")
        case .busy: .init("数据库正被其他程序占用，请稍后重试", "another program is using the database; try again in a moment")
        case .constraint: .init("数据不符合数据库规则，这是本系统的缺陷，请把文件和这条消息报告给系统管理员", "the data breaks a database rule, which is a defect of this system; please report the file and this message")
        case .corrupt: .init("数据库文件已损坏；请从备份恢复（见 README“备份”）", "the database file is damaged; restore it from a backup (see the README)")
        case .other: .init("数据库出错；请稍后重试，若仍出错请报告系统管理员", "the database failed; try again, and report it if it persists")
        }
    }
}
