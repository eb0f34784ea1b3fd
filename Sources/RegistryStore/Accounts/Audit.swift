import Foundation
import GRDB
import TeacherGrowth

/// One read of personal data.
public struct AuditEntry: Sendable, Hashable {
    public var at: String
    public var actor: String
    public var role: String
    public var client: String?
    public var route: String
    public var what: String
    public var schoolCode: String?
    public var staffNo: String?
    public var people: Int
}

extension Registry {
    /// Records a read of personal data (compliance lists, teacher records, exports, searches).
    public func recordRead(actor: String, role: String, client: String?, route: String, what: String, school: String?, staffNo: String?, people: Int) throws {
        try writer.write { db in
            try db.execute(sql: """
                INSERT INTO audit_log (at, actor, role, client, route, what, school_code, staff_no, people) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [Registry.timestamp(), actor, role, client, String(route.prefix(300)), what, school, staffNo, people])
        }
    }

    public struct AuditFilter: Sendable {
        public var actor: String?
        public var school: String?
        public var staffNo: String?
        public var from: CivilDate?
        public var to: CivilDate?
        public var limit: Int
        public init(actor: String? = nil, school: String? = nil, staffNo: String? = nil, from: CivilDate? = nil, to: CivilDate? = nil, limit: Int = 500) {
            self.actor = actor; self.school = school; self.staffNo = staffNo; self.from = from; self.to = to; self.limit = limit
        }
    }

    /// The reads, newest first. Dates are China time days.
    public func audit(_ f: AuditFilter) throws -> [AuditEntry] {
        try writer.read { db in
            var clauses: [String] = []
            var args: [DatabaseValueConvertible?] = []
            if let a = f.actor { clauses.append("(actor = ? OR actor = ? OR actor = ?)"); args += [a, "user:\(a)", "token:\(a)"] }
            if let s = f.school { clauses.append("school_code = ?"); args.append(s) }
            if let p = f.staffNo { clauses.append("staff_no = ?"); args.append(p) }
            // Stored in UTC; a China-time day starts at 16:00 UTC the day before.
            if let d = f.from { clauses.append("at >= ?"); args.append("\(d.adding(days: -1))T16:00:00") }
            if let d = f.to { clauses.append("at < ?"); args.append("\(d)T16:00:00") }
            let whereSQL = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
            return try Row.fetchAll(db, sql: "SELECT at, actor, role, client, route, what, school_code, staff_no, people FROM audit_log \(whereSQL) ORDER BY id DESC LIMIT ?",
                                    arguments: StatementArguments(args + [f.limit])).map { r in
                AuditEntry(at: r[0], actor: r[1], role: r[2], client: r[3], route: r[4], what: r[5], schoolCode: r[6], staffNo: r[7], people: r[8])
            }
        }
    }
}
