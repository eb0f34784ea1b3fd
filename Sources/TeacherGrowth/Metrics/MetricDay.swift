/// Everything a metric needs to know about the day it is computed for (SPEC §6): the as-of date D,
/// the year Y it lies in ("in Y" = Y-01-01 … D), the policy and the schools.
public struct MetricDay: Sendable {
    public let date: CivilDate
    public let year: Int
    public let yearStart: CivilDate
    public let cycle: TrainingCycle
    /// D − 3 years + 1 day: the first day of the county-training window.
    public let countyWindowStart: CivilDate
    /// Y-01-01 minus `eligible_years_at_school` years: continuous time at the school must start by then.
    public let eligibilityCutoff: CivilDate
    public let planStart: CivilDate
    public let policy: Plan.Policy
    public let schools: [String: School]

    public init(date: CivilDate, plan: Plan, schools: [String: School]) {
        self.date = date
        year = date.year
        yearStart = CivilDate.firstDay(of: date.year)
        policy = plan.policy
        cycle = plan.policy.cycle(containing: date)
        countyWindowStart = date.adding(years: -plan.policy.countyTrainingYears).adding(days: 1)
        eligibilityCutoff = yearStart.adding(years: -plan.policy.eligibleYearsAtSchool)
        planStart = plan.planStart
        self.schools = schools
    }

    /// "In Y": from Y-01-01 to D.
    public func isInYear(_ day: CivilDate) -> Bool { yearStart <= day && day <= date }

    func isPEOrArts(_ subject: String?) -> Bool {
        guard let subject else { return false }
        // Imports store trimmed cells; trim only what came in another way.
        if policy.peSubjects.contains(subject) || policy.artsSubjects.contains(subject) { return true }
        guard Text.mayNeedTrimming(subject) else { return false }
        let t = Text.trimmed(subject)
        return policy.peSubjects.contains(t) || policy.artsSubjects.contains(t)
    }
}

/// Where a counted person or school belongs in the breakdowns: a school, or none (unspecified).
public struct Membership: Sendable, Hashable {
    public var inNumerator: Bool
    /// The school whose type and area the breakdowns use.
    public var schoolCode: String?
    public init(_ inNumerator: Bool, school: String?) { self.inNumerator = inNumerator; self.schoolCode = school }
}
