import GRDB
import TeacherGrowth

/// Maps a file's header to the kind's columns and turns records into typed database values.
struct RowParser {
    let kind: ImportKind
    let file: String
    /// For each column of the kind, the field index in the file (nil = column absent).
    let fieldIndex: [Int?]
    let fieldCount: Int

    /// Reads the header; reports unknown columns (warnings), duplicate and missing required ones (errors).
    static func make(kind: ImportKind, file: String, header: CSVReader.Record, issues: inout [ImportIssue]) -> RowParser? {
        var index = [Int?](repeating: nil, count: kind.columns.count)
        var ok = true
        for (i, raw) in header.fields.enumerated() {
            let name = Text.trimmed(raw.hasPrefix("\u{FEFF}") ? String(raw.dropFirst()) : raw)
            guard !name.isEmpty else {
                issues.append(.init(severity: .warning, file: file, line: header.line, column: nil,
                                    message: "column \(i + 1) has no header and is ignored"))
                continue
            }
            guard let c = match(name, in: kind) else {
                issues.append(.init(severity: .warning, file: file, line: header.line, column: name,
                                    message: "is not a column of \(kind.fileName) and is ignored (columns: \(kind.columnNames.joined(separator: ", ")))"))
                continue
            }
            if index[c] != nil {
                issues.append(.init(severity: .error, file: file, line: header.line, column: kind.columns[c].name,
                                    message: "appears twice in the header (\"\(header.fields[index[c]!])\" and \"\(raw)\"); keep one"))
                ok = false
            }
            index[c] = i
        }
        for (c, column) in kind.columns.enumerated() where column.required && index[c] == nil {
            issues.append(.init(severity: .error, file: file, line: header.line, column: column.name,
                                message: "required column is missing; add a column headed \(column.name) or \(column.chinese)"))
            ok = false
        }
        return ok ? RowParser(kind: kind, file: file, fieldIndex: index, fieldCount: header.fields.count) : nil
    }

    private static func match(_ name: String, in kind: ImportKind) -> Int? {
        let lower = name.lowercased()
        let folded = Text.fold(name)
        for (i, c) in kind.columns.enumerated() {
            if c.name == lower || Text.fold(c.chinese) == folded || c.aliases.contains(name) { return i }
        }
        return nil
    }

    /// Parses one record into values aligned with `kind.columns`; nil when a cell is invalid.
    func parse(_ record: CSVReader.Record, issues: inout [ImportIssue]) -> [DatabaseValue]? {
        let (values, ok) = parsePartially(record, issues: &issues)
        return ok ? values : nil
    }

    /// Parses what can be parsed; invalid cells are null. `ok` is false when any cell was invalid
    /// or the row has the wrong number of cells (then `values` is nil).
    func parsePartially(_ record: CSVReader.Record, issues: inout [ImportIssue]) -> (values: [DatabaseValue]?, ok: Bool) {
        guard record.fields.count == fieldCount else {
            issues.append(.init(severity: .error, file: file, line: record.line, column: nil,
                                message: "has \(record.fields.count) cells but the header has \(fieldCount); check for a missing or extra comma, or quote a cell that contains a comma"))
            return (nil, false)
        }
        var values = [DatabaseValue](repeating: .null, count: kind.columns.count)
        var failed: UInt64 = 0   // a bit per column (kinds have fewer than 64)
        var ok = true
        for (c, column) in kind.columns.enumerated() {
            guard let f = fieldIndex[c] else { continue }
            let cell = Text.trimmed(record.fields[f])
            if cell.isEmpty { continue }
            switch CellParser.parse(cell, as: column.kind, column: column.name) {
            case .success(let v): values[c] = v
            case .failure(let failure):
                issues.append(.init(severity: .error, file: file, line: record.line, column: column.name, message: failure.message))
                failed |= 1 << UInt64(c)
                ok = false
            }
        }
        for (c, column) in kind.columns.enumerated() where values[c].isNull && failed & (1 << UInt64(c)) == 0 {
            switch column.fallback {
            case .none: break
            case .value(let v): values[c] = v.databaseValue
            case .column(let other): values[c] = values[kind.index(of: other)]
            }
            if column.required && values[c].isNull {
                issues.append(.init(severity: .error, file: file, line: record.line, column: column.name,
                                    message: "is empty; this column is required"))
                ok = false
            }
        }
        return (values, ok)
    }
}

/// Reads one trimmed, non-empty cell.
enum CellParser {
    static func parse(_ cell: String, as kind: CellKind, column: String) -> Result<DatabaseValue, CellError> {
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
            case .failure(let f): return .failure(CellError(f.description))
            }
        case .code(let list):
            if let code = list.parse(cell) { return .success(code.databaseValue) }
            return .failure(CellError("\"\(cell)\" is not a \(list.listName); use one of: \(list.accepted)"))
        case .tenths:
            return decimal(cell, places: 1, column: column)
        case .hundredths:
            return decimal(cell, places: 2, column: column)
        case .whole:
            guard let n = Decimals.parse(cell, places: 0) else { return .failure(CellError(numberMessage(cell, places: 0, column: column))) }
            return .success(n.databaseValue)
        case .year:
            guard cell.utf8.count == 4, let n = Decimals.parse(cell, places: 0), (1900...2100).contains(n) else {
                return .failure(CellError("\"\(cell)\" is not a year; write four digits such as 2023"))
            }
            return .success(n.databaseValue)
        case .yesNo:
            guard let v = YesNo.parse(cell) else { return .failure(CellError("\"\(cell)\" is not yes or no; use 是/否, yes/no, y/n or 1/0")) }
            return .success((v.bool ? 1 : 0).databaseValue)
        case .nationalID:
            switch NationalID.validate(cell) {
            // Never echo the number itself: it is personal data and messages end up in logs.
            case .success(let r): return .success(r.id.databaseValue)
            case .failure(let f): return .failure(CellError("the identity number \(NationalID.masked(cell)) \(f)"))
            }
        }
    }

    private static func decimal(_ cell: String, places: Int, column: String) -> Result<DatabaseValue, CellError> {
        guard let n = Decimals.parse(cell, places: places) else { return .failure(CellError(numberMessage(cell, places: places, column: column))) }
        if column == "hours" && (n <= 0 || n > 20_000) {
            return .failure(CellError("\(cell) hours is out of range; a training record has more than 0 and at most 2000 hours"))
        }
        return .success(n.databaseValue)
    }

    static func numberMessage(_ cell: String, places: Int, column: String) -> String {
        let allowed = places == 0 ? "a whole number" : "a number with at most \(places == 1 ? "one digit" : "two digits") after the point"
        if cell.hasPrefix("-") {
            return column == "hours" ? "\"\(cell)\" is negative; a training record has more than 0 and at most 2000 hours"
                : "\"\(cell)\" is negative; \(column) must be 0 or more"
        }
        if cell.contains(",") || cell.contains("，") { return "\"\(cell)\" has a thousands separator; write \(allowed) without separators" }
        if let dot = cell.firstIndex(of: "."), cell[cell.index(after: dot)...].allSatisfy(\.isNumber),
           cell[..<dot].allSatisfy(\.isNumber), !cell[..<dot].isEmpty {
            return "\"\(cell)\" has too many digits after the point; write \(allowed)"
        }
        return "\"\(cell)\" is not a number; write \(allowed)"
    }
}

struct CellError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
