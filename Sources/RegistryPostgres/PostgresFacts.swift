import Foundation
import PostgresNIO
import RegistryStore
import TeacherGrowth

extension PostgresRegistry {
    /// Reads the facts `query` asks for in one snapshot (a REPEATABLE READ transaction), each table
    /// once, ordered by staff number (byte order), and hands them to the domain as a `FactSource`.
    public func facts(_ query: FactQuery = FactQuery()) throws -> PostgresSnapshot {
        try run { registry, c in try await registry.loadFacts(query, on: c) }
    }

    func loadFacts(_ query: FactQuery, on c: PostgresConnection) async throws -> PostgresSnapshot {
        let timing = Timing()
        try await c.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
        // The per-person aggregation of training sorts and hashes millions of rows: with the default
        // 4 MB it spills to disk. JIT compiling these short queries costs more than it saves.
        try await c.query("SET LOCAL work_mem = '64MB'", logger: logger)
        try await c.query("SET LOCAL jit = off", logger: logger)
        func d(_ n: Int?) -> CivilDate? { n.map { CivilDate(dayNumber: $0) } }
        func day(_ column: String) -> String { "\(column) - DATE '1970-01-01'" }
        var binds = PostgresBindings()
        let only: String
        if let school = query.school {
            binds.append(school)
            only = "staff_no IN (SELECT staff_no FROM assignments WHERE school_code = $1)"
        } else {
            only = "TRUE"
        }
        func q(_ sql: String) -> PostgresQuery { PostgresQuery(unsafeSQL: sql, binds: query.school == nil ? PostgresBindings() : binds) }

        var schools: [School] = []
        var schoolNames: [String: String] = [:]
        for try await (code, name, type, area, ownership, students, pe, arts, opened, closed, county) in try await c.query(PostgresQuery(unsafeSQL: """
            SELECT code, name, type, area, ownership, students, pe_quota, arts_quota, \(day("opened_on")), \(day("closed_on")), county
            FROM schools ORDER BY code
            """), logger: logger).decode((String, String, String, String, String, Int?, Int?, Int?, Int?, Int?, String?).self) {
            schoolNames[code] = name
            guard let t = SchoolType(rawValue: type), let a = Area(rawValue: area), let o = Ownership(rawValue: ownership) else { continue }
            schools.append(School(code: code, type: t, area: a, ownership: o, students: students, peQuota: pe, artsQuota: arts,
                                  openedOn: d(opened), closedOn: d(closed), county: county))
        }

        timing.mark("before budgets")
        var budgets: [String: [Int: Yuan]] = [:]
        for try await (code, year, fen) in try await c.query("SELECT studio_code, year, amount_fen FROM studio_budgets", logger: logger)
            .decode((String, Int, Int).self) {
            budgets[code, default: [:]][year] = Yuan(fen: fen)
        }
        var studios: [StudioFacts] = []
        for try await (code, kind, level, stage, founded, closed, school, county) in try await c.query(PostgresQuery(unsafeSQL: """
            SELECT code, kind, level, stage, \(day("founded_on")), \(day("closed_on")), school_code,
                   COALESCE((SELECT c.county FROM schools c WHERE c.code = s.school_code),
                            (SELECT c.county FROM assignments a JOIN schools c ON c.code = a.school_code
                             WHERE a.staff_no = s.host_staff_no ORDER BY a.from_date DESC LIMIT 1))
            FROM studios s ORDER BY code
            """), logger: logger).decode((String, String, String, String?, Int, Int?, String?, String?).self) {
            guard let k = StudioKind(rawValue: kind), let l = Level(rawValue: level) else { continue }
            studios.append(StudioFacts(studio: Studio(code: code, kind: k, level: l, stage: stage.flatMap(Stage.init(rawValue:)),
                                                      foundedOn: CivilDate(dayNumber: founded), closedOn: d(closed)),
                                       schoolCode: school, budgets: budgets[code] ?? [:], county: county))
        }

        timing.mark("before assignments")
        var assignments: [String: [Assignment]] = [:]
        for try await (no, school, from, to, post, stage, subject, course) in try await c.query(q("""
            SELECT staff_no, school_code, \(day("from_date")), \(day("to_date")), post, stage, subject, course_type
            FROM assignments WHERE \(only) ORDER BY staff_no, from_date
            """), logger: logger).decode((String, String, Int, Int?, String, String, String?, String?).self) {
            guard let p = Post(rawValue: post), let s = Stage(rawValue: stage) else { continue }
            assignments[no, default: []].append(Assignment(schoolCode: school, from: CivilDate(dayNumber: from), to: d(to), post: p, stage: s,
                                                           subject: subject, courseType: course.flatMap(CourseType.init(rawValue:))))
        }
        timing.mark("before degrees")
        var degrees: [String: [Degree]] = [:]
        for try await (no, education, obtained) in try await c.query(q("""
            SELECT staff_no, education, \(day("obtained_on")) FROM degrees WHERE \(only) ORDER BY staff_no, id
            """), logger: logger).decode((String, String, Int).self) {
            guard let e = Education(rawValue: education) else { continue }
            degrees[no, default: []].append(Degree(e, obtainedOn: CivilDate(dayNumber: obtained)))
        }
        timing.mark("before titles")
        var titles: [String: [TitleRecord]] = [:]
        for try await (no, title, from) in try await c.query(q("""
            SELECT staff_no, title, \(day("from_date")) FROM titles WHERE \(only) ORDER BY staff_no, id
            """), logger: logger).decode((String, String, Int).self) {
            guard let t = Title(rawValue: title) else { continue }
            titles[no, default: []].append(TitleRecord(t, from: CivilDate(dayNumber: from)))
        }
        timing.mark("before certificates")
        var certificates: [String: [Certificate]] = [:]
        for try await (no, kind, number, issued, revoked) in try await c.query(q("""
            SELECT staff_no, kind, number, \(day("issued_on")), \(day("revoked_on")) FROM certificates WHERE \(only) ORDER BY staff_no, id
            """), logger: logger).decode((String, String, String, Int, Int?).self) {
            guard let k = CertificateKind(rawValue: kind) else { continue }
            certificates[no, default: []].append(Certificate(kind: k, number: number, issuedOn: CivilDate(dayNumber: issued), revokedOn: d(revoked)))
        }
        timing.mark("before designations")
        var designations: [String: [Designation]] = [:]
        for try await (no, kind, level, tier, awarded, expires, revoked) in try await c.query(q("""
            SELECT staff_no, kind, level, tier, \(day("awarded_on")), \(day("expires_on")), \(day("revoked_on"))
            FROM designations WHERE \(only) ORDER BY staff_no, id
            """), logger: logger).decode((String, String, String, String?, Int, Int?, Int?).self) {
            guard let k = DesignationKind(rawValue: kind), let l = Level(rawValue: level) else { continue }
            designations[no, default: []].append(Designation(kind: k, level: l, tier: tier.flatMap(DualQualifiedTier.init(rawValue:)),
                                                             awardedOn: CivilDate(dayNumber: awarded), expiresOn: d(expires), revokedOn: d(revoked)))
        }
        timing.mark("before countyOrHigher")
        let countyOrHigher = TrainingLevel.allCases.filter(\.isCountyOrHigher).map { "'\($0.rawValue)'" }.joined(separator: ",")
        // Training is the largest table: one row per person, the records as two integer arrays
        // (end day; hours × 4 + induction × 2 + county-or-higher), so that the client decodes a few
        // thousand rows instead of every record.
        var training: [String: [TrainingFact]] = [:]
        // Voided records are few or none: the anti-join is left out when there are none (with it the
        // planner probes an empty table once per record).
        var anyVoided = false
        for try await v in try await c.query("SELECT EXISTS (SELECT 1 FROM training_voids)", logger: logger).decode(Bool.self) { anyVoided = v }
        let unvoided = anyVoided ? "AND NOT EXISTS (SELECT 1 FROM training_voids v WHERE v.training_id = t.id)" : ""
        for try await (no, ends, packed) in try await c.query(q("""
            SELECT staff_no, array_agg(\(day("end_date")) ORDER BY id),
                   array_agg(hours_tenths * 4 + (kind = 'induction')::int * 2 + (level IN (\(countyOrHigher)))::int ORDER BY id)
            FROM training t
            WHERE status = 'approved' \(unvoided) AND \(only)
            GROUP BY staff_no ORDER BY staff_no
            """), logger: logger).decode((String, [Int32], [Int32]).self) {
            var list: [TrainingFact] = []
            list.reserveCapacity(ends.count)
            for (end, p) in zip(ends, packed) {
                list.append(TrainingFact(endDate: CivilDate(dayNumber: Int(end)), hours: Hours(tenths: Int(p >> 2)),
                                         isInduction: p & 2 != 0, isCountyOrHigher: p & 1 != 0))
            }
            training[no] = list
        }
        timing.mark("before rotations")
        var rotations: [String: [Rotation]] = [:]
        for try await (no, from, to, kind, start, end) in try await c.query(q("""
            SELECT staff_no, from_school, to_school, kind, \(day("start_date")), \(day("end_date")) FROM rotations WHERE \(only) ORDER BY staff_no, id
            """), logger: logger).decode((String, String, String, String, Int, Int?).self) {
            guard let k = RotationKind(rawValue: kind) else { continue }
            rotations[no, default: []].append(Rotation(fromSchool: from, toSchool: to, kind: k, start: CivilDate(dayNumber: start), end: d(end)))
        }
        timing.mark("before registrations")
        var registrations: [String: [RegistrationFact]] = [:]
        var appraisals: [String: [Int: AppraisalResult]] = [:]
        if query.registrations {
            for try await (no, number, on, result) in try await c.query(q("""
                SELECT c.staff_no, r.number, \(day("r.registered_on")), r.result FROM registrations r JOIN certificates c ON c.number = r.number
                WHERE \(only.replacingOccurrences(of: "staff_no IN", with: "c.staff_no IN")) ORDER BY c.staff_no, r.id
                """), logger: logger).decode((String, String, Int, String).self) {
                guard let res = RegistrationResult(rawValue: result) else { continue }
                registrations[no, default: []].append(RegistrationFact(number: number, registeredOn: CivilDate(dayNumber: on), result: res))
            }
            for try await (no, year, result) in try await c.query(q("""
                SELECT staff_no, year, result FROM appraisals WHERE \(only) ORDER BY staff_no, id
                """), logger: logger).decode((String, Int, String).self) {
                guard let res = AppraisalResult(rawValue: result), appraisals[no]?[year] == nil else { continue }
                appraisals[no, default: [:]][year] = res
            }
        }
        timing.mark("before people")
        var people: [TeacherFacts] = []
        var names: [String: String] = [:]
        // Names only for the views that show people (compliance, rotation candidates).
        let withNames = query.registrations || query.personal
        for try await (no, hired, left, establishment, gender, birth, name) in try await c.query(q("""
            SELECT staff_no, \(day("hired_on")), \(day("left_on")), establishment, \(query.personal ? "gender" : "NULL::text"),
                   \(query.personal ? day("birth_date") : "NULL::integer"), \(withNames ? "name" : "NULL::text")
            FROM teachers WHERE \(only) ORDER BY staff_no
            """), logger: logger).decode((String, Int, Int?, String, String?, Int?, String?).self) {
            guard let e = Establishment(rawValue: establishment) else { continue }
            if let name { names[no] = name }
            people.append(TeacherFacts(
                staffNo: no, employment: Employment(hiredOn: CivilDate(dayNumber: hired), leftOn: d(left), establishment: e),
                assignments: assignments[no] ?? [], degrees: degrees[no] ?? [], titles: titles[no] ?? [],
                certificates: certificates[no] ?? [], designations: designations[no] ?? [], training: training[no] ?? [],
                rotations: rotations[no] ?? [], registrations: registrations[no] ?? [], appraisals: appraisals[no] ?? [:],
                gender: gender.flatMap(Gender.init(rawValue:)), birthDate: d(birth)))
        }
        timing.mark("before latest")
        var latest: Int?
        for try await y in try await c.query("""
            SELECT CAST(EXTRACT(YEAR FROM MAX(d)) AS integer) FROM (SELECT MAX(end_date) AS d FROM training UNION ALL SELECT MAX(from_date) FROM assignments
            UNION ALL SELECT MAX(awarded_on) FROM designations UNION ALL SELECT MAX(hired_on) FROM teachers) x
            """, logger: logger).decode(Int?.self) { latest = y }
        var demo: String?
        for try await v in try await c.query("SELECT value FROM registry_meta WHERE key = 'demo'", logger: logger).decode(String.self) { demo = v }
        try await c.query("COMMIT", logger: logger)
        return PostgresSnapshot(facts: InMemoryFacts(schools: schools, people: people, studios: studios, names: names, schoolNames: schoolNames),
                                latestFactYear: latest, demoDescription: demo)
    }
}

/// The facts of one consistent read of a PostgreSQL registry.
public struct PostgresSnapshot: FactSource, Sendable {
    public let facts: InMemoryFacts
    /// The latest year the registry holds facts for (training, assignments, designations, hiring).
    public let latestFactYear: Int?
    /// Set when the registry holds the synthetic demo county.
    public let demoDescription: String?

    public func schools() throws -> [School] { try facts.schools() }
    public func schoolNames() throws -> [String: String] { try facts.schoolNames() }
    public func studios() throws -> [StudioFacts] { try facts.studios() }
    public func forEachTeacher(_ query: FactQuery, _ body: (TeacherFacts) throws -> Void) throws { try facts.forEachTeacher(query, body) }
    public func names(of staff: Set<String>) throws -> [String: String] { try facts.names(of: staff) }
}
