import Foundation
import GRDB
import Testing
import TeacherGrowth
@testable import RegistryStore

@Suite("Facts as the reports read them")
struct FactReaderTests {
    /// What the reader gives each person's training: the approved, unvoided records, with their
    /// end dates and hours as stored (read from the index and parsed in Swift).
    @Test func trainingIsTheApprovedUnvoidedRecords() throws {
        let registry = try Fixture.loadedRegistry()
        let add = try registry.addTraining(["staff_no": "T0001", "title": "县级骨干培训", "level": "县级", "start_date": "2024-02-27",
                                            "end_date": "2024-02-29", "hours": "30.5"], actor: "cli:test")
        try registry.voidTraining(id: try registry.addTraining(["staff_no": "T0002", "title": "重复", "level": "校级", "start_date": "2023-05-01",
                                                                 "end_date": "2023-05-02", "hours": "8"], actor: "cli:test").id,
                                  reason: "重复录入", actor: "cli:test")
        var expected: [String: [String]] = [:]
        for r in try registry.listTraining(.init(status: .approved, includeVoided: false)) {
            expected[r.staffNo, default: []].append("\(r.endDate) \(r.hours.tenths)")
        }
        var read: [String: [String]] = [:]
        try registry.snapshot { reader in
            var out: [String: [String]] = [:]
            try reader.forEachTeacher(FactQuery()) { t in
                if !t.training.isEmpty { out[t.staffNo] = t.training.map { "\($0.endDate) \($0.hours.tenths)" } }
            }
            return out
        }.forEach { read[$0.key] = $0.value }
        #expect(read.mapValues { $0.sorted() } == expected.mapValues { $0.sorted() })
        #expect(read["T0001"]?.contains("2024-02-29 305") == true, "\(add)")
        #expect(read["T0002"]?.contains("2023-05-02 80") != true)
    }

    /// A void takes a record out of every figure at once.
    @Test func aVoidedRecordStopsCounting() throws {
        let registry = try Fixture.loadedRegistry()
        let day = CivilDate.lastDay(of: 2025)
        // Someone not on track on Dec 31, 2025, whom 500 hours would put on track.
        let offTrack = try registry.snapshot { reader -> String? in
            let plan = PlanCatalog.bundled.plan(for: 2025)
            let metricDay = MetricDay(date: day, plan: plan, schools: Dictionary(uniqueKeysWithValues: try reader.schools().map { ($0.code, $0) }))
            var found: String?
            try reader.forEachTeacher(FactQuery()) { t in
                if found == nil, t.isFullTimeTeacher(on: day), !TeacherMetrics.isOnTrack(t, metricDay) { found = t.staffNo }
            }
            return found
        }
        let staffNo = try #require(offTrack)
        func onTrack() throws -> Int { try registry.growthReport(catalog: .bundled, year: 2025).current[.training_360_rate].tally.numerator }
        let before = try onTrack()
        let added = try registry.addTraining(["staff_no": staffNo, "title": "县级集中研修", "level": "县级", "start_date": "2025-01-06",
                                              "end_date": "2025-06-30", "hours": "500"], actor: "cli:test")
        #expect(try onTrack() == before + 1)
        try registry.voidTraining(id: added.id, reason: "录入错误", actor: "cli:test")
        #expect(try onTrack() == before)
    }

    /// The server asks for the facts version on every request and keeps it while no commit
    /// happened; a commit by another connection or process must show at once.
    @Test func theFactsVersionSeesOtherConnectionsAtOnce() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("r.sqlite").path
        let server = try Registry(path: path)
        #expect(server.versionProbe != nil)
        _ = try server.importFiles(try Fixture.countySources())
        let v1 = try server.dataVersion()
        #expect(try server.dataVersion() == v1)
        // Another process (here: another registry on the same file) adds a record.
        let other = try Registry(path: path)
        _ = try other.addTraining(["staff_no": "T0001", "title": "县级班主任培训", "level": "县级", "start_date": "2025-03-01",
                                   "end_date": "2025-03-03", "hours": "24"], actor: "cli:test")
        let v2 = try server.dataVersion()
        #expect(v2 != v1)
        // A commit that changes no facts (a token) leaves the version as it was.
        _ = try other.createToken(role: .hr, school: nil, name: "hr-1", actor: "cli:test")
        #expect(try server.dataVersion() == v2)
        // And the server's own writes, through its pool, show too.
        _ = try server.addTraining(["staff_no": "T0002", "title": "县级班主任培训", "level": "县级", "start_date": "2025-03-01",
                                    "end_date": "2025-03-03", "hours": "24"], actor: "cli:test")
        #expect(try server.dataVersion() != v2)
    }
}
