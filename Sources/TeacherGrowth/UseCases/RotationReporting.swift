/// The county's rotation review and planner (SPEC §9) for year Y as of D.
public enum RotationReporting {
    public static func view(source: some FactSource, catalog: PlanCatalog, year: Int, asOf: CivilDate? = nil, today: CivilDate? = nil,
                            school: String? = nil) throws -> RotationView {
        let plan = catalog.plan(for: year)
        let d = try ReportDates.asOf(year: year, asOf: asOf, today: today)
        let schools = try source.schools()
        let directory = Dictionary(schools.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        let day = MetricDay(date: d, plan: plan, schools: directory)
        var engine = MetricsEngine(plan: plan, schools: schools, dates: [d])
        let names = try source.schoolNames()
        var figures: [String: RotationView.SchoolFigures] = [:]
        var flows: [RotationView.Flow: Int] = [:]
        var candidates: [RotationPlan.Candidate] = []
        func bump(_ code: String?, _ f: (inout RotationView.SchoolFigures) -> Void) {
            guard let code else { return }
            var s = figures[code] ?? .init(schoolCode: code, schoolName: names[code] ?? code)
            f(&s)
            figures[code] = s
        }
        try source.forEachTeacher(FactQuery(personal: true)) { t in
            engine.add(t)
            if let m = TeacherMetrics.exchangeRate(t, day) {
                bump(m.schoolCode) { $0.eligible += 1; if m.inNumerator { $0.exchanged += 1 } }
            }
            if let m = TeacherMetrics.backboneShareOfExchanged(t, day), m.inNumerator {
                bump(m.schoolCode) { $0.backboneExchanged += 1 }
            }
            for r in TeacherMetrics.rotationsStarted(t, day) {
                flows[.init(from: directory[r.fromSchool]?.area, to: directory[r.toSchool]?.area, rotations: 0), default: 0] += 1
            }
            if let c = RotationPlan.candidate(t, day) { candidates.append(c) }
        }
        let tallies = engine.results(studios: [])[d] ?? DayMetrics(date: d, tallies: [:])
        let keys: [MetricKey] = [.exchange_rate, .backbone_share_of_exchanged, .backbone_exchange_rate]
        let metrics = keys.map { MetricResult(key: $0, tally: tallies[$0], target: plan.target($0, year: year)) }
        let metric = plan.policy.backboneTargetMetric
        let target = plan.target(metric, year: year)
        let k = target.map { RotationPlan.k(metric: metric, tally: tallies[metric], target: $0.value) } ?? nil
        // Ranked county-wide (k is the county's), then narrowed to one school if asked.
        candidates = RotationPlan.ranked(candidates, k: target == nil ? nil : k)
        if let school { candidates = candidates.filter { $0.schoolCode == school } }
        return RotationView(
            year: year, asOf: d, metrics: metrics,
            schools: figures.values.filter { school == nil || $0.schoolCode == school }.sorted { $0.schoolCode < $1.schoolCode },
            flows: flows.map { RotationView.Flow(from: $0.key.from, to: $0.key.to, rotations: $0.value) }
                .sorted { ($0.from?.rawValue ?? "~", $0.to?.rawValue ?? "~") < ($1.from?.rawValue ?? "~", $1.to?.rawValue ?? "~") },
            planMetric: metric, planTarget: target, k: k, candidates: candidates,
            names: try source.names(of: Set(candidates.map(\.staffNo))), schoolNames: names)
    }
}
