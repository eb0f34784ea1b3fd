import ArgumentParser
import Foundation
import GrowthReports
import RegistryPostgres
import RegistryStore
import TeacherGrowth

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "导入一个文件（CSV 或 Excel .xlsx）：学校、教师、培训…… Import one file of a kind.",
        discussion: """
        先检查整个文件；只要有错，就一行也不写入，并逐条列出“文件:行: 列: 说明”。重复导入同样的行不会改变任何数据。
        The whole file is validated first; any error means nothing is written. Re-importing the same rows changes nothing.

        Columns (* = required; the Chinese header is accepted too):
        \(ImportKind.all.map { "  \($0.name)（\($0.chineseName)）: \($0.columnHelp)" }.joined(separator: "\n"))
        """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var language: LanguageOption
    @Argument(help: "数据类别（英文或中文）：\(ImportKind.all.map { "\($0.name)/\($0.chineseName)" }.joined(separator: ", "))") var kind: String
    @Argument(help: "CSV（UTF-8 或 GB18030）或 Excel 工作簿（.xlsx）") var file: String
    @Flag(help: "只检查并说明将会改动什么，不写入 Validate and report what would change, without writing.") var dryRun = false
    @Option(help: "CSV 的编码（不自动识别时）：utf-8 或 gb18030") var encoding: String?

    func validate() throws {
        guard ImportKind.named(kind) != nil else {
            throw CLI.invalid("“\(kind)”不是可导入的数据类别；可用：\(ImportKind.all.map { "\($0.name)（\($0.chineseName)）" }.joined(separator: "、"))",
                              "\"\(kind)\" is not an import kind; use one of: \(ImportKind.all.map(\.name).joined(separator: ", ")).")
        }
        if let encoding, InputEncoding(name: encoding) == nil {
            throw CLI.invalid("--encoding 只能是 utf-8 或 gb18030，而不是“\(encoding)”", "--encoding must be utf-8 or gb18030, not \"\(encoding)\".")
        }
    }

    func run() throws {
        let kind = ImportKind.named(kind)!
        let source = try Registry.source(kind: kind, path: file)
        try ImportRunner.run([source], database: database, language: language.language, dryRun: dryRun,
                             encoding: encoding.flatMap(InputEncoding.init(name:)), command: "import \(kind.name)")
    }
}

struct ImportDir: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-dir",
        abstract: "导入一个文件夹中的所有数据文件（按依赖顺序，作为一次整体导入）Import a folder as one transaction.",
        discussion: """
        文件名为数据类别（schools.csv、培训.xlsx……），或一个工作簿中以数据类别命名的各工作表（学校、教师、培训……）。
        Files named KIND.csv or KIND.xlsx, or one workbook whose sheets are named after the kinds.
        """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var language: LanguageOption
    @Argument(help: "文件夹 A folder with schools.csv, teachers.xlsx, 培训.csv, …") var directory: String
    @Flag(help: "只检查并说明将会改动什么，不写入 Validate and report what would change, without writing.") var dryRun = false
    @Option(help: "CSV 的编码（不自动识别时）：utf-8 或 gb18030") var encoding: String?

    func validate() throws {
        if let encoding, InputEncoding(name: encoding) == nil {
            throw CLI.invalid("--encoding 只能是 utf-8 或 gb18030，而不是“\(encoding)”", "--encoding must be utf-8 or gb18030, not \"\(encoding)\".")
        }
    }

    func run() throws {
        let (sources, ignored) = try Registry.sources(inDirectory: directory)
        for name in ignored where !name.hasPrefix(".") && !name.hasPrefix("~$") {
            Console.error(CLI.say("警告：\(name) 不是以数据类别命名的文件，已忽略", "warning: \(name) is not named after an import kind and is ignored"))
        }
        guard !sources.isEmpty else {
            throw UserError("\(directory) 中没有以数据类别命名的文件（schools.csv、teachers.xlsx、培训.csv……），未导入任何数据",
                            "\(directory) has no file named after an import kind (schools.csv, teachers.csv, training.csv, …); nothing was imported.")
        }
        try ImportRunner.run(sources, database: database, language: language.language, dryRun: dryRun,
                             encoding: encoding.flatMap(InputEncoding.init(name:)), command: "import-dir")
    }
}

enum ImportRunner {
    static func run(_ sources: [ImportSource], database: DatabaseOptions, language: Language, dryRun: Bool, encoding: InputEncoding?,
                    command: String) throws {
        let zh = language == .zh
        let options = ImportOptions(dryRun: dryRun, encoding: encoding, actor: Actor.current, command: command,
                                    progress: { p in
            switch p.phase {
            case .validating: Console.progress(zh ? "正在检查 \(p.file)：\(p.bytesDone) 行……" : "checking \(p.file): \(p.bytesDone) rows …")
            case .writing where p.bytesTotal == 0:
                // Checked and written together (SQLite): the total is known only at the end.
                Console.progress(zh ? "正在检查并写入 \(p.file)：已写入 \(p.bytesDone) 行……" : "checking and writing \(p.file): \(p.bytesDone) rows written …")
            case .writing: Console.progress(zh ? "正在写入 \(p.file)：\(p.bytesDone) / \(p.bytesTotal) 行" : "writing \(p.file): \(p.bytesDone) of \(p.bytesTotal) rows")
            }
        })
        let outcome = database.isPostgres
            ? try database.openPostgres().importFiles(sources, options: options)
            : try database.open().importFiles(sources, options: options)
        Console.endProgress()
        // At most 100 lines per file and severity: a broken file can have a problem on every line.
        var shown: [String: Int] = [:]
        var hidden: [String: (file: String, severity: ImportIssue.Severity, count: Int)] = [:]
        for issue in outcome.issues {
            let key = "\(issue.place) \(issue.severity.rawValue)"
            if shown[key, default: 0] < 100 {
                shown[key, default: 0] += 1
                Console.error(issue.text(language))
            } else {
                hidden[key, default: (issue.place, issue.severity, 0)].count += 1
            }
        }
        for (_, h) in hidden.sorted(by: { $0.key < $1.key }) {
            let kindZH = h.severity == .error ? "错误" : "警告"
            Console.error(zh ? "\(h.file)：……另有 \(h.count) 条类似的\(kindZH)" : "\(h.file): … and \(h.count) more \(h.severity.rawValue)\(h.count == 1 ? "" : "s") like those above")
        }
        let errors = outcome.errors.count
        if errors > 0 {
            throw UserError("发现 \(errors) 处错误，未导入任何数据。请改正文件后重新导入。",
                            "\(errors) error\(errors == 1 ? "" : "s") found; nothing was imported. Correct the file\(sources.count == 1 ? "" : "s") and import again.")
        }
        var table = TextTable(headers: zh ? ["文件", "行数", "新增", "更新", "未变"] : ["file", "rows", "added", "updated", "unchanged"],
                              alignments: [.left, .right, .right, .right, .right])
        for s in outcome.summaries {
            table.add([s.file, "\(s.rows)", "\(s.added)", "\(s.updated)", "\(s.unchanged)"])
        }
        print(table.render(), terminator: "")
        if dryRun {
            print(zh ? "试运行：未写入任何数据。" : "Dry run: nothing was written.")
        } else {
            let warnings = outcome.warnings.count
            let batch = outcome.batchID.map { zh ? "（导入批次 \($0)）" : " (import batch \($0))" }
                ?? (zh ? "（与已有数据相同，没有任何更改）" : " (the same as what it holds: nothing changed)")
            if zh {
                print("已导入 \(database.displayName)\(batch)" + (warnings > 0 ? "，有 \(warnings) 条警告（见上）。" : "。"))
            } else {
                print("Imported into \(database.displayName)\(batch)" + (warnings > 0 ? " with \(warnings) warning\(warnings == 1 ? "" : "s") (see above)." : "."))
            }
        }
    }
}
