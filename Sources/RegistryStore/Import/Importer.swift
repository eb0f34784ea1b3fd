import Foundation
import GRDB
import TeacherGrowth

extension Registry {
    /// Imports one or more files as one transaction (SPEC §5): every file is read and validated
    /// before anything is written; any error means nothing is written. With `dryRun`, the writes
    /// are made and rolled back, so the summary says exactly what would change.
    public func importFiles(_ sources: [ImportSource], options: ImportOptions = .init()) throws -> ImportOutcome {
        let ordered = sources.sorted {
            ImportKind.all.firstIndex(of: $0.kind)! < ImportKind.all.firstIndex(of: $1.kind)!
        }
        var issues: [ImportIssue] = []
        var decoded: [(source: ImportSource, bytes: [UInt8], parser: RowParser)] = []

        // Decode and read headers.
        for source in ordered {
            switch TextDecoding.utf8Bytes(source.bytes, encoding: options.encoding) {
            case .failure(let f):
                issues.append(.init(severity: .error, file: source.fileName, line: f.line, column: nil, message: "the file \(f.message)"))
            case .success(let bytes):
                var iterator = CSVReader(bytes: bytes).makeIterator()
                var header: CSVReader.Record?
                while let r = iterator.next() { if !r.isBlank { header = r; break } }
                if let failure = iterator.failure {
                    issues.append(.init(severity: .error, file: source.fileName, line: failure.line, column: nil, message: failure.message))
                    continue
                }
                guard let header else {
                    issues.append(.init(severity: .error, file: source.fileName, line: 1, column: nil,
                                        message: "the file is empty; it needs a header line naming its columns (\(source.kind.columnNames.joined(separator: ",")))"))
                    continue
                }
                if let parser = RowParser.make(kind: source.kind, file: source.fileName, header: header, issues: &issues) {
                    decoded.append((source, bytes, parser))
                }
            }
        }
        if issues.contains(where: { $0.severity == .error }) {
            return ImportOutcome(issues: issues, summaries: [], committed: false)
        }

        let clock = ContinuousClock()
        let t0 = clock.now
        let timing = ProcessInfo.processInfo.environment["TEACHER_REGISTRY_TIMING"] == "1"
        func mark(_ what: String) {
            if timing { FileHandle.standardError.write(Data("timing: \(what) \(clock.now - t0)\n".utf8)) }
        }
        mark("decoded")
        defer { mark("committed") }
        return try writer.writeWithoutTransaction { db -> ImportOutcome in
            // A bulk import touches index pages all over large tables: give this connection a page
            // cache of up to 1 GiB while it runs (allocated only as pages are used), then shrink it.
            try db.execute(sql: "PRAGMA cache_size = -1048576")
            defer { try? db.execute(sql: "PRAGMA cache_size = -65536") }
            // One plain transaction, never a savepoint inside one: within a savepoint SQLite keeps a
            // sub-journal of every page the import touches, and truncating it after each statement
            // walks it from the start, which made large imports quadratic.
            var outcome: ImportOutcome?
            try db.inTransaction(.immediate) {
                outcome = try validateAndWrite()
                // Commit only a real run that changed something: an import that changes nothing
                // leaves no trace, not even an empty batch.
                let changed = outcome!.summaries.contains { $0.added + $0.updated > 0 }
                return outcome!.committed && changed ? .commit : .rollback
            }
            return outcome!

            func validateAndWrite() throws -> ImportOutcome {
                // Validation happens inside the write transaction so that the database cannot change
                // between the checks and the writes.
                let universe = try Universe(db, kinds: Set(decoded.map(\.source.kind.name)))
                var rowCounts: [Int] = []
                // Rows are kept from the validation pass for the write pass while they are few enough
                // (about 4 million cells); past that, they are read again rather than held in memory.
                var kept: [[ParsedRow]?] = []
                var keptCells = 0
                let cellBudget = 4_000_000
                for (source, bytes, parser) in decoded {
                    var validator = Validator(universe: universe, file: source.fileName)
                    var count = 0
                    var rows: [ParsedRow]? = []
                    let failure = Registry.forEachRecord(bytes, parser: parser, issues: &issues, validatePartialRows: true) { row, ok in
                        count += 1
                        validator.check(row)
                        if ok, rows != nil {
                            keptCells += row.values.count
                            if keptCells <= cellBudget { rows!.append(row) } else { rows = nil }
                        }
                        if count % 20_000 == 0 {
                            options.progress?(.init(phase: .validating, file: source.fileName, bytesDone: 0, bytesTotal: bytes.count))
                        }
                    }
                    if let failure {
                        issues.append(.init(severity: .error, file: source.fileName, line: failure.line, column: nil, message: failure.message))
                    }
                    issues += validator.issues
                    rowCounts.append(count)
                    kept.append(rows)
                    if count == 0 && failure == nil {
                        issues.append(.init(severity: .error, file: source.fileName, line: 1, column: nil,
                                            message: "has a header but no rows; add the rows, or leave the file out"))
                    }
                }
                issues += Validator.overlapIssues(universe)
                if issues.contains(where: { $0.severity == .error }) {
                    return ImportOutcome(issues: Registry.sorted(issues), summaries: [], committed: false)
                }

                mark("validated")
                // Write.
                var summaries: [FileSummary] = []
                do {
                    let source = decoded.map(\.source.fileName).joined(separator: ", ")
                    let batch = try Registry.beginBatch(db, actor: options.actor, command: options.command, source: source)
                    var w = try ImportWriter(db: db, batchID: batch)
                    var ignored: [ImportIssue] = []
                    for (index, (source, bytes, parser)) in decoded.enumerated() {
                        var s = FileSummary(kind: source.kind.name, file: source.fileName, rows: rowCounts[index],
                                            added: 0, updated: 0, unchanged: 0)
                        var done = 0
                        var writeError: Error?
                        let each: ((ParsedRow, Bool) -> Void) -> Void = { body in
                            if let rows = kept[index] { for r in rows { body(r, true) } }
                            else { _ = Registry.forEachRecord(bytes, parser: parser, issues: &ignored, body) }
                        }
                        each { row, _ in
                            guard writeError == nil else { return }
                            do {
                                switch try w.write(row, file: source.fileName) {
                                case .added: s.added += 1
                                case .updated: s.updated += 1
                                case .unchanged: s.unchanged += 1
                                }
                            } catch { writeError = error }
                            done += 1
                            if done % 20_000 == 0 {
                                options.progress?(.init(phase: .writing, file: source.fileName, bytesDone: done, bytesTotal: rowCounts[index]))
                            }
                        }
                        if let writeError { throw writeError }
                        summaries.append(s)
                    }
                    try w.finish()
                }
                mark("written")
                return ImportOutcome(issues: Registry.sorted(issues), summaries: summaries, committed: !options.dryRun)
            }
        }
    }

    /// Reads every data record after the header; calls `body` with each valid row.
    /// With `validatePartialRows`, rows with invalid cells are passed too (with those cells null,
    /// and `false`), so that one run reports every problem of a row.
    static func forEachRecord(_ bytes: [UInt8], parser: RowParser, issues: inout [ImportIssue],
                              validatePartialRows: Bool = false,
                              _ body: (ParsedRow, Bool) -> Void) -> CSVReader.Failure? {
        var iterator = CSVReader(bytes: bytes).makeIterator()
        var sawHeader = false
        while let record = iterator.next() {
            if record.isBlank { continue }
            if !sawHeader { sawHeader = true; continue }
            let (values, ok) = parser.parsePartially(record, issues: &issues)
            if let values, ok || validatePartialRows {
                body(ParsedRow(kind: parser.kind, line: record.line, values: values), ok)
            }
        }
        return iterator.failure
    }

    static func sorted(_ issues: [ImportIssue]) -> [ImportIssue] {
        // Stable: by file, then line; a file's own order otherwise.
        issues.enumerated().sorted { a, b in
            (a.element.file, a.element.line, a.offset) < (b.element.file, b.element.line, b.offset)
        }.map(\.element)
    }

    /// Reads a file from disk as an import source.
    public static func source(kind: ImportKind, path: String) throws -> ImportSource {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RegistryError.cannotRead(path: path, reason: FileManager.default.fileExists(atPath: path) ? "permission denied or a folder" : "no such file")
        }
        return ImportSource(kind: kind, fileName: (path as NSString).lastPathComponent, bytes: [UInt8](data))
    }

    /// The files of a folder named `KIND.csv` (letter case ignored), and the names that matched nothing.
    public static func sources(inDirectory dir: String) throws -> (sources: [ImportSource], ignored: [String]) {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted() } catch {
            throw RegistryError.cannotRead(path: dir, reason: "not a readable folder")
        }
        var sources: [ImportSource] = [], ignored: [String] = []
        var seen: [String: String] = [:]
        for name in names {
            let lower = name.lowercased()
            guard lower.hasSuffix(".csv"), let kind = ImportKind.named(String(lower.dropLast(4))) else {
                ignored.append(name)
                continue
            }
            if let other = seen[kind.name] {
                throw RegistryError.invalid("The folder has both \(other) and \(name) for \(kind.name); keep one")
            }
            seen[kind.name] = name
            sources.append(try source(kind: kind, path: (dir as NSString).appendingPathComponent(name)))
        }
        return (sources, ignored)
    }
}
