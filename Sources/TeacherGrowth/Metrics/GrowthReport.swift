/// SPEC §6 statuses, in the order they are decided: no_data (a ratio with denominator 0) before
/// no_target.
public enum MetricStatus: String, Sendable, Codable {
    case met, not_met, no_target, no_data
}

/// One metric of one year, compared with its target.
public struct MetricResult: Sendable {
    public let key: MetricKey
    public let tally: MetricTally
    public let target: Plan.Target?
    public let status: MetricStatus
    /// For a `not_met` metric: how many more people, schools or studios reach the target (nil when
    /// no number of additions can, as for a share target of 100% that is not met).
    public let gap: Int?

    public var kind: MetricKey.Kind { key.kind }
    public var numerator: Int { tally.numerator }
    public var denominator: Int? { kind == .ratio ? tally.denominator : nil }

    /// numerator ÷ denominator for a ratio (nil for no data); the count itself for a count.
    public var value: Double? {
        switch kind {
        case .count: return Double(tally.numerator)
        case .ratio: return tally.denominator == 0 ? nil : Double(tally.numerator) / Double(tally.denominator)
        }
    }

    public init(key: MetricKey, tally: MetricTally, target: Plan.Target?) {
        self.key = key
        self.tally = tally
        self.target = target
        let n = tally.numerator, d = tally.denominator
        if key.kind == .ratio && d == 0 {
            status = .no_data
        } else if let t = target?.value {
            let met = key.kind == .ratio ? t.isMet(numerator: n, denominator: d) : t.isMet(numerator: n, denominator: 1)
            status = met ? .met : .not_met
        } else {
            status = .no_target
        }
        gap = status == .not_met ? MetricResult.gap(key, n: n, d: d, t: target!.value) : nil
    }

    static func ceilDiv(_ a: Int, _ b: Int) -> Int { a <= 0 ? 0 : (a + b - 1) / b }

    /// The additions that reach target t = p/q.
    static func gap(_ key: MetricKey, n: Int, d: Int, t: Fraction) -> Int? {
        let p = t.numerator, q = t.denominator
        switch key {
        case .backbone_share_of_exchanged:
            // Each backbone exchange adds to numerator and denominator: the planner's k (SPEC §9).
            return RotationPlan.kForShare(s: n, n: d, t: t)
        case .backbone_per_100_students:
            // The numerator is 100 × backbone teachers: one more teacher adds 100.
            return ceilDiv(p * d - q * n, 100 * q)
        default:
            return key.kind == .ratio ? ceilDiv(p * d - q * n, q) : ceilDiv(p - q * n, q)
        }
    }
}

/// The metrics of one year as of one day.
public struct YearMetrics: Sendable {
    public let year: Int
    public let asOf: CivilDate
    public let cycle: TrainingCycle
    public let metrics: [MetricResult]

    public subscript(_ key: MetricKey) -> MetricResult { metrics.first { $0.key == key }! }
}

/// Whose figures a report holds (issue 15).
public enum ReportScope: Sendable, Equatable {
    /// Everything the registry holds (a one-county registry).
    case registry
    /// One county of several.
    case county(String)
    /// The counties' figures summed.
    case municipal(counties: [String])

    /// `（县：酉阳县）`-style label for titles; nil for the whole registry.
    public func label(_ language: Language) -> String? {
        switch self {
        case .registry: return nil
        case .county(let c): return language == .zh ? "区县：\(c)" : "county: \(c)"
        case .municipal(let cs): return language == .zh ? "市级汇总（\(cs.count) 个区县：\(cs.joined(separator: "、"))）"
                                                         : "municipal roll-up (\(cs.count) counties: \(cs.joined(separator: ", ")))"
        }
    }
}

/// The annual teacher-growth targets report (SPEC §6): the year, and the trend over earlier plan years.
public struct GrowthReport: Sendable {
    public let plan: Plan
    public let current: YearMetrics
    /// Earlier plan years, each as of its Dec 31, oldest first.
    public let history: [YearMetrics]

    /// True when the data is the synthetic demo county; every rendering says so.
    public var isDemoData = false
    /// Whose figures these are: the registry's, one county's, or the municipal roll-up.
    public var scope: ReportScope = .registry
    /// The year is not over: the report is as of a day before Dec 31 of the current year.
    public var inProgress = false
    /// For a year in progress: each metric projected to Dec 31 (issue 13).
    public var projections: [MetricKey: Projection] = [:]

    public var year: Int { current.year }
    public var asOf: CivilDate { current.asOf }

    /// The as-of day for year Y: Y-12-31, or `asOf`, which must lie in Y.
    public static func asOfDate(year: Int, asOf: CivilDate?) throws -> CivilDate {
        try ReportDates.asOf(year: year, asOf: asOf, today: nil)
    }

    /// The trend years: every earlier plan year; for a year after the plan, every plan year; before it, none.
    public static func historyYears(plan: Plan, year: Int) -> [Int] {
        guard year > plan.firstYear else { return [] }
        return Array(plan.firstYear...min(year - 1, plan.lastYear))
    }

    /// Every day the report needs metrics for.
    public static func dates(plan: Plan, year: Int, asOf: CivilDate) -> [CivilDate] {
        [asOf] + historyYears(plan: plan, year: year).map(CivilDate.lastDay(of:))
    }

    public init(plan: Plan, year: Int, asOf: CivilDate, results: [CivilDate: DayMetrics]) {
        self.plan = plan
        func metrics(_ y: Int, _ d: CivilDate) -> YearMetrics {
            let day = results[d]!
            return YearMetrics(year: y, asOf: d, cycle: plan.policy.cycle(containing: d),
                               metrics: MetricKey.allCases.map { MetricResult(key: $0, tally: day[$0], target: plan.target($0, year: y)) })
        }
        current = metrics(year, asOf)
        history = GrowthReport.historyYears(plan: plan, year: year).map { metrics($0, CivilDate.lastDay(of: $0)) }
    }
}
