import GRDB
import TeacherGrowth

/// Everything the registry holds about one person (CLI `teacher show`).
public struct TeacherRecord: Sendable {
    public struct Person: Sendable {
        public var staffNo: String, name: String, gender: String?, birthDate: String?, nationalID: String?
        public var hiredOn: CivilDate, leftOn: CivilDate?, establishment: String
    }
    public struct AssignmentRow: Sendable {
        public var schoolCode: String, schoolName: String?, from: CivilDate, to: CivilDate?, effectiveEnd: CivilDate?
        public var post: Post, stage: Stage, subject: String?, courseType: CourseType?
    }
    public struct CertificateRow: Sendable {
        public var kind: CertificateKind, subject: String?, number: String, issuedOn: CivilDate, issuer: String?, revokedOn: CivilDate?
        public var registrations: [(on: CivilDate, result: RegistrationResult)]
    }
    public struct DesignationRow: Sendable {
        public var kind: DesignationKind, level: Level, tier: DualQualifiedTier?, awardedOn: CivilDate
        public var expiresOn: CivilDate?, revokedOn: CivilDate?, ref: String?
    }
    public struct RotationRow: Sendable {
        public var fromSchool: String, toSchool: String, kind: RotationKind, transfersPersonnel: Bool
        public var start: CivilDate, end: CivilDate?
    }
    public struct StudioRow: Sendable {
        public var code: String, name: String, kind: StudioKind, level: Level, role: MemberRole
        public var joinedOn: CivilDate, leftOn: CivilDate?
    }
    public struct CycleTotal: Sendable {
        public var cycle: TrainingCycle
        /// Approved, not voided, excluding induction (what counts toward the 360 hours by default).
        public var countedHours: Hours
        public var inductionHours: Hours
        public var pendingHours: Hours
        public var records: [TrainingListing]
    }
    public struct Change: Sendable {
        public var at: String, actor: String, command: String, action: String, entity: String, key: String
        public var file: String?, line: Int?, detail: String?
    }

    public var person: Person
    public var assignments: [AssignmentRow]
    public var degrees: [Degree]
    public var titles: [TitleRecord]
    public var transcript: [CycleTotal]
    public var certificates: [CertificateRow]
    public var designations: [DesignationRow]
    public var rotations: [RotationRow]
    public var studios: [StudioRow]
    public var appraisals: [(year: Int, result: AppraisalResult)]
    public var changes: [Change]
}

extension Registry {
    /// One person's full record; nil when the staff number is unknown. Each training cycle follows
    /// the policy of the plan in force at its records' end dates.
    public func teacherRecord(staffNo: String, catalog: PlanCatalog? = nil) throws -> TeacherRecord? {
        let catalog = try catalog ?? planCatalog()
        let training = try listTraining(.init(staffNo: staffNo))
        return try writer.read { db -> TeacherRecord? in
            guard let p = try Row.fetchOne(db, sql: """
                SELECT staff_no, name, gender, birth_date, national_id, hired_on, left_on, establishment
                FROM teachers WHERE staff_no = ?
                """, arguments: [staffNo]) else { return nil }
            let d: (DatabaseValue) -> CivilDate? = { String.fromDatabaseValue($0).flatMap { CivilDate(iso: $0) } }
            let sealed: String? = p[4]
            let person = TeacherRecord.Person(staffNo: p[0], name: p[1], gender: p[2], birthDate: p[3],
                                              nationalID: try sealed.map { try identityKey.open($0, db) },
                                              hiredOn: d(p[5])!, leftOn: d(p[6]), establishment: p[7])
            let assignmentRows = try Row.fetchAll(db, sql: """
                SELECT a.school_code, s.name, a.from_date, a.to_date, a.post, a.stage, a.subject, a.course_type
                FROM assignments a LEFT JOIN schools s ON s.code = a.school_code
                WHERE a.staff_no = ? ORDER BY a.from_date
                """, arguments: [staffNo])
            let facts = assignmentRows.map { r in
                Assignment(schoolCode: r[0], from: d(r[2])!, to: d(r[3]), post: Post(rawValue: r[4])!,
                           stage: Stage(rawValue: r[5])!, subject: r[6], courseType: (r[7] as String?).flatMap(CourseType.init(rawValue:)))
            }
            let timeline = AssignmentTimeline(facts)
            let assignments = timeline.assignments.enumerated().map { i, a in
                TeacherRecord.AssignmentRow(schoolCode: a.schoolCode, schoolName: assignmentRows[i][1], from: a.from, to: a.to,
                                            effectiveEnd: timeline.end(of: i), post: a.post, stage: a.stage,
                                            subject: a.subject, courseType: a.courseType)
            }
            let degrees = try Row.fetchAll(db, sql: "SELECT education, obtained_on FROM degrees WHERE staff_no = ? ORDER BY obtained_on", arguments: [staffNo])
                .map { Degree(Education(rawValue: $0[0])!, obtainedOn: d($0[1])!) }
            let titles = try Row.fetchAll(db, sql: "SELECT title, from_date FROM titles WHERE staff_no = ? ORDER BY from_date", arguments: [staffNo])
                .map { TitleRecord(Title(rawValue: $0[0])!, from: d($0[1])!) }

            var byCycle: [TrainingCycle: [TrainingListing]] = [:]
            for t in training {
                guard let end = CivilDate(iso: t.endDate) else { continue }
                let cycle = catalog.cycle(containing: end)
                byCycle[cycle, default: []].append(t)
            }
            let transcript = byCycle.keys.sorted { $0.start > $1.start }.map { cycle in
                let records = byCycle[cycle]!
                let live = records.filter { $0.voidReason == nil }
                func sum(_ f: (TrainingListing) -> Bool) -> Hours {
                    live.filter(f).reduce(Hours.zero) { $0 + $1.hours }
                }
                let inductionCounts = catalog.plan(on: cycle.start).policy.inductionCounts
                return TeacherRecord.CycleTotal(
                    cycle: cycle,
                    countedHours: sum { $0.status == "approved" && ($0.kind != "induction" || inductionCounts) },
                    inductionHours: sum { $0.status == "approved" && $0.kind == "induction" },
                    pendingHours: sum { $0.status == "pending" },
                    records: records)
            }

            let registrationRows = try Row.fetchAll(db, sql: """
                SELECT r.number, r.registered_on, r.result FROM registrations r
                JOIN certificates c ON c.number = r.number WHERE c.staff_no = ? ORDER BY r.registered_on
                """, arguments: [staffNo])
            let certificates = try Row.fetchAll(db, sql: """
                SELECT kind, subject, number, issued_on, issuer, revoked_on FROM certificates WHERE staff_no = ? ORDER BY issued_on
                """, arguments: [staffNo]).map { r in
                let number: String = r[2]
                return TeacherRecord.CertificateRow(
                    kind: CertificateKind(rawValue: r[0])!, subject: r[1], number: number, issuedOn: d(r[3])!, issuer: r[4],
                    revokedOn: d(r[5]),
                    registrations: registrationRows.filter { ($0[0] as String) == number }
                        .map { (d($0[1])!, RegistrationResult(rawValue: $0[2])!) })
            }
            let designations = try Row.fetchAll(db, sql: """
                SELECT kind, level, tier, awarded_on, expires_on, revoked_on, ref FROM designations WHERE staff_no = ? ORDER BY awarded_on
                """, arguments: [staffNo]).map { r in
                TeacherRecord.DesignationRow(kind: DesignationKind(rawValue: r[0])!, level: Level(rawValue: r[1])!,
                                             tier: (r[2] as String?).flatMap(DualQualifiedTier.init(rawValue:)),
                                             awardedOn: d(r[3])!, expiresOn: d(r[4]), revokedOn: d(r[5]), ref: r[6])
            }
            let rotations = try Row.fetchAll(db, sql: """
                SELECT from_school, to_school, kind, transfers_personnel, start_date, end_date FROM rotations WHERE staff_no = ? ORDER BY start_date
                """, arguments: [staffNo]).map { r in
                TeacherRecord.RotationRow(fromSchool: r[0], toSchool: r[1], kind: RotationKind(rawValue: r[2])!,
                                          transfersPersonnel: (r[3] as Int) == 1, start: d(r[4])!, end: d(r[5]))
            }
            var studios = try Row.fetchAll(db, sql: """
                SELECT s.code, s.name, s.kind, s.level, m.role, m.joined_on, m.left_on
                FROM studio_members m JOIN studios s ON s.code = m.studio_code WHERE m.staff_no = ? ORDER BY m.joined_on
                """, arguments: [staffNo]).map { r in
                TeacherRecord.StudioRow(code: r[0], name: r[1], kind: StudioKind(rawValue: r[2])!, level: Level(rawValue: r[3])!,
                                        role: MemberRole(rawValue: r[4])!, joinedOn: d(r[5])!, leftOn: d(r[6]))
            }
            // Hosting a studio is shown even without a member row.
            let hosted = try Row.fetchAll(db, sql: "SELECT code, name, kind, level, founded_on, closed_on FROM studios WHERE host_staff_no = ?",
                                          arguments: [staffNo])
            for r in hosted where !studios.contains(where: { $0.code == (r[0] as String) && $0.role == .host }) {
                studios.append(.init(code: r[0], name: r[1], kind: StudioKind(rawValue: r[2])!, level: Level(rawValue: r[3])!,
                                     role: .host, joinedOn: d(r[4])!, leftOn: d(r[5])))
            }
            let appraisals = try Row.fetchAll(db, sql: "SELECT year, result FROM appraisals WHERE staff_no = ? ORDER BY year", arguments: [staffNo])
                .map { (year: $0[0] as Int, result: AppraisalResult(rawValue: $0[1])!) }
            let changes = try Row.fetchAll(db, sql: """
                SELECT b.at, b.actor, b.command, l.action, l.entity, l.entity_key, l.file, l.line, l.detail
                FROM change_log l JOIN change_batches b ON b.id = l.batch_id
                WHERE l.staff_no = ? ORDER BY l.id
                """, arguments: [staffNo]).map { r in
                TeacherRecord.Change(at: r[0], actor: r[1], command: r[2], action: r[3], entity: r[4], key: r[5],
                                     file: r[6], line: r[7], detail: r[8])
            }
            return TeacherRecord(person: person, assignments: assignments, degrees: degrees, titles: titles,
                                 transcript: transcript, certificates: certificates, designations: designations,
                                 rotations: rotations, studios: studios, appraisals: appraisals, changes: changes)
        }
    }
}
