import Foundation
import GRDB
import Testing
import TeacherGrowth
@testable import RegistryStore

@Suite("Plans in the registry (issue 13)")
struct PlanStoreTests {
    func file(_ name: String, _ text: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("plans-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func bothPeriodsShipAndEachYearUsesItsPlan() throws {
        let registry = try Fixture.loadedRegistry()
        let catalog = try registry.planCatalog()
        #expect(catalog.plans.map(\.id) == ["youyang-2021-2025", "youyang-2026-2030-draft"])
        let r2025 = try registry.growthReport(catalog: catalog, year: 2025)
        let alone = try registry.growthReport(plan: .youyang, year: 2025)
        for key in MetricKey.allCases {
            #expect(r2025.current[key].tally == alone.current[key].tally && r2025.current[key].status == alone.current[key].status)
        }
        let r2026 = try registry.growthReport(catalog: catalog, year: 2026)
        #expect(r2026.plan.isDraft && r2026.history.isEmpty)
    }

    @Test func aTargetsSheetChangesItsYearsAndIsRecorded() throws {
        let registry = try Fixture.loadedRegistry()
        let before2025 = try registry.growthReport(catalog: try registry.planCatalog(), year: 2025)
        let sheet = try file("2026年目标.csv", "指标,年度,比较,目标值,来源\ncertificate_rate,2026,>=,98%,县教委2026年工作要点\n")
        let first = try registry.importPlan(path: sheet, actor: "test")
        #expect(first.map(\.kind) == [.added])
        #expect(first.first?.plan.id == "youyang-2026-2030-draft")
        #expect(first.first?.changes.map(\.en) == ["certificate_rate 2026: ≥1 → ≥0.98"])
        let catalog = try registry.planCatalog()
        #expect(try registry.growthReport(catalog: catalog, year: 2026).current[.certificate_rate].target?.value == Fraction(98, 100))
        #expect(catalog.plan(for: 2027).target(.certificate_rate, year: 2027)?.value == Fraction(1, 1))
        // Nothing before 2026 changes.
        let after2025 = try registry.growthReport(catalog: catalog, year: 2025)
        for key in MetricKey.allCases {
            #expect(after2025.current[key].target == before2025.current[key].target && after2025.current[key].tally == before2025.current[key].tally)
        }
        // The same sheet again changes nothing; another value is a new, recorded version.
        #expect(try registry.importPlan(path: sheet, actor: "test").map(\.kind) == [.unchanged])
        let second = try file("2026年目标-修订.csv", "指标,年度,目标值\ncertificate_rate,2026,0.99\n")
        #expect(try registry.importPlan(path: second, actor: "hr01").map(\.kind) == [.updated])
        let versions = try registry.planVersions("youyang-2026-2030-draft")
        #expect(versions.map(\.version) == [1, 2])
        #expect(versions.last?.actor == "hr01" && versions.last?.detail?.contains("≥0.98 → ≥0.99") == true)
        let log = try registry.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM change_log WHERE entity = 'plans'") }
        #expect(log == 2)
    }

    @Test func aYearNoPlanCoversNeedsAPlan() throws {
        let registry = try Registry()
        let sheet = try file("t.csv", "metric,year,value\ncertificate_rate,2031,1\n")
        #expect(throws: RegistryError.self) { try registry.importPlan(path: sheet, actor: "test") }
        do { _ = try registry.importPlan(path: sheet, actor: "test") } catch let e as RegistryError {
            #expect(e.text(.zh).contains("2031 年不属于任何规划期"))
        }
        #expect(try registry.storedPlans().isEmpty)
    }

    @Test func plansRoundTripAsJSONAndAsWorkbooks() throws {
        let registry = try Registry()
        let json = try file("youyang.json", Plan.youyangDraft2026.jsonText())
        #expect(try registry.importPlan(path: json, actor: "t").map(\.kind) == [.added])
        #expect(try registry.importPlan(path: json, actor: "t").map(\.kind) == [.unchanged])
        let dir = (json as NSString).deletingLastPathComponent
        let xlsx = dir + "/plan.xlsx"
        try Registry.planWorkbook(.youyangDraft2026).write(to: URL(fileURLWithPath: xlsx))
        let outcomes = try registry.importPlan(path: xlsx, actor: "t")
        #expect(outcomes.first?.plan.policy == Plan.youyangDraft2026.policy)
        #expect(outcomes.first?.plan.targets.mapValues { $0.mapValues(\.value) } == Plan.youyangDraft2026.targets.mapValues { $0.mapValues(\.value) })
    }

    @Test func theCountysOwnPlanTakesTheDraftsPlace() throws {
        let registry = try Registry()
        // The draft is stored (a targets sheet was applied to it) …
        _ = try registry.importPlan(path: try file("t.csv", "metric,year,value\ncertificate_rate,2026,0.98\n"), actor: "t")
        // … then the county's adopted plan for the same period arrives under its own id.
        var own = Plan.youyangDraft2026
        own.id = "youyang-2026-2030"
        own.status = .adopted
        own.name = .init(zh: "酉阳县教育事业发展“十五五”规划", en: "Youyang 15th plan")
        #expect(try registry.savePlan(own, actor: "t").kind == .added)
        let catalog = try registry.planCatalog()
        #expect(catalog.plan(for: 2026).id == "youyang-2026-2030")
        #expect(!catalog.plan(for: 2026).isDraft)
        // Two adopted plans may not overlap.
        var other = own
        other.id = "another"
        #expect(throws: RegistryError.self) { try registry.savePlan(other, actor: "t") }
    }
}
