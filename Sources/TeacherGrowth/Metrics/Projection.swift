/// Where a metric of the year in progress is heading by Dec 31 (issue 13).
///
/// Two ways, each stated beside the number:
/// - **recorded** — the metric computed for Dec 31 from the facts already recorded: trainings that
///   end later in the year count when they end, designations and certificates lapse on their dates,
///   staff who leave on a set date are gone. Nothing is assumed that is not recorded.
/// - **pace** — for counts of new awards, hires and rotations (`backbone_new`, `pe_arts_added`,
///   `private_above_required_new`, and the rotations behind `exchange_rate` and
///   `backbone_exchange_rate`): the recorded Dec 31 figure plus as many more as the year so far
///   brought per day, for the days still to come: n_so_far × days_left ÷ days_elapsed, rounded.
///   A ratio's numerator never exceeds its denominator.
public struct Projection: Sendable {
    public enum Method: String, Sendable { case recorded, pace }

    public let key: MetricKey
    public let tally: MetricTally
    public let method: Method
    public let result: MetricResult

    public var value: Double? { result.value }
    public var status: MetricStatus { result.status }

    /// The metrics projected by pace, with the metric that counts the year's part of each.
    static let paced: [MetricKey: MetricKey] = [
        .backbone_new: .backbone_new, .backbone_new_since_plan_start: .backbone_new,
        .pe_arts_added: .pe_arts_added, .pe_arts_added_since_plan_start: .pe_arts_added,
        .private_above_required_new: .private_above_required_new,
        .exchange_rate: .exchange_rate, .backbone_exchange_rate: .backbone_exchange_rate,
    ]

    /// Projections of every metric for year Y from its tallies on D and on Y-12-31, and (for
    /// `pe_arts_added`, a change over the year) the PE and arts teachers on the Dec 31 before Y.
    public static func all(plan: Plan, year: Int, asOf d: CivilDate, onDate: DayMetrics, onDecember31: DayMetrics,
                           peArtsAtYearStart: MetricTally) -> [MetricKey: Projection] {
        let end = CivilDate.lastDay(of: year)
        let elapsed = CivilDate.firstDay(of: year).days(until: d) + 1
        let left = d.days(until: end)
        func more(_ soFar: Int) -> Int {
            guard elapsed > 0, left > 0 else { return 0 }
            return Int((Double(soFar) * Double(left) / Double(elapsed)).rounded())
        }
        var out: [MetricKey: Projection] = [:]
        for key in MetricKey.allCases {
            var tally = onDecember31[key]
            var method = Method.recorded
            if let part = paced[key] {
                method = .pace
                let soFar: Int
                switch part {
                case .pe_arts_added:
                    soFar = onDate[.pe_arts_teachers].numerator - peArtsAtYearStart.numerator
                default:
                    soFar = onDate[part].numerator
                }
                tally.numerator += more(soFar)
                if key.kind == .ratio { tally.numerator = min(tally.numerator, tally.denominator) }
            }
            out[key] = Projection(key: key, tally: tally, method: method,
                                  result: MetricResult(key: key, tally: tally, target: plan.target(key, year: year)))
        }
        return out
    }
}
