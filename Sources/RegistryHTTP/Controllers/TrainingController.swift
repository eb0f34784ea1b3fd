import Foundation
import GrowthReports
import Hummingbird
import HummingbirdCore
import RegistryStore
import TeacherGrowth

/// HR's daily work: the home page, logging one record, the approval queue, reviews and voids.
struct TrainingController {
    let services: Services
    static let hrOnly = LocalizedText("这项操作需要人事/师训的账号或令牌", "This needs an HR account or token.")

    func add(to router: Router<AppContext>) {
        router.get("/hr") { request, context in try await home(request, context) }
        router.get("/training/new") { request, context in try form(request, context, values: [:], errors: [:], status: .ok) }
        router.post("/training") { request, context in try await logTraining(request, context) }
        router.get("/training/pending") { request, context in try await queue(request, context) }
        router.post("/training/review") { request, context in try await reviewForm(request, context) }
        router.post("/training/:id/approve") { request, context in try await review(request, context, id: context.parameters.get("id") ?? "", decision: .approve) }
        router.post("/training/:id/reject") { request, context in try await review(request, context, id: context.parameters.get("id") ?? "", decision: .reject) }
        router.post("/training/:id/void") { request, context in try await void(request, context, id: context.parameters.get("id") ?? "") }
    }

    // MARK: home

    func home(_ request: Request, _ context: AppContext) async throws -> Response {
        let identity = try context.require([.hr], request, forbidden: Self.hrOnly)
        let lang = try Params.language(request)
        let zh = lang == .zh
        let registry = services.registry, county = identity.county
        let (count, oldest, recent) = try await services.blocking {
            (try registry.pendingCount(county: county), try registry.pendingTraining(.init(limit: 10, county: county)).rows,
             try registry.recentBatches(limit: 10, county: county))
        }
        let data: [String: Any] = [
            "pending": count, "hasOldest": !oldest.isEmpty,
            "oldest": oldest.map(row),
            "recent": recent.map { b in
                ["id": b.id, "at": ChinaTime.display(b.at), "actor": b.actor.replacingOccurrences(of: "user:", with: ""),
                 "what": ([b.command] + (b.source.map { [$0] } ?? [])).joined(separator: " · "), "added": b.added, "updated": b.updated, "pending": b.pending] as [String: Any]
            },
        ]
        return Responses.page(Pages.shared.page("hr", data, frame: .init(title: zh ? "今日事项" : "Today", current: "hr", path: "/hr"),
                                                identity: identity, language: lang, today: services.today()))
    }

    func row(_ p: PendingTraining) -> [String: Any] {
        ["id": p.listing.id, "staffNo": p.listing.staffNo, "name": p.name, "school": p.schoolName ?? p.schoolCode ?? "", "title": p.listing.title,
         "level": TrainingLevel(rawValue: p.listing.level)?.chineseLabel ?? p.listing.level, "dates": "\(p.listing.startDate) – \(p.listing.endDate)",
         "hours": p.listing.hours.oneDecimal, "batch": p.batchID.map { String($0) } ?? ""]
    }

    // MARK: logging one record

    struct FieldSpec {
        var name: String, zh: String, en: String, required: Bool, type: String, hint: (String, String)?
        var options: [(value: String, zh: String, en: String)]?
    }

    static func codes<V: CodeListValue>(_ type: V.Type, blank: Bool) -> [(value: String, zh: String, en: String)] {
        (blank ? [("", "—", "—")] : []) + V.allCases.map { ($0.rawValue, $0.chineseLabel, $0.englishLabel) }
    }

    static let fields: [FieldSpec] = [
        .init(name: "staff_no", zh: "工号", en: "Staff number", required: true, type: "text", hint: nil),
        .init(name: "name", zh: "姓名", en: "Name", required: false, type: "text", hint: ("填写后将核对工号与姓名是否一致", "checked against the staff number")),
        .init(name: "title", zh: "培训项目名称", en: "Programme", required: true, type: "text", hint: nil),
        .init(name: "level", zh: "培训级别", en: "Level", required: true, type: "select", hint: nil, options: codes(TrainingLevel.self, blank: false)),
        .init(name: "kind", zh: "培训类型", en: "Kind", required: false, type: "select", hint: nil, options: codes(TrainingKind.self, blank: false)),
        .init(name: "mode", zh: "培训方式", en: "Mode", required: false, type: "select", hint: nil, options: codes(TrainingMode.self, blank: true)),
        .init(name: "provider", zh: "培训机构名称", en: "Provider", required: false, type: "text", hint: nil),
        .init(name: "start_date", zh: "培训开始日期", en: "First day", required: true, type: "date", hint: nil),
        .init(name: "end_date", zh: "培训结束日期", en: "Last day", required: true, type: "date", hint: nil),
        .init(name: "hours", zh: "培训获得学时", en: "Hours", required: true, type: "number", hint: ("最多一位小数，如 24.5", "at most one decimal, e.g. 24.5")),
        .init(name: "credits", zh: "培训获得学分", en: "Credits", required: false, type: "number", hint: nil),
        .init(name: "ref", zh: "外部编号", en: "Platform number", required: false, type: "text", hint: ("培训平台的记录号，可不填", "the platform's record number, optional")),
    ]

    func form(_ request: Request, _ context: AppContext, values: [String: String], errors: [String: String], status: HTTPResponse.Status,
              flash: (String, String)? = nil) throws -> Response {
        let identity = try context.require([.hr], request, forbidden: Self.hrOnly)
        let lang = try Params.language(request)
        let zh = lang == .zh
        let today = services.today().description
        var flash = flash
        if flash == nil, let saved = Params.query(request, "saved") {
            flash = ("ok", zh ? "已保存培训记录 \(saved)，状态为“待审核”，审核通过后计入学时。" : "Saved training record \(saved); it is pending until approved.")
        }
        let data: [String: Any] = [
            "hasErrors": !errors.isEmpty,
            "errorList": Self.fields.compactMap { f in errors[f.name].map { ["label": zh ? f.zh : f.en, "text": $0] } }
                + (errors["record"].map { [["label": zh ? "记录" : "Record", "text": $0]] } ?? []),
            "fields": Self.fields.map { f -> [String: Any] in
                var value = values[f.name] ?? ""
                if value.isEmpty && (f.name == "start_date" || f.name == "end_date") { value = today }
                var d: [String: Any] = ["name": f.name, "label": zh ? f.zh : f.en, "required": f.required, "type": f.type, "value": value,
                                        "isSelect": f.options != nil, "step": f.type == "number" ? "0.1" : ""]
                if f.type == "number" && f.name == "credits" { d["step"] = "" }
                if let h = f.hint { d["hint"] = zh ? h.0 : h.1 }
                if let e = errors[f.name] { d["error"] = e }
                if let options = f.options {
                    let chosen = values[f.name] ?? (f.name == "level" ? "county" : (f.name == "kind" ? "general" : ""))
                    d["options"] = options.map { ["value": $0.value, "label": zh ? $0.zh : $0.en, "selected": $0.value == chosen] as [String: Any] }
                }
                return d
            },
        ]
        return Responses.page(Pages.shared.page("training-form", data, frame: .init(
            title: zh ? "登记培训" : "Log a training record", flash: flash.map { (kind: $0.0, text: $0.1) }, path: "/training/new"),
            identity: identity, language: lang, today: services.today()), status: status)
    }

    /// `POST /training`: a JSON record (scripts with an hr token, SPEC §10) or the form.
    func logTraining(_ request: Request, _ context: AppContext) async throws -> Response {
        let identity = try context.require([.hr], request, forbidden: Self.hrOnly)
        let type = (request.headers[.contentType] ?? "").lowercased()
        if type.hasPrefix("application/x-www-form-urlencoded") && identity.isBrowser {
            let form = try await Params.form(request)
            try CSRF.check(identity, form: form, request: request)
            var fields: [String: String] = [:]
            for f in Self.fields { if let v = form.text(f.name) { fields[f.name] = v } }
            fields["status"] = "pending"
            let lang = try Params.language(request)
            let registry = services.registry, actor = identity.actor, record = fields
            if let refusal = try await countyRefusal(staffNo: fields["staff_no"], identity) {
                return try self.form(request, context, values: fields, errors: ["staff_no": refusal.text(lang)], status: .forbidden)
            }
            do {
                let result = try await services.blocking { try registry.addTraining(record, actor: actor, command: "web: 登记培训") }
                return Responses.redirect("/training/new?saved=\(result.id)")
            } catch TrainingEditError.invalid(let issues) {
                var errors: [String: String] = [:]
                for i in issues { errors[i.field] = [errors[i.field], i.message.text(lang)].compactMap { $0 }.joined(separator: "；") }
                return try self.form(request, context, values: fields, errors: errors, status: .unprocessableContent)
            }
        }
        // JSON. A script's `curl -d '{…}'` says form-encoded (or nothing) but sends a JSON object: accepted
        // from a token; any other type is refused.
        let lenient = !identity.isBrowser && (type.isEmpty || type.hasPrefix("application/x-www-form-urlencoded"))
        guard type.hasPrefix("application/json") || lenient else {
            throw APIError(status: .unsupportedMediaType, message: .init("请以 Content-Type: application/json 提交培训记录", "Send the training record as Content-Type: application/json."))
        }
        try CSRF.check(identity, form: nil, request: request)
        let buffer = try await Params.body(request, limit: RegistryServer.maxBodyBytes)
        let data = Data(buffer.readableBytesView)
        guard let object = try? JSONDecoder().decode([String: JSONScalar].self, from: data) else {
            throw APIError.badRequest(.init("请求内容必须是培训字段的 JSON 对象，如 {\"staff_no\": \"T0001\", \"title\": \"…\", \"level\": \"county\", \"start_date\": \"2025-03-01\", \"end_date\": \"2025-03-03\", \"hours\": 24}",
                                            "The body must be a JSON object of training fields, e.g. {\"staff_no\": \"T0001\", \"title\": \"…\", \"level\": \"county\", \"start_date\": \"2025-03-01\", \"end_date\": \"2025-03-03\", \"hours\": 24}."))
        }
        var fields: [String: String] = [:]
        var problems: [(String, LocalizedText)] = []
        for (k, v) in object.sorted(by: { $0.key < $1.key }) {
            switch v {
            case .text(let s): fields[k] = s
            case .number(let n): fields[k] = n
            case .null: continue
            case .other: problems.append((k, .init("必须是字符串或数字", "must be a string or a number")))
            }
        }
        let registry = services.registry, actor = identity.actor, record = fields, typeProblems = problems
        if let refusal = try await countyRefusal(staffNo: fields["staff_no"], identity) { throw APIError.forbidden(refusal) }
        do {
            let result = try await services.blocking { () throws -> TrainingAddResult in
                if !typeProblems.isEmpty {
                    do { try registry.validateTraining(record) } catch TrainingEditError.invalid(let more) { throw TrainingEditError.invalid(more) }
                    throw TrainingEditError.invalid([])
                }
                return try registry.addTraining(record, actor: actor, command: "POST /training")
            }
            let body = "{\"id\":\(result.id),\"outcome\":\"\(result.outcome.rawValue)\",\"warnings\":[" +
                result.warnings.map { JSONText.string($0.description) }.joined(separator: ",") + "]}\n"
            return Responses.make(body, type: Responses.json, status: result.outcome == .added ? .created : .ok)
        } catch TrainingEditError.invalid(let issues) {
            var byField = problems
            for i in issues {
                if let idx = byField.firstIndex(where: { $0.0 == i.field }) { byField[idx].1 = .joined([byField[idx].1, i.message]) }
                else { byField.append((i.field, i.message)) }
            }
            throw APIError.invalid(.init("培训记录未保存", "The training record was not saved."), fields: byField)
        }
    }

    // MARK: the approval queue

    /// The queue; after a refused review (`refusal`) it is shown again from the address the form came
    /// from (`from`), with the message and the same records still ticked.
    func queue(_ request: Request, _ context: AppContext, from: URI? = nil, refusal: String? = nil, ticked: Set<Int64> = []) async throws -> Response {
        let identity = try context.require([.hr], request, forbidden: Self.hrOnly)
        let lang = try Params.language(request)
        let zh = lang == .zh
        let uri = from ?? request.uri
        func query(_ name: String) -> String? { uri.queryParameters[name[...]].map(String.init) }
        let school = query("school").flatMap { $0.isEmpty ? nil : $0 }
        let batch = try query("batch").flatMap { raw -> Int64? in
            if raw.isEmpty { return nil }
            guard let b = Int64(raw), b > 0 else { throw APIError.badRequest(.init("batch 应为导入批次编号", "batch must be an import batch number.")) }
            return b
        }
        let pageNo = max(1, query("page").flatMap { Int($0) } ?? 1)
        let size = 100
        let registry = services.registry, county = identity.county
        let (result, schools) = try await services.blocking { () throws -> ((rows: [PendingTraining], total: Int), [(code: String, name: String)]) in
            let mine = try county.map { Set(try registry.schoolCodes(inCounty: $0)) }
            return (try registry.pendingTraining(.init(schoolCode: school, batch: batch, offset: (pageNo - 1) * size, limit: size, county: county)),
                    try registry.schoolDirectory().filter { mine?.contains($0.code) ?? true })
        }
        if !identity.isBrowser {
            let json = "{\"total\":\(result.total),\"records\":[" + result.rows.map { p in
                "{\"id\":\(p.listing.id),\"staff_no\":\(JSONText.string(p.listing.staffNo)),\"title\":\(JSONText.string(p.listing.title)),\"end_date\":\"\(p.listing.endDate)\",\"hours\":\(p.listing.hours.oneDecimal),\"batch\":\(p.batchID.map(String.init) ?? "null")}"
            }.joined(separator: ",") + "]}\n"
            return Responses.make(json, type: Responses.json, personal: true)
        }
        let pages = max(1, (result.total + size - 1) / size)
        func href(_ page: Int) -> String {
            var q = ["page=\(page)"]
            if let school { q.append("school=\(school.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")") }
            if let batch { q.append("batch=\(batch)") }
            return "/training/pending?" + q.joined(separator: "&")
        }
        var data: [String: Any] = [
            "schools": schools.map { ["code": $0.code, "name": $0.name, "selected": $0.code == school] as [String: Any] },
            "countText": zh ? "待审核 \(result.total) 条，最早的在前" : "\(result.total) pending, oldest first",
            "hasRows": !result.rows.isEmpty, "returnTo": uri.description,
            "rows": result.rows.map { p in var r = row(p); r["ticked"] = ticked.contains(p.listing.id); return r },
        ]
        if let batch { data["batch"] = String(batch) }
        if pages > 1 {
            var pager: [String: Any] = ["text": zh ? "第 \(pageNo) / \(pages) 页" : "page \(pageNo) of \(pages)"]
            if pageNo > 1 { pager["prev"] = href(pageNo - 1) }
            if pageNo < pages { pager["next"] = href(pageNo + 1) }
            data["pager"] = pager
        }
        var flash: (kind: String, text: String)?
        if let refusal { flash = ("error", refusal) }
        else if let done = query("done"), let n = Int(done) {
            flash = ("ok", query("decision") == "reject" ? (zh ? "已驳回 \(n) 条记录。" : "Rejected \(n) records.")
                                                                         : (zh ? "已通过 \(n) 条记录，其学时已计入。" : "Approved \(n) records; their hours now count."))
        }
        return Responses.page(Pages.shared.page("pending", data, frame: .init(title: zh ? "审核队列" : "Review queue", current: "pending", flash: flash,
                                                                              path: uri.description),
                                                identity: identity, language: lang, today: services.today()),
                              status: refusal == nil ? .ok : .unprocessableContent)
    }

    /// The queue's form: the selected records (or a whole batch), approved or rejected with a reason.
    func reviewForm(_ request: Request, _ context: AppContext) async throws -> Response {
        let identity = try context.require([.hr], request, forbidden: Self.hrOnly)
        let form = try await Params.form(request)
        try CSRF.check(identity, form: form, request: request)
        guard let decision = form["decision"].flatMap(ReviewDecision.init(rawValue:)) else {
            throw APIError.badRequest(.init("请选择“通过”或“驳回”", "Choose approve or reject."))
        }
        let registry = services.registry, actor = identity.actor
        var chosen = form.all("ids").compactMap { Int64($0) }
        if let batch = form["batch"].flatMap({ Int64($0) }) {
            let county = identity.county
            chosen = try await services.blocking { try registry.pendingTrainingIDs(batch: batch, county: county) }
        }
        let ids = chosen
        try await checkCounty(of: ids, identity)
        let reason = form.text("reason")
        let outcome: ReviewOutcome
        var back = form["return"].flatMap { $0.hasPrefix("/training/pending") ? $0 : nil } ?? "/training/pending"
        let lang = try Params.language(request)
        guard !ids.isEmpty else {
            return try await queue(request, context, from: URI(back), refusal: lang == .zh ? "请先勾选要审核的记录。" : "Tick the records to review first.")
        }
        do {
            outcome = try await services.blocking { try registry.reviewTraining(ids: ids, decision: decision, reason: reason, actor: actor, command: "web: 审核") }
        } catch let e as TrainingEditError {
            let text = e == .emptyReason ? (lang == .zh ? "驳回须填写原因：请在“驳回原因”框中写明，再点“驳回所选”。未做任何更改。"
                                                        : "A rejection needs a reason: write it in the reason box, then reject again. Nothing was changed.")
                                         : e.message.text(lang)
            return try await queue(request, context, from: URI(back), refusal: text, ticked: Set(ids))
        }
        back += (back.contains("?") ? "&" : "?") + "done=\(outcome.ids.count)&decision=\(decision.rawValue)"
        return Responses.redirect(back)
    }

    /// `POST /training/{id}/approve` and `/reject` (JSON `{"reason": …}`, required for a rejection).
    func review(_ request: Request, _ context: AppContext, id text: String, decision: ReviewDecision) async throws -> Response {
        let identity = try context.require([.hr], request, forbidden: Self.hrOnly)
        guard let id = Int64(text), id > 0 else { throw APIError.notFound(.init("没有这条培训记录", "There is no such training record.")) }
        var given: String?
        if (request.headers[.contentType] ?? "").hasPrefix("application/x-www-form-urlencoded") {
            let form = try await Params.form(request)
            try CSRF.check(identity, form: form, request: request)
            given = form.text("reason")
        } else {
            try CSRF.check(identity, form: nil, request: request)
            let buffer = try await Params.body(request, limit: RegistryServer.maxBodyBytes)
            if buffer.readableBytes > 0 {
                guard let object = try? JSONDecoder().decode([String: JSONScalar].self, from: Data(buffer.readableBytesView)) else {
                    throw APIError.badRequest(.init("请求内容必须是 JSON 对象，如 {\"reason\": \"学时证明不全\"}", "The body must be a JSON object such as {\"reason\": \"…\"}."))
                }
                if case .text(let s)? = object["reason"] { given = s }
            }
        }
        let registry = services.registry, actor = identity.actor, reason = given
        try await checkCounty(of: [id], identity)
        do {
            let o = try await services.blocking { try registry.reviewTraining(ids: [id], decision: decision, reason: reason, actor: actor,
                                                                              command: "POST /training/\(id)/\(decision.rawValue)") }
            if identity.isBrowser && Params.wantsHTML(request) { return Responses.redirect("/training/pending") }
            return Responses.make("{\"id\":\(id),\"status\":\"\(decision == .approve ? "approved" : "rejected")\",\"batch\":\(o.batchID)}\n", type: Responses.json)
        } catch TrainingEditError.notFound {
            throw APIError.notFound(.init("没有编号为 \(id) 的培训记录", "There is no training record \(id)."))
        } catch TrainingEditError.emptyReason {
            throw APIError.invalid(.init("驳回须填写原因", "A rejection needs a reason."), fields: [("reason", .init("必填", "is required"))])
        } catch let e as TrainingEditError {
            throw APIError(status: .conflict, message: e.message)
        }
    }

    func void(_ request: Request, _ context: AppContext, id text: String) async throws -> Response {
        let identity = try context.require([.hr], request, forbidden: Self.hrOnly)
        guard let id = Int64(text), id > 0 else { throw APIError.notFound(.init("没有这条培训记录", "There is no such training record.")) }
        let form = try await Params.form(request)
        try CSRF.check(identity, form: form, request: request)
        guard let reason = form.text("reason") else {
            throw APIError.invalid(.init("作废须填写原因", "A void needs a reason."), fields: [("reason", .init("必填", "is required"))])
        }
        let registry = services.registry, actor = identity.actor
        try await checkCounty(of: [id], identity)
        let staff: String? = try await services.blocking {
            try registry.voidTraining(id: id, reason: reason, actor: actor)
            return try registry.staffNo(ofTraining: id)
        }
        return Responses.redirect(staff.map { "/teachers/\($0)" } ?? "/hr")
    }

    // MARK: a county-limited account

    /// Refuses (403) records of people outside a county-limited account's county.
    func checkCounty(of ids: [Int64], _ identity: Identity) async throws {
        guard let county = identity.county, !ids.isEmpty else { return }
        let registry = services.registry
        let outside = try await services.blocking { try registry.trainingOutside(county: county, ids: ids) }
        guard outside.isEmpty else {
            let list = outside.prefix(10).map(String.init).joined(separator: "、")
            throw APIError.forbidden(.init("培训记录 \(list) 不属于\(county)的教师；本账号只能审核、作废本区县的记录。未做任何更改。",
                                           "Training records \(list) are not of \(county)'s staff; this account reviews and voids its own county's records only. Nothing was changed."))
        }
    }

    /// Why a county-limited account may not log a record for this person (nil: it may).
    func countyRefusal(staffNo: String?, _ identity: Identity) async throws -> LocalizedText? {
        guard let county = identity.county, let staffNo = staffNo.map(Text.trimmed), !staffNo.isEmpty else { return nil }
        let registry = services.registry
        let theirs = try await services.blocking { try registry.county(ofStaff: staffNo) }
        // An unknown staff number is left to validation, which names it.
        guard let theirs, theirs != county else { return nil }
        return .init("工号 \(staffNo) 现属\(theirs)；本账号只能为\(county)的教师登记培训", "Staff number \(staffNo) is in \(theirs) now; this account logs training for \(county)'s staff only.")
    }
}
