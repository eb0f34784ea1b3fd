import ArgumentParser
import Foundation
import GrowthReports
import RegistryStore
import TeacherGrowth

enum ViewFormat: String, CaseIterable, ExpressibleByArgument { case text, csv, json }

/// Today's date in China (UTC+8), for commands whose default day is "today".
enum Today {
    static var date: CivilDate {
        let seconds = Int(Date().timeIntervalSince1970) + 8 * 3600
        return CivilDate(dayNumber: seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
    }
}

struct ComplianceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compliance",
        abstract: "The principal's view: every full-time teacher's hours, county training, certificate, registration and designations.",
        discussion: """
        Most urgent first (overdue registration, no fitting certificate, overdue county training, furthest behind
        on hours), with a summary per school. Monthly reminders: --due-within 30.
        """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var planOptions: PlanOptions
    @Option(help: "Only this school (its code).") var school: String?
    @Option(name: .customLong("as-of"), help: "The day to look at (default: today).") var asOf: String?
    @Option(name: .customLong("due-within"), help: "Only what is overdue or falls due within this many days: registrations, county training, designation expiries.")
    var dueWithin: Int?
    @Option(help: "text, csv or json.") var format: ViewFormat = .text
    @Option(help: "zh or en.") var lang: String = "zh"
    @Option(help: "Write to this file instead of standard output.") var output: String?

    func validate() throws {
        if let asOf, case .failure(let f) = DateInput.parse(asOf) { throw ValidationError("--as-of: \(f)") }
        if let dueWithin, dueWithin < 0 || dueWithin > 3650 { throw ValidationError("--due-within must be a number of days from 0 to 3650.") }
        guard Language(rawValue: lang) != nil else { throw ValidationError("--lang must be zh or en.") }
    }

    func run() throws {
        let plan = try planOptions.load()
        let registry = try database.open()
        try SchoolCheck.exists(school, in: registry)
        let d = asOf.flatMap { try? DateInput.parse($0).get() } ?? Today.date
        let view = try registry.complianceView(plan: plan, asOf: d, school: school, dueWithin: dueWithin)
        let text: String = switch format {
        case .json: ComplianceRendering.json(view, school: school)
        case .csv: ComplianceRendering.csv(view)
        case .text: ComplianceRendering.text(view, language: Language(rawValue: lang)!)
        }
        try Output.write(text, to: output)
    }
}

struct RotationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotation",
        abstract: "The county's rotation review (交流轮岗): eligible and exchanged teachers, the three ratios, flows, and the planner.",
        discussion: "The year defaults to the latest year with data. Its numbers equal the report's for the same year and date.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var planOptions: PlanOptions
    @Option(help: "The year (default: the latest year with data).") var year: Int?
    @Option(name: .customLong("as-of"), help: "The day within the year (default: Dec 31).") var asOf: String?
    @Option(help: "Only this school's figures and candidates.") var school: String?
    @Option(help: "text, csv or json.") var format: ViewFormat = .text
    @Option(help: "zh or en.") var lang: String = "zh"
    @Option(help: "Write to this file instead of standard output.") var output: String?

    func validate() throws {
        if let year, !(1990...2100).contains(year) { throw ValidationError("--year must be a year from 1990 to 2100.") }
        if let asOf {
            guard case .success(let d) = DateInput.parse(asOf) else { throw ValidationError("--as-of \"\(asOf)\" is not a date; write it as YYYY-MM-DD.") }
            if let year, d.year != year { throw ValidationError("--as-of \(d) is not in \(year); give a date within the year.") }
        }
        guard Language(rawValue: lang) != nil else { throw ValidationError("--lang must be zh or en.") }
    }

    func run() throws {
        let plan = try planOptions.load()
        let registry = try database.open()
        try SchoolCheck.exists(school, in: registry)
        let d = asOf.flatMap { try? DateInput.parse($0).get() }
        let latest = try registry.latestFactYear() ?? Today.date.year
        let y = year ?? d?.year ?? min(latest, Today.date.year)
        let view = try registry.rotationView(plan: plan, year: y, asOf: d, school: school)
        let text: String = switch format {
        case .json: RotationRendering.json(view, plan: plan, language: Language(rawValue: lang)!)
        case .csv: RotationRendering.csv(view)
        case .text: RotationRendering.text(view, plan: plan, language: Language(rawValue: lang)!)
        }
        try Output.write(text, to: output)
    }
}

enum SchoolCheck {
    /// A user error when `--school` names no school.
    static func exists(_ school: String?, in registry: Registry) throws {
        if let school, try !registry.schoolExists(school) {
            throw UserError("There is no school \(school); check the code (学校代码) with `teacher-registry export schools`.")
        }
    }
}
