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
    let pool = ConnectionPool()
    let versionWatch = FactsVersionWatch()

    deinit { versionWatch.stop() }

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

    /// Runs `body` on a connection: an idle one of this registry's, else a new one (the schema is
    /// brought up to date on the first). A connection goes back to the idle ones after `body`
    /// succeeds, and is closed after it fails (its state is then unknown).
    public func withConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await acquireConnection()
        do {
            let result = try await body(connection)
            await releaseConnection(connection, reusable: true)
            return result
        } catch {
            await releaseConnection(connection, reusable: false)
            throw PostgresRegistryError.wrap(error)
        }
    }

    /// An idle connection, else a new one; the schema is brought up to date on the first.
    func acquireConnection() async throws -> PostgresConnection {
        let connection: PostgresConnection
        if let idle = pool.take() {
            connection = idle
        } else {
            do {
                connection = try await PostgresConnection.connect(configuration: configuration, id: pool.nextID(), logger: logger)
            } catch {
                throw PostgresRegistryError(.init(
                    "无法连接 PostgreSQL 数据库 \(displayURL)（\(PostgresRegistryError.reason(error))）；请确认服务器已启动，地址、用户名和数据库名正确",
                    "Cannot connect to the PostgreSQL database \(displayURL) (\(PostgresRegistryError.reason(error))); check that the server runs and the address, user and database are right."))
            }
        }
        if !pool.migrated {
            do {
                try await migrate(connection)
                pool.markMigrated()
            } catch {
                try? await connection.close()
                throw PostgresRegistryError.wrap(error)
            }
        }
        return connection
    }

    /// Back to the idle ones when `reusable` (and fewer than the limit are kept), else closed.
    func releaseConnection(_ connection: PostgresConnection, reusable: Bool) async {
        if !reusable || !pool.give(connection) { try? await connection.close() }
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

/// The idle connections of a registry, for reuse (at most `limit` kept), and whether the schema
/// has been brought up to date in this process.
final class ConnectionPool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [PostgresConnection] = []
    private var ids = 0
    private var isMigrated = false
    let limit = 8

    func take() -> PostgresConnection? {
        lock.withLock {
            while let c = idle.popLast() { if !c.isClosed { return c } }
            return nil
        }
    }

    /// Keeps a connection for reuse; false when enough are kept already (the caller closes it).
    func give(_ c: PostgresConnection) -> Bool {
        lock.withLock {
            guard idle.count < limit, !c.isClosed else { return false }
            idle.append(c)
            return true
        }
    }

    /// The idle connections are closed when the registry goes; each is kept alive until it is.
    deinit {
        for c in idle {
            c.close().whenComplete { _ in withExtendedLifetime(c) {} }
        }
    }

    func nextID() -> Int { lock.withLock { ids += 1; return ids } }
    var migrated: Bool { lock.withLock { isMigrated } }
    func markMigrated() { lock.withLock { isMigrated = true } }
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

/// Where the PostgreSQL work that synchronous callers wait for runs: threads of its own (a
/// concurrent dispatch queue), never Swift's cooperative pool. A caller that blocks a cooperative
/// thread (a test, a synchronous call from async code) then cannot starve the work it waits for.
final class PostgresExecutor: TaskExecutor, @unchecked Sendable {
    static let shared = PostgresExecutor()
    private let queue = DispatchQueue(label: "teacher-registry.postgres", attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { unowned.runSynchronously(on: executor) }
    }
}

/// Waits for async work from synchronous code (the command line, the server's blocking pool).
enum Blocking {
    private final class Box<T>: @unchecked Sendable { var result: Result<T, Error>? }

    static func wait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let box = Box<T>()
        let done = DispatchSemaphore(value: 0)
        Task.detached(executorPreference: PostgresExecutor.shared) {
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
    /// Marks the registry as holding the synthetic demo county (reports say so).
    public func markAsDemo(_ description: String) throws {
        try run { r, c in
            try await c.query("""
                INSERT INTO registry_meta (key, value) VALUES ('demo', \(description)) ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """, logger: r.logger)
        }
    }
}

extension PostgresRegistry {
    /// `backup` on PostgreSQL: the server's own `pg_dump` (custom format, a consistent snapshot
    /// while the registry is in use), then `pg_restore --list` reads the file back as a check.
    /// Returns the number of entries the dump holds.
    public func dump(to destination: String) throws -> Int {
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw PostgresRegistryError(.init("\(destination) 已存在；请换一个新文件名", "\(destination) exists already; name a new file."))
        }
        let dump = try Self.tool("pg_dump")
        let restore = try Self.tool("pg_restore")
        // Readable by its owner only (it holds personal data): made empty with that mode, then
        // written by pg_dump, which keeps the mode.
        guard FileManager.default.createFile(atPath: destination, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw PostgresRegistryError(.init("无法创建备份文件 \(destination)；请检查文件夹是否存在、是否可写", "Cannot create the backup file \(destination); check that its folder exists and can be written."))
        }
        var env = ProcessInfo.processInfo.environment
        if let password = configuration.password { env["PGPASSWORD"] = password }
        let target = ["--host", configuration.host ?? "127.0.0.1", "--port", String(configuration.port ?? 5432),
                      "--username", configuration.username]
        let made = try Self.runTool(dump, target + ["--format=custom", "--file", destination, "--dbname", configuration.database ?? ""], env: env)
        guard made.status == 0 else {
            try? FileManager.default.removeItem(atPath: destination)
            throw PostgresRegistryError(.init("pg_dump 未能备份 \(displayURL)：\(made.stderr)", "pg_dump could not back up \(displayURL): \(made.stderr)"))
        }
        let listed = try Self.runTool(restore, ["--list", destination], env: env)
        guard listed.status == 0 else {
            throw PostgresRegistryError(.init("备份文件 \(destination) 无法读回（pg_restore --list：\(listed.stderr)）；请重新备份",
                                              "The backup \(destination) cannot be read back (pg_restore --list: \(listed.stderr)); make it again."))
        }
        return listed.stdout.split(separator: "\n").filter { !$0.hasPrefix(";") && !$0.isEmpty }.count
    }

    /// A PostgreSQL client program: on the PATH, else in Debian's /usr/lib/postgresql/N/bin (newest).
    static func tool(_ name: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") { return "\(dir)/\(name)" }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        for v in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) where FileManager.default.isExecutableFile(atPath: "/usr/lib/postgresql/\(v)/bin/\(name)") {
            return "/usr/lib/postgresql/\(v)/bin/\(name)"
        }
        throw PostgresRegistryError(.init("找不到 \(name)；请安装 PostgreSQL 客户端（Debian：apt-get install postgresql-client）",
                                          "\(name) is not installed; install the PostgreSQL client (Debian: apt-get install postgresql-client)."))
    }

    static func runTool(_ executable: String, _ arguments: [String], env: [String: String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

extension PostgresRegistry {
    /// Drops the databases `stale` picks by name (test runs on a long-lived server clean up after
    /// earlier runs); one in use is left (PostgreSQL refuses to drop it). Returns the names dropped.
    public static func dropDatabases(on serverURL: String, where stale: @escaping @Sendable (String) -> Bool) throws -> [String] {
        let server = try PostgresRegistry(url: serverURL)
        return try Blocking.wait {
            let c = try await PostgresConnection.connect(configuration: server.configuration, id: 0, logger: server.logger)
            var names: [String] = []
            for try await name in try await c.query("SELECT datname FROM pg_database WHERE NOT datistemplate", logger: server.logger)
                .decode(String.self) where stale(name) && name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
                names.append(name)
            }
            var dropped: [String] = []
            for name in names where (try? await c.query(PostgresQuery(unsafeSQL: "DROP DATABASE \(name)"), logger: server.logger)) != nil {
                dropped.append(name)
            }
            try? await c.close()
            return dropped
        }
    }

    /// Creates an empty database on the server `serverURL` names and returns the new database's URL
    /// (the tests' fresh databases; a first setup). The name is letters, digits and underscores.
    public static func createDatabase(_ name: String, on serverURL: String) throws -> String {
        guard !name.isEmpty, name.utf8.count <= 63, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw PostgresRegistryError(.init("数据库名只能由字母、数字和下划线组成", "A database name is letters, digits and underscores."))
        }
        let server = try PostgresRegistry(url: serverURL)
        try Blocking.wait {
            let c = try await PostgresConnection.connect(configuration: server.configuration, id: 0, logger: server.logger)
            do {
                try await c.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: server.logger)
            } catch {
                try? await c.close()
                throw PostgresRegistryError.wrap(error)
            }
            try? await c.close()
        }
        guard var parts = URLComponents(string: serverURL) else { return serverURL }
        parts.path = "/\(name)"
        return parts.string ?? serverURL
    }
}
