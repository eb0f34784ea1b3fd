/// Everything dated about one person that the SPEC §3 derived state needs.
public struct TeacherFacts: Hashable, Sendable {
    public var staffNo: String
    public var employment: Employment
    public var timeline: AssignmentTimeline
    public var degrees: [Degree]
    public var titles: [TitleRecord]
    public var certificates: [Certificate]
    public var designations: [Designation]
    /// Approved training records that are not voided (the only ones any metric counts).
    public var training: [TrainingFact]
    public var rotations: [Rotation]
    /// Registrations of the person's certificates (read for the compliance view only).
    public var registrations: [RegistrationFact]
    /// Annual appraisals by year (read for the compliance view only).
    public var appraisals: [Int: AppraisalResult]
    /// For ages and retirement (read for the rotation planner only).
    public var gender: Gender?
    public var birthDate: CivilDate?

    public init(staffNo: String, employment: Employment, assignments: [Assignment], degrees: [Degree] = [],
                titles: [TitleRecord] = [], certificates: [Certificate] = [], designations: [Designation] = [],
                training: [TrainingFact] = [], rotations: [Rotation] = [], registrations: [RegistrationFact] = [],
                appraisals: [Int: AppraisalResult] = [:], gender: Gender? = nil, birthDate: CivilDate? = nil) {
        self.staffNo = staffNo; self.employment = employment; self.timeline = AssignmentTimeline(assignments)
        self.degrees = degrees; self.titles = titles; self.certificates = certificates; self.designations = designations
        self.training = training; self.rotations = rotations; self.registrations = registrations; self.appraisals = appraisals
        self.gender = gender; self.birthDate = birthDate
    }

    public func isActive(on d: CivilDate) -> Bool { employment.isActive(on: d) }

    public func assignment(on d: CivilDate) -> Assignment? { timeline.assignment(on: d) }

    /// 专任教师 on d: active staff whose assignment on d has post `teacher`.
    public func isFullTimeTeacher(on d: CivilDate) -> Bool {
        isActive(on: d) && assignment(on: d)?.post == .teacher
    }

    /// The stage of a full-time teacher's assignment on d.
    public func teachingStage(on d: CivilDate) -> Stage? {
        guard isFullTimeTeacher(on: d) else { return nil }
        return assignment(on: d)?.stage
    }

    /// The highest level among degrees obtained on or before d; nil = below every level.
    public func highestEducation(on d: CivilDate) -> Education? {
        degrees.lazy.filter { $0.obtainedOn <= d }.map(\.education).max()
    }

    /// The title record with the latest `from ≤ d` (a tie: the higher title); nil = no title.
    public func title(on d: CivilDate) -> Title? {
        titles.filter { $0.from <= d }.max { ($0.from, $0.title.rank) < ($1.from, $1.title.rank) }?.title
    }

    /// Whether a certificate valid on d fits the stage of the teacher's post on d.
    public func hasFittingCertificate(on d: CivilDate) -> Bool {
        guard let stage = assignment(on: d)?.stage else { return false }
        return certificates.contains { $0.isValid(on: d) && $0.fits(stage) }
    }

    /// Backbone teacher on d: active staff (any post) with an active backbone-ladder designation of
    /// county-or-higher level on d.
    public func isBackboneTeacher(on d: CivilDate) -> Bool {
        isActive(on: d) && designations.contains { $0.isCountyBackbone && $0.isActive(on: d) }
    }
}

/// The training cycles of the policy (SPEC §3): consecutive periods of `years` from `anchor`,
/// extending both ways (2016–2020, 2021–2025, 2026–2030 for anchor 2021-01-01 and 5 years).
public struct TrainingCycle: Hashable, Sendable, CustomStringConvertible {
    public let start: CivilDate
    /// The cycle's last day.
    public let end: CivilDate

    public init(start: CivilDate, end: CivilDate) { self.start = start; self.end = end }

    /// The cycle that contains d.
    public static func containing(_ d: CivilDate, anchor: CivilDate, years: Int) -> TrainingCycle {
        precondition(years > 0)
        var k = (d.year - anchor.year) / years - (d.year < anchor.year && (d.year - anchor.year) % years != 0 ? 1 : 0)
        // Adjust for anchors that are not Jan 1.
        while anchor.adding(years: k * years) > d { k -= 1 }
        while anchor.adding(years: (k + 1) * years) <= d { k += 1 }
        let start = anchor.adding(years: k * years)
        return TrainingCycle(start: start, end: anchor.adding(years: (k + 1) * years).adding(days: -1))
    }

    /// cycle end − cycle start + 1 (1,826 for 2021–2025).
    public var days: Int { start.days(until: end) + 1 }

    public func contains(_ d: CivilDate) -> Bool { start <= d && d <= end }

    public var description: String { "\(start.year)–\(end.year)" }
}
