import Spreadsheets
import TeacherGrowth

/// Reads an import source as a table the way people make them in Excel: the header is the first
/// row that names the kind's columns (a title row such as `2025年教师培训学时汇总表` above it is
/// skipped), rows of only empty cells are skipped, and notes or totals below the data
/// (`注：…`, `合计`) are skipped too — each skip is reported as a warning with its line.
struct TableReader {
    let source: ImportSource
    private let input: Input

    private enum Input {
        /// CSV text as UTF-8 (after decoding GB18030 or UTF-16).
        case text([UInt8])
        /// A UTF-8 CSV file read in blocks from this byte on (after a byte-order mark).
        case file(CSVFile, from: Int)
        /// A worksheet, read from its workbook as it goes.
        case sheet(WorkbookSheet)
    }

    /// Decodes a CSV source: a file on disk is read in blocks when its text is UTF-8 as it stands,
    /// else read whole and decoded.
    init(_ source: ImportSource, encoding: InputEncoding?) throws {
        self.source = source
        func decoded(_ bytes: [UInt8]) throws -> Input {
            switch TextDecoding.utf8Bytes(bytes, encoding: encoding) {
            case .success(let utf8): return .text(utf8)
            case .failure(let f): throw ReadFailure(line: f.line, message: .init("文件", "the file ") + f.message)
            }
        }
        switch source.content {
        case .csv(let bytes):
            input = try decoded(bytes)
        case .csvFile(let file):
            if let start = try CSVFileStream.plainUTF8Start(file, encoding: encoding) {
                input = .file(file, from: start)
            } else {
                input = try decoded(try file.readAll())
            }
        case .sheet(let sheet):
            input = .sheet(sheet)
        }
    }

    /// Every record of the source, blank ones included, until `body` returns false. A syntax
    /// problem (broken CSV quoting) is returned; a damaged workbook throws `WorkbookError`.
    func forEachRecord(_ body: (InputRecord) throws -> Bool) throws -> ReadFailure? {
        switch input {
        case .text(let bytes):
            var iterator = CSVReader(bytes: bytes).makeIterator()
            while let r = iterator.next() {
                if try !body(r) { return nil }
            }
            return iterator.failure
        case .file(let file, let start):
            return try CSVFileStream.forEachRecord(file, from: start, body)
        case .sheet(let s):
            try s.workbook.forEachRow(of: s.sheet, body)
            return nil
        }
    }

    enum HeaderSearch {
        case found(InputRecord, skipped: [InputRecord])
        case empty
        case failed(ReadFailure)
    }

    /// How many non-blank rows above the header are searched for it.
    static let headerSearchRows = 30

    /// Finds the header row of `kind`: the first row naming its columns; failing that, the first
    /// non-blank row (whose missing columns are then reported).
    func locateHeader(_ kind: ImportKind) throws -> HeaderSearch {
        var seen: [InputRecord] = []
        var found: InputRecord?
        let failure = try forEachRecord { r in
            if r.isBlank { return true }
            if RowParser.isHeader(r, kind: kind) { found = r; return false }
            seen.append(r)
            return seen.count < TableReader.headerSearchRows
        }
        if let found { return .found(found, skipped: seen) }
        if let failure { return .failed(failure) }
        guard let first = seen.first else { return .empty }
        return .found(first, skipped: [])
    }

    /// Calls `body` with each data row after the header; rows below the data that look like notes
    /// or totals are skipped and reported as warnings in `issues`.
    func forEachDataRow(after header: InputRecord, issues: inout [ImportIssue], _ body: (InputRecord) throws -> Void) throws -> ReadFailure? {
        var afterHeader = false
        var pending: [InputRecord] = []
        let failure = try forEachRecord { r in
            if !afterHeader {
                if r.line == header.line { afterHeader = true }
                return true
            }
            if r.isBlank { return true }
            if TableReader.looksLikeNote(r) && pending.count < 1_000 {
                pending.append(r)
                return true
            }
            // Rows that looked like notes but are followed by data are data after all.
            for p in pending { try body(p) }
            pending.removeAll()
            try body(r)
            return true
        }
        if failure == nil {
            for p in pending {
                let text = p.fields.first { !Text.trimmed($0).isEmpty }.map { String(Text.trimmed($0).prefix(30)) } ?? ""
                issues.append(.init(severity: .warning, file: source.fileName, sheet: source.sheetName, line: p.line, message: .init(
                    "在数据下方，看起来是说明或合计行（“\(text)”），已跳过", "is below the data and looks like a note or a total (\"\(text)\"); skipped")))
            }
        }
        return failure
    }

    /// Words that begin the notes and totals people put under a table.
    static let noteWords = ["注", "说明", "备注", "合计", "总计", "小计", "制表", "填表", "审核人", "负责人", "单位负责人", "填报", "统计"]

    /// A row that is a note rather than data: at most one filled cell, or a first filled cell that
    /// starts like a note or a total.
    static func looksLikeNote(_ r: InputRecord) -> Bool {
        var filled = 0
        var first: String?
        for f in r.fields {
            let t = f.isEmpty ? "" : Text.trimmed(f)
            if t.isEmpty { continue }
            filled += 1
            if first == nil { first = t }
        }
        if filled <= 1 { return true }
        guard let first else { return false }
        return noteWords.contains { first.hasPrefix($0) }
    }
}
