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

extension RegistryBackend {
    /// One person's full record; nil when the staff number is unknown. Each training cycle follows
    /// the policy of the plan in force at its records' end dates. (The database's CHECKs guarantee
    /// the coded values; a row that does not decode is left out rather than stopping the page.)
    public func teacherRecord(staffNo: String, catalog: PlanCatalog? = nil) throws -> TeacherRecord? {
        let catalog = try catalog ?? planCatalog()
        let training = try listTraining(.init(staffNo: staffNo))
        let rows = try sql.read { db -> TeacherRecordRows? in
            guard let person = try db.row("""
                SELECT staff_no, name, gender, birth_date, national_id, hired_on, left_on, establishment
                FROM teachers WHERE staff_no = ?
                """, staffNo) else { return nil }
            return TeacherRecordRows(
                person: person,
                assignments: try db.rows("""
                    SELECT a.school_code, s.name, a.from_date, a.to_date, a.post, a.stage, a.subject, a.course_type
                    FROM assignments a LEFT JOIN schools s ON s.code = a.school_code
                    WHERE a.staff_no = ? ORDER BY a.from_date
                    """, staffNo),
                degrees: try db.rows("SELECT education, obtained_on FROM degrees WHERE staff_no = ? ORDER BY obtained_on", staffNo),
                titles: try db.rows("SELECT title, from_date FROM titles WHERE staff_no = ? ORDER BY from_date", staffNo),
                registrations: try db.rows("""
                    SELECT r.number, r.registered_on, r.result FROM registrations r
                    JOIN certificates c ON c.number = r.number WHERE c.staff_no = ? ORDER BY r.registered_on
                    """, staffNo),
                certificates: try db.rows("""
                    SELECT kind, subject, number, issued_on, issuer, revoked_on FROM certificates WHERE staff_no = ? ORDER BY issued_on
                    """, staffNo),
                designations: try db.rows("""
                    SELECT kind, level, tier, awarded_on, expires_on, revoked_on, ref FROM designations WHERE staff_no = ? ORDER BY awarded_on
                    """, staffNo),
                rotations: try db.rows("""
                    SELECT from_school, to_school, kind, transfers_personnel, start_date, end_date FROM rotations WHERE staff_no = ? ORDER BY start_date
                    """, staffNo),
                studios: try db.rows("""
                    SELECT s.code, s.name, s.kind, s.level, m.role, m.joined_on, m.left_on
                    FROM studio_members m JOIN studios s ON s.code = m.studio_code WHERE m.staff_no = ? ORDER BY m.joined_on
                    """, staffNo),
                hosted: try db.rows("SELECT code, name, kind, level, founded_on, closed_on FROM studios WHERE host_staff_no = ?", staffNo),
                appraisals: try db.rows("SELECT year, result FROM appraisals WHERE staff_no = ? ORDER BY year", staffNo),
                changes: try db.rows("""
                    SELECT b.at, b.actor, b.command, l.action, l.entity, l.entity_key, l.file, l.line, l.detail
                    FROM change_log l JOIN change_batches b ON b.id = l.batch_id
                    WHERE l.staff_no = ? ORDER BY l.id
                    """, staffNo))
        }
        guard let rows else { return nil }
        return try rows.record(training: training, catalog: catalog) { try openNationalID($0) }
    }
}

/// The rows of one person's record, read in one transaction, then decoded.
struct TeacherRecordRows {
    var person: SQLRow
    var assignments, degrees, titles, registrations, certificates, designations, rotations, studios, hosted, appraisals, changes: [SQLRow]

    func record(training: [TrainingListing], catalog: PlanCatalog, open: (String) throws -> String) throws -> TeacherRecord? {
        func d(_ r: SQLRow, _ i: Int) -> CivilDate? { r.text(i).flatMap { CivilDate(iso: String($0.prefix(10))) } }
        let p = person
        guard let hiredOn = d(p, 5) else { return nil }
        let recordPerson = TeacherRecord.Person(staffNo: p.string(0), name: p.string(1), gender: p.text(2), birthDate: p.text(3),
                                                nationalID: try p.text(4).map(open),
                                                hiredOn: hiredOn, leftOn: d(p, 6), establishment: p.string(7))
        let decodedAssignments: [(Assignment, String?)] = assignments.compactMap { r in
            guard let from = d(r, 2), let post = Post(rawValue: r.string(4)), let stage = Stage(rawValue: r.string(5)) else { return nil }
            return (Assignment(schoolCode: r.string(0), from: from, to: d(r, 3), post: post, stage: stage, subject: r.text(6),
                               courseType: r.text(7).flatMap(CourseType.init(rawValue:))), r.text(1))
        }
        let timeline = AssignmentTimeline(decodedAssignments.map(\.0))
        let assignmentRows = timeline.assignments.enumerated().map { i, a in
            TeacherRecord.AssignmentRow(schoolCode: a.schoolCode, schoolName: decodedAssignments[i].1, from: a.from, to: a.to,
                                        effectiveEnd: timeline.end(of: i), post: a.post, stage: a.stage,
                                        subject: a.subject, courseType: a.courseType)
        }
        let degreeList = degrees.compactMap { r in
            Education(rawValue: r.string(0)).flatMap { e in d(r, 1).map { Degree(e, obtainedOn: $0) } }
        }
        let titleList = titles.compactMap { r in
            Title(rawValue: r.string(0)).flatMap { t in d(r, 1).map { TitleRecord(t, from: $0) } }
        }

        var byCycle: [TrainingCycle: [TrainingListing]] = [:]
        for t in training {
            guard let end = CivilDate(iso: t.endDate) else { continue }
            byCycle[catalog.cycle(containing: end), default: []].append(t)
        }
        let transcript = byCycle.keys.sorted { $0.start > $1.start }.map { cycle in
            let records = byCycle[cycle] ?? []
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

        let certificateRows = certificates.compactMap { r -> TeacherRecord.CertificateRow? in
            let number = r.string(2)
            guard let kind = CertificateKind(rawValue: r.string(0)), let issued = d(r, 3) else { return nil }
            return TeacherRecord.CertificateRow(
                kind: kind, subject: r.text(1), number: number, issuedOn: issued, issuer: r.text(4), revokedOn: d(r, 5),
                registrations: registrations.filter { $0.string(0) == number }.compactMap { x in
                    guard let on = d(x, 1), let result = RegistrationResult(rawValue: x.string(2)) else { return nil }
                    return (on, result)
                })
        }
        let designationRows = designations.compactMap { r -> TeacherRecord.DesignationRow? in
            guard let kind = DesignationKind(rawValue: r.string(0)), let level = Level(rawValue: r.string(1)), let awarded = d(r, 3) else { return nil }
            return TeacherRecord.DesignationRow(kind: kind, level: level, tier: r.text(2).flatMap(DualQualifiedTier.init(rawValue:)),
                                                awardedOn: awarded, expiresOn: d(r, 4), revokedOn: d(r, 5), ref: r.text(6))
        }
        let rotationRows = rotations.compactMap { r -> TeacherRecord.RotationRow? in
            guard let kind = RotationKind(rawValue: r.string(2)), let start = d(r, 4) else { return nil }
            return TeacherRecord.RotationRow(fromSchool: r.string(0), toSchool: r.string(1), kind: kind,
                                             transfersPersonnel: r.integer(3) == 1, start: start, end: d(r, 5))
        }
        var studioRows = studios.compactMap { r -> TeacherRecord.StudioRow? in
            guard let kind = StudioKind(rawValue: r.string(2)), let level = Level(rawValue: r.string(3)),
                  let role = MemberRole(rawValue: r.string(4)), let joined = d(r, 5) else { return nil }
            return TeacherRecord.StudioRow(code: r.string(0), name: r.string(1), kind: kind, level: level, role: role, joinedOn: joined, leftOn: d(r, 6))
        }
        // Hosting a studio is shown even without a member row.
        for r in hosted where !studioRows.contains(where: { $0.code == r.string(0) && $0.role == .host }) {
            guard let kind = StudioKind(rawValue: r.string(2)), let level = Level(rawValue: r.string(3)), let founded = d(r, 4) else { continue }
            studioRows.append(.init(code: r.string(0), name: r.string(1), kind: kind, level: level, role: .host, joinedOn: founded, leftOn: d(r, 5)))
        }
        let appraisalRows = appraisals.compactMap { r in
            AppraisalResult(rawValue: r.string(1)).map { (year: Int(r.integer(0)), result: $0) }
        }
        let changeRows = changes.map { r in
            TeacherRecord.Change(at: r.string(0), actor: r.string(1), command: r.string(2), action: r.string(3), entity: r.string(4), key: r.string(5),
                                 file: r.text(6), line: r.int(7).map { Int($0) }, detail: r.text(8))
        }
        return TeacherRecord(person: recordPerson, assignments: assignmentRows, degrees: degreeList, titles: titleList,
                             transcript: transcript, certificates: certificateRows, designations: designationRows,
                             rotations: rotationRows, studios: studioRows, appraisals: appraisalRows, changes: changeRows)
    }
}
