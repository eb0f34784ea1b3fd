/// The plans a registry holds (issue 13): each year is reported against the plan whose period
/// covers it; a year no plan covers borrows the policy of the nearest plan and has no targets.
public struct PlanCatalog: Sendable {
    /// Ordered by period.
    public let plans: [Plan]

    public init(_ plans: [Plan]) {
        precondition(!plans.isEmpty, "a catalog needs a plan")
        self.plans = plans.sorted { $0.firstYear < $1.firstYear }
    }

    /// The plans shipped with the registry: 十四五 (2021–2025) and the 十五五 draft (2026–2030).
    public static let bundled = PlanCatalog([.youyang, .youyangDraft2026])

    /// The bundled plans with `stored` ones taking their place: a stored plan replaces the bundled
    /// plan of the same id and any bundled plan whose period it overlaps.
    /// A stored draft gives way to a stored adopted plan whose period it overlaps.
    public static func merging(bundled: [Plan], stored: [Plan]) -> PlanCatalog {
        let stored = stored.filter { p in !(p.isDraft && stored.contains { !$0.isDraft && $0.id != p.id && $0.overlaps(p) }) }
        var out = stored
        for b in bundled where !stored.contains(where: { $0.id == b.id || $0.overlaps(b) }) { out.append(b) }
        return PlanCatalog(out)
    }

    /// The plan whose period covers `year`.
    public func covering(_ year: Int) -> Plan? { plans.first { $0.years.contains(year) } }

    /// The plan for `year`: the one covering it, else the latest that started before it, else the first.
    public func plan(for year: Int) -> Plan {
        if let p = covering(year) { return p }
        return plans.last { $0.firstYear <= year } ?? plans[0]
    }

    public func plan(id: String) -> Plan? { plans.first { $0.id == id } }

    /// The plan in force on a day (its year's plan).
    public func plan(on d: CivilDate) -> Plan { plan(for: d.year) }

    /// The training cycle containing `d`, by the policy of the plan for d's year.
    public func cycle(containing d: CivilDate) -> TrainingCycle { plan(on: d).policy.cycle(containing: d) }

    /// The plan whose period ended last before `year` (the one a final review is for).
    public func lastClosed(before year: Int) -> Plan? { plans.last { $0.lastYear < year } }
}

extension Plan {
    public func overlaps(_ other: Plan) -> Bool { firstYear <= other.lastYear && other.firstYear <= lastYear }
}
