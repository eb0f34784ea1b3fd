import Foundation
import GRDB
import Spreadsheets
import TeacherGrowth

/// A field-level problem with a single-record edit (CLI `training add`, HTTP `POST /training`, the
/// web form).
public struct FieldIssue: Sendable, Hashable, CustomStringConvertible {
    public var field: String
    public var message: LocalizedText
    public init(field: String, message: LocalizedText) { self.field = field; self.message = message }
    public func text(_ language: Language) -> String { "\(field): \(message.text(language))" }
    public var description: String { text(.zh) }
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
    /// Only a pending record can be approved or rejected.
    case notPending(Int64, status: String)
    case voided(Int64)
    case emptyBatch(Int64)

    public var message: LocalizedText {
        switch self {
        case .invalid(let issues): return .init(issues.map { $0.text(.zh) }.joined(separator: "\n"), issues.map { $0.text(.en) }.joined(separator: "\n"))
        case .notFound(let id): return .init("没有编号为 \(id) 的培训记录；可用 teacher-registry training list 查找编号",
                                             "There is no training record \(id); find its ID with `teacher-registry training list`.")
        case .alreadyVoided(let id, let at): return .init("培训记录 \(id) 已于 \(ChinaTime.display(at)) 作废；未做任何更改",
                                                          "Training record \(id) was already voided at \(ChinaTime.display(at)); nothing was changed.")
        case .emptyReason: return .init("须填写原因", "A reason is required; give one with --reason \"…\".")
        case .notPending(let id, let status):
            let zh = TrainingStatus(rawValue: status)?.chineseLabel ?? status
            return .init("培训记录 \(id) 的状态是“\(zh)”，只有“待审核”的记录可以通过或驳回",
                         "Training record \(id) is \(status); only a pending record can be approved or rejected.")
        case .voided(let id): return .init("培训记录 \(id) 已作废，不能再审核", "Training record \(id) is void and cannot be reviewed.")
        case .emptyBatch(let batch): return .init("导入批次 \(batch) 中没有待审核的培训记录", "Import batch \(batch) has no pending training records.")
        }
    }

    public func text(_ language: Language) -> String { message.text(language) }
    public var description: String { message.zh }
}

/// Times shown to people: China time (UTC+8), `2026-12-01 21:38`.
public enum ChinaTime {
    /// A stored UTC timestamp (ISO 8601) as China time, to the second.
    public static func display(_ iso: String) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        guard let date = f.date(from: iso) ?? plain.date(from: iso) else { return String(iso.prefix(19)) }
        return display(date)
    }

    public static func display(_ date: Date) -> String {
        let out = DateFormatter()
        out.locale = Locale(identifier: "en_US_POSIX")
        out.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        out.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return out.string(from: date)
    }
}

extension Registry {
    static func unknownFieldIssues(_ fields: [String: String]) -> [FieldIssue] {
        let kind = ImportKind.training
        return fields.keys.filter { !kind.columnNames.contains($0) }.sorted().map {
            FieldIssue(field: $0, message: .init("不是培训记录的字段（可用字段：\(kind.columnNames.joined(separator: ", "))）",
                                                 "is not a training field (fields: \(kind.columnNames.joined(separator: ", ")))"))
        }
    }

    /// Parses single-record fields as a training.csv row would be parsed.
    static func parseTrainingFields(_ fields: [String: String], file: String) -> (row: ParsedRow?, cellsOK: Bool, issues: [ImportIssue]) {
        let kind = ImportKind.training
        let names = kind.columnNames.filter { fields[$0] != nil }
        var issues: [ImportIssue] = []
        let header = InputRecord(line: 0, fields: names)
        guard let parser = RowParser.make(kind: kind, file: file, sheet: nil, header: header, issues: &issues) else {
            return (nil, false, issues)
        }
        let (parsed, cellsOK) = parser.parsePartially(InputRecord(line: 1, fields: names.map { fields[$0] ?? "" }), issues: &issues)
        return (parsed.map { ParsedRow(kind: kind, line: 1, values: $0) }, cellsOK, issues)
    }

    /// Logs one training record with the same validation as a training.csv row (SPEC §5).
    /// `fields` are SPEC §5 training columns by English name (and `name`, checked against the
    /// registry). Re-adding the same record is a no-op.
    public func addTraining(_ fields: [String: String], actor: String, command: String = "training add") throws -> TrainingAddResult {
        let unknown = Registry.unknownFieldIssues(fields)
        if !unknown.isEmpty { throw TrainingEditError.invalid(unknown) }
        let (parsed, cellsOK, issues) = Registry.parseTrainingFields(fields, file: command)
        guard let row = parsed else { throw TrainingEditError.invalid(Registry.fieldIssues(issues.filter { $0.severity == .error })) }
        return try writer.write { db in
            let universe = try Universe(db, kinds: ["training"], names: fields["name"] != nil)
            var validator = Validator(universe: universe, file: command)
            validator.check(row)
            let errors = (issues + validator.issues).filter { $0.severity == .error }
            if !errors.isEmpty || !cellsOK { throw TrainingEditError.invalid(Registry.fieldIssues(errors)) }
            let versionBefore = try Registry.factsVersion(db)
            let batch = try Registry.beginBatch(db, actor: actor, command: command, source: nil)
            var w = try ImportWriter(db: db, batchID: batch, keyring: { [identityKey] in try identityKey.keyring(db) })
            let outcome = try w.write(row, file: command)
            try w.finish()
            try Registry.dropBatchIfEmpty(db, batch, previousVersion: versionBefore)
            guard let id = w.lastID else { throw RegistryError.database(DatabaseFailure(kind: .other)) }
            let o: TrainingAddResult.Outcome = switch outcome { case .added: .added; case .updated: .updated; case .unchanged: .unchanged }
            return TrainingAddResult(id: id, outcome: o, warnings: Registry.fieldIssues(validator.issues.filter { $0.severity == .warning }))
        }
    }

    /// Validates a training record like `addTraining` does, without writing; throws
    /// `TrainingEditError.invalid` with every problem.
    public func validateTraining(_ fields: [String: String]) throws {
        let kind = ImportKind.training
        let known = fields.filter { kind.columnNames.contains($0.key) }
        let unknown = Registry.unknownFieldIssues(fields)
        let (parsed, _, issues) = Registry.parseTrainingFields(known, file: "validate")
        var checks: [ImportIssue] = []
        if let row = parsed {
            checks = try writer.read { db -> [ImportIssue] in
                var validator = Validator(universe: try Universe(db, kinds: ["training"], names: known["name"] != nil), file: "validate")
                validator.check(row)
                return validator.issues
            }
        }
        let errors = unknown + Registry.fieldIssues((issues + checks).filter { $0.severity == .error })
        if !errors.isEmpty { throw TrainingEditError.invalid(errors) }
    }

    static func fieldIssues(_ issues: [ImportIssue]) -> [FieldIssue] {
        issues.map { FieldIssue(field: $0.column ?? "record", message: $0.message) }
    }

    public struct TrainingFilter: Sendable {
        public var staffNo: String?
        public var schoolCode: String?
        public var status: TrainingStatus?
        /// Records whose end_date lies in this range (inclusive).
        public var endFrom: CivilDate?
        public var endTo: CivilDate?
        public var includeVoided: Bool
        /// Records added by this change batch (an import).
        public var batch: Int64?
        public var limit: Int?
        public init(staffNo: String? = nil, schoolCode: String? = nil, status: TrainingStatus? = nil,
                    endFrom: CivilDate? = nil, endTo: CivilDate? = nil, includeVoided: Bool = true, batch: Int64? = nil, limit: Int? = nil) {
            self.staffNo = staffNo; self.schoolCode = schoolCode; self.status = status
            self.endFrom = endFrom; self.endTo = endTo; self.includeVoided = includeVoided; self.batch = batch; self.limit = limit
        }
    }


}

extension RegistryBackend {
    /// Training records, newest first. With `schoolCode`, the staff whose current assignment (the
    /// one with the latest start) is at that school.
    public func listTraining(_ filter: Registry.TrainingFilter) throws -> [TrainingListing] {
        try sql.read { db in
            var clauses: [String] = []
            var args: [SQLValue] = []
            if let s = filter.staffNo { clauses.append("t.staff_no = ?"); args.append(s.sqlValue) }
            if let s = filter.status { clauses.append("t.status = ?"); args.append(s.rawValue.sqlValue) }
            if let d = filter.endFrom { clauses.append("t.end_date >= \(db.dateParameter)"); args.append(d.description.sqlValue) }
            if let d = filter.endTo { clauses.append("t.end_date <= \(db.dateParameter)"); args.append(d.description.sqlValue) }
            if !filter.includeVoided { clauses.append("v.id IS NULL") }
            if let b = filter.batch {
                clauses.append("t.id IN (SELECT entity_id FROM change_log WHERE batch_id = ? AND entity = 'training' AND action = 'add')")
                args.append(b.sqlValue)
            }
            if let school = filter.schoolCode {
                clauses.append("\(Registry.currentSchoolSQL) = ?")
                args.append(school.sqlValue)
            }
            let whereSQL = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
            let limitSQL = filter.limit.map { "LIMIT \($0)" } ?? ""
            return try db.rows("""
                SELECT t.id, t.staff_no, t.title, t.level, t.mode, t.kind, t.provider, t.start_date, t.end_date,
                       t.hours_tenths, t.credits_tenths, t.status, t.ref, v.reason, v.voided_at
                FROM training t LEFT JOIN training_voids v ON v.training_id = t.id
                \(whereSQL) ORDER BY t.end_date DESC, t.id DESC \(limitSQL)
                """, args).map { r in
                TrainingListing(id: r.integer(0), staffNo: r.string(1), title: r.string(2), level: r.string(3), mode: r.text(4), kind: r.string(5),
                                provider: r.text(6), startDate: r.string(7), endDate: r.string(8), hours: Hours(tenths: Int(r.integer(9))),
                                credits: r.int(10).map { Hours(tenths: Int($0)) }, status: r.string(11), ref: r.text(12),
                                voidReason: r.text(13), voidedAt: r.text(14))
            }
        }
    }
}

extension RegistryBackend {
    /// Voids a training record: a reversing fact with a reason, recorded in the change log; the
    /// record itself is kept. Voided records count in no metric.
    public func voidTraining(id: Int64, reason: String, actor: String) throws {
        let reason = Text.trimmed(reason)
        guard !reason.isEmpty else { throw TrainingEditError.emptyReason }
        try sql.write { db in
            guard let staffNo = try db.text("SELECT staff_no FROM training WHERE id = ?", id) else {
                throw TrainingEditError.notFound(id)
            }
            if let at = try db.text("SELECT voided_at FROM training_voids WHERE training_id = ?", id) {
                throw TrainingEditError.alreadyVoided(id, at: at)
            }
            let batch = try db.beginBatch(actor: actor, command: "training void", source: nil, facts: true)
            try db.execute("INSERT INTO training_voids (training_id, voided_at, actor, reason) VALUES (?, \(db.timestampParameter), ?, ?)",
                           id, Registry.timestamp(), actor, reason)
            try db.logChange(batch: batch, action: "void", entity: "training", entityID: id, entityKey: String(id), staffNo: staffNo, detail: reason)
        }
    }

    /// Logs one training record as a one-row training.csv through the import (same validation,
    /// same merge): for a backend whose facts are written only by its importer (PostgreSQL).
    public func addTrainingByImport(_ fields: [String: String], actor: String, command: String) throws -> TrainingAddResult {
        let outcome = try importTrainingFields(fields, dryRun: false, actor: actor, command: command)
        let warnings = Registry.fieldIssues(outcome.warnings)
        let summary = outcome.summaries.first
        let result: TrainingAddResult.Outcome = (summary?.added ?? 0) > 0 ? .added : (summary?.updated ?? 0) > 0 ? .updated : .unchanged
        let id: Int64? = try sql.read { db in
            if let batch = outcome.batchID {
                return try db.int("SELECT entity_id FROM change_log WHERE batch_id = ? AND entity = 'training' ORDER BY id LIMIT 1", batch)
            }
            if let ref = fields["ref"].map(Text.trimmed), !ref.isEmpty {
                return try db.int("SELECT id FROM training WHERE ref = ?", ref)
            }
            func day(_ key: String) -> String { fields[key].flatMap { try? DateInput.parse($0).get() }?.description ?? "" }
            return try db.int("""
                SELECT id FROM training WHERE ref IS NULL AND staff_no = ? AND title = ? AND start_date = \(db.dateParameter) AND end_date = \(db.dateParameter)
                """, Text.trimmed(fields["staff_no"] ?? ""), Text.trimmed(fields["title"] ?? ""), day("start_date"), day("end_date"))
        }
        guard let id else { throw RegistryError.database(DatabaseFailure(kind: .other)) }
        return TrainingAddResult(id: id, outcome: result, warnings: warnings)
    }

    /// Validates a training record as `addTrainingByImport` would, without writing.
    public func validateTrainingByImport(_ fields: [String: String]) throws {
        _ = try importTrainingFields(fields.filter { ImportKind.training.columnNames.contains($0.key) || $0.key == "name" }, dryRun: true,
                                     actor: "validate", command: "validate")
    }

    private func importTrainingFields(_ fields: [String: String], dryRun: Bool, actor: String, command: String) throws -> ImportOutcome {
        let unknown = Registry.unknownFieldIssues(fields)
        if !unknown.isEmpty { throw TrainingEditError.invalid(unknown) }
        let names = ImportKind.training.columnNames.filter { fields[$0] != nil }
        let csv = ImportCSV.row(names) + ImportCSV.row(names.map { fields[$0] ?? "" })
        let outcome = try importFiles([ImportSource(kind: .training, fileName: command, bytes: Array(csv.utf8))],
                                      options: ImportOptions(dryRun: dryRun, actor: actor, command: command))
        let errors = outcome.errors
        if !errors.isEmpty { throw TrainingEditError.invalid(Registry.fieldIssues(errors)) }
        return outcome
    }
}

/// CSV lines written for the importer (RFC 4180 quoting; no formula neutralising — the importer
/// reads them back verbatim).
enum ImportCSV {
    static func row(_ values: [String]) -> String {
        values.map { v in
            v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || v.hasPrefix(" ") || v.hasSuffix(" ")
                ? "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : v
        }.joined(separator: ",") + "\r\n"
    }
}
