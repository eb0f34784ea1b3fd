/// Several counties in one registry (issue 15): each school belongs to a county; a county's
/// figures are computed from its schools, its people and its studios only, and the municipal
/// roll-up sums each metric's numerator and denominator over the counties.

/// The counties a source holds, in code order (empty for a one-county registry).
public func counties(in source: some FactSource) throws -> [String] {
    Array(Set(try source.schools().compactMap(\.county))).sorted()
}

/// One county of a registry as a fact source of its own: its schools, its studios, and its people —
/// each person with only the assignments at its schools (a person never assigned there is not in
/// it). For counties that share no people this is exactly the county's data alone.
public struct CountyFacts: FactSource {
    public let base: any FactSource
    public let county: String
    private let codes: Set<String>
    private let allSchools: [School]

    public init(_ base: any FactSource, county: String) throws {
        self.base = base
        self.county = county
        allSchools = try base.schools()
        codes = Set(allSchools.filter { $0.county == county }.map(\.code))
    }

    /// Whether the county has any school.
    public var exists: Bool { !codes.isEmpty }

    public func schools() throws -> [School] { allSchools.filter { codes.contains($0.code) } }
    public func schoolNames() throws -> [String: String] { try base.schoolNames().filter { codes.contains($0.key) } }
    public func studios() throws -> [StudioFacts] { try base.studios().filter { $0.county == county } }
    public func names(of staff: Set<String>) throws -> [String: String] { try base.names(of: staff) }

    public func forEachTeacher(_ query: FactQuery, _ body: (TeacherFacts) throws -> Void) throws {
        if let school = query.school, !codes.contains(school) { return }
        try base.forEachTeacher(query) { t in
            let all = t.timeline.assignments
            guard all.contains(where: { codes.contains($0.schoolCode) }) else { return }
            if all.allSatisfy({ codes.contains($0.schoolCode) }) { return try body(t) }
            // Someone who moved between counties: keep the assignments here, each ending where it
            // ended in the whole timeline.
            var mine = t
            mine.timeline = AssignmentTimeline(all.indices.filter { codes.contains(all[$0].schoolCode) }.map { i in
                var a = all[i]
                a.to = t.timeline.end(of: i)
                return a
            })
            try body(mine)
        }
    }
}

extension GrowthReporting {
    /// The report of one county.
    public static func report(source: some FactSource, county: String, catalog: PlanCatalog, year: Int, asOf: CivilDate? = nil,
                              today: CivilDate? = nil) throws -> GrowthReport {
        var r = try report(source: try CountyFacts(source, county: county), catalog: catalog, year: year, asOf: asOf, today: today)
        r.scope = .county(county)
        return r
    }

    /// The municipal roll-up (市级汇总): for every metric and day, the counties' numerators and
    /// denominators summed (with their breakdowns), compared with `catalog`'s targets — a municipal
    /// plan's when one is given, else none (the figures are reported without status).
    public static func rollup(source: some FactSource, catalog: PlanCatalog?, year: Int, asOf: CivilDate? = nil,
                              today: CivilDate? = nil) throws -> (report: GrowthReport, counties: [String: GrowthReport]) {
        let names = try counties(in: source)
        let base = catalog ?? PlanCatalog.bundled
        var perCounty: [String: GrowthReport] = [:]
        var sums: [CivilDate: DayMetrics] = [:]
        for c in names {
            let scoped = try CountyFacts(source, county: c)
            let r = try report(source: scoped, catalog: base, year: year, asOf: asOf, today: today)
            perCounty[c] = r
            let plan = base.plan(for: year)
            var dates = GrowthReport.dates(plan: plan, year: year, asOf: r.asOf)
            if r.inProgress { dates += [CivilDate.lastDay(of: year), CivilDate.lastDay(of: year - 1)] }
            for (d, day) in try metrics(source: scoped, plan: plan, dates: dates) {
                sums[d] = sums[d].map { $0.adding(day) } ?? day
            }
        }
        var plan = base.plan(for: year)
        if catalog == nil { plan = plan.withoutTargets() }
        let d = try ReportDates.asOf(year: year, asOf: asOf, today: today)
        for day in GrowthReport.dates(plan: plan, year: year, asOf: d) where sums[day] == nil {
            sums[day] = DayMetrics(date: day, tallies: [:])
        }
        var report = GrowthReport(plan: plan, year: year, asOf: d, results: sums)
        if ReportDates.isInProgress(year: year, asOf: d, today: today), let onDate = sums[d], let onDec31 = sums[CivilDate.lastDay(of: year)] {
            report.inProgress = true
            report.projections = Projection.all(plan: plan, year: year, asOf: d, onDate: onDate, onDecember31: onDec31,
                                                peArtsAtYearStart: sums[CivilDate.lastDay(of: year - 1)]?[.pe_arts_teachers] ?? MetricTally())
        }
        report.scope = .municipal(counties: names)
        return (report, perCounty)
    }
}

extension DayMetrics {
    /// Both days' tallies summed, metric by metric.
    public func adding(_ other: DayMetrics) -> DayMetrics {
        var out = tallies
        for (k, t) in other.tallies { out[k] = out[k].map { $0.adding(t) } ?? t }
        return DayMetrics(date: date, tallies: out)
    }
}

extension MetricTally {
    /// Numerators, denominators and every breakdown summed.
    public func adding(_ o: MetricTally) -> MetricTally {
        var t = self
        t.numerator += o.numerator
        t.denominator += o.denominator
        for i in t.byType.indices where i < o.byType.count {
            t.byType[i].numerator += o.byType[i].numerator; t.byType[i].denominator += o.byType[i].denominator
        }
        for i in t.byArea.indices where i < o.byArea.count {
            t.byArea[i].numerator += o.byArea[i].numerator; t.byArea[i].denominator += o.byArea[i].denominator
        }
        if let b = o.byStage {
            var mine = t.byStage ?? [Int](repeating: 0, count: b.count)
            for i in mine.indices where i < b.count { mine[i] += b[i] }
            t.byStage = mine
        }
        return t
    }
}
