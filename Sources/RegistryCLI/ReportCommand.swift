import ArgumentParser
import Foundation
import GrowthReports
import RegistryPostgres
import RegistryStore
import TeacherGrowth

/// Options shared by commands that read plans.
struct PlanOptions: ParsableArguments {
    @Option(help: "只按这份规划（规划编号或规划文件 JSON）计算所有年份；默认每年按其所在规划期的规划")
    var plan: String?

    /// The registry's plans, or only the one named by --plan.
    func catalog(_ registry: Registry) throws -> PlanCatalog {
        try catalog(from: try registry.planCatalog())
    }

    /// The plans of `catalog`, or only the one named by --plan.
    func catalog(from catalog: PlanCatalog) throws -> PlanCatalog {
        guard let plan else { return catalog }
        if let p = catalog.plan(id: plan) { return PlanCatalog([p]) }
        guard FileManager.default.fileExists(atPath: plan) else {
            throw UserError("“\(plan)”既不是规划编号，也不是规划文件；可用 teacher-registry plan list 查看规划编号",
                            "\"\(plan)\" is neither a plan id nor a plan file; see teacher-registry plan list.")
        }
        guard let data = FileManager.default.contents(atPath: plan) else {
            throw UserError("无法读取规划文件 \(plan)；请检查路径", "Cannot read the plan file \(plan); check the path.")
        }
        do { return PlanCatalog([try Plan(json: data)]) } catch let e as PlanError {
            throw UserError("\(plan)：\(e.message.zh)", "\(plan): \(e.message.en)")
        }
    }
}

enum ReportFormat: String, CaseIterable, ExpressibleByArgument {
    case text, markdown, csv, json, html, xlsx
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "教师成长目标年度报告，或规划终期评估 The annual teacher-growth targets report, or a plan's final review.",
        discussion: """
        --year：该年全部指标（对照该年所在规划期的目标）、状态、差距、历年趋势和分类统计。本年度默认截至今天，并给出年底预计值。
        --period 2021-2025：规划终期评估——基期、逐年实际与目标、期末目标是否达成及差距。
        --year: every plan metric for the year (against the plan covering it); the current year is as of today, with projections.
        --period START-END: the final review of the plan for that period.
        """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var planOptions: PlanOptions
    @Option(help: "报告年份，如 2025 The report year.") var year: Int?
    @Option(help: "规划期（终期评估），如 2021-2025 A plan period for its final review.") var period: String?
    @Option(name: .customLong("as-of"), help: "截至日期（须在该年内；默认 12 月 31 日，本年度为今天）") var asOf: String?
    @Option(help: "text、markdown、csv、json、html 或 xlsx（Excel）") var format: ReportFormat = .text
    @OptionGroup var language: LanguageOption
    @Option(help: "写入此文件，而不是标准输出 Write to this file instead of standard output.") var output: String?
    @OptionGroup var scope: CountyScopeOptions
    @Flag(help: "市级汇总：各区县每项指标的分子、分母相加；目标取 --plan 给出的或已导入的市级规划（\"scope\": \"municipal\"），都没有则只列实际数 The municipal roll-up.")
    var municipal = false

    func validate() throws {
        if municipal && scope.county != nil { throw CLI.invalid("--municipal 与 --county 不能同用", "--municipal goes without --county.") }
        if municipal && period != nil { throw CLI.invalid("市级汇总暂只有年度报告；--municipal 请与 --year 同用", "The municipal roll-up is a yearly report: use --municipal with --year.") }
        if let period {
            guard ReportDates.period(period) != nil else {
                throw CLI.invalid("--period 应写成起止年份，如 2021-2025", "--period must be a range of years such as 2021-2025.")
            }
            if year != nil || asOf != nil { throw CLI.invalid("--period 不能与 --year 或 --as-of 同用", "--period goes without --year and --as-of.") }
        } else {
            guard let year else { throw CLI.invalid("请用 --year 给出报告年份（如 --year 2025），或用 --period 给出规划期", "Give the report year with --year (e.g. --year 2025), or a plan period with --period.") }
            guard ReportDates.isValidYear(year) else { throw CLI.invalid("--year 必须是 1990 至 2100 之间的年份", "--year must be a year from 1990 to 2100.") }
            if let asOf {
                guard case .success(let d) = DateInput.parse(asOf) else {
                    throw CLI.invalid("--as-of “\(asOf)”不是日期；请写成 YYYY-MM-DD", "--as-of \"\(asOf)\" is not a date; write it as YYYY-MM-DD.")
                }
                guard d.year == year else {
                    throw CLI.invalid("--as-of \(d) 不在 \(year) 年内；请给出 \(year)-01-01 至 \(year)-12-31 之间的日期",
                                      "--as-of \(d) is not in \(year); give a date from \(year)-01-01 to \(year)-12-31.")
                }
            }
        }
        try Output.check(format: format == .xlsx, output: output)
    }

    func run() throws {
        if municipal || scope.county != nil { return try runScoped() }
        let l = language.language
        // PostgreSQL: the same use cases over the facts read from the server (bundled plans).
        var postgres: PostgresSnapshot?
        let registry: Registry?
        let catalog: PlanCatalog
        if database.isPostgres {
            let pg = try database.openPostgres()
            postgres = try pg.facts()
            registry = nil
            catalog = try planOptions.catalog(from: try pg.planCatalog())
        } else {
            registry = try database.open()
            catalog = try planOptions.catalog(registry!)
        }
        if let period, let range = ReportDates.period(period) {
            guard let plan = catalog.plans.first(where: { $0.firstYear == range.lowerBound && $0.lastYear == range.upperBound }) else {
                let known = catalog.plans.map { "\($0.firstYear)-\($0.lastYear)" }.joined(separator: "、")
                throw UserError("没有规划期为 \(period) 的规划；已有：\(known)", "No plan has the period \(period); the plans are: \(known).")
            }
            var review: PlanReview
            if let facts = postgres {
                review = try GrowthReporting.review(source: facts, plan: plan, today: Today.date)
                review.isDemoData = facts.demoDescription != nil
            } else {
                review = try registry!.planReview(plan, today: Today.date)
            }
            try write(review, language: l)
            return
        }
        let day = asOf.flatMap { try? DateInput.parse($0).get() }
        var report: GrowthReport
        if let facts = postgres {
            report = try GrowthReporting.report(source: facts, catalog: catalog, year: year!, asOf: day, today: Today.date)
            report.isDemoData = facts.demoDescription != nil
            postgres = nil
        } else {
            report = try registry!.growthReport(catalog: catalog, year: year!, asOf: day, today: Today.date)
        }
        try write(report, language: l)
    }

    /// Writes a report in the chosen format.
    func write(_ report: GrowthReport, language l: Language) throws {
        if format == .xlsx {
            try Output.write(try XLSXReport.render(report, language: l), to: output)
        } else {
            try Output.write(ReportRendering.render(report, format: format, language: l), to: output)
        }
    }

    /// Writes a plan's final review in the chosen format.
    func write(_ review: PlanReview, language l: Language) throws {
        switch format {
        case .text: try Output.write(ReviewRendering.text(review, language: l), to: output)
        case .markdown: try Output.write(ReviewRendering.markdown(review, language: l), to: output)
        case .csv: try Output.write(ReviewRendering.csv(review, language: l), to: output)
        case .json: try Output.write(ReviewRendering.json(review, language: l), to: output)
        case .html: try Output.write(ReviewRendering.html(review, language: l), to: output)
        case .xlsx: try Output.write(try ReviewRendering.workbook(review, language: l), to: output)
        }
    }
}

extension ReportCommand {
    /// One county's report or review, or the municipal roll-up, on either backend.
    func runScoped() throws {
        let l = language.language
        let day = asOf.flatMap { try? DateInput.parse($0).get() }
        let county = scope.county
        let municipal = self.municipal
        let year = self.year
        let period = self.period.flatMap(ReportDates.period)
        enum Made: Sendable { case report(GrowthReport), review(PlanReview) }
        let planOptions = self.planOptions
        // The roll-up's targets: the municipal plan named with --plan (an imported one's id, or a
        // file), else the imported municipal plans; none: figures only.
        let municipalPlans = municipal ? try database.backend().municipalPlanCatalog() : nil
        let namedMunicipal = planOptions.plan.flatMap { id in municipalPlans?.plan(id: id) }.map { PlanCatalog([$0]) }
        let made: Made = try RegistryFacts.with(database, FactQuery()) { source, catalog, isDemo in
            if let county { try CountyScopeOptions.check(county, in: source) }
            if let range = period, let county {
                guard let plan = catalog.plans.first(where: { $0.firstYear == range.lowerBound && $0.lastYear == range.upperBound }) else {
                    throw UserError("没有规划期为 \(range.lowerBound)-\(range.upperBound) 的规划", "No plan has the period \(range.lowerBound)-\(range.upperBound).")
                }
                var r = try GrowthReporting.review(source: try CountyFacts(source, county: county), plan: plan, today: Today.date)
                r.isDemoData = isDemo
                return .review(r)
            }
            var r: GrowthReport
            if municipal {
                let municipalPlan = namedMunicipal ?? (planOptions.plan == nil ? municipalPlans : catalog)
                r = try GrowthReporting.rollup(source: source, catalog: municipalPlan, year: year!, asOf: day, today: Today.date).report
            } else {
                r = try GrowthReporting.report(source: source, county: county!, catalog: catalog, year: year!, asOf: day, today: Today.date)
            }
            r.isDemoData = isDemo
            return .report(r)
        } catalog: { try namedMunicipal ?? planOptions.catalog(from: $0) }
        switch made {
        case .review(let review):
            try write(review, language: l)
        case .report(let report):
            try write(report, language: l)
        }
    }
}

/// `--county`: one county of a registry that holds several.
struct CountyScopeOptions: ParsableArguments {
    @Option(help: "只看这个区县（学校表的“区县”列）Only this county of a registry that holds several.") var county: String?

    /// A user error when the registry has no such county.
    static func check(_ county: String, in source: some FactSource) throws {
        let all = try counties(in: source)
        guard all.contains(county) else {
            throw UserError(all.isEmpty ? "这个登记库的学校没有填写区县，不能按区县查看；请在学校表中填写“区县”列"
                                        : "没有区县“\(county)”；已有：\(all.joined(separator: "、"))",
                            all.isEmpty ? "The registry's schools name no county; fill in the county column of schools.csv."
                                        : "There is no county \"\(county)\"; the counties are: \(all.joined(separator: ", ")).")
        }
    }
}

/// The facts of a registry on either backend, read consistently, with its plans.
enum RegistryFacts {
    static func with<T: Sendable>(_ database: DatabaseOptions, _ query: FactQuery,
                                  _ body: @escaping @Sendable (any FactSource, PlanCatalog, Bool) throws -> T,
                                  catalog pick: (PlanCatalog) throws -> PlanCatalog) throws -> T {
        if database.isPostgres {
            let registry = try database.openPostgres()
            let snapshot = try registry.facts(query)
            return try body(snapshot, try pick(try registry.planCatalog()), snapshot.demoDescription != nil)
        }
        let registry = try database.open()
        let catalog = try pick(try registry.planCatalog())
        let isDemo = try registry.demoDescription() != nil
        return try registry.snapshot { reader in try body(reader, catalog, isDemo) }
    }
}

enum ReportRendering {
    static func render(_ report: GrowthReport, format: ReportFormat, language: Language) -> String {
        switch format {
        case .text: TextReport.render(report, language: language)
        case .markdown: MarkdownReport.render(report, language: language)
        case .csv: CSVReport.render(report, language: language)
        case .json: JSONReport.render(report, language: language)
        case .html: HTMLReport.render(report, language: language)
        case .xlsx: preconditionFailure("xlsx is written by XLSXReport")
        }
    }
}

enum Output {
    /// Writes text to a file (atomically, readable by its owner only) or to standard output.
    static func write(_ text: String, to path: String?) throws {
        try write(Data(text.utf8), to: path)
    }

    static func write(_ data: Data, to path: String?) throws {
        guard let path else {
            FileHandle.standardOutput.write(data)
            return
        }
        try PrivateFiles.write(data, to: path)
    }

    /// A workbook is binary: it needs --output, or standard output sent to a file or a pipe.
    static func check(format isWorkbook: Bool, output: String?) throws {
        if isWorkbook && output == nil && isatty(1) == 1 {
            throw CLI.invalid("Excel 文件请用 --output 指定文件名，如 --output 报告.xlsx", "Write a workbook to a file with --output, e.g. --output report.xlsx.")
        }
    }
}
