import Hummingbird
import NIOCore
import RegistryStore

/// The request context: who is asking (a bearer token or a signed-in browser) and from where.
public struct AppContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `IdentityMiddleware` when the request carries a valid token or session cookie.
    var identity: Identity?
    /// True when the request carried credentials that were not valid (a wrong or revoked token).
    var badCredentials = false
    /// The client's address, for the audit and for rate limits.
    let client: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        client = source.channel.remoteAddress.map(AppContext.describe) ?? "unknown"
    }

    static func describe(_ a: SocketAddress) -> String {
        a.ipAddress ?? a.description
    }
}

/// Who made a request, and what they may see.
struct Identity: Sendable {
    enum Source: Sendable {
        case token(AccessToken)
        case session(ActiveSession)
    }

    let source: Source

    var role: AccessToken.Role {
        switch source {
        case .token(let t): t.role
        case .session(let s): s.user.role
        }
    }

    /// A principal's school.
    var school: String? {
        switch source {
        case .token(let t): t.schoolCode
        case .session(let s): s.user.schoolCode
        }
    }

    /// The county a county-office or HR identity is limited to (nil: every county); a principal's
    /// limit is their school.
    var county: String? {
        switch source {
        case .token(let t): t.county
        case .session(let s): s.user.county
        }
    }

    /// How the change log and the audit name this person or script.
    var actor: String {
        switch source {
        case .token(let t): "token:\(t.id)"
        case .session(let s): "user:\(s.user.login)"
        }
    }

    var displayName: String {
        switch source {
        case .token(let t): t.name
        case .session(let s): s.user.displayName
        }
    }

    var session: ActiveSession? {
        if case .session(let s) = source { return s }
        return nil
    }

    /// A signed-in browser (gets pages); a token gets JSON or CSV.
    var isBrowser: Bool { session != nil }

    /// Whether this identity may see a school's staff.
    func maySee(school code: String) -> Bool {
        role != .principal || school == code
    }
}
