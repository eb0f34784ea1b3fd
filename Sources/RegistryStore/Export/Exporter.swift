import Foundation
import GRDB
import TeacherGrowth

public enum ExportFormat: String, Sendable, CaseIterable {
    case csv, json
}

extension Registry {
    /// Writes every record of a kind in the SPEC §5 format, so that importing the output into the
    /// same registry changes nothing (and into an empty one reproduces the data).
    public func export(_ kind: ImportKind, format: ExportFormat, to out: (String) -> Void) throws {
        try writer.read { db in
            let cursor = try Row.fetchCursor(db, sql: Registry.exportSQL(kind))
            switch format {
            case .csv:
                out("\u{FEFF}" + CSVWriter.line(kind.columnNames))
                while let row = try cursor.next() {
                    out(CSVWriter.line(kind.columns.enumerated().map { i, c in
                        ExportCell.text(row[i] as DatabaseValue, c.kind)
                    }))
                }
            case .json:
                out("[")
                var first = true
                while let row = try cursor.next() {
                    let fields = kind.columns.enumerated().map { i, c in
                        "\(JSONText.string(c.name)):\(ExportCell.json(row[i] as DatabaseValue, c.kind))"
                    }
                    out((first ? "\n" : ",\n") + "{" + fields.joined(separator: ",") + "}")
                    first = false
                }
                out(first ? "]\n" : "\n]\n")
            }
        }
    }

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
        return "SELECT \(kind.columns.map(\.db).joined(separator: ", ")) FROM \(kind.table) ORDER BY id"
    }
}

enum ExportCell {
    static func text(_ v: DatabaseValue, _ kind: CellKind) -> String {
        switch v.storage {
        case .null: return ""
        case .int64(let n):
            switch kind {
            case .tenths: return Decimals.format(Int(n), places: 1, trimZeroFraction: true)
            case .hundredths: return Decimals.format(Int(n), places: 2, trimZeroFraction: true)
            case .yesNo: return n == 1 ? "yes" : "no"
            default: return String(n)
            }
        case .string(let s): return FormulaGuard.escape(s, kind)
        case .double(let d): return String(d)
        case .blob: return ""
        }
    }

    static func json(_ v: DatabaseValue, _ kind: CellKind) -> String {
        switch v.storage {
        case .null: return "null"
        case .int64(let n):
            switch kind {
            case .tenths: return Decimals.format(Int(n), places: 1, trimZeroFraction: true)
            case .hundredths: return Decimals.format(Int(n), places: 2, trimZeroFraction: true)
            case .yesNo: return n == 1 ? "true" : "false"
            default: return String(n)
            }
        case .string(let s): return JSONText.string(s)
        case .double(let d): return String(d)
        case .blob: return "null"
        }
    }
}

/// Spreadsheet-formula safety for CSV exports: a text cell that Excel would run as a formula
/// (`=`, `+`, `-`, `@`) is written with a leading `'`, and import removes that one `'` again, so
/// export → import still round-trips exactly.
enum FormulaGuard {
    static let triggers: Set<Character> = ["=", "+", "-", "@"]

    static func escape(_ s: String, _ kind: CellKind) -> String {
        guard case .text = kind, let first = s.first, triggers.contains(first) else { return s }
        return "'" + s
    }

    static func unescape(_ s: String) -> String {
        guard s.hasPrefix("'"), let second = s.dropFirst().first, triggers.contains(second) else { return s }
        return String(s.dropFirst())
    }
}
