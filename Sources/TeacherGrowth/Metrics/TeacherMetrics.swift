/// The per-person parts of the SPEC §6 metrics, one function per metric key. A ratio function
/// returns nil when the person is not in the denominator, else whether they are in the numerator
/// and the school the breakdowns file them under. A count function returns whether the person counts.
public enum TeacherMetrics {
    /// `certificate_rate`: full-time teachers on D holding on D a valid certificate that fits their stage.
    public static func certificateRate(_ t: TeacherFacts, _ day: MetricDay) -> Membership? {
        guard t.isFullTimeTeacher(on: day.date), let a = t.assignment(on: day.date) else { return nil }
        return Membership(t.certificates.contains { $0.isValid(on: day.date) && $0.fits(a.stage) }, school: a.schoolCode)
    }

    /// The cycle hours of SPEC §6: approved training whose end date lies in [cycle start, D], induction
    /// excluded unless the policy counts it.
    public static func cycleHours(_ t: TeacherFacts, _ day: MetricDay) -> Hours {
        var tenths = 0
        for r in t.training where r.endDate >= day.cycle.start && r.endDate <= day.date {
            if r.isInduction && !day.policy.inductionCounts { continue }
            tenths += r.hours.tenths
        }
        return Hours(tenths: tenths)
    }

    /// service_days = D − max(hired_on, cycle start) + 1.
    public static func serviceDays(_ t: TeacherFacts, _ day: MetricDay) -> Int {
        max(t.employment.hiredOn, day.cycle.start).days(until: day.date) + 1
    }

    /// hours_tenths × cycle_days ≥ required_hours × 10 × service_days (exact integers).
    public static func isOnTrack(_ t: TeacherFacts, _ day: MetricDay) -> Bool {
        cycleHours(t, day).tenths * day.cycle.days >= day.policy.requiredHours * 10 * serviceDays(t, day)
    }

    /// `training_360_rate`: full-time teachers on D whose cycle hours meet the pro-rated requirement.
    public static func training360Rate(_ t: TeacherFacts, _ day: MetricDay) -> Membership? {
        guard t.isFullTimeTeacher(on: day.date), let a = t.assignment(on: day.date) else { return nil }
        return Membership(isOnTrack(t, day), school: a.schoolCode)
    }

    /// The latest end date ≤ D of an approved training of any kind of county-or-higher level.
    public static func lastCountyTraining(_ t: TeacherFacts, on d: CivilDate) -> CivilDate? {
        var latest: CivilDate?
        for r in t.training where r.isCountyOrHigher && r.endDate <= d && (latest.map { r.endDate > $0 } ?? true) { latest = r.endDate }
        return latest
    }

    /// `county_training_3yr_rate`: an approved county-or-higher training (induction included) ending in
    /// [D − 3 years + 1 day, D], or hired in that window.
    public static func countyTraining3yrRate(_ t: TeacherFacts, _ day: MetricDay) -> Membership? {
        guard t.isFullTimeTeacher(on: day.date), let a = t.assignment(on: day.date) else { return nil }
        let hiredInWindow = t.employment.hiredOn >= day.countyWindowStart && t.employment.hiredOn <= day.date
        let trained = lastCountyTraining(t, on: day.date).map { $0 >= day.countyWindowStart } ?? false
        return Membership(hiredInWindow || trained, school: a.schoolCode)
    }

    private static func educationRate(_ t: TeacherFacts, _ day: MetricDay, stage: Stage, atLeast: Education) -> Membership? {
        guard t.isFullTimeTeacher(on: day.date), let a = t.assignment(on: day.date), a.stage == stage else { return nil }
        return Membership(t.highestEducation(on: day.date).map { $0 >= atLeast } ?? false, school: a.schoolCode)
    }

    /// `primary_associate_rate`: stage primary, highest education on D associate or higher.
    public static func primaryAssociateRate(_ t: TeacherFacts, _ day: MetricDay) -> Membership? {
        educationRate(t, day, stage: .primary, atLeast: .associate)
    }

    /// `junior_bachelor_rate`: stage junior, highest education on D bachelor or higher.
    public static func juniorBachelorRate(_ t: TeacherFacts, _ day: MetricDay) -> Membership? {
        educationRate(t, day, stage: .junior, atLeast: .bachelor)
    }

    /// `private_above_required_new`: at a private school on D, continuous time at private schools
    /// started in Y, highest education on D above the prescribed level of the stage on D.
    public static func privateAboveRequiredNew(_ t: TeacherFacts, _ day: MetricDay) -> Bool {
        guard t.isFullTimeTeacher(on: day.date), let a = t.assignment(on: day.date),
              day.schools[a.schoolCode]?.ownership == .private else { return false }
        let isPrivate: (Assignment) -> Bool = { day.schools[$0.schoolCode]?.ownership == .private }
        guard let start = t.timeline.runStart(containing: day.date, where: isPrivate), day.isInYear(start) else { return false }
        return a.stage.isAbovePrescribed(t.highestEducation(on: day.date))
    }

    /// `pe_arts_teachers`: full-time teachers on D whose subject on D is one of the policy's PE or arts subjects.
    public static func peArtsTeachers(_ t: TeacherFacts, _ day: MetricDay) -> Bool {
        t.isFullTimeTeacher(on: day.date) && day.isPEOrArts(t.assignment(on: day.date)?.subject)
    }

    /// `backbone_total`: backbone teachers on D.
    public static func backboneTotal(_ t: TeacherFacts, _ day: MetricDay) -> Bool { t.isBackboneTeacher(on: day.date) }

    /// The award dates on which the person became a backbone teacher (SPEC §6 `backbone_new`): active
    /// on the day, a county-or-higher backbone-ladder designation awarded that day and not revoked on
    /// or before D, and not a backbone teacher the day before.
    public static func backboneAwardDates(_ t: TeacherFacts, from first: CivilDate, through d: CivilDate) -> [CivilDate] {
        t.designations.compactMap { g in
            guard g.isCountyBackbone, g.awardedOn >= first, g.awardedOn <= d,
                  g.revokedOn.map({ $0 > d }) ?? true, t.isActive(on: g.awardedOn),
                  !t.isBackboneTeacher(on: g.awardedOn.adding(days: -1)) else { return nil }
            return g.awardedOn
        }
    }

    /// `backbone_new`: became a backbone teacher on an award date in Y.
    public static func backboneNew(_ t: TeacherFacts, _ day: MetricDay) -> Bool {
        !backboneAwardDates(t, from: day.yearStart, through: day.date).isEmpty
    }

    /// `backbone_new_since_plan_start`: the same for some award date from the plan's first day to D.
    public static func backboneNewSincePlanStart(_ t: TeacherFacts, _ day: MetricDay) -> Bool {
        !backboneAwardDates(t, from: day.planStart, through: day.date).isEmpty
    }

    /// `top_talent_total`: active on D with an active special_grade designation (any level), an active
    /// famous_teacher designation of municipal or national level, or title professor.
    public static func topTalentTotal(_ t: TeacherFacts, _ day: MetricDay) -> Bool {
        guard t.isActive(on: day.date) else { return false }
        let honoured = t.designations.contains { g in
            g.isActive(on: day.date) && (g.kind == .special_grade
                || (g.kind == .famous_teacher && (g.level == .municipal || g.level == .national)))
        }
        return honoured || t.title(on: day.date) == .professor
    }

    /// Schools whose students and backbone teachers `backbone_per_100_students` counts.
    public static let compulsorySchoolTypes: Set<SchoolType> = [.primary, .junior, .nine_year]

    /// The numerator part of `backbone_per_100_students`: a backbone teacher on D whose home school
    /// (assignment on D) is a primary, junior or nine-year school. Returns that school.
    public static func compulsoryBackboneSchool(_ t: TeacherFacts, _ day: MetricDay) -> String? {
        guard t.isBackboneTeacher(on: day.date), let a = t.assignment(on: day.date),
              let s = day.schools[a.schoolCode], compulsorySchoolTypes.contains(s.type) else { return nil }
        return a.schoolCode
    }

    /// Eligible for rotation in Y (SPEC §6 `exchange_rate`): a full-time teacher on Y-01-01 whose home
    /// school that day is public (when the policy says so), of an eligible type and area, and whose
    /// continuous time there started on or before Y-01-01 minus `eligible_years_at_school` years.
    /// Returns the home school.
    public static func rotationEligibleSchool(_ t: TeacherFacts, _ day: MetricDay) -> String? {
        let jan1 = day.yearStart
        guard t.isFullTimeTeacher(on: jan1), let a = t.assignment(on: jan1), let s = day.schools[a.schoolCode],
              !day.policy.publicOnly || s.ownership == .public,
              day.policy.eligibleSchoolTypes.contains(s.type), day.policy.eligibleAreas.contains(s.area),
              let start = t.timeline.startAtSchool(on: jan1), start <= day.eligibilityCutoff else { return nil }
        return a.schoolCode
    }

    /// Rotations that started in Y, earliest first.
    public static func rotationsStarted(_ t: TeacherFacts, _ day: MetricDay) -> [Rotation] {
        t.rotations.filter { day.isInYear($0.start) }.sorted { $0.start < $1.start }
    }

    /// `exchange_rate`: eligible teachers who started a rotation in Y.
    public static func exchangeRate(_ t: TeacherFacts, _ day: MetricDay) -> Membership? {
        guard let school = rotationEligibleSchool(t, day) else { return nil }
        return Membership(!rotationsStarted(t, day).isEmpty, school: school)
    }

    /// `backbone_share_of_exchanged`: of staff with a rotation starting in Y, those who were backbone
    /// teachers on the start date of at least one such rotation. Filed under the home school on the
    /// first such start date.
    public static func backboneShareOfExchanged(_ t: TeacherFacts, _ day: MetricDay) -> Membership? {
        let started = rotationsStarted(t, day)
        guard let first = started.first else { return nil }
        return Membership(started.contains { t.isBackboneTeacher(on: $0.start) },
                          school: t.assignment(on: first.start)?.schoolCode)
    }

    /// `backbone_exchange_rate`: backbone teachers on D who started a rotation in Y.
    public static func backboneExchangeRate(_ t: TeacherFacts, _ day: MetricDay) -> Membership? {
        guard t.isBackboneTeacher(on: day.date) else { return nil }
        return Membership(!rotationsStarted(t, day).isEmpty, school: t.assignment(on: day.date)?.schoolCode)
    }

    /// `dual_qualified_rate`: full-time teachers on D of stage vocational with course type specialized,
    /// or of stage vocational_practice, holding an active dual_qualified designation (any level) on D.
    public static func dualQualifiedRate(_ t: TeacherFacts, _ day: MetricDay) -> Membership? {
        guard t.isFullTimeTeacher(on: day.date), let a = t.assignment(on: day.date),
              (a.stage == .vocational && a.courseType == .specialized) || a.stage == .vocational_practice else { return nil }
        return Membership(t.designations.contains { $0.kind == .dual_qualified && $0.isActive(on: day.date) }, school: a.schoolCode)
    }
}
