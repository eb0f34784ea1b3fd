import Foundation
import Testing

/// `teacher show --history` (SPEC §11 history): an update is one line naming each field `old → new`.
@Suite("History on the command line")
struct HistoryCommandTests {
    @Test func aCorrectionShowsOldAndNewOnOneLine() throws {
        let dir = try temporaryDirectory()
        let db = dir.appendingPathComponent("r.sqlite").path
        #expect(try Binary.run(["--db", db, "import-dir", countyFixture]).status == 0)
        let header = "staff_no,title,level,kind,start_date,end_date,hours,status\n"
        let first = dir.appendingPathComponent("a.csv"), second = dir.appendingPathComponent("b.csv")
        try (header + "T0001,校本研修,school,general,2024-03-01,2024-03-02,8,approved\n").write(to: first, atomically: true, encoding: .utf8)
        try (header + "T0001,校本研修,school,general,2024-03-01,2024-03-02,12.5,approved\n").write(to: second, atomically: true, encoding: .utf8)
        #expect(try Binary.run(["--db", db, "import", "training", first.path]).status == 0)
        #expect(try Binary.run(["--db", db, "import", "training", second.path]).status == 0)
        let zh = try Binary.run(["--db", db, "teacher", "show", "T0001", "--history"])
        #expect(zh.status == 0)
        let line = try #require(zh.stdout.split(separator: "\n").first { $0.contains("b.csv:2") })
        #expect(line.contains("hours: 8 → 12.5"), "\(line)")
        #expect(line.contains("培训获得学时"))
        let en = try Binary.run(["--db", db, "teacher", "show", "T0001", "--history", "--lang", "en"])
        #expect(en.stdout.split(separator: "\n").contains { $0.contains("updated training") && $0.contains("hours: 8 → 12.5") })
    }
}
