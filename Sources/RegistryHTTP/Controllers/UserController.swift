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
        let registry = services.registry
        let (users, schools) = try await services.blocking { (try registry.listUsers(), try registry.schoolDirectory()) }
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
        let registry = services.registry, actor = identity.actor
        do {
            let u = try await services.blocking {
                try registry.addUser(login: login, role: role, school: school, displayName: name, password: password, mustChangePassword: true, actor: actor)
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
        do { try await services.blocking { try registry.setPassword(login: login, password: password, mustChangePassword: true, actor: actor) } } catch let e as AccountError {
            return try await page(request, context, errors: e.message, form: Form(), newPassword: nil, status: .unprocessableContent)
        }
        let text = lang == .zh ? "已重设 \(login) 的密码：\(password)（只显示这一次；该账号已登录的会话全部失效，登录后须修改密码）"
                               : "New password for \(login): \(password) (shown once; their sessions have ended; it must be changed at sign-in)"
        return try await page(request, context, errors: nil, form: Form(), newPassword: text, status: .ok)
    }
}
