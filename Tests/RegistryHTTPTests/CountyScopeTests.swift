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

    /// Pending records for a 甲县 teacher (T0001, S001) and a 乙县 one (T0003, S005); their ids.
    static func pending(_ registry: any RegistryBackend) throws -> (jia: [Int64], yi: [Int64], batch: Int64) {
        let csv = "工号,培训项目名称,培训级别,培训开始日期,培训结束日期,培训获得学时,审核状态\n"
            + "T0001,甲县待审一,县级,2025-03-01,2025-03-02,6,待审核\nT0001,甲县待审二,县级,2025-04-01,2025-04-02,6,待审核\n"
            + "T0003,乙县待审,县级,2025-03-01,2025-03-02,8,待审核\n"
        let o = try registry.importFiles([ImportSource(kind: ImportKind.named("training")!, fileName: "pending.csv", bytes: Array(csv.utf8))],
                                         options: .init(actor: "test"))
        #expect(o.errors.isEmpty, "\(o.errors)")
        let rows = try registry.pendingTraining(.init(limit: 100)).rows
        return (rows.filter { $0.listing.staffNo == "T0001" }.map(\.listing.id), rows.filter { $0.listing.staffNo == "T0003" }.map(\.listing.id),
                try #require(o.batchID))
    }

    /// A county-limited HR token: its queue, reviews, voids and new records are its county's only.
    @Test func aCountyHRChangesOnlyItsCounty() async throws {
        let registry = try Self.twoCounties()
        let (jia, yi, batch) = try Self.pending(registry)
        #expect(jia.count == 2 && yi.count == 1)
        // Every pending record (the fixture has some of its own), and those of 甲县's schools, by the rows' schools.
        let pendingRows = try registry.pendingTraining(.init(limit: 1000)).rows
        let total = pendingRows.count, ofJia = pendingRows.filter { ["S001", "S002", "S003"].contains($0.schoolCode ?? "") }.count
        #expect(ofJia < total)
        let hrJia = try registry.createToken(role: .hr, school: nil, name: "hr-jia", actor: "test", county: "甲县").1
        let hrAll = try registry.createToken(role: .hr, school: nil, name: "hr-all", actor: "test").1
        try await Self.app(registry).test(.router) { client in
            func post(_ uri: String, _ token: String, _ body: String = "") async throws -> HTTPResponse.Status {
                var h = bearer(token)
                h[.contentType] = "application/json"
                return try await client.execute(uri: uri, method: .post, headers: h, body: ByteBuffer(string: body)) { $0.status }
            }
            let queue = try await client.execute(uri: "/training/pending", method: .get, headers: bearer(hrJia)) { try json($0.body) }
            #expect(queue["total"] as? Int == ofJia, "the 甲县 queue holds 甲县's records only")
            let all = try await client.execute(uri: "/training/pending", method: .get, headers: bearer(hrAll)) { try json($0.body) }
            #expect(all["total"] as? Int == total)

            #expect(try await post("/training/\(yi[0])/approve", hrJia) == .forbidden)
            #expect(try await post("/training/\(yi[0])/reject", hrJia, #"{"reason":"x"}"#) == .forbidden)
            #expect(try registry.pendingCount() == total, "nothing was reviewed")
            #expect(try registry.pendingCount(county: "甲县") == ofJia)
            #expect(try await post("/training/\(jia[0])/approve", hrJia) == .ok)
            #expect(try registry.pendingCount() == total - 1)

            let record = #"{"staff_no":"%@","title":"县外登记","level":"county","start_date":"2025-05-01","end_date":"2025-05-02","hours":4}"#
            #expect(try await post("/training", hrJia, record.replacingOccurrences(of: "%@", with: "T0003")) == .forbidden)
            #expect(try await post("/training", hrJia, record.replacingOccurrences(of: "%@", with: "T0001")) == .created)
            #expect(try await post("/training", hrAll, record.replacingOccurrences(of: "%@", with: "T0003")) == .created)
        }
        // A batch approval by the county-limited account would take its county's records only.
        #expect(try registry.pendingTrainingIDs(batch: batch, county: "甲县") == [jia[1]])
        #expect(try registry.pendingTrainingIDs(batch: batch).sorted() == [jia[1], yi[0]].sorted())
        #expect(try registry.recentBatches(limit: 10, county: "乙县").allSatisfy { b in b.id != batch } == false, "the batch touched 乙县 too")
    }

    /// A county-limited county office through the web: its own accounts only, new accounts limited
    /// to its county, another county's account refused; an upload of another county's rows refused.
    @Test func aCountyOfficeManagesItsOwnAccountsAndFiles() async throws {
        let registry = try Self.twoCounties()
        _ = try registry.addUser(login: "jia1", role: .county, school: nil, displayName: "甲县教委", password: "county-pass-1", mustChangePassword: false,
                                 actor: "test", county: "甲县")
        _ = try registry.addUser(login: "yi1", role: .county, school: nil, displayName: "乙县教委", password: "county-pass-2", mustChangePassword: false,
                                 actor: "test", county: "乙县")
        _ = try registry.addUser(login: "hrjia", role: .hr, school: nil, displayName: "甲县人事", password: "hr-pass-123", mustChangePassword: false,
                                 actor: "test", county: "甲县")
        try await Self.app(registry).test(.router) { client in
            var b = Browser()
            #expect(try await b.signIn(client, "jia1", "county-pass-1").status == .seeOther)
            let page = text(try await b.get(client, "/users").body)
            #expect(page.contains("jia1") && !page.contains("yi1"), "another county's accounts are not listed")
            let added = try await b.post(client, "/users", [("login", "hrjia2"), ("role", "hr"), ("name", "甲县师训")])
            #expect(added.status == .ok)
            #expect(try registry.user(login: "hrjia2")?.county == "甲县", "a new account is limited to the county too")
            let principal = try await b.post(client, "/users", [("login", "pyi"), ("role", "principal"), ("school", "S005"), ("name", "乙县校长")])
            #expect(principal.status == .forbidden)
            #expect(try registry.user(login: "pyi") == nil)
            _ = try await b.get(client, "/users")
            #expect(try await b.post(client, "/users/yi1/disable", []).status == .forbidden)
            #expect(try registry.user(login: "yi1")?.isDisabled == false)
            _ = try await b.get(client, "/users")
            #expect(try await b.post(client, "/users/yi1/password", []).status == .forbidden)

            var hr = Browser()
            #expect(try await hr.signIn(client, "hrjia", "hr-pass-123").status == .seeOther)
            _ = try await hr.get(client, "/imports")
            let before = try registry.listTraining(.init()).count
            let csv = "工号,培训项目名称,培训级别,培训开始日期,培训结束日期,培训获得学时\nT0001,本县,县级,2025-06-01,2025-06-02,6\nT0003,外县,县级,2025-06-01,2025-06-02,6\n"
            let preview = try await hr.upload(client, "/imports", files: [("training.csv", Array(csv.utf8))])
            let body = text(preview.body)
            #expect(body.contains("T0003") && body.contains("乙县") && body.contains("training.csv:3"), "the other county's row is named")
            #expect(!body.contains("/confirm"), "nothing to confirm")
            #expect(try registry.listTraining(.init()).count == before)
            let own = "工号,培训项目名称,培训级别,培训开始日期,培训结束日期,培训获得学时\nT0001,本县,县级,2025-06-01,2025-06-02,6\n"
            _ = try await hr.get(client, "/imports")
            let ok = text(try await hr.upload(client, "/imports", files: [("training.csv", Array(own.utf8))]).body)
            #expect(ok.contains("/confirm"), "its own county's rows can be imported")
        }
    }
}
