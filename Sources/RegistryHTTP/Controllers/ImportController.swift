import Foundation
import Hummingbird
import NIOConcurrencyHelpers
import RegistryStore
import Spreadsheets
import TeacherGrowth

/// Uploads waiting for the HR officer's confirmation: kept in memory for an hour, each bound to
/// the account that uploaded it.
final class UploadStore: Sendable {
    struct Upload: Sendable {
        var user: String
        var sources: [ImportSource]
        var names: [String]
        var created: Date
    }

    private let uploads = NIOLockedValueBox<[String: Upload]>([:])

    func put(_ u: Upload) -> String {
        let token = Secrets.random()
        uploads.withLockedValue { all in
            all = all.filter { Date().timeIntervalSince($0.value.created) < 3600 }
            all[token] = u
        }
        return token
    }

    func take(_ token: String, user: String) -> Upload? {
        uploads.withLockedValue { all in
            guard let u = all[token], u.user == user, Date().timeIntervalSince(u.created) < 3600 else { return nil }
            all[token] = nil
            return u
        }
    }

    func peek(_ token: String, user: String) -> Upload? {
        uploads.withLockedValue { all in all[token].flatMap { $0.user == user ? $0 : nil } }
    }
}

/// The import page: upload CSV or Excel files, see the dry run (rows to add, update, unchanged and
/// every problem by file and line), and write only when confirmed.
struct ImportController {
    let services: Services

    func add(to router: Router<AppContext>) {
        router.get("/imports") { request, context in try page(request, context) }
        router.post("/imports") { request, context in try await upload(request, context) }
        router.post("/imports/:token/confirm") { request, context in try await confirm(request, context, token: context.parameters.get("token") ?? "") }
    }

    func page(_ request: Request, _ context: AppContext) throws -> Response {
        let identity = try context.require([.hr], request, forbidden: TrainingController.hrOnly)
        let lang = try Params.language(request)
        let zh = lang == .zh
        let kinds: [[String: String]] = [["value": "", "label": zh ? "自动识别（按文件名、工作表名或表头）" : "Detect (by file name, sheet name or header)"]]
            + ImportKind.all.map { ["value": $0.name, "label": zh ? "\($0.chineseName)（\($0.name)）" : $0.name] }
        return Responses.page(Pages.shared.page("imports", ["kinds": kinds], frame: .init(title: zh ? "导入文件" : "Import files", current: "imports", path: "/imports"),
                                                identity: identity, language: lang, today: services.today()))
    }

    /// The sources of the uploaded files: a named kind, else the file's or sheet's name, else the header.
    func sources(_ files: [Multipart.File], kind: ImportKind?, language: Language) throws -> [ImportSource] {
        var out: [ImportSource] = []
        for f in files {
            let ext = (f.fileName as NSString).pathExtension.lowercased()
            let base = (f.fileName as NSString).deletingPathExtension
            if ext == "xlsx" || ext == "xlsm" || ext == "xls" || f.bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
                let workbook: Workbook
                do { workbook = try Workbook(location: .data(Data(f.bytes)), fileName: f.fileName) } catch let e as WorkbookError {
                    throw APIError.invalid(.init("\(e.fileName)：\(e.message.zh)", "\(e.fileName): \(e.message.en)"), fields: [])
                }
                if let k = kind ?? ImportKind.named(base) {
                    out.append(ImportSource(kind: k, fileName: f.fileName, content: .sheet(try Registry.sheet(for: k, in: workbook))))
                    continue
                }
                let named = workbook.sheets.filter { !$0.hidden }.compactMap { s in ImportKind.named(s.name).map { (s, $0) } }
                if !named.isEmpty {
                    for (s, k) in named { out.append(ImportSource(kind: k, fileName: f.fileName, content: .sheet(WorkbookSheet(workbook: workbook, sheet: s)))) }
                    continue
                }
                guard let first = workbook.sheets.first(where: { !$0.hidden }), let k = try Registry.detectKind(WorkbookSheet(workbook: workbook, sheet: first)) else {
                    throw undetected(f.fileName)
                }
                out.append(ImportSource(kind: k, fileName: f.fileName, content: .sheet(WorkbookSheet(workbook: workbook, sheet: first))))
            } else {
                guard let k = try kind ?? ImportKind.named(base) ?? Registry.detectKind(csv: f.bytes) else { throw undetected(f.fileName) }
                out.append(ImportSource(kind: k, fileName: f.fileName, bytes: f.bytes))
            }
        }
        return out
    }

    func undetected(_ name: String) -> APIError {
        APIError.invalid(.init("看不出 \(name) 是哪一类数据；请在“数据类别”中选择，或把文件名改为类别名（如 培训.csv）",
                               "Cannot tell what \(name) holds; choose its kind, or name the file after it (e.g. training.csv)."), fields: [])
    }

    func upload(_ request: Request, _ context: AppContext) async throws -> Response {
        let identity = try context.require([.hr], request, forbidden: TrainingController.hrOnly)
        let type = request.headers[.contentType] ?? ""
        guard type.hasPrefix("multipart/form-data") else {
            throw APIError(status: .unsupportedMediaType, message: .init("请用页面上的表单上传文件", "Upload the files with the form on the page."))
        }
        let body = try await Params.body(request, limit: RegistryServer.maxUploadBytes)
        let parts = try Multipart.parse(body, contentType: type)
        try CSRF.check(identity, form: parts.fields, request: request)
        let lang = try Params.language(request)
        guard !parts.files.isEmpty else {
            throw APIError.invalid(.init("请选择要上传的文件", "Choose the files to upload."), fields: [("files", .init("必填", "is required"))])
        }
        let kind = parts.fields.text("kind").flatMap(ImportKind.named)
        let sources = try sources(parts.files, kind: kind, language: lang)
        let registry = services.registry, actor = identity.actor, county = identity.county
        let outcome = try await services.blocking { () throws -> ImportOutcome in
            // A county-limited account imports its own county's rows only: others are errors, nothing is written.
            if let county {
                let outside = try registry.countyIssues(sources, county: county)
                if !outside.isEmpty { return ImportOutcome(issues: outside, summaries: [], committed: false) }
            }
            return try registry.importFiles(sources, options: ImportOptions(dryRun: true, actor: actor, command: "web: 导入"))
        }
        let token = outcome.errors.isEmpty ? services.uploads.put(.init(user: actor, sources: sources, names: parts.files.map(\.fileName), created: Date())) : nil
        return Responses.page(preview(outcome, token: token, identity: identity, language: lang, confirmed: false))
    }

    func preview(_ outcome: ImportOutcome, token: String?, identity: Identity, language lang: Language, confirmed: Bool) -> String {
        let zh = lang == .zh
        let errors = outcome.errors.count, warnings = outcome.warnings.count
        let added = outcome.summaries.reduce(0) { $0 + $1.added }, updated = outcome.summaries.reduce(0) { $0 + $1.updated }
        let shown = outcome.issues.prefix(500)
        var data: [String: Any] = [
            "hasErrors": errors > 0,
            "errorSummary": zh ? "发现 \(errors) 处错误，未写入任何数据。请改正文件后重新上传。" : "\(errors) errors found; nothing was written. Correct the files and upload again.",
            "okSummary": confirmed
                ? (zh ? "已导入：新增 \(added) 行，更新 \(updated) 行\(warnings > 0 ? "，\(warnings) 条警告" : "")。" : "Imported: \(added) added, \(updated) updated\(warnings > 0 ? ", \(warnings) warnings" : "").")
                : (zh ? "检查通过：确认后将新增 \(added) 行、更新 \(updated) 行\(warnings > 0 ? "（有 \(warnings) 条警告，见下）" : "")。" : "Checked: confirming adds \(added) and updates \(updated) rows\(warnings > 0 ? " (\(warnings) warnings below)" : "")."),
            "hasSummaries": !outcome.summaries.isEmpty,
            "summaries": outcome.summaries.map { ["file": $0.file, "rows": $0.rows, "added": $0.added, "updated": $0.updated, "unchanged": $0.unchanged] as [String: Any] },
            "hasIssues": !shown.isEmpty,
            "issues": shown.map { i in
                ["severity": i.severity == .error ? (zh ? "错误" : "error") : (zh ? "警告" : "warning"), "cls": i.severity == .error ? "bad" : "warn",
                 "place": "\(i.place):\(i.line)", "column": [i.column, i.columnChinese].compactMap { $0 }.joined(separator: " "), "message": i.message.text(lang)]
            },
            "canConfirm": token != nil && !confirmed,
        ]
        if outcome.issues.count > shown.count { data["moreIssues"] = zh ? "……另有 \(outcome.issues.count - shown.count) 条" : "… and \(outcome.issues.count - shown.count) more" }
        if let token { data["token"] = token }
        if confirmed, let batch = outcome.batchID {
            data["okSummary"] = (data["okSummary"] as? String ?? "") + (zh ? " 导入批次 \(batch)。" : " Import batch \(batch).")
        }
        let title = confirmed ? (zh ? "导入完成" : "Imported") : (zh ? "导入预览（检查结果）" : "Import preview")
        var flash: (kind: String, text: String)?
        if confirmed, let b = outcome.batchID {
            flash = ("ok", zh ? "本批次的待审核记录可在审核队列中按批次 \(b) 查看。" : "This batch's pending records are in the review queue (batch \(b)).")
        }
        return Pages.shared.page("import-preview", data, frame: .init(title: title, current: "imports", flash: flash, path: "/imports"),
                                 identity: identity, language: lang, today: services.today())
    }

    func confirm(_ request: Request, _ context: AppContext, token: String) async throws -> Response {
        let identity = try context.require([.hr], request, forbidden: TrainingController.hrOnly)
        let form = try await Params.form(request)
        try CSRF.check(identity, form: form, request: request)
        let lang = try Params.language(request)
        guard let upload = services.uploads.take(token, user: identity.actor) else {
            throw APIError.notFound(.init("这次上传已过期或已导入；请重新上传文件", "This upload has expired or was already imported; upload the files again."))
        }
        let registry = services.registry, actor = identity.actor, county = identity.county
        let outcome = try await services.blocking { () throws -> ImportOutcome in
            if let county {
                // Checked again: the registry may have changed since the preview.
                let outside = try registry.countyIssues(upload.sources, county: county)
                if !outside.isEmpty { return ImportOutcome(issues: outside, summaries: [], committed: false) }
            }
            return try registry.importFiles(upload.sources, options: ImportOptions(actor: actor, command: "web: 导入"))
        }
        return Responses.page(preview(outcome, token: nil, identity: identity, language: lang, confirmed: outcome.errors.isEmpty))
    }
}
