import ArgumentParser
import Foundation
import RegistryStore
import GrowthReports

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import one CSV file of a kind (schools, teachers, training, …).",
        discussion: """
        The whole file is validated first; any error means nothing is written and every error is listed as
        FILE:LINE: column: message. Re-importing the same rows changes nothing.

        Columns (* = required; the Chinese header is accepted too):
        \(ImportKind.all.map { "  \($0.name): \($0.columnHelp)" }.joined(separator: "\n"))
        """)

    @OptionGroup var database: DatabaseOptions
    @Argument(help: "What the file holds: \(ImportKind.all.map(\.name).joined(separator: ", ")).") var kind: String
    @Argument(help: "The CSV file (UTF-8 or GB18030, English or Chinese headers).") var file: String
    @Flag(help: "Validate and report what would change, without writing.") var dryRun = false
    @Option(help: "The file's encoding when detection is not wanted: utf-8 or gb18030.") var encoding: String?

    func validate() throws {
        guard ImportKind.named(kind) != nil else {
            throw ValidationError("\"\(kind)\" is not an import kind; use one of: \(ImportKind.all.map(\.name).joined(separator: ", ")).")
        }
        if let encoding, InputEncoding(name: encoding) == nil {
            throw ValidationError("--encoding must be utf-8 or gb18030, not \"\(encoding)\".")
        }
    }

    func run() throws {
        let kind = ImportKind.named(kind)!
        let source = try Registry.source(kind: kind, path: file)
        try ImportRunner.run([source], database: database, dryRun: dryRun,
                             encoding: encoding.flatMap(InputEncoding.init(name:)), command: "import \(kind.name)")
    }
}

struct ImportDir: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-dir",
        abstract: "Import every KIND.csv file of a folder, in dependency order, as one transaction.")

    @OptionGroup var database: DatabaseOptions
    @Argument(help: "A folder with files named schools.csv, teachers.csv, training.csv, …") var directory: String
    @Flag(help: "Validate and report what would change, without writing.") var dryRun = false
    @Option(help: "The files' encoding when detection is not wanted: utf-8 or gb18030.") var encoding: String?

    func validate() throws {
        if let encoding, InputEncoding(name: encoding) == nil {
            throw ValidationError("--encoding must be utf-8 or gb18030, not \"\(encoding)\".")
        }
    }

    func run() throws {
        let (sources, ignored) = try Registry.sources(inDirectory: directory)
        for name in ignored where !name.hasPrefix(".") {
            Console.error("warning: \(name) is not named after an import kind and is ignored")
        }
        guard !sources.isEmpty else {
            throw UserError("\(directory) has no file named after an import kind (schools.csv, teachers.csv, training.csv, …); nothing was imported.")
        }
        try ImportRunner.run(sources, database: database, dryRun: dryRun,
                             encoding: encoding.flatMap(InputEncoding.init(name:)), command: "import-dir")
    }
}

enum ImportRunner {
    static func run(_ sources: [ImportSource], database: DatabaseOptions, dryRun: Bool, encoding: InputEncoding?,
                    command: String) throws {
        let registry = try database.open()
        let options = ImportOptions(dryRun: dryRun, encoding: encoding, actor: Actor.current, command: command,
                                    progress: { p in
            switch p.phase {
            case .validating: Console.progress("checking \(p.file) …")
            case .writing: Console.progress("writing \(p.file): \(p.bytesDone) of \(p.bytesTotal) rows")
            }
        })
        let outcome = try registry.importFiles(sources, options: options)
        Console.endProgress()
        // At most 100 lines per file and severity: a broken file can have a problem on every line.
        var shown: [String: Int] = [:]
        var hidden: [String: Int] = [:]
        for issue in outcome.issues {
            let key = "\(issue.file) \(issue.severity.rawValue)"
            if shown[key, default: 0] < 100 {
                shown[key, default: 0] += 1
                Console.error(issue.description)
            } else {
                hidden[key, default: 0] += 1
            }
        }
        for (key, n) in hidden.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: " ")
            Console.error("\(parts[0]): … and \(n) more \(parts[1])\(n == 1 ? "" : "s") like those above")
        }
        let errors = outcome.errors.count
        if errors > 0 {
            throw UserError("\(errors) error\(errors == 1 ? "" : "s") found; nothing was imported. Correct the file\(sources.count == 1 ? "" : "s") and import again.")
        }
        var table = TextTable(headers: ["file", "rows", "added", "updated", "unchanged"], alignments: [.left, .right, .right, .right, .right])
        for s in outcome.summaries {
            table.add([s.file, "\(s.rows)", "\(s.added)", "\(s.updated)", "\(s.unchanged)"])
        }
        print(table.render(), terminator: "")
        if dryRun {
            print("Dry run: nothing was written.")
        } else {
            let warnings = outcome.warnings.count
            print("Imported into \(database.resolvedPath)" + (warnings > 0 ? " with \(warnings) warning\(warnings == 1 ? "" : "s") (see above)." : "."))
        }
    }
}
