import ArgumentParser
import Foundation
import GrowthReports
import RegistryStore
import TeacherGrowth

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "谁在何时查看了哪些个人信息（合规名单、教师档案、导出）Who read personal data, when, and what.",
        discussion: "按人员（--user 登录名或令牌编号）、学校（--school）、教师（--staff-no）或日期（--from/--to，北京时间）筛选。")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var language: LanguageOption
    @Option(help: "登录名或令牌编号") var user: String?
    @Option(help: "学校代码") var school: String?
    @Option(name: .customLong("staff-no"), help: "教师工号") var staffNo: String?
    @Option(help: "自此日期起") var from: String?
    @Option(help: "至此日期止") var to: String?
    @Option(help: "最多列出几条（默认 500）") var limit: Int = 500
    @Option(help: "text 或 csv") var format: String = "text"

    func validate() throws {
        for (n, v) in [("--from", from), ("--to", to)] {
            if let v, case .failure(let f) = DateInput.parse(v) { throw CLI.invalid("\(n)：\(f.localized.zh)", "\(n): \(f.localized.en)") }
        }
        guard ["text", "csv"].contains(format) else { throw CLI.invalid("--format 只能是 text 或 csv", "--format must be text or csv.") }
    }

    func run() throws {
        func date(_ s: String?) -> CivilDate? { s.flatMap { try? DateInput.parse($0).get() } }
        let entries = try database.backend().audit(.init(actor: user, school: school, staffNo: staffNo, from: date(from), to: date(to), limit: limit))
        let zh = language.language == .zh
        if format == "csv" {
            var t = ReportTable(name: "audit", headers: zh ? ["时间", "操作人", "角色", "地址", "路径", "内容", "学校", "工号", "人数"]
                                                         : ["at", "actor", "role", "client", "route", "what", "school", "staff_no", "people"])
            for e in entries {
                t.rows.append([.text(ChinaTime.display(e.at)), .text(e.actor), .text(e.role), .text(e.client ?? ""), .text(e.route), .text(e.what),
                               .text(e.schoolCode ?? ""), .text(e.staffNo ?? ""), .integer(e.people)])
            }
            try Output.write(TableOutput.csv(t, language: language.language), to: nil)
            return
        }
        var t = TextTable(headers: zh ? ["时间", "操作人", "地址", "内容", "学校", "工号", "人数"] : ["When", "Who", "From", "What", "School", "Staff", "People"],
                          maxColumnWidth: 32)
        for e in entries {
            t.add([ChinaTime.display(e.at), "\(e.actor) (\(e.role))", e.client ?? "", "\(e.what) \(e.route)", e.schoolCode ?? "", e.staffNo ?? "", "\(e.people)"])
        }
        print(t.render(), terminator: "")
        print(zh ? "共 \(entries.count) 条" : "\(entries.count) entries")
    }
}
