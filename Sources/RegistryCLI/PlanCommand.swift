import ArgumentParser
import Foundation
import GrowthReports
import RegistryStore
import TeacherGrowth

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "规划：列出、查看、导入、导出（十四五、十五五……）Plans: list, show, import, export.",
        discussion: """
        每年的报告、合规和轮岗都按该年所在规划期的规划计算。系统自带“十四五”规划和“十五五”草案；
        导入县里自己的规划（JSON 或工作簿）或目标表（CSV/Excel：指标、年度、比较、目标值、来源）后即按导入的计算。
        Each year is reported against the plan whose period covers it.
        """,
        subcommands: [List.self, Show.self, Import.self, Export.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "列出系统中的规划 List the plans.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var language: LanguageOption

        func run() throws {
            let registry = try database.backend()
            let catalog = try registry.planCatalog()
            let stored = Set(try registry.storedPlans().map(\.id))
            let zh = language.language == .zh
            var t = TextTable(headers: zh ? ["编号", "名称", "规划期", "状态", "来源"] : ["ID", "Name", "Period", "Status", "Origin"], maxColumnWidth: 44)
            for p in catalog.plans + (try registry.municipalPlanCatalog()?.plans ?? []) {
                let status = (p.isDraft ? (zh ? "草案" : "draft") : (zh ? "已印发" : "adopted"))
                    + (p.scope == .municipal ? (zh ? "（市级）" : " (municipal)") : "")
                let origin = stored.contains(p.id) ? (zh ? "已导入（\(try registry.planVersions(p.id).count) 个版本）" : "imported (\(try registry.planVersions(p.id).count) versions)")
                                                   : (zh ? "系统自带" : "bundled")
                t.add([p.id, p.name.text(language.language), "\(p.firstYear)–\(p.lastYear)", status, origin])
            }
            print(t.render(), terminator: "")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "查看一个规划的政策和各年目标 Show a plan's policy and targets.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var language: LanguageOption
        @Argument(help: "规划编号（见 plan list）") var id: String

        func run() throws {
            let registry = try database.backend()
            guard let plan = try registry.planCatalog().plan(id: id) ?? registry.municipalPlanCatalog()?.plan(id: id) else {
                throw UserError("没有编号为 \(id) 的规划；可用 teacher-registry plan list 查看", "There is no plan \(id); see teacher-registry plan list.")
            }
            print(PlanText.render(plan, versions: try registry.planVersions(id), language: language.language), terminator: "")
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "导入规划（JSON 或工作簿）或目标表（CSV/Excel）Import a plan, or a targets sheet.",
            discussion: """
            目标表的列：指标（代码或名称）、年度、比较（>=）、目标值（0.95、95% 或 200）、来源。各行更新其年度所在规划期的目标
            （或 --plan 指定的规划），作为一次有记录的变更。工作簿若还有“规划”和“政策”工作表，则是一个完整的新规划。
            A targets sheet (metric, year, op, value, source) updates the plan covering each year, or --plan ID.
            """)
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var language: LanguageOption
        @Argument(help: "规划文件（.json）、目标表（.csv / .xlsx）或规划工作簿") var file: String
        @Option(name: .customLong("plan"), help: "目标表要更新的规划编号（默认按年度）") var planID: String?

        func run() throws {
            let registry = try database.backend()
            let outcomes = try registry.importPlan(path: file, planID: planID, actor: Actor.current)
            let zh = language.language == .zh
            for o in outcomes {
                switch o.kind {
                case .unchanged:
                    print(zh ? "规划 \(o.plan.id) 未变（第 \(o.version) 版）。" : "Plan \(o.plan.id) is unchanged (version \(o.version)).")
                case .added, .updated:
                    print(zh ? "已导入规划 \(o.plan.id)（\(o.plan.firstYear)–\(o.plan.lastYear)，第 \(o.version) 版）。"
                             : "Imported plan \(o.plan.id) (\(o.plan.firstYear)–\(o.plan.lastYear), version \(o.version)).")
                    for c in o.changes.prefix(50) { print("  · " + c.text(language.language)) }
                    if o.changes.count > 50 { print(zh ? "  ……另有 \(o.changes.count - 50) 处改动" : "  … and \(o.changes.count - 50) more changes") }
                    if o.plan.isDraft { print(zh ? "  该规划仍标记为草案。" : "  This plan is still marked as a draft.") }
                }
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "导出规划（JSON 或 Excel 工作簿，可再导入）Export a plan as JSON or .xlsx.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var language: LanguageOption
        @Argument(help: "规划编号（见 plan list）") var id: String
        @Option(help: "json 或 xlsx") var format: String = "json"
        @Option(help: "写入此文件，而不是标准输出") var output: String?

        func validate() throws {
            guard ["json", "xlsx"].contains(format) else { throw CLI.invalid("--format 只能是 json 或 xlsx", "--format must be json or xlsx.") }
            try Output.check(format: format == "xlsx", output: output)
        }

        func run() throws {
            let registry = try database.backend()
            guard let plan = try registry.planCatalog().plan(id: id) ?? registry.municipalPlanCatalog()?.plan(id: id) else {
                throw UserError("没有编号为 \(id) 的规划；可用 teacher-registry plan list 查看", "There is no plan \(id); see teacher-registry plan list.")
            }
            if format == "xlsx" {
                try Output.write(try Registry.planWorkbook(plan), to: output)
            } else {
                try Output.write(plan.jsonText(), to: output)
            }
        }
    }
}

/// `plan show` as text.
enum PlanText {
    static func render(_ p: Plan, versions: [PlanVersion], language: Language) -> String {
        let zh = language == .zh
        var out = "\(p.name.text(language))（\(p.id)）\n"
        out += zh ? "规划期 \(p.firstYear)–\(p.lastYear) · \(p.isDraft ? "草案" : "已印发") · \(p.county.zh)\n"
                  : "period \(p.firstYear)–\(p.lastYear) · \(p.isDraft ? "draft" : "adopted") · \(p.county.en)\n"
        if let n = p.note { out += TextReport.wrap(n.text(language), indent: "") }
        let q = p.policy
        out += "\n" + (zh ? "政策" : "Policy") + "\n"
        var policy = TextTable(headers: zh ? ["项目", "内容"] : ["Item", "Value"], maxColumnWidth: 70)
        policy.add([zh ? "培训周期" : "Training cycle", "\(q.cycle(containing: p.planStart)) · \(q.requiredHours) \(zh ? "学时" : "hours")"])
        policy.add([zh ? "县级以上培训" : "County training", zh ? "每 \(q.countyTrainingYears) 年一次" : "every \(q.countyTrainingYears) years"])
        policy.add([zh ? "交流轮岗资格" : "Rotation eligibility", zh ? "在校满 \(q.eligibleYearsAtSchool) 年" : "\(q.eligibleYearsAtSchool) years at the school"])
        policy.add([zh ? "工作室经费" : "Studio budget", "\(q.studioBudgetMin)–\(q.studioBudgetMax) \(zh ? "元/年" : "yuan/year")"])
        policy.add([zh ? "定期注册" : "Registration", zh ? "每 \(q.registrationYears) 年，提前 \(q.registrationWarningDays) 天提醒" : "every \(q.registrationYears) years, \(q.registrationWarningDays) days' notice"])
        if let r = q.retirement {
            policy.add([zh ? "法定退休年龄" : "Retirement age", zh ? "男 \(r.male.years) 岁、女 \(r.female.years) 岁起渐进延迟（\(r.source)）" : "men \(r.male.years), women \(r.female.years), rising gradually (\(r.source))"])
            policy.add([zh ? "轮岗期限" : "Rotation period", zh ? "\(q.rotationPeriodYears) 年" : "\(q.rotationPeriodYears) years"])
        }
        out += policy.render()
        out += "\n" + (zh ? "目标" : "Targets") + "\n"
        var t = TextTable(headers: [zh ? "指标" : "Metric"] + p.years.map(String.init), alignments: [.left] + p.years.map { _ in .right }, maxColumnWidth: 30)
        for key in MetricKey.allCases {
            let cells = p.years.map { y -> String in
                guard let target = p.target(key, year: y) else { return "" }
                return "≥" + ReportText.targetValue(key, target.value) + (target.isNationalStandard ? "ⁿ" : (target.isContinued ? "ᶜ" : ""))
            }
            if cells.contains(where: { !$0.isEmpty }) { t.add([key.label(language)] + cells) }
        }
        out += t.render()
        out += zh ? "ⁿ 国家标准（规划未设目标时）；ᶜ 延续上一规划期末目标\n" : "ⁿ national standard (where the plan sets none); ᶜ continued from the previous plan\n"
        if !versions.isEmpty {
            out += "\n" + (zh ? "导入记录" : "Imports") + "\n"
            for v in versions {
                out += "  \(zh ? "第 \(v.version) 版" : "version \(v.version)") · \(ChinaTime.display(v.at)) · \(v.actor)\(v.source.map { " · \($0)" } ?? "")\n"
                if let d = v.detail { out += TextReport.wrap(d, indent: "    ") }
            }
        }
        return out
    }
}
