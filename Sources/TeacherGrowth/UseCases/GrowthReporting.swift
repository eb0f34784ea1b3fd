/// The annual report and the final review of a plan (SPEC §6; issue 13), computed from any fact
/// source in one pass over the people.
public enum GrowthReporting {
    /// The report for year Y as of D (D defaults to Dec 31, or to today for the current year),
    /// against the plan whose period covers Y. For a year in progress it carries a projection of
    /// every metric for Dec 31.
    public static func report(source: some FactSource, catalog: PlanCatalog, year: Int, asOf: CivilDate? = nil,
                              today: CivilDate? = nil) throws -> GrowthReport {
        let plan = catalog.plan(for: year)
        let d = try ReportDates.asOf(year: year, asOf: asOf, today: today)
        let inProgress = ReportDates.isInProgress(year: year, asOf: d, today: today)
        let december31 = CivilDate.lastDay(of: year)
        var dates = GrowthReport.dates(plan: plan, year: year, asOf: d)
        // For the projection: Dec 31 of this year and of the year before (the PE and arts teachers
        // the year started with).
        if inProgress { dates += [december31, CivilDate.lastDay(of: year - 1)] }
        let results = try metrics(source: source, plan: plan, dates: dates)
        var report = GrowthReport(plan: plan, year: year, asOf: d, results: results)
        if inProgress, let onDate = results[d], let onDec31 = results[december31] {
            let yearStartPE = results[CivilDate.lastDay(of: year - 1)]?[.pe_arts_teachers] ?? MetricTally()
            report.inProgress = true
            report.projections = Projection.all(plan: plan, year: year, asOf: d, onDate: onDate, onDecember31: onDec31,
                                                peArtsAtYearStart: yearStartPE)
        }
        return report
    }

    /// Every metric on each day, in one pass over the people.
    static func metrics(source: some FactSource, plan: Plan, dates: [CivilDate]) throws -> [CivilDate: DayMetrics] {
        let engine = Handoff(MetricsEngine(plan: plan, schools: try source.schools(), dates: dates))
        try PeoplePipe.forEachTeacher(in: source, FactQuery()) { people in
            for person in people { engine.value.add(person) }
        }
        return engine.value.results(studios: try source.studios())
    }

    /// The final review of a plan (终期评估): the data's baseline on the Dec 31 before the plan,
    /// each plan year as of its Dec 31 (a year not yet over: as of today), and each metric's
    /// end-of-period target, met or not and by how much.
    public static func review(source: some FactSource, plan: Plan, today: CivilDate? = nil) throws -> PlanReview {
        let baselineDay = plan.planStart.adding(days: -1)
        var days: [(Int, CivilDate)] = []
        for y in plan.years {
            if let today, y > today.year { break }
            let d = (today.map { $0.year == y } ?? false) ? today! : CivilDate.lastDay(of: y)
            days.append((y, d))
        }
        let results = try metrics(source: source, plan: plan, dates: [baselineDay] + days.map(\.1))
        func yearMetrics(_ y: Int, _ d: CivilDate, targets: Bool) -> YearMetrics {
            let day = results[d] ?? DayMetrics(date: d, tallies: [:])
            return YearMetrics(year: y, asOf: d, cycle: plan.policy.cycle(containing: d),
                               metrics: MetricKey.allCases.map { MetricResult(key: $0, tally: day[$0], target: targets ? plan.target($0, year: y) : nil) })
        }
        let years = days.map { yearMetrics($0.0, $0.1, targets: true) }
        let complete = today.map { $0 > CivilDate.lastDay(of: plan.lastYear) } ?? true
        return PlanReview(plan: plan, baseline: yearMetrics(baselineDay.year, baselineDay, targets: false), years: years, complete: complete)
    }
}

/// A plan's final review (终期评估, issue 13).
public struct PlanReview: Sendable {
    public let plan: Plan
    /// The metrics on the Dec 31 before the plan, from the registry's data (no targets).
    public let baseline: YearMetrics
    /// Each plan year as of its Dec 31, oldest first (a year not yet over: as of today).
    public let years: [YearMetrics]
    /// True when the whole period is over.
    public let complete: Bool
    public var isDemoData = false

    public init(plan: Plan, baseline: YearMetrics, years: [YearMetrics], complete: Bool) {
        self.plan = plan; self.baseline = baseline; self.years = years; self.complete = complete
    }

    /// The end of the period for one metric: the last year's figure against the last year's
    /// target, with its status and gap (nil when no plan year has been reached yet).
    public func end(_ key: MetricKey) -> MetricResult? {
        guard let last = years.last else { return nil }
        return MetricResult(key: key, tally: last[key].tally, target: plan.target(key, year: plan.lastYear))
    }

    /// How many plan years met their target, of those that had one.
    public func yearsMet(_ key: MetricKey) -> (met: Int, withTarget: Int) {
        let rated = years.map { $0[key] }.filter { $0.status == .met || $0.status == .not_met }
        return (rated.filter { $0.status == .met }.count, rated.count)
    }
}
