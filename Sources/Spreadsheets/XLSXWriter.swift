import Foundation
import TeacherGrowth
import ZIPFoundation

/// A cell of a written workbook.
public enum CellValue: Sendable, Hashable {
    case empty
    case text(String)
    /// An exact decimal written as it is (`24.5`, `360`), shown as a number.
    case number(String)
    case integer(Int)
    /// A calendar date, stored as Excel stores dates (a serial day number in a date-formatted cell).
    case date(CivilDate)
    /// A fraction shown as a percent with one decimal (0.953 → 95.3%).
    case percent(Double)
    /// numerator ÷ denominator shown as a percent with one decimal; exact in CSV.
    case fraction(Int, Int)
    /// Shown as one decimal (hours).
    case oneDecimal(String)
    case bool(Bool)
}

/// One worksheet being written: rows are turned into XML as they are added, and column widths
/// follow the widest cell (CJK characters counting double).
public final class SheetWriter {
    public let name: String
    private var xml: [UInt8] = []
    private var widths: [Int]
    private(set) var rowCount = 0
    let columns: Int
    private let freezeHeader: Bool

    /// A sheet whose first row is `header` (bold, frozen, with a filter).
    public init(name: String, header: [String]) {
        self.name = SheetWriter.safeName(name)
        columns = header.count
        widths = header.map { DisplayWidthCount.of($0) }
        freezeHeader = true
        xml.reserveCapacity(1 << 16)
        addRow(header.map { .text($0) }, style: .header)
    }

    enum RowStyle { case header, body }

    public func add(_ row: [CellValue]) { addRow(row, style: .body) }

    private func addRow(_ row: [CellValue], style: RowStyle) {
        rowCount += 1
        let r = rowCount
        append("<row r=\"\(r)\">")
        for (i, v) in row.enumerated() {
            let ref = ColumnLetters.of(i) + String(r)
            var width = 0
            switch v {
            case .empty:
                continue
            case .text(let s):
                let st = style == .header ? 1 : 5
                let preserve = s.first == " " || s.last == " " ? " xml:space=\"preserve\"" : ""
                append("<c r=\"\(ref)\" s=\"\(st)\" t=\"inlineStr\"><is><t\(preserve)>\(XML.escape(s))</t></is></c>")
                width = DisplayWidthCount.of(s)
            case .number(let s):
                append("<c r=\"\(ref)\"><v>\(s)</v></c>")
                width = s.count
            case .integer(let n):
                append("<c r=\"\(ref)\"><v>\(n)</v></c>")
                width = String(n).count
            case .date(let d):
                let serial = CivilDate(year: 1899, month: 12, day: 30)!.days(until: d)
                append("<c r=\"\(ref)\" s=\"2\"><v>\(serial)</v></c>")
                width = 10
            case .percent(let f):
                append("<c r=\"\(ref)\" s=\"3\"><v>\(f.isFinite ? "\(f)" : "0")</v></c>")
                width = 7
            case .fraction(let n, let d):
                guard d != 0 else { continue }
                append("<c r=\"\(ref)\" s=\"3\"><v>\(Double(n) / Double(d))</v></c>")
                width = 7
            case .oneDecimal(let s):
                append("<c r=\"\(ref)\" s=\"4\"><v>\(s)</v></c>")
                width = s.count + 2
            case .bool(let b):
                append("<c r=\"\(ref)\" t=\"b\"><v>\(b ? 1 : 0)</v></c>")
                width = 5
            }
            if i < widths.count { widths[i] = max(widths[i], width) } else { widths.append(width) }
        }
        append("</row>")
    }

    private func append(_ s: String) { xml.append(contentsOf: s.utf8) }

    /// The worksheet part.
    func part() -> [UInt8] {
        var out = Array("""
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
        """.utf8)
        let lastColumn = ColumnLetters.of(max(widths.count, 1) - 1)
        out += Array("<dimension ref=\"A1:\(lastColumn)\(max(rowCount, 1))\"/>".utf8)
        if freezeHeader {
            out += Array("<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/><selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/></sheetView></sheetViews>".utf8)
        }
        out += Array("<sheetFormatPr defaultRowHeight=\"15\"/>".utf8)
        if !widths.isEmpty {
            out += Array("<cols>".utf8)
            for (i, w) in widths.enumerated() {
                let width = min(60, max(6, w + 2))
                out += Array("<col min=\"\(i + 1)\" max=\"\(i + 1)\" width=\"\(width)\" customWidth=\"1\"/>".utf8)
            }
            out += Array("</cols>".utf8)
        }
        out += Array("<sheetData>".utf8)
        out += xml
        out += Array("</sheetData>".utf8)
        if rowCount > 1 && columns > 0 {
            out += Array("<autoFilter ref=\"A1:\(ColumnLetters.of(columns - 1))\(rowCount)\"/>".utf8)
        }
        out += Array("<pageMargins left=\"0.5\" right=\"0.5\" top=\"0.6\" bottom=\"0.6\" header=\"0.3\" footer=\"0.3\"/>".utf8)
        out += Array("<pageSetup paperSize=\"9\" orientation=\"landscape\" fitToWidth=\"1\" fitToHeight=\"0\"/>".utf8)
        out += Array("</worksheet>".utf8)
        return out
    }

    /// Excel's rules: at most 31 characters, none of `[]:*?/\`.
    static func safeName(_ name: String) -> String {
        let cleaned = String(name.unicodeScalars.filter { !"[]:*?/\\".unicodeScalars.contains($0) && $0.value >= 0x20 }.map(Character.init))
        let s = String(cleaned.prefix(31))
        return s.isEmpty ? "Sheet" : s
    }
}

/// Writes workbooks (.xlsx) that Excel, WPS, LibreOffice and openpyxl open: inline strings, dates as
/// date-formatted serial numbers, a bold frozen header row with a filter, widths that fit.
///
/// Text is always a string cell, never a formula, so a name such as `=HYPERLINK(…)` is shown as
/// text and cannot run: nothing needs escaping the way CSV does.
public enum XLSXWriter {
    public static func workbook(_ sheets: [SheetWriter]) throws -> Data {
        var names = Set<String>()
        var unique: [(String, SheetWriter)] = []
        for s in sheets {
            var n = s.name, k = 2
            while names.contains(n.lowercased()) { n = String(s.name.prefix(28)) + "(\(k))"; k += 1 }
            names.insert(n.lowercased())
            unique.append((n, s))
        }
        let archive = try Archive(data: Data(), accessMode: .create)
        func add(_ path: String, _ bytes: [UInt8]) throws {
            let data = Data(bytes)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        let sheetOverrides = unique.indices.map {
            "<Override PartName=\"/xl/worksheets/sheet\($0 + 1).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        }.joined()
        try add("[Content_Types].xml", Array("""
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\(sheetOverrides)</Types>
        """.utf8))
        try add("_rels/.rels", Array("""
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>
        """.utf8))
        let sheetEntries = unique.enumerated().map { i, s in
            "<sheet name=\"\(XML.escape(s.0))\" sheetId=\"\(i + 1)\" r:id=\"rId\(i + 1)\"/>"
        }.joined()
        let filters = unique.enumerated().compactMap { i, s -> String? in
            guard s.1.rowCount > 1 && s.1.columns > 0 else { return nil }
            let quoted = "'" + s.0.replacingOccurrences(of: "'", with: "''") + "'"
            return "<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"\(i)\" hidden=\"1\">\(XML.escape(quoted))!$A$1:$\(ColumnLetters.of(s.1.columns - 1))$\(s.1.rowCount)</definedName>"
        }.joined()
        try add("xl/workbook.xml", Array("""
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><bookViews><workbookView/></bookViews><sheets>\(sheetEntries)</sheets>\(filters.isEmpty ? "" : "<definedNames>\(filters)</definedNames>")</workbook>
        """.utf8))
        let rels = unique.indices.map {
            "<Relationship Id=\"rId\($0 + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\($0 + 1).xml\"/>"
        }.joined()
        try add("xl/_rels/workbook.xml.rels", Array("""
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\(rels)<Relationship Id="rId\(unique.count + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>
        """.utf8))
        try add("xl/styles.xml", Array(styles.utf8))
        for (i, s) in unique.enumerated() { try add("xl/worksheets/sheet\(i + 1).xml", s.1.part()) }
        guard let data = archive.data else { throw XLSXWriteError() }
        return data
    }

    /// Styles: 0 general, 1 header (bold, shaded), 2 date (yyyy-mm-dd), 3 percent (0.0%),
    /// 4 one decimal (0.0), 5 text (@, so that edited numbers stay text).
    static let styles = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/><numFmt numFmtId="165" formatCode="0.0%"/><numFmt numFmtId="166" formatCode="0.0"/></numFmts><fonts count="2"><font><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font><font><b/><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font></fonts><fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="49" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyNumberFormat="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles></styleSheet>
    """
}

public struct XLSXWriteError: Error, CustomStringConvertible {
    public var description: String { "the workbook could not be assembled" }
}

/// Column widths as a spreadsheet counts them: East Asian wide characters take two.
enum DisplayWidthCount {
    static func of(_ s: String) -> Int {
        var n = 0
        for u in s.unicodeScalars {
            switch u.value {
            case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
                n += 2
            default:
                n += 1
            }
        }
        return n
    }
}
