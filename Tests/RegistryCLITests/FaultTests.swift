import Foundation
import Testing
import RegistryStore
#if canImport(Glibc)
import Glibc
#endif

/// A small filesystem for fault tests: a size-limited tmpfs (needs root, as on the CI machine).
struct SmallDisk {
    let path: String

    init?(kilobytes: Int) {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("tr-disk-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        guard getuid() == 0, Self.sh("mount -t tmpfs -o size=\(kilobytes)k tmpfs '\(path)'") else { return nil }
    }

    func readOnly() -> Bool { Self.sh("mount -o remount,ro '\(path)'") }

    func unmount() { _ = Self.sh("umount '\(path)'") }

    @discardableResult
    static func sh(_ command: String) -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command + " 2>/dev/null"]
        do { try p.run() } catch { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }
}

/// Issue 14, faults: a full disk and a read-only database during import, training add and backup
/// give a clear error, and nothing is lost or half-written.
@Suite("Faults: full disk, read-only database", .serialized)
struct FaultTests {
    /// A training file big enough to fill a small disk.
    func bigTraining(rows: Int) -> String {
        var s = "staff_no,title,level,start_date,end_date,hours,ref,status\n"
        s.reserveCapacity(rows * 90)
        for i in 0..<rows { s += "T0001,长标题的校本研修第\(i)期（填满磁盘用）,school,2024-03-01,2024-03-02,2,FULL-\(i),approved\n" }
        return s
    }

    @Test func aFullDiskDuringImportTrainingAddAndBackup() throws {
        guard let disk = SmallDisk(kilobytes: 1_536) else {
            print("skipped: mounting a small tmpfs needs root (the CI machine runs as root)")
            return
        }
        defer { disk.unmount() }
        let db = disk.path + "/r.sqlite"
        #expect(try Binary.run(["--db", db, "import-dir", countyFixture]).status == 0)
        let before = try Registry(path: db).rowCounts()
        let file = try temporaryDirectory().appendingPathComponent("training.csv")
        try bigTraining(rows: 40_000).write(to: file, atomically: true, encoding: .utf8)

        let full = try Binary.run(["--db", db, "import", "training", file.path])
        #expect(full.status == 1, "\(full.stdout)")
        #expect(full.stderr.contains("磁盘") && full.stderr.contains("满"), "\(full.stderr)")
        #expect(!full.stderr.contains("SQLite"), "never SQLite's words")
        let registry = try Registry(path: db)
        #expect(try registry.integrityCheck() == "ok")
        #expect(try registry.rowCounts() == before, "nothing half-written")

        // Fill what is left, then a single record and a backup.
        SmallDisk.sh("dd if=/dev/zero of='\(disk.path)/filler' bs=4k count=100000")
        let add = try Binary.run(["--db", db, "training", "add", "--staff-no", "T0001", "--title", "满盘时登记", "--level", "county",
                                  "--start", "2025-03-01", "--end", "2025-03-02", "--hours", "8"])
        if add.status != 0 {
            #expect(add.status == 1)
            #expect(!add.stderr.contains("SQLite"), "\(add.stderr)")
            #expect(try Registry(path: db).rowCounts()["training"] == before["training"])
        }
        let backup = try Binary.run(["--db", db, "backup", disk.path + "/backup.sqlite"])
        #expect(backup.status == 1, "\(backup.stdout)")
        #expect(backup.stderr.contains("备份"), "\(backup.stderr)")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: disk.path).filter { $0.hasPrefix("backup") }
        #expect(leftovers.isEmpty, "no half-written backup: \(leftovers)")
        #expect(try Registry(path: db).integrityCheck() == "ok")
    }

    @Test func aReadOnlyDatabase() throws {
        guard let disk = SmallDisk(kilobytes: 4_096) else {
            print("skipped: mounting a small tmpfs needs root (the CI machine runs as root)")
            return
        }
        defer { disk.unmount() }
        let db = disk.path + "/r.sqlite"
        #expect(try Binary.run(["--db", db, "import-dir", countyFixture]).status == 0)
        let before = try Registry(path: db).rowCounts()
        #expect(disk.readOnly())
        let file = try temporaryDirectory().appendingPathComponent("training.csv")
        try bigTraining(rows: 10).write(to: file, atomically: true, encoding: .utf8)
        for args in [["import", "training", file.path],
                     ["training", "add", "--staff-no", "T0001", "--title", "只读", "--level", "county", "--start", "2025-03-01", "--end", "2025-03-02", "--hours", "8"]] {
            let r = try Binary.run(["--db", db] + args)
            #expect(r.status == 1, "\(args): \(r.stdout)")
            #expect(r.stderr.contains("只读") || r.stderr.contains("写权限") || r.stderr.contains("无法打开"), "\(args): \(r.stderr)")
            #expect(!r.stderr.contains("SQLite error"), "\(r.stderr)")
        }
        // SQLite cannot open a WAL database on read-only storage at all: the sentence says why.
        let show = try Binary.run(["--db", db, "teacher", "show", "T0001"])
        #expect(show.status == 1)
        #expect(show.stderr.contains("只读") && show.stderr.contains("数据没有改动"), "\(show.stderr)")
        SmallDisk.sh("mount -o remount,rw '\(disk.path)'")
        #expect(try Registry(path: db).rowCounts() == before)
    }

    /// Everywhere (no root needed): SQLite's own page limit makes the disk "full" mid-import.
    @Test func aFullDatabaseMidImportRollsBackWithASentence() throws {
        let dir = try temporaryDirectory()
        let db = dir.appendingPathComponent("r.sqlite").path
        #expect(try Binary.run(["--db", db, "import-dir", countyFixture]).status == 0)
        let registry = try Registry(path: db)
        let before = try registry.rowCounts()
        try registry.writer.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            _ = try Int.fetchOne(db, sql: "PRAGMA max_page_count = \(pages + 20)")
        }
        let o: ImportOutcome
        do {
            o = try registry.importFiles([ImportSource(kind: ImportKind.named("training")!, fileName: "training.csv", bytes: Array(bigTraining(rows: 20_000).utf8))])
            Issue.record("the import should have failed: \(o.summaries)")
        } catch let e as RegistryError {
            #expect(e.message.zh.contains("磁盘") || e.message.zh.contains("空间"), "\(e.message.zh)")
            #expect(e.message.zh.contains("training.csv"), "names the file: \(e.message.zh)")
        }
        #expect(try registry.rowCounts() == before)
        #expect(try registry.integrityCheck() == "ok")
    }
}
