/// The county's rotation planner (SPEC §9): how many more backbone exchanges reach the year's target,
/// and which eligible backbone teachers could go.
public enum RotationPlan {
    /// k for `backbone_share_of_exchanged` with s of n and target t; nil when no number of
    /// additions reaches t (t = 1 and s < n).
    public static func kForShare(s: Int, n: Int, t: Fraction) -> Int? {
        let p = t.numerator, q = t.denominator
        if p == 0 { return 0 }
        if n == 0 { return 1 }
        if p >= q { return s == n ? 0 : nil }
        let a = p * n - q * s, b = q - p
        return a <= 0 ? 0 : (a + b - 1) / b
    }

    /// The planner's k for the policy's backbone metric, or nil when no number reaches the target.
    public static func k(metric: MetricKey, tally: MetricTally, target t: Fraction) -> Int? {
        metric == .backbone_share_of_exchanged
            ? kForShare(s: tally.numerator, n: tally.denominator, t: t)
            : kForRate(r: tally.numerator, b: tally.denominator, t: t)
    }

    /// k for `backbone_exchange_rate` with r of B: max(0, ⌈t·B − r⌉).
    public static func kForRate(r: Int, b: Int, t: Fraction) -> Int {
        let a = t.numerator * b - t.denominator * r
        return a <= 0 ? 0 : (a + t.denominator - 1) / t.denominator
    }

    public struct Candidate: Sendable, Hashable {
        public var staffNo: String
        /// The home school on Y-01-01.
        public var schoolCode: String
        /// Where the continuous time at that school started.
        public var since: CivilDate
        /// The largest whole n with D − n years ≥ `since`.
        public var yearsAtSchool: Int
        public var withinK: Bool
        /// Age in whole years on D, when the birth date is known.
        public var age: Int? = nil
    }

    /// A candidate: eligible for `exchange_rate` in Y, a backbone teacher on D, no rotation started in Y,
    /// and (when the plan's policy gives retirement ages) not reaching the statutory retirement age
    /// within the rotation period after D (issue 12).
    public static func candidate(_ t: TeacherFacts, _ day: MetricDay) -> Candidate? {
        guard let school = TeacherMetrics.rotationEligibleSchool(t, day), t.isBackboneTeacher(on: day.date),
              TeacherMetrics.rotationsStarted(t, day).isEmpty,
              let since = t.timeline.startAtSchool(on: day.yearStart) else { return nil }
        if retiresWithinRotation(t, day) { return nil }
        var n = 0
        while day.date.adding(years: -(n + 1)) >= since { n += 1 }
        return Candidate(staffNo: t.staffNo, schoolCode: school, since: since, yearsAtSchool: n, withinK: false,
                         age: t.birthDate.map { $0.age(on: day.date) })
    }

    /// Whether the person reaches the statutory retirement age on or before D + the rotation period.
    public static func retiresWithinRotation(_ t: TeacherFacts, _ day: MetricDay) -> Bool {
        guard let rule = day.policy.retirement, let born = t.birthDate,
              let retires = rule.retirementDate(born: born, gender: t.gender) else { return false }
        return retires <= day.date.adding(years: day.policy.rotationPeriodYears)
    }

    /// Longest continuous time first (earliest start), then staff number; the first k are marked.
    public static func ranked(_ candidates: [Candidate], k: Int?) -> [Candidate] {
        var out = candidates.sorted { a, b in
            a.since != b.since ? a.since < b.since : a.staffNo.utf8.lexicographicallyPrecedes(b.staffNo.utf8)
        }
        for i in out.indices { out[i].withinK = k.map { i < $0 } ?? false }
        return out
    }
}
