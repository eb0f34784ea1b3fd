import ArgumentParser
import DemoCounty
import Foundation
import GrowthReports
import RegistryStore
import TeacherGrowth

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build the synthetic demo county (Youyang's size by default) and print its latest report.",
        discussion: """
        Every person and record is invented (staff numbers start with D); the same seed always builds the same
        county. Parameters: Seeds/demo-county.json. With --csv-dir, writes the county as SPEC §5 CSV files instead.
        """)

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Size relative to Youyang (282 schools, 10,378 staff); e.g. 0.1, 10.") var scale: Double = 1
    @Option(help: "The random seed; the same seed gives the same county.") var seed: UInt64 = 2025
    @Option(name: .customLong("csv-dir"), help: "Write the county as CSV files into this folder instead of building a database.")
    var csvDirectory: String?
    @Option(help: "zh or en, for the report.") var lang: String = "zh"

    func validate() throws {
        guard scale > 0, scale <= 1000 else { throw ValidationError("--scale must be more than 0 and at most 1000.") }
        guard Language(rawValue: lang) != nil else { throw ValidationError("--lang must be zh or en.") }
    }

    func run() throws {
        let generator = DemoCountyGenerator(scale: scale, seed: seed)
        if let dir = csvDirectory {
            try writeCSV(generator, to: dir)
            return
        }
        let path = database.resolvedPath
        if FileManager.default.fileExists(atPath: path) {
            let existing = try Registry(path: path)
            if try existing.demoDescription() == nil, try !existing.isEmpty() {
                throw UserError("\(path) already holds real data; the demo needs its own database: add --db demo.sqlite.")
            }
        }
        // Built under a temporary name and renamed at the end: a stopped demo leaves the previous
        // database as it was.
        let building = path + ".building-\(ProcessInfo.processInfo.processIdentifier)"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: building + suffix) }
        var registry: Registry? = try Registry(path: building)
        var sink = MemorySink()
        generator.generate(into: &sink) { done, total in Console.progress("demo: making \(done) of \(total) staff …") }
        // Kinds the county has no rows of (possible at small scales) are left out: a header-only file is an error.
        let sources = DemoKind.allCases.filter { sink.buffers[$0] != nil }.map { kind in
            ImportSource(kind: ImportKind.named(kind.rawValue)!, fileName: "\(kind.rawValue).csv", bytes: sink.bytes(kind))
        }
        let options = ImportOptions(actor: Actor.current, command: "demo", progress: { p in
            Console.progress("demo: \(p.phase == .validating ? "checking" : "writing") \(p.file) …")
        })
        let outcome = try registry!.importFiles(sources, options: options)
        Console.endProgress()
        guard outcome.errors.isEmpty else {
            for e in outcome.errors.prefix(20) { Console.error(e.description) }
            throw UserError("The demo generator made invalid rows (\(outcome.errors.count) errors); this is a bug, please report it.")
        }
        try registry!.markAsDemo("scale \(scale), seed \(seed)")
        registry = nil  // closes the pool: SQLite checkpoints and removes the -wal file
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        guard rename(building, path) == 0 else {
            throw UserError("Cannot move the demo database into place at \(path); check that the folder is writable.")
        }
        let built = try Registry(path: path)
        let counts = try built.rowCounts()
        Console.error("Demo county in \(path): \(counts["schools"]!) schools, \(counts["teachers"]!) staff, \(counts["training"]!) training records (synthetic data).")
        let year = try built.latestFactYear() ?? generator.parameters.last_year
        let report = try built.growthReport(plan: .youyang, year: min(year, generator.parameters.last_year))
        print(TextReport.render(report, language: Language(rawValue: lang)!), terminator: "")
    }

    private func writeCSV(_ generator: DemoCountyGenerator, to dir: String) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var sink = try FileSink(directory: dir)
        generator.generate(into: &sink) { done, total in Console.progress("demo: writing \(done) of \(total) staff …") }
        try sink.close()
        Console.endProgress()
        print("Wrote the demo county (scale \(scale), seed \(seed)) as CSV to \(dir): \(sink.rows) rows.")
    }
}

/// Collects CSV text per kind in memory.
struct MemorySink: DemoSink {
    var buffers: [DemoKind: [UInt8]] = [:]

    mutating func row(_ kind: DemoKind, _ cells: [String]) {
        if buffers[kind] == nil { buffers[kind] = Array((kind.header.joined(separator: ",") + "\n").utf8) }
        buffers[kind]!.append(contentsOf: CSVRow.line(cells).utf8)
    }

    func bytes(_ kind: DemoKind) -> [UInt8] { buffers[kind] ?? Array((kind.header.joined(separator: ",") + "\n").utf8) }
}

/// Streams CSV rows to one file per kind.
struct FileSink: DemoSink {
    var handles: [DemoKind: FileHandle] = [:]
    var buffers: [DemoKind: [UInt8]] = [:]
    var paths: [DemoKind: String] = [:]
    var written: Set<DemoKind> = []
    var rows = 0
    var failure: Error?

    init(directory: String) throws {
        for kind in DemoKind.allCases {
            let path = (directory as NSString).appendingPathComponent("\(kind.rawValue).csv")
            guard FileManager.default.createFile(atPath: path, contents: Data((kind.header.joined(separator: ",") + "\n").utf8)),
                  let h = FileHandle(forWritingAtPath: path) else {
                throw UserError("Cannot write \(path); check that the folder is writable.")
            }
            h.seekToEndOfFile()
            handles[kind] = h
            paths[kind] = path
        }
    }

    mutating func row(_ kind: DemoKind, _ cells: [String]) {
        rows += 1
        written.insert(kind)
        buffers[kind, default: []].append(contentsOf: CSVRow.line(cells).utf8)
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
}
