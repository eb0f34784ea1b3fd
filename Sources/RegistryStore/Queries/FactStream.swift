import GRDB
import TeacherGrowth

/// Reads the facts the metrics need, in bulk: schools and studios whole, people one at a time through
/// a merge of cursors ordered by staff number (no per-teacher queries, no table held in memory).
extension Registry {
    /// Runs `body` inside one read transaction, so everything it reads is one consistent state.
    public func snapshot<T: Sendable>(_ body: @Sendable (FactReader) throws -> T) throws -> T {
        try writer.read { db in try body(FactReader(db: db)) }
    }

    /// The report for year Y as of D (SPEC §6), with its history, in one pass over the data.
    public func growthReport(plan: Plan, year: Int, asOf: CivilDate? = nil) throws -> GrowthReport {
        let d = try GrowthReport.asOfDate(year: year, asOf: asOf)
        let dates = GrowthReport.dates(plan: plan, year: year, asOf: d)
        let results = try snapshot { reader -> [CivilDate: DayMetrics] in
            var engine = MetricsEngine(plan: plan, schools: try reader.schools(), dates: dates)
            try reader.forEachTeacher { engine.add($0) }
            return engine.results(studios: try reader.studios())
        }
        var report = GrowthReport(plan: plan, year: year, asOf: d, results: results)
        report.isDemoData = try demoDescription() != nil
        return report
    }
}

/// Reads facts within one read transaction.
public struct FactReader {
    let db: Database

    private static func date(_ v: DatabaseValue) -> CivilDate? {
        guard case .string(let s) = v.storage else { return nil }
        return CivilDate(iso: s)
    }

    public func schools() throws -> [School] {
        try Row.fetchAll(db, sql: """
            SELECT code, type, area, ownership, students, pe_quota, arts_quota, opened_on, closed_on FROM schools ORDER BY code
            """).map { r in
            School(code: r[0], type: SchoolType(rawValue: r[1])!, area: Area(rawValue: r[2])!,
                   ownership: Ownership(rawValue: r[3])!, students: r[4], peQuota: r[5], artsQuota: r[6],
                   openedOn: FactReader.date(r[7]), closedOn: FactReader.date(r[8]))
        }
    }

    public func studios() throws -> [StudioFacts] {
        var budgets: [String: [Int: Yuan]] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT studio_code, year, amount_fen FROM studio_budgets") {
            budgets[r[0], default: [:]][r[1]] = Yuan(fen: r[2])
        }
        return try Row.fetchAll(db, sql: "SELECT code, kind, level, stage, founded_on, closed_on, school_code FROM studios ORDER BY code").map { r in
            let code: String = r[0]
            return StudioFacts(
                studio: Studio(code: code, kind: StudioKind(rawValue: r[1])!, level: Level(rawValue: r[2])!,
                               stage: (r[3] as String?).flatMap(Stage.init(rawValue:)), foundedOn: FactReader.date(r[4])!,
                               closedOn: FactReader.date(r[5])),
                schoolCode: r[6], budgets: budgets[code] ?? [:])
        }
    }

    /// A cursor grouped by its first column (staff_no), read in step with the teachers cursor.
    private final class Group<T> {
        let cursor: RowCursor
        let make: (Row) -> T
        var pendingKey: String?
        var pending: T?

        init(_ db: Database, _ sql: String, _ make: @escaping (Row) -> T) throws {
            cursor = try Row.fetchCursor(db, sql: sql)
            self.make = make
            try advance()
        }

        private func advance() throws {
            if let row = try cursor.next() {
                pendingKey = row[0]
                pending = make(row)
            } else {
                pendingKey = nil
                pending = nil
            }
        }

        /// The rows of `staffNo` (rows of smaller keys, which foreign keys rule out, are skipped).
        func take(_ staffNo: String) throws -> [T] {
            var out: [T] = []
            // SQLite orders TEXT by bytes (BINARY collation): compare UTF-8 bytes the same way.
            while let key = pendingKey, key == staffNo || key.utf8.lexicographicallyPrecedes(staffNo.utf8) {
                if key == staffNo { out.append(pending!) }
                try advance()
            }
            return out
        }
    }

    /// Calls `body` with each person's facts, in staff-number order. With `registrations`, also
    /// reads certificate registrations and appraisals (what the compliance view needs).
    public func forEachTeacher(registrations withRegistrations: Bool = false, _ body: (TeacherFacts) throws -> Void) throws {
        let d = FactReader.date
        let assignments = try Group(db, """
            SELECT staff_no, school_code, from_date, to_date, post, stage, subject, course_type FROM assignments ORDER BY staff_no, from_date
            """) { r in
            Assignment(schoolCode: r[1], from: d(r[2])!, to: d(r[3]), post: Post(rawValue: r[4])!, stage: Stage(rawValue: r[5])!,
                       subject: r[6], courseType: (r[7] as String?).flatMap(CourseType.init(rawValue:)))
        }
        let degrees = try Group(db, "SELECT staff_no, education, obtained_on FROM degrees ORDER BY staff_no") { r in
            Degree(Education(rawValue: r[1])!, obtainedOn: d(r[2])!)
        }
        let titles = try Group(db, "SELECT staff_no, title, from_date FROM titles ORDER BY staff_no") { r in
            TitleRecord(Title(rawValue: r[1])!, from: d(r[2])!)
        }
        let certificates = try Group(db, "SELECT staff_no, kind, number, issued_on, revoked_on FROM certificates ORDER BY staff_no") { r in
            Certificate(kind: CertificateKind(rawValue: r[1])!, number: r[2], issuedOn: d(r[3])!, revokedOn: d(r[4]))
        }
        let designations = try Group(db, """
            SELECT staff_no, kind, level, tier, awarded_on, expires_on, revoked_on FROM designations ORDER BY staff_no
            """) { r in
            Designation(kind: DesignationKind(rawValue: r[1])!, level: Level(rawValue: r[2])!,
                        tier: (r[3] as String?).flatMap(DualQualifiedTier.init(rawValue:)), awardedOn: d(r[4])!,
                        expiresOn: d(r[5]), revokedOn: d(r[6]))
        }
        let training = try Group(db, """
            SELECT staff_no, CAST(julianday(end_date) - 2440587.5 AS INTEGER), hours_tenths, kind = 'induction',
                   level <> 'school' AND level <> 'other'
            FROM training t
            WHERE status = 'approved' AND NOT EXISTS (SELECT 1 FROM training_voids v WHERE v.training_id = t.id)
            ORDER BY staff_no
            """) { r in
            // The day number and the two flags come from SQL: no strings to build per record.
            TrainingFact(endDate: CivilDate(dayNumber: r[1]), hours: Hours(tenths: r[2]), isInduction: r[3], isCountyOrHigher: r[4])
        }
        let rotations = try Group(db, "SELECT staff_no, from_school, to_school, kind, start_date, end_date FROM rotations ORDER BY staff_no") { r in
            Rotation(fromSchool: r[1], toSchool: r[2], kind: RotationKind(rawValue: r[3])!, start: d(r[4])!, end: d(r[5]))
        }
        let none = "WHERE 0"
        let registrations = try Group(db, """
            SELECT c.staff_no, r.number, r.registered_on, r.result FROM registrations r JOIN certificates c ON c.number = r.number
            \(withRegistrations ? "" : none) ORDER BY c.staff_no
            """) { r in
            RegistrationFact(number: r[1], registeredOn: d(r[2])!, result: RegistrationResult(rawValue: r[3])!)
        }
        let appraisals = try Group(db, "SELECT staff_no, year, result FROM appraisals \(withRegistrations ? "" : none) ORDER BY staff_no") { r in
            (r[1] as Int, AppraisalResult(rawValue: r[2])!)
        }
        let people = try Row.fetchCursor(db, sql: "SELECT staff_no, hired_on, left_on, establishment FROM teachers ORDER BY staff_no")
        while let r = try people.next() {
            let staffNo: String = r[0]
            let employment = Employment(hiredOn: d(r[1])!, leftOn: d(r[2]), establishment: Establishment(rawValue: r[3])!)
            try body(TeacherFacts(
                staffNo: staffNo, employment: employment, assignments: try assignments.take(staffNo),
                degrees: try degrees.take(staffNo), titles: try titles.take(staffNo), certificates: try certificates.take(staffNo),
                designations: try designations.take(staffNo), training: try training.take(staffNo), rotations: try rotations.take(staffNo),
                registrations: try registrations.take(staffNo),
                appraisals: Dictionary(try appraisals.take(staffNo), uniquingKeysWith: { a, _ in a })))
        }
    }
}
