import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
@testable import RegistryHTTP
import RegistryStore
import TeacherGrowth

/// Issue 14 through the router: hostile input is refused with a sentence, never a crash or a 500;
/// public computation is bounded; writes stop when the database file moves away.
@Suite("HTTP hardening")
struct HardeningTests {
    func post(_ client: some TestClientProtocol, _ token: String, _ body: String, type: String = "application/json") async throws -> TestResponse {
        var h = bearer(token)
        h[.contentType] = type
        return try await client.execute(uri: "/training", method: .post, headers: h, body: ByteBuffer(string: body)) { $0 }
    }

    static let record = #""staff_no":"T0001","level":"county","start_date":"2025-03-01","end_date":"2025-03-02","hours":8"#

    @Test(arguments: [#""title":"a\u0000b""#, #""title":"\u0000ab""#, #""title":"ok","ref":"\u0000""#, #""title":"ok","provider":"x\u0007y""#,
                      #""title":"a\u001bb""#, #""title":"ok","ref":"r\u007f""#])
    func controlCharactersAreRefusedNamingTheField(field: String) async throws {
        let f = try Fixture()
        let before = try f.registry.rowCounts()
        try await f.app().test(.router) { client in
            let r = try await post(client, f.hr, "{\(Self.record),\(field)}")
            #expect(r.status == .unprocessableContent, "\(field)")
            let j = try json(r.body)
            let fields = j["fields"] as? [String: String] ?? [:]
            let named = field.split(separator: ",").compactMap { part -> String? in
                part.contains("\\u00") ? String(part.split(separator: ":")[0].dropFirst().dropLast()) : nil
            }
            for n in named { #expect(fields[n]?.contains("控制字符") == true, "\(n) in \(fields)") }
            // Still serving.
            try await client.execute(uri: "/health", method: .get) { r in #expect(r.status == .ok) }
        }
        #expect(try f.registry.rowCounts() == before)
    }

    @Test func headWhereverGetAndOversizedBodiesAtOnce() async throws {
        let f = try Fixture()
        try await f.app().test(.router) { client in
            for uri in ["/health", "/reports/teacher-growth/2025", "/", "/login"] {
                try await client.execute(uri: uri, method: .head) { r in
                    #expect(r.status == .ok, "HEAD \(uri)")
                    #expect(r.body.readableBytes == 0)
                }
            }
            try await client.execute(uri: "/schools/S001/compliance", method: .head, headers: bearer(f.county)) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.cacheControl]?.contains("no-store") == true, "personal data is not stored by caches")
            }
            // (A declared Content-Length above the limit is refused before the body is read; the
            // router test client sets the length itself, so here the body really is too large.)
            let big = try await post(client, f.hr, "{\"title\":\"" + String(repeating: "x", count: 100_000) + "\"}")
            #expect(big.status == .contentTooLarge)
            let wrongType = try await post(client, f.hr, "{\(Self.record),\"title\":\"x\"}", type: "text/plain")
            #expect(wrongType.status == .unsupportedMediaType)
        }
    }

    @Test func formulaNamesAreInertInTheComplianceCSV() async throws {
        let f = try Fixture()
        let header = "staff_no,name,gender,birth_date,hired_on,establishment,school_code,school_since,post,stage,education\n"
        var rows = header
        for (i, name) in ["=HYPERLINK(\"\"http://x\"\",\"\"y\"\")", "+1+1", "-2+3", "@SUM(1,1)"].enumerated() {
            rows += "F0\(i),\"\(name)\",女,1990-01-0\(i + 1),2015-09-01,在编,S001,2015-09-01,专任教师,高中,本科\n"
        }
        let o = try f.registry.importFiles([ImportSource(kind: ImportKind.named("teachers")!, fileName: "t.csv", bytes: Array(rows.utf8))])
        #expect(o.errors.isEmpty)
        try await f.app().test(.router) { client in
            for lang in ["zh", "en"] {
                try await client.execute(uri: "/schools/S001/compliance?format=csv&lang=\(lang)", method: .get, headers: bearer(f.county)) { r in
                    #expect(r.status == .ok)
                    let body = text(r.body)
                    for line in body.split(separator: "\n") {
                        for cell in line.split(separator: ",", omittingEmptySubsequences: false) {
                            let c = cell.hasPrefix("\"") ? cell.dropFirst() : cell[...]
                            #expect(!(c.first.map { "=+-@".contains($0) } ?? false) || Double(c) != nil, "active cell \(cell)")
                        }
                    }
                    #expect(body.contains("'+1+1"))
                }
            }
        }
    }

    @Test func tokensExpireRecordWhenUsedAndHaveUniqueNames() async throws {
        let f = try Fixture()
        let (_, old) = try f.registry.createToken(role: .county, school: nil, name: "short", actor: "test", expiresInDays: 1,
                                                  now: Date().addingTimeInterval(-2 * 86_400))
        let (_, fresh) = try f.registry.createToken(role: .county, school: nil, name: "long", actor: "test", expiresInDays: 30)
        #expect(throws: TokenError.duplicateName("long")) { try f.registry.createToken(role: .hr, school: nil, name: "long", actor: "test") }
        #expect(throws: TokenError.badExpiry) { try f.registry.createToken(role: .hr, school: nil, name: "x", actor: "test", expiresInDays: 0) }
        try await f.app().test(.router) { client in
            try await client.execute(uri: "/rotation/2025", method: .get, headers: bearer(old)) { r in #expect(r.status == .unauthorized) }
            try await client.execute(uri: "/rotation/2025", method: .get, headers: bearer(fresh)) { r in #expect(r.status == .ok) }
        }
        let listed = try f.registry.listTokens()
        #expect(listed.first { $0.name == "long" }?.lastUsedAt != nil)
        #expect(listed.first { $0.name == "short" }?.lastUsedAt == nil)
        #expect(listed.first { $0.name == "long" }?.expiresAt != nil)
        // A revoked token's name can be used again.
        _ = try f.registry.revokeToken("long", actor: "test")
        _ = try f.registry.createToken(role: .county, school: nil, name: "long", actor: "test")
    }

    @Test func publicYearsAreBoundedByTheDataAndThePlans() async throws {
        let f = try Fixture()
        try await f.app().test(.router) { client in
            for (year, status) in [(1995, HTTPResponse.Status.notFound), (2099, .notFound), (2025, .ok), (2030, .ok), (2021, .ok)] {
                try await client.execute(uri: "/reports/teacher-growth/\(year)?format=json", method: .get) { r in
                    #expect(r.status == status, "\(year)")
                    if status == .notFound { #expect(text(r.body).contains("可查询的年份")) }
                }
            }
        }
    }

    @Test func identicalComputationsRunOnceAndAtMostTheLimitRunTogether() async throws {
        let cache = ResponseCache(limit: 8, concurrency: 2)
        let calls = Mutex2(0)
        try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await cache.value("same", version: 1) {
                        calls.add()
                        try await Task.sleep(for: .milliseconds(50))
                        return .init(version: 1, body: "x", contentType: "text/plain")
                    }.body
                }
            }
            for try await body in group { #expect(body == "x") }
        }
        #expect(calls.value == 1, "twenty identical requests, one computation")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<12 {
                group.addTask {
                    _ = try await cache.value("k\(i)", version: 1) {
                        try await Task.sleep(for: .milliseconds(20))
                        return .init(version: 1, body: "\(i)", contentType: "text/plain")
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(cache.gate.peak <= 2, "never more than the limit at once")
        #expect(cache.count <= 8 + 1)
        // Least recently used goes first: "hot" is read between the puts and survives.
        let lru = ResponseCache(limit: 8, concurrency: 2)
        lru.put("hot", .init(version: 1, body: "hot", contentType: "t"))
        for i in 0..<30 {
            lru.put("cold\(i)", .init(version: 1, body: "", contentType: "t"))
            _ = lru.get("hot", version: 1)
        }
        #expect(lru.get("hot", version: 1)?.body == "hot")
        #expect(lru.count <= 9)
    }

    @Test func whileNewFiguresAreComputedOthersMayHaveThePreviousButTheFirstWaits() async throws {
        let cache = ResponseCache(limit: 8, concurrency: 2)
        cache.put("r", .init(version: 1, body: "old", contentType: "t"))
        let release = Flag()
        let started = Flag()
        @Sendable func until(_ condition: @escaping @Sendable () -> Bool) async throws {
            for _ in 0..<2_000 where !condition() { try await Task.sleep(for: .milliseconds(5)) }
        }
        // The request that finds version 2 first starts the computation and waits for it.
        async let first = cache.answer("r", version: 2, previousWhileComputing: true) {
            started.set()
            try await until { release.isSet }
            return .init(version: 2, body: "new", contentType: "t")
        }
        try await until { started.isSet }
        // Meanwhile: a public viewer gets the previous figures at once, marked as such …
        let meanwhile = try await cache.answer("r", version: 2, previousWhileComputing: true) { Issue.record("computed twice"); return .init(version: 2, body: "", contentType: "t") }
        #expect(meanwhile.entry.body == "old" && meanwhile.previous && meanwhile.entry.version == 1)
        // … someone signed in joins the computation and waits for the new ones.
        async let signedIn = cache.answer("r", version: 2, previousWhileComputing: false) { Issue.record("computed twice"); return .init(version: 2, body: "", contentType: "t") }
        release.set()
        let (a, b) = try await (first, signedIn)
        #expect(a.entry.body == "new" && !a.previous)
        #expect(b.entry.body == "new" && !b.previous)
        // Once computed, nobody gets the previous figures again.
        let after = try await cache.answer("r", version: 2, previousWhileComputing: true) { Issue.record("computed twice"); return .init(version: 2, body: "", contentType: "t") }
        #expect(after.entry.body == "new" && !after.previous)
        // A computation of an older version finishing late does not replace the newer entry.
        _ = try await cache.value("r", version: 1) { .init(version: 1, body: "late", contentType: "t") }
        #expect(cache.get("r", version: 2)?.body == "new")
        // Nothing older cached: everyone waits for the computation.
        let fresh = try await cache.answer("other", version: 5, previousWhileComputing: true) { .init(version: 5, body: "five", contentType: "t") }
        #expect(fresh.entry.body == "five" && !fresh.previous)
        // A computation nobody waits for any more still lands in the cache for the next request.
        let slow = Flag()
        let gone = Task { try await cache.answer("r", version: 3, previousWhileComputing: true) {
            try await until { slow.isSet }
            return .init(version: 3, body: "three", contentType: "t")
        } }
        try await until { cache.inFlight == 1 }
        gone.cancel()
        slow.set()
        try await until { cache.get("r", version: 3) != nil }
        #expect(cache.get("r", version: 3)?.body == "three")
        #expect(cache.inFlight == 0)
    }

    @Test func aReportAskedForAfterAWriteHasTheWrittenFigures() async throws {
        let f = try Fixture()
        let token = f.hr
        try await f.app().test(.router) { client in
            let url = "/reports/teacher-growth/2025?format=json"
            let before = try await client.execute(uri: url, method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[HeaderNames.cacheStatus] == nil)
                return (Int64(r.headers[HeaderNames.factsVersion] ?? "") ?? -1, text(r.body))
            }
            #expect(before.0 == (try f.registry.dataVersion()))
            let written = try await self.post(client, token, "{\(Self.record),\"title\":\"县级培训\",\"ref\":\"AFTER-1\"}")
            #expect(written.status == .created, "\(text(written.body))")
            let now = try f.registry.dataVersion()
            #expect(now > before.0)
            // The next public request, one at a time after the write, waits for the new figures.
            try await client.execute(uri: url, method: .get) { r in
                #expect(r.status == .ok)
                #expect(Int64(r.headers[HeaderNames.factsVersion] ?? "") == now)
                #expect(r.headers[HeaderNames.cacheStatus] == nil)
                #expect(text(r.body) != before.1, "the county-level training counts in the figures")
            }
        }
    }

    @Test func theViewsPeopleUseGoFirstAndArbitraryOnesAreRefusedWhenTooManyWait() async throws {
        let gate = AsyncGate(limit: 1, maxWaiting: 2)
        let order = OrderLog()
        // One runs; two arbitrary ones wait; a third arbitrary one is refused at once; a default view
        // arriving last runs before the waiting arbitrary ones.
        // The first runs until the test lets it go: no timing decides the order, only the queue.
        let release = Flag()
        @Sendable func until(_ condition: @escaping @Sendable () -> Bool) async throws {
            for _ in 0..<2_000 where !condition() { try await Task.sleep(for: .milliseconds(5)) }
        }
        async let first: Void = gate.run(priority: .low) { try await until { release.isSet }; order.add("first") }
        try await until { gate.peak == 1 }
        async let low1: Void = gate.run(priority: .low) { order.add("low1") }
        async let low2: Void = gate.run(priority: .low) { order.add("low2") }
        try await until { gate.waiting.low == 2 }
        await #expect(throws: APIError.self) { try await gate.run(priority: .low) { order.add("refused") } }
        async let high: Void = gate.run(priority: .high) { order.add("high") }
        try await until { gate.waiting.high == 1 }
        release.set()
        _ = try await (first, low1, low2, high)
        #expect(order.items.first == "first")
        #expect(order.items.dropFirst().first == "high", "\(order.items)")
        #expect(!order.items.contains("refused"))
        #expect(gate.peak == 1)
    }

    @Test func writesStopWhenTheDatabaseFileIsReplacedOrRemoved() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tr-moved-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("r.sqlite").path
        let registry = try Registry(path: path)
        let countyDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("RegistryStoreTests/Fixtures/county").path
        _ = try registry.importFiles(try Registry.sources(inDirectory: countyDir).sources)
        let hr = try registry.createToken(role: .hr, school: nil, name: "hr", actor: "test").1
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let app = Application(router: RegistryServer.buildRouter(registry: registry, logger: logger, today: { CivilDate(iso: "2025-12-31")! }), logger: logger)
        try await app.test(.router) { client in
            let ok = try await post(client, hr, "{\(Self.record),\"title\":\"before\"}")
            #expect(ok.status == .created)
            // Another program puts a different file in its place.
            let other = dir.appendingPathComponent("other.sqlite").path
            FileManager.default.createFile(atPath: other, contents: Data())
            #expect(rename(other, path) == 0)
            let refused = try await post(client, hr, "{\(Self.record),\"title\":\"after\"}")
            #expect(refused.status == .serviceUnavailable)
            #expect(text(refused.body).contains("数据库文件已被替换或删除"))
            try await client.execute(uri: "/health", method: .get) { r in
                #expect(r.status == .serviceUnavailable)
                #expect(text(r.body).contains("database_file_replaced"))
            }
            try FileManager.default.removeItem(atPath: path)
            try await client.execute(uri: "/health", method: .get) { r in #expect(text(r.body).contains("database_file_removed")) }
        }
    }

    @Test func postingTheSameRecordAgainLeavesNoEmptyBatch() async throws {
        let f = try Fixture()
        try await f.app().test(.router) { client in
            let body = "{\(Self.record),\"title\":\"same\",\"ref\":\"SAME-1\"}"
            #expect(try await post(client, f.hr, body).status == .created)
            let batches = try f.registry.rowCounts()["change_batches"]
            let again = try await post(client, f.hr, body)
            #expect(again.status == .ok)
            #expect(try json(again.body)["outcome"] as? String == "unchanged")
            #expect(try f.registry.rowCounts()["change_batches"] == batches)
        }
    }
}

/// A counter shared by tasks.
final class Mutex2: @unchecked Sendable {
    private let lock = NSLock()
    private var n: Int
    init(_ n: Int) { self.n = n }
    func add() { lock.lock(); n += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}

final class OrderLog: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ s: String) { lock.lock(); list.append(s); lock.unlock() }
    var items: [String] { lock.lock(); defer { lock.unlock() }; return list }
}

/// A flag one task sets and another polls.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    func set() { lock.lock(); value = true; lock.unlock() }
}
