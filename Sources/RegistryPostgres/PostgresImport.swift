import Foundation
import GRDB
import NIOCore
import PostgresNIO
import RegistryStore
import TeacherGrowth

extension PostgresRegistry {
    /// Imports files as one transaction (SPEC §5), as `Registry.importFiles` does: the same decoding
    /// and the same validator, against this database's rows; then every table's rows are sent with
    /// `COPY` into a staging table and merged on their natural keys in SQL. Any error: nothing written.
    public func importFiles(_ sources: [ImportSource], options: ImportOptions = .init()) throws -> ImportOutcome {
        let decoded = Registry.decodeImport(sources, options: options)
        if decoded.failed { return ImportOutcome(issues: Registry.sorted(decoded.issues), summaries: [], committed: false) }
        let input = Unchecked(decoded)
        return try run { registry, c in try await registry.importDecoded(input.value, options: options, on: c) }
    }

    private func importDecoded(_ decoded: DecodedImport, options: ImportOptions, on c: PostgresConnection) async throws -> ImportOutcome {
        let timing = Timing()
        try await c.query("BEGIN", logger: logger)
        do {
            // One import at a time: validation and writes see the same registry.
            try await c.query("SELECT pg_advisory_xact_lock(7415002)", logger: logger)
            let universe = try await loadUniverse(c, kinds: decoded.kinds, names: decoded.carriesNames)
            timing.mark("universe")
            // The rows are checked on a thread of their own and each table's passed rows are copied
            // while the checks go on (as the SQLite import does); nothing is committed unless every
            // row and every check across rows passed.
            let validation = ValidationThread(decoded: decoded, universe: universe, options: options)
            let rows = ValidatedRowsByTable(validation.rows)
            let source = decoded.tables.map(\.source.place).joined(separator: ", ")
            var counts: [WriteCounts] = []
            var batch: Int64 = 0
            do {
                for try await id in try await c.query("""
                    INSERT INTO change_batches (actor, command, source) VALUES (\(options.actor), \(options.command), \(source)) RETURNING id
                    """, logger: logger).decode(Int64.self) { batch = id }
                try await PostgresRegistry.bumpFactsVersion(batch, on: c, logger: logger)
                let keyring = LazyKeyring(registry: self)
                for (index, table) in decoded.tables.enumerated() {
                    counts.append(try await writeTable(index, table: table, rows: rows, batch: batch, keyring: keyring, options: options,
                                                       timing: timing, on: c))
                }
            } catch {
                // The server refused something: when the checks refused it too, their sentences are
                // what people read.
                validation.rows.stop()
                guard validation.result().failed else { throw error }
            }
            let validated = validation.result()
            if validated.failed {
                try await c.query("ROLLBACK", logger: logger)
                return validated.refusal
            }
            timing.mark("validated and written")
            let summaries = validated.summaries(decoded, counts)
            let changed = summaries.contains { $0.added + $0.updated > 0 }
            if options.dryRun || !changed {
                try await c.query("ROLLBACK", logger: logger)
                return ImportOutcome(issues: Registry.sorted(validated.issues), summaries: summaries, committed: !options.dryRun, batchID: nil)
            }
            try await c.query("COMMIT", logger: logger)
            timing.mark("committed")
            // A large import changes the tables' statistics enough that the planner misjudges the
            // report's queries until autovacuum comes round; refresh them now (outside the
            // transaction, a sample of each table; a failure here changes nothing).
            if summaries.reduce(0, { $0 + $1.added + $1.updated }) >= 10_000 {
                let tables = Set(decoded.tables.flatMap { PostgresMerge.targets(for: $0.source.kind).map(\.table) } + ["change_log"])
                for table in tables.sorted() {
                    _ = try? await c.query(PostgresQuery(unsafeSQL: "ANALYZE \(table)"), logger: logger)
                }
                timing.mark("statistics")
            }
            return ImportOutcome(issues: Registry.sorted(validated.issues), summaries: summaries, committed: true, batchID: batch)
        } catch {
            _ = try? await c.query("ROLLBACK", logger: logger)
            throw error
        }
    }

    // MARK: What validation needs

    private func loadUniverse(_ c: PostgresConnection, kinds: Set<String>, names: Bool) async throws -> Universe {
        let u = Universe()
        let needs = Universe.needs(kinds: kinds)
        func day(_ n: Int?) -> CivilDate? { n.map { CivilDate(dayNumber: $0) } }
        if needs.schools {
            for try await (code, opened, closed) in try await c.query("""
                SELECT code, opened_on - DATE '1970-01-01', closed_on - DATE '1970-01-01' FROM schools
                """, logger: logger).decode((String, Int?, Int?).self) {
                u.schools[code] = .init(opened: day(opened), closed: day(closed))
            }
        }
        if needs.staff {
            for try await (no, hired, left, name) in try await c.query(PostgresQuery(unsafeSQL: """
                SELECT staff_no, hired_on - DATE '1970-01-01', left_on - DATE '1970-01-01', \(names ? "name" : "NULL::text") FROM teachers
                """), logger: logger).decode((String, Int, Int?, String?).self) {
                u.staff[no] = .init(hired: CivilDate(dayNumber: hired), left: day(left), name: name)
            }
        }
        if needs.certificates {
            for try await (number, issued) in try await c.query("SELECT number, issued_on - DATE '1970-01-01' FROM certificates",
                                                                logger: logger).decode((String, Int).self) {
                u.certificates[number] = CivilDate(dayNumber: issued)
            }
        }
        if needs.studios {
            for try await code in try await c.query("SELECT code FROM studios", logger: logger).decode(String.self) { u.studios.insert(code) }
        }
        if needs.assignments {
            for try await (no, from, to) in try await c.query("""
                SELECT staff_no, from_date - DATE '1970-01-01', to_date - DATE '1970-01-01' FROM assignments
                """, logger: logger).decode((String, Int, Int?).self) {
                let f = CivilDate(dayNumber: from)
                u.assignments[no, default: [:]][f] = .init(from: f, to: day(to))
            }
        }
        return u
    }

    // MARK: Writing one table

    private func writeTable(_ index: Int, table: DecodedTable, rows: ValidatedRowsByTable, batch: Int64, keyring: LazyKeyring,
                            options: ImportOptions, timing: Timing, on c: PostgresConnection) async throws -> WriteCounts {
        let kind = table.source.kind
        let stage = "stage_\(index)"
        let columns = kind.storedColumns
        let definitions = ["line integer NOT NULL"] + columns.map { "\($0.db) \(PostgresMerge.type(of: $0.kind))" }
        try await c.query(PostgresQuery(unsafeSQL: "CREATE TEMP TABLE \(stage) (\(definitions.joined(separator: ", "))) ON COMMIT DROP"), logger: logger)

        // The rows, encoded as COPY text by a thread of their own as they pass their checks, at most
        // a few chunks ahead of what the server has taken.
        let sealAt = kind.name == "teachers" ? columns.firstIndex { $0.db == "national_id" } : nil
        let channel = HandoffQueue<[UInt8]>(capacity: 4)
        let work = Unchecked((rows, kind))
        let fileName = table.source.fileName
        let progress = options.progress
        let producer = Thread {
            let (rows, kind) = work.value
            var buffer: [UInt8] = []
            buffer.reserveCapacity(1 << 20)
            var done = 0
            do {
                try rows.forEachRow(of: index) { row in
                    var values = kind.storedValues(row.values)
                    if let i = sealAt, case .string(let number) = values[i].storage {
                        values[i] = try keyring.get().seal(number).databaseValue
                    }
                    CopyText.append(row.line, values, to: &buffer)
                    if buffer.count >= 1 << 20 {
                        guard channel.put(buffer) else { throw CancellationError() }
                        buffer.removeAll(keepingCapacity: true)
                    }
                    done += 1
                    if done % 50_000 == 0 { progress?(.init(phase: .writing, file: fileName, bytesDone: done, bytesTotal: 0)) }
                }
                if !buffer.isEmpty { _ = channel.put(buffer) }
                channel.finish(nil)
            } catch {
                channel.finish(error)
            }
        }
        producer.stackSize = 8 << 20
        producer.start()
        do {
            try await c.copyFrom(table: stage, columns: ["line"] + columns.map(\.db), logger: logger) { writer in
                while let chunk = try channel.take() {
                    try await writer.write(ByteBuffer(bytes: chunk))
                }
            }
        } catch {
            channel.stop()
            if let e = channel.failure { throw e }
            throw RegistryError.invalid(.init("\(table.source.place)：写入 PostgreSQL 时出错（\(PostgresRegistryError.reason(error))）；数据未改变",
                                              "\(table.source.place): PostgreSQL refused the rows (\(PostgresRegistryError.reason(error))); nothing was changed"))
        }
        if let e = channel.failure { throw e }
        timing.mark("\(kind.name): copied")
        try await c.query(PostgresQuery(unsafeSQL: "ANALYZE \(stage)"), logger: logger)

        let targets = PostgresMerge.targets(for: kind)
        // The merges of one table (a ref-keyed kind has two: by reference, by natural key) add their
        // new rows together; then each logs its lines.
        var start = 0
        while start < targets.count {
            let table = targets[start].table
            let group = Array(targets.enumerated().dropFirst(start).prefix { $0.element.table == table })
            var newRows: [String] = []
            for (n, target) in group {
                let (prepare, rows) = target.statements(stage: stage, suffix: "\(index)_\(n)")
                for (i, statement) in prepare.enumerated() {
                    try await c.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    timing.mark("\(kind.name): \(table) statement \(i)")
                }
                newRows.append(rows)
            }
            let insert = PostgresMerge.insert(into: table, columns: targets[start].columns.map(\.name), newRows: newRows)
            try await c.query(PostgresQuery(unsafeSQL: insert), logger: logger)
            timing.mark("\(kind.name): \(table) insert")
            for (n, target) in group {
                var binds = PostgresBindings()
                binds.append(batch)
                binds.append(fileName)
                try await c.query(PostgresQuery(unsafeSQL: target.logSQL(suffix: "\(index)_\(n)"), binds: binds), logger: logger)
                timing.mark("\(kind.name): \(table) change log")
            }
            start += group.count
        }
        // A line's outcome: added when its main record is new; updated when any of its records changed.
        let parts = targets.enumerated().map { n, t in
            "SELECT line, \(t.main) AS main, outcome FROM o_\(index)_\(n)"
        }.joined(separator: " UNION ALL ")
        var result = WriteCounts()
        for try await (a, u, n) in try await c.query(PostgresQuery(unsafeSQL: """
            SELECT count(*) FILTER (WHERE added), count(*) FILTER (WHERE NOT added AND changed), count(*) FILTER (WHERE NOT added AND NOT changed)
            FROM (SELECT line, bool_or(main AND outcome = 'a') AS added, bool_or(outcome <> 'n') AS changed FROM (\(parts)) u GROUP BY line) z
            """), logger: logger).decode((Int, Int, Int).self) {
            result = WriteCounts(added: a, updated: u, unchanged: n)
        }
        return result
    }
}

/// The identity keyring, read or made on the first national identity number.
final class LazyKeyring: @unchecked Sendable {
    private let registry: PostgresRegistry
    private var ring: IdentityKeyring?
    private let lock = NSLock()
    init(registry: PostgresRegistry) { self.registry = registry }

    func get() throws -> IdentityKeyring {
        lock.lock()
        defer { lock.unlock() }
        if let ring { return ring }
        let r = try registry.identityKeyring(create: true)
        ring = r
        return r
    }
}

extension PostgresRegistry {
    /// The keyring in the key file; made (0600, in a 0700 folder) when asked and missing.
    func identityKeyring(create: Bool) throws -> IdentityKeyring {
        if let k = try IdentityKeyring.read(path: keyFile) { return k }
        guard create else { throw IdentityKeyError.missing(keyFile) }
        let folder = (keyFile as NSString).deletingLastPathComponent
        if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]) }
        let k = IdentityKeyring.ephemeral()
        try k.write(to: keyFile)
        return k
    }
}


/// PostgreSQL's COPY text format: tab-separated, `\N` for NULL, backslash escapes.
enum CopyText {
    static func append(_ line: Int, _ values: [DatabaseValue], to out: inout [UInt8]) {
        out.append(contentsOf: String(line).utf8)
        for v in values {
            out.append(0x09)
            switch v.storage {
            case .null: out.append(contentsOf: [0x5C, 0x4E])
            case .int64(let i): out.append(contentsOf: String(i).utf8)
            case .double(let d): out.append(contentsOf: String(d).utf8)
            case .string(let s):
                for b in s.utf8 {
                    switch b {
                    case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
                    case 0x09: out.append(contentsOf: [0x5C, 0x74])
                    case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
                    case 0x0D: out.append(contentsOf: [0x5C, 0x72])
                    default: out.append(b)
                    }
                }
            case .blob(let data):
                for b in data.base64EncodedString().utf8 { out.append(b) }
            }
        }
        out.append(0x0A)
    }
}

/// `TEACHER_REGISTRY_TIMING=1`: where an import's time goes, on standard error.
final class Timing: @unchecked Sendable {
    private let on = ProcessInfo.processInfo.environment["TEACHER_REGISTRY_TIMING"] == "1"
    private let clock = ContinuousClock()
    private var last: ContinuousClock.Instant
    init() { last = clock.now }
    func mark(_ what: String) {
        guard on else { return }
        let now = clock.now
        FileHandle.standardError.write(Data("timing: \(what) +\(now - last)\n".utf8))
        last = now
    }
}
