import GRDB
import TeacherGrowth

extension Registry {
    /// SPEC §9 `compliance`: one row per full-time teacher on D (of `school`, or all), most urgent
    /// first, against the plan in force on D. A school's view reads only its own people.
    public func complianceView(catalog: PlanCatalog, asOf d: CivilDate, school: String? = nil, dueWithin: Int? = nil) throws -> ComplianceView {
        try snapshot { reader in
            try ComplianceReporting.view(source: reader, catalog: catalog, asOf: d, school: school, dueWithin: dueWithin)
        }
    }


    /// SPEC §9 `rotation`: the year's eligible and exchanged teachers, the three rotation ratios
    /// (the report's numbers), per-school figures, flows by area and the planner.
    public func rotationView(catalog: PlanCatalog, year: Int, asOf: CivilDate? = nil, today: CivilDate? = nil, school: String? = nil) throws -> RotationView {
        try snapshot { reader in
            try RotationReporting.view(source: reader, catalog: catalog, year: year, asOf: asOf, today: today, school: school)
        }
    }

}

extension Registry {
    /// One county's report (issue 15).
    public func growthReport(catalog: PlanCatalog, year: Int, asOf: CivilDate? = nil, today: CivilDate? = nil, county: String) throws -> GrowthReport {
        var report = try snapshot { reader in
            try GrowthReporting.report(source: reader, county: county, catalog: catalog, year: year, asOf: asOf, today: today)
        }
        report.isDemoData = try demoDescription() != nil
        return report
    }

    /// The municipal roll-up: every county's numerators and denominators summed; targets from
    /// `municipalPlan` when given.
    public func municipalReport(municipalPlan: PlanCatalog?, year: Int, asOf: CivilDate? = nil, today: CivilDate? = nil) throws -> GrowthReport {
        var report = try snapshot { reader in
            try GrowthReporting.rollup(source: reader, catalog: municipalPlan, year: year, asOf: asOf, today: today).report
        }
        report.isDemoData = try demoDescription() != nil
        return report
    }

    /// One county's compliance view (a school of it, or all its schools).
    public func complianceView(catalog: PlanCatalog, asOf d: CivilDate, county: String, school: String? = nil, dueWithin: Int? = nil) throws -> ComplianceView {
        try snapshot { reader in
            try ComplianceReporting.view(source: try CountyFacts(reader, county: county), catalog: catalog, asOf: d, school: school, dueWithin: dueWithin)
        }
    }

    /// One county's rotation review.
    public func rotationView(catalog: PlanCatalog, year: Int, asOf: CivilDate? = nil, today: CivilDate? = nil, county: String) throws -> RotationView {
        try snapshot { reader in
            try RotationReporting.view(source: try CountyFacts(reader, county: county), catalog: catalog, year: year, asOf: asOf, today: today)
        }
    }
}
