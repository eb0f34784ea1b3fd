/// The principal's compliance view (SPEC §9), of one school or all, on one day.
public enum ComplianceReporting {
    public static func view(source: some FactSource, catalog: PlanCatalog, asOf d: CivilDate, school: String? = nil,
                            dueWithin: Int? = nil) throws -> ComplianceView {
        let plan = catalog.plan(on: d)
        let schools = try source.schools()
        let day = MetricDay(date: d, plan: plan, schools: Dictionary(schools.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a }))
        var rows: [ComplianceRow] = []
        try source.forEachTeacher(FactQuery(registrations: true, school: school)) { t in
            guard let row = ComplianceRules.row(t, day), school.map({ $0 == row.schoolCode }) ?? true else { return }
            if let window = dueWithin, !row.isDue(within: window, on: d) { return }
            rows.append(row)
        }
        rows.sort(by: ComplianceRow.urgencyOrder(on: d))
        let names = try source.names(of: Set(rows.map(\.staffNo)))
        let schoolName = try source.schoolNames()
        var summaries: [String: ComplianceView.SchoolSummary] = [:]
        for r in rows {
            var s = summaries[r.schoolCode] ?? .init(schoolCode: r.schoolCode, schoolName: schoolName[r.schoolCode] ?? r.schoolCode)
            s.count(r, on: d)
            summaries[r.schoolCode] = s
        }
        return ComplianceView(asOf: d, cycle: plan.policy.cycle(containing: d), rows: rows, names: names,
                              schools: summaries.values.sorted { $0.schoolCode < $1.schoolCode }, dueWithin: dueWithin)
    }

    /// Each school's summary on one day (the county's school list), in one pass over everyone.
    public static func summaries(source: some FactSource, catalog: PlanCatalog, asOf d: CivilDate) throws -> [ComplianceView.SchoolSummary] {
        try view(source: source, catalog: catalog, asOf: d).schools
    }
}

extension ComplianceRow {
    /// `--due-within DAYS`: a registration or county training overdue or due by D + DAYS, or a
    /// designation expiring in [D, D + DAYS].
    public func isDue(within days: Int, on d: CivilDate) -> Bool {
        let last = d.adding(days: days)
        let registration = registrationDueOn.map { $0 <= last } ?? false
        let county = countyTrainingDueOn <= last
        let expiry = designations.contains { g in g.expiresOn.map { $0 >= d && $0 <= last } ?? false }
        return registration || county || expiry
    }
}

extension ComplianceView.SchoolSummary {
    mutating func count(_ r: ComplianceRow, on d: CivilDate) {
        teachers += 1
        if r.onTrack { onTrack += 1 }
        if r.isCountyTrainingOverdue(on: d) { countyTrainingOverdue += 1 }
        if !r.certificateFits { withoutFittingCertificate += 1 }
        if r.isRegistrationOverdue(on: d) { registrationOverdue += 1 } else if r.registrationOutcome != nil { registrationDueSoon += 1 }
    }
}
