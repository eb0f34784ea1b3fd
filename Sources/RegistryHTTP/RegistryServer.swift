import Foundation
import GrowthReports
import Hummingbird
import HummingbirdCore
import Logging
import RegistryStore
import Synchronization
import TeacherGrowth

/// Which plans the server reports against: the registry's (bundled and imported, read afresh so
/// that a `plan import` shows at once), or a fixed set (`serve --plan`).
public enum PlanChoice: Sendable {
    case registry
    case fixed(PlanCatalog)
}

/// What every controller shares: the registry, the plans, the clock and the caches.
struct Services: Sendable {
    let registry: any RegistryBackend
    let plans: PlanChoice
    let cache: ResponseCache
    let today: @Sendable () -> CivilDate
    let sessions: SessionSettings
    let uploads: UploadStore

    let catalogs = CatalogCache()

    /// The facts version this request works with: read once per request (`RequestScope`), off the
    /// event loops and the cooperative threads (on PostgreSQL it is a round trip).
    func version() async throws -> Int64 {
        let store = registry
        let read = { try await Blocking.run { try store.dataVersion() } }
        guard let scope = RequestScope.current else { return try await read() }
        return try await scope.version(read)
    }

    /// The plans reports use: read again only when the facts version moves (importing a plan moves it).
    func catalog() async throws -> PlanCatalog {
        switch plans {
        case .registry:
            let version = try await version()
            if let known = catalogs.get(version) { return known }
            let store = registry
            let catalog = try await Blocking.run { try store.planCatalog() }
            catalogs.put(catalog, version: version)
            return catalog
        case .fixed(let c): return c
        }
    }

    /// Which county a request is about (issue 15): `?county=` when given, else the identity's own;
    /// a county-limited identity asking for another county is refused (403), an unknown county is
    /// 404. Nil: the whole registry.
    func county(_ request: Request, _ identity: Identity?) async throws -> String? {
        let asked = Params.query(request, "county").flatMap { $0.isEmpty ? nil : $0 }
        if let mine = identity?.county {
            if let asked, asked != mine {
                throw APIError.forbidden(.init("只能查看本区县（\(mine)）的数据", "You may see your own county (\(mine)) only."))
            }
            return mine
        }
        guard let asked else { return nil }
        let store = registry
        let known = try await blocking { try store.counties() }
        guard known.contains(asked) else {
            throw APIError.notFound(.init(known.isEmpty ? "这个登记库不分区县" : "没有区县“\(asked)”；已有：\(known.joined(separator: "、"))",
                                          known.isEmpty ? "This registry has no counties." : "There is no county \"\(asked)\"; the counties are: \(known.joined(separator: ", "))."))
        }
        return asked
    }

    /// A county-limited identity may see a school only in its county.
    func checkSchool(_ school: String, for identity: Identity) async throws {
        guard let mine = identity.county else { return }
        let store = registry
        let county = try await blocking { try store.county(ofSchool: school) }
        if county != mine {
            throw APIError.forbidden(.init("只能查看本区县（\(mine)）的学校", "You may see schools of your own county (\(mine)) only."))
        }
    }

    /// Runs blocking database work off the event loops.
    func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T { try await Blocking.run(work) }

    /// A response from the cache while the facts are unchanged, else computed once.
    /// Identical requests computing together share one computation, and computations are limited
    /// in number (`ResponseCache`).
    func cached(_ key: String, priority: AsyncGate.Priority = .high, render: @escaping @Sendable () throws -> (String, String)) async throws -> Response {
        let version = try await version()
        // A public viewer arriving while the figures of a new version are computed gets the previous
        // ones at once (marked in `Cache-Status`) instead of waiting seconds after every import.
        let answer = try await cache.answer(key, version: version, priority: priority,
                                            previousWhileComputing: RequestScope.current?.anonymous ?? false) {
            let (body, type) = try await Blocking.heavy(render)
            return ResponseCache.Entry(version: version, body: body, contentType: type)
        }
        let entry = answer.entry
        var response = Responses.make(entry.bytes, type: entry.contentType, csp: csp(entry.contentType))
        response.headers[HeaderNames.factsVersion] = String(entry.version)
        if answer.previous { response.headers[HeaderNames.cacheStatus] = "teacher-registry; hit; detail=previous-version-while-updating" }
        return response
    }

    /// The years the registry holds facts for, read once per data version (a scan of the largest
    /// tables: at 10× it takes a third of a second).
    func factYears() async throws -> ClosedRange<Int>? {
        let store = registry
        let version = try await version()
        // Once per data version, however many requests arrive together after a write (single flight).
        // A public viewer may be given the previous range meanwhile, as with `cached`.
        let answer = try await cache.answer("fact-years", version: version, previousWhileComputing: RequestScope.current?.anonymous ?? false) {
            let range = try await Blocking.run { try store.factYearRange() }
            return .init(version: version, body: range.map { "\($0.lowerBound)-\($0.upperBound)" } ?? "", contentType: "text/plain")
        }
        return Self.decodeYears(answer.entry.body)
    }

    private static func decodeYears(_ s: String) -> ClosedRange<Int>? {
        let p = s.split(separator: "-").compactMap { Int($0) }
        return p.count == 2 && p[0] <= p[1] ? p[0]...p[1] : nil
    }

    /// Runs a heavy computation that is not cached (an Excel report, a review) within the same limit.
    func limited<T: Sendable>(priority: AsyncGate.Priority = .low, _ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await cache.gate.run(priority: priority) { try await Blocking.heavy(work) }
    }

    private func csp(_ type: String) -> String? { type == Responses.html ? Responses.reportCSP : nil }
}

/// The plan catalog of the last facts version read.
final class CatalogCache: Sendable {
    private let state = Mutex<(version: Int64, catalog: PlanCatalog)?>(nil)

    func get(_ version: Int64) -> PlanCatalog? { state.withLock { $0?.version == version ? $0?.catalog : nil } }
    func put(_ catalog: PlanCatalog, version: Int64) { state.withLock { $0 = (version, catalog) } }
}

/// The HTTP server of SPEC §10 and the web application of issue 12. `buildRouter` is what both
/// `serve` and the tests wire.
public enum RegistryServer {
    /// Open connections the server accepts at once.
    public static let maxConnections = 1_024
    /// JSON bodies above this are refused with 413.
    public static let maxBodyBytes = 64 * 1024
    /// Uploaded files (the import page) above this are refused with 413.
    public static let maxUploadBytes = 64 * 1024 * 1024

    public static func buildRouter(registry: any RegistryBackend, plans: PlanChoice = .registry, sessions: SessionSettings = .init(), logger: Logger,
                                   today: @escaping @Sendable () -> CivilDate) -> Router<AppContext> {
        // HEAD is answered wherever GET is (the GET response without its body).
        let router = Router(context: AppContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: AccessLogMiddleware(logger: logger))
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: DatabaseFileGuard(registry: registry))
        router.add(middleware: IdentityMiddleware(registry: registry, sessions: sessions, limiter: FailureLimiter()))
        let services = Services(registry: registry, plans: plans, cache: ResponseCache(concurrency: Blocking.heavyThreads), today: today, sessions: sessions, uploads: UploadStore())
        ReportController(services: services).add(to: router)
        AuthController(services: services).add(to: router)
        ComplianceController(services: services).add(to: router)
        TeacherController(services: services).add(to: router)
        TrainingController(services: services).add(to: router)
        ImportController(services: services).add(to: router)
        RotationController(services: services).add(to: router)
        UserController(services: services).add(to: router)
        return router
    }

    /// Runs until SIGTERM or SIGINT, then stops gracefully.
    public static func run(registry: any RegistryBackend, plans: PlanChoice, sessions: SessionSettings = .init(), host: String, port: Int, logger: Logger,
                           today: @escaping @Sendable () -> CivilDate) async throws {
        let router = buildRouter(registry: registry, plans: plans, sessions: sessions, logger: logger, today: today)
        let app = Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: .seconds(30))),
            // At most `maxConnections` open connections: further ones wait in the listen queue
            // instead of exhausting file descriptors and memory.
            configuration: .init(address: .hostname(host, port: port), serverName: "teacher-registry",
                                 availableConnectionsDelegate: MaximumAvailableConnections(maxConnections, logger: logger)),
            logger: logger)
        try await app.runService()
    }
}

/// A JSON value of a request body: text and numbers are accepted as field values.
enum JSONScalar: Decodable {
    case text(String)
    case number(String)
    case null
    case other

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null; return }
        if let s = try? c.decode(String.self) { self = .text(s); return }
        if (try? c.decode(Bool.self)) != nil { self = .other; return }
        if let i = try? c.decode(Int.self) { self = .number(String(i)); return }
        if let d = try? c.decode(Double.self) { self = .number("\(d)"); return }
        self = .other
    }
}
