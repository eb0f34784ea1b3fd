/// Computes every SPEC §6 metric on several days in one pass over the staff: feed it each person
/// once (in any order), then ask for the results. Memory is per school and per studio, never per
/// person, so the store can stream people from the database.
public struct MetricsEngine: Sendable {
    public let plan: Plan
    public let schools: [String: School]
    public let days: [MetricDay]
    private var accumulators: [DayAccumulator]

    /// `dates` are the as-of days; `pe_arts_added` also needs each day minus one year and the day
    /// before the plan period, which are added here.
    public init(plan: Plan, schools: [School], dates: [CivilDate]) {
        self.plan = plan
        let directory = Dictionary(schools.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        self.schools = directory
        var all = Set(dates)
        for d in dates {
            all.insert(d.adding(years: -1))
            all.insert(plan.planStart.adding(days: -1))
        }
        days = all.sorted().map { MetricDay(date: $0, plan: plan, schools: directory) }
        accumulators = days.map { DayAccumulator(day: $0) }
    }

    public mutating func add(_ teacher: TeacherFacts) {
        for i in accumulators.indices { accumulators[i].add(teacher) }
    }

    /// The tallies on each of the dates given to `init`.
    public func results(studios: [StudioFacts]) -> [CivilDate: DayMetrics] {
        var finished: [CivilDate: DayMetrics] = [:]
        for a in accumulators { finished[a.day.date] = a.finish(studios: studios) }
        var out: [CivilDate: DayMetrics] = [:]
        for (date, metrics) in finished {
            var m = metrics
            let peArts = m[.pe_arts_teachers]
            if let yearAgo = finished[date.adding(years: -1)], let beforePlan = finished[plan.planStart.adding(days: -1)] {
                m.tallies[.pe_arts_added] = StudioMetrics.difference(peArts, yearAgo[.pe_arts_teachers])
                m.tallies[.pe_arts_added_since_plan_start] = StudioMetrics.difference(peArts, beforePlan[.pe_arts_teachers])
                out[date] = m
            }
        }
        return out
    }
}

/// The tallies of one day while people are fed in.
struct DayAccumulator: Sendable {
    let day: MetricDay
    var tallies = [MetricTally](repeating: MetricTally(), count: MetricKey.allCases.count)
    /// Full-time PE and arts teachers per home school on D.
    var pePerSchool: [String: Int] = [:]
    var artsPerSchool: [String: Int] = [:]

    init(day: MetricDay) {
        self.day = day
    }

    /// One-entry cache: a person's metrics look up the same home school again and again.
    private var lastCode: String?
    private var lastSchool: School?

    private mutating func school(_ code: String?) -> School? {
        guard let code else { return nil }
        if code == lastCode { return lastSchool }
        lastCode = code
        lastSchool = day.schools[code]
        return lastSchool
    }

    private mutating func ratio(_ key: MetricKey, _ m: Membership?) {
        guard let m else { return }
        let s = school(m.schoolCode)
        tallies[key.index].add(numerator: m.inNumerator ? 1 : 0, denominator: 1, school: s)
    }

    private mutating func count(_ key: MetricKey, _ yes: Bool, school code: String?) {
        guard yes else { return }
        let s = school(code)
        tallies[key.index].add(numerator: 1, denominator: 0, school: s)
    }

    mutating func add(_ t: TeacherFacts) {
        let home = t.assignment(on: day.date)?.schoolCode
        ratio(.certificate_rate, TeacherMetrics.certificateRate(t, day))
        ratio(.training_360_rate, TeacherMetrics.training360Rate(t, day))
        ratio(.county_training_3yr_rate, TeacherMetrics.countyTraining3yrRate(t, day))
        ratio(.primary_associate_rate, TeacherMetrics.primaryAssociateRate(t, day))
        ratio(.junior_bachelor_rate, TeacherMetrics.juniorBachelorRate(t, day))
        count(.private_above_required_new, TeacherMetrics.privateAboveRequiredNew(t, day), school: home)
        if TeacherMetrics.peArtsTeachers(t, day) {
            count(.pe_arts_teachers, true, school: home)
            if let home, let subject = t.assignment(on: day.date)?.subject.map(Text.trimmed) {
                if day.policy.peSubjects.contains(subject) { pePerSchool[home, default: 0] += 1 }
                if day.policy.artsSubjects.contains(subject) { artsPerSchool[home, default: 0] += 1 }
            }
        }
        count(.backbone_total, TeacherMetrics.backboneTotal(t, day), school: home)
        count(.backbone_new, TeacherMetrics.backboneNew(t, day), school: home)
        count(.backbone_new_since_plan_start, TeacherMetrics.backboneNewSincePlanStart(t, day), school: home)
        count(.top_talent_total, TeacherMetrics.topTalentTotal(t, day), school: home)
        if let school = TeacherMetrics.compulsoryBackboneSchool(t, day) {
            tallies[MetricKey.backbone_per_100_students.index].add(numerator: 100, denominator: 0, school: day.schools[school])
        }
        ratio(.exchange_rate, TeacherMetrics.exchangeRate(t, day))
        ratio(.backbone_share_of_exchanged, TeacherMetrics.backboneShareOfExchanged(t, day))
        ratio(.backbone_exchange_rate, TeacherMetrics.backboneExchangeRate(t, day))
        ratio(.dual_qualified_rate, TeacherMetrics.dualQualifiedRate(t, day))
    }

    /// Adds the school- and studio-level metrics.
    func finish(studios: [StudioFacts]) -> DayMetrics {
        var out = Dictionary(uniqueKeysWithValues: MetricKey.allCases.map { ($0, tallies[$0.index]) })
        for school in day.schools.values.sorted(by: { $0.code < $1.code }) where school.isOpen(on: day.date) {
            if let m = StudioMetrics.peArtsStaffingRate(school, pe: pePerSchool[school.code] ?? 0, arts: artsPerSchool[school.code] ?? 0) {
                out[.pe_arts_staffing_rate]!.add(numerator: m ? 1 : 0, denominator: 1, school: school)
            }
            if TeacherMetrics.compulsorySchoolTypes.contains(school.type) {
                out[.backbone_per_100_students]!.add(numerator: 0, denominator: school.students ?? 0, school: school)
            }
        }
        var classHeadByStage = [Int](repeating: 0, count: Stage.allCases.count + 1)
        for s in studios where s.studio.isActive(on: day.date) {
            let school = s.schoolCode.flatMap { day.schools[$0] }
            if StudioMetrics.masterStudios(s) { out[.master_studios]!.add(numerator: 1, denominator: 0, school: school) }
            if let met = StudioMetrics.studioFundingRate(s, year: day.year, policy: day.policy) {
                out[.studio_funding_rate]!.add(numerator: met ? 1 : 0, denominator: 1, school: school)
            }
            if s.studio.kind == .class_head {
                out[.class_head_studios]!.add(numerator: 1, denominator: 0, school: school)
                classHeadByStage[s.studio.stage.map { Stage.allCases.firstIndex(of: $0)! } ?? Stage.allCases.count] += 1
            }
            if s.studio.kind == .skill_master { out[.skill_master_studios]!.add(numerator: 1, denominator: 0, school: school) }
        }
        out[.class_head_studios]!.byStage = classHeadByStage
        return DayMetrics(date: day.date, tallies: out)
    }
}

/// The school- and studio-level metrics of SPEC §6.
public enum StudioMetrics {
    /// `pe_arts_staffing_rate` for one open school: nil when neither quota is above 0; otherwise whether
    /// its home-school full-time PE teachers ≥ pe_quota and arts teachers ≥ arts_quota (an empty or 0 quota is met).
    public static func peArtsStaffingRate(_ s: School, pe: Int, arts: Int) -> Bool? {
        let peQuota = s.peQuota ?? 0, artsQuota = s.artsQuota ?? 0
        guard peQuota > 0 || artsQuota > 0 else { return nil }
        return pe >= peQuota && arts >= artsQuota
    }

    /// `master_studios`: a master_teacher studio of county-or-higher level (active on D is checked by the caller).
    public static func masterStudios(_ s: StudioFacts) -> Bool {
        s.studio.kind == .master_teacher && s.studio.level.isCountyOrHigher
    }

    /// `studio_funding_rate` for one active studio: nil unless master_teacher or master_principal (any
    /// level); otherwise whether its budget for Y lies within the policy's range (no budget = not met).
    public static func studioFundingRate(_ s: StudioFacts, year: Int, policy: Plan.Policy) -> Bool? {
        guard s.studio.kind == .master_teacher || s.studio.kind == .master_principal else { return nil }
        guard let b = s.budgets[year] else { return false }
        return policy.studioBudgetMin <= b && b <= policy.studioBudgetMax
    }

    static func difference(_ a: MetricTally, _ b: MetricTally) -> MetricTally {
        var out = MetricTally()
        out.numerator = a.numerator - b.numerator
        for i in out.byType.indices { out.byType[i].numerator = a.byType[i].numerator - b.byType[i].numerator }
        for i in out.byArea.indices { out.byArea[i].numerator = a.byArea[i].numerator - b.byArea[i].numerator }
        return out
    }
}
