import Foundation
import Hummingbird
import RegistryStore
import TeacherGrowth

/// Account management for the county office (issue 12): add, disable, reset a password.
struct UserController {
    let services: Services
    static let countyOnly = LocalizedText("账号管理只对县教委开放", "Account management is for the county office.")

    func add(to router: Router<AppContext>) {
        router.get("/users") { request, context in try await page(request, context, errors: nil, form: Form(), newPassword: nil, status: .ok) }
        router.post("/users") { request, context in try await addUser(request, context) }
        router.post("/users/:login/disable") { request, context in try await disable(request, context, login: context.parameters.get("login") ?? "") }
        router.post("/users/:login/password") { request, context in try await reset(request, context, login: context.parameters.get("login") ?? "") }
    }

    func page(_ request: Request, _ context: AppContext, errors: LocalizedText?, form: Form, newPassword: String?, status: HTTPResponse.Status) async throws -> Response {
        let identity = try context.require([.county], request, forbidden: Self.countyOnly)
        let lang = try Params.language(request)
        let zh = lang == .zh
        let registry = services.registry, county = identity.county
        let (users, schools) = try await services.blocking { () throws -> ([UserAccount], [(code: String, name: String)]) in
            let (users, schools) = (try registry.listUsers(), try registry.schoolDirectory())
            // A county-limited office manages its own county's accounts only.
            guard let county else { return (users, schools) }
            let mine = Set(try registry.schoolCodes(inCounty: county))
            return (users.filter { Self.manages($0, county: county, schools: mine) }, schools.filter { mine.contains($0.code) })
        }
        var data: [String: Any] = [
            "users": users.map { u in
                ["login": u.login, "name": u.displayName, "role": Words.role(u.role, lang), "school": u.schoolCode ?? "",
                 "state": u.isDisabled ? (zh ? "已停用" : "disabled") : (zh ? "正常" : "active"), "stateCls": u.isDisabled ? "grey" : "ok",
                 "disabled": u.isDisabled] as [String: Any]
            },
            "roles": AccessToken.Role.allCases.map { ["value": $0.rawValue, "label": Words.role($0, lang), "selected": form["role"] == $0.rawValue] as [String: Any] },
            "schools": schools.map { ["code": $0.code, "name": $0.name, "selected": form["school"] == $0.code] as [String: Any] },
            "form": ["login": form["login"] ?? "", "name": form["name"] ?? ""],
            "hasErrors": errors != nil,
        ]
        if let errors { data["errors"] = errors.text(lang) }
        if let newPassword { data["newPassword"] = newPassword }
        return Responses.page(Pages.shared.page("users", data, frame: .init(title: zh ? "账号管理" : "Accounts", current: "users", path: "/users"),
                                                identity: identity, language: lang, today: services.today()), status: status)
    }

    func addUser(_ request: Request, _ context: AppContext) async throws -> Response {
        let identity = try context.require([.county], request, forbidden: Self.countyOnly)
        let form = try await Params.form(request)
        try CSRF.check(identity, form: form, request: request)
        let lang = try Params.language(request)
        guard let role = form["role"].flatMap(AccessToken.Role.init(rawValue:)) else {
            return try await page(request, context, errors: .init("请选择角色", "Choose a role."), form: form, newPassword: nil, status: .unprocessableContent)
        }
        let login = form.text("login") ?? "", name = form.text("name"), school = role == .principal ? form.text("school") : nil
        let password = PasswordHash.generate()
        let registry = services.registry, actor = identity.actor, county = identity.county
        if let county, let school {
            let mine = try await services.blocking { try registry.schoolCodes(inCounty: county) }
            guard mine.contains(school) else {
                return try await page(request, context, errors: .init("学校 \(school) 不属于\(county)；只能为本区县的学校添加校长账号", "School \(school) is not in \(county); add principals of your own county's schools only."),
                                      form: form, newPassword: nil, status: .forbidden)
            }
        }
        do {
            let u = try await services.blocking {
                // A county-limited office's new county and HR accounts are limited to its county too.
                try registry.addUser(login: login, role: role, school: school, displayName: name, password: password, mustChangePassword: true, actor: actor,
                                     county: role == .principal ? nil : county)
            }
            let text = lang == .zh ? "已添加账号 \(u.login)。初始密码：\(password)（只显示这一次，请告知本人；首次登录后须修改）"
                                   : "Added \(u.login). Initial password: \(password) (shown once; it must be changed at the first sign-in)"
            return try await page(request, context, errors: nil, form: Form(), newPassword: text, status: .ok)
        } catch let e as AccountError {
            return try await page(request, context, errors: e.message, form: form, newPassword: nil, status: .unprocessableContent)
        }
    }

    func disable(_ request: Request, _ context: AppContext, login: String) async throws -> Response {
        let identity = try context.require([.county], request, forbidden: Self.countyOnly)
        let form = try await Params.form(request)
        try CSRF.check(identity, form: form, request: request)
        if identity.session?.user.login.lowercased() == login.lowercased() {
            return try await page(request, context, errors: .init("不能停用自己正在使用的账号", "You cannot disable your own account."), form: Form(), newPassword: nil, status: .unprocessableContent)
        }
        let registry = services.registry, actor = identity.actor
        try await checkManages(login, identity)
        do { _ = try await services.blocking { try registry.disableUser(login: login, actor: actor) } } catch let e as AccountError {
            return try await page(request, context, errors: e.message, form: Form(), newPassword: nil, status: .unprocessableContent)
        }
        return Responses.redirect("/users")
    }

    func reset(_ request: Request, _ context: AppContext, login: String) async throws -> Response {
        let identity = try context.require([.county], request, forbidden: Self.countyOnly)
        let form = try await Params.form(request)
        try CSRF.check(identity, form: form, request: request)
        let lang = try Params.language(request)
        let password = PasswordHash.generate()
        let registry = services.registry, actor = identity.actor
        try await checkManages(login, identity)
        do { try await services.blocking { try registry.setPassword(login: login, password: password, mustChangePassword: true, actor: actor) } } catch let e as AccountError {
            return try await page(request, context, errors: e.message, form: Form(), newPassword: nil, status: .unprocessableContent)
        }
        let text = lang == .zh ? "已重设 \(login) 的密码：\(password)（只显示这一次；该账号已登录的会话全部失效，登录后须修改密码）"
                               : "New password for \(login): \(password) (shown once; their sessions have ended; it must be changed at sign-in)"
        return try await page(request, context, errors: nil, form: Form(), newPassword: text, status: .ok)
    }

    /// Whether a county-limited office manages an account: its county's county and HR accounts, and
    /// the principals of its schools.
    static func manages(_ u: UserAccount, county: String, schools: Set<String>) -> Bool {
        u.role == .principal ? u.schoolCode.map(schools.contains) ?? false : u.county == county
    }

    /// Refuses (403) another county's account to a county-limited office.
    func checkManages(_ login: String, _ identity: Identity) async throws {
        guard let county = identity.county else { return }
        let registry = services.registry
        let allowed = try await services.blocking { () throws -> Bool in
            guard let u = try registry.user(login: login) else { return true }  // unknown: the action says so
            return Self.manages(u, county: county, schools: Set(try registry.schoolCodes(inCounty: county)))
        }
        guard allowed else {
            throw APIError.forbidden(.init("账号 \(login) 不属于\(county)；只能管理本区县的账号", "The account \(login) is not of \(county); you manage your own county's accounts only."))
        }
    }
}
