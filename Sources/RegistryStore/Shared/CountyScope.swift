import Foundation
import TeacherGrowth

/// What a county-limited account or token may change (issue 15): the people whose current post is
/// at a school of its county, and those schools. The same rules on both backends.
extension RegistryBackend {
    /// The county of a person's current school (their latest assignment); nil when unknown or the
    /// school names no county.
    public func county(ofStaff staffNo: String) throws -> String? {
        try sql.read { db in try Self.county(ofStaff: staffNo, db) }
    }

    private static func county(ofStaff staffNo: String, _ db: SQLSession) throws -> String? {
        try db.text("""
            SELECT s.county FROM assignments a JOIN schools s ON s.code = a.school_code
            WHERE a.staff_no = ? ORDER BY a.from_date DESC LIMIT 1
            """, staffNo)
    }

    /// The training records among `ids` whose person is not in `county` now (unknown ids are left
    /// to the review itself, which names them).
    public func trainingOutside(county: String, ids: [Int64]) throws -> [Int64] {
        guard !ids.isEmpty else { return [] }
        return try sql.read { db in
            var outside: [Int64] = []
            for id in ids {
                guard let staff = try db.text("SELECT staff_no FROM training WHERE id = ?", id) else { continue }
                if try Self.county(ofStaff: staff, db) != county { outside.append(id) }
            }
            return outside
        }
    }

    /// The rows of an upload that concern another county, as errors naming file, line and column:
    /// a person whose current school (in the registry, or in the upload's own teachers file) is not
    /// in `county`, a school of another county, a schools row naming another county. Nothing is
    /// imported when there is any.
    public func countyIssues(_ sources: [ImportSource], county: String) throws -> [ImportIssue] {
        let decoded = Registry.decodeImport(sources, options: ImportOptions(dryRun: true))
        // What the upload itself says: new people's schools, new schools' counties.
        var uploadSchoolCounty: [String: String] = [:]
        var uploadStaffSchool: [String: String] = [:]
        var rows: [(table: DecodedTable, line: Int, staff: String?, school: String?, county: String?)] = []
        for table in decoded.tables {
            let kind = table.source.kind
            func has(_ name: String) -> Bool { kind.columns.contains { $0.name == name } }
            let staffColumn = ["staff_no", "host_staff_no"].first(where: has)
            let schoolColumn = kind.name == "schools" ? "code" : ["school_code"].first(where: has)
            try decoded.forEachParsedRow(table) { row in
                let staff = staffColumn.flatMap { row.text($0) }
                let school = schoolColumn.flatMap { row.text($0) }
                let named = kind.name == "schools" && has("county") ? row.text("county") : nil
                if kind.name == "schools", let school { uploadSchoolCounty[school] = named ?? "" }
                if kind.name == "teachers", let staff, let school { uploadStaffSchool[staff] = school }
                rows.append((table, row.line, staff, school, named))
            }
        }
        let (schoolCounty, staffSchool) = try sql.read { db -> ([String: String], [String: String]) in
            var schools: [String: String] = [:]
            for r in try db.rows("SELECT code, county FROM schools") { schools[r.string(0)] = r.text(1) ?? "" }
            var staff: [String: String] = [:]
            let wanted = Set(rows.compactMap(\.staff))
            for no in wanted {
                if let s = try db.text("SELECT school_code FROM assignments WHERE staff_no = ? ORDER BY from_date DESC LIMIT 1", no) { staff[no] = s }
            }
            return (schools, staff)
        }
        func countyOf(school: String) -> String? { uploadSchoolCounty[school] ?? schoolCounty[school] }
        var issues: [ImportIssue] = []
        func refuse(_ table: DecodedTable, _ line: Int, _ column: String, _ zh: String, _ en: String) {
            let chinese = table.source.kind.columns.first { $0.name == column }?.chinese
            issues.append(ImportIssue(severity: .error, file: table.source.fileName, sheet: table.source.sheetName, line: line, column: column,
                                      columnChinese: chinese,
                                      message: .init("\(zh)；本账号只能导入\(county)的数据，请删去这一行或请该区县导入",
                                                     "\(en); this account imports \(county)'s data only: remove the row, or ask that county to import it")))
        }
        for r in rows {
            if let named = r.county, !named.isEmpty, named != county {
                refuse(r.table, r.line, "county", "学校属于\(named)", "the school is in \(named)")
            } else if let school = r.school, let c = countyOf(school: school), c != county {
                refuse(r.table, r.line, r.table.source.kind.name == "schools" ? "code" : "school_code",
                       "学校 \(school) 属于\(c.isEmpty ? "未填写区县的学校" : c)", "school \(school) is in \(c.isEmpty ? "no county" : c)")
            } else if let staff = r.staff, let school = uploadStaffSchool[staff] ?? staffSchool[staff], let c = countyOf(school: school), c != county {
                let column = r.table.source.kind.name == "studios" ? "host_staff_no" : "staff_no"
                refuse(r.table, r.line, column, "工号 \(staff) 的现任学校 \(school) 属于\(c.isEmpty ? "未填写区县的学校" : c)",
                       "staff number \(staff) works at \(school), in \(c.isEmpty ? "no county" : c)")
            }
        }
        return issues
    }
}

extension DecodedImport {
    /// Every cell-valid row of one table, in file order.
    func forEachParsedRow(_ table: DecodedTable, _ body: (ParsedRow) throws -> Void) throws {
        var ignored: [ImportIssue] = []
        _ = try table.reader.forEachDataRow(after: table.header, issues: &ignored) { record in
            var dropped: [ImportIssue] = []
            if case (let values?, true) = table.parser.parsePartially(record, issues: &dropped) {
                try body(ParsedRow(kind: table.parser.kind, line: record.line, values: values))
            }
        }
    }
}
