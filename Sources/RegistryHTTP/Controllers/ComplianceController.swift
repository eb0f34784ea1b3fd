import Foundation
import GrowthReports
import Hummingbird
import RegistryStore
import Spreadsheets
import TeacherGrowth

/// The principal's compliance page (SPEC §9) and the county's list of schools.
struct ComplianceController {
    let services: Services

    func add(to router: Router<AppContext>) {
        router.get("/schools") { request, context in try await schools(request, context) }
        router.get("/schools/:code/compliance") { request, context in
            try await compliance(request, context, school: context.parameters.get("code") ?? "")
        }
    }

    static let forbiddenSchool = LocalizedText("只能查看本校的教师", "You may see your own school's staff only.")

    func compliance(_ request: Request, _ context: AppContext, school: String) async throws -> Response {
        let identity = try context.require([.county, .hr, .principal], request, forbidden: Self.forbiddenSchool)
        guard identity.maySee(school: school) else { throw APIError.forbidden(Self.forbiddenSchool) }
        try await services.checkSchool(school, for: identity)
        let registry = services.registry
        guard school.utf8.count <= 64, try await services.blocking({ try registry.schoolExists(school) }) else {
            throw APIError.notFound(.init("没有这个代码的学校", "There is no school with this code."))
        }
        let today = services.today()
        let asOf = try Params.date(request, "as_of") ?? today
        var dueWithin: Int?
        if let raw = Params.query(request, "due_within") {
            guard let n = Int(raw), (0...3650).contains(n) else {
                throw APIError.badRequest(.init("due_within 必须是 0 至 3650 之间的天数", "due_within must be a number of days from 0 to 3650."))
            }
            dueWithin = n
        }
        let f = try Params.format(request, allowed: [.json, .csv, .xlsx, .html], default: identity.isBrowser ? .html : .json)
        let lang = try Params.language(request)
        let catalog = try await services.catalog()
        let window = dueWithin
        let view = try await services.blocking {
            try registry.complianceView(catalog: catalog, asOf: asOf, school: school, dueWithin: window)
        }
        try await Audit.record(services, context, identity, request, what: "compliance", school: school, people: view.rows.count)
        let filter = Params.query(request, "filter") ?? "all"
        switch f {
        case .json: return Responses.make(ComplianceRendering.json(view, school: school), type: Responses.json, personal: true)
        case .csv: return Responses.make(ComplianceRendering.csv(filtered(view, filter), language: lang), type: Responses.csv, personal: true)
        case .xlsx: return Responses.workbook(try ComplianceRendering.workbook(filtered(view, filter), language: lang), fileName: "合规-\(school)-\(asOf).xlsx")
        default: break
        }
        return Responses.page(page(view, request: request, identity: identity, school: school, language: lang, asOf: asOf, today: today))
    }

    /// The rows a filter keeps: due within 30 or 90 days, behind on hours, no fitting certificate.
    func filtered(_ v: ComplianceView, _ filter: String) -> ComplianceView {
        var out = v
        let d = v.asOf
        switch filter {
        case "due30": out.rows = v.rows.filter { $0.isDue(within: 30, on: d) }
        case "due90": out.rows = v.rows.filter { $0.isDue(within: 90, on: d) }
        case "behind": out.rows = v.rows.filter { !$0.onTrack }
        case "nocert": out.rows = v.rows.filter { !$0.certificateFits }
        default: break
        }
        return out
    }

    func page(_ v: ComplianceView, request: Request, identity: Identity, school: String, language lang: Language, asOf: CivilDate, today: CivilDate) -> String {
        let zh = lang == .zh
        let d = v.asOf
        let filter = Params.query(request, "filter") ?? "all"
        let sort = Params.query(request, "sort") ?? "urgency"
        let descending = Params.query(request, "dir") == "desc"
        let showAll = Params.query(request, "all") == "1"
        let pageNo = max(1, Params.query(request, "page").flatMap { Int($0) } ?? 1)
        var rows = filtered(v, filter).rows
        func name(_ r: ComplianceRow) -> String { v.names[r.staffNo] ?? r.staffNo }
        switch sort {
        case "name": rows.sort { name($0) < name($1) }
        case "hours": rows.sort { $0.tenthsBehind > $1.tenthsBehind }
        case "county": rows.sort { $0.countyTrainingDueOn < $1.countyTrainingDueOn }
        case "registration": rows.sort { ($0.registrationDueOn ?? .init(dayNumber: .max)) < ($1.registrationDueOn ?? .init(dayNumber: .max)) }
        default: break
        }
        if descending { rows.reverse() }
        let total = rows.count
        let pageSize = 100
        let pages = max(1, (total + pageSize - 1) / pageSize)
        let shown = showAll ? rows : Array(rows.dropFirst((min(pageNo, pages) - 1) * pageSize).prefix(pageSize))

        let base = "/schools/\(school)/compliance"
        func href(_ changes: [String: String?]) -> String {
            var q: [String: String] = ["filter": filter, "sort": sort, "as_of": asOf == today ? "" : asOf.description,
                                       "dir": descending ? "desc" : "", "lang": Params.query(request, "lang") ?? ""]
            for (k, v) in changes { q[k] = v ?? "" }
            let s = q.filter { !$0.value.isEmpty && !($0.key == "filter" && $0.value == "all") && !($0.key == "sort" && $0.value == "urgency") }
                .sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            return s.isEmpty ? base : base + "?" + s.joined(separator: "&")
        }
        let all = v.rows
        let summary: [String: Int] = [
            "teachers": all.count,
            "behind": all.filter { !$0.onTrack }.count,
            "countyOverdue": all.filter { $0.isCountyTrainingOverdue(on: d) }.count,
            "countySoon": all.filter { !$0.isCountyTrainingOverdue(on: d) && $0.countyTrainingDueOn <= d.adding(days: 90) }.count,
            "noCertificate": all.filter { !$0.certificateFits }.count,
            "registrationAlert": all.filter { $0.registrationOutcome != nil }.count,
        ]
        let filterLabels: [(String, String)] = [("all", zh ? "全部" : "All"), ("due30", zh ? "30 天内到期" : "Due in 30 days"),
                                                ("due90", zh ? "90 天内到期" : "Due in 90 days"), ("behind", zh ? "学时落后" : "Behind on hours"),
                                                ("nocert", zh ? "资格证不符" : "No fitting certificate")]
        let columns: [(String, String, String)] = [
            ("name", zh ? "姓名" : "Name", ""), ("hours", zh ? "周期学时 / 进度要求" : "Hours / required", "num"),
            ("hours", zh ? "尚需学时" : "Still needed", "num"), ("county", zh ? "县级以上培训到期" : "County training due", ""),
            ("", zh ? "资格证" : "Certificate", ""), ("registration", zh ? "定期注册到期" : "Registration due", ""), ("", zh ? "有效称号" : "Designations", ""),
        ]
        let outcomeCls: [RegistrationResult: String] = [.passed: "ok", .deferred: "warn", .failed: "bad"]
        let data: [String: Any] = [
            "summary": summary,
            "links": ["all": href(["filter": "all"]), "behind": href(["filter": "behind"]), "due30": href(["filter": "due30"]),
                      "due90": href(["filter": "due90"]), "nocert": href(["filter": "nocert"]), "xlsx": href(["format": "xlsx"])],
            "filters": filterLabels.map { ["label": $0.1, "href": href(["filter": $0.0, "page": nil]), "current": $0.0 == filter] },
            "keep": [["name": "filter", "value": filter], ["name": "sort", "value": sort]],
            "asOf": asOf.description,
            "countText": zh ? "共 \(total) 人\(showAll || pages == 1 ? "" : "，本页 \(shown.count) 人")" : "\(total) teachers\(showAll || pages == 1 ? "" : ", \(shown.count) on this page")",
            "hasRows": !shown.isEmpty,
            "columns": columns.map { c in
                ["label": c.1, "cls": c.2, "href": c.0.isEmpty ? "" : href(["sort": c.0, "dir": sort == c.0 && !descending ? "desc" : nil]),
                 "arrow": sort == c.0 ? (descending ? " ↓" : " ↑") : ""] as [String: Any]
            },
            "rows": shown.map { r -> [String: Any] in
                let countyOverdue = r.isCountyTrainingOverdue(on: d)
                let countySoon = !countyOverdue && r.countyTrainingDueOn <= d.adding(days: 90)
                var row: [String: Any] = [
                    "name": name(r), "staffNo": r.staffNo, "teacherHref": "/teachers/\(r.staffNo)",
                    "cycleHours": r.cycleHours.oneDecimal, "requiredHours": r.requiredHours.oneDecimal, "onTrack": r.onTrack,
                    "hoursNeeded": r.hoursNeeded.oneDecimal, "perYear": r.hoursNeededPerYear.oneDecimal,
                    "countyNever": r.lastCountyTrainingOn == nil && countyOverdue, "countyDue": r.countyTrainingDueOn.description,
                    "lastCounty": r.lastCountyTrainingOn.map { zh ? "最近：\($0)" : "last: \($0)" } ?? (zh ? "从未参加" : "none recorded"),
                    "certificateFits": r.certificateFits,
                    "registrationWhy": r.mustRegister ? (zh ? "无相应资格证" : "no fitting certificate") : (zh ? "非在编或民办，无需注册" : "not required to register"),
                    "designations": r.designations.map { "\($0.kind.label(lang))（\($0.level.label(lang))）" }.joined(separator: "、"),
                ]
                if countyOverdue || countySoon {
                    row["countyBadge"] = ["cls": countyOverdue ? "bad" : "warn", "label": countyOverdue ? (zh ? "逾期" : "overdue") : (zh ? "临期" : "due soon")]
                }
                if let due = r.registrationDueOn {
                    row["registrationDue"] = due.description
                    if due < d { row["registrationBadge"] = ["cls": "bad", "label": zh ? "逾期" : "overdue"] }
                    else if r.registrationOutcome != nil { row["registrationBadge"] = ["cls": "warn", "label": zh ? "临期" : "due soon"] }
                }
                if let o = r.registrationOutcome { row["outcome"] = o.label(lang); row["outcomeCls"] = outcomeCls[o] ?? "grey" }
                return row
            },
        ]
        var pager: [String: Any]?
        if pages > 1 && !showAll {
            pager = ["text": zh ? "第 \(min(pageNo, pages)) / \(pages) 页" : "page \(min(pageNo, pages)) of \(pages)", "all": href(["all": "1"])]
            if pageNo > 1 { pager?["prev"] = href(["page": String(pageNo - 1)]) }
            if pageNo < pages { pager?["next"] = href(["page": String(pageNo + 1)]) }
        }
        var full = data
        if let pager { full["pager"] = pager }
        let schoolName = v.schools.first?.schoolName ?? school
        return Pages.shared.page("compliance", full, frame: .init(
            title: zh ? "\(schoolName) · 教师合规情况" : "\(schoolName) · teacher compliance",
            subtitle: zh ? "截至 \(asOf) · 培训周期 \(v.cycle.start)–\(v.cycle.end)" : "as of \(asOf) · training cycle \(v.cycle.start)–\(v.cycle.end)",
            current: "compliance", path: request.uri.description), identity: identity, language: lang, today: today)
    }

    /// The county's (and HR's) list of schools, each with its compliance summary.
    func schools(_ request: Request, _ context: AppContext) async throws -> Response {
        let identity = try context.require([.county, .hr], request, forbidden: .init("各校概况只对县教委和人事/师训开放", "The list of schools is for the county office and HR."))
        let lang = try Params.language(request)
        let today = services.today()
        let asOf = try Params.date(request, "as_of") ?? today
        let registry = services.registry
        let catalog = try await services.catalog()
        let county = try await services.county(request, identity)
        let (summaries, directory) = try await services.blocking {
            guard let county else { return (try registry.complianceView(catalog: catalog, asOf: asOf, school: nil, dueWithin: nil).schools, try registry.schoolDirectory()) }
            let mine = Set(try registry.schoolCodes(inCounty: county))
            return (try registry.complianceView(catalog: catalog, asOf: asOf, county: county, school: nil, dueWithin: nil).schools,
                    try registry.schoolDirectory().filter { mine.contains($0.code) })
        }
        let zh = lang == .zh
        var byCode = Dictionary(summaries.map { ($0.schoolCode, $0) }, uniquingKeysWith: { a, _ in a })
        for s in directory where byCode[s.code] == nil { byCode[s.code] = .init(schoolCode: s.code, schoolName: s.name) }
        var list = Array(byCode.values)
        let sort = Params.query(request, "sort") ?? "code"
        let desc = Params.query(request, "dir") == "desc"
        switch sort {
        case "teachers": list.sort { $0.teachers > $1.teachers }
        case "behind": list.sort { ($0.teachers - $0.onTrack) > ($1.teachers - $1.onTrack) }
        case "county": list.sort { $0.countyTrainingOverdue > $1.countyTrainingOverdue }
        case "cert": list.sort { $0.withoutFittingCertificate > $1.withoutFittingCertificate }
        case "reg": list.sort { $0.registrationOverdue > $1.registrationOverdue }
        default: list.sort { $0.schoolCode < $1.schoolCode }
        }
        if desc { list.reverse() }
        let f = try Params.format(request, allowed: [.html, .json, .xlsx, .csv], default: identity.isBrowser ? .html : .json)
        var table = ReportTable(name: zh ? "各校概况" : "schools", headers: zh
            ? ["学校代码", "学校", "专任教师", "学时落后", "县级培训逾期", "资格证不符", "注册逾期", "注册临期"]
            : ["school_code", "name", "teachers", "behind_on_hours", "county_training_overdue", "without_fitting_certificate", "registration_overdue", "registration_due_soon"])
        for s in list {
            table.rows.append([.text(s.schoolCode), .text(s.schoolName), .integer(s.teachers), .integer(s.teachers - s.onTrack), .integer(s.countyTrainingOverdue),
                               .integer(s.withoutFittingCertificate), .integer(s.registrationOverdue), .integer(s.registrationDueSoon)])
        }
        switch f {
        case .xlsx: return Responses.workbook(try TableOutput.workbook([table]), fileName: "各校概况-\(asOf).xlsx")
        case .csv: return Responses.make(TableOutput.csv(table, language: lang), type: Responses.csv)
        case .json:
            let json = "[" + list.map { s in
                "{\"school_code\":\(JSONText.string(s.schoolCode)),\"name\":\(JSONText.string(s.schoolName)),\"teachers\":\(s.teachers),\"on_track\":\(s.onTrack),"
                    + "\"county_training_overdue\":\(s.countyTrainingOverdue),\"without_fitting_certificate\":\(s.withoutFittingCertificate),"
                    + "\"registration_overdue\":\(s.registrationOverdue),\"registration_due_soon\":\(s.registrationDueSoon)}"
            }.joined(separator: ",") + "]\n"
            return Responses.make(json, type: Responses.json)
        default: break
        }
        func href(_ key: String) -> String { "/schools?sort=\(key)\(sort == key && !desc ? "&dir=desc" : "")" }
        let columns: [(String, String, String)] = [("code", zh ? "学校" : "School", ""), ("teachers", zh ? "专任教师" : "Teachers", "num"),
                                                   ("behind", zh ? "学时落后" : "Behind", "num"), ("county", zh ? "县级培训逾期" : "County overdue", "num"),
                                                   ("cert", zh ? "资格证不符" : "No certificate", "num"), ("reg", zh ? "注册逾期" : "Reg. overdue", "num"),
                                                   ("regsoon", zh ? "注册临期" : "Reg. due soon", "num")]
        let data: [String: Any] = [
            "countText": zh ? "共 \(list.count) 所学校" : "\(list.count) schools", "xlsx": "/schools?format=xlsx",
            "columns": columns.map { ["label": $0.1, "cls": $0.2, "href": href($0.0), "arrow": sort == $0.0 ? (desc ? " ↓" : " ↑") : ""] as [String: Any] },
            "rows": list.map { s in
                ["code": s.schoolCode, "name": s.schoolName, "teachers": s.teachers, "behind": s.teachers - s.onTrack, "countyOverdue": s.countyTrainingOverdue,
                 "noCertificate": s.withoutFittingCertificate, "registrationOverdue": s.registrationOverdue, "registrationSoon": s.registrationDueSoon] as [String: Any]
            },
        ]
        return Responses.page(Pages.shared.page("schools", data, frame: .init(
            title: zh ? "各校概况" : "Schools", subtitle: zh ? "截至 \(asOf)" : "as of \(asOf)", current: "schools", path: request.uri.description),
            identity: identity, language: lang, today: today))
    }
}
