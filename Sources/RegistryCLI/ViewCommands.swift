import ArgumentParser
import Foundation
import GrowthReports
import RegistryPostgres
import RegistryStore
import TeacherGrowth

enum ViewFormat: String, CaseIterable, ExpressibleByArgument { case text, csv, json, xlsx }

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
    @Option(help: "text、csv、json 或 xlsx（Excel）") var format: ViewFormat = .text
    @OptionGroup var language: LanguageOption
    @Option(help: "写入此文件，而不是标准输出 Write to this file instead of standard output.") var output: String?
    @OptionGroup var scope: CountyScopeOptions

    func validate() throws {
        if let asOf, case .failure(let f) = DateInput.parse(asOf) {
            throw CLI.invalid("--as-of：\(f.localized.zh)", "--as-of: \(f.localized.en)")
        }
        if let dueWithin, dueWithin < 0 || dueWithin > 3650 {
            throw CLI.invalid("--due-within 必须是 0 至 3650 之间的天数", "--due-within must be a number of days from 0 to 3650.")
        }
        try Output.check(format: format == .xlsx, output: output)
    }

    func run() throws {
        let d = asOf.flatMap { try? DateInput.parse($0).get() } ?? Today.date
        let view: ComplianceView
        if let county = scope.county {
            let (school, dueWithin, planOptions) = (self.school, self.dueWithin, self.planOptions)
            view = try RegistryFacts.with(database, FactQuery(registrations: true, school: school)) { source, catalog, _ in
                try CountyScopeOptions.check(county, in: source)
                let scoped = try CountyFacts(source, county: county)
                if let school, try scoped.schoolNames()[school] == nil {
                    throw UserError("区县“\(county)”没有学校代码为 \(school) 的学校", "County \"\(county)\" has no school \(school).")
                }
                return try ComplianceReporting.view(source: scoped, catalog: catalog, asOf: d, school: school, dueWithin: dueWithin)
            } catalog: { try planOptions.catalog(from: $0) }
            try ReadAudit.record(try database.backend(), command: "compliance --county \(county)", what: "compliance", school: school, people: view.rows.count)
        } else if database.isPostgres {
            let registry = try database.openPostgres()
            let facts = try registry.facts(FactQuery(registrations: true, school: school))
            try SchoolCheck.exists(school, in: facts)
            view = try ComplianceReporting.view(source: facts, catalog: try planOptions.catalog(from: try registry.planCatalog()), asOf: d, school: school,
                                                dueWithin: dueWithin)
            try ReadAudit.record(registry, command: "compliance", what: "compliance", school: school, people: view.rows.count)
        } else {
            let registry = try database.open()
            let catalog = try planOptions.catalog(registry)
            try SchoolCheck.exists(school, in: registry)
            view = try registry.complianceView(catalog: catalog, asOf: d, school: school, dueWithin: dueWithin)
            try ReadAudit.record(registry, command: "compliance", what: "compliance", school: school, people: view.rows.count)
        }
        let l = language.language
        switch format {
        case .json: try Output.write(ComplianceRendering.json(view, school: school), to: output)
        case .csv: try Output.write(ComplianceRendering.csv(view, language: l), to: output)
        case .text: try Output.write(ComplianceRendering.text(view, language: l), to: output)
        case .xlsx: try Output.write(try ComplianceRendering.workbook(view, language: l), to: output)
        }
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
    @Option(help: "text、csv、json 或 xlsx（Excel）") var format: ViewFormat = .text
    @OptionGroup var language: LanguageOption
    @Option(help: "写入此文件，而不是标准输出 Write to this file instead of standard output.") var output: String?
    @OptionGroup var scope: CountyScopeOptions

    func validate() throws {
        if let year, !(1990...2100).contains(year) { throw CLI.invalid("--year 必须是 1990 至 2100 之间的年份", "--year must be a year from 1990 to 2100.") }
        if let asOf {
            guard case .success(let d) = DateInput.parse(asOf) else {
                throw CLI.invalid("--as-of “\(asOf)”不是日期；请写成 YYYY-MM-DD", "--as-of \"\(asOf)\" is not a date; write it as YYYY-MM-DD.")
            }
            if let year, d.year != year { throw CLI.invalid("--as-of \(d) 不在 \(year) 年内", "--as-of \(d) is not in \(year); give a date within the year.") }
        }
        try Output.check(format: format == .xlsx, output: output)
    }

    func run() throws {
        let d = asOf.flatMap { try? DateInput.parse($0).get() }
        let view: RotationView
        let plan: Plan
        if let county = scope.county {
            let (school, year, planOptions) = (self.school, self.year, self.planOptions)
            let latest = database.isPostgres ? nil : try database.open().latestFactYear()
            (view, plan) = try RegistryFacts.with(database, FactQuery(personal: true)) { source, catalog, _ in
                try CountyScopeOptions.check(county, in: source)
                let scoped = try CountyFacts(source, county: county)
                if let school, try scoped.schoolNames()[school] == nil {
                    throw UserError("区县“\(county)”没有学校代码为 \(school) 的学校", "County \"\(county)\" has no school \(school).")
                }
                let last = (source as? PostgresSnapshot)?.latestFactYear ?? latest
                let y = year ?? d?.year ?? min(last ?? Today.date.year, Today.date.year)
                return (try RotationReporting.view(source: scoped, catalog: catalog, year: y, asOf: d, today: Today.date, school: school),
                        catalog.plan(for: y))
            } catalog: { try planOptions.catalog(from: $0) }
            try ReadAudit.record(try database.backend(), command: "rotation --county \(county)", what: "rotation", school: school, people: view.candidates.count)
        } else if database.isPostgres {
            let registry = try database.openPostgres()
            let facts = try registry.facts(FactQuery(personal: true))
            try SchoolCheck.exists(school, in: facts)
            let catalog = try planOptions.catalog(from: try registry.planCatalog())
            let y = year ?? d?.year ?? min(facts.latestFactYear ?? Today.date.year, Today.date.year)
            plan = catalog.plan(for: y)
            view = try RotationReporting.view(source: facts, catalog: catalog, year: y, asOf: d, today: Today.date, school: school)
            try ReadAudit.record(registry, command: "rotation \(y)", what: "rotation", school: school, people: view.candidates.count)
        } else {
            let registry = try database.open()
            let catalog = try planOptions.catalog(registry)
            try SchoolCheck.exists(school, in: registry)
            let latest = try registry.latestFactYear() ?? Today.date.year
            let y = year ?? d?.year ?? min(latest, Today.date.year)
            plan = catalog.plan(for: y)
            view = try registry.rotationView(catalog: catalog, year: y, asOf: d, today: Today.date, school: school)
            try ReadAudit.record(registry, command: "rotation \(y)", what: "rotation", school: school, people: view.candidates.count)
        }
        let l = language.language
        switch format {
        case .json: try Output.write(RotationRendering.json(view, plan: plan, language: l), to: output)
        case .csv: try Output.write(RotationRendering.csv(view, language: l), to: output)
        case .text: try Output.write(RotationRendering.text(view, plan: plan, language: l), to: output)
        case .xlsx: try Output.write(try RotationRendering.workbook(view, plan: plan, language: l), to: output)
        }
    }
}

enum SchoolCheck {
    static func exists(_ school: String?, in facts: PostgresSnapshot) throws {
        if let school, try facts.schoolNames()[school] == nil {
            throw UserError("没有学校代码为 \(school) 的学校；请核对学校代码",
                            "There is no school \(school); check the code (学校代码).")
        }
    }

    /// A user error when `--school` names no school.
    static func exists(_ school: String?, in registry: Registry) throws {
        if let school, try !registry.schoolExists(school) {
            throw UserError("没有学校代码为 \(school) 的学校；请用 teacher-registry export schools 核对学校代码",
                            "There is no school \(school); check the code (学校代码) with `teacher-registry export schools`.")
        }
    }
}
