import Hummingbird
import RegistryStore
import TeacherGrowth

/// Sends an unauthenticated browser to the sign-in page, and back afterwards.
struct SignInRedirect: Error, HTTPResponseError {
    var next: String
    var status: HTTPResponse.Status { .seeOther }
    func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoded = next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"
        return Responses.redirect("/login?next=\(encoded)")
    }
}

extension AppContext {
    /// The identity, if it has one of `roles`: otherwise a browser is sent to sign in, a script gets
    /// 401 (no or bad credentials) or 403 (the wrong role).
    func require(_ roles: Set<AccessToken.Role>, _ request: Request, forbidden: LocalizedText) throws -> Identity {
        guard let identity else {
            if !badCredentials && Params.wantsHTML(request) { throw SignInRedirect(next: request.uri.description) }
            throw APIError.unauthorized
        }
        guard roles.contains(identity.role) else { throw APIError.forbidden(forbidden) }
        return identity
    }

    /// A signed-in browser (pages that only make sense in one: the password form, sign-out).
    func requireSession(_ request: Request) throws -> (Identity, ActiveSession) {
        guard let identity, let session = identity.session else { throw SignInRedirect(next: request.uri.description) }
        return (identity, session)
    }
}

enum CSRF {
    /// A state-changing request from a signed-in browser must carry the session's token (form field
    /// `_csrf` or header `X-CSRF-Token`); a bearer token needs none (it is not sent by browsers).
    static func check(_ identity: Identity, form: Form?, request: Request) throws {
        guard let session = identity.session else { return }
        let given = form?["_csrf"] ?? request.headers[HeaderNames.csrfToken]
        guard let given, Secrets.equal(given, session.csrf) else { throw APIError.csrf }
    }
}
