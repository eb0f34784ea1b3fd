import Foundation
import GRDB
import GRDBSQLite
import TeacherGrowth

/// Reads the facts the metrics need, in bulk: schools and studios whole, people one at a time through
/// a merge of cursors ordered by staff number (no per-teacher queries, no table held in memory).
extension Registry {
    /// Runs `body` inside one read transaction, so everything it reads is one consistent state.
    public func snapshot<T: Sendable>(_ body: @Sendable (FactReader) throws -> T) throws -> T {
        try writer.read { db in try body(FactReader(db: db)) }
    }

    /// The report for year Y (SPEC §6), against the plan covering Y, with its history, in one pass
    /// over the data. `today` makes the current year a year in progress (as of today, projected).
    public func growthReport(catalog: PlanCatalog, year: Int, asOf: CivilDate? = nil, today: CivilDate? = nil) throws -> GrowthReport {
        var report = try snapshot { reader in
            try GrowthReporting.report(source: reader, catalog: catalog, year: year, asOf: asOf, today: today)
        }
        report.isDemoData = try demoDescription() != nil
        return report
    }

    /// The report against one plan (`--plan FILE`): every year uses it.

    /// The final review of a plan (终期评估).
    public func planReview(_ plan: Plan, today: CivilDate? = nil) throws -> PlanReview {
        var review = try snapshot { reader in try GrowthReporting.review(source: reader, plan: plan, today: today) }
        review.isDemoData = try demoDescription() != nil
        return review
    }
}

/// Reads facts within one read transaction: the store's `FactSource`.
public struct FactReader: FactSource {
    let db: Database

    public func schoolNames() throws -> [String: String] {
        var out: [String: String] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT code, name FROM schools") { out[r[0]] = r[1] }
        return out
    }

    public func names(of staff: Set<String>) throws -> [String: String] {
        guard !staff.isEmpty else { return [:] }
        var out: [String: String] = [:]
        if staff.count <= 500 {
            for r in try Row.fetchAll(db, sql: "SELECT staff_no, name FROM teachers WHERE staff_no IN (\(Array(repeating: "?", count: staff.count).joined(separator: ",")))",
                                      arguments: StatementArguments(Array(staff))) {
                out[r[0]] = r[1]
            }
        } else {
            for r in try Row.fetchAll(db, sql: "SELECT staff_no, name FROM teachers") where staff.contains(r[0] as String) { out[r[0]] = r[1] }
        }
        return out
    }

    /// SQL for "a training level is county or higher", made from the domain's rule (SPEC §3), so the
    /// rule has one owner.
    static let countyOrHigherSQL: String = {
        "(" + TrainingLevel.allCases.filter(\.isCountyOrHigher).map { "level = '\($0.rawValue)'" }.joined(separator: " OR ") + ")"
    }()

    private static func date(_ v: DatabaseValue) -> CivilDate? {
        guard case .string(let s) = v.storage else { return nil }
        return CivilDate(iso: s)
    }

    public func schools() throws -> [School] {
        try Row.fetchAll(db, sql: """
            SELECT code, type, area, ownership, students, pe_quota, arts_quota, opened_on, closed_on, county FROM schools ORDER BY code
            """).map { r in
            School(code: r[0], type: SchoolType(rawValue: r[1])!, area: Area(rawValue: r[2])!,
                   ownership: Ownership(rawValue: r[3])!, students: r[4], peQuota: r[5], artsQuota: r[6],
                   openedOn: FactReader.date(r[7]), closedOn: FactReader.date(r[8]), county: r[9])
        }
    }

    public func studios() throws -> [StudioFacts] {
        var budgets: [String: [Int: Yuan]] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT studio_code, year, amount_fen FROM studio_budgets") {
            budgets[r[0], default: [:]][r[1]] = Yuan(fen: r[2])
        }
        return try Row.fetchAll(db, sql: "SELECT code, kind, level, stage, founded_on, closed_on, school_code, \(FactReader.studioCountySQL) FROM studios s ORDER BY code").map { r in
            let code: String = r[0]
            return StudioFacts(
                studio: Studio(code: code, kind: StudioKind(rawValue: r[1])!, level: Level(rawValue: r[2])!,
                               stage: (r[3] as String?).flatMap(Stage.init(rawValue:)), foundedOn: FactReader.date(r[4])!,
                               closedOn: FactReader.date(r[5])),
                schoolCode: r[6], budgets: budgets[code] ?? [:], county: r[7])
        }
    }

    /// A studio's county: its school's, else the county of its host's latest school.
    static let studioCountySQL = """
        COALESCE((SELECT c.county FROM schools c WHERE c.code = s.school_code),
                 (SELECT c.county FROM assignments a JOIN schools c ON c.code = a.school_code
                  WHERE a.staff_no = s.host_staff_no ORDER BY a.from_date DESC LIMIT 1))
        """

    /// A cursor grouped by its first column (staff_no), read in step with the teachers cursor.
    private final class Group<T> {
        let cursor: RowCursor
        let make: (Row) -> T
        var pendingKey: String?
        var pending: T?

        init(_ db: Database, _ sql: String, _ arguments: StatementArguments, _ make: @escaping (Row) -> T) throws {
            cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
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

    /// The training cursor, stepped with the C API: each row's staff number is compared with the
    /// person's in SQLite's own buffer (byte order, as the BINARY collation sorts), and a record is
    /// read as its id, end date and three integers straight from the covering index. The end date
    /// is parsed here and voided records are skipped here: in SQL, `julianday()` and a `NOT EXISTS`
    /// probe per row cost more than reading the rows.
    private final class TrainingCursor {
        let statement: Statement
        let db: Database
        /// Ids of voided records (few: a void is a correction made by hand).
        let voided: Set<Int64>
        var hasRow = false

        init(_ db: Database, _ sql: String, _ arguments: StatementArguments) throws {
            self.db = db
            voided = Set(try Int64.fetchAll(db, sql: "SELECT training_id FROM training_voids"))
            statement = try db.makeStatement(sql: sql)
            try statement.setArguments(arguments)
            try step()
        }

        deinit { sqlite3_reset(statement.sqliteStatement) }

        private func step() throws {
            let rc = sqlite3_step(statement.sqliteStatement)
            if rc == SQLITE_ROW { hasRow = true; return }
            hasRow = false
            if rc != SQLITE_DONE {
                throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
        }

        /// Compares the current row's staff number with `key`: <0, 0, >0.
        private func compare(_ key: UnsafeBufferPointer<UInt8>) -> Int32 {
            let s = statement.sqliteStatement
            let n = Int(sqlite3_column_bytes(s, 0))
            guard let p = sqlite3_column_text(s, 0) else { return key.isEmpty ? 0 : -1 }
            let common = min(n, key.count)
            let c = common == 0 ? 0 : memcmp(p, key.baseAddress!, common)
            if c != 0 { return c }
            return n == key.count ? 0 : (n < key.count ? -1 : 1)
        }

        /// The current row's end date (`YYYY-MM-DD`, as the table's CHECK requires).
        private func endDate() throws -> CivilDate {
            let s = statement.sqliteStatement
            if let p = sqlite3_column_text(s, 2), let date = CivilDate(isoBytes: UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(s, 2)))) {
                return date
            }
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "training \(sqlite3_column_int64(s, 1)): end_date is not a date")
        }

        func take(_ staffNo: String) throws -> [TrainingFact] {
            var out: [TrainingFact] = []
            var key = Array(staffNo.utf8)
            try key.withUnsafeMutableBufferPointer { raw in
                let k = UnsafeBufferPointer(raw)
                while hasRow {
                    let c = compare(k)
                    if c > 0 { break }
                    let s = statement.sqliteStatement
                    if c == 0 && (voided.isEmpty || !voided.contains(sqlite3_column_int64(s, 1))) {
                        out.append(TrainingFact(endDate: try endDate(),
                                                hours: Hours(tenths: Int(sqlite3_column_int64(s, 3))),
                                                isInduction: sqlite3_column_int64(s, 4) != 0, isCountyOrHigher: sqlite3_column_int64(s, 5) != 0))
                    }
                    try step()
                }
            }
            return out
        }
    }

    /// Calls `body` with each person's facts, in staff-number order. With `registrations`, also
    /// reads certificate registrations and appraisals (what the compliance view needs).
    public func forEachTeacher(registrations withRegistrations: Bool = false, _ body: (TeacherFacts) throws -> Void) throws {
        try forEachTeacher(FactQuery(registrations: withRegistrations), body)
    }

    /// Calls `body` with each person's facts, in staff-number order. With a school, only the people
    /// ever assigned to it are read (a per-school view costs that school's people, not the county's).
    public func forEachTeacher(_ query: FactQuery, _ body: (TeacherFacts) throws -> Void) throws {
        let d = FactReader.date
        let withRegistrations = query.registrations
        // Every cursor reads the same people: all, or those of one school.
        var args: StatementArguments = []
        func people(_ column: String) -> String {
            query.school == nil ? "1" : "\(column) IN (SELECT staff_no FROM assignments WHERE school_code = ?)"
        }
        let only = people("staff_no")
        if let school = query.school { args = [school] }
        func group<T>(_ sql: String, _ make: @escaping (Row) -> T) throws -> Group<T> { try Group(db, sql, args, make) }
        let assignments = try group("""
            SELECT staff_no, school_code, from_date, to_date, post, stage, subject, course_type FROM assignments WHERE \(only) ORDER BY staff_no, from_date
            """) { r in
            Assignment(schoolCode: r[1], from: d(r[2])!, to: d(r[3]), post: Post(rawValue: r[4])!, stage: Stage(rawValue: r[5])!,
                       subject: r[6], courseType: (r[7] as String?).flatMap(CourseType.init(rawValue:)))
        }
        let degrees = try group("SELECT staff_no, education, obtained_on FROM degrees WHERE \(only) ORDER BY staff_no") { r in
            Degree(Education(rawValue: r[1])!, obtainedOn: d(r[2])!)
        }
        let titles = try group("SELECT staff_no, title, from_date FROM titles WHERE \(only) ORDER BY staff_no") { r in
            TitleRecord(Title(rawValue: r[1])!, from: d(r[2])!)
        }
        let certificates = try group("SELECT staff_no, kind, number, issued_on, revoked_on FROM certificates WHERE \(only) ORDER BY staff_no") { r in
            Certificate(kind: CertificateKind(rawValue: r[1])!, number: r[2], issuedOn: d(r[3])!, revokedOn: d(r[4]))
        }
        let designations = try group("""
            SELECT staff_no, kind, level, tier, awarded_on, expires_on, revoked_on FROM designations WHERE \(only) ORDER BY staff_no
            """) { r in
            Designation(kind: DesignationKind(rawValue: r[1])!, level: Level(rawValue: r[2])!,
                        tier: (r[3] as String?).flatMap(DualQualifiedTier.init(rawValue:)), awardedOn: d(r[4])!,
                        expiresOn: d(r[5]), revokedOn: d(r[6]))
        }
        // Training is the largest table (ten records per person): read through the C API, without a
        // Row per record (voided records are skipped as they are read).
        let training = try TrainingCursor(db, """
            SELECT staff_no, id, end_date, hours_tenths, kind = 'induction', \(FactReader.countyOrHigherSQL)
            FROM training
            WHERE status = 'approved' AND \(only)
            ORDER BY staff_no
            """, args)
        let rotations = try group("SELECT staff_no, from_school, to_school, kind, start_date, end_date FROM rotations WHERE \(only) ORDER BY staff_no") { r in
            Rotation(fromSchool: r[1], toSchool: r[2], kind: RotationKind(rawValue: r[3])!, start: d(r[4])!, end: d(r[5]))
        }
        let registrations = try group("""
            SELECT c.staff_no, r.number, r.registered_on, r.result FROM registrations r JOIN certificates c ON c.number = r.number
            WHERE \(withRegistrations ? "1" : "0") AND \(people("c.staff_no")) ORDER BY c.staff_no
            """) { r in
            RegistrationFact(number: r[1], registeredOn: d(r[2])!, result: RegistrationResult(rawValue: r[3])!)
        }
        let appraisals = try group("SELECT staff_no, year, result FROM appraisals WHERE \(withRegistrations ? "1" : "0") AND \(only) ORDER BY staff_no") { r in
            (r[1] as Int, AppraisalResult(rawValue: r[2])!)
        }
        let personal = query.personal ? ", gender, birth_date" : ""
        let people = try Row.fetchCursor(db, sql: "SELECT staff_no, hired_on, left_on, establishment\(personal) FROM teachers WHERE \(only) ORDER BY staff_no",
                                         arguments: args)
        while let r = try people.next() {
            let staffNo: String = r[0]
            let employment = Employment(hiredOn: d(r[1])!, leftOn: d(r[2]), establishment: Establishment(rawValue: r[3])!)
            let gender = query.personal ? (r[4] as String?).flatMap(Gender.init(rawValue:)) : nil
            let birth = query.personal ? d(r[5]) : nil
            try body(TeacherFacts(
                staffNo: staffNo, employment: employment, assignments: try assignments.take(staffNo),
                degrees: try degrees.take(staffNo), titles: try titles.take(staffNo), certificates: try certificates.take(staffNo),
                designations: try designations.take(staffNo), training: try training.take(staffNo), rotations: try rotations.take(staffNo),
                registrations: try registrations.take(staffNo),
                appraisals: Dictionary(try appraisals.take(staffNo), uniquingKeysWith: { a, _ in a }),
                gender: gender, birthDate: birth))
        }
    }
}
