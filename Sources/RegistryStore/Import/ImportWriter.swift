import GRDB
import GRDBSQLite
import TeacherGrowth

/// Upserts parsed rows on their natural keys and records each change in the change log.
struct ImportWriter {
    enum Outcome { case added, updated, unchanged }

    let db: Database
    let batchID: Int64
    /// The key that seals national identity numbers, read (or made) when the first number comes.
    private let keyring: () throws -> IdentityKeyring
    private var resolvedKeyring: IdentityKeyring?

    init(db: Database, batchID: Int64, keyring: @escaping () throws -> IdentityKeyring) throws {
        self.db = db
        self.batchID = batchID
        self.keyring = keyring
    }

    private mutating func seal(_ number: String) throws -> String {
        let ring = try resolvedKeyring ?? keyring()
        resolvedKeyring = ring
        return try ring.seal(number)
    }

    /// `INSERT … ON CONFLICT(key) DO UPDATE SET … WHERE something differs`. No `RETURNING`: SQLite
    /// buffers returned rows in a temporary b-tree it opens and closes on every execution, which
    /// cost more than the insert itself. What happened is read from the connection instead.
    static func upsertSQL(table: String, columns: [String], key: [String], partial: String?) -> String {
        let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ",")
        let nonKey = columns.filter { !key.contains($0) }
        // A training record reviewed in the registry keeps its decision: a later file from the
        // platform (still saying 待审核) does not undo an approval or a rejection.
        func newValue(_ c: String) -> String {
            table == "training" && c == "status"
                ? "CASE WHEN EXISTS (SELECT 1 FROM training_reviews r WHERE r.training_id = training.id) THEN training.status ELSE excluded.status END"
                : "excluded.\(c)"
        }
        let set = nonKey.map { "\($0) = \(newValue($0))" }.joined(separator: ", ")
        let differs = nonKey.map { "\(table).\($0) IS NOT \(newValue($0))" }.joined(separator: " OR ")
        let target = "(\(key.joined(separator: ", ")))" + (partial.map { " WHERE \($0)" } ?? "")
        return """
        INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(placeholders))
        ON CONFLICT \(target) DO UPDATE SET \(set) WHERE \(differs)
        """
    }

    static func insertSQL(table: String, columns: [String]) -> String {
        "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ",")))"
    }

    /// `SELECT id, other columns … WHERE key = …`: whether the row exists already, and what it holds
    /// (the old values an update's change-log entry keeps).
    static func lookupSQL(table: String, columns: [String], key: [String], partial: String?) -> String {
        let conditions = key.map { "\($0) = ?" } + (partial.map { [$0] } ?? [])
        let others = columns.filter { !key.contains($0) }
        return "SELECT \((["id"] + others).joined(separator: ", ")) FROM \(table) WHERE \(conditions.joined(separator: " AND "))"
    }

    static func rereadSQL(table: String, columns: [String], key: [String]) -> String {
        "SELECT \(columns.filter { !key.contains($0) }.joined(separator: ", ")) FROM \(table) WHERE id = ?"
    }

    /// The id of the row the last upsert added, updated or found unchanged.
    private(set) var lastID: Int64?

    /// Prepared inserts, upserts and look-ups by table and key variant: built once per import.
    private var statements: [StatementKey: Prepared] = [:]

    private struct Prepared {
        var insert: Statement
        var upsert: Statement
        var lookup: Statement
        var reread: Statement
        /// The columns besides the key, in the order `lookup` and `reread` return them.
        var others: [String]
        /// Where the key columns are among the bound values.
        var keyIndices: [Int]
    }

    private struct StatementKey: Hashable {
        var table: String
        var firstKey: String
        var keyCount: Int
        var columnCount: Int
    }

    /// The fields the last update changed, as the change log keeps them (`UpdateDetail`).
    private(set) var lastDetail: String?

    private mutating func upsert(table: String, columns: [String], values: [DatabaseValue], key: [String],
                                 partial: String? = nil) throws -> (Outcome, Int64?) {
        lastDetail = nil
        // Each variant of a table's upsert differs in its key or its column count.
        let cacheKey = StatementKey(table: table, firstKey: key[0], keyCount: key.count, columnCount: columns.count)
        let prepared: Prepared
        if let s = statements[cacheKey] { prepared = s } else {
            prepared = Prepared(
                insert: try db.makeStatement(sql: ImportWriter.insertSQL(table: table, columns: columns)),
                upsert: try db.makeStatement(sql: ImportWriter.upsertSQL(table: table, columns: columns, key: key, partial: partial)),
                lookup: try db.makeStatement(sql: ImportWriter.lookupSQL(table: table, columns: columns, key: key, partial: partial)),
                reread: try db.makeStatement(sql: ImportWriter.rereadSQL(table: table, columns: columns, key: key)),
                others: columns.filter { !key.contains($0) },
                keyIndices: key.map { columns.firstIndex(of: $0)! })
            statements[cacheKey] = prepared
        }
        let keyValues = prepared.keyIndices.map { values[$0] }
        let connection = db.sqliteConnection
        // A new row (the common case of a bulk import) is a plain INSERT, which SQLite runs
        // without the per-statement journal that an upsert needs.
        guard let found = try RawStatement.row(prepared.lookup, keyValues, in: db), case .int64(let id) = found[0].storage else {
            _ = try RawStatement.run(prepared.insert, values, in: db)
            let id = sqlite3_last_insert_rowid(connection)
            lastID = id
            return (.added, id)
        }
        lastID = id
        _ = try RawStatement.run(prepared.upsert, values, in: db)
        guard sqlite3_changes(connection) > 0 else { return (.unchanged, nil) }
        // What the row holds now (not what was bound: a reviewed record keeps its status).
        if let now = try RawStatement.row(prepared.reread, [id.databaseValue], in: db) {
            lastDetail = UpdateDetail.json(table: table, columns: prepared.others, old: Array(found.dropFirst()), new: now)
        }
        return (.updated, id)
    }

    /// Change-log entries not yet inserted, by action, table and file, in the order first seen.
    /// Each is the fact's id and the input line packed into one integer (`id << 32 | line`); one
    /// INSERT … SELECT over `json_each` then writes up to `logBatch` of them, taking the entry's
    /// key and staff number from the fact row itself. (A statement per entry cost more than the
    /// fact's own insert.)
    private struct LogKey: Hashable {
        var action: String
        var table: String
        var file: String
    }
    private var pendingLog: [LogKey: [Int64]] = [:]
    private var pendingOrder: [LogKey] = []
    private var logStatements: [String: Statement] = [:]
    private var updateStatements: [String: Statement] = [:]
    private static let logBatch = 4_096

    private mutating func log(_ outcome: Outcome, table: String, id: Int64, file: String, line: Int) throws {
        guard outcome != .unchanged else { return }
        if outcome == .updated {
            // Updates are few: each is written at once, with the old and new value of every changed field.
            let statement: Statement
            if let s = updateStatements[table] { statement = s } else {
                statement = try db.makeStatement(sql: ImportWriter.logSQL(table: table, withDetail: true))
                updateStatements[table] = statement
            }
            _ = try RawStatement.run(statement, [batchID.databaseValue, "update".databaseValue, file.databaseValue,
                                                 "[\(id << 32 | Int64(line))]".databaseValue, (lastDetail ?? "{}").databaseValue], in: db)
            return
        }
        guard id > 0, id < 1 << 31, line > 0, line < 1 << 32 else {
            throw RegistryError.invalid(.init("\(file):\(line): 变更记录无法记下这一行（行号 \(id)）；请把文件拆小后再导入", "\(file):\(line): the registry cannot record this row in its change log (row id \(id)); split the file"))
        }
        let key = LogKey(action: outcome == .added ? "add" : "update", table: table, file: file)
        if pendingLog[key] == nil { pendingOrder.append(key) }
        pendingLog[key, default: []].append(id << 32 | Int64(line))
        if pendingLog[key]!.count >= ImportWriter.logBatch { try flushLog(key) }
    }

    private mutating func flushLog(_ key: LogKey) throws {
        guard let entries = pendingLog[key], !entries.isEmpty else { return }
        pendingLog[key] = []
        let statement: Statement
        if let s = logStatements[key.table] { statement = s } else {
            statement = try db.makeStatement(sql: ImportWriter.logSQL(table: key.table))
            logStatements[key.table] = statement
        }
        var json = "["
        json.reserveCapacity(entries.count * 12)
        for (i, e) in entries.enumerated() {
            if i > 0 { json += "," }
            json += String(e)
        }
        json += "]"
        _ = try RawStatement.run(statement, [batchID.databaseValue, key.action.databaseValue, key.file.databaseValue,
                                             json.databaseValue], in: db)
    }

    /// The change-log insert for one table: the entry key is the natural key (or `ref` when the
    /// row has one) joined with `|`, as `teacher show --history` prints it.
    static func logSQL(table: String, withDetail: Bool = false) -> String {
        let kind = ImportKind.all.first { $0.table == table }!
        let natural = kind.naturalKey.map { "t.\($0)" }.joined(separator: " || '|' || ")
        let entityKey = kind.keyedByRefWhenPresent ? "CASE WHEN t.ref IS NOT NULL THEN t.ref ELSE \(natural) END" : natural
        let staffNo = kind.hasStaffNo ? "t.staff_no" : "NULL"
        return """
            INSERT INTO change_log (batch_id, action, entity, entity_id, entity_key, staff_no, file, line\(withDetail ? ", detail" : ""))
            SELECT ?1, ?2, '\(table)', t.id, \(entityKey), \(staffNo), ?3, e.value & 4294967295\(withDetail ? ", ?5" : "")
            FROM json_each(?4) AS e JOIN \(table) AS t ON t.id = e.value >> 32
            """
    }

    /// Writes the change-log entries still pending. Call once after the last `write`, before the
    /// transaction ends.
    mutating func finish() throws {
        for key in pendingOrder { try flushLog(key) }
    }

    /// Writes one row; returns what happened to it.
    mutating func write(_ row: ParsedRow, file: String) throws -> Outcome {
        let kind = row.kind
        if kind.name == "teachers" { return try writeTeacher(row, file: file) }
        let columns = kind.dbColumns
        let values = kind.storedValues(row.values)
        var key = kind.naturalKey
        var partial: String? = nil
        if kind.keyedByRefWhenPresent {
            if row.text("ref") != nil { key = ["ref"]; partial = "ref IS NOT NULL" } else { partial = "ref IS NULL" }
        }
        let (outcome, id) = try upsert(table: kind.table, columns: columns, values: values, key: key, partial: partial)
        if let id { try log(outcome, table: kind.table, id: id, file: file, line: row.line) }
        return outcome
    }

    /// A teachers.csv row is four records: the person, the assignment from `school_since`, the
    /// degree `education`, and the title `title` (when given).
    private mutating func writeTeacher(_ row: ParsedRow, file: String) throws -> Outcome {
        let no = row["staff_no"]
        let sealedID = try row.text("national_id").map { try seal($0).databaseValue } ?? .null
        var results: [Outcome] = []
        let person = try upsert(
            table: "teachers",
            columns: ["staff_no", "name", "gender", "birth_date", "national_id", "hired_on", "left_on", "establishment",
                      "school_since", "education", "title"],
            values: [no, row["name"], row["gender"], row["birth_date"], sealedID, row["hired_on"], row["left_on"],
                     row["establishment"], row["school_since"], row["education"], row["title"]],
            key: ["staff_no"])
        results.append(person.0)
        if let id = person.1 { try log(person.0, table: "teachers", id: id, file: file, line: row.line) }

        let assignment = try upsert(
            table: "assignments",
            columns: ["staff_no", "school_code", "from_date", "post", "stage", "subject", "course_type"],
            values: [no, row["school_code"], row["school_since"], row["post"], row["stage"], row["subject"], row["course_type"]],
            key: ["staff_no", "from_date"])
        results.append(assignment.0)
        if let id = assignment.1 {
            try log(assignment.0, table: "assignments", id: id, file: file, line: row.line)
        }

        let degree = try upsert(table: "degrees", columns: ["staff_no", "education", "obtained_on"],
                                values: [no, row["education"], row["education_on"]], key: ["staff_no", "education"])
        results.append(degree.0)
        if let id = degree.1 {
            try log(degree.0, table: "degrees", id: id, file: file, line: row.line)
        }

        if row.text("title") != nil {
            let t = try upsert(table: "titles", columns: ["staff_no", "title", "from_date"],
                               values: [no, row["title"], row["title_on"]], key: ["staff_no", "title"])
            results.append(t.0)
            if let id = t.1 { try log(t.0, table: "titles", id: id, file: file, line: row.line) }
        }
        if person.0 == .added { return .added }
        return results.contains(where: { $0 != .unchanged }) ? .updated : .unchanged
    }
}
