import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
@testable import RegistryHTTP
import RegistryStore
import RegistryTestSupport
import Spreadsheets
import TeacherGrowth

/// The web application (issue 12) through the router: a browser that keeps its cookies, signs in,
/// reads pages and posts forms with the CSRF token a page gave it.
struct Browser {
    var cookies: [String: String] = [:]
    var csrf = ""

    var headers: HTTPFields {
        var h: HTTPFields = [.accept: "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"]
        if !cookies.isEmpty { h[.cookie] = cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        return h
    }

    mutating func keep(_ r: TestResponse) {
        for line in r.headers[values: .setCookie] {
            let pair = line.split(separator: ";", maxSplits: 1)[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(pair[0]), value = pair.count > 1 ? String(pair[1]) : ""
            cookies[name] = value.isEmpty || line.contains("Max-Age=0") ? nil : value
        }
        if let token = Self.csrf(in: text(r.body)) { csrf = token }
    }

    static func csrf(in html: String) -> String? {
        guard let r = html.range(of: #"name="_csrf" value=""#) else { return nil }
        let rest = html[r.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        let token = String(rest[..<end])
        return token.isEmpty ? nil : token
    }

    static func encode(_ fields: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
    }

    mutating func get(_ client: some TestClientProtocol, _ uri: String) async throws -> TestResponse {
        let r = try await client.execute(uri: uri, method: .get, headers: headers, body: nil) { $0 }
        keep(r)
        return r
    }

    /// Posts a form; the page's CSRF token is added unless `csrf` is false.
    mutating func post(_ client: some TestClientProtocol, _ uri: String, _ fields: [(String, String)], csrf: Bool = true) async throws -> TestResponse {
        var h = headers
        h[.contentType] = "application/x-www-form-urlencoded"
        let all = (csrf ? [("_csrf", self.csrf)] : []) + fields
        let r = try await client.execute(uri: uri, method: .post, headers: h, body: ByteBuffer(string: Self.encode(all))) { $0 }
        keep(r)
        return r
    }

    mutating func upload(_ client: some TestClientProtocol, _ uri: String, files: [(String, [UInt8])], fields: [(String, String)] = []) async throws -> TestResponse {
        let boundary = "----registry-test-boundary"
        var body = [UInt8]()
        func add(_ s: String) { body += Array(s.utf8) }
        for (k, v) in [("_csrf", csrf)] + fields {
            add("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n")
        }
        for (name, bytes) in files {
            add("--\(boundary)\r\nContent-Disposition: form-data; name=\"files\"; filename=\"\(name)\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            body += bytes
            add("\r\n")
        }
        add("--\(boundary)--\r\n")
        var h = headers
        h[.contentType] = "multipart/form-data; boundary=\(boundary)"
        let r = try await client.execute(uri: uri, method: .post, headers: h, body: ByteBuffer(bytes: body)) { $0 }
        keep(r)
        return r
    }

    /// Signs in through the form; returns the answer to `POST /login`.
    mutating func signIn(_ client: some TestClientProtocol, _ login: String, _ password: String, next: String = "") async throws -> TestResponse {
        _ = try await get(client, "/login")
        let r = try await post(client, "/login", [("login", login), ("password", password), ("next", next)])
        if r.status == .seeOther { _ = try await get(client, r.headers[.location] ?? "/") }
        return r
    }
}

/// The county fixture with one account per role (and a second principal for another school).
struct WebFixture {
    let base: Fixture
    var registry: any RegistryBackend { base.registry }
    static let passwords = ["county1": "county-pass-1", "hr1": "hr-pass-123", "p1": "principal-1", "p2": "principal-2"]

    init() throws {
        base = try Fixture()
        let r = base.registry
        _ = try r.addUser(login: "county1", role: .county, school: nil, displayName: "县教委", password: Self.passwords["county1"]!, mustChangePassword: false, actor: "test")
        _ = try r.addUser(login: "hr1", role: .hr, school: nil, displayName: "人事科", password: Self.passwords["hr1"]!, mustChangePassword: false, actor: "test")
        _ = try r.addUser(login: "p1", role: .principal, school: "S001", displayName: "一中校长", password: Self.passwords["p1"]!, mustChangePassword: false, actor: "test")
        _ = try r.addUser(login: "p2", role: .principal, school: "S002", displayName: "民小校长", password: Self.passwords["p2"]!, mustChangePassword: false, actor: "test")
    }

    func app(sessions: SessionSettings = .init()) -> some ApplicationProtocol {
        var logger = Logger(label: "test")
        logger.logLevel = .error
        let router = RegistryServer.buildRouter(registry: registry, sessions: sessions, logger: logger, today: { CivilDate(iso: "2025-12-31")! })
        return Application(router: router, logger: logger)
    }

    func signedIn(_ client: some TestClientProtocol, _ login: String) async throws -> Browser {
        var b = Browser()
        let r = try await b.signIn(client, login, Self.passwords[login]!)
        #expect(r.status == .seeOther, "sign-in of \(login)")
        return b
    }

    func changeLog(entity: String) throws -> [(actor: String, command: String, detail: String?)] {
        try registry.sql.read { db in
            try db.rows("""
                SELECT b.actor, b.command, c.detail FROM change_log c JOIN change_batches b ON b.id = c.batch_id WHERE c.entity = ? ORDER BY c.id
                """, entity).map { ($0.string(0), $0.string(1), $0.text(2)) }
        }
    }

    func status(ofTraining id: Int64) throws -> (status: String, reason: String?, reviewer: String?) {
        try registry.sql.read { db in
            let status = try db.text("SELECT status FROM training WHERE id = ?", id) ?? "?"
            let review = try db.row("""
                SELECT r.reason, b.actor AS reviewer FROM training_reviews r JOIN change_batches b ON b.id = r.batch_id
                WHERE r.training_id = ? ORDER BY r.id DESC LIMIT 1
                """, id)
            return (status, review?.text(0), review?.text(1))
        }
    }

    /// Imports `n` pending training records for S001's and S002's teachers; returns the batch.
    @discardableResult
    func addPending(_ n: Int = 3) throws -> Int64? {
        var csv = "工号,培训项目名称,培训级别,培训开始日期,培训结束日期,培训获得学时,审核状态\n"
        for i in 0..<n { csv += "\(i % 2 == 0 ? "T0001" : "T0002"),待审培训\(i),县级,2025-0\(i % 9 + 1)-01,2025-0\(i % 9 + 1)-03,\(6 + i),待审核\n" }
        let o = try registry.importFiles([ImportSource(kind: ImportKind.named("training")!, fileName: "pending.csv", bytes: Array(csv.utf8))],
                                         options: .init(actor: "test"))
        precondition(o.errors.isEmpty)
        return o.batchID
    }

    func pendingIDs() throws -> [Int64] {
        try registry.pendingTraining(.init(limit: 1000)).rows.map(\.listing.id)
    }
}

@Suite("Web application: signing in")
struct SignInTests {
    @Test func theLoginFormAndASuccessfulSignIn() async throws {
        let f = try WebFixture()
        try await f.app().test(.router) { client in
            var b = Browser()
            let page = try await b.get(client, "/login")
            #expect(page.status == .ok)
            let html = text(page.body)
            #expect(html.contains(#"name="login""#) && html.contains(#"name="password""#))
            #expect(html.contains("登录"))
            #expect(b.cookies["trk_login"] != nil, "the pre-session CSRF cookie")
            let r = try await b.post(client, "/login", [("login", "hr1"), ("password", WebFixture.passwords["hr1"]!)])
            #expect(r.status == .seeOther)
            #expect(r.headers[.location] == "/hr")
            let cookie = r.headers[values: .setCookie].first { $0.hasPrefix("trk_session=") } ?? ""
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            #expect(!cookie.contains("Secure"), "no Secure over plain HTTP without --secure-cookies")
            let home = try await b.get(client, "/hr")
            #expect(home.status == .ok)
            #expect(text(home.body).contains("人事科"))
        }
        try await f.app(sessions: .init(secureCookies: true)).test(.router) { client in
            var b = Browser()
            _ = try await b.get(client, "/login")
            let r = try await b.post(client, "/login", [("login", "p1"), ("password", WebFixture.passwords["p1"]!)])
            #expect(r.headers[.location] == "/schools/S001/compliance")
            #expect(r.headers[values: .setCookie].first { $0.hasPrefix("trk_session=") }?.contains("Secure") == true)
        }
    }

    @Test func eachRoleLandsOnItsHomeAndNextIsKept() async throws {
        let f = try WebFixture()
        try await f.app().test(.router) { client in
            for (login, home) in [("county1", "/"), ("hr1", "/hr"), ("p1", "/schools/S001/compliance")] {
                var b = Browser()
                _ = try await b.get(client, "/login")
                let r = try await b.post(client, "/login", [("login", login), ("password", WebFixture.passwords[login]!)])
                #expect(r.headers[.location] == home, "\(login)")
            }
            // An unauthenticated browser is sent to sign in and comes back to the page it asked for.
            var b = Browser()
            let r = try await b.get(client, "/training/pending")
            #expect(r.status == .seeOther)
            #expect(r.headers[.location]?.hasPrefix("/login?next=") == true)
            let login = try await b.get(client, r.headers[.location]!)
            #expect(text(login.body).contains(#"name="next" value="/training/pending""#))
            let wrong = try await b.post(client, "/login", [("login", "hr1"), ("password", "nope"), ("next", "/training/pending")])
            #expect(text(wrong.body).contains(#"name="next" value="/training/pending""#), "a failed sign-in keeps where to go")
            let ok = try await b.post(client, "/login", [("login", "hr1"), ("password", WebFixture.passwords["hr1"]!), ("next", "/training/pending")])
            #expect(ok.headers[.location] == "/training/pending")
            // Never to another site.
            var c = Browser()
            _ = try await c.get(client, "/login")
            let evil = try await c.post(client, "/login", [("login", "hr1"), ("password", WebFixture.passwords["hr1"]!), ("next", "//evil.example/x")])
            #expect(evil.headers[.location] == "/hr")
        }
    }

    @Test func aWrongLoginOrPasswordGetsOneSentenceThatDoesNotSayWhich() async throws {
        let f = try WebFixture()
        try await f.app().test(.router) { client in
            var b = Browser()
            _ = try await b.get(client, "/login")
            let badPassword = try await b.post(client, "/login", [("login", "hr1"), ("password", "wrong-password")])
            let badLogin = try await b.post(client, "/login", [("login", "nobody"), ("password", "wrong-password")])
            #expect(badPassword.status == .unauthorized)
            #expect(badLogin.status == .unauthorized)
            func message(_ r: TestResponse) -> String {
                let html = text(r.body)
                guard let s = html.range(of: #"<div class="errors" role="alert">"#), let e = html[s.upperBound...].range(of: "</div>") else { return "" }
                return String(html[s.upperBound..<e.lowerBound])
            }
            #expect(message(badPassword) == "登录名或密码不正确，请重新输入。")
            #expect(message(badLogin) == message(badPassword))
            #expect(b.cookies["trk_session"] == nil)
        }
    }

    @Test func theSixthWrongPasswordIsRefusedAndTheLoginIsLocked() async throws {
        let f = try WebFixture()
        try await f.app().test(.router) { client in
            var b = Browser()
            _ = try await b.get(client, "/login")
            for i in 1...5 {
                let r = try await b.post(client, "/login", [("login", "p1"), ("password", "guess-\(i)")])
                #expect(r.status == .unauthorized, "attempt \(i)")
            }
            let sixth = try await b.post(client, "/login", [("login", "p1"), ("password", "guess-6")])
            #expect(sixth.status == .tooManyRequests)
            #expect(text(sixth.body).contains("已锁定"))
            // Locked even with the right password; other logins are not affected.
            let right = try await b.post(client, "/login", [("login", "p1"), ("password", WebFixture.passwords["p1"]!)])
            #expect(right.status == .tooManyRequests)
            #expect(b.cookies["trk_session"] == nil)
            let other = try await b.post(client, "/login", [("login", "p2"), ("password", WebFixture.passwords["p2"]!)])
            #expect(other.status == .seeOther)
        }
        // The lock lasts 15 minutes from the fifth failure.
        let later = Date().addingTimeInterval(15 * 60 + 5)
        if case .signedIn = try f.registry.signIn(login: "p1", password: WebFixture.passwords["p1"]!, client: nil, now: later) {} else {
            Issue.record("p1 should sign in again after 15 minutes")
        }
        let failures = try f.changeLog(entity: "login_attempts")
        #expect(failures.filter { $0.actor == "user:p1" }.count >= 7)
        #expect(failures.contains { $0.detail == "登录失败（已锁定）" })
    }

    @Test func signInAndOutAreInTheChangeLogWithTheLogin() async throws {
        let f = try WebFixture()
        try await f.app().test(.router) { client in
            var b = try await f.signedIn(client, "hr1")
            let out = try await b.post(client, "/logout", [])
            #expect(out.status == .seeOther)
            #expect(out.headers[.location] == "/login")
            #expect(b.cookies["trk_session"] == nil)
            let after = try await b.get(client, "/hr")
            #expect(after.status == .seeOther, "the session ended")
        }
        let sessions = try f.changeLog(entity: "sessions")
        #expect(sessions.map(\.actor) == ["user:hr1", "user:hr1"])
        #expect(sessions.map(\.command) == ["sign in", "sign out"])
    }

    @Test func aPostWithoutTheCSRFTokenIsRefused() async throws {
        let f = try WebFixture()
        try f.addPending()
        try await f.app().test(.router) { client in
            var b = Browser()
            _ = try await b.get(client, "/login")
            let noToken = try await b.post(client, "/login", [("login", "hr1"), ("password", WebFixture.passwords["hr1"]!)], csrf: false)
            #expect(noToken.status == .forbidden)
            var hr = try await f.signedIn(client, "hr1")
            let before = try f.registry.pendingCount()
            let fields = [("staff_no", "T0001"), ("title", "测试培训"), ("level", "county"), ("start_date", "2025-03-01"), ("end_date", "2025-03-02"), ("hours", "8")]
            #expect(try await hr.post(client, "/training", fields, csrf: false).status == .forbidden)
            #expect(try await hr.post(client, "/training", [("_csrf", (hr.csrf.hasPrefix("0") ? "1" : "0") + hr.csrf.dropFirst())] + fields, csrf: false).status == .forbidden)
            #expect(try await hr.post(client, "/logout", [], csrf: false).status == .forbidden)
            let id = try #require(try f.pendingIDs().first)
            #expect(try await hr.post(client, "/training/review", [("decision", "approve"), ("ids", String(id))], csrf: false).status == .forbidden)
            #expect(try await hr.post(client, "/training/\(id)/approve", [], csrf: false).status == .forbidden)
            #expect(try f.registry.pendingCount() == before, "nothing was written")
            var county = try await f.signedIn(client, "county1")
            #expect(try await county.post(client, "/users", [("login", "x1"), ("role", "hr")], csrf: false).status == .forbidden)
            #expect(try f.registry.user(login: "x1") == nil)
            // A cookie from another site's form cannot stand in for the token either.
            #expect(try await hr.post(client, "/training", fields, csrf: true).status == .seeOther)
        }
    }

    @Test func aDisabledUsersSessionStopsWorking() async throws {
        let f = try WebFixture()
        try await f.app().test(.router) { client in
            var hr = try await f.signedIn(client, "hr1")
            #expect(try await hr.get(client, "/hr").status == .ok)
            var county = try await f.signedIn(client, "county1")
            _ = try await county.get(client, "/users")
            let r = try await county.post(client, "/users/hr1/disable", [])
            #expect(r.status == .seeOther)
            let after = try await hr.get(client, "/hr")
            #expect(after.status == .seeOther)
            #expect(after.headers[.location]?.hasPrefix("/login") == true)
            var again = Browser()
            _ = try await again.get(client, "/login")
            #expect(try await again.post(client, "/login", [("login", "hr1"), ("password", WebFixture.passwords["hr1"]!)]).status == .unauthorized)
        }
    }

    @Test func sessionsEndAfterInactivity() async throws {
        let f = try WebFixture()
        try await f.app().test(.router) { client in
            var hr = try await f.signedIn(client, "hr1")
            #expect(try await hr.get(client, "/hr").status == .ok)
            // Eight hours and a minute without a request (the default limit is eight hours).
            let past = ISO8601DateFormatter.string(from: Date().addingTimeInterval(-(8 * 3600 + 60)), timeZone: TimeZone(identifier: "UTC")!,
                                                   formatOptions: [.withInternetDateTime, .withFractionalSeconds])
            try f.registry.sql.write { db in try db.execute("UPDATE sessions SET last_seen_at = ?", past) }
            let r = try await hr.get(client, "/hr")
            #expect(r.status == .seeOther)
            #expect(r.headers[.location]?.hasPrefix("/login") == true)
        }
        // And with the default limit a session a day old is over.
        guard case .signedIn(let grant) = try f.registry.signIn(login: "hr1", password: WebFixture.passwords["hr1"]!, client: nil) else {
            Issue.record("sign-in failed"); return
        }
        #expect(try f.registry.session(token: grant.token, idleLimit: 8 * 3600) != nil)
        #expect(try f.registry.session(token: grant.token, idleLimit: 8 * 3600, now: Date().addingTimeInterval(8 * 3600 + 60)) == nil)
    }

    @Test func changingOnesOwnPassword() async throws {
        let f = try WebFixture()
        _ = try f.registry.addUser(login: "newhr", role: .hr, school: nil, displayName: nil, password: "first-pass-1", mustChangePassword: true, actor: "test")
        try await f.app().test(.router) { client in
            var b = Browser()
            _ = try await b.get(client, "/login")
            let r = try await b.post(client, "/login", [("login", "newhr"), ("password", "first-pass-1")])
            #expect(r.headers[.location] == "/account/password", "a generated password must be changed first")
            _ = try await b.get(client, "/account/password")
            let differ = try await b.post(client, "/account/password", [("current", "first-pass-1"), ("new", "second-pass-2"), ("again", "second-pass-3")])
            #expect(differ.status == .unprocessableContent)
            #expect(text(differ.body).contains("两次输入的新密码不一致"))
            let ok = try await b.post(client, "/account/password", [("current", "first-pass-1"), ("new", "second-pass-2"), ("again", "second-pass-2")])
            #expect(ok.status == .seeOther)
            #expect(ok.headers[.location] == "/hr")
        }
        if case .signedIn = try f.registry.signIn(login: "newhr", password: "second-pass-2", client: nil) {} else { Issue.record("new password refused") }
    }
}

@Suite("Web application: scopes and pages")
struct PageTests {
    @Test func aPrincipalSeesOnlyTheirOwnSchool() async throws {
        let f = try WebFixture()
        try f.addPending()
        try await f.app().test(.router) { client in
            var p = try await f.signedIn(client, "p1")
            let own = try await p.get(client, "/schools/S001/compliance")
            #expect(own.status == .ok)
            #expect(own.headers[.contentType]?.hasPrefix("text/html") == true)
            let html = text(own.body)
            #expect(html.contains("酉阳一中"))
            #expect(html.contains("张三"), "the principal sees the names of the school's teachers")
            #expect(html.contains(#"lang="zh-CN""#) || html.contains(#"lang="zh""#))
            for uri in ["/schools/S002/compliance", "/hr", "/training/pending", "/training/new", "/imports", "/users", "/rotation/2025",
                        "/teachers/T0002", "/schools"] {
                let r = try await p.get(client, uri)
                #expect(r.status == .forbidden, "\(uri)")
                #expect(text(r.body).contains("<html"), "a page, not JSON, for a browser: \(uri)")
            }
            #expect(try await p.get(client, "/schools/NOPE/compliance").status == .forbidden)
            #expect(try await p.get(client, "/teachers/T0001").status == .ok)
            let id = try #require(try f.pendingIDs().first)
            #expect(try await p.post(client, "/training/\(id)/approve", []).status == .forbidden)
            #expect(try f.status(ofTraining: id).status == "pending")
        }
    }

    @Test func theCompliancePageFiltersSortsAndDownloads() async throws {
        let f = try WebFixture()
        let view = try f.registry.complianceView(catalog: try f.registry.planCatalog(), asOf: CivilDate(iso: "2025-12-31")!, school: "S001")
        try await f.app().test(.router) { client in
            var p = try await f.signedIn(client, "p1")
            let all = text(try await p.get(client, "/schools/S001/compliance").body)
            for row in view.rows { #expect(all.contains("/teachers/\(row.staffNo)"), "\(row.staffNo) listed") }
            let behind = text(try await p.get(client, "/schools/S001/compliance?filter=behind").body)
            for row in view.rows { #expect(behind.contains("/teachers/\(row.staffNo)\"") == !row.onTrack, "behind filter: \(row.staffNo)") }
            let nocert = text(try await p.get(client, "/schools/S001/compliance?filter=nocert").body)
            for row in view.rows { #expect(nocert.contains("/teachers/\(row.staffNo)\"") == !row.certificateFits, "nocert filter: \(row.staffNo)") }
            for sort in ["name", "hours", "county", "urgency"] {
                #expect(try await p.get(client, "/schools/S001/compliance?sort=\(sort)&dir=desc").status == .ok)
            }
            let x = try await p.get(client, "/schools/S001/compliance?format=xlsx")
            #expect(x.status == .ok)
            #expect(x.headers[.contentType] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            #expect(x.headers[.contentDisposition]?.contains("attachment") == true)
            let workbook = try Workbook(location: .data(Data(buffer: x.body)), fileName: "c.xlsx")
            #expect(!workbook.sheets.isEmpty)
            let en = text(try await p.get(client, "/schools/S001/compliance?lang=en").body)
            #expect(en.contains(#"lang="en""#))
            #expect(p.cookies["lang"] == "en", "the language switch is remembered")
            #expect(text(try await p.get(client, "/schools/S001/compliance").body).contains(#"lang="en""#))
        }
    }

    @Test func theTeacherPageHasTheWholeRecordAndNeverSentSaysSo() async throws {
        let f = try WebFixture()
        let record = try #require(try f.registry.teacherRecord(staffNo: "T0001"))
        try await f.app().test(.router) { client in
            var p = try await f.signedIn(client, "p1")
            let r = try await p.get(client, "/teachers/T0001")
            #expect(r.status == .ok)
            let html = text(r.body)
            #expect(html.contains("张三"))
            #expect(html.contains("500242********1234"), "the national ID is masked")
            #expect(!html.contains("500242198503121234"))
            for t in record.transcript.flatMap(\.records) { #expect(html.contains(t.title)) }
            // A teacher of S001 never sent to county training.
            let view = try f.registry.complianceView(catalog: try f.registry.planCatalog(), asOf: CivilDate(iso: "2025-12-31")!, school: "S001")
            if let never = view.rows.first(where: { $0.lastCountyTrainingOn == nil }) {
                let page = text(try await p.get(client, "/schools/S001/compliance").body)
                #expect(page.contains("从未参加县级以上培训"), "\(never.staffNo)")
            }
        }
        let reads = try f.registry.audit(.init())
        #expect(reads.contains { $0.actor == "user:p1" && $0.staffNo == "T0001" }, "reading a teacher's record is audited")
    }

    @Test func hrLogsARecordWithErrorsBesideTheFields() async throws {
        let f = try WebFixture()
        try await f.app().test(.router) { client in
            var hr = try await f.signedIn(client, "hr1")
            let form = try await hr.get(client, "/training/new")
            #expect(form.status == .ok)
            let html = text(form.body)
            #expect(html.contains("培训项目名称"))
            #expect(html.contains(#"<option value="county""#), "the levels are choices")
            let bad = try await hr.post(client, "/training", [("staff_no", "T0001"), ("title", ""), ("level", "county"),
                                                              ("start_date", "2025-03-05"), ("end_date", "2025-03-01"), ("hours", "abc")])
            #expect(bad.status == .unprocessableContent)
            let page = text(bad.body)
            #expect(page.contains(#"aria-invalid="true""#))
            #expect(page.contains("T0001"), "what was typed is kept")
            let before = try f.registry.pendingCount()
            let good = try await hr.post(client, "/training", [("staff_no", "T0001"), ("name", "张三"), ("title", "网页登记的培训"), ("level", "county"),
                                                               ("start_date", "2025-03-01"), ("end_date", "2025-03-02"), ("hours", "12.5")])
            #expect(good.status == .seeOther)
            let saved = try #require(good.headers[.location])
            #expect(saved.hasPrefix("/training/new?saved="))
            let id = try #require(Int64(saved.dropFirst("/training/new?saved=".count)))
            #expect(try f.status(ofTraining: id).status == "pending")
            #expect(try f.registry.pendingCount() == before + 1)
            let wrongName = try await hr.post(client, "/training", [("staff_no", "T0001"), ("name", "李四"), ("title", "x"), ("level", "county"),
                                                                    ("start_date", "2025-03-01"), ("end_date", "2025-03-02"), ("hours", "1")])
            #expect(wrongName.status == .unprocessableContent, "the name does not match the staff number")
        }
        let writes = try f.changeLog(entity: "training")
        #expect(writes.last?.actor == "user:hr1")
    }

    @Test func uploadShowsTheDryRunAndWritesOnlyWhenConfirmed() async throws {
        let f = try WebFixture()
        let header = "工号,培训项目名称,培训级别,培训开始日期,培训结束日期,培训获得学时\n"
        let bad = Array((header + "T0001,好的一行,县级,2025-04-01,2025-04-02,8\nT0001,坏的一行,县级,2025-04-01,2025-04-02,八\n").utf8)
        let good = Array((header + "T0001,好的一行,县级,2025-04-01,2025-04-02,8\nT0002,另一行,校级,2025-05-01,2025-05-01,4\n").utf8)
        let before = try f.registry.listTraining(.init()).count
        try await f.app().test(.router) { client in
            var hr = try await f.signedIn(client, "hr1")
            #expect(try await hr.get(client, "/imports").status == .ok)
            let r1 = try await hr.upload(client, "/imports", files: [("培训.csv", bad)])
            #expect(r1.status == .ok)
            let p1 = text(r1.body)
            #expect(p1.contains("培训.csv:3"), "the bad line by file and line")
            #expect(p1.contains("未写入任何数据"))
            #expect(!p1.contains("/confirm"))
            #expect(try f.registry.listTraining(.init()).count == before)
            let r2 = try await hr.upload(client, "/imports", files: [("培训.csv", good)])
            let p2 = text(r2.body)
            #expect(p2.contains("确认后将新增 2 行"))
            #expect(try f.registry.listTraining(.init()).count == before, "the dry run writes nothing")
            let action = try #require(p2.range(of: #"action="/imports/"#).map { p2[$0.upperBound...].prefix { $0 != "\"" } })
            let confirm = try await hr.post(client, "/imports/\(action)", [])
            #expect(confirm.status == .ok)
            #expect(text(confirm.body).contains("已导入"))
            #expect(try f.registry.listTraining(.init()).count == before + 2)
            // Confirming twice does not import twice.
            #expect(try await hr.post(client, "/imports/\(action)", []).status == .notFound)
            #expect(try f.registry.listTraining(.init()).count == before + 2)
            // Excel too: a workbook with a sheet named after the kind.
            let sheet = SheetWriter(name: "培训", header: ["工号", "培训项目名称", "培训级别", "培训开始日期", "培训结束日期", "培训获得学时"])
            sheet.add([.text("T0002"), .text("Excel 一行"), .text("县级"), .date(CivilDate(iso: "2025-06-01")!), .text("2025-06-02"), .number("6")])
            let book = try XLSXWriter.workbook([sheet])
            let r3 = try await hr.upload(client, "/imports", files: [("导出.xlsx", Array(book))])
            #expect(text(r3.body).contains("确认后将新增 1 行"))
        }
    }

    @Test func theApprovalQueueApprovesRejectsAndTheReportFollows() async throws {
        let f = try WebFixture()
        try f.addPending()
        let year = 2025
        @Sendable func approvedHours() throws -> Int { try f.registry.listTraining(.init(status: .approved, includeVoided: false)).reduce(0) { $0 + $1.hours.tenths } }
        try await f.app().test(.router) { client in
            var hr = try await f.signedIn(client, "hr1")
            let queue = try await hr.get(client, "/training/pending")
            #expect(queue.status == .ok)
            let pending = try f.pendingIDs()
            #expect(pending.count >= 2)
            for id in pending { #expect(text(queue.body).contains("value=\"\(id)\""), "\(id) in the queue") }
            let hoursBefore = try approvedHours()
            let first = pending[0], second = pending[1]
            let firstHours = try #require(try f.registry.listTraining(.init()).first { $0.id == first }).hours.tenths
            let approve = try await hr.post(client, "/training/review", [("decision", "approve"), ("ids", String(first)), ("return", "/training/pending")])
            #expect(approve.status == .seeOther)
            #expect(approve.headers[.location]?.contains("done=1") == true)
            #expect(try f.status(ofTraining: first).status == "approved")
            #expect(try f.status(ofTraining: first).reviewer == "user:hr1")
            #expect(try approvedHours() == hoursBefore + firstHours, "only approved hours count, and now these do")
            let noReason = try await hr.post(client, "/training/review", [("decision", "reject"), ("ids", String(second)), ("reason", "  "), ("return", "/training/pending")])
            #expect(noReason.status == .unprocessableContent)
            #expect(text(noReason.body).contains("驳回须填写原因"))
            #expect(text(noReason.body).contains("value=\"\(second)\" aria-label=\"选择 \(second)\" checked"), "the ticks are kept")
            let nothing = try await hr.post(client, "/training/review", [("decision", "approve")])
            #expect(nothing.status == .unprocessableContent)
            #expect(text(nothing.body).contains("请先勾选"))
            #expect(try f.status(ofTraining: second).status == "pending")
            let reject = try await hr.post(client, "/training/review", [("decision", "reject"), ("ids", String(second)), ("reason", "学时证明不全")])
            #expect(reject.status == .seeOther)
            let s = try f.status(ofTraining: second)
            #expect(s.status == "rejected")
            #expect(s.reason == "学时证明不全")
            #expect(try approvedHours() == hoursBefore + firstHours)
            _ = year
            // Filters: by school.
            let bySchool = text(try await hr.get(client, "/training/pending?school=S002").body)
            for p in try f.registry.pendingTraining(.init(limit: 1000)).rows {
                #expect(bySchool.contains("value=\"\(p.listing.id)\"") == (p.schoolCode == "S002"), "school filter \(p.listing.id)")
            }
            #expect(try await hr.get(client, "/training/pending?batch=abc").status == .badRequest)
            // Void with a reason.
            let noVoidReason = try await hr.post(client, "/training/\(first)/void", [])
            #expect(noVoidReason.status == .unprocessableContent)
            #expect(try await hr.post(client, "/training/\(first)/void", [("reason", "重复登记")]).status == .seeOther)
            #expect(try f.registry.listTraining(.init()).first { $0.id == first }?.voidReason == "重复登记")
        }
    }

    @Test func approvingAWholeBatch() async throws {
        let f = try WebFixture()
        let csv = "工号,培训项目名称,培训级别,培训开始日期,培训结束日期,培训获得学时,审核状态\n" +
            "T0001,批次一,县级,2025-04-01,2025-04-02,8,待审核\nT0002,批次二,县级,2025-04-01,2025-04-02,6,待审核\n"
        let outcome = try f.registry.importFiles([ImportSource(kind: ImportKind.named("training")!, fileName: "batch.csv", bytes: Array(csv.utf8))], options: .init(actor: "test"))
        let batch = try #require(outcome.batchID)
        let inBatch = try f.registry.pendingTrainingIDs(batch: batch)
        #expect(inBatch.count == 2)
        try await f.app().test(.router) { client in
            var hr = try await f.signedIn(client, "hr1")
            let page = text(try await hr.get(client, "/training/pending?batch=\(batch)").body)
            #expect(page.contains("value=\"\(inBatch[0])\"") && page.contains("value=\"\(inBatch[1])\""))
            let r = try await hr.post(client, "/training/review", [("decision", "approve"), ("batch", String(batch))])
            #expect(r.headers[.location]?.contains("done=2") == true)
        }
        for id in inBatch { #expect(try f.status(ofTraining: id).status == "approved") }
    }

    @Test func tokensApproveAndRejectWithJSON() async throws {
        let f = try WebFixture()
        try f.addPending()
        let ids = try f.pendingIDs()
        try await f.app().test(.router) { client in
            let hr = bearer(f.base.hr)
            try await client.execute(uri: "/training/\(ids[0])/approve", method: .post, headers: hr) { (r: TestResponse) throws in
                #expect(r.status == .ok)
                #expect(try json(r.body)["status"] as? String == "approved")
            }
            var jsonHeaders: HTTPFields = hr
            jsonHeaders[.contentType] = "application/json"
            try await client.execute(uri: "/training/\(ids[1])/reject", method: .post, headers: jsonHeaders, body: ByteBuffer(string: "{}")) { r in
                #expect(r.status == .unprocessableContent)
                #expect(text(r.body).contains("reason"))
            }
            try await client.execute(uri: "/training/\(ids[1])/reject", method: .post, headers: jsonHeaders, body: ByteBuffer(string: #"{"reason": "证明材料缺失"}"#)) { (r: TestResponse) throws in
                #expect(r.status == .ok)
                #expect(try json(r.body)["status"] as? String == "rejected")
            }
            try await client.execute(uri: "/training/\(ids[0])/reject", method: .post, headers: jsonHeaders, body: ByteBuffer(string: #"{"reason": "再驳回"}"#)) { r in
                #expect(r.status == .conflict, "an approved record is not rejected again")
            }
            try await client.execute(uri: "/training/99999999/approve", method: .post, headers: hr) { r in #expect(r.status == .notFound) }
            try await client.execute(uri: "/training/\(ids[1])/approve", method: .post, headers: bearer(f.base.principal)) { r in #expect(r.status == .forbidden) }
            try await client.execute(uri: "/training/\(ids[1])/approve", method: .post) { r in #expect(r.status == .unauthorized) }
            try await client.execute(uri: "/training/pending", method: .get, headers: hr) { (r: TestResponse) throws in
                #expect(r.headers[.contentType]?.hasPrefix("application/json") == true, "a token gets JSON from the same route")
                #expect(try json(r.body)["total"] as? Int == ids.count - 2)
            }
        }
        #expect(try f.status(ofTraining: ids[0]).status == "approved")
        let rejected = try f.status(ofTraining: ids[1])
        #expect(rejected.status == "rejected" && rejected.reason == "证明材料缺失")
        #expect(rejected.reviewer?.hasPrefix("token:") == true, "the token is the reviewer")
    }

    @Test func findATeacher() async throws {
        let f = try WebFixture()
        try await f.app().test(.router) { client in
            var hr = try await f.signedIn(client, "hr1")
            let byNo = text(try await hr.get(client, "/teachers?q=T0001").body)
            #expect(byNo.contains("/teachers/T0001"))
            let byName = text(try await hr.get(client, "/teachers?q=" + "张".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!).body)
            #expect(byName.contains("/teachers/T0001"))
            #expect(!byName.contains("/teachers/T0002\""))
        }
    }

    @Test func theCountyOfficesPages() async throws {
        let f = try WebFixture()
        let rotation = try f.registry.rotationView(catalog: try f.registry.planCatalog(), year: 2025, asOf: nil, today: CivilDate(iso: "2025-12-31")!, school: nil)
        try await f.app().test(.router) { client in
            var c = try await f.signedIn(client, "county1")
            let dash = try await c.get(client, "/")
            #expect(dash.status == .ok)
            let rot = try await c.get(client, "/rotation/2025")
            #expect(rot.status == .ok)
            let html = text(rot.body)
            #expect(html.contains("年龄"))
            for cand in rotation.candidates.prefix(5) { #expect(html.contains("/teachers/\(cand.staffNo)"), "\(cand.staffNo)") }
            let schools = try await c.get(client, "/schools")
            #expect(schools.status == .ok)
            #expect(text(schools.body).contains("/schools/S001/compliance"))
            #expect(try await c.get(client, "/schools/S002/compliance").status == .ok)
            // Accounts: add one (the initial password is shown once), reset, disable.
            _ = try await c.get(client, "/users")
            let add = try await c.post(client, "/users", [("login", "p3"), ("role", "principal"), ("school", "S002"), ("name", "新校长")])
            #expect(add.status == .ok)
            #expect(text(add.body).contains("初始密码"))
            let added = try #require(try f.registry.user(login: "p3"))
            #expect(added.role == .principal && added.schoolCode == "S002" && added.mustChangePassword)
            let dup = try await c.post(client, "/users", [("login", "p3"), ("role", "hr")])
            #expect(dup.status == .unprocessableContent)
            let reset = try await c.post(client, "/users/p3/password", [])
            #expect(text(reset.body).contains("已重设"), "\(reset.status) \(text(reset.body).components(separatedBy: "<main").last?.prefix(600) ?? "")")
            #expect(try await c.post(client, "/users/p3/disable", []).status == .seeOther)
            #expect(try f.registry.user(login: "p3")?.disabledAt != nil)
            #expect(try await c.post(client, "/users/county1/disable", []).status == .unprocessableContent, "not one's own account")
            // HR pages are not the county office's.
            #expect(try await c.get(client, "/training/pending").status == .forbidden)
        }
        let accounts = try f.changeLog(entity: "users")
        #expect(accounts.contains { $0.actor == "user:county1" && $0.command == "user add" })
    }

    @Test func everyPageEscapesWhatItShows() async throws {
        let f = try WebFixture()
        let csv = "staff_no,name,gender,birth_date,hired_on,establishment,school_code,post,stage,education\nT0001,<script>alert(1)</script>,男,1985-03-12,2008-09-01,在编,S001,专任教师,高中,本科\n"
        let o = try f.registry.importFiles([ImportSource(kind: ImportKind.named("teachers")!, fileName: "t.csv", bytes: Array(csv.utf8))],
                                           options: .init(actor: "test"))
        #expect(o.errors.isEmpty)
        try await f.app().test(.router) { client in
            var p = try await f.signedIn(client, "p1")
            for uri in ["/schools/S001/compliance", "/teachers/T0001"] {
                let html = text(try await p.get(client, uri).body)
                #expect(!html.contains("<script>alert(1)"), "\(uri)")
                #expect(html.contains("&lt;script&gt;"), "\(uri)")
            }
            var hr = try await f.signedIn(client, "hr1")
            let search = text(try await hr.get(client, "/teachers?q=%3Cscript%3E").body)
            #expect(!search.contains("<script>"))
        }
    }

    @Test func theTemplatesCompiledInEqualTheFilesAndAllParse() throws {
        #expect(Pages.shared.broken.isEmpty)
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/RegistryHTTP/Templates")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".mustache") }
        #expect(Set(files.map { String($0.dropLast(".mustache".count)) }) == Set(EmbeddedTemplates.templates.keys),
                "run Tools/embed-templates.sh")
        func body(_ name: String) throws -> String {
            var s = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            if s.hasSuffix("\n") { s.removeLast() }
            return s
        }
        for file in files {
            #expect(try body(file) == EmbeddedTemplates.templates[String(file.dropLast(".mustache".count))], "\(file): run Tools/embed-templates.sh")
        }
        #expect(try body("app.css") == EmbeddedTemplates.stylesheet)
        #expect(try body("report.css") == EmbeddedTemplates.reportStylesheet)
    }
}
