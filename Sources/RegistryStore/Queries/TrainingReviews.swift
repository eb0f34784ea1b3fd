import Foundation
import GRDB
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
        return try writer.write { db in
            for id in ids {
                guard let status = try String.fetchOne(db, sql: "SELECT status FROM training WHERE id = ?", arguments: [id]) else {
                    throw TrainingEditError.notFound(id)
                }
                if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM training_voids WHERE training_id = ?)", arguments: [id])! {
                    throw TrainingEditError.voided(id)
                }
                guard status == TrainingStatus.pending.rawValue else { throw TrainingEditError.notPending(id, status: status) }
            }
            let batch = try Registry.beginBatch(db, actor: actor, command: command ?? "training \(decision.rawValue)", source: nil)
            let new = decision.status.rawValue
            for id in ids {
                try db.execute(sql: "UPDATE training SET status = ? WHERE id = ?", arguments: [new, id])
                try db.execute(sql: "INSERT INTO training_reviews (training_id, decision, reason, batch_id) VALUES (?, ?, ?, ?)",
                               arguments: [id, new, reason, batch])
                let detail = "{\"status\":[\"pending\",\"\(new)\"]" + (reason.map { ",\"reason\":\(JSONText.string($0))" } ?? "") + "}"
                try db.execute(sql: """
                    INSERT INTO change_log (batch_id, action, entity, entity_id, entity_key, staff_no, detail)
                    SELECT ?, 'update', 'training', id, COALESCE(ref, staff_no || '|' || title || '|' || start_date || '|' || end_date), staff_no, ?
                    FROM training WHERE id = ?
                    """, arguments: [batch, detail, id])
            }
            return ReviewOutcome(decision: decision, ids: ids, batchID: batch)
        }
    }

    /// The pending records an import (change batch) added.
    public func pendingTrainingIDs(batch: Int64) throws -> [Int64] {
        try writer.read { db in
            try Int64.fetchAll(db, sql: """
                SELECT t.id FROM training t JOIN change_log l ON l.entity = 'training' AND l.entity_id = t.id AND l.action = 'add'
                WHERE l.batch_id = ? AND t.status = 'pending' AND NOT EXISTS (SELECT 1 FROM training_voids v WHERE v.training_id = t.id)
                ORDER BY t.id
                """, arguments: [batch])
        }
    }

    public struct PendingFilter: Sendable {
        public var schoolCode: String?
        public var batch: Int64?
        public var offset: Int
        public var limit: Int
        public init(schoolCode: String? = nil, batch: Int64? = nil, offset: Int = 0, limit: Int = 100) {
            self.schoolCode = schoolCode; self.batch = batch; self.offset = offset; self.limit = limit
        }
    }

    /// The approval queue, oldest first, with the total count for paging.
    public func pendingTraining(_ filter: PendingFilter) throws -> (rows: [PendingTraining], total: Int) {
        try writer.read { db in
            var clauses = ["t.status = 'pending'", "NOT EXISTS (SELECT 1 FROM training_voids v WHERE v.training_id = t.id)"]
            var args: [DatabaseValueConvertible?] = []
            let currentSchool = "(SELECT a.school_code FROM assignments a WHERE a.staff_no = t.staff_no ORDER BY a.from_date DESC LIMIT 1)"
            if let s = filter.schoolCode { clauses.append("\(currentSchool) = ?"); args.append(s) }
            if let b = filter.batch {
                clauses.append("t.id IN (SELECT entity_id FROM change_log WHERE batch_id = ? AND entity = 'training' AND action = 'add')")
                args.append(b)
            }
            let whereSQL = clauses.joined(separator: " AND ")
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM training t WHERE \(whereSQL)", arguments: StatementArguments(args)) ?? 0
            let rows = try Row.fetchAll(db, sql: """
                SELECT t.id, t.staff_no, t.title, t.level, t.mode, t.kind, t.provider, t.start_date, t.end_date, t.hours_tenths, t.credits_tenths,
                       t.status, t.ref, p.name, \(currentSchool) AS school_code,
                       (SELECT MIN(l.batch_id) FROM change_log l WHERE l.entity = 'training' AND l.entity_id = t.id AND l.action = 'add') AS batch_id
                FROM training t JOIN teachers p ON p.staff_no = t.staff_no
                WHERE \(whereSQL) ORDER BY t.id LIMIT ? OFFSET ?
                """, arguments: StatementArguments(args + [filter.limit, filter.offset]))
            let names = try Registry.schoolNameMap(db)
            var batches: [Int64: String] = [:]
            return (rows.map { r in
                let batch: Int64? = r["batch_id"]
                if let batch, batches[batch] == nil {
                    batches[batch] = (try? String.fetchOne(db, sql: "SELECT at FROM change_batches WHERE id = ?", arguments: [batch])) ?? nil
                }
                let school: String? = r["school_code"]
                return PendingTraining(
                    listing: TrainingListing(id: r[0], staffNo: r[1], title: r[2], level: r[3], mode: r[4], kind: r[5], provider: r[6],
                                             startDate: r[7], endDate: r[8], hours: Hours(tenths: r[9]),
                                             credits: (r[10] as Int?).map { Hours(tenths: $0) }, status: r[11], ref: r[12], voidReason: nil, voidedAt: nil),
                    name: r[13], schoolCode: school, schoolName: school.flatMap { names[$0] }, batchID: batch, addedAt: batch.flatMap { batches[$0] })
            }, total)
        }
    }

    public func pendingCount() throws -> Int {
        try writer.read { db in
            try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM training t WHERE status = 'pending' AND NOT EXISTS (SELECT 1 FROM training_voids v WHERE v.training_id = t.id)
                """) ?? 0
        }
    }

    /// The latest writes that changed facts (imports and edits), newest first.
    public func recentBatches(limit: Int = 10) throws -> [RecentBatch] {
        try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT b.id, b.at, b.actor, b.command, b.source,
                       (SELECT COUNT(*) FROM change_log l WHERE l.batch_id = b.id AND l.action = 'add') AS added,
                       (SELECT COUNT(*) FROM change_log l WHERE l.batch_id = b.id AND l.action = 'update') AS updated,
                       (SELECT COUNT(*) FROM change_log l JOIN training t ON t.id = l.entity_id
                          WHERE l.batch_id = b.id AND l.entity = 'training' AND l.action = 'add' AND t.status = 'pending') AS pending
                FROM change_batches b
                WHERE b.command LIKE 'import%' OR b.command = 'demo' OR b.command LIKE 'POST%' OR b.command LIKE 'training%' OR b.command LIKE 'web%'
                ORDER BY b.id DESC LIMIT ?
                """, arguments: [limit]).map { r in
                RecentBatch(id: r["id"], at: r["at"], actor: r["actor"], command: r["command"], source: r["source"],
                            added: r["added"], updated: r["updated"], pending: r["pending"])
            }
        }
    }

    static func schoolNameMap(_ db: Database) throws -> [String: String] {
        var out: [String: String] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT code, name FROM schools") { out[r[0]] = r[1] }
        return out
    }

    /// Schools by code, for pages and forms.
    public func schoolDirectory() throws -> [(code: String, name: String)] {
        try writer.read { db in try Row.fetchAll(db, sql: "SELECT code, name FROM schools ORDER BY code").map { ($0[0], $0[1]) } }
    }

    /// People found by staff number or name (a part of either), for the HR search.
    public func findTeachers(_ query: String, limit: Int = 50) throws -> [(staffNo: String, name: String, schoolCode: String?, schoolName: String?)] {
        let q = Text.trimmed(query)
        guard !q.isEmpty, q.count <= 40 else { return [] }
        return try writer.read { db in
            let like = "%" + q.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
            let names = try Registry.schoolNameMap(db)
            return try Row.fetchAll(db, sql: """
                SELECT t.staff_no, t.name, (SELECT a.school_code FROM assignments a WHERE a.staff_no = t.staff_no ORDER BY a.from_date DESC LIMIT 1)
                FROM teachers t WHERE t.staff_no = ? COLLATE NOCASE OR t.staff_no LIKE ? ESCAPE '\\' OR t.name LIKE ? ESCAPE '\\'
                ORDER BY t.staff_no = ? COLLATE NOCASE DESC, t.staff_no LIMIT ?
                """, arguments: [q, like, like, q, limit]).map { r in
                let school: String? = r[2]
                return (r[0], r[1], school, school.flatMap { names[$0] })
            }
        }
    }

    public func staffNo(ofTraining id: Int64) throws -> String? {
        try writer.read { db in try String.fetchOne(db, sql: "SELECT staff_no FROM training WHERE id = ?", arguments: [id]) }
    }

    /// The home school of a person today (their latest assignment), for scope checks.
    public func currentSchool(of staffNo: String) throws -> String? {
        try writer.read { db in
            try String.fetchOne(db, sql: "SELECT school_code FROM assignments WHERE staff_no = ? ORDER BY from_date DESC LIMIT 1", arguments: [staffNo])
        }
    }

    /// Every school a person has been assigned to (a principal may read the record of anyone ever at their school).
    public func schools(of staffNo: String) throws -> Set<String> {
        try writer.read { db in Set(try String.fetchAll(db, sql: "SELECT school_code FROM assignments WHERE staff_no = ?", arguments: [staffNo])) }
    }
}
