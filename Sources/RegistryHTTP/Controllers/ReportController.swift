import Foundation
import GrowthReports
import Hummingbird
import RegistryStore
import TeacherGrowth

/// `/health`, the dashboard, the annual report and the final review of a plan (public, aggregates only).
struct ReportController {
    let services: Services

    func add(to router: Router<AppContext>) {
        router.get("/health") { _, _ in
            switch services.registry.fileState {
            case .inPlace:
                return Responses.make("{\"status\":\"ok\",\"schema_version\":\(Registry.schemaVersion)}\n", type: Responses.json)
            case .replaced, .removed:
                let state = services.registry.fileState == .removed ? "removed" : "replaced"
                return Responses.make("{\"status\":\"database_file_\(state)\",\"schema_version\":\(Registry.schemaVersion),\"writes\":false}\n",
                                      type: Responses.json, status: .serviceUnavailable)
            }
        }
        router.get("/assets/app.css") { _, _ in asset(EmbeddedTemplates.stylesheet) }
        router.get("/assets/report.css") { _, _ in asset(EmbeddedTemplates.reportStylesheet) }
        router.get("/") { request, context in try await dashboard(request, context) }
        router.get("/reports/teacher-growth") { request, context in try await report(request, context, year: nil) }
        router.get("/reports/teacher-growth/:year") { request, context in
            try await report(request, context, year: context.parameters.get("year") ?? "")
        }
    }

    func asset(_ css: String) -> Response {
        var r = Responses.make(css, type: "text/css; charset=utf-8")
        r.headers[.cacheControl] = "public, max-age=3600"
        return r
    }

    /// The years of the plans up to now, the last completed year, the closed plan's final review.
    func links(year: Int?, language: Language, home: Bool, catalog: PlanCatalog, signedIn: Bool) -> HTMLReport.Links {
        let now = services.today().year
        var years = Set(catalog.plans.flatMap { Array($0.years) }.filter { $0 <= now })
        if let year { years.insert(year) }
        let l = language.rawValue
        let zh = language == .zh
        var extra: [(String, String)] = []
        if year != now - 1 { extra.append((zh ? "上一年度（\(now - 1)）" : "Last year (\(now - 1))", "/reports/teacher-growth/\(now - 1)?format=html&lang=\(l)")) }
        if let closed = catalog.lastClosed(before: now + 1), closed.lastYear < now {
            extra.append((zh ? "\(closed.firstYear)–\(closed.lastYear) 终期评估" : "Final review \(closed.firstYear)–\(closed.lastYear)",
                          "/reports/teacher-growth?period=\(closed.firstYear)-\(closed.lastYear)&format=html&lang=\(l)"))
        }
        if !signedIn { extra.append((zh ? "登录" : "Sign in", "/login")) }
        let y = year ?? now
        return HTMLReport.Links(
            years: years.sorted().map { ($0, "/reports/teacher-growth/\($0)?format=html&lang=\(l)") },
            formats: [("JSON", "/reports/teacher-growth/\(y)?format=json&lang=\(l)"), ("CSV", "/reports/teacher-growth/\(y)?format=csv&lang=\(l)"),
                      ("Markdown", "/reports/teacher-growth/\(y)?format=markdown&lang=\(l)")],
            languages: [("中文", home ? "/?lang=zh" : "/reports/teacher-growth/\(y)?format=html&lang=zh"),
                        ("English", home ? "/?lang=en" : "/reports/teacher-growth/\(y)?format=html&lang=en")],
            extra: extra)
    }

    /// The dashboard: the current year of the current plan, in progress as of today. A signed-in
    /// principal or HR officer is sent to their own first page; the county office sees it in the
    /// application's layout; anyone else gets the public page.
    func dashboard(_ request: Request, _ context: AppContext) async throws -> Response {
        let lang = try Params.language(request)
        if let identity = context.identity, identity.isBrowser {
            switch identity.role {
            case .principal: return Responses.redirect("/schools/\(identity.school ?? "")/compliance")
            case .hr: return Responses.redirect("/hr")
            case .county: break
            }
        }
        let catalog = try await services.catalog()
        let today = services.today()
        let registry = services.registry
        if let identity = context.identity, identity.isBrowser {
            let report = try await services.blocking { try registry.growthReport(catalog: catalog, year: today.year, asOf: nil, today: today) }
            let zh = lang == .zh
            var buttons: [[String: String]] = [["label": zh ? "轮岗规划" : "Rotation planner", "href": "/rotation/\(today.year)"],
                                               ["label": zh ? "各校概况" : "Schools", "href": "/schools"],
                                               ["label": zh ? "上一年度（\(today.year - 1)）" : "Last year", "href": "/reports/teacher-growth/\(today.year - 1)?format=html"]]
            if let closed = catalog.lastClosed(before: today.year + 1), closed.lastYear < today.year {
                buttons.append(["label": zh ? "\(closed.firstYear)–\(closed.lastYear) 终期评估" : "Final review \(closed.firstYear)–\(closed.lastYear)",
                                "href": "/reports/teacher-growth?period=\(closed.firstYear)-\(closed.lastYear)&format=html"])
            }
            let html = Pages.shared.page("dashboard", ["links": buttons, "report": HTMLReport.body(report, language: lang)],
                                         frame: .init(title: ReportText.title(report, lang), current: "dashboard", path: "/", extraCSS: "/assets/report.css"),
                                         identity: identity, language: lang, today: today)
            return Responses.page(html)
        }
        let links = links(year: today.year, language: lang, home: true, catalog: catalog, signedIn: false)
        return try await services.cached("dashboard|\(today)|\(lang.rawValue)") {
            let r = try registry.growthReport(catalog: catalog, year: today.year, asOf: nil, today: today)
            return (HTMLReport.render(r, language: lang, links: links), Responses.html)
        }
    }

    func report(_ request: Request, _ context: AppContext, year text: String?) async throws -> Response {
        let f = try Params.format(request, allowed: [.json, .html, .csv, .markdown, .xlsx], default: .json)
        let lang = try Params.language(request)
        let registry = services.registry
        let catalog = try await services.catalog()
        let today = services.today()
        let signedIn = context.identity?.isBrowser ?? false
        if let raw = Params.query(request, "period") {
            guard let range = ReportDates.period(raw) else {
                throw APIError.badRequest(.init("period 应写成起止年份，如 2021-2025", "period must be a range of years such as 2021-2025."))
            }
            guard let plan = catalog.plans.first(where: { $0.firstYear == range.lowerBound && $0.lastYear == range.upperBound }) else {
                throw APIError.notFound(.init("没有规划期为 \(raw) 的规划", "No plan has the period \(raw)."))
            }
            if f == .xlsx {
                let review = try await services.limited(priority: .high) { try registry.planReview(plan, today: today) }
                return Responses.workbook(try ReviewRendering.workbook(review, language: lang), fileName: "终期评估-\(raw).xlsx")
            }
            let links = f == .html ? self.links(year: nil, language: lang, home: false, catalog: catalog, signedIn: signedIn) : nil
            return try await services.cached("review|\(plan.id)|\(today)|\(f.rawValue)|\(lang.rawValue)|\(signedIn)") {
                let r = try registry.planReview(plan, today: today)
                let body: String = switch f {
                case .json: ReviewRendering.json(r, language: lang)
                case .html: ReviewRendering.html(r, language: lang, links: links)
                case .csv: ReviewRendering.csv(r, language: lang)
                case .markdown, .xlsx: ReviewRendering.markdown(r, language: lang)
                }
                return (body, Responses.contentType(f == .xlsx ? .markdown : f))
            }
        }
        guard let text else {
            throw APIError.badRequest(.init("请给出年份（/reports/teacher-growth/2025）或规划期（?period=2021-2025）",
                                            "Give a year (/reports/teacher-growth/2025) or a period (?period=2021-2025)."))
        }
        let y = try Params.year(text)
        // Bounded by the data and the plan periods, so random years cannot make the server compute
        // reports of empty years without end.
        let facts = try await services.factYears()
        let planYears = catalog.plans.flatMap { [$0.firstYear, $0.lastYear] }
        let low = min(facts?.lowerBound ?? Int.max, planYears.min() ?? Int.max)
        let high = max(facts?.upperBound ?? Int.min, planYears.max() ?? Int.min, today.year)
        guard low <= high, (low...high).contains(y) else {
            throw APIError.notFound(.init("登记中没有 \(y) 年的数据，也没有覆盖该年的规划；可查询的年份为 \(low)–\(high) 年",
                                          "The registry holds no data for \(y) and no plan covers it; years \(low)–\(high) can be reported."))
        }
        let asOf = try Params.date(request, "as_of")
        if let asOf, asOf.year != y {
            throw APIError.badRequest(.init("as_of \(asOf) 不在 \(y) 年内；请给出 \(y)-01-01 至 \(y)-12-31 之间的日期",
                                            "as_of \(asOf) is not in \(y); give a date from \(y)-01-01 to \(y)-12-31."))
        }
        // Several counties (issue 15): ?county= for one, ?municipal=1 for the roll-up; a
        // county-limited identity gets its own county and is refused another.
        let county = try await services.county(request, context.identity)
        let municipal = county == nil && ["1", "true", "yes"].contains(Params.query(request, "municipal") ?? "")
        @Sendable func make() throws -> GrowthReport {
            if let county { return try registry.growthReport(catalog: catalog, year: y, asOf: asOf, today: today, county: county) }
            if municipal { return try registry.municipalReport(municipalPlan: try registry.municipalPlanCatalog(), year: y, asOf: asOf, today: today) }
            return try registry.growthReport(catalog: catalog, year: y, asOf: asOf, today: today)
        }
        let scopeKey = county.map { "county:\($0)" } ?? (municipal ? "municipal" : "")
        if f == .xlsx {
            let r = try await services.limited(priority: asOf == nil ? .high : .low) { try make() }
            return Responses.workbook(try XLSXReport.render(r, language: lang), fileName: "教师成长目标年度报告-\(y).xlsx")
        }
        let links = f == .html ? self.links(year: y, language: lang, home: false, catalog: catalog, signedIn: signedIn) : nil
        // A chosen day is an arbitrary computation: it waits behind the default views and is refused
        // when too many wait (503), so that random days cannot crowd out the pages people use.
        return try await services.cached("report|\(y)|\(asOf?.description ?? "")|\(today)|\(f.rawValue)|\(lang.rawValue)|\(signedIn)|\(scopeKey)",
                                         priority: asOf == nil ? .high : .low) {
            let r = try make()
            let body: String = switch f {
            case .json: JSONReport.render(r, language: lang)
            case .html: HTMLReport.render(r, language: lang, links: links)
            case .csv: CSVReport.render(r, language: lang)
            case .markdown, .xlsx: MarkdownReport.render(r, language: lang)
            }
            return (body, Responses.contentType(f == .xlsx ? .markdown : f))
        }
    }
}
