import ArgumentParser
import Foundation
import GrowthReports
import Logging
import RegistryHTTP
import RegistryPostgres
import RegistryStore
import TeacherGrowth

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the HTTP server: the report, the dashboard, compliance, rotation and HR logging (SPEC §10).",
        discussion: "Loopback by default. Stops gracefully on Ctrl-C or SIGTERM. Tokens: `teacher-registry token create`.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var planOptions: PlanOptions
    @OptionGroup var language: LanguageOption
    @Option(help: "监听的地址（默认只在本机）The address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "监听的端口 The port to listen on.") var port: Int = 8080
    @Option(name: .customLong("session-hours"), help: "登录多久不操作后失效（小时，默认 8）Sessions end after this many idle hours.") var sessionHours: Double = 8
    @Flag(name: .customLong("secure-cookies"), help: "登录 Cookie 只经 HTTPS 发送（经 HTTPS 反向代理提供服务时使用）") var secureCookies = false

    func validate() throws {
        guard (1...65535).contains(port) else { throw CLI.invalid("--port 必须在 1 至 65535 之间", "--port must be from 1 to 65535.") }
        guard sessionHours > 0, sessionHours <= 24 * 30 else { throw CLI.invalid("--session-hours 应在 0 到 720 之间", "--session-hours must be more than 0 and at most 720.") }
    }

    func run() throws {
        let registry = try database.backend()
        let plans: PlanChoice = planOptions.plan == nil ? .registry : .fixed(try planOptions.catalog(from: try registry.planCatalog()))
        var logger = Logger(label: "teacher-registry")
        logger.logLevel = .info
        let box = ErrorBox()
        let done = DispatchSemaphore(value: 0)
        let (host, port) = (self.host, self.port)
        _ = try registry.dataVersion()  // connects (and migrates) now, so that a wrong address is said before serving
        (registry as? PostgresRegistry)?.watchFactsVersion()
        Console.error(CLI.say("teacher-registry 正在提供服务：\(database.displayName)，http://\(host):\(port)（Ctrl-C 停止）",
                              "teacher-registry serving \(database.displayName) on http://\(host):\(port) (Ctrl-C to stop)"))
        let sessions = SessionSettings(idleLimit: sessionHours * 3600, secureCookies: secureCookies)
        Task {
            do {
                try await RegistryServer.run(registry: registry, plans: plans, sessions: sessions, host: host, port: port, logger: logger, today: { Today.date })
            } catch {
                box.set(error)
            }
            done.signal()
        }
        done.wait()
        if let error = box.get() {
            throw UserError("服务已停止：端口 \(port) 可能已被占用（另一个服务在运行？）；请换一个端口或停止那个服务",
                            "The server stopped: \(error). Check that port \(port) is free (another server may be using it).")
        }
    }
}

/// Carries an error out of a Task.
final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var error: Error?
    func set(_ e: Error) { lock.lock(); error = e; lock.unlock() }
    func get() -> Error? { lock.lock(); defer { lock.unlock() }; return error }
}

struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "HTTP credentials: create, list and revoke.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a token; it is shown once and stored only as a hash.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "county, principal or hr.") var role: String
        @Option(help: "The school of a principal's token.") var school: String?
        @Option(help: "Who or what uses it (shown in token list); unique among active tokens.") var name: String
        @Option(name: .customLong("expires-in-days"), help: "令牌在此天数后失效（默认不失效，直到撤销）The token stops working after this many days.")
        var expiresInDays: Int?
        @Option(help: "多区县登记库中，县教委或人事令牌只能查看的区县 The one county a county or HR token sees.") var county: String?

        func validate() throws {
            guard CountyRoles.role(role) != nil else { throw CLI.invalid("--role 只能是 county（县教委）、municipal（市教委，全部区县）、principal（校长）或 hr（人事/师训）", "--role must be county, municipal, principal or hr.") }
            try CountyRoles.check(role: role, county: county)
        }

        func run() throws {
            let registry = try database.backend()
            do {
                let (token, secret) = try registry.createToken(role: CountyRoles.role(role)!, school: school, name: name, actor: Actor.current,
                                                               expiresInDays: expiresInDays, county: county)
                print(secret)
                Console.error(CLI.say("已创建令牌 \(token.id)（\(token.role.rawValue)\(token.schoolCode.map { "，学校 \($0)" } ?? "")\(token.county.map { "，区县 \($0)" } ?? "")）。令牌只显示这一次，请妥善保管。",
                                      "Token \(token.id) (\(token.role.rawValue)\(token.schoolCode.map { ", school \($0)" } ?? "")) made. It is shown only this once: keep it safe."))
            } catch let e as TokenError { throw UserError(e.message) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their secrets).")
        @OptionGroup var database: DatabaseOptions
        func run() throws {
            var t = TextTable(headers: ["ID", "名称 name", "角色 role", "学校 school", "创建 created", "失效 expires", "最近使用 last used", "撤销 revoked"])
            for x in try database.backend().listTokens() {
                t.add(["\(x.id)", x.name, x.role.rawValue, x.schoolCode ?? "", ChinaTime.display(x.createdAt), x.expiresAt.map { ChinaTime.display($0) } ?? "",
                       x.lastUsedAt.map { ChinaTime.display($0) } ?? "", x.revokedAt.map { ChinaTime.display($0) } ?? ""])
            }
            print(t.render(), terminator: "")
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by its ID or name; it stops working at once.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The token's ID or name.") var token: String
        func run() throws {
            do {
                let t = try database.backend().revokeToken(token, actor: Actor.current)
                print(CLI.say("已撤销令牌 \(t.id)（\(t.name)）。", "Revoked token \(t.id) (\(t.name))."))
            } catch let e as TokenError { throw UserError(e.message) }
        }
    }
}
