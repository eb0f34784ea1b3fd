import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import RegistryStore
import TeacherGrowth

/// A registry kept in PostgreSQL (`--db postgres://USER@HOST:PORT/DB`): the same validation and
/// domain rules as the SQLite registry; only how facts are stored and read differs.
public final class PostgresRegistry: Sendable {
    /// Whether `db` names a PostgreSQL server rather than a SQLite file.
    public static func isURL(_ db: String) -> Bool {
        db.hasPrefix("postgres://") || db.hasPrefix("postgresql://")
    }

    public let url: String
    let configuration: PostgresConnection.Configuration
    /// Where the key that seals national identity numbers is kept (outside the database).
    public let keyFile: String
    let logger: Logger

    /// Parses the URL; nothing is connected until the first use.
    public init(url: String, keyFile: String? = nil) throws {
        guard let parts = URLComponents(string: url), let host = parts.host, !host.isEmpty,
              PostgresRegistry.isURL(url) else {
            throw PostgresRegistryError(.init(
                "“\(url)”不是 PostgreSQL 地址；请写成 postgres://用户名@主机:端口/数据库名，如 postgres://registry@127.0.0.1:5432/registry",
                "\"\(url)\" is not a PostgreSQL address; write postgres://USER@HOST:PORT/DB, e.g. postgres://registry@127.0.0.1:5432/registry"))
        }
        let database = String(parts.path.drop { $0 == "/" })
        guard !database.isEmpty else {
            throw PostgresRegistryError(.init("“\(url)”没有写数据库名；请在末尾加上 /数据库名", "\"\(url)\" names no database; end it with /DB"))
        }
        let user = parts.user.flatMap { $0.removingPercentEncoding } ?? ProcessInfo.processInfo.environment["PGUSER"] ?? "postgres"
        let password = parts.password?.removingPercentEncoding ?? ProcessInfo.processInfo.environment["PGPASSWORD"]
        self.url = url
        configuration = PostgresConnection.Configuration(host: host, port: parts.port ?? 5432, username: user,
                                                         password: password, database: database, tls: .disable)
        self.keyFile = keyFile ?? PostgresRegistry.defaultKeyFile(host: host, port: parts.port ?? 5432, database: database)
        var logger = Logger(label: "teacher-registry.postgres")
        logger.logLevel = .critical
        self.logger = logger
    }

    /// The key file when none is named: `~/.teacher-registry/HOST-PORT-DB.key` (made 0600 on first use).
    public static func defaultKeyFile(host: String, port: Int, database: String) -> String {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? FileManager.default.currentDirectoryPath
        return "\(home)/.teacher-registry/\(host)-\(port)-\(database).key"
    }

    /// The address without its password, for messages.
    public var displayURL: String {
        "postgres://\(configuration.username)@\(configuration.host ?? "?"):\(configuration.port ?? 5432)/\(configuration.database ?? "")"
    }

    /// Opens a connection, brings the schema up to date, runs `body`, and closes the connection.
    public func withConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        } catch {
            throw PostgresRegistryError(.init(
                "无法连接 PostgreSQL 数据库 \(displayURL)（\(PostgresRegistryError.reason(error))）；请确认服务器已启动，地址、用户名和数据库名正确",
                "Cannot connect to the PostgreSQL database \(displayURL) (\(PostgresRegistryError.reason(error))); check that the server runs and the address, user and database are right."))
        }
        do {
            try await migrate(connection)
            let result = try await body(connection)
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw PostgresRegistryError.wrap(error)
        }
    }

    /// Runs `body` synchronously (for the command line): the async work runs on its own task.
    public func run<T: Sendable>(_ body: @escaping @Sendable (PostgresRegistry, PostgresConnection) async throws -> T) throws -> T {
        try Blocking.wait { [self] in try await self.withConnection { try await body(self, $0) } }
    }

    // MARK: Schema

    /// Applies the migrations not yet applied, each in its own transaction, one process at a time.
    func migrate(_ c: PostgresConnection) async throws {
        try await c.query("SELECT pg_advisory_lock(7415001)", logger: logger)
        do {
            try await c.query("""
                CREATE TABLE IF NOT EXISTS registry_migrations (
                  version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                """, logger: logger)
            var applied = Set<Int>()
            for try await v in try await c.query("SELECT version FROM registry_migrations", logger: logger).decode(Int.self) {
                applied.insert(v)
            }
            if let newest = applied.max(), newest > PostgresSchema.version {
                throw PostgresRegistryError(.init(
                    "数据库的结构版本（\(newest)）比本程序（\(PostgresSchema.version)）新；请使用新版本的 teacher-registry",
                    "The database's schema version (\(newest)) is newer than this program's (\(PostgresSchema.version)); use a newer teacher-registry."))
            }
            for m in PostgresSchema.migrations where !applied.contains(m.version) {
                try await c.query("BEGIN", logger: logger)
                do {
                    for statement in PostgresSQL.statements(m.sql) {
                        try await c.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await c.query("INSERT INTO registry_migrations (version, name) VALUES (\(m.version), \(m.name))", logger: logger)
                    try await c.query("COMMIT", logger: logger)
                } catch {
                    try? await c.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        } catch {
            _ = try? await c.query("SELECT pg_advisory_unlock(7415001)", logger: logger)
            throw error
        }
        try await c.query("SELECT pg_advisory_unlock(7415001)", logger: logger)
    }

    /// The schema version the database is at.
    public func schemaVersion() throws -> Int {
        try run { r, c in
            var v = 0
            for try await x in try await c.query("SELECT COALESCE(MAX(version), 0) FROM registry_migrations", logger: r.logger).decode(Int.self) { v = x }
            return v
        }
    }
}

/// A sentence for the person at the terminal or browser.
public struct PostgresRegistryError: Error, CustomStringConvertible {
    public let message: LocalizedText
    public init(_ message: LocalizedText) { self.message = message }
    public var description: String { message.zh }

    static func reason(_ error: Error) -> String {
        if let p = error as? PSQLError {
            if let m = p.serverInfo?[.message] { return m }
            if let u = p.underlying { return String(describing: u) }
            return String(describing: p.code)
        }
        return String(describing: error)
    }

    /// The server's own words kept, framed as a sentence; our errors pass through.
    static func wrap(_ error: Error) -> Error {
        if error is PostgresRegistryError || error is RegistryError { return error }
        if let p = error as? PSQLError {
            return PostgresRegistryError(.init("PostgreSQL 数据库报错：\(reason(p))；数据未改变", "PostgreSQL refused: \(reason(p)); nothing was changed."))
        }
        return error
    }
}

enum PostgresSQL {
    /// Splits a script into statements at `;` line ends, keeping `$$ … $$` bodies whole.
    static func statements(_ script: String) -> [String] {
        var out: [String] = []
        var current = ""
        var inBody = false
        for line in script.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("--") && !inBody { continue }
            current += line + "\n"
            if line.components(separatedBy: "$$").count % 2 == 0 { inBody.toggle() }
            if !inBody && trimmed.hasSuffix(";") {
                let s = current.trimmingCharacters(in: .whitespacesAndNewlines)
                if s.count > 1 { out.append(String(s.dropLast())) }
                current = ""
            }
        }
        let rest = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !rest.isEmpty { out.append(rest) }
        return out
    }
}

/// Waits for async work from synchronous code (the command line), on a thread of its own.
enum Blocking {
    private final class Box<T>: @unchecked Sendable { var result: Result<T, Error>? }

    static func wait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let box = Box<T>()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }
}

extension PostgresQuery {
    /// A statement the program wrote itself (no user data in it).
    init(unsafeSQL sql: String) { self.init(unsafeSQL: sql, binds: PostgresBindings()) }
}

extension PostgresRegistry {
    /// Rows per fact table.
    public func rowCounts() throws -> [String: Int] {
        try run { r, c in
            var out: [String: Int] = [:]
            for kind in ImportKind.all {
                for try await n in try await c.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(kind.table)"), logger: r.logger).decode(Int.self) {
                    out[kind.table] = n
                }
            }
            return out
        }
    }

    /// Marks the registry as holding the synthetic demo county (reports say so).
    public func markAsDemo(_ description: String) throws {
        try run { r, c in
            try await c.query("""
                INSERT INTO registry_meta (key, value) VALUES ('demo', \(description)) ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """, logger: r.logger)
        }
    }
}
