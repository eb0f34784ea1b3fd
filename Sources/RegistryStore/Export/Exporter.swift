import Foundation
import GRDB
import Spreadsheets
import TeacherGrowth

public enum ExportFormat: String, Sendable, CaseIterable {
    case csv, json, xlsx
}

extension RegistryBackend {
    /// Writes every record of a kind in the SPEC §5 format, so that importing the output into the
    /// same registry changes nothing (and into an empty one reproduces the data). CSV and Excel
    /// carry Chinese headers by default (`language: .en` for the English column names); both are
    /// what import reads. Codes stay the English codes, as in every round-trip file.
    public func export(_ kind: ImportKind, format: ExportFormat, language: Language = .zh, to out: (String) -> Void) throws {
        precondition(format != .xlsx, "use exportWorkbook for .xlsx")
        let columns = kind.storedColumns
        let header = columns.map { language == .zh ? $0.chinese : $0.name }
        try sql.read { db in
            switch format {
            case .csv, .xlsx:
                out("\u{FEFF}" + CSVWriter.line(header))
                try db.each(Registry.exportSQL(kind), []) { row in
                    out(CSVWriter.line(try columns.enumerated().map { i, c in ExportCell.text(try opened(row.values[i], c.kind), c.kind) }))
                }
            case .json:
                out("[")
                var first = true
                try db.each(Registry.exportSQL(kind), []) { row in
                    let fields = try columns.enumerated().map { i, c in
                        "\(JSONText.string(c.name)):\(ExportCell.json(try opened(row.values[i], c.kind), c.kind))"
                    }
                    out((first ? "\n" : ",\n") + "{" + fields.joined(separator: ",") + "}")
                    first = false
                }
                out(first ? "]\n" : "\n]\n")
            }
        }
    }

    /// The same records as an Excel workbook: one sheet named after the kind, dates as dates,
    /// hours and money as numbers, every other cell as text.
    public func exportWorkbook(_ kind: ImportKind, language: Language = .zh) throws -> Data {
        let columns = kind.storedColumns
        let sheet = SheetWriter(name: language == .zh ? kind.chineseName : kind.name,
                                header: columns.map { language == .zh ? $0.chinese : $0.name })
        try sql.read { db in
            try db.each(Registry.exportSQL(kind), []) { row in
                sheet.add(try columns.enumerated().map { i, c in ExportCell.cell(try opened(row.values[i], c.kind), c.kind) })
            }
        }
        return try XLSXWriter.workbook([sheet])
    }

    /// A national identity number opened for the export (run locally, SPEC §10); other values as stored.
    func opened(_ v: SQLValue, _ kind: CellKind) throws -> SQLValue {
        guard case .nationalID = kind, case .text(let sealed) = v else { return v }
        return .text(try openNationalID(sealed))
    }
}

extension Registry {
    static func exportSQL(_ kind: ImportKind) -> String {
        if kind.name == "teachers" {
            return """
            SELECT t.staff_no, t.name, t.gender, t.birth_date, t.national_id, t.hired_on, t.left_on, t.establishment,
                   a.school_code, t.school_since, a.post, a.stage, a.subject, a.course_type,
                   t.education, d.obtained_on, t.title, ti.from_date
            FROM teachers t
            JOIN assignments a ON a.staff_no = t.staff_no AND a.from_date = t.school_since
            JOIN degrees d ON d.staff_no = t.staff_no AND d.education = t.education
            LEFT JOIN titles ti ON ti.staff_no = t.staff_no AND ti.title = t.title
            ORDER BY t.id
            """
        }
        return "SELECT \(kind.dbColumns.joined(separator: ", ")) FROM \(kind.table) ORDER BY id"
    }
}

enum ExportCell {
    /// A workbook cell: dates as dates, hours and money as numbers, whole numbers as integers.
    static func cell(_ v: SQLValue, _ kind: CellKind) -> CellValue {
        switch v {
        case .null: return .empty
        case .int(let n):
            switch kind {
            case .tenths: return .number(Decimals.format(Int(n), places: 1, trimZeroFraction: true))
            case .hundredths: return .number(Decimals.format(Int(n), places: 2, trimZeroFraction: true))
            case .yesNo: return .text(n == 1 ? "yes" : "no")
            default: return .integer(Int(n))
            }
        case .text(let s):
            if case .date = kind, let d = CivilDate(iso: s) { return .date(d) }
            return .text(s)
        case .real(let d): return .number(String(d))
        }
    }

    static func text(_ v: DatabaseValue, _ kind: CellKind) -> String { text(GRDBStore.value(v), kind) }

    static func text(_ v: SQLValue, _ kind: CellKind) -> String {
        switch v {
        case .null: return ""
        case .int(let n):
            switch kind {
            case .tenths: return Decimals.format(Int(n), places: 1, trimZeroFraction: true)
            case .hundredths: return Decimals.format(Int(n), places: 2, trimZeroFraction: true)
            case .yesNo: return n == 1 ? "yes" : "no"
            default: return String(n)
            }
        case .text(let s): return FormulaGuard.escape(s, kind)
        case .real(let d): return String(d)
        }
    }

    static func json(_ v: SQLValue, _ kind: CellKind) -> String {
        switch v {
        case .null: return "null"
        case .int(let n):
            switch kind {
            case .tenths: return Decimals.format(Int(n), places: 1, trimZeroFraction: true)
            case .hundredths: return Decimals.format(Int(n), places: 2, trimZeroFraction: true)
            case .yesNo: return n == 1 ? "true" : "false"
            default: return String(n)
            }
        case .text(let s): return JSONText.string(s)
        case .real(let d): return String(d)
        }
    }
}

/// Spreadsheet-formula safety for CSV exports (see `CSVText.neutralised`): only text cells, so that
/// a negative number stays a number; import removes the `'` again, so export → import round-trips.
enum FormulaGuard {
    static func escape(_ s: String, _ kind: CellKind) -> String {
        guard case .text = kind else { return s }
        return CSVText.neutralised(s)
    }

    static func unescape(_ s: String) -> String { CSVText.unneutralised(s) }
}
