import Foundation
import Spreadsheets
import TeacherGrowth

/// A table for people: a sheet of a workbook, or a CSV file. Every human-facing CSV and workbook
/// the product writes is made from one, so that both say the same and both are formula-safe.
public struct ReportTable: Sendable {
    public var name: String
    public var headers: [String]
    public var rows: [[CellValue]]

    public init(name: String, headers: [String], rows: [[CellValue]] = []) {
        self.name = name; self.headers = headers; self.rows = rows
    }
}

public enum TableOutput {
    /// UTF-8 CSV with a BOM (so Excel shows the Chinese) and CRLF line ends. Text cells that a
    /// spreadsheet would run as a formula are neutralised (`'=…`).
    public static func csv(_ table: ReportTable, language: Language = .zh) -> String {
        var out = "\u{FEFF}" + CSVText.line(table.headers.map(CSVText.neutralised))
        for row in table.rows {
            out += CSVText.line(row.map { text($0, language: language) })
        }
        return out
    }

    /// One workbook, a sheet per table.
    public static func workbook(_ tables: [ReportTable]) throws -> Data {
        try XLSXWriter.workbook(tables.map { t in
            let sheet = SheetWriter(name: t.name, header: t.headers)
            for r in t.rows { sheet.add(r) }
            return sheet
        })
    }

    /// A cell as CSV text: percentages as people write them (`95.3%`), dates `YYYY-MM-DD`, yes/no
    /// as 是/否 in Chinese.
    public static func text(_ v: CellValue, language: Language) -> String {
        switch v {
        case .empty: return ""
        case .text(let s): return CSVText.neutralised(s)
        case .number(let s), .oneDecimal(let s): return s
        case .integer(let n): return String(n)
        case .date(let d): return d.description
        case .percent(let f):
            guard f.isFinite else { return "" }
            return Decimals.format(Int((f * 1000).rounded()), places: 1, trimZeroFraction: false) + "%"
        case .fraction(let n, let d): return d == 0 ? "" : ReportText.percent(n, d)
        case .bool(let b): return language == .zh ? (b ? "是" : "否") : (b ? "yes" : "no")
        }
    }
}
