import ArgumentParser
import DemoCounty
import Foundation
import GrowthReports
import RegistryPostgres
import RegistryStore
import TeacherGrowth

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "生成虚构的演示县（默认与酉阳同规模）并打印最近一年的报告 Build the synthetic demo county and print its latest report.",
        discussion: """
        所有人员和记录都是虚构的（工号以 D 开头）；同一个随机种子总是生成同一个县。已有数据库时须加 --replace 才会替换，
        且不会替换正被其他程序（如运行中的 serve）打开的数据库。参数见 Seeds/demo-county.json；--csv-dir 则写出 CSV 文件。
        Every record is invented; an existing database is replaced only with --replace, and never while another program has it open.
        """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var language: LanguageOption
    @Option(help: "相对酉阳的规模（282 所学校、10,378 名教职工），如 0.1、10") var scale: Double = 1
    @Option(help: "随机种子；同一种子生成同一个县") var seed: UInt64 = 2025
    @Option(name: .customLong("csv-dir"), help: "把演示县写成 CSV 文件到此文件夹，而不建数据库")
    var csvDirectory: String?
    @Option(help: "区县个数：大于 1 时生成多个区县（各自的学校、人员、编号，学校表带“区县”列）Several counties in one registry.")
    var counties: Int = 1
    @Flag(help: "替换已有的数据库文件（其中的数据会丢失）Replace an existing database file.") var replace = false

    func validate() throws {
        guard scale > 0, scale <= 1000 else { throw CLI.invalid("--scale 必须大于 0、不超过 1000", "--scale must be more than 0 and at most 1000.") }
        guard (1...40).contains(counties) else { throw CLI.invalid("--counties 必须在 1 至 40 之间", "--counties must be from 1 to 40.") }
    }

    func run() throws {
        let generator = DemoCountyGenerator(scale: scale, seed: seed)
        if let dir = csvDirectory {
            try writeCSV(generator, to: dir)
            return
        }
        if database.isPostgres {
            try buildOnPostgres(generator)
            return
        }
        let path = database.resolvedPath
        if FileManager.default.fileExists(atPath: path) {
            guard replace else {
                throw UserError("\(path) 已存在；演示数据不会覆盖已有的数据库。请用 --db demo.sqlite 另建一个，或确认要替换时加 --replace",
                                "\(path) already exists; the demo does not overwrite a database. Use --db demo.sqlite for a new one, or add --replace to replace it.")
            }
            if DatabaseFileLocks.isOpenElsewhere(path) {
                throw UserError("\(path) 正被其他程序（如运行中的 serve）打开，不能替换；请先停止该程序",
                                "\(path) is open in another program (a running server?); stop it before replacing the database.")
            }
        }
        // Built under a temporary name and renamed at the end: a stopped demo leaves the previous
        // database as it was.
        let building = path + ".building-\(ProcessInfo.processInfo.processIdentifier)"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: building + suffix) }
        var registry: Registry? = try Registry(path: building, keyFile: database.resolvedKeyFile)
        let zh = language.language == .zh
        let sink = generateAll(generator)
        // Kinds the county has no rows of (possible at small scales) are left out: a header-only file is an error.
        let sources = DemoKind.allCases.filter { sink.buffers[$0] != nil }.map { kind in
            ImportSource(kind: ImportKind.named(kind.rawValue)!, fileName: "\(kind.rawValue).csv", bytes: sink.bytes(kind))
        }
        let options = ImportOptions(actor: Actor.current, command: "demo", progress: { p in
            Console.progress(zh ? "演示：正在\(p.phase == .validating ? "检查" : "写入") \(p.file)……" : "demo: \(p.phase == .validating ? "checking" : "writing") \(p.file) …")
        })
        let outcome = try registry!.importFiles(sources, options: options)
        Console.endProgress()
        guard outcome.errors.isEmpty else {
            for e in outcome.errors.prefix(20) { Console.error(e.text(language.language)) }
            throw UserError("演示数据生成器产生了无效的行（\(outcome.errors.count) 处错误）；这是系统缺陷，请报告",
                            "The demo generator made invalid rows (\(outcome.errors.count) errors); this is a bug, please report it.")
        }
        try registry!.markAsDemo("scale \(scale), seed \(seed)\(counties > 1 ? ", \(counties) counties" : "")")
        registry = nil  // closes the pool: SQLite checkpoints and removes the -wal file
        if FileManager.default.fileExists(atPath: path) && DatabaseFileLocks.isOpenElsewhere(path) {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: building + suffix) }
            throw UserError("\(path) 在生成期间被其他程序打开，未替换；请先停止该程序",
                            "\(path) was opened by another program meanwhile and was not replaced; stop that program first.")
        }
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        guard rename(building, path) == 0 else {
            throw UserError("无法把演示数据库放到 \(path)；请确认文件夹可写", "Cannot move the demo database into place at \(path); check that the folder is writable.")
        }
        let built = try Registry(path: path, keyFile: database.resolvedKeyFile)
        let counts = try built.rowCounts()
        Console.error(zh ? "演示县已写入 \(path)：\(counts["schools"]!) 所学校、\(counts["teachers"]!) 名教职工、\(counts["training"]!) 条培训记录（虚构数据）。"
                         : "Demo county in \(path): \(counts["schools"]!) schools, \(counts["teachers"]!) staff, \(counts["training"]!) training records (synthetic data).")
        let year = try built.latestFactYear() ?? generator.parameters.last_year
        let report = try built.growthReport(catalog: try built.planCatalog(), year: min(year, generator.parameters.last_year))
        print(TextReport.render(report, language: language.language), terminator: "")
    }

    /// The demo county in an empty PostgreSQL database (the history there is append-only, so an
    /// existing registry is never replaced).
    private func buildOnPostgres(_ generator: DemoCountyGenerator) throws {
        let registry = try database.openPostgres()
        let zh = language.language == .zh
        guard try registry.rowCounts()["teachers", default: 0] == 0 else {
            throw UserError("\(registry.displayURL) 中已有数据；演示数据只写入空的数据库。请另建一个（如 createdb registry_demo）",
                            "\(registry.displayURL) already holds data; the demo goes only into an empty database. Create another (e.g. createdb registry_demo).")
        }
        var sink = generateAll(generator)
        let sources = DemoKind.allCases.filter { sink.buffers[$0] != nil }.map { kind in
            ImportSource(kind: ImportKind.named(kind.rawValue)!, fileName: "\(kind.rawValue).csv", bytes: sink.bytes(kind))
        }
        sink = MemorySink()
        let options = ImportOptions(actor: Actor.current, command: "demo", progress: { p in
            Console.progress(zh ? "演示：正在\(p.phase == .validating ? "检查" : "写入") \(p.file)……" : "demo: \(p.phase == .validating ? "checking" : "writing") \(p.file) …")
        })
        let outcome = try registry.importFiles(sources, options: options)
        Console.endProgress()
        guard outcome.errors.isEmpty else {
            for e in outcome.errors.prefix(20) { Console.error(e.text(language.language)) }
            throw UserError("演示数据生成器产生了无效的行（\(outcome.errors.count) 处错误）；这是系统缺陷，请报告",
                            "The demo generator made invalid rows (\(outcome.errors.count) errors); this is a bug, please report it.")
        }
        try registry.markAsDemo("scale \(scale), seed \(seed)\(counties > 1 ? ", \(counties) counties" : "")")
        let counts = try registry.rowCounts()
        Console.error(zh ? "演示县已写入 \(registry.displayURL)：\(counts["schools"]!) 所学校、\(counts["teachers"]!) 名教职工、\(counts["training"]!) 条培训记录（虚构数据）。"
                         : "Demo county in \(registry.displayURL): \(counts["schools"]!) schools, \(counts["teachers"]!) staff, \(counts["training"]!) training records (synthetic data).")
        let facts = try registry.facts()
        let year = min(facts.latestFactYear ?? generator.parameters.last_year, generator.parameters.last_year)
        var report = try GrowthReporting.report(source: facts, catalog: .bundled, year: year)
        report.isDemoData = true
        print(TextReport.render(report, language: language.language), terminator: "")
    }

    /// The generator of each county (one unless --counties).
    private func generators(_ first: DemoCountyGenerator) -> [DemoCountyGenerator] {
        guard counties > 1 else { return [first] }
        return (0..<counties).map { i in
            var g = DemoCountyGenerator(scale: scale, seed: seed &+ UInt64(i))
            g.namespace = DemoNamespace(index: i)
            return g
        }
    }

    /// Every county's rows in memory; schools carry their county when there are several.
    private func generateAll(_ generator: DemoCountyGenerator) -> MemorySink {
        var sink = MemorySink()
        sink.withCounty = counties > 1
        let zh = language.language == .zh
        for g in generators(generator) {
            let county = counties > 1 ? g.namespace.county : nil
            sink.county = county
            g.generate(into: &sink) { done, total in
                Console.progress(zh ? "演示：\(county ?? "")正在生成 \(done) / \(total) 名教职工……" : "demo: \(county ?? "")making \(done) of \(total) staff …")
            }
        }
        return sink
    }

    private func writeCSV(_ generator: DemoCountyGenerator, to dir: String) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var sink = try FileSink(directory: dir, withCounty: counties > 1)
        for g in generators(generator) {
            sink.county = counties > 1 ? g.namespace.county : nil
            g.generate(into: &sink) { done, total in Console.progress(CLI.say("演示：正在写出 \(done) / \(total) 名教职工……", "demo: writing \(done) of \(total) staff …")) }
        }
        try sink.close()
        Console.endProgress()
        print(CLI.say("已把演示县（规模 \(scale)，种子 \(seed)）以 CSV 写入 \(dir)：共 \(sink.rows) 行。",
                      "Wrote the demo county (scale \(scale), seed \(seed)) as CSV to \(dir): \(sink.rows) rows."))
    }
}

/// Collects CSV text per kind in memory.
struct MemorySink: DemoSink {
    var buffers: [DemoKind: [UInt8]] = [:]
    /// Several counties: schools.csv has a county column, and rows are of `county`.
    var withCounty = false
    var county: String?

    mutating func row(_ kind: DemoKind, _ cells: [String]) {
        if buffers[kind] == nil { buffers[kind] = Array((CSVRow.header(kind, withCounty: withCounty) + "\n").utf8) }
        buffers[kind]!.append(contentsOf: CSVRow.line(CSVRow.cells(kind, cells, county: withCounty ? county : nil)).utf8)
    }

    func bytes(_ kind: DemoKind) -> [UInt8] { buffers[kind] ?? Array((CSVRow.header(kind, withCounty: withCounty) + "\n").utf8) }
}

/// Streams CSV rows to one file per kind.
struct FileSink: DemoSink {
    var handles: [DemoKind: FileHandle] = [:]
    var buffers: [DemoKind: [UInt8]] = [:]
    var paths: [DemoKind: String] = [:]
    var written: Set<DemoKind> = []
    var rows = 0
    var failure: Error?
    let withCounty: Bool
    var county: String?

    init(directory: String, withCounty: Bool = false) throws {
        self.withCounty = withCounty
        for kind in DemoKind.allCases {
            let path = (directory as NSString).appendingPathComponent("\(kind.rawValue).csv")
            guard FileManager.default.createFile(atPath: path, contents: Data((CSVRow.header(kind, withCounty: withCounty) + "\n").utf8),
                                                  attributes: [.posixPermissions: 0o600]),
                  let h = FileHandle(forWritingAtPath: path) else {
                throw UserError("无法写入 \(path)；请确认文件夹可写", "Cannot write \(path); check that the folder is writable.")
            }
            h.seekToEndOfFile()
            handles[kind] = h
            paths[kind] = path
        }
    }

    mutating func row(_ kind: DemoKind, _ cells: [String]) {
        rows += 1
        written.insert(kind)
        buffers[kind, default: []].append(contentsOf: CSVRow.line(CSVRow.cells(kind, cells, county: withCounty ? county : nil)).utf8)
        if buffers[kind]!.count > 1 << 20 {
            handles[kind]!.write(Data(buffers[kind]!))
            buffers[kind]!.removeAll(keepingCapacity: true)
        }
    }

    mutating func close() throws {
        for (kind, h) in handles {
            if let b = buffers[kind], !b.isEmpty { h.write(Data(b)) }
            try h.close()
            // No rows of this kind: no file (import refuses header-only files).
            if !written.contains(kind), let path = paths[kind] { try? FileManager.default.removeItem(atPath: path) }
        }
    }
}

enum CSVRow {
    /// LF line ends: the demo's files are for import and the benchmark's sqlite3 floor.
    static func line(_ cells: [String]) -> String { cells.map(CSVText.field).joined(separator: ",") + "\n" }

    static func header(_ kind: DemoKind, withCounty: Bool) -> String {
        (kind.header + (withCounty && kind == .schools ? ["county"] : [])).joined(separator: ",")
    }

    static func cells(_ kind: DemoKind, _ cells: [String], county: String?) -> [String] {
        if kind == .schools, let county { return cells + [county] }
        return cells
    }
}
