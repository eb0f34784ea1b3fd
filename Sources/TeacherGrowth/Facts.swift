// The dated facts of SPEC §3 as value types, each with the rule that says whether it holds on a day.
// Start dates are the first day a fact holds; end dates the last (inclusive); `revokedOn` the first
// day it no longer holds.

public struct School: Hashable, Sendable {
    public var code: String
    public var type: SchoolType
    public var area: Area
    public var ownership: Ownership
    public var students: Int?
    public var peQuota: Int?
    public var artsQuota: Int?
    public var openedOn: CivilDate?
    public var closedOn: CivilDate?
    /// The county (区县) the school belongs to in a registry of several; nil in a one-county registry.
    public var county: String?

    public init(code: String, type: SchoolType, area: Area, ownership: Ownership, students: Int? = nil,
                peQuota: Int? = nil, artsQuota: Int? = nil, openedOn: CivilDate? = nil, closedOn: CivilDate? = nil,
                county: String? = nil) {
        self.code = code; self.type = type; self.area = area; self.ownership = ownership
        self.students = students; self.peQuota = peQuota; self.artsQuota = artsQuota
        self.openedOn = openedOn; self.closedOn = closedOn; self.county = county
    }

    /// (`opened_on` empty or ≤ d) and (`closed_on` empty or d ≤ `closed_on`).
    public func isOpen(on d: CivilDate) -> Bool {
        (openedOn.map { $0 <= d } ?? true) && (closedOn.map { d <= $0 } ?? true)
    }
}

/// Employment: `hired_on ≤ d ≤ left_on`.
public struct Employment: Hashable, Sendable {
    public var hiredOn: CivilDate
    public var leftOn: CivilDate?
    public var establishment: Establishment
    public init(hiredOn: CivilDate, leftOn: CivilDate? = nil, establishment: Establishment = .in) {
        self.hiredOn = hiredOn; self.leftOn = leftOn; self.establishment = establishment
    }
    public func isActive(on d: CivilDate) -> Bool { hiredOn <= d && (leftOn.map { d <= $0 } ?? true) }
}

public struct Assignment: Hashable, Sendable {
    public var schoolCode: String
    public var from: CivilDate
    /// The last day; nil = until the day before the next assignment starts (or still holds).
    public var to: CivilDate?
    public var post: Post
    public var stage: Stage
    public var subject: String?
    public var courseType: CourseType?

    public init(schoolCode: String, from: CivilDate, to: CivilDate? = nil, post: Post, stage: Stage,
                subject: String? = nil, courseType: CourseType? = nil) {
        self.schoolCode = schoolCode; self.from = from; self.to = to; self.post = post; self.stage = stage
        self.subject = subject; self.courseType = courseType
    }
}

public struct Degree: Hashable, Sendable {
    public var education: Education
    public var obtainedOn: CivilDate
    public init(_ education: Education, obtainedOn: CivilDate) { self.education = education; self.obtainedOn = obtainedOn }
}

public struct TitleRecord: Hashable, Sendable {
    public var title: Title
    public var from: CivilDate
    public init(_ title: Title, from: CivilDate) { self.title = title; self.from = from }
}

public struct Certificate: Hashable, Sendable {
    public var kind: CertificateKind
    public var number: String
    public var issuedOn: CivilDate
    public var revokedOn: CivilDate?

    public init(kind: CertificateKind, number: String, issuedOn: CivilDate, revokedOn: CivilDate? = nil) {
        self.kind = kind; self.number = number; self.issuedOn = issuedOn; self.revokedOn = revokedOn
    }

    /// `issued_on ≤ d` and (`revoked_on` empty or d < `revoked_on`).
    public func isValid(on d: CivilDate) -> Bool { issuedOn <= d && (revokedOn.map { d < $0 } ?? true) }

    /// SPEC §4 certificate fit (教师资格条例 Art. 5).
    public func fits(_ stage: Stage) -> Bool { kind.fits(stage) }
}

public struct Designation: Hashable, Sendable {
    public var kind: DesignationKind
    public var level: Level
    public var tier: DualQualifiedTier?
    public var awardedOn: CivilDate
    public var expiresOn: CivilDate?
    public var revokedOn: CivilDate?

    public init(kind: DesignationKind, level: Level, tier: DualQualifiedTier? = nil, awardedOn: CivilDate,
                expiresOn: CivilDate? = nil, revokedOn: CivilDate? = nil) {
        self.kind = kind; self.level = level; self.tier = tier; self.awardedOn = awardedOn
        self.expiresOn = expiresOn; self.revokedOn = revokedOn
    }

    /// `awarded_on ≤ d`, (`expires_on` empty or d ≤ `expires_on`), (`revoked_on` empty or d < `revoked_on`).
    public func isActive(on d: CivilDate) -> Bool {
        awardedOn <= d && (expiresOn.map { d <= $0 } ?? true) && (revokedOn.map { d < $0 } ?? true)
    }

    /// A backbone-ladder designation of county-or-higher level (what makes a backbone teacher).
    public var isCountyBackbone: Bool { kind.isBackboneLadder && level.isCountyOrHigher }
}

public struct Studio: Hashable, Sendable {
    public var code: String
    public var kind: StudioKind
    public var level: Level
    public var stage: Stage?
    public var foundedOn: CivilDate
    public var closedOn: CivilDate?

    public init(code: String, kind: StudioKind, level: Level, stage: Stage? = nil, foundedOn: CivilDate, closedOn: CivilDate? = nil) {
        self.code = code; self.kind = kind; self.level = level; self.stage = stage
        self.foundedOn = foundedOn; self.closedOn = closedOn
    }

    /// `founded_on ≤ d` and (`closed_on` empty or d ≤ `closed_on`).
    public func isActive(on d: CivilDate) -> Bool { foundedOn <= d && (closedOn.map { d <= $0 } ?? true) }
}

extension CertificateKind {
    /// SPEC §4: kindergarten 1, primary 2, junior 3, senior 4, vocational 4, higher 5.
    public var level: Int {
        switch self {
        case .kindergarten: 1
        case .primary: 2
        case .junior: 3
        case .senior, .vocational, .vocational_practice: 4
        case .higher: 5
        }
    }

    public func fits(_ stage: Stage) -> Bool {
        if self == .vocational_practice { return stage == .vocational_practice }
        if stage == .vocational_practice { return level >= 4 }
        return stage.level <= level
    }
}

extension Stage {
    /// SPEC §4: kindergarten 1, primary 2, special 2, junior 3, senior/vocational/vocational_practice 4.
    public var level: Int {
        switch self {
        case .kindergarten: 1
        case .primary, .special: 2
        case .junior: 3
        case .senior, .vocational, .vocational_practice: 4
        }
    }

    /// 规定学历 (教师法 Art. 11).
    public var prescribedEducation: Education {
        switch self {
        case .kindergarten, .primary, .special: .secondary_vocational
        case .junior: .associate
        case .senior, .vocational, .vocational_practice: .bachelor
        }
    }

    /// Whether `education` is above the prescribed level (高于规定学历).
    public func isAbovePrescribed(_ education: Education?) -> Bool {
        guard let e = education else { return false }
        return e > prescribedEducation
    }

    /// `course_type` is required for stage `vocational` and empty for every other stage.
    public var requiresCourseType: Bool { self == .vocational }
}

/// An approved, not voided training record, as the metrics see it: it counts whole, on its end date.
/// Only two things about its kind and level matter to any metric, so only they are kept.
public struct TrainingFact: Hashable, Sendable {
    public var endDate: CivilDate
    public var hours: Hours
    /// Kind `induction` (新教师入职培训): out of the 360-hour count unless the policy says otherwise.
    public var isInduction: Bool
    /// Level national, municipal, prefecture or county (SPEC §3).
    public var isCountyOrHigher: Bool

    public init(endDate: CivilDate, hours: Hours, isInduction: Bool, isCountyOrHigher: Bool) {
        self.endDate = endDate; self.hours = hours; self.isInduction = isInduction; self.isCountyOrHigher = isCountyOrHigher
    }

    public init(endDate: CivilDate, hours: Hours, kind: TrainingKind = .general, level: TrainingLevel) {
        self.init(endDate: endDate, hours: hours, isInduction: kind == .induction, isCountyOrHigher: level.isCountyOrHigher)
    }
}

/// A rotation (交流轮岗): it never changes assignments; the person stays at their home school.
public struct Rotation: Hashable, Sendable {
    public var fromSchool: String
    public var toSchool: String
    public var kind: RotationKind
    public var start: CivilDate
    public var end: CivilDate?
    public init(fromSchool: String, toSchool: String, kind: RotationKind = .exchange, start: CivilDate, end: CivilDate? = nil) {
        self.fromSchool = fromSchool; self.toSchool = toSchool; self.kind = kind; self.start = start; self.end = end
    }
}

/// A studio with its host school and its budgets by year.
public struct StudioFacts: Hashable, Sendable {
    public var studio: Studio
    public var schoolCode: String?
    public var budgets: [Int: Yuan]
    /// The county the studio belongs to: its school's, else its host's latest school's (nil in a
    /// one-county registry).
    public var county: String?
    public init(studio: Studio, schoolCode: String? = nil, budgets: [Int: Yuan] = [:], county: String? = nil) {
        self.studio = studio; self.schoolCode = schoolCode; self.budgets = budgets; self.county = county
    }
}

/// A periodic registration (定期注册) of a certificate.
public struct RegistrationFact: Hashable, Sendable {
    public var number: String
    public var registeredOn: CivilDate
    public var result: RegistrationResult
    public init(number: String, registeredOn: CivilDate, result: RegistrationResult) {
        self.number = number; self.registeredOn = registeredOn; self.result = result
    }
}
