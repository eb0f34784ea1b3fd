import Foundation
import Testing
import RegistryStore

/// Kills a running import with SIGKILL at several points: the database must pass its integrity
/// check and hold exactly the data of before or of after the file, never part of it.
@Suite("Crash safety", .serialized)
struct CrashSafetyTests {
    static func demoCSV() throws -> URL {
        let dir = try temporaryDirectory()
        let r = try Binary.run(["demo", "--scale", "0.3", "--seed", "11", "--csv-dir", dir.path])
        precondition(r.status == 0, r.stderr)
        return dir
    }

    @Test func killedImportsLeaveBeforeOrAfter() throws {
        let csv = try Self.demoCSV()
        let base = try temporaryDirectory()
        // Everything but training first.
        let rest = base.appendingPathComponent("rest")
        try FileManager.default.createDirectory(at: rest, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: csv.path) where name != "training.csv" {
            try FileManager.default.copyItem(at: csv.appendingPathComponent(name), to: rest.appendingPathComponent(name))
        }
        let seed = base.appendingPathComponent("seed.sqlite").path
        #expect(try Binary.run(["--db", seed, "import-dir", rest.path]).status == 0)
        let trainingRows = try String(contentsOf: csv.appendingPathComponent("training.csv"), encoding: .utf8)
            .split(separator: "\n").count - 1

        var outcomes: [String] = []
        for delay in [0.15, 0.6, 1.5, 3.0, 6.0] {
            let db = base.appendingPathComponent("kill-\(delay).sqlite").path
            try FileManager.default.copyItem(atPath: seed, toPath: db)
            let before = try Registry(path: db).rowCounts()
            let p = Process()
            p.executableURL = try #require(Binary.url)
            p.arguments = ["--db", db, "import", "training", csv.appendingPathComponent("training.csv").path]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            Thread.sleep(forTimeInterval: delay)
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let registry = try Registry(path: db)
            #expect(try registry.integrityCheck() == "ok")
            let after = try registry.rowCounts()
            let training = after["training"]!
            #expect(training == 0 || training == trainingRows, "killed after \(delay) s: \(training) of \(trainingRows) rows")
            if training == 0 {
                #expect(after == before)
                outcomes.append("before")
            } else {
                outcomes.append("after")
            }
        }
        // At least one kill landed while the import was still running.
        #expect(outcomes.contains("before"))
    }

    /// Runs the binary and kills it after `delay` seconds (or lets it finish first).
    static func killed(after delay: Double, _ args: [String]) throws {
        let p = Process()
        p.executableURL = try #require(Binary.url)
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        Thread.sleep(forTimeInterval: delay)
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
    }

    @Test func killedDemosLeaveThePreviousDatabase() throws {
        let base = try temporaryDirectory()
        let db = base.appendingPathComponent("demo.sqlite").path
        #expect(try Binary.run(["--db", db, "demo", "--scale", "0.2", "--seed", "1"]).status == 0)
        let first = try Registry(path: db).rowCounts()
        for delay in [0.3, 1.0, 3.0] {
            try Self.killed(after: delay, ["--db", db, "demo", "--scale", "0.2", "--seed", "2"])
            let r = try Registry(path: db)
            #expect(try r.integrityCheck() == "ok")
            let now = try r.rowCounts()
            // Either the seed-1 county untouched, or a complete seed-2 county.
            #expect(now == first || (now["teachers"] == first["teachers"] && now["schools"] == first["schools"] && now["training"]! > 0),
                    "killed after \(delay) s")
        }
    }

    @Test func killedBackupsLeaveNoHalfFile() throws {
        let csv = try Self.demoCSV()
        let base = try temporaryDirectory()
        let db = base.appendingPathComponent("live.sqlite").path
        #expect(try Binary.run(["--db", db, "import-dir", csv.path]).status == 0)
        for (i, delay) in [0.05, 0.2, 0.5].enumerated() {
            let dest = base.appendingPathComponent("copy-\(i).sqlite").path
            try Self.killed(after: delay, ["--db", db, "backup", dest])
            if FileManager.default.fileExists(atPath: dest) {
                #expect(try Registry(path: dest).integrityCheck() == "ok")
                #expect(try Registry(path: dest).rowCounts()["training"] == (try Registry(path: db).rowCounts()["training"]))
            }
        }
    }

    @Test func backupWhileWritingIsConsistent() throws {
        let csv = try Self.demoCSV()
        let base = try temporaryDirectory()
        let db = base.appendingPathComponent("live.sqlite").path
        #expect(try Binary.run(["--db", db, "import-dir", csv.path]).status == 0)
        // A writer adds training records while the backup runs.
        let writer = Process()
        writer.executableURL = try #require(Binary.url)
        writer.arguments = ["--db", db, "training", "add", "--staff-no", "D0000001", "--title", "备份期间", "--level", "county",
                            "--start", "2025-12-01", "--end", "2025-12-02", "--hours", "8"]
        try writer.run()
        let copy = base.appendingPathComponent("copy.sqlite").path
        let r = try Binary.run(["--db", db, "backup", copy])
        writer.waitUntilExit()
        #expect(r.status == 0, "\(r.stderr)")
        let backup = try Registry(path: copy)
        #expect(try backup.integrityCheck() == "ok")
        let original = try Registry(path: db).rowCounts()
        let copied = try backup.rowCounts()
        // The copy holds the state either before or after the concurrent write.
        #expect(copied["training"] == original["training"] || copied["training"] == original["training"]! - 1)
        #expect(try Binary.run(["--db", db, "backup", copy]).status == 1)  // never overwrites
    }
}
