import Foundation
import TeacherGrowth

/// The review of pending training records (issue 12): `pending → approved | rejected`, with who,
/// when and (for a rejection, required) why. Only approved hours count, as before.
public enum ReviewDecision: String, Sendable {
    case approve, reject

    var status: TrainingStatus { self == .approve ? .approved : .rejected }
}

public struct ReviewOutcome: Sendable {
    public var decision: ReviewDecision
    public var ids: [Int64]
    public var batchID: Int64
}

/// A pending record in the approval queue.
public struct PendingTraining: Sendable, Hashable {
    public var listing: TrainingListing
    public var name: String
    public var schoolCode: String?
    public var schoolName: String?
    /// The import (or edit) that added it.
    public var batchID: Int64?
    public var addedAt: String?
}

/// A recent write for the HR home page: an import or an edit.
public struct RecentBatch: Sendable, Hashable {
    public var id: Int64
    public var at: String
    public var actor: String
    public var command: String
    public var source: String?
    public var added: Int
    public var updated: Int
    public var pending: Int
}

extension Registry {
    public struct PendingFilter: Sendable {
        public var schoolCode: String?
        public var batch: Int64?
        public var offset: Int
        public var limit: Int
        /// Only people whose current school is in this county (a county-limited account).
        public var county: String?
        public init(schoolCode: String? = nil, batch: Int64? = nil, offset: Int = 0, limit: Int = 100, county: String? = nil) {
            self.schoolCode = schoolCode; self.batch = batch; self.offset = offset; self.limit = limit; self.county = county
        }
    }

    /// The current school of the training record's person (`t`).
    static let currentSchoolSQL = "(SELECT a.school_code FROM assignments a WHERE a.staff_no = t.staff_no ORDER BY a.from_date DESC LIMIT 1)"

    static func schoolNameMap(_ db: SQLSession) throws -> [String: String] {
        var out: [String: String] = [:]
        for r in try db.rows("SELECT code, name FROM schools") { out[r.string(0)] = r.string(1) }
        return out
    }

    /// A training record's key in the change log: its reference, else staff number, title and dates.
    static let trainingKeySQL = "COALESCE(ref, staff_no || '|' || title || '|' || start_date || '|' || end_date)"
}

extension RegistryBackend {
    /// Approves or rejects pending records, all or none: a record that is not pending (reviewed
    /// meanwhile, void, or unknown) stops the whole review with a sentence naming it.
    public func reviewTraining(ids: [Int64], decision: ReviewDecision, reason: String?, actor: String,
                               command: String? = nil) throws -> ReviewOutcome {
        let reason = reason.map(Text.trimmed).flatMap { $0.isEmpty ? nil : $0 }
        if decision == .reject && reason == nil { throw TrainingEditError.emptyReason }
        if let reason, reason.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" }) {
            throw TrainingEditError.invalid([FieldIssue(field: "reason", message: .init("含有不可见的控制字符；请删除", "contains an invisible control character; remove it"))])
        }
        let ids = Array(Set(ids)).sorted()
        guard !ids.isEmpty else { throw TrainingEditError.invalid([FieldIssue(field: "ids", message: .init("请至少选择一条记录", "select at least one record"))]) }
        return try sql.write { db in
            var keys: [Int64: (key: String, staffNo: String)] = [:]
            for id in ids {
                guard let r = try db.row("SELECT status, \(Registry.trainingKeySQL), staff_no FROM training WHERE id = ?", id) else {
                    throw TrainingEditError.notFound(id)
                }
                if try db.exists("SELECT 1 FROM training_voids WHERE training_id = ?", id) {
                    throw TrainingEditError.voided(id)
                }
                let status = r.string(0)
                guard status == TrainingStatus.pending.rawValue else { throw TrainingEditError.notPending(id, status: status) }
                keys[id] = (r.string(1), r.string(2))
            }
            let batch = try db.beginBatch(actor: actor, command: command ?? "training \(decision.rawValue)", source: nil, facts: true)
            let new = decision.status.rawValue
            for id in ids {
                try db.execute("UPDATE training SET status = ? WHERE id = ?", new, id)
                try db.execute("INSERT INTO training_reviews (training_id, decision, reason, batch_id) VALUES (?, ?, ?, ?)", id, new, reason, batch)
                let detail = "{\"status\":[\"pending\",\"\(new)\"]" + (reason.map { ",\"reason\":\(JSONText.string($0))" } ?? "") + "}"
                try db.logChange(batch: batch, action: "update", entity: "training", entityID: id, entityKey: keys[id]?.key ?? String(id),
                                 staffNo: keys[id]?.staffNo, detail: detail)
            }
            return ReviewOutcome(decision: decision, ids: ids, batchID: batch)
        }
    }

    /// The pending records an import (change batch) added.
    public func pendingTrainingIDs(batch: Int64, county: String? = nil) throws -> [Int64] {
        try sql.read { db in
            try db.rows("""
                SELECT t.id FROM training t JOIN change_log l ON l.entity = 'training' AND l.entity_id = t.id AND l.action = 'add'
                WHERE l.batch_id = ? AND t.status = 'pending' AND NOT EXISTS (SELECT 1 FROM training_voids v WHERE v.training_id = t.id)
                  AND (CAST(? AS TEXT) IS NULL OR \(Registry.currentSchoolSQL) IN (SELECT code FROM schools WHERE county = ?))
                ORDER BY t.id
                """, batch, county, county).map { $0.integer(0) }
        }
    }

    /// The approval queue, oldest first, with the total count for paging.
    public func pendingTraining(_ filter: Registry.PendingFilter) throws -> (rows: [PendingTraining], total: Int) {
        try sql.read { db in
            var clauses = ["t.status = 'pending'", "NOT EXISTS (SELECT 1 FROM training_voids v WHERE v.training_id = t.id)"]
            var args: [SQLValue] = []
            let currentSchool = Registry.currentSchoolSQL
            if let s = filter.schoolCode { clauses.append("\(currentSchool) = ?"); args.append(s.sqlValue) }
            if let c = filter.county { clauses.append("\(currentSchool) IN (SELECT code FROM schools WHERE county = ?)"); args.append(c.sqlValue) }
            if let b = filter.batch {
                clauses.append("t.id IN (SELECT entity_id FROM change_log WHERE batch_id = ? AND entity = 'training' AND action = 'add')")
                args.append(b.sqlValue)
            }
            let whereSQL = clauses.joined(separator: " AND ")
            let total = try db.rows("SELECT COUNT(*) FROM training t WHERE \(whereSQL)", args).first?.int(0) ?? 0
            let rows = try db.rows("""
                SELECT t.id, t.staff_no, t.title, t.level, t.mode, t.kind, t.provider, t.start_date, t.end_date, t.hours_tenths, t.credits_tenths,
                       t.status, t.ref, p.name, \(currentSchool) AS school_code,
                       (SELECT MIN(l.batch_id) FROM change_log l WHERE l.entity = 'training' AND l.entity_id = t.id AND l.action = 'add') AS batch_id
                FROM training t JOIN teachers p ON p.staff_no = t.staff_no
                WHERE \(whereSQL) ORDER BY t.id LIMIT ? OFFSET ?
                """, args + [filter.limit.sqlValue, filter.offset.sqlValue])
            let names = try Registry.schoolNameMap(db)
            var batches: [Int64: String] = [:]
            return (try rows.map { r in
                let batch = r.int(15)
                if let batch, batches[batch] == nil {
                    batches[batch] = try db.text("SELECT at FROM change_batches WHERE id = ?", batch)
                }
                let school = r.text(14)
                return PendingTraining(
                    listing: TrainingListing(id: r.integer(0), staffNo: r.string(1), title: r.string(2), level: r.string(3), mode: r.text(4),
                                             kind: r.string(5), provider: r.text(6), startDate: r.string(7), endDate: r.string(8),
                                             hours: Hours(tenths: Int(r.integer(9))), credits: r.int(10).map { Hours(tenths: Int($0)) },
                                             status: r.string(11), ref: r.text(12), voidReason: nil, voidedAt: nil),
                    name: r.string(13), schoolCode: school, schoolName: school.flatMap { names[$0] }, batchID: batch, addedAt: batch.flatMap { batches[$0] })
            }, Int(total))
        }
    }

    public func pendingCount(county: String? = nil) throws -> Int {
        try sql.read { db in
            Int(try db.int("""
                SELECT COUNT(*) FROM training t WHERE status = 'pending' AND NOT EXISTS (SELECT 1 FROM training_voids v WHERE v.training_id = t.id)
                  AND (CAST(? AS TEXT) IS NULL OR \(Registry.currentSchoolSQL) IN (SELECT code FROM schools WHERE county = ?))
                """, county, county) ?? 0)
        }
    }

    /// The latest writes that changed facts (imports and edits), newest first; with `county`, those
    /// that changed a record of someone whose current school is in it.
    public func recentBatches(limit: Int = 10, county: String? = nil) throws -> [RecentBatch] {
        try sql.read { db in
            try db.rows("""
                SELECT b.id, b.at, b.actor, b.command, b.source,
                       (SELECT COUNT(*) FROM change_log l WHERE l.batch_id = b.id AND l.action = 'add') AS added,
                       (SELECT COUNT(*) FROM change_log l WHERE l.batch_id = b.id AND l.action = 'update') AS updated,
                       (SELECT COUNT(*) FROM change_log l JOIN training t ON t.id = l.entity_id
                          WHERE l.batch_id = b.id AND l.entity = 'training' AND l.action = 'add' AND t.status = 'pending') AS pending
                FROM change_batches b
                WHERE (b.command LIKE 'import%' OR b.command = 'demo' OR b.command LIKE 'POST%' OR b.command LIKE 'training%' OR b.command LIKE 'web%')
                  AND (CAST(? AS TEXT) IS NULL OR EXISTS (
                        SELECT 1 FROM change_log l WHERE l.batch_id = b.id AND l.staff_no IN (
                          SELECT a.staff_no FROM assignments a JOIN schools s ON s.code = a.school_code
                          WHERE s.county = ? AND a.from_date = (SELECT MAX(x.from_date) FROM assignments x WHERE x.staff_no = a.staff_no))))
                ORDER BY b.id DESC LIMIT ?
                """, county, county, limit).map { r in
                RecentBatch(id: r.integer(0), at: r.string(1), actor: r.string(2), command: r.string(3), source: r.text(4),
                            added: Int(r.integer(5)), updated: Int(r.integer(6)), pending: Int(r.integer(7)))
            }
        }
    }

    /// Schools by code, for pages and forms.
    public func schoolDirectory() throws -> [(code: String, name: String)] {
        try sql.read { db in try db.rows("SELECT code, name FROM schools ORDER BY code").map { ($0.string(0), $0.string(1)) } }
    }

    /// People found by staff number or name (a part of either), for the HR search.
    public func findTeachers(_ query: String, limit: Int = 50) throws -> [(staffNo: String, name: String, schoolCode: String?, schoolName: String?)] {
        let q = Text.trimmed(query)
        guard !q.isEmpty, q.count <= 40 else { return [] }
        return try sql.read { db in
            let like = "%" + q.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
            let names = try Registry.schoolNameMap(db)
            return try db.rows("""
                SELECT t.staff_no, t.name, \(Registry.currentSchoolSQL)
                FROM teachers t WHERE lower(t.staff_no) = lower(?) OR t.staff_no LIKE ? ESCAPE '\\' OR t.name LIKE ? ESCAPE '\\'
                ORDER BY CASE WHEN lower(t.staff_no) = lower(?) THEN 0 ELSE 1 END, t.staff_no LIMIT ?
                """, q, like, like, q, limit).map { r in
                let school = r.text(2)
                return (r.string(0), r.string(1), school, school.flatMap { names[$0] })
            }
        }
    }

    public func staffNo(ofTraining id: Int64) throws -> String? {
        try sql.read { db in try db.text("SELECT staff_no FROM training WHERE id = ?", id) }
    }

    /// The home school of a person today (their latest assignment), for scope checks.
    public func currentSchool(of staffNo: String) throws -> String? {
        try sql.read { db in try db.text("SELECT school_code FROM assignments WHERE staff_no = ? ORDER BY from_date DESC LIMIT 1", staffNo) }
    }

    /// Every school a person has been assigned to (a principal may read the record of anyone ever at their school).
    public func schools(of staffNo: String) throws -> Set<String> {
        try sql.read { db in Set(try db.texts("SELECT school_code FROM assignments WHERE staff_no = ?", staffNo)) }
    }

    public func schoolExists(_ code: String) throws -> Bool {
        try sql.read { db in try db.exists("SELECT 1 FROM schools WHERE code = ?", code) }
    }

    /// The counties the schools name, in order (empty: a one-county registry).
    public func counties() throws -> [String] {
        try sql.read { db in try db.texts("SELECT DISTINCT county FROM schools WHERE county IS NOT NULL ORDER BY county") }
    }

    /// A county's school codes.
    public func schoolCodes(inCounty county: String) throws -> [String] {
        try sql.read { db in try db.texts("SELECT code FROM schools WHERE county = ? ORDER BY code", county) }
    }
}
