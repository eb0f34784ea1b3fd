import GRDB
import TeacherGrowth

extension Registry {
    private func schoolNames(_ db: Database) throws -> [String: String] {
        var out: [String: String] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT code, name FROM schools") { out[r[0]] = r[1] }
        return out
    }

    public func schoolExists(_ code: String) throws -> Bool {
        try writer.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM schools WHERE code = ?)", arguments: [code])! }
    }

    /// SPEC §9 `compliance`: one row per full-time teacher on D (of `school`, or all), most urgent first.
    public func complianceView(plan: Plan, asOf d: CivilDate, school: String? = nil, dueWithin: Int? = nil) throws -> ComplianceView {
        try snapshot { reader in
            let schools = try reader.schools()
            let day = MetricDay(date: d, plan: plan, schools: Dictionary(schools.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a }))
            var rows: [ComplianceRow] = []
            try reader.forEachTeacher(registrations: true) { t in
                guard let row = ComplianceRules.row(t, day), school.map({ $0 == row.schoolCode }) ?? true else { return }
                if let window = dueWithin {
                    let last = d.adding(days: window)
                    let registration = row.registrationDueOn.map { $0 <= last } ?? false
                    let county = row.countyTrainingDueOn <= last
                    let expiry = row.designations.contains { g in g.expiresOn.map { $0 >= d && $0 <= last } ?? false }
                    guard registration || county || expiry else { return }
                }
                rows.append(row)
            }
            rows.sort(by: ComplianceRow.urgencyOrder(on: d))
            let listed = Set(rows.map(\.staffNo))
            var names: [String: String] = [:]
            for r in try Row.fetchAll(reader.db, sql: "SELECT staff_no, name FROM teachers") where listed.contains(r[0] as String) {
                names[r[0]] = r[1]
            }
            let schoolName = try self.schoolNames(reader.db)
            var summaries: [String: ComplianceView.SchoolSummary] = [:]
            for r in rows {
                var s = summaries[r.schoolCode] ?? .init(schoolCode: r.schoolCode, schoolName: schoolName[r.schoolCode] ?? r.schoolCode)
                s.teachers += 1
                if r.onTrack { s.onTrack += 1 }
                if r.isCountyTrainingOverdue(on: d) { s.countyTrainingOverdue += 1 }
                if !r.certificateFits { s.withoutFittingCertificate += 1 }
                if r.isRegistrationOverdue(on: d) { s.registrationOverdue += 1 } else if r.registrationOutcome != nil { s.registrationDueSoon += 1 }
                summaries[r.schoolCode] = s
            }
            return ComplianceView(asOf: d, cycle: plan.policy.cycle(containing: d), rows: rows, names: names,
                                  schools: summaries.values.sorted { $0.schoolCode < $1.schoolCode }, dueWithin: dueWithin)
        }
    }

    /// SPEC §9 `rotation`: the year's eligible and exchanged teachers, the three rotation ratios
    /// (the report's numbers), per-school figures, flows by area and the planner.
    public func rotationView(plan: Plan, year: Int, asOf: CivilDate? = nil, school: String? = nil) throws -> RotationView {
        let d = try GrowthReport.asOfDate(year: year, asOf: asOf)
        return try snapshot { reader in
            let schools = try reader.schools()
            let directory = Dictionary(schools.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
            let day = MetricDay(date: d, plan: plan, schools: directory)
            var engine = MetricsEngine(plan: plan, schools: schools, dates: [d])
            let names = try self.schoolNames(reader.db)
            var figures: [String: RotationView.SchoolFigures] = [:]
            var flows: [RotationView.Flow: Int] = [:]
            var candidates: [RotationPlan.Candidate] = []
            func bump(_ code: String?, _ f: (inout RotationView.SchoolFigures) -> Void) {
                guard let code else { return }
                var s = figures[code] ?? .init(schoolCode: code, schoolName: names[code] ?? code)
                f(&s)
                figures[code] = s
            }
            try reader.forEachTeacher { t in
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
            let tallies = engine.results(studios: [])[d]!
            let keys: [MetricKey] = [.exchange_rate, .backbone_share_of_exchanged, .backbone_exchange_rate]
            let metrics = keys.map { MetricResult(key: $0, tally: tallies[$0], target: plan.target($0, year: year)) }
            let metric = plan.policy.backboneTargetMetric
            let target = plan.target(metric, year: year)
            var k: Int? = 0
            if let t = target?.value {
                let tally = tallies[metric]
                k = metric == .backbone_share_of_exchanged
                    ? RotationPlan.kForShare(s: tally.numerator, n: tally.denominator, t: t)
                    : RotationPlan.kForRate(r: tally.numerator, b: tally.denominator, t: t)
            }
            // Ranked county-wide (k is the county's), then narrowed to one school if asked.
            candidates = RotationPlan.ranked(candidates, k: target == nil ? nil : k)
            if let school { candidates = candidates.filter { $0.schoolCode == school } }
            return RotationView(
                year: year, asOf: d, metrics: metrics,
                schools: figures.values.filter { school == nil || $0.schoolCode == school }.sorted { $0.schoolCode < $1.schoolCode },
                flows: flows.map { RotationView.Flow(from: $0.key.from, to: $0.key.to, rotations: $0.value) }
                    .sorted { ($0.from?.rawValue ?? "~", $0.to?.rawValue ?? "~") < ($1.from?.rawValue ?? "~", $1.to?.rawValue ?? "~") },
                planMetric: metric, planTarget: target, k: target == nil ? nil : k,
                candidates: candidates)
        }
    }
}
