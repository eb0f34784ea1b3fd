import GRDB
import TeacherGrowth

/// Upserts parsed rows on their natural keys and records each change in the change log.
struct ImportWriter {
    enum Outcome { case added, updated, unchanged }

    let db: Database
    let batchID: Int64
    /// The highest id of each table when the transaction began: a returned id above it is a new row.
    private var maxIDs: [String: Int64] = [:]
    private var seenNew: [String: Set<Int64>] = [:]

    init(db: Database, batchID: Int64) throws {
        self.db = db
        self.batchID = batchID
        for table in ImportKind.all.map(\.table) {
            maxIDs[table] = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM \(table)")!
        }
    }

    /// `INSERT … ON CONFLICT(key) DO UPDATE SET … WHERE something differs RETURNING id`.
    static func upsertSQL(table: String, columns: [String], key: [String], partial: String?) -> String {
        let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ",")
        let nonKey = columns.filter { !key.contains($0) }
        let set = nonKey.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        let differs = nonKey.map { "\(table).\($0) IS NOT excluded.\($0)" }.joined(separator: " OR ")
        let target = "(\(key.joined(separator: ", ")))" + (partial.map { " WHERE \($0)" } ?? "")
        return """
        INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(placeholders))
        ON CONFLICT \(target) DO UPDATE SET \(set) WHERE \(differs)
        RETURNING id
        """
    }

    /// Prepared upserts by table and key variant, and the change-log insert: built once per import.
    private var statements: [StatementKey: Statement] = [:]

    private struct StatementKey: Hashable {
        var table: String
        var firstKey: String
        var keyCount: Int
        var columnCount: Int
    }
    private var logStatement: Statement?

    private mutating func upsert(table: String, columns: [String], values: [DatabaseValue], key: [String],
                                 partial: String? = nil) throws -> (Outcome, Int64?) {
        // Each variant of a table's upsert differs in its key or its column count.
        let cacheKey = StatementKey(table: table, firstKey: key[0], keyCount: key.count, columnCount: columns.count)
        let statement: Statement
        if let s = statements[cacheKey] { statement = s } else {
            statement = try db.makeStatement(sql: ImportWriter.upsertSQL(table: table, columns: columns, key: key, partial: partial))
            statements[cacheKey] = statement
        }
        guard let id = try RawStatement.run(statement, values, in: db) else {
            return (.unchanged, nil)
        }
        if id > maxIDs[table]!, seenNew[table, default: []].insert(id).inserted { return (.added, id) }
        return (.updated, id)
    }

    private mutating func log(_ outcome: Outcome, entity: String, id: Int64, key: String, staffNo: String?, file: String, line: Int) throws {
        guard outcome != .unchanged else { return }
        if logStatement == nil {
            logStatement = try db.makeStatement(sql: """
                INSERT INTO change_log (batch_id, action, entity, entity_id, entity_key, staff_no, file, line)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
        }
        // (Multi-row VALUES statements were tried here and were far slower through the C API.)
        _ = try RawStatement.run(logStatement!, [batchID.databaseValue, (outcome == .added ? "add" : "update").databaseValue,
                                                 entity.databaseValue, id.databaseValue, key.databaseValue, staffNo.databaseValue,
                                                 file.databaseValue, line.databaseValue], in: db)
    }

    /// Writes one row; returns what happened to it.
    mutating func write(_ row: ParsedRow, file: String) throws -> Outcome {
        let kind = row.kind
        if kind.name == "teachers" { return try writeTeacher(row, file: file) }
        let columns = kind.dbColumns
        var key = kind.naturalKey
        var partial: String? = nil
        if kind.keyedByRefWhenPresent {
            if row.text("ref") != nil { key = ["ref"]; partial = "ref IS NOT NULL" } else { partial = "ref IS NULL" }
        }
        let (outcome, id) = try upsert(table: kind.table, columns: columns, values: row.values, key: key, partial: partial)
        if let id {
            let keyText = key.map { k in row.values[kind.dbColumns.firstIndex(of: k)!] }
                .map { String.fromDatabaseValue($0) ?? Int.fromDatabaseValue($0).map(String.init) ?? "" }
                .joined(separator: "|")
            let staffNo = kind.hasStaffNo ? row.text("staff_no") : nil
            try log(outcome, entity: kind.table, id: id, key: keyText, staffNo: staffNo, file: file, line: row.line)
        }
        return outcome
    }

    /// A teachers.csv row is four records: the person, the assignment from `school_since`, the
    /// degree `education`, and the title `title` (when given).
    private mutating func writeTeacher(_ row: ParsedRow, file: String) throws -> Outcome {
        let no = row["staff_no"]
        let staffNo = row.text("staff_no")!
        var results: [Outcome] = []
        let person = try upsert(
            table: "teachers",
            columns: ["staff_no", "name", "gender", "birth_date", "national_id", "hired_on", "left_on", "establishment",
                      "school_since", "education", "title"],
            values: [no, row["name"], row["gender"], row["birth_date"], row["national_id"], row["hired_on"], row["left_on"],
                     row["establishment"], row["school_since"], row["education"], row["title"]],
            key: ["staff_no"])
        results.append(person.0)
        if let id = person.1 { try log(person.0, entity: "teachers", id: id, key: staffNo, staffNo: staffNo, file: file, line: row.line) }

        let assignment = try upsert(
            table: "assignments",
            columns: ["staff_no", "school_code", "from_date", "post", "stage", "subject", "course_type"],
            values: [no, row["school_code"], row["school_since"], row["post"], row["stage"], row["subject"], row["course_type"]],
            key: ["staff_no", "from_date"])
        results.append(assignment.0)
        if let id = assignment.1 {
            try log(assignment.0, entity: "assignments", id: id, key: "\(staffNo)|\(row.text("school_since")!)",
                    staffNo: staffNo, file: file, line: row.line)
        }

        let degree = try upsert(table: "degrees", columns: ["staff_no", "education", "obtained_on"],
                                values: [no, row["education"], row["education_on"]], key: ["staff_no", "education"])
        results.append(degree.0)
        if let id = degree.1 {
            try log(degree.0, entity: "degrees", id: id, key: "\(staffNo)|\(row.text("education")!)", staffNo: staffNo,
                    file: file, line: row.line)
        }

        if let title = row.text("title") {
            let t = try upsert(table: "titles", columns: ["staff_no", "title", "from_date"],
                               values: [no, row["title"], row["title_on"]], key: ["staff_no", "title"])
            results.append(t.0)
            if let id = t.1 { try log(t.0, entity: "titles", id: id, key: "\(staffNo)|\(title)", staffNo: staffNo, file: file, line: row.line) }
        }
        if person.0 == .added { return .added }
        return results.contains(where: { $0 != .unchanged }) ? .updated : .unchanged
    }
}
