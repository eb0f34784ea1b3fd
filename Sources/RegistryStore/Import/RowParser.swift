import GRDB
import Spreadsheets
import TeacherGrowth

/// Maps a file's header to the kind's columns and turns records into typed database values.
struct RowParser {
    let kind: ImportKind
    let file: String
    let sheet: String?
    /// For each column of the kind, the field index in the file (nil = column absent).
    let fieldIndex: [Int?]
    let fieldCount: Int
    /// The defaults of SPEC §5, parsed like a cell of their column (`no` → 0).
    let defaults: [DatabaseValue?]
    let worksheet: Bool

    /// Whether the file has a `name` column beside its staff numbers, to be checked.
    var carriesNames: Bool {
        kind.columns.indices.contains { kind.columns[$0].name == "name" && !kind.columns[$0].stored && fieldIndex[$0] != nil }
    }

    /// How well a row serves as this kind's header: how many of its cells name a column, and
    /// whether one of them is a required column.
    static func headerScore(_ record: InputRecord, kind: ImportKind) -> (matched: Int, required: Bool) {
        var matched = 0, required = false
        for raw in record.fields {
            let name = headerText(raw)
            guard !name.isEmpty, let c = match(name, in: kind) else { continue }
            matched += 1
            if kind.columns[c].required { required = true }
        }
        return (matched, required)
    }

    /// Whether this row is the header: it names at least two columns (or every column the kind has,
    /// if fewer), one of them required. A title row above the header names none.
    static func isHeader(_ record: InputRecord, kind: ImportKind) -> Bool {
        let s = headerScore(record, kind: kind)
        return s.required && s.matched >= min(2, kind.columns.count)
    }

    private static func headerText(_ raw: String) -> String {
        Text.trimmed(raw.hasPrefix("\u{FEFF}") ? String(raw.dropFirst()) : raw)
    }

    /// Reads the header; reports unknown columns (warnings), duplicate and missing required ones (errors).
    static func make(kind: ImportKind, file: String, sheet: String?, header: InputRecord, issues: inout [ImportIssue]) -> RowParser? {
        var index = [Int?](repeating: nil, count: kind.columns.count)
        var ok = true
        func issue(_ severity: ImportIssue.Severity, _ column: Column?, _ cell: Int?, _ message: LocalizedText) {
            issues.append(.init(severity: severity, file: file, sheet: sheet, line: header.line, column: column?.name,
                                columnChinese: column?.chinese, cell: cell.flatMap { header.isWorksheet ? ColumnLetters.of($0) + "\(header.line)" : nil },
                                message: message))
        }
        for (i, raw) in header.fields.enumerated() {
            let name = headerText(raw)
            guard !name.isEmpty else {
                // An empty header cell over empty cells is only Excel's used range; warn when data is lost.
                continue
            }
            guard let c = match(name, in: kind) else {
                issue(.warning, nil, i, .init("第 \(i + 1) 列“\(name)”不是\(kind.chineseName)表的列，已忽略（可用的列：\(kind.columns.map(\.chinese).joined(separator: "、"))）",
                                              "\"\(name)\" (column \(i + 1)) is not a column of \(kind.fileName) and is ignored (columns: \(kind.columnNames.joined(separator: ", ")))"))
                continue
            }
            if let first = index[c] {
                issue(.error, kind.columns[c], i, .init("表头中出现了两次（“\(header.fields[first])”和“\(raw)”）；请保留一列",
                                                         "appears twice in the header (\"\(header.fields[first])\" and \"\(raw)\"); keep one"))
                ok = false
            }
            index[c] = i
        }
        for (c, column) in kind.columns.enumerated() where column.required && index[c] == nil {
            issue(.error, column, nil, .init("缺少必填列；请加一列，表头写“\(column.chinese)”或 \(column.name)",
                                             "required column is missing; add a column headed \(column.name) or \(column.chinese)"))
            ok = false
        }
        guard ok else { return nil }
        let defaults: [DatabaseValue?] = kind.columns.map { column in
            guard case .value(let v) = column.fallback else { return nil }
            // A default is read like a cell, so it is stored as the schema expects (`no` → 0).
            guard case .success(let parsed) = CellParser.parse(v, as: column.kind, column: column) else {
                preconditionFailure("the default \(v) of \(column.name) does not parse")
            }
            return parsed
        }
        return RowParser(kind: kind, file: file, sheet: sheet, fieldIndex: index, fieldCount: header.fields.count,
                         defaults: defaults, worksheet: header.isWorksheet)
    }

    private static func match(_ name: String, in kind: ImportKind) -> Int? {
        let lower = name.lowercased()
        let folded = Text.fold(name)
        for (i, c) in kind.columns.enumerated() {
            if c.name == lower || Text.fold(c.chinese) == folded || c.aliases.contains(where: { Text.fold($0) == folded }) { return i }
        }
        return nil
    }

    private func issue(_ record: InputRecord, _ c: Int?, field: Int?, _ message: LocalizedText) -> ImportIssue {
        let column = c.map { kind.columns[$0] }
        let cell = field.flatMap { worksheet ? ColumnLetters.of($0) + "\(record.line)" : nil }
        return ImportIssue(severity: .error, file: file, sheet: sheet, line: record.line, column: column?.name,
                           columnChinese: column?.chinese, cell: cell, message: message)
    }

    /// Parses what can be parsed; invalid cells are null. `ok` is false when any cell was invalid
    /// or the row has the wrong number of cells (then `values` is nil).
    func parsePartially(_ record: InputRecord, issues: inout [ImportIssue]) -> (values: [DatabaseValue]?, ok: Bool) {
        // A worksheet row simply ends where its last filled cell is; a CSV record must match the header.
        if !worksheet && record.fields.count != fieldCount {
            issues.append(issue(record, nil, field: nil, .init(
                "有 \(record.fields.count) 个单元格，而表头有 \(fieldCount) 列；请检查是否多了或少了逗号，含逗号的单元格要加引号",
                "has \(record.fields.count) cells but the header has \(fieldCount); check for a missing or extra comma, or quote a cell that contains a comma")))
            return (nil, false)
        }
        var values = [DatabaseValue](repeating: .null, count: kind.columns.count)
        var failed: UInt64 = 0   // a bit per column (kinds have fewer than 64)
        var ok = true
        for (c, column) in kind.columns.enumerated() {
            guard let f = fieldIndex[c], f < record.fields.count else { continue }
            let raw = record.fields[f]
            let cell = column.freeText ? Text.trimmed(raw) : Text.trimmed(Text.halfWidth(raw))
            if cell.isEmpty && record.origin(f) != .formulaWithoutValue { continue }
            let result: Result<DatabaseValue, CellError>
            switch record.origin(f) {
            case .lossyNumber:
                result = .failure(CellError(column.kind.isNationalID
                    ? .init("身份证号存成了数字格式，Excel 已把超过 15 位的数字改掉（末几位丢失）；请把这一列设为“文本”格式后重新填写",
                            "the identity number is stored as a number, and Excel keeps only 15 digits (its last digits are lost); format the column as Text and type the numbers again")
                    : .init("“\(cell)”存成了数字格式，Excel 只保留 15 位有效数字，末几位可能已丢失；请把这一列设为“文本”格式后重新填写",
                            "\"\(cell)\" is stored as a number, and Excel keeps only 15 significant digits, so its last digits may be lost; format the column as Text and type the values again")))
            case .errorValue:
                result = .failure(CellError(.init("单元格是公式错误值 \(cell)；请更正公式，或改为直接填写数值",
                                                  "the cell holds the formula error \(cell); correct the formula or type the value")))
            case .formulaWithoutValue:
                result = .failure(CellError(.init("单元格是公式，但文件中没有它的计算结果；请在 Excel 中打开并保存一次，或把公式“选择性粘贴为数值”",
                                                  "the cell is a formula saved without its result; open and save the file in Excel, or paste the column as values")))
            case .number where column.kind.isNationalID:
                result = .failure(CellError(.init("身份证号存成了数字格式；请把这一列设为“文本”格式后重新填写",
                                                  "the identity number is stored as a number; format the column as Text and type the numbers again")))
            default:
                result = CellParser.parse(cell, as: column.kind, column: column)
            }
            switch result {
            case .success(let v): values[c] = v
            case .failure(let failure):
                issues.append(issue(record, c, field: f, failure.message))
                failed |= 1 << UInt64(c)
                ok = false
            }
        }
        for (c, column) in kind.columns.enumerated() where values[c].isNull && failed & (1 << UInt64(c)) == 0 {
            switch column.fallback {
            case .none: break
            case .value: values[c] = defaults[c] ?? .null
            case .column(let other): values[c] = values[kind.index(of: other)]
            }
            if column.required && values[c].isNull {
                issues.append(issue(record, c, field: fieldIndex[c], .init("为空；这一列必须填写", "is empty; this column is required")))
                ok = false
            }
        }
        return (values, ok)
    }
}

extension CellKind {
    var isNationalID: Bool { if case .nationalID = self { return true } else { return false } }
}

extension Text {
    /// Full-width ASCII forms (`２４`, `Ｔ０００１`, `２０２３．９．１`) as their ASCII characters, and
    /// the ideographic space as a space. Text without them is returned as it is.
    static func halfWidth(_ s: String) -> String {
        // Full-width forms are U+FF01–U+FF5E (UTF-8 EF BC 81 … EF BD 9E); U+3000 is E3 80 80.
        guard s.utf8.contains(where: { $0 == 0xEF || $0 == 0xE3 }) else { return s }
        var out = String.UnicodeScalarView()
        var changed = false
        for u in s.unicodeScalars {
            if u.value >= 0xFF01 && u.value <= 0xFF5E, let a = Unicode.Scalar(u.value - 0xFEE0) {
                out.append(a); changed = true
            } else if u.value == 0x3000 {
                out.append(" "); changed = true
            } else {
                out.append(u)
            }
        }
        return changed ? String(out) : s
    }
}

/// Reads one trimmed, non-empty cell.
enum CellParser {
    static func parse(_ cell: String, as kind: CellKind, column: Column) -> Result<DatabaseValue, CellError> {
        if let control = cell.unicodeScalars.first(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\t" && $0 != "\r" || $0.value == 0x7F }) {
            let code = String(control.value, radix: 16, uppercase: true)
            let u = "U+" + String(repeating: "0", count: max(0, 4 - code.count)) + code
            return .failure(CellError(.init("含有不可见的控制字符（\(u)）；请删除这个字符后再提交",
                                            "contains an invisible control character (\(u)); remove it and submit again")))
        }
        switch kind {
        case .text:
            return .success(FormulaGuard.unescape(cell).databaseValue)
        case .date:
            // The canonical form is stored as it was written.
            if cell.utf8.count == 10, let d = CivilDate(iso: cell), (1900...2100).contains(d.year) {
                return .success(cell.databaseValue)
            }
            switch DateInput.parse(cell) {
            case .success(let d): return .success(d.description.databaseValue)
            case .failure(let f): return .failure(CellError(DateMessages.text(f)))
            }
        case .code(let list):
            if let code = list.parse(cell) { return .success(code.databaseValue) }
            if let s = list.suggest(cell) {
                return .failure(CellError(.init("“\(cell)”不是可用的\(list.chineseName)；您是否要写“\(s)”？可用：\(list.acceptedChinese)",
                                                "\"\(cell)\" is not a \(list.listName); did you mean \(s)? Use one of: \(list.accepted)")))
            }
            return .failure(CellError(.init("“\(cell)”不是可用的\(list.chineseName)；可用：\(list.acceptedChinese)",
                                            "\"\(cell)\" is not a \(list.listName); use one of: \(list.accepted)")))
        case .tenths:
            return decimal(cell, places: 1, column: column)
        case .hundredths:
            return decimal(cell, places: 2, column: column)
        case .whole:
            return decimal(cell, places: 0, column: column)
        case .year:
            let (number, _, unitError) = strippingUnit(cell, column: column)
            if let unitError { return .failure(unitError) }
            guard number.utf8.count == 4, let n = Decimals.parse(number, places: 0), (1900...2100).contains(n) else {
                return .failure(CellError(.init("“\(cell)”不是年份；请写四位数字，如 2023", "\"\(cell)\" is not a year; write four digits such as 2023")))
            }
            return .success(n.databaseValue)
        case .yesNo:
            guard let v = YesNo.parse(cell) else {
                return .failure(CellError(.init("“\(cell)”不是“是”或“否”；请填写 是/否（也可写 yes/no、y/n、1/0）",
                                                "\"\(cell)\" is not yes or no; use 是/否, yes/no, y/n or 1/0")))
            }
            return .success((v.bool ? 1 : 0).databaseValue)
        case .nationalID:
            switch NationalID.validate(cell) {
            // Never echo the number itself: it is personal data and messages end up in logs.
            case .success(let r): return .success(r.id.databaseValue)
            case .failure(let f): return .failure(CellError(NationalIDMessages.text(f, masked: NationalID.masked(cell))))
            }
        }
    }

    /// A number, with the column's unit if written (`24学时`, `3万元`) and the factor it stands for.
    /// A unit of another column (`2学分` under 学时) is an error, not a number.
    static func strippingUnit(_ cell: String, column: Column) -> (number: String, factor: Int, error: CellError?) {
        guard let last = cell.unicodeScalars.last, !(last.value >= 0x30 && last.value <= 0x39) else { return (cell, 1, nil) }
        for (unit, factor) in column.units.sorted(by: { $0.unit.count > $1.unit.count }) where cell.hasSuffix(unit) {
            return (Text.trimmed(String(cell.dropLast(unit.count))), factor, nil)
        }
        // Letters at the end that are not this column's unit.
        var number = cell
        var unit = ""
        while let c = number.last, !(c.isASCII && (c.isNumber || c == ".")) {
            unit = String(c) + unit
            number.removeLast()
        }
        number = Text.trimmed(number)
        // Only a word in Chinese counts as a unit (学分, 元); "2o" is a typing error, not a unit.
        guard !number.isEmpty, !unit.isEmpty, unit.unicodeScalars.contains(where: { $0.value >= 0x2E80 }),
              number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) else { return (cell, 1, nil) }
        let list = column.units.map(\.unit).joined(separator: "、")
        return (cell, 1, CellError(.init(
            "“\(cell)”的单位“\(Text.trimmed(unit))”不是本列的单位\(list.isEmpty ? "；请只填数字" : "（可用：\(list)，或只填数字）")",
            "\"\(cell)\": \"\(Text.trimmed(unit))\" is not a unit of \(column.name)\(list.isEmpty ? "; write the number only" : " (use \(list), or the number only)")")))
    }

    private static func decimal(_ cell: String, places: Int, column: Column) -> Result<DatabaseValue, CellError> {
        let (number, factor, unitError) = strippingUnit(cell, column: column)
        if let unitError { return .failure(unitError) }
        guard let parsed = Decimals.parse(number, places: places) else {
            return .failure(CellError(numberMessage(number, places: places, column: column.name)))
        }
        let n = parsed * factor
        if column.name == "hours" && (n <= 0 || n > 20_000) {
            return .failure(CellError(.init("\(cell) 学时超出范围；一条培训记录的学时应大于 0、不超过 2000",
                                            "\(cell) hours is out of range; a training record has more than 0 and at most 2000 hours")))
        }
        return .success(n.databaseValue)
    }

    static func numberMessage(_ cell: String, places: Int, column: String) -> LocalizedText {
        let allowedZH = places == 0 ? "整数" : "最多\(places == 1 ? "一" : "两")位小数的数字"
        let allowed = places == 0 ? "a whole number" : "a number with at most \(places == 1 ? "one digit" : "two digits") after the point"
        if cell.hasPrefix("-") {
            return column == "hours"
                ? .init("“\(cell)”是负数；一条培训记录的学时应大于 0、不超过 2000", "\"\(cell)\" is negative; a training record has more than 0 and at most 2000 hours")
                : .init("“\(cell)”是负数；这一列应为 0 或正数", "\"\(cell)\" is negative; \(column) must be 0 or more")
        }
        if cell.contains(",") || cell.contains("，") {
            return .init("“\(cell)”含有千位分隔符；请写\(allowedZH)，不加分隔符", "\"\(cell)\" has a thousands separator; write \(allowed) without separators")
        }
        if let dot = cell.firstIndex(of: "."), cell[cell.index(after: dot)...].allSatisfy(\.isNumber),
           cell[..<dot].allSatisfy(\.isNumber), !cell[..<dot].isEmpty {
            return .init("“\(cell)”小数位数过多；请写\(allowedZH)", "\"\(cell)\" has too many digits after the point; write \(allowed)")
        }
        return .init("“\(cell)”不是数字；请写\(allowedZH)", "\"\(cell)\" is not a number; write \(allowed)")
    }
}

struct CellError: Error {
    let message: LocalizedText
    init(_ message: LocalizedText) { self.message = message }
}

/// The date errors of SPEC §3 in both languages.
enum DateMessages {
    static func text(_ f: DateInput.Failure) -> LocalizedText { f.localized }
}

/// Identity-number errors that never show the digits the mask hides, nor the correct check digit.
enum NationalIDMessages {
    static func text(_ f: NationalID.Failure, masked: String) -> LocalizedText {
        switch f {
        case .length(let n):
            return .init("身份证号 \(masked) 有 \(n) 位；应为 18 位", "the identity number \(masked) has \(n) characters; an identity number has 18")
        case .characters:
            return .init("身份证号 \(masked) 应为 17 位数字加 1 位数字或 X", "the identity number \(masked) must be 17 digits followed by a digit or X")
        case .checkDigit:
            return .init("身份证号 \(masked) 校验位不对，可能输错了一位；请核对", "the identity number \(masked) fails its check digit; check for a typing error")
        case .birthDate:
            return .init("身份证号 \(masked) 中的出生日期不是有效日期；请核对", "the identity number \(masked) contains a birth date that is not a calendar date; check it")
        }
    }
}
