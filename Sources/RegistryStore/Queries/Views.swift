import GRDB
import TeacherGrowth

extension Registry {
    public func schoolExists(_ code: String) throws -> Bool {
        try writer.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM schools WHERE code = ?)", arguments: [code])! }
    }

    /// SPEC §9 `compliance`: one row per full-time teacher on D (of `school`, or all), most urgent
    /// first, against the plan in force on D. A school's view reads only its own people.
    public func complianceView(catalog: PlanCatalog, asOf d: CivilDate, school: String? = nil, dueWithin: Int? = nil) throws -> ComplianceView {
        try snapshot { reader in
            try ComplianceReporting.view(source: reader, catalog: catalog, asOf: d, school: school, dueWithin: dueWithin)
        }
    }

    public func complianceView(plan: Plan, asOf d: CivilDate, school: String? = nil, dueWithin: Int? = nil) throws -> ComplianceView {
        try complianceView(catalog: PlanCatalog([plan]), asOf: d, school: school, dueWithin: dueWithin)
    }

    /// SPEC §9 `rotation`: the year's eligible and exchanged teachers, the three rotation ratios
    /// (the report's numbers), per-school figures, flows by area and the planner.
    public func rotationView(catalog: PlanCatalog, year: Int, asOf: CivilDate? = nil, today: CivilDate? = nil, school: String? = nil) throws -> RotationView {
        try snapshot { reader in
            try RotationReporting.view(source: reader, catalog: catalog, year: year, asOf: asOf, today: today, school: school)
        }
    }

    public func rotationView(plan: Plan, year: Int, asOf: CivilDate? = nil, school: String? = nil) throws -> RotationView {
        try rotationView(catalog: PlanCatalog([plan]), year: year, asOf: asOf, school: school)
    }
}
