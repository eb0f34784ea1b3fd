import Foundation

/// An exact fraction, for targets and comparisons without rounding (SPEC §6: "compared with its
/// target exactly").
public struct Fraction: Hashable, Sendable, CustomStringConvertible, Comparable {
    public let numerator: Int
    public let denominator: Int

    public init(_ numerator: Int, _ denominator: Int) {
        precondition(denominator > 0)
        let g = Fraction.gcd(abs(numerator), denominator)
        self.numerator = numerator / max(g, 1)
        self.denominator = denominator / max(g, 1)
    }

    /// From decimal text such as `0.93`, `1`, `1.0`, `200`.
    public init?(decimal text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = Int(parts[0]), parts[0].allSatisfy({ $0.isNumber || $0 == "-" }) else { return nil }
        var num = whole, den = 1
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].count <= 9, parts[1].allSatisfy(\.isNumber), let f = Int(parts[1]) else { return nil }
            for _ in parts[1] { den *= 10 }
            num = whole * den + (whole < 0 ? -f : f)
        }
        self.init(num, den)
    }

    /// The shortest decimal that reads back as `value` (0.93 stays 0.93).
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        var text = "\(value)"
        if text.hasSuffix(".0") { text.removeLast(2) }
        guard !text.contains("e") else { return nil }
        self.init(decimal: text)
    }

    public var doubleValue: Double { Double(numerator) / Double(denominator) }

    public static func < (a: Fraction, b: Fraction) -> Bool {
        a.numerator * b.denominator < b.numerator * a.denominator
    }

    /// Whether `num / den ≥ self`, exactly.
    public func isMet(numerator num: Int, denominator den: Int) -> Bool {
        num * denominator >= numerator * den
    }

    public var description: String {
        denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)"
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}

/// A plan file (SPEC §7): county, period, baseline, policy and targets.
public struct Plan: Sendable {
    public struct Names: Codable, Sendable, Hashable {
        public var zh: String
        public var en: String
        public func text(_ language: Language) -> String { language == .zh ? zh : en }
    }

    public struct Baseline: Codable, Sendable, Hashable {
        public var year: Int
        public var schools: Int
        public var students: Int
        public var staff: Int
        public var classes: Int?
    }

    public struct Policy: Sendable, Hashable {
        public var cycleStart: CivilDate
        public var cycleYears: Int
        public var requiredHours: Int
        public var inductionCounts: Bool
        public var countyTrainingYears: Int
        public var eligibleYearsAtSchool: Int
        public var eligibleSchoolTypes: Set<SchoolType>
        public var eligibleAreas: Set<Area>
        public var publicOnly: Bool
        public var backboneTargetMetric: MetricKey
        public var studioBudgetMin: Yuan
        public var studioBudgetMax: Yuan
        public var peSubjects: Set<String>
        public var artsSubjects: Set<String>
        public var registrationYears: Int
        public var registrationWarningDays: Int

        /// The training cycle that contains d.
        public func cycle(containing d: CivilDate) -> TrainingCycle {
            TrainingCycle.containing(d, anchor: cycleStart, years: cycleYears)
        }
    }

    /// A target for one metric and year.
    public struct Target: Sendable, Hashable {
        public var op: String
        public var value: Fraction
        public var source: String
        /// True when the target is a national standard used where the plan sets none.
        public var isNationalStandard: Bool
    }

    public var id: String
    public var name: Names
    public var county: Names
    public var firstYear: Int
    public var lastYear: Int
    public var baseline: Baseline
    public var policy: Policy
    /// metric → year → target, the plan's own.
    public var targets: [MetricKey: [Int: Target]]
    /// metric → national standard, for plan years the plan sets no target for.
    public var nationalStandards: [MetricKey: Target]

    public var planStart: CivilDate { CivilDate.firstDay(of: firstYear) }
    public var years: ClosedRange<Int> { firstYear...lastYear }

    /// The target of a metric for a year: the plan's, else a national standard within the plan
    /// period, else none (years outside the period have no targets).
    public func target(_ metric: MetricKey, year: Int) -> Target? {
        guard years.contains(year) else { return nil }
        return targets[metric]?[year] ?? nationalStandards[metric]
    }
}

/// A problem with a plan file, as a sentence that says what to fix.
public struct PlanError: Error, CustomStringConvertible, Equatable {
    public var message: LocalizedText
    init(_ d: String) { message = LocalizedText(verbatim: d) }
    init(_ zh: String, _ en: String) { message = LocalizedText(zh, en) }
    public var description: String { message.zh }
}

extension Plan {
    private struct File: Decodable {
        struct Period: Decodable { var start: Int; var end: Int }
        struct Rotation: Decodable {
            var eligible_years_at_school: Int
            var eligible_school_types: [String]
            var eligible_areas: [String]
            var public_only: Bool
            var backbone_target_metric: String
        }
        struct Range: Decodable { var min: Double; var max: Double }
        struct PolicyFile: Decodable {
            var cycle_start: String
            var cycle_years: Int
            var required_hours: Int
            var induction_counts: Bool
            var county_training_years: Int
            var rotation: Rotation
            var studio_budget_yuan: Range
            var pe_subjects: [String]
            var arts_subjects: [String]
            var registration_years: Int
            var registration_warning_days: Int
        }
        struct TargetRow: Decodable {
            var metric: String
            var op: String
            var source: String
            var values: [String: Double]
        }
        struct Standard: Decodable {
            var metric: String
            var op: String
            var value: Double
            var source: String
        }
        var id: String
        var name: Names
        var county: Names
        var period: Period
        var baseline: Baseline
        var policy: PolicyFile
        var targets: [TargetRow]
        var national_standards: [Standard]?
    }

    /// Reads and validates a plan file; every problem is one sentence naming the field.
    public init(json data: Data) throws {
        let f: File
        do {
            f = try JSONDecoder().decode(File.self, from: data)
        } catch let DecodingError.keyNotFound(key, ctx) {
            throw PlanError("The plan file lacks \"\(Plan.path(ctx.codingPath + [key]))\"; add it (see Seeds/plans/youyang-2021-2025.json).")
        } catch let DecodingError.typeMismatch(_, ctx) {
            throw PlanError("The plan file's \"\(Plan.path(ctx.codingPath))\" has the wrong type; compare with Seeds/plans/youyang-2021-2025.json.")
        } catch let DecodingError.valueNotFound(_, ctx) {
            throw PlanError("The plan file's \"\(Plan.path(ctx.codingPath))\" is null; give it a value.")
        } catch {
            throw PlanError("The plan file is not valid JSON; check it with a JSON validator.")
        }
        guard f.period.start <= f.period.end, (1990...2100).contains(f.period.start), (1990...2100).contains(f.period.end) else {
            throw PlanError("The plan's period \(f.period.start)–\(f.period.end) is not a range of years between 1990 and 2100.")
        }
        let p = f.policy
        guard let cycleStart = CivilDate(iso: p.cycle_start) else {
            throw PlanError("policy.cycle_start \"\(p.cycle_start)\" is not a YYYY-MM-DD date.")
        }
        guard p.cycle_years > 0, p.required_hours > 0, p.county_training_years > 0, p.registration_years > 0,
              p.registration_warning_days >= 0, p.rotation.eligible_years_at_school >= 0 else {
            throw PlanError("policy: cycle_years, required_hours, county_training_years and registration_years must be positive, and the other numbers 0 or more.")
        }
        func codes<V: CodeListValue>(_ list: [String], _ type: V.Type, _ field: String) throws -> Set<V> {
            try Set(list.map { s in
                guard let v = V(rawValue: s) else { throw PlanError("policy.rotation.\(field): \"\(s)\" is not a \(V.listName) code; use one of: \(V.allCases.map(\.rawValue).joined(separator: ", ")).") }
                return v
            })
        }
        guard let backboneMetric = MetricKey(rawValue: p.rotation.backbone_target_metric),
              [.backbone_share_of_exchanged, .backbone_exchange_rate].contains(backboneMetric) else {
            throw PlanError("policy.rotation.backbone_target_metric must be backbone_share_of_exchanged or backbone_exchange_rate.")
        }
        guard let lo = Fraction(p.studio_budget_yuan.min), let hi = Fraction(p.studio_budget_yuan.max), lo <= hi,
              lo.numerator >= 0 else {
            throw PlanError("policy.studio_budget_yuan needs min ≤ max, both 0 or more.")
        }
        func fen(_ f: Fraction) -> Yuan { Yuan(fen: f.numerator * 100 / f.denominator) }
        policy = Policy(
            cycleStart: cycleStart, cycleYears: p.cycle_years, requiredHours: p.required_hours, inductionCounts: p.induction_counts,
            countyTrainingYears: p.county_training_years, eligibleYearsAtSchool: p.rotation.eligible_years_at_school,
            eligibleSchoolTypes: try codes(p.rotation.eligible_school_types, SchoolType.self, "eligible_school_types"),
            eligibleAreas: try codes(p.rotation.eligible_areas, Area.self, "eligible_areas"),
            publicOnly: p.rotation.public_only, backboneTargetMetric: backboneMetric,
            studioBudgetMin: fen(lo), studioBudgetMax: fen(hi),
            peSubjects: Set(p.pe_subjects.map(Text.trimmed)), artsSubjects: Set(p.arts_subjects.map(Text.trimmed)),
            registrationYears: p.registration_years, registrationWarningDays: p.registration_warning_days)

        func target(_ metric: String, _ op: String, _ value: Double, _ source: String, national: Bool, where field: String) throws -> (MetricKey, Target) {
            guard let key = MetricKey(rawValue: metric) else {
                throw PlanError("\(field): \"\(metric)\" is not a metric key; use one of: \(MetricKey.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            guard op == ">=" else { throw PlanError("\(field) (\(metric)): op must be \">=\", not \"\(op)\".") }
            guard let v = Fraction(value), v.numerator >= 0 else { throw PlanError("\(field) (\(metric)): \(value) is not a usable target value.") }
            if key.kind == .ratio && key != .backbone_per_100_students && v > Fraction(1, 1) {
                throw PlanError("\(field) (\(metric)): a ratio target is a fraction such as 0.95, not \(value).")
            }
            return (key, Target(op: op, value: v, source: source, isNationalStandard: national))
        }
        var targets: [MetricKey: [Int: Target]] = [:]
        for (i, row) in f.targets.enumerated() {
            for (yearText, value) in row.values {
                guard let year = Int(yearText), (f.period.start...f.period.end).contains(year) else {
                    throw PlanError("targets[\(i)] (\(row.metric)): \"\(yearText)\" is not a year of the plan period \(f.period.start)–\(f.period.end).")
                }
                let (key, t) = try target(row.metric, row.op, value, row.source, national: false, where: "targets[\(i)]")
                if targets[key]?[year] != nil { throw PlanError("targets: \(row.metric) has two targets for \(year); keep one.") }
                targets[key, default: [:]][year] = t
            }
        }
        var standards: [MetricKey: Target] = [:]
        for (i, s) in (f.national_standards ?? []).enumerated() {
            let (key, t) = try target(s.metric, s.op, s.value, s.source, national: true, where: "national_standards[\(i)]")
            standards[key] = t
        }
        id = f.id
        name = f.name
        county = f.county
        firstYear = f.period.start
        lastYear = f.period.end
        baseline = f.baseline
        self.targets = targets
        nationalStandards = standards
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }

    /// The Youyang plan shipped with the registry (Seeds/plans/youyang-2021-2025.json, compiled in).
    public static var youyang: Plan {
        // The bundled text is checked by a test; failing here would be a build defect.
        try! Plan(json: Data(BundledSeeds.youyangPlan.utf8))
    }
}
