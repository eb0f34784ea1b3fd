import Foundation
import GrowthReports
import Hummingbird
import Logging
import RegistryStore
import TeacherGrowth

/// Which plans the server reports against: the registry's (bundled and imported, read afresh so
/// that a `plan import` shows at once), or a fixed set (`serve --plan`).
public enum PlanChoice: Sendable {
    case registry
    case fixed(PlanCatalog)
}

/// The HTTP server of SPEC §10. `buildRouter` is what both `serve` and the tests wire.
public enum RegistryServer {
    /// Request bodies above this are refused with 413.
    public static let maxBodyBytes = 64 * 1024

    public static func buildRouter(registry: Registry, plans: PlanChoice = .registry, logger: Logger,
                                   today: @escaping @Sendable () -> CivilDate) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: AccessLogMiddleware(logger: logger))
        let routes = Routes(registry: registry, plans: plans, cache: ResponseCache(), today: today)
        router.get("/health") { _, _ in try routes.health() }
        router.get("/") { request, _ in try await routes.dashboard(request) }
        router.get("/reports/teacher-growth/:year") { request, context in
            try await routes.report(request, year: context.parameters.get("year") ?? "")
        }
        router.get("/schools/:code/compliance") { request, context in
            try await routes.compliance(request, school: context.parameters.get("code") ?? "")
        }
        router.get("/rotation/:year") { request, context in
            try await routes.rotation(request, year: context.parameters.get("year") ?? "")
        }
        router.post("/training") { request, _ in try await routes.logTraining(request) }
        return router
    }

    /// Runs until SIGTERM or SIGINT, then stops gracefully.
    public static func run(registry: Registry, plans: PlanChoice, host: String, port: Int, logger: Logger,
                           today: @escaping @Sendable () -> CivilDate) async throws {
        let router = buildRouter(registry: registry, plans: plans, logger: logger, today: today)
        let app = Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: .seconds(30))),
            configuration: .init(address: .hostname(host, port: port), serverName: "teacher-registry"),
            logger: logger)
        try await app.runService()
    }
}

/// The handlers; each returns a `Response` or throws an `APIError`.
struct Routes: Sendable {
    let registry: Registry
    let plans: PlanChoice
    let cache: ResponseCache
    let today: @Sendable () -> CivilDate

    // MARK: helpers

    static func response(_ body: String, contentType: String, status: HTTPResponse.Status = .ok, extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static let json = "application/json; charset=utf-8"

    /// Runs blocking database work off the server's event loops.
    func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { c in
            DispatchQueue.global().async { c.resume(with: Result { try work() }) }
        }
    }

    func year(_ text: String) throws -> Int {
        guard !text.isEmpty, text.utf8.count <= 4, text.allSatisfy(\.isASCII), let y = Int(text), (1990...2100).contains(y), String(y) == text else {
            throw APIError.badRequest(.init("年份必须是 1990 至 2100 之间的整数，如 2025", "The year must be a whole number from 1990 to 2100, such as 2025."))
        }
        return y
    }

    func date(_ request: Request, _ name: String) throws -> CivilDate? {
        guard let raw = request.uri.queryParameters[name[...]] else { return nil }
        guard let d = CivilDate(iso: raw) else { throw APIError.badRequest(.init("\(name) 必须是 YYYY-MM-DD 格式的日期", "\(name) must be a date written YYYY-MM-DD.")) }
        return d
    }

    func language(_ request: Request) throws -> Language {
        guard let raw = request.uri.queryParameters["lang"] else { return .zh }
        guard let l = Language(rawValue: String(raw)) else { throw APIError.badRequest(.init("lang 只能是 zh 或 en", "lang must be zh or en.")) }
        return l
    }

    func token(_ request: Request) async throws -> AccessToken {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { throw APIError.unauthorized }
        let secret = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        let store = self.registry
        guard let token = try await blocking({ try store.authenticate(secret) }) else { throw APIError.unauthorized }
        return token
    }

    enum Format: String { case json, html, csv, markdown }

    func format(_ request: Request, allowed: [Format], default d: Format) throws -> Format {
        if let raw = request.uri.queryParameters["format"] {
            guard let f = Format(rawValue: String(raw)), allowed.contains(f) else {
                throw APIError.badRequest(.init("format 只能是：\(allowed.map(\.rawValue).joined(separator: "、"))", "format must be one of: \(allowed.map(\.rawValue).joined(separator: ", "))."))
            }
            return f
        }
        let accept = request.headers[.accept] ?? ""
        for (type, f) in [("text/html", Format.html), ("text/csv", .csv), ("text/markdown", .markdown), ("application/json", .json)]
        where accept.contains(type) && allowed.contains(f) {
            return f
        }
        return d
    }

    static func contentType(_ f: Format) -> String {
        switch f {
        case .json: json
        case .html: "text/html; charset=utf-8"
        case .csv: "text/csv; charset=utf-8"
        case .markdown: "text/markdown; charset=utf-8"
        }
    }

    // MARK: routes

    func health() throws -> Response {
        Routes.response("{\"status\":\"ok\",\"schema_version\":\(Registry.schemaVersion)}\n", contentType: Routes.json)
    }

    func catalog() throws -> PlanCatalog {
        switch plans {
        case .registry: try registry.planCatalog()
        case .fixed(let c): c
        }
    }

    func cached(_ key: String, render: @escaping @Sendable () throws -> (String, String)) async throws -> Response {
        let store = self.registry
        let version = try await blocking { try store.dataVersion() }
        if let hit = cache.get(key, version: version) { return Routes.response(hit.body, contentType: hit.contentType) }
        let (body, type) = try await blocking(render)
        cache.put(key, .init(version: version, body: body, contentType: type))
        return Routes.response(body, contentType: type)
    }

    func report(_ request: Request, year text: String) async throws -> Response {
        let f = try format(request, allowed: [.json, .html, .csv, .markdown], default: .json)
        let lang = try language(request)
        let registry = self.registry
        if let raw = request.uri.queryParameters["period"] {
            guard let range = ReportDates.period(String(raw)) else {
                throw APIError.badRequest(.init("period 应写成起止年份，如 2021-2025", "period must be a range of years such as 2021-2025."))
            }
            let catalog = try catalog()
            guard let plan = catalog.plans.first(where: { $0.firstYear == range.lowerBound && $0.lastYear == range.upperBound }) else {
                throw APIError.notFound(.init("没有规划期为 \(raw) 的规划", "No plan has the period \(raw)."))
            }
            let links = f == .html ? dashboardLinks(year: nil, language: lang, home: false, catalog: catalog) : nil
            let today = self.today()
            return try await cached("review|\(plan.id)|\(today)|\(f.rawValue)|\(lang.rawValue)") {
                let r = try registry.planReview(plan, today: today)
                let body: String = switch f {
                case .json: ReviewRendering.json(r, language: lang)
                case .html: ReviewRendering.html(r, language: lang, links: links)
                case .csv: ReviewRendering.csv(r, language: lang)
                case .markdown: ReviewRendering.markdown(r, language: lang)
                }
                return (body, Routes.contentType(f))
            }
        }
        let y = try year(text)
        let asOf = try date(request, "as_of")
        if let asOf, asOf.year != y {
            throw APIError.badRequest(.init("as_of \(asOf) 不在 \(y) 年内；请给出 \(y)-01-01 至 \(y)-12-31 之间的日期", "as_of \(asOf) is not in \(y); give a date from \(y)-01-01 to \(y)-12-31."))
        }
        let catalog = try catalog()
        let links = f == .html ? dashboardLinks(year: y, language: lang, home: false, catalog: catalog) : nil
        let today = self.today()
        return try await cached("report|\(y)|\(asOf?.description ?? "")|\(today)|\(f.rawValue)|\(lang.rawValue)") {
            let r = try registry.growthReport(catalog: catalog, year: y, asOf: asOf, today: today)
            let body: String = switch f {
            case .json: JSONReport.render(r, language: lang)
            case .html: HTMLReport.render(r, language: lang, links: links)
            case .csv: CSVReport.render(r, language: lang)
            case .markdown: MarkdownReport.render(r, language: lang)
            }
            return (body, Routes.contentType(f))
        }
    }

    /// The years of the plans, the current year's plan's final review once it is over, the last
    /// completed year.
    func dashboardLinks(year: Int?, language: Language, home: Bool, catalog: PlanCatalog) -> HTMLReport.Links {
        let now = today().year
        var years = Set(catalog.plans.flatMap { Array($0.years) }.filter { $0 <= now })
        if let year { years.insert(year) }
        let l = language.rawValue
        var extra: [(String, String)] = []
        let zh = language == .zh
        if year != now - 1 { extra.append((zh ? "上一年度（\(now - 1)）" : "Last year (\(now - 1))", "/reports/teacher-growth/\(now - 1)?format=html&lang=\(l)")) }
        if let closed = catalog.lastClosed(before: now + 1), closed.lastYear < now {
            extra.append((zh ? "\(closed.firstYear)–\(closed.lastYear) 终期评估" : "Final review \(closed.firstYear)–\(closed.lastYear)",
                          "/reports/teacher-growth/\(closed.lastYear)?period=\(closed.firstYear)-\(closed.lastYear)&format=html&lang=\(l)"))
        }
        let formatYear = year ?? now
        return HTMLReport.Links(
            years: years.sorted().map { ($0, "/reports/teacher-growth/\($0)?format=html&lang=\(l)") },
            formats: [("JSON", "/reports/teacher-growth/\(formatYear)?format=json&lang=\(l)"),
                      ("CSV", "/reports/teacher-growth/\(formatYear)?format=csv&lang=\(l)"),
                      ("Markdown", "/reports/teacher-growth/\(formatYear)?format=markdown&lang=\(l)")],
            languages: [("中文", home ? "/?lang=zh" : "/reports/teacher-growth/\(formatYear)?format=html&lang=zh"),
                        ("English", home ? "/?lang=en" : "/reports/teacher-growth/\(formatYear)?format=html&lang=en")],
            extra: extra)
    }

    /// The dashboard opens on the current year of the current plan, in progress as of today.
    func dashboard(_ request: Request) async throws -> Response {
        let lang = try language(request)
        let catalog = try catalog()
        let today = self.today()
        let y = today.year
        let links = dashboardLinks(year: y, language: lang, home: true, catalog: catalog)
        let registry = self.registry
        return try await cached("dashboard|\(today)|\(lang.rawValue)") {
            let r = try registry.growthReport(catalog: catalog, year: y, today: today)
            return (HTMLReport.render(r, language: lang, links: links), Routes.contentType(.html))
        }
    }

    func compliance(_ request: Request, school: String) async throws -> Response {
        let t = try await token(request)
        if t.role == .principal && t.schoolCode != school {
            throw APIError.forbidden(.init("此令牌只能查看学校 \(t.schoolCode ?? "") 的教师，不能查看其他学校", "This token is for school \(t.schoolCode ?? ""); it cannot see another school's staff."))
        }
        let store = self.registry
        guard school.utf8.count <= 64, try await blocking({ try store.schoolExists(school) }) else {
            throw APIError.notFound(.init("没有这个代码的学校", "There is no school with this code."))
        }
        let asOf = try date(request, "as_of") ?? today()
        var dueWithin: Int?
        if let raw = request.uri.queryParameters["due_within"] {
            guard let n = Int(String(raw)), (0...3650).contains(n) else { throw APIError.badRequest(.init("due_within 必须是 0 至 3650 之间的天数", "due_within must be a number of days from 0 to 3650.")) }
            dueWithin = n
        }
        let f = try format(request, allowed: [.json, .csv], default: .json)
        let registry = self.registry
        let catalog = try catalog()
        let window = dueWithin
        let body = try await blocking {
            let v = try registry.complianceView(catalog: catalog, asOf: asOf, school: school, dueWithin: window)
            return f == .csv ? ComplianceRendering.csv(v) : ComplianceRendering.json(v, school: school)
        }
        return Routes.response(body, contentType: Routes.contentType(f))
    }

    func rotation(_ request: Request, year text: String) async throws -> Response {
        let t = try await token(request)
        guard t.role == .county else { throw APIError.forbidden(.init("交流轮岗规划需要县教委的令牌", "The rotation review needs a county token.")) }
        let y = try year(text)
        let asOf = try date(request, "as_of")
        if let asOf, asOf.year != y { throw APIError.badRequest(.init("as_of \(asOf) 不在 \(y) 年内", "as_of \(asOf) is not in \(y).")) }
        let lang = try language(request)
        let registry = self.registry
        let catalog = try catalog()
        let today = self.today()
        return try await cached("rotation|\(y)|\(asOf?.description ?? "")|\(today)|\(lang.rawValue)") {
            let v = try registry.rotationView(catalog: catalog, year: y, asOf: asOf, today: today)
            return (RotationRendering.json(v, plan: catalog.plan(for: y), language: lang), Routes.json)
        }
    }

    func logTraining(_ request: Request) async throws -> Response {
        let t = try await token(request)
        guard t.role == .hr else { throw APIError.forbidden(.init("登记培训需要人事/师训的令牌", "Logging training needs an hr token.")) }
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: RegistryServer.maxBodyBytes)
        } catch {
            throw APIError(status: .contentTooLarge, message: .init("请求内容超过 \(RegistryServer.maxBodyBytes / 1024) KiB；每次只提交一条培训记录", "The body is larger than \(RegistryServer.maxBodyBytes / 1024) KiB; send one training record per request."))
        }
        let data = Data(buffer.readableBytesView)
        guard let object = try? JSONDecoder().decode([String: JSONScalar].self, from: data) else {
            throw APIError.badRequest(.init("请求内容必须是培训字段的 JSON 对象，如 {\"staff_no\": \"T0001\", \"title\": \"…\", \"level\": \"county\", \"start_date\": \"2025-03-01\", \"end_date\": \"2025-03-03\", \"hours\": 24}", "The body must be a JSON object of training fields, e.g. {\"staff_no\": \"T0001\", \"title\": \"…\", \"level\": \"county\", \"start_date\": \"2025-03-01\", \"end_date\": \"2025-03-03\", \"hours\": 24}."))
        }
        var fields: [String: String] = [:]
        var problems: [(String, String)] = []
        for (k, v) in object.sorted(by: { $0.key < $1.key }) {
            switch v {
            case .text(let s): fields[k] = s
            case .number(let n): fields[k] = n
            case .null: continue
            case .other: problems.append((k, "must be a string or a number"))
            }
        }
        let registry = self.registry
        let actor = "token:\(t.id)"
        let record = fields
        do {
            let typeProblems = problems
            let result = try await blocking { () throws -> TrainingAddResult in
                // Fields of the wrong JSON type are reported together with every other problem.
                if !typeProblems.isEmpty {
                    do { _ = try registry.validateTraining(record) } catch TrainingEditError.invalid(let more) { throw TrainingEditError.invalid(more) }
                    throw TrainingEditError.invalid([])
                }
                return try registry.addTraining(record, actor: actor, command: "POST /training")
            }
            let body = "{\"id\":\(result.id),\"outcome\":\"\(result.outcome.rawValue)\",\"warnings\":[" +
                result.warnings.map { JSONText.string($0.description) }.joined(separator: ",") + "]}\n"
            return Routes.response(body, contentType: Routes.json, status: result.outcome == .added ? .created : .ok)
        } catch TrainingEditError.invalid(let issues) {
            var byField: [(String, LocalizedText)] = problems.map { ($0.0, LocalizedText("必须是字符串或数字", $0.1)) }
            for i in issues {
                if let idx = byField.firstIndex(where: { $0.0 == i.field }) { byField[idx].1 = .joined([byField[idx].1, i.message]) }
                else { byField.append((i.field, i.message)) }
            }
            throw APIError(status: .unprocessableContent, message: .init("培训记录未保存", "The training record was not saved."), fields: byField)
        }
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
