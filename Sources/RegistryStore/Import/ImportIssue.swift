import Spreadsheets
import TeacherGrowth

/// One finding about an input file, printed as `FILE:LINE: column: message` (SPEC §5). For a
/// workbook the file carries its sheet (`培训.xlsx[培训]`), the line is the sheet's row number and
/// the column names its cell (`hours（培训获得学时，H17）`).
public struct ImportIssue: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    public var severity: Severity
    public var file: String
    /// The worksheet, for a workbook.
    public var sheet: String?
    public var line: Int
    /// The SPEC §5 (English) column name; nil for a problem with the whole row or file.
    public var column: String?
    /// The column's Chinese header (SPEC §5), shown beside the English name.
    public var columnChinese: String?
    /// The cell reference in a workbook (`H17`).
    public var cell: String?
    public var message: LocalizedText

    public init(severity: Severity, file: String, sheet: String? = nil, line: Int, column: String? = nil,
                columnChinese: String? = nil, cell: String? = nil, message: LocalizedText) {
        self.severity = severity; self.file = file; self.sheet = sheet; self.line = line; self.column = column
        self.columnChinese = columnChinese; self.cell = cell; self.message = message
    }

    /// The file and, for a workbook, its sheet: `培训.xlsx[培训]`.
    public var place: String { file + (sheet.map { "[\($0)]" } ?? "") }

    public func text(_ language: Language) -> String {
        let zh = language == .zh
        let prefix = severity == .warning ? (zh ? "警告：" : "warning: ") : ""
        guard let column else { return "\(place):\(line): \(prefix)\(message.text(language))" }
        var label = column
        if zh {
            let inner = [columnChinese, cell].compactMap { $0 }.joined(separator: "，")
            if !inner.isEmpty { label += "（\(inner)）" }
        } else if let cell {
            label += " (\(cell))"
        }
        return "\(place):\(line): \(label): \(prefix)\(message.text(language))"
    }

    /// Chinese, as county users read it.
    public var description: String { text(.zh) }
}

/// What one import file did (or, with --dry-run, would do).
public struct FileSummary: Sendable, Hashable {
    public var kind: String
    public var file: String
    public var rows: Int
    public var added: Int
    public var updated: Int
    public var unchanged: Int

    package init(kind: String, file: String, rows: Int, added: Int, updated: Int, unchanged: Int) {
        self.kind = kind; self.file = file; self.rows = rows; self.added = added; self.updated = updated; self.unchanged = unchanged
    }
}

public struct ImportOutcome: Sendable {
    public var issues: [ImportIssue]
    public var summaries: [FileSummary]
    /// True when the data was written (valid input, not a dry run).
    public var committed: Bool
    /// The change batch the import wrote (nil for a dry run or when nothing changed).
    public var batchID: Int64?

    public init(issues: [ImportIssue], summaries: [FileSummary], committed: Bool, batchID: Int64? = nil) {
        self.issues = issues; self.summaries = summaries; self.committed = committed; self.batchID = batchID
    }

    public var errors: [ImportIssue] { issues.filter { $0.severity == .error } }
    public var warnings: [ImportIssue] { issues.filter { $0.severity == .warning } }
}

/// An input for an import: its kind, the name to use in messages, and where its rows come from.
public struct ImportSource: Sendable {
    public var kind: ImportKind
    public var fileName: String
    public var content: ImportContent

    public init(kind: ImportKind, fileName: String, bytes: [UInt8]) {
        self.kind = kind; self.fileName = fileName; self.content = .csv(bytes)
    }

    public init(kind: ImportKind, fileName: String, content: ImportContent) {
        self.kind = kind; self.fileName = fileName; self.content = content
    }

    /// The file and, for a workbook, its sheet: `培训.xlsx[培训]`.
    public var place: String { fileName + (sheetName.map { "[\($0)]" } ?? "") }

    /// The sheet name for messages, when the rows come from a workbook.
    public var sheetName: String? {
        if case .sheet(let s) = content { return s.name }
        return nil
    }
}

/// Where an import's rows come from: CSV bytes, or one worksheet of a workbook.
public enum ImportContent: Sendable {
    case csv([UInt8])
    /// A CSV file on disk, read in blocks as the import goes.
    case csvFile(CSVFile)
    case sheet(WorkbookSheet)
}

public struct ImportOptions: Sendable {
    public var dryRun: Bool
    public var encoding: InputEncoding?
    /// Who is writing, for the change log ("cli:hr01", "user:zhang").
    public var actor: String
    /// The command, for the change log ("import training").
    public var command: String
    /// Called with (rows done, rows in all) while validating and writing.
    public var progress: (@Sendable (ImportProgress) -> Void)?

    public init(dryRun: Bool = false, encoding: InputEncoding? = nil, actor: String = "cli",
                command: String = "import", progress: (@Sendable (ImportProgress) -> Void)? = nil) {
        self.dryRun = dryRun; self.encoding = encoding; self.actor = actor; self.command = command
        self.progress = progress
    }
}

public struct ImportProgress: Sendable {
    public enum Phase: String, Sendable { case validating, writing }
    public var phase: Phase
    public var file: String
    public var bytesDone: Int
    public var bytesTotal: Int

    package init(phase: Phase, file: String, bytesDone: Int, bytesTotal: Int) {
        self.phase = phase; self.file = file; self.bytesDone = bytesDone; self.bytesTotal = bytesTotal
    }
}
