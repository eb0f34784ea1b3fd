import Foundation
import TeacherGrowth

/// A registry, whichever database keeps it: the embedded SQLite file (`Registry`) or a PostgreSQL
/// server (`PostgresRegistry`). The HTTP server and the web application work through this.
///
/// Accounts, sessions, tokens, the audit of reads, the review queue and school look-ups are written
/// once, against `sql` (protocol extensions in this module); the facts' storage and streaming —
/// imports, the use cases' fact reads, edits of single records — are each backend's own.
public protocol RegistryBackend: AnyObject, Sendable {
    /// The database for the shared store code.
    var sql: any SQLStore { get }
    /// Whether the database is still where it was opened (a SQLite file can be removed or replaced
    /// under a running server; a server database is always in place).
    var fileState: Registry.FileState { get }

    /// Changes whenever facts change, so caches know when to recompute.
    func dataVersion() throws -> Int64
    /// The years the registry holds facts for.
    func factYearRange() throws -> ClosedRange<Int>?

    func growthReport(catalog: PlanCatalog, year: Int, asOf: CivilDate?, today: CivilDate?) throws -> GrowthReport
    func growthReport(catalog: PlanCatalog, year: Int, asOf: CivilDate?, today: CivilDate?, county: String) throws -> GrowthReport
    func municipalReport(municipalPlan: PlanCatalog?, year: Int, asOf: CivilDate?, today: CivilDate?) throws -> GrowthReport
    func planReview(_ plan: Plan, today: CivilDate?) throws -> PlanReview
    func complianceView(catalog: PlanCatalog, asOf d: CivilDate, school: String?, dueWithin: Int?) throws -> ComplianceView
    func complianceView(catalog: PlanCatalog, asOf d: CivilDate, county: String, school: String?, dueWithin: Int?) throws -> ComplianceView
    func rotationView(catalog: PlanCatalog, year: Int, asOf: CivilDate?, today: CivilDate?, school: String?) throws -> RotationView
    func rotationView(catalog: PlanCatalog, year: Int, asOf: CivilDate?, today: CivilDate?, county: String) throws -> RotationView

    /// A stored national identity number in clear (it is stored sealed; the key is outside the
    /// database). Callers audit the read.
    func openNationalID(_ stored: String) throws -> String
    /// The key file (outside the database) and its keyring; made when missing and no number is sealed yet.
    var identityKeyFile: String? { get }
    func currentIdentityKeyring() throws -> IdentityKeyring
    /// After `key rotate` wrote a new keyring to the key file.
    func identityKeyringReplaced(_ keyring: IdentityKeyring)
    /// Validates and imports files, all or nothing.
    func importFiles(_ sources: [ImportSource], options: ImportOptions) throws -> ImportOutcome
    /// Logs one training record (pending review when the fields say so).
    func addTraining(_ fields: [String: String], actor: String, command: String) throws -> TrainingAddResult
    /// Checks a training record's fields without writing.
    func validateTraining(_ fields: [String: String]) throws
}

extension Registry: RegistryBackend {
    public var sql: any SQLStore { GRDBStore(writer: writer) }

    public func openNationalID(_ stored: String) throws -> String {
        guard IdentityKeyring.isSealed(stored) else { return stored }
        // Reentrant: an export opens numbers while it reads the teachers.
        return try writer.unsafeReentrantRead { db in try identityKey.open(stored, db) }
    }

    public func currentIdentityKeyring() throws -> IdentityKeyring {
        try writer.read { db in try identityKey.keyring(db) }
    }

    public func identityKeyringReplaced(_ keyring: IdentityKeyring) { identityKey.replace(keyring) }
}

extension RegistryBackend {
    /// Rows per table: the facts, voids, batches and the change log.
    public func rowCounts() throws -> [String: Int] {
        try sql.read { db in
            var out: [String: Int] = [:]
            for t in ImportKind.all.map(\.table) + ["training_voids", "change_batches", "change_log"] {
                out[t] = Int(try db.int("SELECT COUNT(*) FROM \(t)") ?? 0)
            }
            return out
        }
    }
}

/// The use cases with their usual defaults, for callers holding `any RegistryBackend`.
extension RegistryBackend {
    public func importFiles(_ sources: [ImportSource]) throws -> ImportOutcome {
        try importFiles(sources, options: ImportOptions())
    }

    public func growthReport(plan: Plan, year: Int, asOf: CivilDate? = nil, today: CivilDate? = nil) throws -> GrowthReport {
        try growthReport(catalog: PlanCatalog([plan]), year: year, asOf: asOf, today: today)
    }

    public func growthReport(catalog: PlanCatalog, year: Int, today: CivilDate) throws -> GrowthReport {
        try growthReport(catalog: catalog, year: year, asOf: nil, today: today)
    }

    public func growthReport(catalog: PlanCatalog, year: Int, today: CivilDate, county: String) throws -> GrowthReport {
        try growthReport(catalog: catalog, year: year, asOf: nil, today: today, county: county)
    }

    public func complianceView(catalog: PlanCatalog, asOf d: CivilDate, school: String? = nil) throws -> ComplianceView {
        try complianceView(catalog: catalog, asOf: d, school: school, dueWithin: nil)
    }

    public func complianceView(plan: Plan, asOf d: CivilDate, school: String? = nil, dueWithin: Int? = nil) throws -> ComplianceView {
        try complianceView(catalog: PlanCatalog([plan]), asOf: d, school: school, dueWithin: dueWithin)
    }

    public func rotationView(plan: Plan, year: Int, asOf: CivilDate? = nil, school: String? = nil) throws -> RotationView {
        try rotationView(catalog: PlanCatalog([plan]), year: year, asOf: asOf, today: nil, school: school)
    }
}
