import GRDB

extension Registry {
    /// The demo generator's description ("scale 1, seed 2025") when this database holds the synthetic
    /// demo county, else nil.
    public func demoDescription() throws -> String? {
        try writer.read { db in try String.fetchOne(db, sql: "SELECT value FROM registry_meta WHERE key = 'demo'") }
    }

    public func markAsDemo(_ description: String) throws {
        try writer.write { db in
            try db.execute(sql: "INSERT INTO registry_meta (key, value) VALUES ('demo', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           arguments: [description])
        }
    }

    /// Whether the database holds any staff yet.
    public func isEmpty() throws -> Bool {
        try writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM teachers")! == 0 }
    }

    /// The latest year with any dated fact (training end, assignment start, award), or nil when empty.
    public func latestFactYear() throws -> Int? {
        try writer.read { db in
            let s = try String.fetchOne(db, sql: """
                SELECT MAX(d) FROM (SELECT MAX(end_date) AS d FROM training UNION ALL SELECT MAX(from_date) FROM assignments
                UNION ALL SELECT MAX(awarded_on) FROM designations UNION ALL SELECT MAX(hired_on) FROM teachers)
                """)
            return s.flatMap { Int($0.prefix(4)) }
        }
    }
}
