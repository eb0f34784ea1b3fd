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
            throw UserError("Cannot read the plan file \(path); check the path.")
        }
        do { return try Plan(json: data) } catch let e as PlanError {
            throw UserError("\(path): \(e.description)")
        }
    }
}

enum ReportFormat: String, CaseIterable, ExpressibleByArgument {
    case text, markdown, csv, json, html
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
    @Option(help: "text, markdown, csv, json or html.") var format: ReportFormat = .text
    @Option(help: "zh or en.") var lang: String = "zh"
    @Option(help: "Write to this file instead of standard output.") var output: String?

    func validate() throws {
        guard (1990...2100).contains(year) else { throw ValidationError("--year must be a year from 1990 to 2100.") }
        guard Language(rawValue: lang) != nil else { throw ValidationError("--lang must be zh or en.") }
        if let asOf {
            guard case .success(let d) = DateInput.parse(asOf) else { throw ValidationError("--as-of \"\(asOf)\" is not a date; write it as YYYY-MM-DD.") }
            guard d.year == year else { throw ValidationError("--as-of \(d) is not in \(year); give a date from \(year)-01-01 to \(year)-12-31.") }
        }
    }

    func run() throws {
        let plan = try planOptions.load()
        let registry = try database.open()
        let report = try registry.growthReport(plan: plan, year: year, asOf: asOf.flatMap { try? DateInput.parse($0).get() })
        let text = ReportRendering.render(report, format: format, language: Language(rawValue: lang)!)
        try Output.write(text, to: output)
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
        }
    }
}

enum Output {
    /// Writes to a file (atomically) or to standard output.
    static func write(_ text: String, to path: String?) throws {
        guard let path else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw UserError("Cannot write \(path); check that its folder exists and is writable.")
        }
    }
}
