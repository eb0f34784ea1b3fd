/// A numerator and denominator (a count has only a numerator), with the same split by school type
/// and by area for the breakdowns.
public struct MetricTally: Sendable, Hashable {
    public var numerator = 0
    public var denominator = 0
    /// Indexed by `SchoolType` order; the last slot is "unspecified".
    public var byType = [Pair](repeating: Pair(), count: SchoolType.allCases.count + 1)
    /// Indexed by `Area` order; the last slot is "unspecified".
    public var byArea = [Pair](repeating: Pair(), count: Area.allCases.count + 1)
    /// Only for `class_head_studios`: count by studio stage (last slot "unspecified").
    public var byStage: [Int]? = nil

    public struct Pair: Sendable, Hashable {
        public var numerator = 0
        public var denominator = 0
    }

    public init() {}

    // `allCases` builds a new array on every use; these are built once.
    static let types = SchoolType.allCases
    static let areas = Area.allCases

    mutating func add(numerator n: Int, denominator d: Int, school: School?) {
        numerator += n
        denominator += d
        let ti = school.map { MetricTally.types.firstIndex(of: $0.type)! } ?? MetricTally.types.count
        let ai = school.map { MetricTally.areas.firstIndex(of: $0.area)! } ?? MetricTally.areas.count
        byType[ti].numerator += n
        byType[ti].denominator += d
        byArea[ai].numerator += n
        byArea[ai].denominator += d
    }

    /// Breakdown rows: (code or nil for unspecified, pair), skipping empty groups.
    public var typeRows: [(SchoolType?, Pair)] {
        byType.enumerated().compactMap { i, p in
            p.denominator == 0 && p.numerator == 0 ? nil : (i < SchoolType.allCases.count ? SchoolType.allCases[i] : nil, p)
        }
    }

    public var areaRows: [(Area?, Pair)] {
        byArea.enumerated().compactMap { i, p in
            p.denominator == 0 && p.numerator == 0 ? nil : (i < Area.allCases.count ? Area.allCases[i] : nil, p)
        }
    }
}

/// All metric tallies on one day.
public struct DayMetrics: Sendable {
    public let date: CivilDate
    public var tallies: [MetricKey: MetricTally]
    public subscript(_ key: MetricKey) -> MetricTally { tallies[key] ?? MetricTally() }
}
