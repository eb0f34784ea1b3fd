import Foundation
import TeacherGrowth

/// An Excel workbook (.xlsx) opened for reading: its sheets, shared strings and which cell styles
/// are dates. Worksheets are read row by row as they are decompressed, never whole.
public final class Workbook: Sendable {
    public enum Location: Sendable {
        case file(String)
        case data(Data)
    }

    public struct Sheet: Sendable, Hashable {
        public var name: String
        public var hidden: Bool
        public let path: String
    }

    public let fileName: String
    public let sheets: [Sheet]
    let location: Location
    let sharedStrings: [String]
    /// For each cell style (`s="3"`): whether its number format shows a date.
    let dateStyles: [Bool]
    let date1904: Bool

    /// Opens a workbook; a file that is not one gives a `WorkbookError` saying what to do.
    public init(location: Location, fileName: String) throws {
        self.location = location
        self.fileName = fileName
        let archive = try Workbook.archive(location, fileName: fileName)
        func part(_ path: String) throws -> [UInt8]? {
            guard let entry = archive.entry(path) else { return nil }
            return try Workbook.read(archive, entry, fileName: fileName, limit: 256 << 20)
        }
        // The main part, found through the package relationships.
        var workbookPath = "xl/workbook.xml"
        if let rels = try part("_rels/.rels") {
            for r in Relationships.parse(rels) where r.type.hasSuffix("/officeDocument") {
                workbookPath = Workbook.resolve(r.target, relativeTo: "")
            }
        }
        guard let workbookXML = try part(workbookPath) else {
            throw WorkbookError(fileName, .init("缺少工作簿主体（\(workbookPath)），文件已损坏或不是 Excel 工作簿；请在 Excel 中打开后另存为 .xlsx",
                                                "has no workbook part (\(workbookPath)); the file is damaged or not an Excel workbook: open it in Excel and save it as .xlsx again"))
        }
        let base = (workbookPath as NSString).deletingLastPathComponent
        let relsPath = (base.isEmpty ? "" : base + "/") + "_rels/" + (workbookPath as NSString).lastPathComponent + ".rels"
        let rels = try part(relsPath).map(Relationships.parse) ?? []
        var targets: [String: String] = [:]
        var sharedPath: String?, stylesPath: String?
        for r in rels {
            let path = Workbook.resolve(r.target, relativeTo: base)
            targets[r.id] = path
            if r.type.hasSuffix("/sharedStrings") { sharedPath = path }
            if r.type.hasSuffix("/styles") { stylesPath = path }
        }
        let info = WorkbookInfo.parse(workbookXML)
        date1904 = info.date1904
        sheets = info.sheets.compactMap { s in
            let path = s.relationship.flatMap { targets[$0] } ?? "\(base)/worksheets/sheet\(s.index + 1).xml"
            return archive.entry(path) == nil ? nil : Sheet(name: s.name, hidden: s.hidden, path: path)
        }
        if sheets.isEmpty {
            throw WorkbookError(fileName, .init("工作簿中没有工作表；请确认文件内容后重新保存", "has no worksheets; check the file and save it again"))
        }
        sharedStrings = try part(sharedPath ?? "\(base)/sharedStrings.xml").map(SharedStrings.parse) ?? []
        dateStyles = try part(stylesPath ?? "\(base)/styles.xml").map(Styles.dateStyles) ?? []
    }

    /// Reads a workbook file from disk.
    public convenience init(path: String) throws {
        try self.init(location: .file(path), fileName: (path as NSString).lastPathComponent)
    }

    /// The sheet of this name (letter case and surrounding spaces ignored).
    public func sheet(named name: String) -> Sheet? {
        let want = Text.fold(name)
        return sheets.first { Text.fold($0.name) == want }
    }

    /// Calls `body` with each row of the sheet that has any cell, in order, until it returns false.
    public func forEachRow(of sheet: Sheet, _ body: (InputRecord) throws -> Bool) throws {
        let archive = try Workbook.archive(location, fileName: fileName)
        guard let entry = archive.entry(sheet.path) else {
            throw WorkbookError(fileName, .init("工作表“\(sheet.name)”的内容缺失，文件已损坏", "the sheet \"\(sheet.name)\" is missing; the file is damaged"))
        }
        try withoutActuallyEscaping(body) { body in
            try read(archive, entry, sheet, body)
        }
    }

    private func read(_ archive: ZipReader, _ entry: ZipReader.Entry, _ sheet: Sheet, _ body: @escaping (InputRecord) throws -> Bool) throws {
        var handler = SheetHandler(strings: sharedStrings, dateStyles: dateStyles, date1904: date1904, body: body)
        var scanner = XMLPushScanner()
        do {
            var total = 0
            try archive.extract(entry) { chunk in
                total += chunk.count
                if total > Workbook.maxSheetBytes { throw StopReading.tooLarge }
                try scanner.feed(chunk, into: &handler)
                if handler.stopped { throw StopReading.asked }
            }
            try scanner.finish(into: &handler)
        } catch StopReading.asked {
            // The caller has what it wanted (or its own error, thrown below).
        } catch StopReading.tooLarge {
            throw WorkbookError(fileName, .init("工作表“\(sheet.name)”解压后超过 \(Workbook.maxSheetBytes >> 30) GB，无法导入；请拆分为几个文件",
                                                "the sheet \"\(sheet.name)\" is larger than \(Workbook.maxSheetBytes >> 30) GB uncompressed; split it into several files"))
        } catch let e as XMLFailure {
            throw WorkbookError(fileName, .init("工作表“\(sheet.name)”第 \(handler.row) 行附近内容损坏（\(e.message)）；请在 Excel 中打开后重新保存",
                                                "the sheet \"\(sheet.name)\" is damaged near row \(handler.row) (\(e.message)); open it in Excel and save it again"))
        } catch {
            if let bodyError = handler.bodyError { throw bodyError }
            throw WorkbookError(fileName, .init("工作表“\(sheet.name)”无法解压，文件已损坏；请重新导出或在 Excel 中另存为 .xlsx",
                                                "the sheet \"\(sheet.name)\" cannot be decompressed: the file is damaged; export it again or save it as .xlsx in Excel"))
        }
        if let bodyError = handler.bodyError { throw bodyError }
    }

    /// 2 GiB of sheet XML: far beyond any county file, short of what would exhaust the machine.
    static let maxSheetBytes = 2 << 30

    enum StopReading: Error { case asked, tooLarge, damaged }

    // MARK: the ZIP container

    static func archive(_ location: Location, fileName: String) throws -> ZipReader {
        do {
            switch location {
            case .file(let path): return try ZipReader(path: path)
            case .data(let data): return try ZipReader(data: data)
            }
        } catch {
            let head: [UInt8]
            switch location {
            case .file(let path): head = [UInt8]((FileHandle(forReadingAtPath: path).flatMap { try? $0.read(upToCount: 8) }) ?? Data())
            case .data(let data): head = [UInt8](data.prefix(8))
            }
            if head.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
                throw WorkbookError(fileName, .init("是旧版 Excel 97-2003 文件（.xls）或设置了打开密码，无法读取；请在 Excel 中“另存为”Excel 工作簿（.xlsx），并取消密码",
                                                    "is an Excel 97-2003 file (.xls) or is password-protected; save it in Excel as an Excel Workbook (.xlsx) without a password"))
            }
            throw WorkbookError(fileName, .init("不是有效的 Excel 工作簿（.xlsx），可能已损坏或只传了一部分；请重新导出，或在 Excel 中另存为 .xlsx",
                                                "is not a valid Excel workbook (.xlsx): it may be damaged or incomplete; export it again or save it as .xlsx in Excel"))
        }
    }

    static func read(_ archive: ZipReader, _ entry: ZipReader.Entry, fileName: String, limit: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        do {
            try archive.extract(entry) { chunk in
                out.append(contentsOf: chunk)
                if out.count > limit { throw StopReading.tooLarge }
            }
        } catch {
            throw WorkbookError(fileName, .init("内部文件 \(entry.path) 无法读取，文件已损坏；请重新导出或在 Excel 中另存为 .xlsx",
                                                "its part \(entry.path) cannot be read: the file is damaged; export it again or save it as .xlsx in Excel"))
        }
        return out
    }

    /// A relationship target made absolute within the package.
    static func resolve(_ target: String, relativeTo base: String) -> String {
        if target.hasPrefix("/") { return String(target.dropFirst()) }
        var parts = base.split(separator: "/").map(String.init)
        for piece in target.split(separator: "/") {
            if piece == ".." { if !parts.isEmpty { parts.removeLast() } } else if piece != "." { parts.append(String(piece)) }
        }
        return parts.joined(separator: "/")
    }
}

/// A workbook that cannot be read, with a sentence that says what to do.
public struct WorkbookError: Error, CustomStringConvertible, Sendable {
    public var fileName: String
    public var message: LocalizedText
    init(_ fileName: String, _ message: LocalizedText) { self.fileName = fileName; self.message = message }
    public func text(_ language: Language) -> String { "\(fileName): \(message.text(language))" }
    public var description: String { text(.zh) }
}

/// One worksheet of a workbook, as an import source.
public struct WorkbookSheet: Sendable {
    public let workbook: Workbook
    public let sheet: Workbook.Sheet
    public var name: String { sheet.name }
    public init(workbook: Workbook, sheet: Workbook.Sheet) { self.workbook = workbook; self.sheet = sheet }
}

// MARK: parts

struct Relationships {
    var id: String, type: String, target: String

    static func parse(_ bytes: [UInt8]) -> [Relationships] {
        struct H: XMLHandler {
            var out: [Relationships] = []
            mutating func start(_ tag: XMLTag) throws {
                guard XML.equals(tag.localName, "Relationship") else { return }
                out.append(.init(id: tag.attributeString("Id") ?? "", type: tag.attributeString("Type") ?? "",
                                 target: tag.attributeString("Target") ?? ""))
            }
            mutating func end(_ localName: ArraySlice<UInt8>) throws {}
            mutating func text(_ bytes: ArraySlice<UInt8>, cdata: Bool) throws {}
        }
        var h = H()
        var s = XMLPushScanner()
        try? s.feed(bytes, into: &h)
        try? s.finish(into: &h)
        return h.out
    }
}

struct WorkbookInfo {
    struct SheetInfo { var name: String; var relationship: String?; var hidden: Bool; var index: Int }
    var sheets: [SheetInfo] = []
    var date1904 = false

    static func parse(_ bytes: [UInt8]) -> WorkbookInfo {
        struct H: XMLHandler {
            var info = WorkbookInfo()
            mutating func start(_ tag: XMLTag) throws {
                if XML.equals(tag.localName, "sheet") {
                    let state = tag.attributeString("state") ?? "visible"
                    info.sheets.append(.init(name: tag.attributeString("name") ?? "Sheet\(info.sheets.count + 1)",
                                             relationship: tag.attributeString("id"), hidden: state != "visible",
                                             index: info.sheets.count))
                } else if XML.equals(tag.localName, "workbookPr") {
                    let v = tag.attributeString("date1904")
                    info.date1904 = v == "1" || v == "true"
                }
            }
            mutating func end(_ localName: ArraySlice<UInt8>) throws {}
            mutating func text(_ bytes: ArraySlice<UInt8>, cdata: Bool) throws {}
        }
        var h = H()
        var s = XMLPushScanner()
        try? s.feed(bytes, into: &h)
        try? s.finish(into: &h)
        return h.info
    }
}

/// The shared-string table: each `<si>` is plain text (`<t>`) or rich text runs (`<r><t>`);
/// phonetic runs (`<rPh>`) are not part of the value.
enum SharedStrings {
    static func parse(_ bytes: [UInt8]) -> [String] {
        struct H: XMLHandler {
            var out: [String] = []
            var current: [UInt8] = []
            var inItem = false, inText = false, inPhonetic = false
            mutating func start(_ tag: XMLTag) throws {
                let n = tag.localName
                if XML.equals(n, "si") { inItem = true; current.removeAll(keepingCapacity: true) }
                else if XML.equals(n, "rPh") { inPhonetic = true }
                else if XML.equals(n, "t") && inItem && !inPhonetic && !tag.selfClosing { inText = true }
            }
            mutating func end(_ n: ArraySlice<UInt8>) throws {
                if XML.equals(n, "si") {
                    out.append(XML.decode(current[...]))
                    inItem = false
                } else if XML.equals(n, "rPh") { inPhonetic = false }
                else if XML.equals(n, "t") { inText = false }
            }
            mutating func text(_ bytes: ArraySlice<UInt8>, cdata: Bool) throws {
                guard inText else { return }
                if cdata { current.append(contentsOf: XML.escape(String(decoding: bytes, as: UTF8.self)).utf8) } else { current.append(contentsOf: bytes) }
            }
        }
        var h = H()
        var s = XMLPushScanner()
        try? s.feed(bytes, into: &h)
        try? s.finish(into: &h)
        return h.out
    }
}

/// Which cell styles show dates: built-in formats 14–22, 27–36, 45–47 and 50–58 (the CJK date
/// formats), and custom formats whose code has a year or day part outside quotes and brackets.
public enum Styles {
    static func dateStyles(_ bytes: [UInt8]) -> [Bool] {
        struct H: XMLHandler {
            var custom: [Int: String] = [:]
            var xfs: [Int] = []
            var inCellXfs = false
            mutating func start(_ tag: XMLTag) throws {
                let n = tag.localName
                if XML.equals(n, "numFmt"), let id = tag.attributeString("numFmtId").flatMap({ Int($0) }) {
                    custom[id] = tag.attributeString("formatCode") ?? ""
                } else if XML.equals(n, "cellXfs") {
                    inCellXfs = true
                } else if inCellXfs && XML.equals(n, "xf") {
                    xfs.append(tag.attributeString("numFmtId").flatMap { Int($0) } ?? 0)
                }
            }
            mutating func end(_ n: ArraySlice<UInt8>) throws { if XML.equals(n, "cellXfs") { inCellXfs = false } }
            mutating func text(_ bytes: ArraySlice<UInt8>, cdata: Bool) throws {}
        }
        var h = H()
        var s = XMLPushScanner()
        try? s.feed(bytes, into: &h)
        try? s.finish(into: &h)
        return h.xfs.map { id in
            if let code = h.custom[id] { return isDateFormat(code) }
            return (14...22).contains(id) || (27...36).contains(id) || (45...47).contains(id) || (50...58).contains(id)
        }
    }

    public static func isDateFormat(_ code: String) -> Bool {
        var inQuote = false, inBracket = false, escaped = false
        var hasDatePart = false
        // "General" is a word, not a year or day part.
        for c in code.lowercased().replacingOccurrences(of: "general", with: "") {
            if escaped { escaped = false; continue }
            switch c {
            case "\\": escaped = true
            case "\"": inQuote.toggle()
            case "[": if !inQuote { inBracket = true }
            case "]": if !inQuote { inBracket = false }
            case "y", "d":
                if !inQuote && !inBracket { hasDatePart = true }
            default: break
            }
        }
        return hasDatePart
    }
}

/// Turns worksheet XML into rows of cell text, as Excel shows them.
public struct SheetHandler: XMLHandler {
    let strings: [String]
    let dateStyles: [Bool]
    let date1904: Bool
    let body: (InputRecord) throws -> Bool

    var row = 0
    var fields: [String] = []
    var origins: [CellOrigin] = []
    var inRow = false

    // The cell being read.
    var column = -1
    var type: UInt8 = 0  // first byte of t="…": s, i(nlineStr), b, e, d, n (or 0)
    var isDate = false
    var hasFormula = false
    var capturing = false
    var value: [UInt8] = []
    var inInline = false, inPhonetic = false

    var stopped = false
    var bodyError: Error?

    init(strings: [String], dateStyles: [Bool], date1904: Bool, body: @escaping (InputRecord) throws -> Bool) {
        self.strings = strings; self.dateStyles = dateStyles; self.date1904 = date1904; self.body = body
    }

    mutating func start(_ tag: XMLTag) throws {
        let n = tag.localName
        if XML.equals(n, "c") {
            if let r = tag.attribute("r"), let c = ColumnLetters.index(ofReference: r) { column = c } else { column += 1 }
            if let t = tag.attribute("t") {
                // s, str (formula text), inlineStr, b, e, d, n
                type = t.count == 3 && t.first == 0x73 ? 0x53 : (t.first ?? 0)
            } else {
                type = 0
            }
            let style = tag.attribute("s").flatMap { Int(String(decoding: $0, as: UTF8.self)) } ?? 0
            isDate = style < dateStyles.count && dateStyles[style]
            hasFormula = false
            value.removeAll(keepingCapacity: true)
            if tag.selfClosing { finishCell() }
        } else if XML.equals(n, "v") {
            capturing = !tag.selfClosing
        } else if XML.equals(n, "t") {
            capturing = inInline && !inPhonetic && !tag.selfClosing
        } else if XML.equals(n, "is") {
            inInline = true
        } else if XML.equals(n, "rPh") {
            inPhonetic = true
        } else if XML.equals(n, "f") {
            hasFormula = true
        } else if XML.equals(n, "row") {
            if let r = tag.attribute("r"), let v = Int(String(decoding: r, as: UTF8.self)) { row = v } else { row += 1 }
            fields.removeAll(keepingCapacity: true)
            origins.removeAll(keepingCapacity: true)
            column = -1
            inRow = true
            if tag.selfClosing { inRow = false }
        }
    }

    mutating func end(_ n: ArraySlice<UInt8>) throws {
        if XML.equals(n, "v") || XML.equals(n, "t") {
            capturing = false
        } else if XML.equals(n, "c") {
            finishCell()
        } else if XML.equals(n, "is") {
            inInline = false
        } else if XML.equals(n, "rPh") {
            inPhonetic = false
        } else if XML.equals(n, "row") && inRow {
            inRow = false
            guard !stopped, !fields.isEmpty else { return }
            do {
                if try !body(InputRecord(line: row, fields: fields, origins: origins)) { stopped = true }
            } catch {
                bodyError = error
                stopped = true
            }
        }
    }

    mutating func text(_ bytes: ArraySlice<UInt8>, cdata: Bool) throws {
        guard capturing else { return }
        if cdata { value.append(contentsOf: XML.escape(String(decoding: bytes, as: UTF8.self)).utf8) } else { value.append(contentsOf: bytes) }
    }

    private mutating func finishCell() {
        guard column >= 0, column < 16_384 else { return }
        var text = "", origin = CellOrigin.text
        switch type {
        case 0x73:  // s: shared string
            if let i = Int(String(decoding: value, as: UTF8.self)), i >= 0, i < strings.count { text = strings[i] } else if !value.isEmpty {
                text = "#REF!"; origin = .errorValue
            }
        case 0x69, 0x53:  // inlineStr, str
            text = XML.decode(value[...])
            if text.isEmpty && hasFormula && type == 0x53 { origin = .formulaWithoutValue }
        case 0x62:  // b
            let v = String(decoding: value, as: UTF8.self)
            text = v == "1" || v == "true" ? "true" : (v.isEmpty ? "" : "false")
            origin = .boolean
        case 0x65:  // e
            text = XML.decode(value[...]); origin = .errorValue
        case 0x64:  // d: ISO 8601
            text = String(XML.decode(value[...]).prefix(10)); origin = .date
        default:  // a number (or nothing)
            let raw = String(decoding: value, as: UTF8.self)
            if raw.isEmpty {
                if hasFormula { origin = .formulaWithoutValue }
            } else if isDate, let serial = Double(raw), let d = SheetHandler.date(serial: serial, date1904: date1904) {
                text = d.description; origin = .date
            } else {
                (text, origin) = SheetHandler.number(raw)
            }
        }
        if text.isEmpty && origin == .text { return }
        if fields.count <= column {
            fields.append(contentsOf: repeatElement("", count: column + 1 - fields.count))
            origins.append(contentsOf: repeatElement(.text, count: column + 1 - origins.count))
        }
        fields[column] = text
        origins[column] = origin
    }

    /// A number as Excel's General format shows it: whole numbers in full, others with up to 15
    /// significant digits. Numbers of 10^15 or more are flagged: Excel keeps only 15 digits.
    public static func number(_ raw: String) -> (String, CellOrigin) {
        guard let d = Double(raw), d.isFinite else { return (raw, .text) }
        if abs(d) >= 1e15 { return (raw, .lossyNumber) }
        if d == d.rounded() { return (String(Int64(d)), .number) }
        var s = String(format: "%.15g", d)
        if s.contains("e") { s = String(d) }
        return (s, .number)
    }

    /// An Excel serial day number as a calendar date (the 1900 system counts the non-existent
    /// 1900-02-29 as day 60).
    public static func date(serial: Double, date1904: Bool) -> CivilDate? {
        let day = Int(serial.rounded(.down))
        guard day >= 1, day < 2_958_466 else { return nil }
        if date1904 { return CivilDate(year: 1904, month: 1, day: 1)?.adding(days: day) }
        if day == 60 { return nil }
        let epoch = day < 60 ? CivilDate(year: 1899, month: 12, day: 31)! : CivilDate(year: 1899, month: 12, day: 30)!
        return epoch.adding(days: day)
    }
}
