import Foundation
import Testing
import RegistryStore

/// `user …`, `training approve|reject` and `audit` through the binary (issue 12).
@Suite("Accounts and reviews on the command line")
struct AccountCommandTests {
    func database() throws -> String {
        let dir = try temporaryDirectory()
        let db = dir.appendingPathComponent("r.sqlite").path
        let r = try Binary.run(["--db", db, "import-dir", countyFixture])
        #expect(r.status == 0, "\(r.stderr)")
        return db
    }

    @Test func addingListingDisablingAndResettingUsers() throws {
        let db = try database()
        let generated = try Binary.run(["--db", db, "user", "add", "hr01", "--role", "hr", "--name", "王老师"])
        #expect(generated.status == 0, "\(generated.stderr)")
        // The generated initial password is printed once; it signs in (and must then be changed).
        let password = try #require(generated.stdout.split(whereSeparator: { $0 == " " || $0 == "：" || $0 == ":" || $0 == "\n" })
            .map(String.init).first { $0.count == 14 && $0.contains(where: \.isNumber) })
        let registry = try Registry(path: db)
        guard case .signedIn(let grant) = try registry.signIn(login: "hr01", password: password, client: nil) else {
            Issue.record("the printed password does not sign in: \(generated.stdout)"); return
        }
        #expect(grant.user.mustChangePassword)
        #expect(grant.user.displayName == "王老师")

        let stdin = try Binary.run(["--db", db, "user", "add", "p01", "--role", "principal", "--school", "S001", "--password-stdin"], stdin: "school-pass-1\n")
        #expect(stdin.status == 0, "\(stdin.stderr)")
        #expect(!stdin.stdout.contains("school-pass-1"))
        if case .signedIn(let g) = try registry.signIn(login: "p01", password: "school-pass-1", client: nil) { #expect(!g.user.mustChangePassword) }
        else { Issue.record("p01 cannot sign in") }

        for (args, input, needle) in [
            (["user", "add", "p02", "--role", "principal"], nil as String?, "--school"),
            (["user", "add", "p02", "--role", "principal", "--school", "NOPE"], nil, "NOPE"),
            (["user", "add", "hr01", "--role", "hr"], nil, "hr01"),
            (["user", "add", "weak", "--role", "hr", "--password-stdin"], "short", "密码"),
            (["user", "add", "bad login!", "--role", "hr"], nil, "登录名"),
        ] {
            let r = try Binary.run(["--db", db] + args, stdin: input)
            #expect(r.status == 1, "\(args)")
            #expect(r.stderr.contains(needle), "\(args): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count <= 2, "one sentence: \(r.stderr)")
        }

        let list = try Binary.run(["--db", db, "user", "list"])
        #expect(list.status == 0)
        #expect(list.stdout.contains("hr01") && list.stdout.contains("p01") && list.stdout.contains("S001"))
        #expect(!list.stdout.contains("pbkdf2"), "no hashes are listed")

        let reset = try Binary.run(["--db", db, "user", "password", "p01", "--password-stdin"], stdin: "new-school-pass-2\n")
        #expect(reset.status == 0, "\(reset.stderr)")
        if case .refused = try registry.signIn(login: "p01", password: "school-pass-1", client: nil) {} else { Issue.record("the old password still works") }
        if case .signedIn = try registry.signIn(login: "p01", password: "new-school-pass-2", client: nil) {} else { Issue.record("the new password does not work") }

        let disable = try Binary.run(["--db", db, "user", "disable", "hr01"])
        #expect(disable.status == 0)
        #expect(try registry.session(token: grant.token, idleLimit: 3600) == nil, "disabling ends the open sessions")
        if case .refused = try registry.signIn(login: "hr01", password: password, client: nil) {} else { Issue.record("a disabled user signed in") }
        #expect(try Binary.run(["--db", db, "user", "disable", "nobody"]).status == 1)
    }

    @Test func approvingAndRejectingTrainingRecords() throws {
        let db = try database()
        let registry = try Registry(path: db)
        let csv = "工号,培训项目名称,培训级别,培训开始日期,培训结束日期,培训获得学时,审核状态\n" +
            "T0001,待审一,县级,2025-04-01,2025-04-02,8,待审核\nT0002,待审二,县级,2025-04-01,2025-04-02,6,待审核\nT0002,待审三,校级,2025-05-01,2025-05-01,4,待审核\n"
        let dir = try temporaryDirectory()
        try csv.write(to: dir.appendingPathComponent("training.csv"), atomically: true, encoding: .utf8)
        let imported = try Binary.run(["--db", db, "import", "training", dir.appendingPathComponent("training.csv").path])
        #expect(imported.status == 0, "\(imported.stderr)")
        let batch = try #require(registry.recentBatches(limit: 1).first?.id)
        let ids = try registry.pendingTrainingIDs(batch: batch)
        #expect(ids.count == 3)

        let one = try Binary.run(["--db", db, "training", "approve", String(ids[0])])
        #expect(one.status == 0, "\(one.stderr)")
        let noReason = try Binary.run(["--db", db, "training", "reject", String(ids[1])])
        #expect(noReason.status != 0)
        let blank = try Binary.run(["--db", db, "training", "reject", String(ids[1]), "--reason", "  "])
        #expect(blank.status == 1)
        let reject = try Binary.run(["--db", db, "training", "reject", String(ids[1]), "--reason", "学时证明不全"])
        #expect(reject.status == 0, "\(reject.stderr)")
        // Approving a rejected record, or an unknown one, changes nothing (all or none).
        let mixed = try Binary.run(["--db", db, "training", "approve", String(ids[1]), String(ids[2])])
        #expect(mixed.status == 1)
        #expect(try registry.pendingTrainingIDs(batch: batch) == [ids[2]])
        let rest = try Binary.run(["--db", db, "training", "approve", "--batch", String(batch)])
        #expect(rest.status == 0, "\(rest.stderr)")
        let statuses = try registry.listTraining(.init(batch: batch)).map(\.status)
        #expect(statuses.sorted() == ["approved", "approved", "rejected"])
        // A re-import of the same file does not put reviewed records back to pending.
        _ = try Binary.run(["--db", db, "import", "training", dir.appendingPathComponent("training.csv").path])
        #expect(try registry.listTraining(.init(batch: batch)).map(\.status).sorted() == ["approved", "approved", "rejected"])
    }

    @Test func readsOfPersonalDataAreListedByAudit() throws {
        let db = try database()
        let show = try Binary.run(["--db", db, "teacher", "show", "T0001"])
        #expect(show.status == 0)
        let compliance = try Binary.run(["--db", db, "compliance", "--school", "S001"])
        #expect(compliance.status == 0, "\(compliance.stderr)")
        let audit = try Binary.run(["--db", db, "audit", "--format", "csv"])
        #expect(audit.status == 0, "\(audit.stderr)")
        #expect(audit.stdout.contains("T0001"), "teacher show is audited: \(audit.stdout)")
        #expect(audit.stdout.contains("S001"), "compliance is audited")
    }
}
