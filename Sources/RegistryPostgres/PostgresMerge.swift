import RegistryStore

/// How staged rows become facts: for each record a row makes, an upsert on its natural key written
/// as set-based SQL with the same outcomes as the SQLite writer's row-by-row upsert — a key's first
/// row is added (new) or compared with the stored record; a later row of the same key in the same
/// file is compared with the row before it; the last row of a key is what is stored.
struct PostgresMerge {
    /// Target table.
    let table: String
    /// Target column ← staging expression (over `s`).
    let columns: [(name: String, expr: String)]
    let key: [String]
    /// Which staged rows make this record (`s.title IS NOT NULL`), and which stored rows its key
    /// addresses (`e.ref IS NULL` for a partial unique index).
    let stageFilter: String?
    let storedFilter: String?
    /// The row's main record (its added/updated outcome counts for the line).
    let main: Bool

    static func type(of kind: CellKind) -> String {
        switch kind {
        case .text, .code, .nationalID: "text"
        case .date: "date"
        case .tenths, .hundredths, .whole, .year, .yesNo: "bigint"
        }
    }

    /// The records each row of `kind` makes.
    static func targets(for kind: ImportKind) -> [PostgresMerge] {
        if kind.name == "teachers" {
            let person = ["staff_no", "name", "gender", "birth_date", "national_id", "hired_on", "left_on", "establishment",
                          "school_since", "education", "title"]
            return [
                PostgresMerge(table: "teachers", columns: person.map { ($0, "s.\($0)") }, key: ["staff_no"],
                              stageFilter: nil, storedFilter: nil, main: true),
                PostgresMerge(table: "assignments", columns: [("staff_no", "s.staff_no"), ("school_code", "s.school_code"),
                                                              ("from_date", "s.school_since"), ("post", "s.post"), ("stage", "s.stage"),
                                                              ("subject", "s.subject"), ("course_type", "s.course_type")],
                              key: ["staff_no", "from_date"], stageFilter: nil, storedFilter: nil, main: false),
                PostgresMerge(table: "degrees", columns: [("staff_no", "s.staff_no"), ("education", "s.education"), ("obtained_on", "s.education_on")],
                              key: ["staff_no", "education"], stageFilter: nil, storedFilter: nil, main: false),
                PostgresMerge(table: "titles", columns: [("staff_no", "s.staff_no"), ("title", "s.title"), ("from_date", "s.title_on")],
                              key: ["staff_no", "title"], stageFilter: "s.title IS NOT NULL", storedFilter: nil, main: false),
            ]
        }
        let columns = kind.dbColumns.map { ($0, "s.\($0)") }
        if kind.keyedByRefWhenPresent {
            return [
                PostgresMerge(table: kind.table, columns: columns, key: ["ref"], stageFilter: "s.ref IS NOT NULL",
                              storedFilter: "e.ref IS NOT NULL", main: true),
                PostgresMerge(table: kind.table, columns: columns, key: kind.naturalKey, stageFilter: "s.ref IS NULL",
                              storedFilter: "e.ref IS NULL", main: true),
            ]
        }
        return [PostgresMerge(table: kind.table, columns: columns, key: kind.naturalKey, stageFilter: nil, storedFilter: nil, main: true)]
    }

    private var nonKey: [String] { columns.map(\.name).filter { !key.contains($0) } }

    /// A reviewed training record keeps its decision: a later file saying 待审核 does not undo it.
    private func effective(_ c: String) -> String {
        table == "training" && c == "status" ? "CASE WHEN m.reviewed THEN m.o_status ELSE m.n_status END" : "m.n_\(c)"
    }

    private static func row(_ items: [String]) -> String {
        items.isEmpty ? "ROW(0)" : "ROW(\(items.joined(separator: ", ")))"
    }

    /// The statements that merge staged rows into `table`, leaving each line's outcome in
    /// `o_SUFFIX(line, outcome, …)`: 'a' added, 'u' updated, 'n' unchanged; and the rows to add
    /// (`first_line` and the columns), which `insert(_:)` adds together with the other merges' of
    /// the same table, so that new records get their ids in the order of the lines that first name
    /// them, as the SQLite writer gives them.
    func statements(stage: String, suffix: String) -> (prepare: [String], newRows: String) {
        let m = "m_\(suffix)", o = "o_\(suffix)"
        let expr = Dictionary(uniqueKeysWithValues: columns.map { ($0.name, $0.expr) })
        let join = key.map { "e.\($0) = \(expr[$0]!)" } + (storedFilter.map { [$0] } ?? [])
        let reviewed = table == "training"
            ? ", EXISTS (SELECT 1 FROM training_reviews r WHERE r.training_id = e.id) AS reviewed" : ""
        let gather = """
            CREATE TEMP TABLE \(m) ON COMMIT DROP AS
            SELECT s.line, e.id AS eid\(reviewed),
                   \(columns.map { "\($0.expr) AS n_\($0.name)" }.joined(separator: ", ")),
                   \((nonKey.map { "e.\($0) AS o_\($0)" } + ["0 AS o_none"]).joined(separator: ", "))
            FROM \(stage) s LEFT JOIN \(table) e ON \(join.joined(separator: " AND "))
            \(stageFilter.map { "WHERE \($0)" } ?? "")
            """
        let partition = key.map { "n_\($0)" }.joined(separator: ", ")
        let ef = nonKey.map { "\(effective($0)) AS f_\($0)" }
        let window = "PARTITION BY \(partition) ORDER BY line"
        let outcome = """
            CREATE TEMP TABLE \(o) ON COMMIT DROP AS
            SELECT y.*,
                   CASE WHEN rn = 1 AND eid IS NULL THEN 'a'
                        WHEN rn = 1 THEN CASE WHEN \(Self.row(nonKey.map { "o_\($0)" })) IS DISTINCT FROM \(Self.row(nonKey.map { "f_\($0)" })) THEN 'u' ELSE 'n' END
                        WHEN \(Self.row(nonKey.map { "p_\($0)" })) IS DISTINCT FROM \(Self.row(nonKey.map { "f_\($0)" })) THEN 'u' ELSE 'n' END AS outcome
            FROM (
              SELECT x.*, row_number() OVER w AS rn, count(*) OVER (PARTITION BY \(partition)) AS cnt,
                     min(line) OVER (PARTITION BY \(partition)) AS first_line
                     \(nonKey.map { ", lag(f_\($0)) OVER w AS p_\($0)" }.joined())
              FROM (SELECT m.*\(ef.map { ", \($0)" }.joined()) FROM \(m) m) x
              WINDOW w AS (\(window))
            ) y
            """
        let finalRows = "o.rn = o.cnt"
        let update = nonKey.isEmpty ? nil : """
            UPDATE \(table) t SET \(nonKey.map { "\($0) = o.f_\($0)" }.joined(separator: ", "))
            FROM \(o) o
            WHERE \(finalRows) AND o.eid IS NOT NULL AND t.id = o.eid
              AND \(Self.row(nonKey.map { "t.\($0)" })) IS DISTINCT FROM \(Self.row(nonKey.map { "o.f_\($0)" }))
            """
        let newRows = """
            SELECT o.first_line, \(columns.map { key.contains($0.name) ? "o.n_\($0.name)" : "o.f_\($0.name)" }.joined(separator: ", "))
            FROM \(o) o WHERE \(finalRows) AND o.eid IS NULL
            """
        return ([gather, outcome] + (update.map { [$0] } ?? []), newRows)
    }

    /// Adds the new rows of the merges of one table (their `newRows`), in first-line order.
    static func insert(into table: String, columns: [String], newRows: [String]) -> String {
        """
        INSERT INTO \(table) (\(columns.joined(separator: ", ")))
        SELECT \(columns.map { "z.\($0)" }.joined(separator: ", "))
        FROM (\(newRows.map { "SELECT * FROM (\($0)) r(first_line, \(columns.joined(separator: ", ")))" }.joined(separator: " UNION ALL "))) z
        ORDER BY z.first_line
        """
    }

    /// A value as text the way the export writes it (NULL stays NULL).
    static func text(_ v: String, _ kind: CellKind?) -> String {
        switch kind {
        case .tenths: "trim_scale(\(v)::numeric / 10)::text"
        case .hundredths: "trim_scale(\(v)::numeric / 100)::text"
        case .yesNo: "CASE WHEN \(v) IS NULL THEN NULL WHEN \(v) = 1 THEN 'yes' ELSE 'no' END"
        case .date: "to_char(\(v), 'YYYY-MM-DD')"
        default: "\(v)::text"
        }
    }

    /// The change-log entries of the lines that added or updated a record; `$1` the batch, `$2` the file.
    func logSQL(suffix: String) -> String {
        let o = "o_\(suffix)"
        let kind = ImportKind.all.first { $0.table == table }
        let entityKey = key == ["ref"] ? "t.ref" : "concat_ws('|', \(key.map { "t.\($0)" }.joined(separator: ", ")))"
        let staffNo = (kind?.hasStaffNo ?? false) || table == "teachers" ? "t.staff_no" : "NULL"
        let on = key.map { "t.\($0) = o.n_\($0)" } + (storedFilter.map { [$0.replacingOccurrences(of: "e.", with: "t.")] } ?? [])
        // Each changed field's value before (the stored record, or the file's previous row) and after,
        // as the SQLite writer keeps it (`UpdateDetail`): the file's column name, values as people write
        // them (hours and money as decimals, dates as ISO text), identity numbers never copied.
        let detail = nonKey.isEmpty ? "NULL" : """
            CASE WHEN o.outcome = 'u' THEN jsonb_strip_nulls(jsonb_build_object(\(nonKey.map { (c: String) -> String in
                let before = "(CASE WHEN o.rn = 1 THEN o.o_\(c) ELSE o.p_\(c) END)", after = "o.f_\(c)"
                let spec = kind?.columns.first { $0.db == c && $0.stored }
                let name = c == "national_id" ? "national_id" : (spec?.name ?? c)
                let pair = c == "national_id" ? "jsonb_build_array('*', '*')"
                    : "jsonb_build_array(\(Self.text(before, spec?.kind)), \(Self.text(after, spec?.kind)))"
                return "'\(name)', CASE WHEN \(before) IS DISTINCT FROM \(after) THEN \(pair) END"
            }.joined(separator: ", ")))) END
            """
        return """
            INSERT INTO change_log (batch_id, action, entity, entity_id, entity_key, staff_no, file, line, detail)
            SELECT $1, CASE o.outcome WHEN 'a' THEN 'add' ELSE 'update' END, '\(table)', t.id, \(entityKey), \(staffNo), $2, o.line, \(detail)
            FROM \(o) o JOIN \(table) t ON \(on.joined(separator: " AND "))
            WHERE o.outcome <> 'n' ORDER BY o.line
            """
    }
}
