/// One finding about an input file, printed as `FILE:LINE: column: message` (SPEC §5).
public struct ImportIssue: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    public var severity: Severity
    public var file: String
    public var line: Int
    /// The SPEC §5 (English) column name; nil for a problem with the whole row or file.
    public var column: String?
    public var message: String

    public var description: String {
        let prefix = severity == .warning ? "warning: " : ""
        if let column { return "\(file):\(line): \(column): \(prefix)\(message)" }
        return "\(file):\(line): \(prefix)\(message)"
    }
}

/// What one import file did (or, with --dry-run, would do).
public struct FileSummary: Sendable, Hashable {
    public var kind: String
    public var file: String
    public var rows: Int
    public var added: Int
    public var updated: Int
    public var unchanged: Int
}

public struct ImportOutcome: Sendable {
    public var issues: [ImportIssue]
    public var summaries: [FileSummary]
    /// True when the data was written (valid input, not a dry run).
    public var committed: Bool

    public var errors: [ImportIssue] { issues.filter { $0.severity == .error } }
    public var warnings: [ImportIssue] { issues.filter { $0.severity == .warning } }
}

/// An input file for an import: its kind, the name to use in messages, and its bytes.
public struct ImportSource: Sendable {
    public var kind: ImportKind
    public var fileName: String
    public var bytes: [UInt8]

    public init(kind: ImportKind, fileName: String, bytes: [UInt8]) {
        self.kind = kind; self.fileName = fileName; self.bytes = bytes
    }
}

public struct ImportOptions: Sendable {
    public var dryRun: Bool
    public var encoding: InputEncoding?
    /// Who is writing, for the change log ("cli:hr01", "token:…").
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
}
