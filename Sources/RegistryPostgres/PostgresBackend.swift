import Foundation
import Logging
import PostgresNIO
import RegistryStore
import TeacherGrowth

/// The PostgreSQL registry as the HTTP server and the web application see it: accounts, sessions,
/// tokens, the audit and the review queue through the store code both backends share (`sql`), the
/// use cases over one snapshot of the facts.
extension PostgresRegistry: RegistryBackend {
    public var sql: any SQLStore { PostgresSQLStore(registry: self) }
    public var fileState: Registry.FileState { .inPlace }

    public func dataVersion() throws -> Int64 {
        try versionWatch.version(read: readFactsVersion)
    }

    /// For a long-running process (the server): learn of commits by notification (`FactsVersionWatch`)
    /// instead of asking for the facts version on every request.
    public func watchFactsVersion() {
        versionWatch.start(configuration: configuration, logger: logger)
    }

    func readFactsVersion() throws -> Int64 {
        try run { r, c in
            var v: Int64 = 0
            for try await x in try await c.query("""
                SELECT COALESCE((SELECT value::bigint FROM registry_meta WHERE key = 'facts_version'), 0)
                """, logger: r.logger).decode(Int64.self) { v = x }
            return v
        }
    }

    /// Marks a batch as the facts' newest version (report caches recompute).
    static func bumpFactsVersion(_ batch: Int64, on c: PostgresConnection, logger: Logger) async throws {
        try await c.query("""
            INSERT INTO registry_meta (key, value) VALUES ('facts_version', \(String(batch)))
            ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """, logger: logger)
    }

    public func factYearRange() throws -> ClosedRange<Int>? {
        try run { r, c in
            var range: ClosedRange<Int>?
            for try await (lo, hi) in try await c.query("""
                SELECT CAST(MIN(lo) AS integer), CAST(MAX(hi) AS integer) FROM (
                  SELECT MIN(extract(year FROM end_date)) AS lo, MAX(extract(year FROM end_date)) AS hi FROM training
                  UNION ALL SELECT MIN(extract(year FROM from_date)), MAX(extract(year FROM from_date)) FROM assignments
                  UNION ALL SELECT MIN(extract(year FROM awarded_on)), MAX(extract(year FROM awarded_on)) FROM designations
                  UNION ALL SELECT MIN(extract(year FROM hired_on)), MAX(extract(year FROM hired_on)) FROM teachers) y
                """, logger: r.logger).decode((Int?, Int?).self) {
                if let lo, let hi { range = lo...max(lo, hi) }
            }
            return range
        }
    }

    // MARK: Use cases over one snapshot

    public func growthReport(catalog: PlanCatalog, year: Int, asOf: CivilDate?, today: CivilDate?) throws -> GrowthReport {
        let facts = try facts()
        var report = try GrowthReporting.report(source: facts, catalog: catalog, year: year, asOf: asOf, today: today)
        report.isDemoData = facts.demoDescription != nil
        return report
    }

    public func growthReport(catalog: PlanCatalog, year: Int, asOf: CivilDate?, today: CivilDate?, county: String) throws -> GrowthReport {
        let facts = try facts()
        var report = try GrowthReporting.report(source: facts, county: county, catalog: catalog, year: year, asOf: asOf, today: today)
        report.isDemoData = facts.demoDescription != nil
        return report
    }

    public func municipalReport(municipalPlan: PlanCatalog?, year: Int, asOf: CivilDate?, today: CivilDate?) throws -> GrowthReport {
        let facts = try facts()
        var report = try GrowthReporting.rollup(source: facts, catalog: municipalPlan, year: year, asOf: asOf, today: today).report
        report.isDemoData = facts.demoDescription != nil
        return report
    }

    public func planReview(_ plan: Plan, today: CivilDate?) throws -> PlanReview {
        let facts = try facts()
        var review = try GrowthReporting.review(source: facts, plan: plan, today: today)
        review.isDemoData = facts.demoDescription != nil
        return review
    }

    public func complianceView(catalog: PlanCatalog, asOf d: CivilDate, school: String?, dueWithin: Int?) throws -> ComplianceView {
        try ComplianceReporting.view(source: try facts(FactQuery(registrations: true, school: school)), catalog: catalog, asOf: d,
                                     school: school, dueWithin: dueWithin)
    }

    public func complianceView(catalog: PlanCatalog, asOf d: CivilDate, county: String, school: String?, dueWithin: Int?) throws -> ComplianceView {
        let facts = try facts(FactQuery(registrations: true, school: school))
        return try ComplianceReporting.view(source: try CountyFacts(facts, county: county), catalog: catalog, asOf: d, school: school, dueWithin: dueWithin)
    }

    public func rotationView(catalog: PlanCatalog, year: Int, asOf: CivilDate?, today: CivilDate?, school: String?) throws -> RotationView {
        try RotationReporting.view(source: try facts(FactQuery(personal: true)), catalog: catalog, year: year, asOf: asOf, today: today, school: school)
    }

    public func rotationView(catalog: PlanCatalog, year: Int, asOf: CivilDate?, today: CivilDate?, county: String) throws -> RotationView {
        let facts = try facts(FactQuery(personal: true))
        return try RotationReporting.view(source: try CountyFacts(facts, county: county), catalog: catalog, year: year, asOf: asOf, today: today)
    }

    // MARK: Single training records, through the importer

    public func addTraining(_ fields: [String: String], actor: String, command: String) throws -> TrainingAddResult {
        try addTrainingByImport(fields, actor: actor, command: command)
    }

    public func validateTraining(_ fields: [String: String]) throws {
        try validateTrainingByImport(fields)
    }

    public var identityKeyFile: String? { keyFile }
    public func currentIdentityKeyring() throws -> IdentityKeyring { try identityKeyring(create: true) }
    /// The key file is read afresh for every use on this backend.
    public func identityKeyringReplaced(_ keyring: IdentityKeyring) {}

    public func openNationalID(_ stored: String) throws -> String {
        IdentityKeyring.isSealed(stored) ? try identityKeyring(create: false).open(stored) : stored
    }
}

/// A PostgreSQL registry's database for the shared store code: each `read` or `write` is one
/// transaction on one connection; `?` placeholders become `$1…`.
struct PostgresSQLStore: SQLStore {
    let registry: PostgresRegistry

    func read<T>(_ body: (SQLSession) throws -> T) throws -> T {
        try transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    func write<T>(_ body: (SQLSession) throws -> T) throws -> T {
        try transaction("BEGIN", body)
    }

    private final class Held: @unchecked Sendable {
        var connection: PostgresConnection?
        var openError: Error?
    }

    /// Takes a connection for the length of `body` (which is synchronous: each statement waits for
    /// its answer), in a transaction committed when `body` returns and rolled back when it throws.
    private func transaction<T>(_ begin: String, _ body: (SQLSession) throws -> T) throws -> T {
        let registry = self.registry
        let held = Held()
        // The connection is taken, and the transaction begun, on a task of its own; the statements
        // then run one by one from this thread.
        let release = ReleaseSignal()
        let done = DispatchSemaphore(value: 0)
        let opened = DispatchSemaphore(value: 0)
        Task.detached(executorPreference: PostgresExecutor.shared) {
            do {
                try await registry.withConnection { c in
                    try await c.query(PostgresQuery(unsafeSQL: begin), logger: registry.logger)
                    held.connection = c
                    opened.signal()
                    let commit = await release.wait()
                    try await c.query(commit ? "COMMIT" : "ROLLBACK", logger: registry.logger)
                    if let e = release.error { throw e }
                }
            } catch {
                if held.connection == nil { held.openError = error; opened.signal() } else { release.failure = error }
            }
            done.signal()
        }
        opened.wait()
        guard let connection = held.connection else {
            done.wait()
            throw held.openError ?? PostgresRegistryError(.init("无法连接 PostgreSQL 数据库", "Cannot connect to the PostgreSQL database."))
        }
        let session = PostgresSQLSession(connection: connection, logger: registry.logger)
        do {
            let result = try body(session)
            release.finish(commit: true, error: nil)
            done.wait()
            if let failure = release.failure { throw PostgresRegistryError.wrap(failure) }
            return result
        } catch {
            // Rolled back; the connection is closed rather than reused.
            release.finish(commit: false, error: error)
            done.wait()
            throw error
        }
    }
}

/// Tells the task holding a connection to commit or roll back.
final class ReleaseSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Bool, Never>?
    private var decided: Bool?
    var error: Error?
    var failure: Error?

    func wait() async -> Bool {
        await withCheckedContinuation { (k: CheckedContinuation<Bool, Never>) in
            lock.lock()
            if let decided { lock.unlock(); k.resume(returning: decided); return }
            continuation = k
            lock.unlock()
        }
    }

    func finish(commit: Bool, error: Error?) {
        lock.lock()
        self.error = error
        if let k = continuation { continuation = nil; lock.unlock(); k.resume(returning: commit); return }
        decided = commit
        lock.unlock()
    }
}

struct PostgresSQLSession: SQLSession {
    let connection: PostgresConnection
    let logger: Logger

    /// `?` → `$n`, outside quoted text.
    static func numbered(_ sql: String) -> String {
        var out = ""
        var n = 0
        var quoted = false
        for ch in sql {
            if ch == "'" { quoted.toggle() }
            if ch == "?" && !quoted { n += 1; out += "$\(n)" } else { out.append(ch) }
        }
        return out
    }

    static func query(_ sql: String, _ arguments: [SQLValue]) -> PostgresQuery {
        var binds = PostgresBindings()
        for a in arguments {
            switch a {
            case .null: binds.appendNull()
            case .int(let n): binds.append(n)
            case .real(let d): binds.append(d)
            case .text(let s): binds.append(s)
            }
        }
        return PostgresQuery(unsafeSQL: numbered(sql), binds: binds)
    }

    func rows(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        let (connection, logger) = (self.connection, self.logger)
        let q = Self.query(sql, arguments)
        return try Blocking.wait {
            var out: [SQLRow] = []
            for try await row in try await connection.query(q, logger: logger) {
                out.append(SQLRow(row.map(Self.value)))
            }
            return out
        }
    }

    func execute(_ sql: String, _ arguments: [SQLValue]) throws {
        _ = try rows(sql, arguments)
    }

    /// Through a cursor, a few thousand rows at a time.
    func each(_ sql: String, _ arguments: [SQLValue], _ body: (SQLRow) throws -> Void) throws {
        try execute("DECLARE registry_rows NO SCROLL CURSOR FOR " + sql, arguments)
        while true {
            let batch = try rows("FETCH 5000 FROM registry_rows", [])
            for row in batch { try body(row) }
            if batch.count < 5000 { break }
        }
        try execute("CLOSE registry_rows", [])
    }

    var dateParameter: String { "CAST(? AS date)" }
    var timestampParameter: String { "CAST(? AS timestamptz)" }

    func beginBatch(actor: String, command: String, source: String?, facts: Bool) throws -> Int64 {
        let id = try insert("INSERT INTO change_batches (actor, command, source) VALUES (?, ?, ?)", actor, command, source)
        if facts {
            try execute("""
                INSERT INTO registry_meta (key, value) VALUES ('facts_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """, String(id))
        }
        return id
    }

    func logChange(batch: Int64, action: String, entity: String, entityID: Int64, entityKey: String, staffNo: String?, detail: String?) throws {
        let json = detail.map { $0.hasPrefix("{") ? "CAST(? AS jsonb)" : "to_jsonb(CAST(? AS text))" } ?? "?"
        try execute("""
            INSERT INTO change_log (batch_id, action, entity, entity_id, entity_key, staff_no, detail) VALUES (?, ?, ?, ?, ?, ?, \(json))
            """, [batch.sqlValue, action.sqlValue, entity.sqlValue, entityID.sqlValue, entityKey.sqlValue, staffNo.sqlValue, detail.sqlValue])
    }

    /// A cell as the shared code reads it: integers, text, dates as `YYYY-MM-DD`, times as SQLite
    /// stores them (ISO 8601 with milliseconds).
    static func value(_ cell: PostgresCell) -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2: return (try? cell.decode(Int16.self)).map { .int(Int64($0)) } ?? .null
        case .int4: return (try? cell.decode(Int32.self)).map { .int(Int64($0)) } ?? .null
        case .int8: return (try? cell.decode(Int64.self)).map { .int($0) } ?? .null
        case .bool: return (try? cell.decode(Bool.self)).map { .int($0 ? 1 : 0) } ?? .null
        case .float4, .float8: return (try? cell.decode(Double.self)).map { .real($0) } ?? .null
        case .date:
            return (try? cell.decode(Date.self)).map { .text(CivilDate(dayNumber: Int(($0.timeIntervalSince1970 / 86_400).rounded(.down))).description) } ?? .null
        case .timestamptz, .timestamp:
            return (try? cell.decode(Date.self)).map { .text(Registry.timestamp($0)) } ?? .null
        case .jsonb:
            guard var bytes = cell.bytes else { return .null }
            _ = bytes.readInteger(as: UInt8.self)  // jsonb's binary form: a version byte, then the text
            let json = bytes.readString(length: bytes.readableBytes) ?? ""
            // A text detail was stored as a JSON string (`logChange`): given back as the text.
            if json.hasPrefix("\""), let s = try? JSONDecoder().decode(String.self, from: Data(json.utf8)) { return .text(s) }
            return .text(json)
        default:
            if let s = try? cell.decode(String.self) { return .text(s) }
            guard var bytes = cell.bytes else { return .null }
            return .text(bytes.readString(length: bytes.readableBytes) ?? "")
        }
    }
}
