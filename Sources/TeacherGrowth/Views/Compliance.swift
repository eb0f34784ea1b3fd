/// One full-time teacher's compliance on D (SPEC §9): hours, county training, certificate fit,
/// registration and designations. Every formula is the report's (SPEC §6) where one exists.
public struct ComplianceRow: Sendable, Hashable {
    public var staffNo: String
    public var schoolCode: String
    public var stage: Stage
    /// Exact cycle hours (SPEC §6 `training_360_rate`).
    public var cycleHours: Hours
    /// The pro-rated requirement on D, rounded up to 0.1 h.
    public var requiredHours: Hours
    public var onTrack: Bool
    /// Still needed by the cycle's end, rounded up to 0.1 h (≥ 0).
    public var hoursNeeded: Hours
    /// hours_needed × 365 ÷ max(365, days left in the cycle after D), rounded up to 0.1 h.
    public var hoursNeededPerYear: Hours
    public var lastCountyTrainingOn: CivilDate?
    public var countyTrainingDueOn: CivilDate
    public var certificateFits: Bool
    /// Whether the teacher must register (establishment `in` at a public school).
    public var mustRegister: Bool
    public var registrationCertificate: String?
    public var registrationDueOn: CivilDate?
    public var registrationOutcome: RegistrationResult?
    public var designations: [Designation]
    /// The pro-rated deficit in tenths (for sorting: furthest behind first).
    public var tenthsBehind: Int

    public func isCountyTrainingOverdue(on d: CivilDate) -> Bool { countyTrainingDueOn < d }
    public func isRegistrationOverdue(on d: CivilDate) -> Bool { registrationDueOn.map { $0 < d } ?? false }

    /// The SPEC §9 urgency order: overdue registration, no fitting certificate, overdue county
    /// training, furthest behind on hours; then staff number.
    public static func urgencyOrder(on d: CivilDate) -> (ComplianceRow, ComplianceRow) -> Bool {
        { a, b in
            func key(_ r: ComplianceRow) -> (Int, Int, Int, Int) {
                (r.isRegistrationOverdue(on: d) ? 0 : 1, r.certificateFits ? 1 : 0, r.isCountyTrainingOverdue(on: d) ? 0 : 1, -r.tenthsBehind)
            }
            let ka = key(a), kb = key(b)
            return ka != kb ? ka < kb : a.staffNo.utf8.lexicographicallyPrecedes(b.staffNo.utf8)
        }
    }
}

public enum ComplianceRules {
    static func ceilDiv(_ a: Int, _ b: Int) -> Int { a <= 0 ? 0 : (a + b - 1) / b }

    /// The compliance row of a full-time teacher on D, or nil when not a full-time teacher on D.
    public static func row(_ t: TeacherFacts, _ day: MetricDay) -> ComplianceRow? {
        let d = day.date
        guard t.isFullTimeTeacher(on: d), let a = t.assignment(on: d) else { return nil }
        let p = day.policy
        let cycle = day.cycle
        let hours = TeacherMetrics.cycleHours(t, day)
        let serviceDays = TeacherMetrics.serviceDays(t, day)
        let requiredTenthsExact = p.requiredHours * 10 * serviceDays  // ÷ cycle.days
        let required = Hours(tenths: ceilDiv(requiredTenthsExact, cycle.days))
        let serviceToEnd = max(t.employment.hiredOn, cycle.start).days(until: cycle.end) + 1
        let neededExact = p.requiredHours * 10 * serviceToEnd - hours.tenths * cycle.days  // ÷ cycle.days
        let daysLeft = d.days(until: cycle.end)
        let needed = Hours(tenths: ceilDiv(neededExact, cycle.days))
        let perYear = Hours(tenths: ceilDiv(max(0, neededExact) * 365, cycle.days * max(365, daysLeft)))

        let last = TeacherMetrics.lastCountyTraining(t, on: d)
        let years = p.countyTrainingYears
        var due = dueDay(after: t.employment.hiredOn, years: years)
        if let last { due = max(due, dueDay(after: last, years: years)) }

        let school = day.schools[a.schoolCode]
        let mustRegister = t.employment.establishment == .in && school?.ownership == .public
        var regCert: String?, regDue: CivilDate?, outcome: RegistrationResult?
        if mustRegister, let choice = registrationCertificate(t, stage: a.stage, on: d) {
            regCert = choice.certificate.number
            let base = choice.lastPassed ?? choice.certificate.issuedOn
            let dueOn = base.adding(years: p.registrationYears).adding(days: -1)
            regDue = dueOn
            if dueOn <= d.adding(days: p.registrationWarningDays) {
                outcome = registrationOutcome(t, certificate: choice.certificate, due: dueOn, on: d, policy: p)
            }
        }
        return ComplianceRow(
            staffNo: t.staffNo, schoolCode: a.schoolCode, stage: a.stage, cycleHours: hours, requiredHours: required,
            onTrack: TeacherMetrics.isOnTrack(t, day), hoursNeeded: needed, hoursNeededPerYear: perYear,
            lastCountyTrainingOn: last, countyTrainingDueOn: due,
            certificateFits: t.certificates.contains { $0.isValid(on: d) && $0.fits(a.stage) },
            mustRegister: mustRegister, registrationCertificate: regCert, registrationDueOn: regDue, registrationOutcome: outcome,
            designations: t.designations.filter { $0.isActive(on: d) },
            tenthsBehind: ceilDiv(requiredTenthsExact - hours.tenths * cycle.days, cycle.days))
    }

    /// The largest D′ with x ≥ D′ − `years` years + 1 day: the last day x still counts.
    public static func dueDay(after x: CivilDate, years: Int) -> CivilDate {
        func windowStart(_ dd: CivilDate) -> CivilDate { dd.adding(years: -years).adding(days: 1) }
        var c = x.adding(years: years).adding(days: -1)
        while windowStart(c) > x { c = c.adding(days: -1) }
        while windowStart(c.adding(days: 1)) <= x { c = c.adding(days: 1) }
        return c
    }

    /// SPEC §9: among fitting certificates valid on D, the one with the latest passed registration
    /// on or before D (none passed: the latest issued; ties: higher level, then smaller number);
    /// when none is valid on D, the same among fitting ones issued by D that were revoked.
    public static func registrationCertificate(_ t: TeacherFacts, stage: Stage, on d: CivilDate)
        -> (certificate: Certificate, lastPassed: CivilDate?)? {
        let fitting = t.certificates.filter { $0.fits(stage) && $0.issuedOn <= d }
        var pool = fitting.filter { $0.isValid(on: d) }
        if pool.isEmpty { pool = fitting.filter { $0.revokedOn != nil } }
        guard !pool.isEmpty else { return nil }
        func lastPassed(_ c: Certificate) -> CivilDate? {
            t.registrations.filter { $0.number == c.number && $0.result == .passed && $0.registeredOn <= d }.map(\.registeredOn).max()
        }
        let scored = pool.map { ($0, lastPassed($0)) }
        let anyPassed = scored.contains { $0.1 != nil }
        let best = scored.filter { !anyPassed || $0.1 != nil }.max { a, b in
            let da = anyPassed ? a.1! : a.0.issuedOn, db = anyPassed ? b.1! : b.0.issuedOn
            if da != db { return da < db }
            if a.0.kind.level != b.0.kind.level { return a.0.kind.level < b.0.kind.level }
            return b.0.number.utf8.lexicographicallyPrecedes(a.0.number.utf8)  // smaller number wins
        }!
        return (best.0, best.1)
    }

    /// The expected outcome under the 2013 registration rules (SPEC §9).
    public static func registrationOutcome(_ t: TeacherFacts, certificate: Certificate, due: CivilDate, on d: CivilDate,
                                           policy: Plan.Policy) -> RegistrationResult {
        let e = max(due, d)
        let periodStart = e.adding(years: -policy.registrationYears).adding(days: 1)
        let years = (e.year - policy.registrationYears + 1)...e.year
        let counted = years.filter { $0 <= d.year }
        if let r = certificate.revokedOn, r <= d { return .failed }
        let failedYears = counted.filter { t.appraisals[$0] == .failed }
        if failedYears.contains(where: { failedYears.contains($0 + 1) }) { return .failed }
        if !failedYears.isEmpty { return .deferred }
        let tenths = t.training.filter { $0.endDate >= periodStart && $0.endDate <= d }.reduce(0) { $0 + $1.hours.tenths }
        if tenths < policy.requiredHours * 10 { return .deferred }
        return .passed
    }
}
