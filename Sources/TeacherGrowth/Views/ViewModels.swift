/// The principal's compliance view (SPEC §9) of one school or all, on one day.
public struct ComplianceView: Sendable {
    public struct SchoolSummary: Sendable, Hashable {
        public var schoolCode: String
        public var schoolName: String
        public var teachers = 0
        public var onTrack = 0
        public var countyTrainingOverdue = 0
        public var withoutFittingCertificate = 0
        public var registrationOverdue = 0
        public var registrationDueSoon = 0
        public init(schoolCode: String, schoolName: String) { self.schoolCode = schoolCode; self.schoolName = schoolName }
    }
    public var asOf: CivilDate
    public var cycle: TrainingCycle
    public var rows: [ComplianceRow]
    /// Names of the teachers listed (shown to the principal, never in public routes).
    public var names: [String: String]
    public var schools: [SchoolSummary]
    public var dueWithin: Int?

    public init(asOf: CivilDate, cycle: TrainingCycle, rows: [ComplianceRow], names: [String: String], schools: [SchoolSummary], dueWithin: Int?) {
        self.asOf = asOf; self.cycle = cycle; self.rows = rows; self.names = names; self.schools = schools; self.dueWithin = dueWithin
    }
}

/// The county's rotation review (SPEC §9) for one year.
public struct RotationView: Sendable {
    public struct SchoolFigures: Sendable, Hashable {
        public var schoolCode: String
        public var schoolName: String
        public var eligible = 0
        public var exchanged = 0
        public var backboneExchanged = 0
        public init(schoolCode: String, schoolName: String) { self.schoolCode = schoolCode; self.schoolName = schoolName }
    }
    public struct Flow: Sendable, Hashable {
        public var from: Area?
        public var to: Area?
        public var rotations: Int
        public init(from: Area?, to: Area?, rotations: Int) { self.from = from; self.to = to; self.rotations = rotations }
    }
    public var year: Int
    public var asOf: CivilDate
    public var metrics: [MetricResult]
    public var schools: [SchoolFigures]
    public var flows: [Flow]
    public var planMetric: MetricKey
    public var planTarget: Plan.Target?
    public var k: Int?
    public var candidates: [RotationPlan.Candidate]
    /// Names of the candidates (shown to the county office, never in public routes).
    public var names: [String: String]
    public var schoolNames: [String: String]

    public init(year: Int, asOf: CivilDate, metrics: [MetricResult], schools: [SchoolFigures], flows: [Flow], planMetric: MetricKey,
                planTarget: Plan.Target?, k: Int?, candidates: [RotationPlan.Candidate], names: [String: String] = [:],
                schoolNames: [String: String] = [:]) {
        self.year = year; self.asOf = asOf; self.metrics = metrics; self.schools = schools; self.flows = flows
        self.planMetric = planMetric; self.planTarget = planTarget; self.k = k; self.candidates = candidates
        self.names = names; self.schoolNames = schoolNames
    }
}

