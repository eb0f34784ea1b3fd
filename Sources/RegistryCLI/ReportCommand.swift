import ArgumentParser
import Foundation
import GrowthReports
import RegistryStore
import TeacherGrowth

/// Options shared by commands that read a plan.
struct PlanOptions: ParsableArguments {
    @Option(help: "Another county's plan file (JSON, like Seeds/plans/youyang-2021-2025.json); the Youyang plan is built in.")
    var plan: String?

    func load() throws -> Plan {
        guard let path = plan else { return Plan.youyang }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UserError("无法读取规划文件 \(path)；请检查路径", "Cannot read the plan file \(path); check the path.")
        }
        do { return try Plan(json: data) } catch let e as PlanError {
            throw UserError("\(path)：\(e.message.zh)", "\(path): \(e.message.en)")
        }
    }
}

enum ReportFormat: String, CaseIterable, ExpressibleByArgument {
    case text, markdown, csv, json, html, xlsx
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The annual teacher-growth targets report (教师成长目标年度报告).",
        discussion: "Every plan metric for the year as of --as-of (default Dec 31), with targets, status, gaps, the trend over earlier plan years and breakdowns by school type and area.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var planOptions: PlanOptions
    @Option(help: "The report year, e.g. 2025.") var year: Int
    @Option(name: .customLong("as-of"), help: "The day to report on, within the year (default: Dec 31).") var asOf: String?
    @Option(help: "text、markdown、csv、json、html 或 xlsx（Excel）") var format: ReportFormat = .text
    @OptionGroup var language: LanguageOption
    @Option(help: "写入此文件，而不是标准输出 Write to this file instead of standard output.") var output: String?

    func validate() throws {
        guard (1990...2100).contains(year) else { throw CLI.invalid("--year 必须是 1990 至 2100 之间的年份", "--year must be a year from 1990 to 2100.") }
        if let asOf {
            guard case .success(let d) = DateInput.parse(asOf) else {
                throw CLI.invalid("--as-of “\(asOf)”不是日期；请写成 YYYY-MM-DD", "--as-of \"\(asOf)\" is not a date; write it as YYYY-MM-DD.")
            }
            guard d.year == year else {
                throw CLI.invalid("--as-of \(d) 不在 \(year) 年内；请给出 \(year)-01-01 至 \(year)-12-31 之间的日期",
                                  "--as-of \(d) is not in \(year); give a date from \(year)-01-01 to \(year)-12-31.")
            }
        }
        try Output.check(format: format == .xlsx, output: output)
    }

    func run() throws {
        let plan = try planOptions.load()
        let registry = try database.open()
        let report = try registry.growthReport(plan: plan, year: year, asOf: asOf.flatMap { try? DateInput.parse($0).get() })
        if format == .xlsx {
            try Output.write(try XLSXReport.render(report, language: language.language), to: output)
        } else {
            try Output.write(ReportRendering.render(report, format: format, language: language.language), to: output)
        }
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
