import Foundation
import GRDB
import Logging
import PostgresNIO
import Testing
@testable import RegistryPostgres
import RegistryStore
import RegistryTestSupport

/// Runs one statement on a registry database (in a read-write transaction, so that a refused
/// write is refused by the database's own rules) and returns the first column of every row as text.
enum PG {
    static func column(_ db: String, _ sql: String) throws -> [String?] {
        try PostgresRegistry(url: db).sql.write { session in try session.rows(sql, []).map { $0.text(0) } }
    }
}

/// Runs the built `teacher-registry` binary, as a user would.
enum Binary {
    static var url: URL? {
        let candidates = [Bundle.main.bundleURL.deletingLastPathComponent(), Bundle.main.bundleURL,
                          URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
        return candidates.map { $0.appendingPathComponent("teacher-registry") }.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    struct Result { var status: Int32; var stdout: String; var stderr: String }

    static func run(_ args: [String], key: URL? = nil, stdin: String? = nil) throws -> Result {
        let p = Process()
        p.executableURL = try #require(url, "teacher-registry binary not found next to the tests")
        p.arguments = args + (key.map { ["--key-file", $0.path] } ?? [])
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "TEACHER_REGISTRY_DB")
        env.removeValue(forKey: "TEACHER_REGISTRY_KEY_FILE")
        p.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// Runs a command that must succeed and returns its standard output.
    @discardableResult
    static func ok(_ args: [String], key: URL? = nil, stdin: String? = nil) throws -> String {
        let r = try run(args, key: key, stdin: stdin)
        #expect(r.status == 0, "teacher-registry \(args.joined(separator: " ")) failed: \(r.stderr)")
        return r.stdout
    }
}

func temporaryDirectory() throws -> URL {
    let u = FileManager.default.temporaryDirectory.appendingPathComponent("trpg-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
    return u
}

var countyFixture: String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("RegistryStoreTests/Fixtures/county").path
}

/// One set of files in both backends.
struct BothBackends {
    let dir: URL
    let sqlite: String
    let postgres: String
    let key: URL

    init() throws {
        dir = try temporaryDirectory()
        sqlite = dir.appendingPathComponent("r.sqlite").path
        postgres = try TestServer.makeDatabase()
        key = dir.appendingPathComponent("pg.key")
    }

    /// Runs the command on both; the outputs (written with --output) must be byte for byte equal.
    func same(_ args: [String], extension ext: String = "json", minimum: Int = 200, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let a = dir.appendingPathComponent("a.\(ext)"), b = dir.appendingPathComponent("b.\(ext)")
        try Binary.ok(args + ["--db", sqlite, "--output", a.path])
        try Binary.ok(args + ["--db", postgres, "--output", b.path], key: key)
        let x = try Data(contentsOf: a), y = try Data(contentsOf: b)
        #expect(x.count > minimum, "\(args) wrote almost nothing", sourceLocation: sourceLocation)
        // A Bool, not the two values: a failure names the first differing byte instead of diffing megabytes.
        let equal = x == y
        let at = zip(x, y).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(x.count, y.count)
        #expect(equal, "\(args.joined(separator: " ")) differs between SQLite and PostgreSQL (\(x.count) vs \(y.count) bytes, first difference at byte \(at))",
                sourceLocation: sourceLocation)
    }

    /// Runs the command on both; standard output must be equal. Returns it.
    @discardableResult
    func sameStdout(_ args: [String], ignoringClockAndBatch: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        // Times of day differ between two runs; PostgreSQL's batch numbers may skip (its sequences
        // do not take back the numbers of rolled-back imports), SQLite's do not.
        func plain(_ s: String) -> String {
            guard ignoringClockAndBatch else { return s }
            return s.replacingOccurrences(of: #"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z?"#, with: "TIME", options: .regularExpression)
                .replacingOccurrences(of: #"批次 \d+"#, with: "批次 N", options: .regularExpression)
        }
        let a = plain(try Binary.ok(args + ["--db", sqlite]))
        let b = plain(try Binary.ok(args + ["--db", postgres], key: key))
        #expect(a == b, "\(args.joined(separator: " ")) differs:\n\(a)\n—\n\(b)", sourceLocation: sourceLocation)
        return b
    }

    /// Like `sameStdout`, with the key ids (12 hex digits) blanked: each backend has its own key.
    func sameStdoutIgnoringKeys(_ args: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let a = try Binary.ok(args + ["--db", sqlite]), b = try Binary.ok(args + ["--db", postgres], key: key)
        func blank(_ s: String) -> String {
            s.replacingOccurrences(of: #"[0-9a-f]{12}"#, with: "KEY", options: .regularExpression)
                .replacingOccurrences(of: #"密钥文件：[^。]*。"#, with: "", options: .regularExpression)
        }
        #expect(blank(a) == blank(b), "\(a)\n—\n\(b)", sourceLocation: sourceLocation)
        return b
    }

    /// Runs a command that must fail on both with the same sentences; returns them.
    func sameFailure(_ args: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let a = try Binary.run(args + ["--db", sqlite]), b = try Binary.run(args + ["--db", postgres], key: key)
        #expect(a.status == 1 && b.status == 1, "exit \(a.status) / \(b.status)", sourceLocation: sourceLocation)
        #expect(a.stderr == b.stderr, "\(a.stderr)\n—\n\(b.stderr)", sourceLocation: sourceLocation)
        return b.stderr
    }

    /// Imports on both; the summaries (files, rows, added, updated, unchanged) must be equal.
    @discardableResult
    func importBoth(_ args: [String]) throws -> String {
        let a = try Binary.run(args + ["--db", sqlite])
        let b = try Binary.run(args + ["--db", postgres], key: key)
        #expect(a.status == b.status, "exit \(a.status) vs \(b.status): \(a.stderr) | \(b.stderr)")
        #expect(a.stderr == b.stderr)
        let table = { (s: String) in s.split(separator: "\n").filter { !$0.hasPrefix("已导入") && !$0.hasPrefix("Imported") } }
        #expect(table(a.stdout) == table(b.stdout), "\(a.stdout)\n—\n\(b.stdout)")
        return b.stdout
    }

    /// Each update's entry and its detail (keys sorted), on each backend.
    func updateDetails() throws -> (sqlite: [String], postgres: [String]) {
        let q = "SELECT entity || ' ' || entity_key || ' ' || COALESCE(line, 0) || '#' || detail FROM change_log WHERE action = 'update' AND detail IS NOT NULL ORDER BY batch_id, entity, line, entity_key"
        func canonical(_ s: String) throws -> String {
            let parts = s.split(separator: "#", maxSplits: 1).map(String.init)
            let object = try JSONSerialization.jsonObject(with: Data(parts[1].utf8))
            return parts[0] + " " + String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        }
        let s = try DatabaseQueue(path: sqlite).read { db in try String.fetchAll(db, sql: q) }.map(canonical)
        let p = try PG.column(postgres, q.replacingOccurrences(of: "'#' || detail", with: "'#' || detail::text")).map { try canonical($0 ?? "") }
        return (s, p)
    }

    /// The change log as (action, entity, key, staff, file, line), in order, on each backend.
    func changeLog() throws -> (sqlite: [String], postgres: [String]) {
        let q = "SELECT action || ' ' || entity || ' ' || entity_key || ' ' || COALESCE(staff_no, '-') || ' ' || COALESCE(file, '-') || ':' || COALESCE(line, 0) FROM change_log ORDER BY batch_id, entity, line, entity_key"
        let s = try DatabaseQueue(path: sqlite).read { db in try String.fetchAll(db, sql: q) }
        let p = try PG.column(postgres, q).map { $0 ?? "" }
        return (s, p)
    }
}

@Suite("PostgreSQL backend", .enabled(if: TestServer.available, "set TEACHER_REGISTRY_TEST_POSTGRES to a server URL"), .serialized)
struct PostgresBackendTests {
    /// The demo county (another seed) and the hand-made county fixture, imported into both: every
    /// report year, the final review, compliance and rotation are the same bytes.
    @Test(arguments: ["demo", "fixture", "counties"])
    func sameFiguresOnBothBackends(_ data: String) throws {
        let both = try BothBackends()
        var files = countyFixture
        if data == "demo" {
            files = both.dir.appendingPathComponent("csv").path
            try Binary.ok(["demo", "--scale", "0.08", "--seed", "77", "--csv-dir", files])
        }
        if data == "counties" {
            // Two counties: each county's views and the municipal roll-up, on both backends.
            files = both.dir.appendingPathComponent("csv").path
            try Binary.ok(["demo", "--counties", "2", "--scale", "0.04", "--seed", "3", "--csv-dir", files])
            try both.importBoth(["import-dir", files])
            for county in ["酉阳县", "秀山县"] {
                try both.same(["report", "--year", "2025", "--county", county, "--format", "json"])
                try both.same(["report", "--period", "2021-2025", "--county", county, "--format", "json"])
                try both.same(["compliance", "--county", county, "--as-of", "2025-12-31", "--format", "json"])
                try both.same(["rotation", "--county", county, "--year", "2025", "--format", "json"])
            }
            try both.same(["report", "--year", "2025", "--municipal", "--format", "json"])
            try both.same(["report", "--year", "2026", "--municipal", "--format", "csv"], extension: "csv")
            return
        }
        try both.importBoth(["import-dir", files])
        for year in 2020...2026 { try both.same(["report", "--year", "\(year)", "--format", "json"]) }
        try both.same(["report", "--year", "2024", "--as-of", "2024-06-30", "--format", "csv"], extension: "csv")
        try both.same(["report", "--period", "2021-2025", "--format", "json"])
        for day in ["2023-09-01", "2025-12-31", "2026-11-30"] { try both.same(["compliance", "--as-of", day, "--format", "json"]) }
        try both.same(["compliance", "--as-of", "2025-06-30", "--due-within", "90", "--format", "csv"], extension: "csv")
        for year in [2022, 2024, 2025] { try both.same(["rotation", "--year", "\(year)", "--format", "json"]) }
        if data == "demo" {
            let school = try #require(String(contentsOfFile: files + "/schools.csv", encoding: .utf8).split(separator: "\n").dropFirst(3).first?
                .split(separator: ",").first.map(String.init))
            try both.same(["compliance", "--school", school, "--as-of", "2025-12-31", "--format", "json"])
            try both.same(["rotation", "--school", school, "--year", "2025", "--format", "json"])
        }
    }

    /// Re-imports, changed rows, a key repeated within one file and new rows: the same added /
    /// updated / unchanged counts and the same change-log entries as SQLite's row-by-row writer.
    @Test func importOutcomesAndHistoryMatchSQLite() throws {
        let both = try BothBackends()
        let files = both.dir.appendingPathComponent("csv").path
        try Binary.ok(["demo", "--scale", "0.03", "--seed", "5", "--csv-dir", files])
        try both.importBoth(["import-dir", files])
        let again = try both.importBoth(["import-dir", files])
        #expect(again.contains("没有任何更改"))

        // Training: three rows changed, one key three times (changed, changed back), a reviewed-looking
        // status change, a new row; teachers: one moved school, one new title.
        let training = try String(contentsOfFile: files + "/training.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        let header = training[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let hours = try #require(header.firstIndex(of: "hours")), title = try #require(header.firstIndex(of: "title"))
        func cells(_ i: Int) -> [String] { training[i].split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        var rows = [training[0]]
        for i in 1...3 { var c = cells(i); c[hours] = "\((Double(c[hours]) ?? 1) + 1)"; rows.append(c.joined(separator: ",")) }
        var d = cells(10)
        rows.append(d.joined(separator: ","))
        d[hours] = "99"; rows.append(d.joined(separator: ","))
        rows.append(cells(10).joined(separator: ","))
        var n = cells(12); n[title] = "新增：乡村教师信息技术能力提升"; rows.append(n.joined(separator: ","))
        let changed = both.dir.appendingPathComponent("training-changed.csv")
        try (rows.joined(separator: "\n") + "\n").write(to: changed, atomically: true, encoding: .utf8)
        let out = try both.importBoth(["import", "training", changed.path])
        #expect(out.contains("导入批次"))

        let teachers = try String(contentsOfFile: files + "/teachers.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        let th = teachers[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let since = try #require(th.firstIndex(of: "school_since")), titleColumn = try #require(th.firstIndex(of: "title"))
        var t1 = teachers[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        t1[since] = "2026-09-01"
        var t2 = teachers[2].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        t2[titleColumn] = t2[titleColumn] == "senior" ? "first" : "senior"
        let moved = both.dir.appendingPathComponent("teachers-changed.csv")
        try ([teachers[0], t1.joined(separator: ","), t2.joined(separator: ",")].joined(separator: "\n") + "\n").write(to: moved, atomically: true, encoding: .utf8)
        try both.importBoth(["import", "teachers", moved.path])

        let log = try both.changeLog()
        #expect(log.sqlite.count > 1000)
        #expect(log.sqlite == log.postgres)
        // Each update keeps the changed fields' old and new values in the same words on both.
        let details = try both.updateDetails()
        #expect(details.sqlite.count >= 6)
        #expect(details.sqlite == details.postgres)
        try both.same(["report", "--year", "2026", "--format", "json"])
        try both.same(["compliance", "--as-of", "2026-11-30", "--format", "json"])
    }

    /// Text COPY could misread (backslashes, a literal \N, quotes) and numbers beyond 32 bits are
    /// stored as written, with the same figures on both backends.
    @Test func awkwardValuesSurviveCOPY() throws {
        let both = try BothBackends()
        try both.importBoth(["import-dir", countyFixture])
        let staff = try #require(String(contentsOfFile: countyFixture + "/teachers.csv", encoding: .utf8).split(separator: "\n")[1].split(separator: ",").first)
        let training = both.dir.appendingPathComponent("training.csv")
        let rows = [
            "staff_no,title,level,start_date,end_date,hours,provider,ref",
            "\(staff),\"C:\\培训\\2026 \"\"线上\"\"\",县级,2026-03-01,2026-03-02,8,\\N,REF\\1",
            "\(staff),反斜杠结尾\\,市级,2026-04-01,2026-04-02,12.5,,",
        ]
        try (rows.joined(separator: "\n") + "\n").write(to: training, atomically: true, encoding: .utf8)
        try both.importBoth(["import", "training", training.path])
        let schools = both.dir.appendingPathComponent("schools.csv")
        try "code,name,type,area,ownership,students\nS001,酉阳一中,senior,urban,public,9999999999\n".write(to: schools, atomically: true, encoding: .utf8)
        try both.importBoth(["import", "schools", schools.path])
        let stored = try PG.column(both.postgres, "SELECT title || '|' || COALESCE(provider, '<null>') || '|' || COALESCE(ref, '<null>') FROM training WHERE start_date >= '2026-03-01' ORDER BY start_date")
        #expect(stored == ["C:\\培训\\2026 \"线上\"|\\N|REF\\1", "反斜杠结尾\\|<null>|<null>"])
        #expect(try PG.column(both.postgres, "SELECT students::text FROM schools WHERE code = 'S001'") == ["9999999999"])
        try both.same(["report", "--year", "2026", "--format", "json"])
        try both.same(["compliance", "--as-of", "2026-11-30", "--format", "json"])
    }

    /// A file with errors: the same sentences on both backends, nothing written, no batch.
    @Test func invalidFilesChangeNothing() throws {
        let both = try BothBackends()
        try both.importBoth(["import-dir", countyFixture])
        let before = try PG.column(both.postgres, "SELECT count(*)::text || '/' || (SELECT count(*) FROM change_batches)::text || '/' || (SELECT count(*) FROM change_log)::text FROM training")
        let bad = both.dir.appendingPathComponent("bad.csv")
        let staff = try #require(String(contentsOfFile: countyFixture + "/teachers.csv", encoding: .utf8).split(separator: "\n")[1].split(separator: ",").first)
        try """
        staff_no,title,level,start_date,end_date,hours
        \(staff),好的一行,县级,2026-03-01,2026-03-02,8
        \(staff),结束早于开始,县级,2026-03-05,2026-03-02,8
        NOBODY,没有这个人,县级,2026-03-01,2026-03-02,8
        \(staff),学时不对,县级,2026-03-01,2026-03-02,八

        """.write(to: bad, atomically: true, encoding: .utf8)
        let a = try Binary.run(["import", "training", bad.path, "--db", both.sqlite])
        let b = try Binary.run(["import", "training", bad.path, "--db", both.postgres], key: both.key)
        #expect(a.status == 1 && b.status == 1)
        #expect(a.stderr == b.stderr)
        #expect(b.stderr.contains("bad.csv:3") && b.stderr.contains("NOBODY") && b.stderr.contains("未导入任何数据"))
        let after = try PG.column(both.postgres, "SELECT count(*)::text || '/' || (SELECT count(*) FROM change_batches)::text || '/' || (SELECT count(*) FROM change_log)::text FROM training")
        #expect(before == after)
    }

    /// Rows are copied while they are still being checked (issue 15): a mistake on the last line of
    /// a long file, or one found across files at the end, still leaves the registry as it was.
    @Test func aLateMistakeWritesNothing() throws {
        let both = try BothBackends()
        try both.importBoth(["import-dir", countyFixture])
        func state() throws -> [String?] {
            try PG.column(both.postgres, "SELECT count(*)::text || '/' || (SELECT count(*) FROM change_batches)::text || '/' || (SELECT count(*) FROM change_log)::text || '/' || (SELECT count(*) FROM assignments)::text FROM training")
        }
        let before = try state()
        var rows = "staff_no,title,level,start_date,end_date,hours\n"
        for i in 0..<5_000 { rows += "T000\(1 + i % 4),校本研修第\(i)期,校级,2024-03-01,2024-03-02,2\n" }
        let late = both.dir.appendingPathComponent("training.csv")
        try (rows + "T9999,县级培训,县级,2024-03-01,2024-03-02,2\n").write(to: late, atomically: true, encoding: .utf8)
        let a = try Binary.run(["import", "training", late.path, "--db", both.sqlite])
        let b = try Binary.run(["import", "training", late.path, "--db", both.postgres], key: both.key)
        #expect(a.status == 1 && b.status == 1)
        #expect(a.stderr == b.stderr)
        #expect(b.stderr.contains("training.csv:5002"))
        #expect(try state() == before)
        // Across files: the overlap is checked once every file was read, after the training rows.
        let folder = both.dir.appendingPathComponent("late")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try rows.write(to: folder.appendingPathComponent("training.csv"), atomically: true, encoding: .utf8)
        try "staff_no,school_code,from,to,post,stage\nT0001,S002,2014-09-01,2016-06-30,teacher,primary\n"
            .write(to: folder.appendingPathComponent("assignments.csv"), atomically: true, encoding: .utf8)
        let c = try Binary.run(["import-dir", folder.path, "--db", both.sqlite])
        let d = try Binary.run(["import-dir", folder.path, "--db", both.postgres], key: both.key)
        #expect(c.status == 1 && d.status == 1)
        #expect(c.stderr == d.stderr)
        #expect(d.stderr.contains("assignments.csv:2"))
        #expect(try state() == before)
        // And the same files without the mistakes are imported alike.
        try rows.write(to: late, atomically: true, encoding: .utf8)
        try both.importBoth(["import", "training", late.path])
        #expect(try state() != before)
    }

    /// The history is append-only in the database itself; the schema's migrations are recorded
    /// and applied once.
    @Test func historyIsAppendOnlyAndMigrationsAreRecorded() throws {
        let both = try BothBackends()
        try both.importBoth(["import-dir", countyFixture])
        _ = try Binary.ok(["teacher", "show", "T0001", "--db", both.postgres], key: both.key)  // an audited read
        #expect(try PG.column(both.postgres, "SELECT count(*)::text FROM audit_log") == ["1"])
        for sql in ["UPDATE change_log SET line = 0", "DELETE FROM change_log", "TRUNCATE change_log CASCADE", "DELETE FROM change_batches",
                    "UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log"] {
            #expect(throws: (any Error).self, "\(sql) must be refused") { _ = try PG.column(both.postgres, sql) }
        }
        #expect(try PG.column(both.postgres, "SELECT count(*)::text FROM change_log").first! != "0")
        #expect(try PG.column(both.postgres, "SELECT string_agg(version::text || ':' || name, ',' ORDER BY version) FROM registry_migrations") == ["1:v1-facts-and-change-log,2:v2-counties,3:v3-accounts-tokens-audit-plans,4:v4-facts-version-notify"])
        #expect(try PostgresRegistry(url: both.postgres).schemaVersion() == PostgresSchema.version)
        // National identity numbers are sealed on this backend too.
        let ids = try PG.column(both.postgres, "SELECT national_id FROM teachers WHERE national_id IS NOT NULL")
        #expect(!ids.isEmpty && ids.allSatisfy { $0!.hasPrefix("v1:") })
    }

    /// Every other command on both backends: the same output (where no clock is printed), the same
    /// effect on the figures, and the reads of personal data audited on PostgreSQL too.
    @Test func everyCommandWorksTheSameOnBothBackends() throws {
        let both = try BothBackends()
        try both.importBoth(["import-dir", countyFixture])
        let staff = "T0001"

        // A person's record and every export, byte for byte.
        try both.sameStdout(["teacher", "show", staff])
        for kind in ImportKind.all.map(\.name) {
            try both.same(["export", kind, "--format", "csv"], extension: "csv", minimum: 10)
        }
        try both.same(["export", "training", "--format", "json"], minimum: 10)

        // Logging, reviewing and voiding training records.
        let add = ["training", "add", "--staff-no", staff, "--title", "两个后端的同一条记录", "--level", "county", "--start", "2026-03-02",
                   "--end", "2026-03-03", "--hours", "6", "--status", "pending"]
        let added = try both.sameStdout(add)
        #expect(added.contains("已登记培训记录"))
        #expect(try both.sameStdout(add).contains("未做更改"), "the same record again changes nothing")
        let id = try #require(added.split(whereSeparator: { !$0.isNumber }).last.map(String.init))
        let bad = try both.sameFailure(["training", "add", "--staff-no", "NOBODY", "--title", "x", "--level", "county", "--start", "2026-03-02",
                                        "--end", "2026-03-01", "--hours", "6"])
        #expect(bad.contains("--staff-no") && bad.contains("未保存"))
        try both.same(["training", "list", "--staff-no", staff, "--limit", "0", "--format", "json"], minimum: 10)
        try both.sameStdout(["training", "approve", id], ignoringClockAndBatch: true)
        #expect(try both.sameFailure(["training", "reject", id, "--reason", "重复"]).contains("\(id)"), "not pending any more")
        try both.sameStdout(["training", "void", id, "--reason", "登记错了"])
        try both.same(["compliance", "--as-of", "2026-11-30", "--format", "json"])

        // Accounts and tokens.
        for db in [both.sqlite, both.postgres] {
            try Binary.ok(["user", "add", "hr9", "--role", "hr", "--name", "人事九", "--password-stdin", "--db", db], key: both.key, stdin: "pass-word-9\n")
            try Binary.ok(["token", "create", "--role", "county", "--name", "script", "--db", db], key: both.key)
        }
        #expect(try Binary.ok(["user", "list", "--db", both.postgres], key: both.key).contains("人事九"))
        #expect(try Binary.ok(["token", "list", "--db", both.postgres], key: both.key).contains("script"))
        try both.sameStdout(["token", "revoke", "script"])

        // A targets sheet for the new period: the same plan, the same report.
        let sheet = both.dir.appendingPathComponent("targets.csv")
        try "指标,年度,比较,目标值,来源\n新认定县级以上骨干教师,2026,>=,250,测试\n".write(to: sheet, atomically: true, encoding: .utf8)
        try both.sameStdout(["plan", "import", sheet.path])
        try both.sameStdout(["plan", "list"])
        try both.same(["report", "--year", "2026", "--format", "json"])

        // The reads were audited on PostgreSQL as on SQLite.
        let audit = try Binary.ok(["audit", "--format", "csv", "--db", both.postgres], key: both.key)
        #expect(audit.contains("teacher show") && audit.contains("export training"))

        // A new key: every number re-sealed, the record reads the same.
        let rotated = try both.sameStdoutIgnoringKeys(["key", "rotate"])
        #expect(rotated.contains("重新加密"))
        try both.sameStdout(["teacher", "show", staff], ignoringClockAndBatch: true)
    }

    /// `backup` on PostgreSQL is pg_dump's; the dump restores into a new database with the same figures.
    @Test func backupRestoresWithTheSameFigures() throws {
        let both = try BothBackends()
        try both.importBoth(["import-dir", countyFixture])
        let dump = both.dir.appendingPathComponent("registry.dump").path
        let out = try Binary.ok(["backup", dump, "--db", both.postgres], key: both.key)
        #expect(out.contains("pg_dump"))
        let mode = try FileManager.default.attributesOfItem(atPath: dump)[.posixPermissions] as? Int
        #expect(mode == 0o600, "the backup holds personal data: owner only")
        let restored = try TestServer.makeDatabase()
        let r = try PostgresRegistry.runTool(try PostgresRegistry.tool("pg_restore"), ["--dbname", restored, dump], env: ProcessInfo.processInfo.environment)
        #expect(r.status == 0, "\(r.stderr)")
        let a = try Binary.ok(["report", "--year", "2025", "--format", "json", "--db", both.postgres], key: both.key)
        let b = try Binary.ok(["report", "--year", "2025", "--format", "json", "--db", restored], key: both.key)
        #expect(a == b && a.count > 1000)
        #expect(try Binary.ok(["teacher", "show", "T0001", "--db", restored], key: both.key).contains("T0001"))
    }

    /// A wrong address and a demo into a database with data say so; no SQLite file named postgres: appears.
    @Test func mistakesAreSaid() throws {
        let db = try TestServer.makeDatabase()
        let unreachable = try Binary.run(["report", "--year", "2025", "--db", "postgres://nobody@127.0.0.1:1/none"])
        #expect(unreachable.status == 1)
        #expect(unreachable.stderr.contains("无法连接 PostgreSQL 数据库"))
        let demo = try Binary.run(["demo", "--scale", "0.01", "--db", db])
        #expect(demo.status == 0, "\(demo.stderr)")
        let again = try Binary.run(["demo", "--scale", "0.01", "--db", db])
        #expect(again.status == 1 && again.stderr.contains("已有数据"))
        #expect(!FileManager.default.fileExists(atPath: "postgres:"))
    }

    /// The server learns of commits by notification: while nothing is committed the version is not
    /// asked for again; a commit by another process (another registry object, as a CLI import) is
    /// seen at once; a lost listening connection falls back to reading every time, then listens again.
    @Test func theServerHearsOfCommitsInsteadOfAskingEveryTime() async throws {
        let url = try TestServer.makeDatabase()
        let key = FileManager.default.temporaryDirectory.appendingPathComponent("trk-\(UUID().uuidString).key").path
        let served = try PostgresRegistry(url: url, keyFile: key)
        let other = try PostgresRegistry(url: url, keyFile: key)
        let before = try served.dataVersion()
        served.watchFactsVersion()
        func until(_ what: String, _ condition: () throws -> Bool) async throws {
            for _ in 0..<400 where try !condition() { try await Task.sleep(for: .milliseconds(10)) }
            #expect(try condition(), "\(what) within 4 s")
        }
        try await until("listening") { served.versionWatch.isListening }
        #expect(try served.dataVersion() == before)
        let reads = served.versionWatch.reads
        for _ in 0..<50 { #expect(try served.dataVersion() == before) }
        #expect(served.versionWatch.reads == reads, "no commit, no read")
        // Another process imports: the next request (after the notice arrives) has the new version.
        let outcome = try other.importFiles(try Registry.sources(inDirectory: countyFixture).sources)
        #expect(outcome.errors.isEmpty)
        let after = try other.dataVersion()
        #expect(after > before)
        try await until("the commit seen") { try served.dataVersion() == after }
        // The listening connection is cut: every request reads until it listens again.
        _ = try PG.column(url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'")
        try await until("not listening") { !served.versionWatch.isListening }
        let cut = served.versionWatch.reads
        #expect(try served.dataVersion() == after)
        #expect(try served.dataVersion() == after)
        #expect(served.versionWatch.reads >= cut + 2, "read each time while not listening")
        try await until("listening again") { served.versionWatch.isListening }
        #expect(try served.dataVersion() == after)
        let again = served.versionWatch.reads
        #expect(try served.dataVersion() == after)
        #expect(served.versionWatch.reads == again, "listening again: no read without a commit")
        try other.markAsDemo("a commit that touches registry_meta")
        try await until("the next commit heard") { _ = try served.dataVersion(); return served.versionWatch.reads > again }
    }
}
