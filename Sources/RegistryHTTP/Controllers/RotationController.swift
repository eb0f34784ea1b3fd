import Foundation
import GrowthReports
import Hummingbird
import RegistryStore
import TeacherGrowth

/// The county's rotation review and planner (SPEC §9): JSON for a token, a page for the office.
struct RotationController {
    let services: Services

    func add(to router: Router<AppContext>) {
        router.get("/rotation") { _, _ in Responses.redirect("/rotation/\(services.today().year)") }
        router.get("/rotation/:year") { request, context in try await rotation(request, context, year: context.parameters.get("year") ?? "") }
    }

    func rotation(_ request: Request, _ context: AppContext, year text: String) async throws -> Response {
        let identity = try context.require([.county], request, forbidden: .init("交流轮岗规划需要县教委的账号或令牌", "The rotation review needs a county account or token."))
        let y = try Params.year(text)
        let asOf = try Params.date(request, "as_of")
        if let asOf, asOf.year != y { throw APIError.badRequest(.init("as_of \(asOf) 不在 \(y) 年内", "as_of \(asOf) is not in \(y).")) }
        let lang = try Params.language(request)
        let f = try Params.format(request, allowed: [.json, .csv, .xlsx, .html], default: identity.isBrowser ? .html : .json)
        let registry = services.registry
        let catalog = try await services.catalog()
        let today = services.today()
        let plan = catalog.plan(for: y)
        let county = try await services.county(request, identity)
        @Sendable func make() throws -> RotationView {
            if let county { return try registry.rotationView(catalog: catalog, year: y, asOf: asOf, today: today, county: county) }
            return try registry.rotationView(catalog: catalog, year: y, asOf: asOf, today: today, school: nil)
        }
        switch f {
        case .json:
            return try await services.cached("rotation|\(y)|\(asOf?.description ?? "")|\(today)|\(lang.rawValue)|\(county ?? "")", priority: asOf == nil ? .high : .low) {
                (RotationRendering.json(try make(), plan: plan, language: lang), Responses.json)
            }
        default: break
        }
        let view = try await services.blocking { try make() }
        try await Audit.record(services, context, identity, request, what: "rotation", school: nil, people: view.candidates.count)
        if f == .csv { return Responses.make(RotationRendering.csv(view, language: lang), type: Responses.csv, personal: true) }
        if f == .xlsx { return Responses.workbook(try RotationRendering.workbook(view, plan: plan, language: lang), fileName: "交流轮岗-\(y).xlsx") }
        let zh = lang == .zh
        let shown = view.candidates.prefix(300)
        let years = Array(Set(catalog.plans.flatMap { Array($0.years) }.filter { $0 <= today.year } + [y])).sorted()
        var planText = view.planMetric.label(lang)
        if let t = view.planTarget {
            planText += zh ? "：目标 ≥\(ReportText.targetValue(view.planMetric, t.value))，" : ": target ≥\(ReportText.targetValue(view.planMetric, t.value)), "
            planText += view.k.map { zh ? "还需 \($0) 名骨干教师交流轮岗（★ 为在校时间最长的前 \($0) 名候选人）。" : "\($0) more backbone exchanges reach it (★: the first \($0) candidates)." }
                ?? (zh ? "目标为100%：每一名交流轮岗教师都须是骨干教师。" : "the target is 100%: every rotated teacher must be a backbone teacher.")
        } else {
            planText += zh ? "（本年无目标）" : " (no target this year)"
        }
        var data: [String: Any] = [
            "years": years.map { ["year": $0, "href": "/rotation/\($0)", "current": $0 == y] as [String: Any] },
            "xlsx": "/rotation/\(y)?format=xlsx",
            "metrics": view.metrics.map { m in
                ["label": m.key.label(lang), "target": ReportText.target(m), "value": ReportText.value(m), "fraction": ReportText.fraction(m),
                 "status": ReportText.status(m.status, lang), "cls": m.status.rawValue]
            },
            "planText": planText,
            "candidateCount": view.candidates.count,
            "hasCandidates": !shown.isEmpty,
            "candidates": shown.map { c in
                ["withinK": c.withinK, "staffNo": c.staffNo, "name": view.names[c.staffNo] ?? c.staffNo,
                 "school": view.schoolNames[c.schoolCode] ?? c.schoolCode, "years": c.yearsAtSchool, "age": c.age.map(String.init) ?? "—",
                 "since": c.since.description] as [String: Any]
            },
            "schools": view.schools.map { ["name": $0.schoolName, "eligible": $0.eligible, "exchanged": $0.exchanged, "backbone": $0.backboneExchanged] as [String: Any] },
            "flows": view.flows.isEmpty ? (zh ? "本年尚无交流轮岗。" : "No rotations this year.")
                : view.flows.map { "\(ReportText.groupLabel($0.from, lang))→\(ReportText.groupLabel($0.to, lang)) \($0.rotations)" }.joined(separator: " · "),
        ]
        if view.candidates.count > shown.count {
            data["moreCandidates"] = zh ? "……其余 \(view.candidates.count - shown.count) 人见 Excel" : "… \(view.candidates.count - shown.count) more in the Excel file"
        }
        return Responses.page(Pages.shared.page("rotation", data, frame: .init(
            title: zh ? "交流轮岗规划 \(y)" : "Rotation \(y)", subtitle: zh ? "截至 \(view.asOf)" : "as of \(view.asOf)", current: "rotation",
            path: request.uri.description), identity: identity, language: lang, today: today))
    }
}
