import TeacherGrowth

/// How a workbook stored a cell. CSV cells are all text.
public enum CellOrigin: UInt8, Sendable {
    case text
    case number
    /// A number cell whose value has more digits than a spreadsheet keeps (15): an identity or
    /// certificate number typed into a number cell has lost its last digits.
    case lossyNumber
    /// A number in a date-formatted cell, already turned into `YYYY-MM-DD`.
    case date
    case boolean
    /// A formula error such as `#N/A` or `#VALUE!`.
    case errorValue
    /// A formula with no stored result (written by a program that does not calculate).
    case formulaWithoutValue
}

/// One row of an input table: a CSV record or a worksheet row.
public struct InputRecord: Sendable {
    /// The CSV line where the record starts, or the worksheet's row number.
    public var line: Int
    public var fields: [String]
    /// For a worksheet: how each cell was stored (nil for CSV, where every cell is text).
    public var origins: [CellOrigin]? = nil
    /// For a worksheet: each cell's column letters start from A (for messages).
    public var isWorksheet: Bool { origins != nil }

    public init(line: Int, fields: [String], origins: [CellOrigin]? = nil) {
        self.line = line; self.fields = fields; self.origins = origins
    }

    /// A row of only empty cells (`,,,,` at the end of an Excel export, or a completely empty line).
    public var isBlank: Bool { fields.allSatisfy { $0.isEmpty || Text.trimmed($0).isEmpty } }

    public var nonEmptyCount: Int { fields.reduce(0) { $0 + (($1.isEmpty || Text.trimmed($1).isEmpty) ? 0 : 1) } }

    public func origin(_ i: Int) -> CellOrigin { origins.map { i < $0.count ? $0[i] : .text } ?? .text }
}

/// A problem that stops reading a file (broken CSV quoting, a damaged workbook), with its line.
public struct ReadFailure: Error, Equatable, Sendable {
    public var line: Int
    public var message: LocalizedText
    public init(line: Int, message: LocalizedText) { self.line = line; self.message = message }
}

/// Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA.
public enum ColumnLetters {
    public static func of(_ index: Int) -> String {
        var n = index + 1, s = ""
        while n > 0 {
            let r = (n - 1) % 26
            s = String(UnicodeScalar(UInt8(65 + r))) + s
            n = (n - 1) / 26
        }
        return s
    }

    /// The column index of a cell reference (`H17` → 7), or nil.
    public static func index(ofReference ref: ArraySlice<UInt8>) -> Int? {
        var n = 0, letters = 0
        for b in ref {
            let u = b & 0xDF  // upper-case
            guard u >= 65 && u <= 90 else { break }
            n = n * 26 + Int(u - 64)
            letters += 1
            if letters > 3 { return nil }
        }
        return letters == 0 ? nil : n - 1
    }
}
