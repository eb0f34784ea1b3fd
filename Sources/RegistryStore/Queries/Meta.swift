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

extension Registry {
    /// The first and last year the registry holds facts for (training, assignments, designations,
    /// hiring), nil when it is empty.
    public func factYearRange() throws -> ClosedRange<Int>? {
        try writer.read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT MIN(lo), MAX(hi) FROM (
                  SELECT MIN(end_date) AS lo, MAX(end_date) AS hi FROM training
                  UNION ALL SELECT MIN(from_date), MAX(from_date) FROM assignments
                  UNION ALL SELECT MIN(awarded_on), MAX(awarded_on) FROM designations
                  UNION ALL SELECT MIN(hired_on), MAX(hired_on) FROM teachers)
                """)
            guard let lo = (row?[0] as String?).flatMap({ Int($0.prefix(4)) }), let hi = (row?[1] as String?).flatMap({ Int($0.prefix(4)) }) else { return nil }
            return lo...max(lo, hi)
        }
    }
}
