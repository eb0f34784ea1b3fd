import Foundation
import Logging
import PostgresNIO
import RegistryStore
import TeacherGrowth

extension PostgresRegistry {
    /// One consistent read of the facts: a REPEATABLE READ transaction, held until the snapshot is
    /// released. Schools, studios and the registry's small facts are read now; people are streamed
    /// each time `forEachTeacher` is called — one row per person, the server gathering each table's
    /// records into arrays — so the client never holds more than a few batches of people, whatever
    /// the size of the registry (before, every table was read into memory first: ≈ 2 GiB at 100×).
    public func facts(_ query: FactQuery = FactQuery()) throws -> PostgresSnapshot {
        let session = try SnapshotSession.open(on: self)
        let shared = try session.run { c, logger in try await SharedFacts.load(c, logger: logger) }
        return PostgresSnapshot(session: session, shared: shared)
    }
}

/// The facts of one consistent read of a PostgreSQL registry.
public struct PostgresSnapshot: FactSource, Sendable {
    let session: SnapshotSession
    let shared: SharedFacts

    /// The latest year the registry holds facts for (training, assignments, designations, hiring).
    public var latestFactYear: Int? { shared.latestFactYear }
    /// Set when the registry holds the synthetic demo county.
    public var demoDescription: String? { shared.demoDescription }

    public func schools() throws -> [School] { shared.schools }
    public func schoolNames() throws -> [String: String] { shared.schoolNames }
    public func studios() throws -> [StudioFacts] { shared.studios }

    public func forEachTeacher(_ query: FactQuery, _ body: (TeacherFacts) throws -> Void) throws {
        let sql = PeopleQuery(query: query, anyVoided: shared.anyVoided)
        try session.stream(sql.statement, decode: sql.person, body)
    }

    public func names(of staff: Set<String>) throws -> [String: String] {
        guard !staff.isEmpty else { return [:] }
        let list = Array(staff)
        return try session.run { c, logger in
            var names: [String: String] = [:]
            for try await (no, name) in try await c.query("SELECT staff_no, name FROM teachers WHERE staff_no = ANY(\(list))", logger: logger)
                .decode((String, String).self) { names[no] = name }
            return names
        }
    }
}

/// What a snapshot reads at once: the small tables every view needs.
struct SharedFacts: Sendable {
    var schools: [School] = []
    var schoolNames: [String: String] = [:]
    var studios: [StudioFacts] = []
    var latestFactYear: Int?
    var demoDescription: String?
    /// Whether any training record is voided (the people query leaves out the anti-join when none is).
    var anyVoided = false

    static func day(_ column: String) -> String { "\(column) - DATE '1970-01-01'" }
    static func date(_ n: Int?) -> CivilDate? { n.map { CivilDate(dayNumber: $0) } }

    static func load(_ c: PostgresConnection, logger: Logger) async throws -> SharedFacts {
        var f = SharedFacts()
        for try await (code, name, type, area, ownership, students, pe, arts, opened, closed, county) in try await c.query(PostgresQuery(unsafeSQL: """
            SELECT code, name, type, area, ownership, students, pe_quota, arts_quota, \(day("opened_on")), \(day("closed_on")), county
            FROM schools ORDER BY code
            """), logger: logger).decode((String, String, String, String, String, Int?, Int?, Int?, Int?, Int?, String?).self) {
            f.schoolNames[code] = name
            guard let t = SchoolType(rawValue: type), let a = Area(rawValue: area), let o = Ownership(rawValue: ownership) else { continue }
            f.schools.append(School(code: code, type: t, area: a, ownership: o, students: students, peQuota: pe, artsQuota: arts,
                                    openedOn: date(opened), closedOn: date(closed), county: county))
        }
        var budgets: [String: [Int: Yuan]] = [:]
        for try await (code, year, fen) in try await c.query("SELECT studio_code, year, amount_fen FROM studio_budgets", logger: logger)
            .decode((String, Int, Int).self) {
            budgets[code, default: [:]][year] = Yuan(fen: fen)
        }
        for try await (code, kind, level, stage, founded, closed, school, county) in try await c.query(PostgresQuery(unsafeSQL: """
            SELECT code, kind, level, stage, \(day("founded_on")), \(day("closed_on")), school_code,
                   COALESCE((SELECT c.county FROM schools c WHERE c.code = s.school_code),
                            (SELECT c.county FROM assignments a JOIN schools c ON c.code = a.school_code
                             WHERE a.staff_no = s.host_staff_no ORDER BY a.from_date DESC LIMIT 1))
            FROM studios s ORDER BY code
            """), logger: logger).decode((String, String, String, String?, Int, Int?, String?, String?).self) {
            guard let k = StudioKind(rawValue: kind), let l = Level(rawValue: level) else { continue }
            f.studios.append(StudioFacts(studio: Studio(code: code, kind: k, level: l, stage: stage.flatMap(Stage.init(rawValue:)),
                                                        foundedOn: CivilDate(dayNumber: founded), closedOn: date(closed)),
                                         schoolCode: school, budgets: budgets[code] ?? [:], county: county))
        }
        for try await y in try await c.query("""
            SELECT CAST(EXTRACT(YEAR FROM MAX(d)) AS integer) FROM (SELECT MAX(end_date) AS d FROM training UNION ALL SELECT MAX(from_date) FROM assignments
            UNION ALL SELECT MAX(awarded_on) FROM designations UNION ALL SELECT MAX(hired_on) FROM teachers) x
            """, logger: logger).decode(Int?.self) { f.latestFactYear = y }
        for try await v in try await c.query("SELECT value FROM registry_meta WHERE key = 'demo'", logger: logger).decode(String.self) {
            f.demoDescription = v
        }
        for try await v in try await c.query("SELECT EXISTS (SELECT 1 FROM training_voids)", logger: logger).decode(Bool.self) { f.anyVoided = v }
        return f
    }
}

/// The query that gives one row per person with every table's records as arrays, in staff-number
/// (byte) order, and the decoding of such a row. Each table's rows are aggregated in the order the
/// domain expects (assignments by start, the others by id); the arrays of one table come from the
/// same rows in the same order. A missing date is `Int32.min`, a missing text `\u{1}` (array
/// elements cannot be decoded as optional).
struct PeopleQuery: Sendable {
    let query: FactQuery
    let anyVoided: Bool

    static let noDay = Int32.min
    static let noText = "\u{1}"

    private func day(_ column: String, nullable: Bool = false) -> String {
        nullable ? "COALESCE((\(column) - DATE '1970-01-01')::int4, \(Self.noDay))" : "(\(column) - DATE '1970-01-01')::int4"
    }

    private func text(_ column: String) -> String { "COALESCE(\(column), chr(1))" }

    /// `staff_no IN …` for a school's people, else TRUE.
    private func only(_ column: String = "staff_no") -> String {
        query.school == nil ? "TRUE" : "\(column) IN (SELECT staff_no FROM assignments WHERE school_code = $1)"
    }

    /// Each table's records per person: `(alias, columns, table rows ordered per person)`.
    private var tables: [(alias: String, columns: [String], from: String)] {
        let countyOrHigher = TrainingLevel.allCases.filter(\.isCountyOrHigher).map { "'\($0.rawValue)'" }.joined(separator: ",")
        let unvoided = anyVoided ? "AND NOT EXISTS (SELECT 1 FROM training_voids v WHERE v.training_id = t.id)" : ""
        var list: [(String, [String], String)] = [
            ("a", ["school_code", day("from_date"), day("to_date", nullable: true), "post", "stage", text("subject"), text("course_type")],
             "SELECT * FROM assignments WHERE \(only()) ORDER BY staff_no, from_date"),
            ("d", ["education", day("obtained_on")], "SELECT * FROM degrees WHERE \(only()) ORDER BY staff_no, id"),
            ("ti", ["title", day("from_date")], "SELECT * FROM titles WHERE \(only()) ORDER BY staff_no, id"),
            ("c", ["kind", "number", day("issued_on"), day("revoked_on", nullable: true)], "SELECT * FROM certificates WHERE \(only()) ORDER BY staff_no, id"),
            ("g", ["kind", "level", text("tier"), day("awarded_on"), day("expires_on", nullable: true), day("revoked_on", nullable: true)],
             "SELECT * FROM designations WHERE \(only()) ORDER BY staff_no, id"),
            // Training, the largest table: the end day, and hours × 4 + induction × 2 + county-or-higher.
            ("tr", [day("end_date"), "(hours_tenths * 4 + (kind = 'induction')::int * 2 + (level IN (\(countyOrHigher)))::int)::int4"],
             "SELECT * FROM training t WHERE status = 'approved' \(unvoided) AND \(only()) ORDER BY staff_no, id"),
            ("r", ["from_school", "to_school", "kind", day("start_date"), day("end_date", nullable: true)],
             "SELECT * FROM rotations WHERE \(only()) ORDER BY staff_no, id"),
        ]
        if query.registrations {
            list.append(("re", ["number", day("registered_on"), "result"], """
                SELECT c.staff_no, r.number, r.registered_on, r.result FROM registrations r JOIN certificates c ON c.number = r.number
                WHERE \(only("c.staff_no")) ORDER BY c.staff_no, r.id
                """))
            list.append(("ap", ["year::int4", "result"], "SELECT * FROM appraisals WHERE \(only()) ORDER BY staff_no, id"))
        }
        return list
    }

    var statement: PostgresQuery {
        var select = ["p.staff_no", day("p.hired_on"), day("p.left_on", nullable: true), "p.establishment",
                      query.personal ? "p.gender" : "NULL::text", query.personal ? day("p.birth_date", nullable: true) : "NULL::int4"]
        var joins: [String] = []
        for (alias, columns, from) in tables {
            // Aggregated over rows already in order (no parallel workers in the snapshot), so every
            // array of the table lists the records in the same order.
            let arrays = columns.enumerated().map { "array_agg(\($0.element)) AS x\($0.offset)" }.joined(separator: ", ")
            joins.append("LEFT JOIN (SELECT staff_no, \(arrays) FROM (\(from)) s GROUP BY staff_no) \(alias) ON \(alias).staff_no = p.staff_no")
            select += columns.indices.map { "\(alias).x\($0)" }
        }
        let sql = """
            SELECT \(select.joined(separator: ", "))
            FROM teachers p \(joins.joined(separator: " "))
            WHERE \(only("p.staff_no")) ORDER BY p.staff_no
            """
        var binds = PostgresBindings()
        if let school = query.school { binds.append(school) }
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    /// The cells of a row, read in order.
    private struct Cells {
        var row: PostgresRow
        var index: PostgresRow.Index

        init(_ row: PostgresRow) { self.row = row; index = row.startIndex }

        mutating func next<T: PostgresDecodable>(_ type: T.Type) throws -> T {
            let cell = row[index]
            index = row.index(after: index)
            return try cell.decode(T.self)
        }

        /// An array column; a person without records of the table has none.
        mutating func list<T: PostgresArrayDecodable>(_ type: T.Type) throws -> [T] where T._DecodableType == T {
            let cell = row[index]
            index = row.index(after: index)
            return try cell.decode([T]?.self) ?? []
        }
    }

    private static func day(_ n: Int32) -> CivilDate? { n == noDay ? nil : CivilDate(dayNumber: Int(n)) }
    private static func text(_ s: String) -> String? { s == noText ? nil : s }

    @Sendable func person(_ row: PostgresRow) throws -> TeacherFacts? {
        var cells = Cells(row)
        let no = try cells.next(String.self)
        let hired = try cells.next(Int32.self), left = try cells.next(Int32.self), establishment = try cells.next(String.self)
        let gender = try cells.next(String?.self), birth = try cells.next(Int32?.self)

        let (schools, froms, tos, posts, stages, subjects, courses) = try (cells.list(String.self), cells.list(Int32.self), cells.list(Int32.self),
                                                                           cells.list(String.self), cells.list(String.self), cells.list(String.self),
                                                                           cells.list(String.self))
        var assignments: [Assignment] = []
        assignments.reserveCapacity(schools.count)
        for i in schools.indices {
            guard let p = Post(rawValue: posts[i]), let s = Stage(rawValue: stages[i]) else { continue }
            assignments.append(Assignment(schoolCode: schools[i], from: CivilDate(dayNumber: Int(froms[i])), to: Self.day(tos[i]), post: p, stage: s,
                                          subject: Self.text(subjects[i]), courseType: Self.text(courses[i]).flatMap(CourseType.init(rawValue:))))
        }
        let (educations, obtained) = try (cells.list(String.self), cells.list(Int32.self))
        let degrees = zip(educations, obtained).compactMap { e, d in Education(rawValue: e).map { Degree($0, obtainedOn: CivilDate(dayNumber: Int(d))) } }
        let (titleNames, titleFrom) = try (cells.list(String.self), cells.list(Int32.self))
        let titles = zip(titleNames, titleFrom).compactMap { t, d in Title(rawValue: t).map { TitleRecord($0, from: CivilDate(dayNumber: Int(d))) } }
        let (certKinds, numbers, issued, certRevoked) = try (cells.list(String.self), cells.list(String.self), cells.list(Int32.self), cells.list(Int32.self))
        var certificates: [Certificate] = []
        for i in certKinds.indices {
            guard let k = CertificateKind(rawValue: certKinds[i]) else { continue }
            certificates.append(Certificate(kind: k, number: numbers[i], issuedOn: CivilDate(dayNumber: Int(issued[i])), revokedOn: Self.day(certRevoked[i])))
        }
        let (kinds, levels, tiers, awarded, expires, revoked) = try (cells.list(String.self), cells.list(String.self), cells.list(String.self),
                                                                     cells.list(Int32.self), cells.list(Int32.self), cells.list(Int32.self))
        var designations: [Designation] = []
        for i in kinds.indices {
            guard let k = DesignationKind(rawValue: kinds[i]), let l = Level(rawValue: levels[i]) else { continue }
            designations.append(Designation(kind: k, level: l, tier: Self.text(tiers[i]).flatMap(DualQualifiedTier.init(rawValue:)),
                                            awardedOn: CivilDate(dayNumber: Int(awarded[i])), expiresOn: Self.day(expires[i]), revokedOn: Self.day(revoked[i])))
        }
        let (ends, packed) = try (cells.list(Int32.self), cells.list(Int32.self))
        var training: [TrainingFact] = []
        training.reserveCapacity(ends.count)
        for (end, p) in zip(ends, packed) {
            training.append(TrainingFact(endDate: CivilDate(dayNumber: Int(end)), hours: Hours(tenths: Int(p >> 2)),
                                         isInduction: p & 2 != 0, isCountyOrHigher: p & 1 != 0))
        }
        let (fromSchools, toSchools, rotationKinds, starts, rotationEnds) = try (cells.list(String.self), cells.list(String.self), cells.list(String.self),
                                                                                cells.list(Int32.self), cells.list(Int32.self))
        var rotations: [Rotation] = []
        for i in fromSchools.indices {
            guard let k = RotationKind(rawValue: rotationKinds[i]) else { continue }
            rotations.append(Rotation(fromSchool: fromSchools[i], toSchool: toSchools[i], kind: k, start: CivilDate(dayNumber: Int(starts[i])),
                                      end: Self.day(rotationEnds[i])))
        }
        var registrations: [RegistrationFact] = []
        var appraisals: [Int: AppraisalResult] = [:]
        if query.registrations {
            let (regNumbers, on, results) = try (cells.list(String.self), cells.list(Int32.self), cells.list(String.self))
            for i in regNumbers.indices {
                guard let r = RegistrationResult(rawValue: results[i]) else { continue }
                registrations.append(RegistrationFact(number: regNumbers[i], registeredOn: CivilDate(dayNumber: Int(on[i])), result: r))
            }
            let (years, appraisalResults) = try (cells.list(Int32.self), cells.list(String.self))
            for (year, result) in zip(years, appraisalResults) {
                // The first record of a year counts, as on SQLite.
                guard let r = AppraisalResult(rawValue: result), appraisals[Int(year)] == nil else { continue }
                appraisals[Int(year)] = r
            }
        }
        guard let e = Establishment(rawValue: establishment) else { return nil }
        return TeacherFacts(staffNo: no, employment: Employment(hiredOn: CivilDate(dayNumber: Int(hired)), leftOn: Self.day(left), establishment: e),
                            assignments: assignments, degrees: degrees, titles: titles, certificates: certificates, designations: designations,
                            training: training, rotations: rotations, registrations: registrations, appraisals: appraisals,
                            gender: gender.flatMap(Gender.init(rawValue:)), birthDate: birth.flatMap(Self.day))
    }
}

/// A connection holding one REPEATABLE READ transaction for a snapshot's life: the small reads
/// (`run`) and the people stream (`stream`) use it one at a time; when the snapshot goes, the
/// transaction ends and the connection returns to the registry's idle ones (closed instead when
/// something failed or a stream was abandoned half-read).
final class SnapshotSession: @unchecked Sendable {
    let registry: PostgresRegistry
    private let connection: PostgresConnection
    private let lock = NSLock()
    private var busy = false
    private var reusable = true

    private init(registry: PostgresRegistry, connection: PostgresConnection) {
        self.registry = registry
        self.connection = connection
    }

    static func open(on registry: PostgresRegistry) throws -> SnapshotSession {
        let connection = try Blocking.wait { try await registry.acquireConnection() }
        let session = SnapshotSession(registry: registry, connection: connection)
        _ = try session.run { c, logger in
            try await c.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            // The per-person aggregation sorts and hashes millions of rows: with the default 4 MB it
            // spills to disk. JIT compiling costs more than it saves here. Rows must be aggregated in
            // the order they are given, which parallel workers would not keep.
            try await c.query("SET LOCAL work_mem = '64MB'", logger: logger)
            try await c.query("SET LOCAL jit = off", logger: logger)
            try await c.query("SET LOCAL max_parallel_workers_per_gather = 0", logger: logger)
            return true
        }
        return session
    }

    private func enter() throws {
        try lock.withLock {
            // Only reached by a program mistake (a view reading while it streams people).
            guard !busy else { throw PostgresRegistryError(.init("同一读取中不能同时进行两项查询", "One snapshot cannot run two reads at once.")) }
            busy = true
        }
    }

    private func leave(failed: Bool) {
        lock.withLock {
            busy = false
            if failed { reusable = false }
        }
    }

    /// Runs `body` on the snapshot's connection and waits for it.
    func run<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T) throws -> T {
        try enter()
        let (c, logger) = (connection, registry.logger)
        do {
            let result = try Blocking.wait { try await body(c, logger) }
            leave(failed: false)
            return result
        } catch {
            leave(failed: true)
            throw PostgresRegistryError.wrap(error)
        }
    }

    /// Streams the rows of `query` to `body` on the calling thread, decoded on another, in batches
    /// through a bounded queue (`HandoffQueue`): memory stays a few batches.
    func stream<T: Sendable>(_ query: PostgresQuery, decode: @escaping @Sendable (PostgresRow) throws -> T?, _ body: (T) throws -> Void) throws {
        try enter()
        let queue = HandoffQueue<[T]>(capacity: 8)
        let (c, logger) = (connection, registry.logger)
        let box = Unchecked(queue)
        Task.detached(executorPreference: PostgresExecutor.shared) {
            let queue = box.value
            do {
                var batch: [T] = []
                batch.reserveCapacity(256)
                for try await row in try await c.query(query, logger: logger) {
                    if let item = try decode(row) { batch.append(item) }
                    if batch.count == 256 {
                        guard queue.put(batch) else { return }
                        batch.removeAll(keepingCapacity: true)
                    }
                }
                if !batch.isEmpty { guard queue.put(batch) else { return } }
                queue.finish()
            } catch {
                queue.finish(error)
            }
        }
        var completed = false
        defer {
            // Stopped early (the body threw): the query may still be running on the connection.
            if !completed { queue.stop() }
            leave(failed: !completed)
        }
        do {
            while let batch = try queue.take() {
                for item in batch { try body(item) }
            }
        } catch {
            throw PostgresRegistryError.wrap(error)
        }
        completed = true
    }

    deinit {
        let (c, registry, reusable) = (connection, registry, self.reusable)
        Task.detached(executorPreference: PostgresExecutor.shared) {
            if reusable, (try? await c.query("COMMIT", logger: registry.logger)) != nil {
                await registry.releaseConnection(c, reusable: true)
            } else {
                await registry.releaseConnection(c, reusable: false)
            }
        }
    }
}
