import Foundation
import Hummingbird
import NIOPosix
import RegistryStore
import Synchronization

/// Finds who is asking: a bearer token (`Authorization: Bearer …`, the scheme in any letter case)
/// or a session cookie. Nothing is refused here; each route checks what it needs.
struct IdentityMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let registry: any RegistryBackend
    let sessions: SessionSettings
    let limiter: FailureLimiter

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                let secret = parts[1].trimmingCharacters(in: .whitespaces)
                if limiter.isBlocked(context.client) {
                    throw APIError(status: .tooManyRequests, message: .init("这个地址的令牌错误次数过多，请 15 分钟后再试",
                                                                            "Too many wrong tokens from this address; try again in 15 minutes."),
                                   headers: [.retryAfter: "900"])
                }
                let store = registry
                if let token = try await Blocking.run({ try store.authenticate(secret) }) {
                    context.identity = Identity(source: .token(token))
                } else {
                    limiter.recordFailure(context.client)
                    context.badCredentials = true
                }
            } else {
                context.badCredentials = true
            }
        } else if let cookie = request.cookies[SessionSettings.cookieName]?.value, !cookie.isEmpty {
            let store = registry, idle = sessions.idleLimit
            if let session = try await Blocking.run({ try store.session(token: cookie, idleLimit: idle) }) {
                context.identity = Identity(source: .session(session))
            }
        }
        return try await RequestScope.$current.withValue(RequestScope(anonymous: context.identity == nil)) {
            try await next(request, context)
        }
    }
}

/// What one request works with, kept for the request's length: the facts version, read once (a
/// report request needs it for the plans, the years and the cache; on PostgreSQL each read is a
/// round trip), and whether nobody is signed in.
final class RequestScope: Sendable {
    @TaskLocal static var current: RequestScope?

    /// No identity: a public viewer, who may be given the previous figures while new ones are
    /// computed. Anyone signed in (who may just have written) waits for the current ones.
    let anonymous: Bool
    private let version = Mutex<Int64?>(nil)

    init(anonymous: Bool) { self.anonymous = anonymous }

    /// The version read first in this request, or `read()` (remembered).
    func version(_ read: () async throws -> Int64) async throws -> Int64 {
        if let known = version.withLock({ $0 }) { return known }
        let v = try await read()
        return version.withLock { known in
            if let known { return known }
            known = v
            return v
        }
    }
}

/// How sessions behave: the cookie's name and flags, and the inactivity limit.
public struct SessionSettings: Sendable {
    static let cookieName = "trk_session"
    static let loginCSRFCookie = "trk_login"
    /// Sessions end after this long without a request (default 8 hours).
    public var idleLimit: TimeInterval
    /// Mark cookies `Secure` (served over TLS, or behind a TLS proxy).
    public var secureCookies: Bool

    public init(idleLimit: TimeInterval = 8 * 3600, secureCookies: Bool = false) {
        self.idleLimit = idleLimit
        self.secureCookies = secureCookies
    }
}

/// Counts failed token attempts per client address: 20 within 15 minutes block that address for
/// the rest of the window (a brute-force brake that costs nothing to legitimate scripts).
final class FailureLimiter: Sendable {
    private let failures = NIOLockedValueBox<[String: [Date]]>([:])
    let limit: Int
    let window: TimeInterval

    init(limit: Int = 20, window: TimeInterval = 15 * 60) {
        self.limit = limit
        self.window = window
    }

    func recordFailure(_ client: String, now: Date = Date()) {
        failures.withLockedValue { f in
            var list = f[client, default: []].filter { now.timeIntervalSince($0) < window }
            list.append(now)
            f[client] = list
            if f.count > 10_000 { f = f.filter { $0.value.last.map { now.timeIntervalSince($0) < window } ?? false } }
        }
    }

    func isBlocked(_ client: String, now: Date = Date()) -> Bool {
        failures.withLockedValue { f in (f[client] ?? []).filter { now.timeIntervalSince($0) < window }.count >= limit }
    }
}

/// Runs blocking database work off the server's event loops.
/// Blocking database work, off the event loops, on threads of our own: `run` for requests
/// (sign-in checks, cache look-ups, a school's page), `heavy` for the long computations of reports
/// and reviews. Two pools, so that a flood of report computations (which the cache's gate already
/// limits to `heavyThreads` at once) can never leave a principal's page waiting for a thread; the
/// operating system shares the cores between them. (GCD's global queue, used before, has as many
/// threads as cores: two report computations held both, and every other request queued behind them.)
enum Blocking {
    static let heavyThreads = max(1, ProcessInfo.processInfo.activeProcessorCount - 1)

    private static let light: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: max(8, 4 * ProcessInfo.processInfo.activeProcessorCount))
        pool.start()
        return pool
    }()

    private static let heavyPool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: heavyThreads)
        pool.start()
        return pool
    }()

    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await light.runIfActive(work)
    }

    static func heavy<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await heavyPool.runIfActive(work)
    }
}

import NIOConcurrencyHelpers
