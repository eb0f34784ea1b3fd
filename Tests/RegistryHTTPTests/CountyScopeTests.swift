import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import RegistryHTTP
import RegistryStore
import RegistryTestSupport
import TeacherGrowth

/// Several counties in one registry over HTTP (issue 15): a county-limited token or account sees
/// only its county; a municipal one (no county) sees all and the roll-up.
@Suite("County scopes over HTTP")
struct CountyScopeTests {
    /// The county fixture with its schools split between 甲县 (S001–S003) and 乙县 (S004–S006).
    static func twoCounties() throws -> any RegistryBackend {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("RegistryStoreTests/Fixtures/county")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("counties-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: fixture.path) where name != "schools.csv" {
            try FileManager.default.copyItem(at: fixture.appendingPathComponent(name), to: dir.appendingPathComponent(name))
        }
        let lines = try String(contentsOf: fixture.appendingPathComponent("schools.csv"), encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: true)
        var out = [lines[0] + ",区县"]
        for l in lines.dropFirst() { out.append(l + (["S001", "S002", "S003"].contains(where: { l.hasPrefix($0) }) ? ",甲县" : ",乙县")) }
        try (out.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("schools.csv"), atomically: true, encoding: .utf8)
        let registry = try TestBackend.make()
        let outcome = try registry.importFiles(try Registry.sources(inDirectory: dir.path).sources, options: .init())
        #expect(outcome.errors.isEmpty, "\(outcome.errors)")
        return registry
    }

    static func app(_ registry: any RegistryBackend) -> some ApplicationProtocol {
        var logger = Logger(label: "test")
        logger.logLevel = .error
        return Application(router: RegistryServer.buildRouter(registry: registry, logger: logger, today: { CivilDate(iso: "2025-12-31")! }), logger: logger)
    }

    @Test func aCountyTokenSeesOnlyItsCounty() async throws {
        let registry = try Self.twoCounties()
        #expect(try registry.counties() == ["乙县", "甲县"])
        let jia = try registry.createToken(role: .county, school: nil, name: "jia", actor: "test", county: "甲县").1
        let municipal = try registry.createToken(role: .county, school: nil, name: "city", actor: "test").1
        let hrJia = try registry.createToken(role: .hr, school: nil, name: "hr-jia", actor: "test", county: "甲县").1
        #expect(throws: RegistryError.self) { try registry.createToken(role: .county, school: nil, name: "x", actor: "test", county: "丙县") }
        let teacherInYi = "T0003"  // at S005 (乙县)
        #expect(try registry.currentSchool(of: teacherInYi).map { ["S004", "S005", "S006"].contains($0) } == true)

        try await Self.app(registry).test(.router) { client in
            func status(_ uri: String, _ token: String?) async throws -> HTTPResponse.Status {
                try await client.execute(uri: uri, method: .get, headers: token.map(bearer) ?? [:]) { $0.status }
            }
            // Compliance of a school: own county yes, the other no (for county and HR tokens).
            #expect(try await status("/schools/S001/compliance?format=json", jia) == .ok)
            #expect(try await status("/schools/S004/compliance?format=json", jia) == .forbidden)
            #expect(try await status("/schools/S004/compliance?format=json", hrJia) == .forbidden)
            #expect(try await status("/schools/S004/compliance?format=json", municipal) == .ok)
            // Rotation and the report: another county is refused; an unknown one is not found.
            #expect(try await status("/rotation/2025?county=乙县".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!, jia) == .forbidden)
            #expect(try await status("/reports/teacher-growth/2025?county=乙县".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!, jia) == .forbidden)
            #expect(try await status("/reports/teacher-growth/2025?county=丙县".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!, municipal) == .notFound)
            // A teacher of the other county.
            #expect(try await status("/teachers/\(teacherInYi)?format=json", jia) == .forbidden)
            #expect(try await status("/teachers/\(teacherInYi)?format=json", municipal) == .ok)

            // What the county token gets without asking is its county's report, equal to asking for it.
            let own = try await client.execute(uri: "/reports/teacher-growth/2025", method: .get, headers: bearer(jia)) { text($0.body) }
            let asked = try await client.execute(uri: "/reports/teacher-growth/2025?county=甲县".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!,
                                                 method: .get, headers: bearer(municipal)) { text($0.body) }
            #expect(own == asked)
            #expect((try json(ByteBuffer(string: own))["scope"] as? [String: Any])?["county"] as? String == "甲县")
            let expected = try registry.growthReport(catalog: try registry.planCatalog(), year: 2025, today: CivilDate(iso: "2025-12-31")!, county: "甲县")
            #expect(try json(ByteBuffer(string: own))["metrics"].map { ($0 as! [[String: Any]]).count } == expected.current.metrics.count)

            // The roll-up sums the two counties.
            let rollup = try await client.execute(uri: "/reports/teacher-growth/2025?municipal=1", method: .get) { try json($0.body) }
            let yi = try registry.growthReport(catalog: try registry.planCatalog(), year: 2025, today: CivilDate(iso: "2025-12-31")!, county: "乙县")
            let metrics = try #require(rollup["metrics"] as? [[String: Any]])
            for m in metrics where m["kind"] as? String == "ratio" {
                let key = try #require(MetricKey(rawValue: m["key"] as! String))
                #expect(m["numerator"] as? Int == expected.current[key].numerator + yi.current[key].numerator, "\(key)")
                #expect(m["denominator"] as? Int == (expected.current[key].denominator ?? 0) + (yi.current[key].denominator ?? 0), "\(key)")
            }

            // The list of schools of a county token holds its county's schools only.
            let schools = try await client.execute(uri: "/schools?format=json", method: .get, headers: bearer(jia)) { text($0.body) }
            #expect(schools.contains("S001") && !schools.contains("S004"))
        }
    }
}
