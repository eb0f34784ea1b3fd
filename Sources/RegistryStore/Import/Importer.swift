import Foundation
import GRDB
import Spreadsheets
import TeacherGrowth

extension Registry {
    /// Imports one or more files as one transaction (SPEC §5): every row is validated before it is
    /// written, and the transaction is committed only once every file and every check across files
    /// has passed; any error means nothing is written (the transaction is rolled back). With
    /// `dryRun`, the writes are made and rolled back, so the summary says exactly what would change.
    public func importFiles(_ sources: [ImportSource], options: ImportOptions = .init()) throws -> ImportOutcome {
        let decoded = Registry.decodeImport(sources, options: options)
        if decoded.failed { return ImportOutcome(issues: Registry.sorted(decoded.issues), summaries: [], committed: false) }

        let clock = ContinuousClock()
        let t0 = clock.now
        let timing = ProcessInfo.processInfo.environment["TEACHER_REGISTRY_TIMING"] == "1"
        func mark(_ what: String) {
            if timing { FileHandle.standardError.write(Data("timing: \(what) \(clock.now - t0)\n".utf8)) }
        }
        mark("decoded")
        defer { mark("committed") }
        return try writer.writeWithoutTransaction { db -> ImportOutcome in
            // The connection's page cache (64 MiB) is enough: measured at 10×, a 256 MiB or 1 GiB
            // cache made the import no faster once each row is parsed once, and cost its size.
            // One plain transaction, never a savepoint inside one: within a savepoint SQLite keeps a
            // sub-journal of every page the import touches, and truncating it after each statement
            // walks it from the start, which made large imports quadratic.
            var outcome: ImportOutcome?
            try db.inTransaction(.immediate) {
                outcome = try validateAndWrite()
                // Commit only a real run that changed something: an import that changes nothing
                // leaves no trace, not even an empty batch.
                let changed = outcome!.summaries.contains { $0.added + $0.updated > 0 }
                guard outcome!.committed && changed else {
                    outcome!.batchID = nil
                    return .rollback
                }
                return .commit
            }
            return outcome!

            func validateAndWrite() throws -> ImportOutcome {
                // Validation happens inside the write transaction so that the database cannot change
                // between the checks and the writes. It runs on a second thread, a little ahead of
                // the writes: each row that passed its checks, while no row has failed, is handed
                // to this thread and written; the first error stops the writing (the rows keep being
                // checked, so every mistake is reported) and the transaction is rolled back. Nothing
                // is committed before every row and every check across rows has passed.
                let universe = try Universe(db, kinds: decoded.kinds, names: decoded.carriesNames)
                let source = decoded.tables.map(\.source.place).joined(separator: ", ")
                let versionBefore = try Registry.factsVersion(db)
                let batch = try Registry.beginBatch(db, actor: options.actor, command: options.command, source: source)
                var w = try ImportWriter(db: db, batchID: batch, keyring: { [identityKey] in try identityKey.keyring(db) })

                let validation = ValidationThread(decoded: decoded, universe: universe, options: options)
                let rows = validation.rows
                var counts = [WriteCounts](repeating: WriteCounts(), count: decoded.tables.count)
                var writeFailure: (any Error)?
                var done = 0
                while let handed = try rows.take() {
                    for (index, row) in handed where writeFailure == nil {
                        let table = decoded.tables[index].source
                        do {
                            // A constraint the validator missed (a bug), or the disk: never SQLite's words.
                            let outcome = try Registry.reportingWriteFailures(at: table.place, line: row.line) {
                                try w.write(row, file: table.fileName)
                            }
                            switch outcome {
                            case .added: counts[index].added += 1
                            case .updated: counts[index].updated += 1
                            case .unchanged: counts[index].unchanged += 1
                            }
                        } catch {
                            writeFailure = error
                            rows.stop()
                        }
                        done += 1
                        if done % 20_000 == 0 {
                            options.progress?(.init(phase: .writing, file: table.fileName, bytesDone: done, bytesTotal: 0))
                        }
                    }
                }
                let validated = validation.result()
                mark("validated and written")
                // A row the checks refused may also have been refused by the database: the
                // checks' sentences are what people read.
                if validated.failed { return validated.refusal }
                if let writeFailure { throw writeFailure }
                try w.finish()
                let summaries = validated.summaries(decoded, counts)
                var batchID: Int64? = options.dryRun ? nil : batch
                // Nothing added or updated: no batch is recorded.
                if !options.dryRun, try Registry.dropBatchIfEmpty(db, batch, previousVersion: versionBefore) { batchID = nil }
                mark("written")
                return ImportOutcome(issues: Registry.sorted(validated.issues), summaries: summaries, committed: !options.dryRun, batchID: batchID)
            }
        }
    }

    /// Runs a write, turning a database error into a sentence that names the file and line.
    static func reportingWriteFailures<T>(at place: String, line: Int, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as DatabaseError {
            throw RegistryError.writeFailed(place: place, line: line, cause: DatabaseFailure(e))
        }
    }

    package static func sorted(_ issues: [ImportIssue]) -> [ImportIssue] {
        // Stable: by file, then line; a file's own order otherwise.
        issues.enumerated().sorted { a, b in
            (a.element.file, a.element.line, a.offset) < (b.element.file, b.element.line, b.offset)
        }.map(\.element)
    }

    /// Reads a file from disk as an import source: a CSV file, or a workbook (.xlsx) whose sheet
    /// named after the kind (`training`, `培训`) is used, else its only or first sheet that has the
    /// kind's header.
    public static func source(kind: ImportKind, path: String) throws -> ImportSource {
        let fileName = (path as NSString).lastPathComponent
        if isWorkbook(path) {
            let workbook = try openWorkbook(path)
            return ImportSource(kind: kind, fileName: fileName, content: .sheet(try sheet(for: kind, in: workbook)))
        }
        // A file is read in blocks while it is imported: a large export is never held whole.
        if let file = CSVFile(path: path) { return ImportSource(kind: kind, fileName: fileName, content: .csvFile(file)) }
        // Not a regular file (a pipe, `<(…)`): read what it gives.
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RegistryError.cannotRead(path: path, reason: FileManager.default.fileExists(atPath: path)
                ? .init("没有读取权限，或它是文件夹", "permission denied or a folder") : .init("文件不存在", "no such file"))
        }
        return ImportSource(kind: kind, fileName: fileName, bytes: [UInt8](data))
    }

    /// A file to read as a workbook: named .xlsx/.xlsm, or a ZIP file whatever its name.
    static func isWorkbook(_ path: String) -> Bool {
        let ext = (path as NSString).pathExtension.lowercased()
        if ext == "xlsx" || ext == "xlsm" || ext == "xls" { return true }
        guard let h = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? h.close() }
        return (try? h.read(upToCount: 4)).map { [UInt8]($0) == [0x50, 0x4B, 0x03, 0x04] } ?? false
    }

    static func openWorkbook(_ path: String) throws -> Workbook {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw RegistryError.cannotRead(path: path, reason: FileManager.default.fileExists(atPath: path)
                ? .init("没有读取权限", "permission denied") : .init("文件不存在", "no such file"))
        }
        do { return try Workbook(path: path) } catch let e as WorkbookError {
            throw RegistryError.invalid(.init("\(e.fileName)：\(e.message.zh)", "\(e.fileName): \(e.message.en)"))
        }
    }

    /// The sheet of a workbook that holds `kind`.
    public static func sheet(for kind: ImportKind, in workbook: Workbook) throws -> WorkbookSheet {
        let visible = workbook.sheets.filter { !$0.hidden }
        if let named = visible.first(where: { ImportKind.named($0.name) == kind }) {
            return WorkbookSheet(workbook: workbook, sheet: named)
        }
        if visible.count == 1 { return WorkbookSheet(workbook: workbook, sheet: visible[0]) }
        for sheet in visible {
            let probe = ImportSource(kind: kind, fileName: workbook.fileName, content: .sheet(WorkbookSheet(workbook: workbook, sheet: sheet)))
            if let reader = try? TableReader(probe, encoding: nil), case .found(let h, _)? = try? reader.locateHeader(kind),
               RowParser.isHeader(h, kind: kind) {
                return WorkbookSheet(workbook: workbook, sheet: sheet)
            }
        }
        guard let first = visible.first ?? workbook.sheets.first else {
            throw RegistryError.invalid(.init("\(workbook.fileName) 中没有工作表", "\(workbook.fileName) has no worksheets"))
        }
        return WorkbookSheet(workbook: workbook, sheet: first)
    }

    /// The import sources of a folder: files named `KIND.csv` or `KIND.xlsx` (an English or Chinese
    /// kind name, letter case ignored), and workbooks whose sheets are named after kinds; with the
    /// names that matched nothing.
    public static func sources(inDirectory dir: String) throws -> (sources: [ImportSource], ignored: [String]) {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted() } catch {
            throw RegistryError.cannotRead(path: dir, reason: .init("不是可读取的文件夹", "not a readable folder"))
        }
        var sources: [ImportSource] = [], ignored: [String] = []
        var seen: [String: String] = [:]
        func add(_ source: ImportSource, as label: String) throws {
            if let other = seen[source.kind.name] {
                throw RegistryError.invalid(.init("文件夹中 \(other) 和 \(label) 都是\(source.kind.chineseName)（\(source.kind.name)）数据；请只保留一个",
                                                  "The folder has both \(other) and \(label) for \(source.kind.name); keep one"))
            }
            seen[source.kind.name] = label
            sources.append(source)
        }
        for name in names {
            let path = (dir as NSString).appendingPathComponent(name)
            let ext = (name as NSString).pathExtension.lowercased()
            let base = (name as NSString).deletingPathExtension
            // Office's lock and temporary files (~$培训.xlsx, .~lock.培训.xlsx#).
            if name.hasPrefix("~$") || name.hasPrefix(".") { ignored.append(name); continue }
            switch ext {
            case "csv":
                guard let kind = ImportKind.named(base) else { ignored.append(name); continue }
                try add(try source(kind: kind, path: path), as: name)
            case "xlsx", "xlsm", "xls":
                if let kind = ImportKind.named(base) {
                    try add(try source(kind: kind, path: path), as: name)
                    continue
                }
                let workbook = try openWorkbook(path)
                var any = false
                for sheet in workbook.sheets where !sheet.hidden {
                    guard let kind = ImportKind.named(sheet.name) else { continue }
                    any = true
                    try add(ImportSource(kind: kind, fileName: name, content: .sheet(WorkbookSheet(workbook: workbook, sheet: sheet))),
                            as: "\(name)[\(sheet.name)]")
                }
                if !any { ignored.append(name) }
            default:
                ignored.append(name)
            }
        }
        return (sources, ignored)
    }
}

extension Registry {
    /// The kind whose header a table has: the one whose required columns all appear in one of its
    /// first rows, naming the most columns. Nil when none fits.
    static func detectKind(records: [InputRecord]) -> ImportKind? {
        var best: (kind: ImportKind, matched: Int)?
        for kind in ImportKind.all {
            for r in records {
                let names = Set(r.fields.map { Text.fold(Text.trimmed($0)) })
                let required = kind.columns.filter(\.required)
                let hasRequired = required.allSatisfy { c in
                    names.contains(c.name) || names.contains(Text.fold(c.chinese)) || c.aliases.contains { names.contains(Text.fold($0)) }
                }
                guard hasRequired else { continue }
                let matched = RowParser.headerScore(r, kind: kind).matched
                if matched > (best?.matched ?? 0) { best = (kind, matched) }
            }
        }
        return best?.kind
    }

    public static func detectKind(csv bytes: [UInt8]) throws -> ImportKind? {
        guard case .success(let utf8) = TextDecoding.utf8Bytes(bytes, encoding: nil) else { return nil }
        var records: [InputRecord] = []
        var it = CSVReader(bytes: utf8).makeIterator()
        while let r = it.next(), records.count < TableReader.headerSearchRows { if !r.isBlank { records.append(r) } }
        return detectKind(records: records)
    }

    public static func detectKind(_ sheet: WorkbookSheet) throws -> ImportKind? {
        var records: [InputRecord] = []
        try sheet.workbook.forEachRow(of: sheet.sheet) { r in
            if !r.isBlank { records.append(r) }
            return records.count < TableReader.headerSearchRows
        }
        return detectKind(records: records)
    }
}

/// One table of an import, decoded and with its header found.
package struct DecodedTable {
    package let source: ImportSource
    let reader: TableReader
    let parser: RowParser
    let header: InputRecord
}

/// The tables of an import, ready for validation: what every backend reads the same way.
package struct DecodedImport {
    package var tables: [DecodedTable]
    package var issues: [ImportIssue]
    package var failed: Bool { issues.contains { $0.severity == .error } }
    /// The kinds imported (what validation must know of the registry).
    package var kinds: Set<String> { Set(tables.map(\.source.kind.name)) }
    /// Whether any table carries names to check against the registry's.
    package var carriesNames: Bool { tables.contains { $0.parser.carriesNames } }
}

/// The outcome of validating every row of an import against the registry (`Universe`).
package struct ValidatedImport {
    package var issues: [ImportIssue]
    package var rowCounts: [Int]
    package var failed: Bool { issues.contains { $0.severity == .error } }

    /// What an import that the checks refused reports: every issue, nothing written.
    package var refusal: ImportOutcome { ImportOutcome(issues: Registry.sorted(issues), summaries: [], committed: false) }

    /// Each file's summary, from what the writes did to its rows.
    package func summaries(_ decoded: DecodedImport, _ counts: [WriteCounts]) -> [FileSummary] {
        decoded.tables.enumerated().map { index, table in
            FileSummary(kind: table.source.kind.name, file: table.source.place, rows: rowCounts[index],
                        added: counts[index].added, updated: counts[index].updated, unchanged: counts[index].unchanged)
        }
    }
}

/// What the writes did to one file's rows.
package struct WriteCounts: Sendable {
    package var added = 0, updated = 0, unchanged = 0
    package init(added: Int = 0, updated: Int = 0, unchanged: Int = 0) { self.added = added; self.updated = updated; self.unchanged = unchanged }
}

extension Registry {
    /// Decodes each source and finds its header (SPEC §5), in dependency order of kinds.
    package static func decodeImport(_ sources: [ImportSource], options: ImportOptions) -> DecodedImport {
        let order = Dictionary(uniqueKeysWithValues: ImportKind.all.enumerated().map { ($1.name, $0) })
        let ordered = sources.sorted { (order[$0.kind.name] ?? 0) < (order[$1.kind.name] ?? 0) }
        var issues: [ImportIssue] = []
        var tables: [DecodedTable] = []
        for source in ordered {
            func fail(_ line: Int, _ message: LocalizedText) {
                issues.append(.init(severity: .error, file: source.fileName, sheet: source.sheetName, line: line, message: message))
            }
            do {
                let reader = try TableReader(source, encoding: options.encoding)
                switch try reader.locateHeader(source.kind) {
                case .failed(let f):
                    fail(f.line, f.message)
                case .empty:
                    fail(1, .init("是空的；第一行应为表头，写明各列名称（\(source.kind.columns.filter(\.required).map(\.chinese).joined(separator: "、")) 等）",
                                  "the file is empty; it needs a header line naming its columns (\(source.kind.columnNames.joined(separator: ",")))"))
                case .found(let header, let skipped):
                    for r in skipped {
                        let text = r.fields.first { !Text.trimmed($0).isEmpty }.map { String(Text.trimmed($0).prefix(30)) } ?? ""
                        issues.append(.init(severity: .warning, file: source.fileName, sheet: source.sheetName, line: r.line, message: .init(
                            "在表头（第 \(header.line) 行）之上，是标题或说明（“\(text)”），已跳过",
                            "is above the header (line \(header.line)), a title or note (\"\(text)\"); skipped")))
                    }
                    if let parser = RowParser.make(kind: source.kind, file: source.fileName, sheet: source.sheetName, header: header, issues: &issues) {
                        tables.append(DecodedTable(source: source, reader: reader, parser: parser, header: header))
                    }
                }
            } catch let f as ReadFailure {
                fail(f.line, f.message)
            } catch let w as WorkbookError {
                fail(1, w.message)
            } catch {
                fail(1, .init("无法读取：\(error)", "cannot be read: \(error)"))
            }
        }
        return DecodedImport(tables: tables, issues: issues)
    }

    /// Parses and checks every row against the registry as `universe` describes it (SPEC §5): one
    /// validator for every backend. Each row that passed, while no row has failed, is handed on
    /// (table index, row) as soon as it is checked, to be written.
    package static func validateImport(_ decoded: DecodedImport, universe: Universe, options: ImportOptions,
                                       hand: (Int, ParsedRow) -> Void) -> ValidatedImport {
        var issues = decoded.issues
        var rowCounts: [Int] = []
        // No error so far: rows may be handed on.
        var clean = !decoded.failed
        for (index, table) in decoded.tables.enumerated() {
            let (source, reader, parser, header) = (table.source, table.reader, table.parser, table.header)
            var validator = Validator(universe: universe, file: source.fileName, sheet: source.sheetName)
            var count = 0
            var rowIssues: [ImportIssue] = []
            var notes: [ImportIssue] = []
            var failure: ReadFailure?
            do {
                failure = try reader.forEachDataRow(after: header, issues: &notes) { record in
                    count += 1
                    let issuesBefore = rowIssues.count, checksBefore = validator.issues.count
                    let (values, ok) = parser.parsePartially(record, issues: &rowIssues)
                    guard let values else { clean = false; return }
                    let row = ParsedRow(kind: parser.kind, line: record.line, values: values)
                    validator.check(row)
                    if clean {
                        clean = ok && !rowIssues[issuesBefore...].contains { $0.severity == .error }
                            && !validator.issues[checksBefore...].contains { $0.severity == .error }
                        if clean { hand(index, row) }
                    }
                    // While rows are handed on, the writer reports progress; after a mistake the
                    // checks go on alone.
                    if !clean && count % 20_000 == 0 {
                        options.progress?(.init(phase: .validating, file: source.fileName, bytesDone: count, bytesTotal: 0))
                    }
                }
            } catch let w as WorkbookError {
                failure = ReadFailure(line: 1, message: w.message)
            } catch let f as ReadFailure {
                failure = f
            } catch {
                failure = ReadFailure(line: 1, message: .init("无法读取：\(error)", "cannot be read: \(error)"))
            }
            issues += rowIssues + notes
            if let failure {
                issues.append(.init(severity: .error, file: source.fileName, sheet: source.sheetName, line: failure.line, message: failure.message))
            }
            issues += validator.issues
            rowCounts.append(count)
            if count == 0 && failure == nil {
                issues.append(.init(severity: .error, file: source.fileName, sheet: source.sheetName, line: header.line, message: .init(
                    "只有表头，没有数据行；请补上数据，或不导入这个文件",
                    "has a header but no rows; add the rows, or leave the file out")))
            }
        }
        issues += Validator.overlapIssues(universe, sheets: Dictionary(decoded.tables.map { ($0.source.fileName, $0.source.sheetName) },
                                                                      uniquingKeysWith: { a, _ in a }))
        return ValidatedImport(issues: issues, rowCounts: rowCounts)
    }
}

/// Validates an import on a thread of its own, handing the rows that passed to `rows` in batches,
/// on their way to the writing thread (a bounded queue: memory stays a few thousand rows).
package final class ValidationThread: @unchecked Sendable {
    package let rows = HandoffQueue<[(Int, ParsedRow)]>(capacity: 16)
    private let validated = ThreadResult<ValidatedImport>()
    private static let batchSize = 1_024

    package init(decoded: DecodedImport, universe: Universe, options: ImportOptions) {
        // Handed over whole: the writing thread does not touch them.
        let work = Unchecked((decoded, universe))
        let (rows, validated) = (rows, validated)
        let thread = Thread {
            var batch: [(Int, ParsedRow)] = []
            let (decoded, universe) = work.value
            let outcome = Registry.validateImport(decoded, universe: universe, options: options) { index, row in
                batch.append((index, row))
                if batch.count == ValidationThread.batchSize {
                    // Once the writer has stopped, rows are dropped; the checks go on to the end.
                    rows.put(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batch.isEmpty { rows.put(batch) }
            validated.set(outcome)
            rows.finish()
        }
        // Workbook XML and long rows recurse little; 4 MiB leaves room.
        thread.stackSize = 4 << 20
        thread.start()
    }

    /// Waits for the validation to finish; its outcome.
    package func result() -> ValidatedImport { validated.wait() }
}

/// The rows a `ValidationThread` hands on, one table after another (they come in table order).
package final class ValidatedRowsByTable: @unchecked Sendable {
    private let rows: HandoffQueue<[(Int, ParsedRow)]>
    private var pending: ArraySlice<(Int, ParsedRow)> = []

    package init(_ rows: HandoffQueue<[(Int, ParsedRow)]>) { self.rows = rows }

    /// Calls `body` with each row of table `index` that passed, in file order; returns at the
    /// first row of a later table (kept for the next call) or when validation has finished.
    package func forEachRow(of index: Int, _ body: (ParsedRow) throws -> Void) throws {
        while true {
            if pending.isEmpty {
                guard let next = try rows.take() else { return }
                pending = next[...]
            }
            while let (table, row) = pending.first {
                if table > index { return }
                pending.removeFirst()
                if table == index { try body(row) }
            }
        }
    }
}
