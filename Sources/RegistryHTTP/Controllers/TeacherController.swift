import Foundation
import GrowthReports
import Hummingbird
import RegistryStore
import TeacherGrowth

/// A teacher's full record (the `teacher show` content) and the search by staff number or name.
struct TeacherController {
    let services: Services

    func add(to router: Router<AppContext>) {
        router.get("/teachers") { request, context in try await search(request, context) }
        router.get("/teachers/:staff") { request, context in try await teacher(request, context, staffNo: context.parameters.get("staff") ?? "") }
    }

    func search(_ request: Request, _ context: AppContext) async throws -> Response {
        let identity = try context.require([.county, .hr], request, forbidden: .init("查找教师只对县教委和人事/师训开放", "Search is for the county office and HR."))
        let lang = try Params.language(request)
        let q = Params.query(request, "q") ?? ""
        let registry = services.registry, county = identity.county
        let results = try await services.blocking { () throws -> [(staffNo: String, name: String, schoolCode: String?, schoolName: String?)] in
            let found = try registry.findTeachers(q)
            // A county-limited account finds its own county's people only.
            guard let county else { return found }
            let mine = Set(try registry.schoolCodes(inCounty: county))
            return found.filter { $0.schoolCode.map(mine.contains) ?? false }
        }
        if !q.isEmpty { try await Audit.record(services, context, identity, request, what: "search", school: nil, people: results.count) }
        let zh = lang == .zh
        let data: [String: Any] = [
            "q": q,
            "countText": q.isEmpty ? (zh ? "输入工号或姓名查找" : "Type a staff number or a name") : (zh ? "找到 \(results.count) 人" : "\(results.count) found"),
            "results": results.map { ["staffNo": $0.staffNo, "name": $0.name, "school": $0.schoolName ?? $0.schoolCode ?? ""] },
        ]
        if !identity.isBrowser {
            let json = "[" + results.map { "{\"staff_no\":\(JSONText.string($0.staffNo)),\"name\":\(JSONText.string($0.name)),\"school_code\":\($0.schoolCode.map(JSONText.string) ?? "null")}" }
                .joined(separator: ",") + "]\n"
            return Responses.make(json, type: Responses.json, personal: true)
        }
        return Responses.page(Pages.shared.page("search", data, frame: .init(title: zh ? "查找教师" : "Find a teacher", current: "search", path: request.uri.description),
                                                identity: identity, language: lang, today: services.today()))
    }

    func teacher(_ request: Request, _ context: AppContext, staffNo: String) async throws -> Response {
        let identity = try context.require([.county, .hr, .principal], request, forbidden: ComplianceController.forbiddenSchool)
        let registry = services.registry
        guard staffNo.utf8.count <= 64 else { throw APIError.notFound(.init("没有这个工号", "There is no such staff number.")) }
        let catalog = try await services.catalog()
        guard let record = try await services.blocking({ try registry.teacherRecord(staffNo: staffNo, catalog: catalog) }) else {
            throw APIError.notFound(.init("没有工号为 \(staffNo) 的教师", "There is no staff number \(staffNo)."))
        }
        if identity.role == .principal {
            // A principal sees the people whose current post is at their school.
            let current = try await services.blocking { try registry.currentSchool(of: staffNo) }
            guard current == identity.school else { throw APIError.forbidden(ComplianceController.forbiddenSchool) }
        } else if identity.county != nil {
            // A county-limited account sees the people whose current post is in its county.
            guard let current = try await services.blocking({ try registry.currentSchool(of: staffNo) }) else {
                throw APIError.forbidden(.init("只能查看本区县的教师", "You may see your own county's staff only."))
            }
            try await services.checkSchool(current, for: identity)
        }
        try await Audit.record(services, context, identity, request, what: "teacher", school: record.assignments.last?.schoolCode, people: 1, staffNo: staffNo)
        let lang = try Params.language(request)
        let f = try Params.format(request, allowed: [.html, .json], default: identity.isBrowser ? .html : .json)
        if f == .json { return Responses.make(TeacherJSON.render(record), type: Responses.json, personal: true) }
        return Responses.page(page(record, identity: identity, language: lang, path: request.uri.description))
    }

    func page(_ r: TeacherRecord, identity: Identity, language lang: Language, path: String) -> String {
        let zh = lang == .zh
        func label<V: CodeListValue>(_ v: V?) -> String { v?.label(lang) ?? "" }
        let p = r.person
        var facts: [[String: String]] = [
            ["label": zh ? "工号" : "Staff no.", "value": p.staffNo],
            ["label": zh ? "性别" : "Gender", "value": p.gender.flatMap(Gender.init(rawValue:))?.label(lang) ?? "—"],
            ["label": zh ? "出生日期" : "Born", "value": p.birthDate ?? "—"],
            // Over the web the identity number is always masked (SPEC §10).
            ["label": zh ? "身份证号" : "National ID", "value": p.nationalID.map(NationalID.masked) ?? "—"],
            ["label": zh ? "入职日期" : "Hired", "value": p.hiredOn.description],
            ["label": zh ? "编制" : "Establishment", "value": Establishment(rawValue: p.establishment)?.label(lang) ?? p.establishment],
        ]
        if let left = p.leftOn { facts.append(["label": zh ? "离岗日期" : "Left", "value": left.description]) }
        let canVoid = identity.role == .hr && identity.isBrowser
        let data: [String: Any] = [
            "facts": facts,
            "assignments": r.assignments.map { a in
                ["school": a.schoolName.map { "\($0)（\(a.schoolCode)）" } ?? a.schoolCode, "from": a.from.description,
                 "to": a.to?.description ?? a.effectiveEnd.map { "(\($0))" } ?? (zh ? "至今" : "now"), "post": label(a.post), "stage": label(a.stage),
                 "subject": a.subject ?? ""]
            },
            "degrees": r.degrees.map { ["label": zh ? "学历" : "Education", "value": label($0.education), "date": $0.obtainedOn.description] }
                + r.titles.map { ["label": zh ? "职称" : "Title", "value": label($0.title), "date": $0.from.description] },
            "cycles": r.transcript.map { c in
                [
                    "cycle": "\(c.cycle.start.year)–\(c.cycle.end.year)",
                    "summary": zh ? "计入 \(c.countedHours.oneDecimal) 学时，入职培训 \(c.inductionHours.oneDecimal)，待审核 \(c.pendingHours.oneDecimal)"
                                  : "counted \(c.countedHours.oneDecimal) h, induction \(c.inductionHours.oneDecimal) h, pending \(c.pendingHours.oneDecimal) h",
                    "canVoid": canVoid,
                    "records": c.records.map { x -> [String: Any] in
                        let status = TrainingStatus(rawValue: x.status)
                        return ["id": x.id, "title": x.title, "level": TrainingLevel(rawValue: x.level)?.label(lang) ?? x.level,
                                "dates": "\(x.startDate) – \(x.endDate)", "hours": x.hours.oneDecimal,
                                "status": x.voidReason.map { (zh ? "已作废：" : "void: ") + $0 } ?? (status?.label(lang) ?? x.status),
                                "statusCls": x.voidReason != nil ? "grey" : (status == .approved ? "ok" : (status == .pending ? "warn" : "bad")),
                                "voidable": canVoid && x.voidReason == nil, "canVoid": canVoid, "csrf": identity.session?.csrf ?? ""]
                    },
                ] as [String: Any]
            },
            "certificates": r.certificates.map { c in
                ["kind": label(c.kind), "number": c.number, "issued": c.issuedOn.description, "revoked": c.revokedOn?.description ?? "",
                 "registrations": c.registrations.map { "\($0.on) \($0.result.label(lang))" }.joined(separator: "；")]
            },
            "designations": r.designations.map { g in
                ["kind": label(g.kind) + (g.tier.map { "（\($0.label(lang))）" } ?? ""), "level": label(g.level), "awarded": g.awardedOn.description,
                 "expires": g.expiresOn?.description ?? "", "revoked": g.revokedOn?.description ?? ""]
            },
            "rotations": r.rotations.map { x in
                ["kind": label(x.kind), "from": x.fromSchool, "to": x.toSchool, "dates": "\(x.start) – \(x.end?.description ?? (zh ? "至今" : "now"))"]
            },
            "studios": r.studios.isEmpty ? (zh ? "工作室：无" : "Studios: none")
                : (zh ? "工作室：" : "Studios: ") + r.studios.map { "\($0.name)（\(label($0.kind))，\(label($0.role))，\($0.joinedOn) 起）" }.joined(separator: "；"),
            "appraisals": r.appraisals.isEmpty ? (zh ? "年度考核：无记录" : "Appraisals: none")
                : (zh ? "年度考核：" : "Appraisals: ") + r.appraisals.map { "\($0.year) \($0.result.label(lang))" }.joined(separator: "、"),
        ]
        return Pages.shared.page("teacher", data, frame: .init(title: "\(p.name) · \(zh ? "教师档案" : "record")", path: path),
                                 identity: identity, language: lang, today: services.today())
    }
}

/// A teacher's record as JSON (for tokens), identity number masked.
enum TeacherJSON {
    static func render(_ r: TeacherRecord) -> String {
        let p = r.person
        let doc: JSONValue = .object([
            ("staff_no", .string(p.staffNo)), ("name", .string(p.name)), ("gender", p.gender.map { .string($0) } ?? .null),
            ("birth_date", p.birthDate.map { .string($0) } ?? .null), ("national_id", p.nationalID.map { .string(NationalID.masked($0)) } ?? .null),
            ("hired_on", .string(p.hiredOn.description)), ("left_on", p.leftOn.map { .string($0.description) } ?? .null),
            ("assignments", .array(r.assignments.map { a in
                .object([("school_code", .string(a.schoolCode)), ("from", .string(a.from.description)), ("to", a.to.map { .string($0.description) } ?? .null),
                         ("post", .string(a.post.rawValue)), ("stage", .string(a.stage.rawValue))])
            })),
            ("cycles", .array(r.transcript.map { c in
                .object([("start", .string(c.cycle.start.description)), ("end", .string(c.cycle.end.description)),
                         ("counted_hours", .number(c.countedHours.oneDecimal)), ("pending_hours", .number(c.pendingHours.oneDecimal)),
                         ("records", .array(c.records.map { x in
                             .object([("id", .int(Int(x.id))), ("title", .string(x.title)), ("level", .string(x.level)), ("end_date", .string(x.endDate)),
                                      ("hours", .number(x.hours.oneDecimal)), ("status", .string(x.status)), ("void", .bool(x.voidReason != nil))])
                         }))])
            })),
            ("certificates", .array(r.certificates.map { .object([("kind", .string($0.kind.rawValue)), ("number", .string($0.number)),
                                                                  ("issued_on", .string($0.issuedOn.description))]) })),
            ("designations", .array(r.designations.map { .object([("kind", .string($0.kind.rawValue)), ("level", .string($0.level.rawValue)),
                                                                  ("awarded_on", .string($0.awardedOn.description))]) })),
        ])
        return doc.render() + "\n"
    }
}
