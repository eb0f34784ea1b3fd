import Foundation
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

}

extension RegistryBackend {
    /// Records a read of personal data (compliance lists, teacher records, exports, searches).
    public func recordRead(actor: String, role: String, client: String?, route: String, what: String, school: String?, staffNo: String?, people: Int) throws {
        try sql.write { db in
            try db.execute("""
                INSERT INTO audit_log (at, actor, role, client, route, what, school_code, staff_no, people) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, Registry.timestamp(), actor, role, client, String(route.prefix(300)), what, school, staffNo, people)
        }
    }

    /// The reads, newest first. Dates are China time days.
    public func audit(_ f: Registry.AuditFilter) throws -> [AuditEntry] {
        try sql.read { db in
            var clauses: [String] = []
            var args: [SQLValue] = []
            if let a = f.actor { clauses.append("(actor = ? OR actor = ? OR actor = ?)"); args += [a, "user:\(a)", "token:\(a)"].map(\.sqlValue) }
            if let s = f.school { clauses.append("school_code = ?"); args.append(s.sqlValue) }
            if let p = f.staffNo { clauses.append("staff_no = ?"); args.append(p.sqlValue) }
            // Stored in UTC; a China-time day starts at 16:00 UTC the day before.
            if let d = f.from { clauses.append("at >= ?"); args.append("\(d.adding(days: -1))T16:00:00".sqlValue) }
            if let d = f.to { clauses.append("at < ?"); args.append("\(d)T16:00:00".sqlValue) }
            let whereSQL = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
            return try db.rows("SELECT at, actor, role, client, route, what, school_code, staff_no, people FROM audit_log \(whereSQL) ORDER BY id DESC LIMIT ?",
                               args + [f.limit.sqlValue]).map { r in
                AuditEntry(at: r.string(0), actor: r.string(1), role: r.string(2), client: r.text(3), route: r.string(4), what: r.string(5),
                           schoolCode: r.text(6), staffNo: r.text(7), people: Int(r.integer(8)))
            }
        }
    }
}
