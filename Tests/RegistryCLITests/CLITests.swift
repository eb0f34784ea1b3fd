import Foundation
import Testing
@testable import RegistryCLI
import RegistryStore

/// Runs the built `teacher-registry` binary, as a user would.
struct Binary {
    static var url: URL? {
        var candidates = [Bundle.main.bundleURL.deletingLastPathComponent(), Bundle.main.bundleURL]
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        for dir in candidates {
            let u = dir.appendingPathComponent("teacher-registry")
            if FileManager.default.isExecutableFile(atPath: u.path) { return u }
        }
        return nil
    }

    struct Result { var status: Int32; var stdout: String; var stderr: String }

    static func run(_ args: [String], environment: [String: String] = [:], cwd: URL? = nil, stdin: String? = nil) throws -> Result {
        let p = Process()
        p.executableURL = try #require(url, "teacher-registry binary not found next to the tests")
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "TEACHER_REGISTRY_DB")
        for (k, v) in environment { env[k] = v }
        p.environment = env
        if let cwd { p.currentDirectoryURL = cwd }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        let input = Pipe()
        if stdin != nil { p.standardInput = input }
        try p.run()
        if let stdin {
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try input.fileHandleForWriting.close()
        }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }
}

func temporaryDirectory() throws -> URL {
    let u = FileManager.default.temporaryDirectory.appendingPathComponent("tr-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
    return u
}

var countyFixture: String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("RegistryStoreTests/Fixtures/county").path
}

@Suite("Command line")
struct CLITests {
    @Test func globalDatabaseOptionBeforeOrAfterTheCommand() {
        #expect(TeacherRegistry.hoistGlobalOptions(["--db", "x.sqlite", "import", "training", "f.csv"])
                == ["import", "--db", "x.sqlite", "training", "f.csv"])
        #expect(TeacherRegistry.hoistGlobalOptions(["--db=x.sqlite", "teacher", "show", "T1"])
                == ["teacher", "show", "--db=x.sqlite", "T1"])
        #expect(TeacherRegistry.hoistGlobalOptions(["import", "training", "f.csv", "--db", "x"])
                == ["import", "training", "f.csv", "--db", "x"])
    }

    @Test func importDirThenReimportThroughTheBinary() throws {
        let dir = try temporaryDirectory()
        let db = dir.appendingPathComponent("r.sqlite").path
        let first = try Binary.run(["--db", db, "import-dir", countyFixture])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("training.csv"))
        let again = try Binary.run(["import-dir", countyFixture], environment: ["TEACHER_REGISTRY_DB": db])
        #expect(again.status == 0)
        let lines = again.stdout.split(separator: "\n").filter { $0.contains(".csv") }
        #expect(lines.count == 14)
        // Every file: added 0, updated 0.
        for line in lines {
            let cells = line.split(separator: " ", omittingEmptySubsequences: true)
            #expect(cells[2] == "0" && cells[3] == "0" && cells[1] == cells[4], "\(line)")
        }
    }

    @Test func aBrokenFileExitsOneAndWritesNothing() throws {
        let dir = try temporaryDirectory()
        let db = dir.appendingPathComponent("r.sqlite").path
        #expect(try Binary.run(["--db", db, "import-dir", countyFixture]).status == 0)
        let counts = try Registry(path: db).rowCounts()
        let bad = dir.appendingPathComponent("training.csv")
        try "staff_no,title,level,start_date,end_date,hours\nT0001,A,county,2023-01-01,2023-01-02,2o\n".write(to: bad, atomically: true, encoding: .utf8)
        let r = try Binary.run(["--db", db, "import", "training", bad.path])
        #expect(r.status == 1)
        // Chinese by default, naming the file, line and column.
        #expect(r.stderr.contains("training.csv:2: hours（培训获得学时）: “2o”不是数字"), "\(r.stderr)")
        #expect(r.stderr.contains("未导入任何数据"))
        let en = try Binary.run(["--db", db, "import", "training", bad.path, "--lang", "en"])
        #expect(en.status == 1)
        #expect(en.stderr.contains("training.csv:2: hours: \"2o\" is not a number"))
        #expect(en.stderr.contains("nothing was imported"))
        #expect(try Registry(path: db).rowCounts() == counts)
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try Binary.run(["import"]).status == 2)
        #expect(try Binary.run(["import", "trainings", "x.csv"]).status == 2)
        #expect(try Binary.run(["frobnicate"]).status == 2)
        let help = try Binary.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("import-dir"))
    }

    @Test func userErrorsAreOneSentenceAndExitOne() throws {
        let dir = try temporaryDirectory()
        let db = dir.appendingPathComponent("r.sqlite").path
        let missing = try Binary.run(["--db", db, "import", "training", dir.appendingPathComponent("nope.csv").path])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("无法读取") && missing.stderr.contains("文件不存在"))
        #expect(!missing.stderr.contains("Error:"))
        let unknown = try Binary.run(["--db", db, "teacher", "show", "T404"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("没有工号 T404"))
        let english = try Binary.run(["--db", db, "teacher", "show", "T404", "--lang", "en"])
        #expect(english.stderr.contains("There is no staff number T404"))
        let usage = try Binary.run(["--db", db, "import"])
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("缺少参数"), "\(usage.stderr)")
    }

    @Test func trainingAddListVoid() throws {
        let dir = try temporaryDirectory()
        let db = dir.appendingPathComponent("r.sqlite").path
        #expect(try Binary.run(["--db", db, "import-dir", countyFixture]).status == 0)
        let add = try Binary.run(["--db", db, "training", "add", "--staff-no", "T0002", "--title", "县级体育培训", "--level", "县级",
                                  "--start", "2025-03-01", "--end", "2025-03-03", "--hours", "24"])
        #expect(add.status == 0, "\(add.stderr)")
        let id = try #require(add.stdout.split(separator: " ").last.map { String($0.dropLast(2)) }.flatMap(Int.init))
        let bad = try Binary.run(["--db", db, "training", "add", "--staff-no", "T0002", "--title", "x", "--level", "乡级",
                                  "--start", "2025-03-01", "--end", "2025-02-03", "--hours", "2o"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("--level:"))
        #expect(bad.stderr.contains("--hours:"))
        let list = try Binary.run(["--db", db, "training", "list", "--staff-no", "T0002", "--format", "json"])
        #expect(list.status == 0)
        #expect(list.stdout.contains("\"title\" : \"县级体育培训\""))
        let void = try Binary.run(["--db", db, "training", "void", "\(id)", "--reason", "录入错误"])
        #expect(void.status == 0, "\(void.stderr)")
        let show = try Binary.run(["--db", db, "teacher", "show", "T0002", "--history"])
        #expect(show.stdout.contains("已作废：录入错误"))
        #expect(show.stdout.contains("作废培训"))
        let en = try Binary.run(["--db", db, "teacher", "show", "T0002", "--lang", "en"])
        #expect(en.stdout.contains("Training by cycle"))
    }

    @Test func exportReimportsUnchanged() throws {
        let dir = try temporaryDirectory()
        let db = dir.appendingPathComponent("r.sqlite").path
        #expect(try Binary.run(["--db", db, "import-dir", countyFixture]).status == 0)
        let out = dir.appendingPathComponent("export")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        for kind in ImportKind.all {
            let r = try Binary.run(["--db", db, "export", kind.name])
            #expect(r.status == 0)
            try r.stdout.write(to: out.appendingPathComponent(kind.fileName), atomically: true, encoding: .utf8)
        }
        let again = try Binary.run(["--db", db, "import-dir", out.path])
        #expect(again.status == 0)
        for line in again.stdout.split(separator: "\n").filter({ $0.contains(".csv") }) {
            let cells = line.split(separator: " ")
            #expect(cells[2] == "0" && cells[3] == "0", "\(line)")
        }
    }

    @Test func shippedCodeListsMatchTheDomain() throws {
        let seeds = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Seeds/code-lists.json")
        let shipped = try String(contentsOf: seeds, encoding: .utf8)
        #expect(shipped == CodeListsJSON.render(), "regenerate with: swift run teacher-registry codes --format json > Seeds/code-lists.json")
    }
}

@Suite("Compliance and rotation commands")
struct ViewCommandTests {
    @Test func complianceJSONCarriesEverySpecField() throws {
        let dir = try temporaryDirectory()
        let db = dir.appendingPathComponent("r.sqlite").path
        #expect(try Binary.run(["--db", db, "import-dir", countyFixture]).status == 0)
        let r = try Binary.run(["--db", db, "compliance", "--as-of", "2023-12-31", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let teachers = json["teachers"] as! [[String: Any]]
        #expect(teachers.count == 5)
        for key in ["staff_no", "school_code", "cycle_hours", "required_hours", "on_track", "hours_needed", "hours_needed_per_year",
                    "last_county_training_on", "county_training_due_on", "certificate_fits", "registration_due_on", "registration_outcome"] {
            #expect(teachers.allSatisfy { $0.keys.contains(key) }, "\(key)")
        }
        let t1 = teachers.first { $0["staff_no"] as? String == "T0001" }!
        #expect(t1["cycle_hours"] as? Double == 96.5)
        #expect(t1["last_county_training_on"] as? String == "2022-06-30")
        #expect(t1["county_training_due_on"] as? String == "2025-06-29")
        #expect(t1["registration_due_on"] as? String == "2023-11-30")
        let school = try Binary.run(["--db", db, "compliance", "--school", "S001", "--as-of", "2023-12-31", "--format", "json"])
        let one = try JSONSerialization.jsonObject(with: Data(school.stdout.utf8)) as! [String: Any]
        #expect((one["teachers"] as! [Any]).count == 1)
        #expect(try Binary.run(["--db", db, "compliance", "--school", "NOPE"]).status == 1)
        // On 2021-12-31 T0001 has nothing overdue; the registration falls due on 2023-11-30.
        func listed(_ days: Int) throws -> [String] {
            let r = try Binary.run(["--db", db, "compliance", "--as-of", "2021-12-31", "--due-within", "\(days)", "--format", "json"])
            let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
            return (j["teachers"] as! [[String: Any]]).map { $0["staff_no"] as! String }
        }
        #expect(try !listed(0).contains("T0001"))
        #expect(try !listed(698).contains("T0001"))
        #expect(try listed(699).contains("T0001"))
    }

    @Test func rotationJSONMatchesTheReport() throws {
        let dir = try temporaryDirectory()
        let db = dir.appendingPathComponent("r.sqlite").path
        #expect(try Binary.run(["--db", db, "import-dir", countyFixture]).status == 0)
        for year in 2021...2025 {
            let rot = try Binary.run(["--db", db, "rotation", "--year", "\(year)", "--format", "json"])
            let rep = try Binary.run(["--db", db, "report", "--year", "\(year)", "--format", "json"])
            #expect(rot.status == 0 && rep.status == 0)
            let r = try JSONSerialization.jsonObject(with: Data(rot.stdout.utf8)) as! [String: Any]
            let p = try JSONSerialization.jsonObject(with: Data(rep.stdout.utf8)) as! [String: Any]
            let reportMetrics = Dictionary(uniqueKeysWithValues: (p["metrics"] as! [[String: Any]]).map { ($0["key"] as! String, $0) })
            for m in r["metrics"] as! [[String: Any]] {
                let key = m["key"] as! String
                #expect(m["numerator"] as? Int == reportMetrics[key]?["numerator"] as? Int, "\(year) \(key)")
                #expect(m["denominator"] as? Int == reportMetrics[key]?["denominator"] as? Int, "\(year) \(key)")
            }
            #expect((r["plan"] as? [String: Any])?["metric"] as? String == "backbone_share_of_exchanged")
            #expect(r["candidates"] is [Any])
        }
    }
}
