import Foundation
import Hummingbird
import RegistryStore
import TeacherGrowth

/// Signing in and out, and changing one's password (issue 12).
struct AuthController {
    let services: Services

    func add(to router: Router<AppContext>) {
        router.get("/login") { request, context in try loginPage(request, context, error: nil, login: "", next: Params.query(request, "next"), status: .ok) }
        router.post("/login") { request, context in try await signIn(request, context) }
        router.post("/logout") { request, context in try await signOut(request, context) }
        router.get("/account/password") { request, context in try passwordPage(request, context, errors: nil) }
        router.post("/account/password") { request, context in try await changePassword(request, context) }
    }

    func cookie(_ name: String, _ value: String, maxAge: Int? = nil) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: services.sessions.secureCookies, httpOnly: true, sameSite: .lax)
    }

    /// Where to go after signing in: `next` if it is a path of this site, else the role's first page.
    func destination(_ next: String?, _ user: UserAccount) -> String {
        if user.mustChangePassword { return "/account/password" }
        if let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), !next.hasPrefix("/login") { return next }
        switch user.role {
        case .principal: return "/schools/\(user.schoolCode ?? "")/compliance"
        case .hr: return "/hr"
        case .county: return "/"
        }
    }

    func loginPage(_ request: Request, _ context: AppContext, error: LocalizedText?, login: String, next: String?, status: HTTPResponse.Status) throws -> Response {
        let lang = try Params.language(request)
        // A pre-session CSRF token: a cookie and the same value in the form (double submit).
        let token = request.cookies[SessionSettings.loginCSRFCookie]?.value.nilIfEmpty ?? Secrets.random()
        var data: [String: Any] = ["next": next ?? "", "login": login, "loginCSRF": token]
        if let error { data["error"] = error.text(lang) }
        let html = Pages.shared.page("login", data, frame: .init(title: lang == .zh ? "登录" : "Sign in", path: "/login"),
                                     identity: nil, language: lang, today: services.today())
        var response = Responses.page(html, status: status)
        response.setCookie(cookie(SessionSettings.loginCSRFCookie, token, maxAge: 3600))
        return response
    }

    func signIn(_ request: Request, _ context: AppContext) async throws -> Response {
        let form = try await Params.form(request, limit: 16 * 1024)
        guard let given = form["_csrf"], let expected = request.cookies[SessionSettings.loginCSRFCookie]?.value, Secrets.equal(given, expected) else {
            throw APIError.csrf
        }
        let login = form["login"] ?? "", password = form["password"] ?? ""
        let registry = services.registry, client = context.client
        let result = try await services.blocking { try registry.signIn(login: login, password: password, client: client) }
        switch result {
        case .signedIn(let grant):
            var response = Responses.redirect(destination(form["next"], grant.user))
            response.setCookie(cookie(SessionSettings.cookieName, grant.token))
            response.setCookie(cookie(SessionSettings.loginCSRFCookie, "", maxAge: 0))
            return response
        case .refused:
            return try loginPage(request, context, error: .init("登录名或密码不正确，请重新输入。", "The login or the password is wrong; try again."),
                                 login: login, next: form["next"], status: .unauthorized)
        case .locked(let until):
            let minutes = max(1, Int(ceil(until.timeIntervalSinceNow / 60)))
            return try loginPage(request, context, error: .init("该登录名连续输错次数过多，已锁定；请 \(minutes) 分钟后再试，或联系县教委人事科。",
                                                                "Too many failed attempts for this login: it is locked; try again in \(minutes) minutes."),
                                 login: login, next: form["next"], status: .tooManyRequests)
        }
    }

    func signOut(_ request: Request, _ context: AppContext) async throws -> Response {
        let form = try await Params.form(request, limit: 16 * 1024)
        guard let identity = context.identity, let session = identity.session else { return Responses.redirect("/login") }
        try CSRF.check(identity, form: form, request: request)
        let registry = services.registry
        try await services.blocking { try registry.signOut(session: session) }
        var response = Responses.redirect("/login")
        response.setCookie(cookie(SessionSettings.cookieName, "", maxAge: 0))
        return response
    }

    func passwordPage(_ request: Request, _ context: AppContext, errors: LocalizedText?, status: HTTPResponse.Status = .ok) throws -> Response {
        let (identity, session) = try context.requireSession(request)
        let lang = try Params.language(request)
        var data: [String: Any] = ["forced": session.user.mustChangePassword, "hasErrors": errors != nil]
        if let errors { data["errors"] = errors.text(lang) }
        let html = Pages.shared.page("password", data, frame: .init(title: lang == .zh ? "修改密码" : "Change password", path: "/account/password"),
                                     identity: identity, language: lang, today: services.today())
        return Responses.page(html, status: status)
    }

    func changePassword(_ request: Request, _ context: AppContext) async throws -> Response {
        let (identity, session) = try context.requireSession(request)
        let form = try await Params.form(request, limit: 16 * 1024)
        try CSRF.check(identity, form: form, request: request)
        let current = form["current"] ?? "", new = form["new"] ?? "", again = form["again"] ?? ""
        guard new == again else {
            return try passwordPage(request, context, errors: .init("两次输入的新密码不一致", "The two new passwords differ."), status: .unprocessableContent)
        }
        let registry = services.registry
        do {
            try await services.blocking { try registry.changeOwnPassword(login: session.user.login, current: current, new: new, session: session.id) }
        } catch let e as AccountError {
            return try passwordPage(request, context, errors: e.message, status: .unprocessableContent)
        }
        return Responses.redirect(destination(nil, { var u = session.user; u.mustChangePassword = false; return u }()))
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
