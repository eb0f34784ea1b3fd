import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import RegistryHTTP
import RegistryStore
import RegistryTestSupport
import TeacherGrowth

/// A registry with the county fixture and one token per role.
struct Fixture {
    /// SQLite in memory, or a new PostgreSQL database (`TestBackend`).
    let registry: any RegistryBackend
    let county: String, hr: String, principal: String, revoked: String

    init() throws {
        registry = try TestBackend.make()
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("RegistryStoreTests/Fixtures/county").path
        let outcome = try registry.importFiles(try Registry.sources(inDirectory: dir).sources)
        precondition(outcome.errors.isEmpty)
        county = try registry.createToken(role: .county, school: nil, name: "county", actor: "test").1
        hr = try registry.createToken(role: .hr, school: nil, name: "hr", actor: "test").1
        principal = try registry.createToken(role: .principal, school: "S001", name: "principal", actor: "test").1
        revoked = try registry.createToken(role: .county, school: nil, name: "old", actor: "test").1
        _ = try registry.revokeToken("old", actor: "test")
    }

    func app() -> some ApplicationProtocol {
        var logger = Logger(label: "test")
        logger.logLevel = .error
        let router = RegistryServer.buildRouter(registry: registry, logger: logger,
                                                today: { CivilDate(iso: "2025-12-31")! })
        return Application(router: router, logger: logger)
    }
}

func bearer(_ t: String) -> HTTPFields { [.authorization: "Bearer \(t)"] }
func text(_ b: ByteBuffer) -> String { String(buffer: b) }
func json(_ b: ByteBuffer) throws -> [String: Any] { try JSONSerialization.jsonObject(with: Data(buffer: b)) as! [String: Any] }

@Suite("HTTP routes")
struct RouteTests {
    @Test func health() async throws {
        let f = try Fixture()
        try await f.app().test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { (r: TestResponse) throws in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "application/json; charset=utf-8")
                #expect(try json(r.body)["status"] as? String == "ok")
                #expect(try json(r.body)["schema_version"] as? Int == Registry.schemaVersion)
            }
        }
    }

    @Test func reportInEveryFormatEqualsTheCLIJSON() async throws {
        let f = try Fixture()
        let expected = try f.registry.growthReport(plan: .youyang, year: 2025)
        try await f.app().test(.router) { client in
            try await client.execute(uri: "/reports/teacher-growth/2025", method: .get) { (r: TestResponse) throws in
                #expect(r.status == .ok)
                let j = try json(r.body)
                let cert = (j["metrics"] as! [[String: Any]]).first { $0["key"] as? String == "certificate_rate" }!
                #expect(cert["numerator"] as? Int == expected.current[.certificate_rate].numerator)
                #expect(cert["denominator"] as? Int == expected.current[.certificate_rate].tally.denominator)
                #expect(text(r.body).contains("\"personal\"") == false)
                #expect(!text(r.body).contains("张三"))
            }
            for (query, accept, type) in [("?format=html", "", "text/html"), ("?format=csv", "", "text/csv"), ("?format=markdown", "", "text/markdown"),
                                          ("", "text/html", "text/html"), ("", "text/csv", "text/csv"), ("", "application/json", "application/json")] {
                let headers: HTTPFields = accept.isEmpty ? [:] : [.accept: accept]
                try await client.execute(uri: "/reports/teacher-growth/2025\(query)", method: .get, headers: headers) { (r: TestResponse) throws in
                    #expect(r.status == .ok)
                    #expect(r.headers[.contentType]?.hasPrefix(type) == true, "\(query) \(accept)")
                }
            }
            try await client.execute(uri: "/reports/teacher-growth/2025?format=html&lang=en", method: .get) { (r: TestResponse) throws in
                #expect(text(r.body).contains("Teacher-growth targets report 2025"))
                #expect(!text(r.body).contains("<script"))
            }
            try await client.execute(uri: "/reports/teacher-growth/2023?as_of=2023-06-30", method: .get) { (r: TestResponse) throws in
                #expect(try json(r.body)["as_of"] as? String == "2023-06-30")
            }
        }
    }

    @Test(arguments: ["/reports/teacher-growth/20x5", "/reports/teacher-growth/1989", "/reports/teacher-growth/2101",
                      "/reports/teacher-growth/02025", "/reports/teacher-growth/2025?as_of=2025-02-30",
                      "/reports/teacher-growth/2025?as_of=2024-12-31", "/reports/teacher-growth/2025?format=pdf",
                      "/reports/teacher-growth/2025?lang=fr", "/reports/teacher-growth/2025';DROP%20TABLE%20teachers;--"])
    func badRequests(uri: String) async throws {
        let f = try Fixture()
        try await f.app().test(.router) { client in
            try await client.execute(uri: uri, method: .get) { (r: TestResponse) throws in
                #expect(r.status == .badRequest, "\(uri)")
                #expect(try json(r.body)["error"] is String)
                #expect(!text(r.body).lowercased().contains("sqlite"))
            }
        }
        #expect(try f.registry.rowCounts()["teachers"] == 5)
    }

    @Test func dashboard() async throws {
        let f = try Fixture()
        try await f.app().test(.router) { client in
            try await client.execute(uri: "/", method: .get) { (r: TestResponse) throws in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType]?.hasPrefix("text/html") == true)
                let page = text(r.body)
                #expect(page.contains("<svg"))
                #expect(page.contains("/reports/teacher-growth/2023?format=html"))
                #expect(page.contains("?lang=en"))
                #expect(!page.contains("张三") && !page.contains("500242198503121234"))
            }
        }
    }

    @Test func complianceScopes() async throws {
        let f = try Fixture()
        try await f.app().test(.router) { client in
            try await client.execute(uri: "/schools/S001/compliance", method: .get) { (r: TestResponse) throws in #expect(r.status == .unauthorized) }
            try await client.execute(uri: "/schools/S001/compliance", method: .get, headers: bearer("trk_guess")) { (r: TestResponse) throws in #expect(r.status == .unauthorized) }
            try await client.execute(uri: "/schools/S001/compliance", method: .get, headers: bearer(f.revoked)) { (r: TestResponse) throws in #expect(r.status == .unauthorized) }
            try await client.execute(uri: "/schools/S001/compliance", method: .get, headers: bearer(f.principal)) { (r: TestResponse) throws in
                #expect(r.status == .ok)
                let teachers = try json(r.body)["teachers"] as! [[String: Any]]
                #expect(teachers.map { $0["staff_no"] as? String } == ["T0001"])
                #expect(teachers[0].keys.contains("hours_needed_per_year"))
            }
            try await client.execute(uri: "/schools/S002/compliance", method: .get, headers: bearer(f.principal)) { (r: TestResponse) throws in #expect(r.status == .forbidden) }
            try await client.execute(uri: "/schools/S404/compliance", method: .get, headers: bearer(f.county)) { (r: TestResponse) throws in #expect(r.status == .notFound) }
            try await client.execute(uri: "/schools/S002/compliance?format=csv", method: .get, headers: bearer(f.hr)) { (r: TestResponse) throws in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType]?.hasPrefix("text/csv") == true)
            }
            try await client.execute(uri: "/schools/S002/compliance?as_of=2025-1-1", method: .get, headers: bearer(f.hr)) { (r: TestResponse) throws in #expect(r.status == .badRequest) }
        }
    }

    @Test func rotationNeedsACountyToken() async throws {
        let f = try Fixture()
        try await f.app().test(.router) { client in
            try await client.execute(uri: "/rotation/2023", method: .get) { (r: TestResponse) throws in #expect(r.status == .unauthorized) }
            try await client.execute(uri: "/rotation/2023", method: .get, headers: bearer(f.hr)) { (r: TestResponse) throws in #expect(r.status == .forbidden) }
            try await client.execute(uri: "/rotation/2023", method: .get, headers: bearer(f.principal)) { (r: TestResponse) throws in #expect(r.status == .forbidden) }
            try await client.execute(uri: "/rotation/2023", method: .get, headers: bearer(f.county)) { (r: TestResponse) throws in
                #expect(r.status == .ok)
                let j = try json(r.body)
                let ex = (j["metrics"] as! [[String: Any]]).first { $0["key"] as? String == "exchange_rate" }!
                #expect(ex["numerator"] as? Int == 1 && ex["denominator"] as? Int == 1)
                #expect((j["plan"] as? [String: Any])?.keys.contains("k") == true)
            }
            try await client.execute(uri: "/rotation/abc", method: .get, headers: bearer(f.county)) { (r: TestResponse) throws in #expect(r.status == .badRequest) }
        }
    }

    @Test func loggingTraining() async throws {
        let f = try Fixture()
        let before = try f.registry.rowCounts()["training"]!
        let good = #"{"staff_no":"T0002","title":"县级体育专题","level":"县级","start_date":"2025-11-01","end_date":"2025-11-03","hours":24.5}"#
        try await f.app().test(.router) { client in
            try await client.execute(uri: "/training", method: .post, body: ByteBuffer(string: good)) { (r: TestResponse) throws in #expect(r.status == .unauthorized) }
            try await client.execute(uri: "/training", method: .post, headers: bearer(f.county), body: ByteBuffer(string: good)) { (r: TestResponse) throws in
                #expect(r.status == .forbidden)
            }
            try await client.execute(uri: "/training", method: .post, headers: bearer(f.hr), body: ByteBuffer(string: good)) { (r: TestResponse) throws in
                #expect(r.status == .created)
                #expect(try json(r.body)["outcome"] as? String == "added")
            }
            try await client.execute(uri: "/training", method: .post, headers: bearer(f.hr), body: ByteBuffer(string: good)) { (r: TestResponse) throws in
                #expect(r.status == .ok)
                #expect(try json(r.body)["outcome"] as? String == "unchanged")
            }
            let bad = #"{"staff_no":"T9999","title":"x","level":"乡级","start_date":"2025-11-01","end_date":"2025-10-03","hours":"2o","flag":true}"#
            try await client.execute(uri: "/training", method: .post, headers: bearer(f.hr), body: ByteBuffer(string: bad)) { (r: TestResponse) throws in
                #expect(r.status == .unprocessableContent)
                let fields = try json(r.body)["fields"] as! [String: String]
                #expect(Set(fields.keys) == ["staff_no", "level", "end_date", "hours", "flag"])
            }
            try await client.execute(uri: "/training", method: .post, headers: bearer(f.hr), body: ByteBuffer(string: "{not json")) { (r: TestResponse) throws in
                #expect(r.status == .badRequest)
            }
            try await client.execute(uri: "/training", method: .post, headers: bearer(f.hr),
                                     body: ByteBuffer(string: String(repeating: "a", count: 100_000))) { (r: TestResponse) throws in
                #expect(r.status == .contentTooLarge)
            }
        }
        #expect(try f.registry.rowCounts()["training"]! == before + 1)
    }

    @Test func theReportIsNeverStaleAfterAWrite() async throws {
        let f = try Fixture()
        try await f.app().test(.router) { client in
            func certNumerator() async throws -> Int {
                try await client.execute(uri: "/reports/teacher-growth/2025", method: .get) { (r: TestResponse) throws in
                    let m = (try json(r.body)["metrics"] as! [[String: Any]]).first { $0["key"] as? String == "certificate_rate" }!
                    return m["numerator"] as! Int
                }
            }
            let before = try await certNumerator()
            _ = try f.registry.importFiles([ImportSource(kind: ImportKind.named("certificates")!, fileName: "certificates.csv",
                bytes: Array("staff_no,kind,number,issued_on\nT0005,primary,NEW-1,2024-01-01\n".utf8))])
            #expect(try await certNumerator() == before + 1)
        }
    }

    @Test func overARealSocket() async throws {
        let f = try Fixture()
        try await f.app().test(.live) { client in
            try await client.execute(uri: "/health", method: .get) { (r: TestResponse) throws in #expect(r.status == .ok) }
            try await client.execute(uri: "/reports/teacher-growth/2025?format=csv", method: .get) { (r: TestResponse) throws in
                #expect(r.status == .ok)
                #expect(text(r.body).contains("certificate_rate"))
            }
        }
    }
}

@Suite("Token hashing")
struct TokenTests {
    @Test func storedOnlyAsAHash() throws {
        let registry = try Registry()
        let (token, secret) = try registry.createToken(role: .county, school: nil, name: "x", actor: "t")
        #expect(secret.hasPrefix("trk_") && secret.count == 68)
        #expect(try registry.authenticate(secret)?.id == token.id)
        #expect(try registry.authenticate(String(secret.dropLast()) + "0") == nil || secret.hasSuffix("0"))
        let stored = try registry.writer.read { try String.fetchAll($0, sql: "SELECT hash FROM tokens") }
        #expect(stored.count == 1 && stored[0] != secret && stored[0].count == 64)
        #expect(throws: TokenError.principalNeedsSchool) { try registry.createToken(role: .principal, school: nil, name: "p", actor: "t") }
        #expect(throws: TokenError.unknownSchool("S9")) { try registry.createToken(role: .principal, school: "S9", name: "p", actor: "t") }
    }
}

import GRDB

@Suite("HTTP under concurrent writes")
struct HTTPConcurrencyTests {
    @Test func readsKeepSucceedingWhileWritersRun() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tr-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // A file database (WAL), so that reads and writes really overlap.
        let registry = try Registry(path: dir.appendingPathComponent("r.sqlite").path)
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("RegistryStoreTests/Fixtures/county").path
        #expect(try registry.importFiles(try Registry.sources(inDirectory: fixture).sources).errors.isEmpty)
        var logger = Logger(label: "test")
        logger.logLevel = .error
        let app = Application(router: RegistryServer.buildRouter(registry: registry, logger: logger,
                                                                 today: { CivilDate(iso: "2025-12-31")! }), logger: logger)
        let writer = Thread {
            for i in 0..<40 {
                _ = try? registry.addTraining(["staff_no": "T0005", "title": "并发\(i)", "level": "county", "start_date": "2025-03-01",
                                               "end_date": "2025-03-02", "hours": "1"], actor: "test")
            }
        }
        writer.start()
        try await app.test(.router) { client in
            var previous = -1
            for _ in 0..<60 {
                try await client.execute(uri: "/reports/teacher-growth/2025", method: .get) { (r: TestResponse) throws in
                    #expect(r.status == .ok)
                    let m = (try json(r.body)["metrics"] as! [[String: Any]]).first { $0["key"] as? String == "county_training_3yr_rate" }!
                    let n = m["numerator"] as! Int
                    // County training only grows as records are added: never a step back.
                    #expect(n >= previous)
                    previous = n
                }
            }
        }
        while !writer.isFinished { try await Task.sleep(for: .milliseconds(20)) }
        #expect(try registry.rowCounts()["training"] == 45)
    }
}

@Suite("HTTP hostile input")
struct HostileInputTests {
    @Test(arguments: ["/schools/S001'%20OR%20'1'='1/compliance", "/schools/..%2F..%2Fetc%2Fpasswd/compliance",
                      "/schools/%00/compliance", "/schools/" + String(repeating: "S", count: 5000) + "/compliance"])
    func schoolCodesThatAreNotSchools(uri: String) async throws {
        let f = try Fixture()
        try await f.app().test(.router) { client in
            try await client.execute(uri: uri, method: .get, headers: bearer(f.county)) { (r: TestResponse) throws in
                #expect(r.status == .notFound, "\(uri)")
                #expect(!text(r.body).lowercased().contains("sql"))
            }
        }
    }

    @Test func oddRequestsGetPlainErrors() async throws {
        let f = try Fixture()
        try await f.app().test(.router) { client in
            for uri in ["/../../etc/passwd", "/" + String(repeating: "a", count: 20_000), "/reports/teacher-growth/2025/../../../etc"] {
                try await client.execute(uri: uri, method: .get) { (r: TestResponse) throws in
                    #expect(r.status == .notFound || r.status == .badRequest, "\(uri.prefix(60))")
                }
            }
            for header in ["Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer " + String(repeating: "x", count: 10_000)] {
                try await client.execute(uri: "/rotation/2025", method: .get, headers: [.authorization: header]) { (r: TestResponse) throws in
                    #expect(r.status == .unauthorized)
                }
            }
            // The scheme is case-insensitive (RFC 9110).
            for scheme in ["bearer", "BEARER", "Bearer"] {
                try await client.execute(uri: "/rotation/2025", method: .get, headers: [.authorization: "\(scheme) \(f.county)"]) { (r: TestResponse) throws in
                    #expect(r.status == .ok, "\(scheme)")
                }
            }
            // A real token with one character changed, at the start and at the end, gets nothing.
            let t = f.county
            let guesses: [String] = ["x" + String(t.dropFirst()), String(t.dropLast()) + (t.hasSuffix("0") ? "1" : "0")]
            for guess in guesses {
                try await client.execute(uri: "/rotation/2025", method: .get, headers: bearer(guess)) { (r: TestResponse) throws in
                    #expect(r.status == .unauthorized)
                }
            }
            try await client.execute(uri: "/training", method: .post, headers: bearer(f.hr), body: ByteBuffer(string: "[1,2,3]")) { (r: TestResponse) throws in
                #expect(r.status == .badRequest)
            }
            try await client.execute(uri: "/training", method: .post, headers: bearer(f.hr),
                                     body: ByteBuffer(string: #"{"staff_no":"T0001'; DROP TABLE training; --","title":"x","level":"county","start_date":"2025-01-01","end_date":"2025-01-02","hours":1}"#)) { (r: TestResponse) throws in
                #expect(r.status == .unprocessableContent)
            }
        }
        #expect(try f.registry.rowCounts()["training"] == 5)
    }
}
