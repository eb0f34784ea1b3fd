import GRDB
import TeacherGrowth

/// A field-level problem with a single-record edit (CLI `training add`, HTTP `POST /training`).
public struct FieldIssue: Sendable, Hashable, CustomStringConvertible {
    public var field: String
    public var message: String
    public var description: String { "\(field): \(message)" }
}

public struct TrainingAddResult: Sendable {
    public enum Outcome: String, Sendable { case added, updated, unchanged }
    public var id: Int64
    public var outcome: Outcome
    public var warnings: [FieldIssue]
}

public struct TrainingListing: Sendable, Hashable, Codable {
    public var id: Int64
    public var staffNo: String
    public var title: String
    public var level: String
    public var mode: String?
    public var kind: String
    public var provider: String?
    public var startDate: String
    public var endDate: String
    public var hours: Hours
    public var credits: Hours?
    public var status: String
    public var ref: String?
    public var voidReason: String?
    public var voidedAt: String?
}

public enum TrainingEditError: Error, Equatable, CustomStringConvertible {
    case invalid([FieldIssue])
    case notFound(Int64)
    case alreadyVoided(Int64, at: String)
    case emptyReason

    public var description: String {
        switch self {
        case .invalid(let issues): return issues.map(\.description).joined(separator: "\n")
        case .notFound(let id): return "There is no training record \(id); find its ID with `teacher-registry training list`."
        case .alreadyVoided(let id, let at): return "Training record \(id) was already voided at \(at); nothing was changed."
        case .emptyReason: return "A void needs a reason; give one with --reason \"…\"."
        }
    }
}

extension Registry {
    /// Logs one training record with the same validation as a training.csv row (SPEC §5).
    /// `fields` are SPEC §5 training columns by English name. Re-adding the same record is a no-op.
    public func addTraining(_ fields: [String: String], actor: String, command: String = "training add") throws -> TrainingAddResult {
        let kind = ImportKind.training
        let unknown = fields.keys.filter { !kind.columnNames.contains($0) }.sorted()
        if !unknown.isEmpty {
            throw TrainingEditError.invalid(unknown.map { FieldIssue(field: $0, message: "is not a training field (fields: \(kind.columnNames.joined(separator: ", ")))") })
        }
        let names = kind.columnNames.filter { fields[$0] != nil }
        let header = CSVReader.Record(line: 0, fields: names)
        var issues: [ImportIssue] = []
        guard let parser = RowParser.make(kind: kind, file: command, header: header, issues: &issues) else {
            throw TrainingEditError.invalid(Registry.fieldIssues(issues.filter { $0.severity == .error }))
        }
        let (parsed, cellsOK) = parser.parsePartially(.init(line: 1, fields: names.map { fields[$0]! }), issues: &issues)
        let row = ParsedRow(kind: kind, line: 1, values: parsed!)
        return try writer.write { db in
            let universe = try Universe(db, kinds: ["training"])
            var validator = Validator(universe: universe, file: command)
            validator.check(row)
            let errors = (issues + validator.issues).filter { $0.severity == .error }
            if !errors.isEmpty || !cellsOK { throw TrainingEditError.invalid(Registry.fieldIssues(errors)) }
            let batch = try Registry.beginBatch(db, actor: actor, command: command, source: nil)
            var w = try ImportWriter(db: db, batchID: batch)
            let outcome = try w.write(row, file: command)
            try w.finish()
            let id: Int64
            if let ref = row.text("ref") {
                id = try Int64.fetchOne(db, sql: "SELECT id FROM training WHERE ref = ?", arguments: [ref])!
            } else {
                id = try Int64.fetchOne(db, sql: """
                    SELECT id FROM training WHERE ref IS NULL AND staff_no = ? AND title = ? AND start_date = ? AND end_date = ?
                    """, arguments: [row["staff_no"], row["title"], row["start_date"], row["end_date"]])!
            }
            let o: TrainingAddResult.Outcome = switch outcome { case .added: .added; case .updated: .updated; case .unchanged: .unchanged }
            return TrainingAddResult(id: id, outcome: o, warnings: Registry.fieldIssues(validator.issues.filter { $0.severity == .warning }))
        }
    }

    /// Validates a training record like `addTraining` does, without writing; throws
    /// `TrainingEditError.invalid` with every problem.
    public func validateTraining(_ fields: [String: String]) throws {
        let kind = ImportKind.training
        let known = fields.filter { kind.columnNames.contains($0.key) }
        let unknown = fields.keys.filter { !kind.columnNames.contains($0) }.sorted()
            .map { FieldIssue(field: $0, message: "is not a training field (fields: \(kind.columnNames.joined(separator: ", ")))") }
        let names = kind.columnNames.filter { known[$0] != nil }
        var issues: [ImportIssue] = []
        guard let parser = RowParser.make(kind: kind, file: "validate", header: CSVReader.Record(line: 0, fields: names), issues: &issues) else {
            throw TrainingEditError.invalid(unknown + Registry.fieldIssues(issues.filter { $0.severity == .error }))
        }
        let (parsed, _) = parser.parsePartially(.init(line: 1, fields: names.map { known[$0]! }), issues: &issues)
        let row = ParsedRow(kind: kind, line: 1, values: parsed!)
        let checks = try writer.read { db -> [ImportIssue] in
            var validator = Validator(universe: try Universe(db, kinds: ["training"]), file: "validate")
            validator.check(row)
            return validator.issues
        }
        let errors = unknown + Registry.fieldIssues((issues + checks).filter { $0.severity == .error })
        if !errors.isEmpty { throw TrainingEditError.invalid(errors) }
    }

    static func fieldIssues(_ issues: [ImportIssue]) -> [FieldIssue] {
        issues.map { FieldIssue(field: $0.column ?? "record", message: $0.message) }
    }

    /// Voids a training record: a reversing fact with a reason, recorded in the change log; the
    /// record itself is kept. Voided records count in no metric.
    public func voidTraining(id: Int64, reason: String, actor: String) throws {
        let reason = Text.trimmed(reason)
        guard !reason.isEmpty else { throw TrainingEditError.emptyReason }
        try writer.write { db in
            guard let staffNo = try String.fetchOne(db, sql: "SELECT staff_no FROM training WHERE id = ?", arguments: [id]) else {
                throw TrainingEditError.notFound(id)
            }
            if let at = try String.fetchOne(db, sql: "SELECT voided_at FROM training_voids WHERE training_id = ?", arguments: [id]) {
                throw TrainingEditError.alreadyVoided(id, at: at)
            }
            let batch = try Registry.beginBatch(db, actor: actor, command: "training void", source: nil)
            try db.execute(sql: "INSERT INTO training_voids (training_id, voided_at, actor, reason) VALUES (?, ?, ?, ?)",
                           arguments: [id, Registry.timestamp(), actor, reason])
            try db.execute(sql: """
                INSERT INTO change_log (batch_id, action, entity, entity_id, entity_key, staff_no, detail)
                VALUES (?, 'void', 'training', ?, ?, ?, ?)
                """, arguments: [batch, id, String(id), staffNo, reason])
        }
    }

    public struct TrainingFilter: Sendable {
        public var staffNo: String?
        public var schoolCode: String?
        public var status: TrainingStatus?
        /// Records whose end_date lies in this range (inclusive).
        public var endFrom: CivilDate?
        public var endTo: CivilDate?
        public var includeVoided: Bool
        public var limit: Int?
        public init(staffNo: String? = nil, schoolCode: String? = nil, status: TrainingStatus? = nil,
                    endFrom: CivilDate? = nil, endTo: CivilDate? = nil, includeVoided: Bool = true, limit: Int? = nil) {
            self.staffNo = staffNo; self.schoolCode = schoolCode; self.status = status
            self.endFrom = endFrom; self.endTo = endTo; self.includeVoided = includeVoided; self.limit = limit
        }
    }

    /// Training records, newest first. With `schoolCode`, the staff whose current assignment (the
    /// one with the latest start) is at that school.
    public func listTraining(_ filter: TrainingFilter) throws -> [TrainingListing] {
        try writer.read { db in
            var clauses: [String] = []
            var args: [DatabaseValueConvertible?] = []
            if let s = filter.staffNo { clauses.append("t.staff_no = ?"); args.append(s) }
            if let s = filter.status { clauses.append("t.status = ?"); args.append(s.rawValue) }
            if let d = filter.endFrom { clauses.append("t.end_date >= ?"); args.append(d.description) }
            if let d = filter.endTo { clauses.append("t.end_date <= ?"); args.append(d.description) }
            if !filter.includeVoided { clauses.append("v.id IS NULL") }
            if let school = filter.schoolCode {
                clauses.append("""
                    (SELECT a.school_code FROM assignments a WHERE a.staff_no = t.staff_no ORDER BY a.from_date DESC LIMIT 1) = ?
                    """)
                args.append(school)
            }
            let whereSQL = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
            let limitSQL = filter.limit.map { "LIMIT \($0)" } ?? ""
            let rows = try Row.fetchAll(db, sql: """
                SELECT t.id, t.staff_no, t.title, t.level, t.mode, t.kind, t.provider, t.start_date, t.end_date,
                       t.hours_tenths, t.credits_tenths, t.status, t.ref, v.reason, v.voided_at
                FROM training t LEFT JOIN training_voids v ON v.training_id = t.id
                \(whereSQL) ORDER BY t.end_date DESC, t.id DESC \(limitSQL)
                """, arguments: StatementArguments(args))
            return rows.map { r in
                TrainingListing(id: r[0], staffNo: r[1], title: r[2], level: r[3], mode: r[4], kind: r[5], provider: r[6],
                                startDate: r[7], endDate: r[8], hours: Hours(tenths: r[9]),
                                credits: (r[10] as Int?).map { Hours(tenths: $0) }, status: r[11], ref: r[12],
                                voidReason: r[13], voidedAt: r[14])
            }
        }
    }
}
