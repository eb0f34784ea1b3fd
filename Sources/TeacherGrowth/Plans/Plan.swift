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

extension Fraction {
    /// The value as a decimal (`0.93`, `200`, `1`), exact for the decimals plan files hold.
    public var decimalText: String {
        if denominator == 1 { return String(numerator) }
        var d = denominator, twos = 0, fives = 0
        while d % 2 == 0 { d /= 2; twos += 1 }
        while d % 5 == 0 { d /= 5; fives += 1 }
        guard d == 1 else { return String(doubleValue) }
        let places = max(twos, fives)
        var scale = 1
        for _ in 0..<places { scale *= 10 }
        let units = numerator * (scale / denominator)
        return Decimals.format(units, places: places, trimZeroFraction: true)
    }
}

/// A plan (SPEC §7; issue 13): county, period, baseline, policy and targets. A registry holds
/// several, and each year is reported against the one whose period covers it.
public struct Plan: Sendable {
    public struct Names: Codable, Sendable, Hashable {
        public var zh: String
        public var en: String
        public init(zh: String, en: String) { self.zh = zh; self.en = en }
        public func text(_ language: Language) -> String { language == .zh ? zh : en }
    }

    public struct Baseline: Codable, Sendable, Hashable {
        public var year: Int
        public var schools: Int
        public var students: Int
        public var staff: Int
        public var classes: Int?
    }

    /// Adopted by the county, or a draft the registry ships until the county imports its own.
    public enum Status: String, Sendable, Codable { case adopted, draft }

    /// A county's plan (the reports of its county), or a municipality's (the targets of the
    /// municipal roll-up across counties, issue 15).
    public enum Scope: String, Sendable, Codable { case county, municipal }

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
        /// The statutory retirement ages, for the rotation planner (nil: not applied).
        public var retirement: RetirementRule?
        /// How long a rotation lasts: candidates who reach retirement within it are left out.
        public var rotationPeriodYears: Int

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
        /// True when the target carries on the previous plan's end-of-period level.
        public var isContinued: Bool = false

        public init(op: String, value: Fraction, source: String, isNationalStandard: Bool, isContinued: Bool = false) {
            self.op = op; self.value = value; self.source = source; self.isNationalStandard = isNationalStandard; self.isContinued = isContinued
        }
    }

    public var id: String
    public var status: Status
    /// `"scope": "municipal"` in the file; county plans leave it out.
    public var scope: Scope = .county
    public var name: Names
    public var county: Names
    public var note: Names?
    public var firstYear: Int
    public var lastYear: Int
    public var baseline: Baseline?
    public var policy: Policy
    /// metric → year → target, the plan's own.
    public var targets: [MetricKey: [Int: Target]]
    /// metric → national standard, for plan years the plan sets no target for.
    public var nationalStandards: [MetricKey: Target]

    public var planStart: CivilDate { CivilDate.firstDay(of: firstYear) }
    public var years: ClosedRange<Int> { firstYear...lastYear }
    public var isDraft: Bool { status == .draft }

    /// The target of a metric for a year: the plan's, else a national standard within the plan
    /// period, else none (years outside the period have no targets).
    public func target(_ metric: MetricKey, year: Int) -> Target? {
        guard years.contains(year) else { return nil }
        return targets[metric]?[year] ?? nationalStandards[metric]
    }

    /// The plan without its own targets (national standards kept): for a roll-up with no municipal plan.
    public func withoutTargets() -> Plan {
        var p = self
        p.targets = [:]
        return p
    }

    /// The target at the end of the period: the last year's, else the latest year's that has one.
    public func endTarget(_ metric: MetricKey) -> (year: Int, target: Target)? {
        for y in years.reversed() { if let t = target(metric, year: y) { return (y, t) } }
        return nil
    }
}

/// A problem with a plan file, as a sentence that says what to fix.
public struct PlanError: Error, CustomStringConvertible, Equatable {
    public var message: LocalizedText
    init(_ zh: String, _ en: String) { message = LocalizedText(zh, en) }
    public init(_ message: LocalizedText) { self.message = message }
    public var description: String { message.zh }
}

extension Plan {
    struct File: Codable {
        struct Period: Codable { var start: Int; var end: Int }
        struct Rotation: Codable {
            var eligible_years_at_school: Int
            var eligible_school_types: [String]
            var eligible_areas: [String]
            var public_only: Bool
            var backbone_target_metric: String
        }
        struct Range: Codable { var min: Double; var max: Double }
        struct PolicyFile: Codable {
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
            var retirement: RetirementRule.File?
            var rotation_period_years: Int?
        }
        struct TargetRow: Codable {
            var metric: String
            var op: String
            var source: String
            var continued: Bool?
            var values: [String: Double]
        }
        struct Standard: Codable {
            var metric: String
            var op: String
            var value: Double
            var source: String
        }
        var id: String
        var status: String?
        var scope: String?
        var name: Names
        var county: Names
        var note: Names?
        var period: Period
        var baseline: Baseline?
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
            let path = Plan.path(ctx.codingPath + [key])
            throw PlanError("规划文件缺少“\(path)”；请补上（可参照 teacher-registry plan export youyang-2021-2025）",
                            "The plan file lacks \"\(path)\"; add it (see teacher-registry plan export youyang-2021-2025).")
        } catch let DecodingError.typeMismatch(_, ctx) {
            let path = Plan.path(ctx.codingPath)
            throw PlanError("规划文件的“\(path)”类型不对；请对照 teacher-registry plan export youyang-2021-2025 的格式",
                            "The plan file's \"\(path)\" has the wrong type; compare with teacher-registry plan export youyang-2021-2025.")
        } catch let DecodingError.valueNotFound(_, ctx) {
            let path = Plan.path(ctx.codingPath)
            throw PlanError("规划文件的“\(path)”为空；请填写", "The plan file's \"\(path)\" is null; give it a value.")
        } catch {
            throw PlanError("规划文件不是有效的 JSON；请用 JSON 校验工具检查", "The plan file is not valid JSON; check it with a JSON validator.")
        }
        try self.init(file: f)
    }

    init(file f: File) throws {
        guard f.period.start <= f.period.end, (1990...2100).contains(f.period.start), (1990...2100).contains(f.period.end) else {
            throw PlanError("规划期 \(f.period.start)–\(f.period.end) 不是 1990 至 2100 之间的年份区间",
                            "The plan's period \(f.period.start)–\(f.period.end) is not a range of years between 1990 and 2100.")
        }
        guard !f.id.isEmpty, f.id.utf8.count <= 64, f.id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw PlanError("规划编号（id）只能由字母、数字、- 和 _ 组成，最长 64 个字符", "The plan id must be letters, digits, - and _, at most 64 characters.")
        }
        let status: Status
        switch f.status ?? "adopted" {
        case "adopted": status = .adopted
        case "draft": status = .draft
        case let other: throw PlanError("status 只能是 adopted（已印发）或 draft（草案），而不是“\(other)”", "status must be adopted or draft, not \"\(other)\".")
        }
        policy = try Plan.policy(f.policy)
        func target(_ metric: String, _ op: String, _ value: Double, _ source: String, national: Bool, continued: Bool, where field: String) throws -> (MetricKey, Target) {
            guard let key = MetricKey(rawValue: metric) else {
                throw PlanError("\(field)：“\(metric)”不是指标代码；可用：\(MetricKey.allCases.map(\.rawValue).joined(separator: "、"))",
                                "\(field): \"\(metric)\" is not a metric key; use one of: \(MetricKey.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            guard op == ">=" else { throw PlanError("\(field)（\(metric)）：op 只能是 \">=\"，而不是“\(op)”", "\(field) (\(metric)): op must be \">=\", not \"\(op)\".") }
            guard let v = Fraction(value), v.numerator >= 0 else {
                throw PlanError("\(field)（\(metric)）：\(value) 不是可用的目标值", "\(field) (\(metric)): \(value) is not a usable target value.")
            }
            if key.kind == .ratio && key != .backbone_per_100_students && v > Fraction(1, 1) {
                throw PlanError("\(field)（\(metric)）：比率目标应写成小数（如 0.95），而不是 \(value)",
                                "\(field) (\(metric)): a ratio target is a fraction such as 0.95, not \(value).")
            }
            return (key, Target(op: op, value: v, source: source, isNationalStandard: national, isContinued: continued))
        }
        var targets: [MetricKey: [Int: Target]] = [:]
        for (i, row) in f.targets.enumerated() {
            for (yearText, value) in row.values {
                guard let year = Int(yearText), (f.period.start...f.period.end).contains(year) else {
                    throw PlanError("targets[\(i)]（\(row.metric)）：“\(yearText)”不是规划期 \(f.period.start)–\(f.period.end) 内的年份",
                                    "targets[\(i)] (\(row.metric)): \"\(yearText)\" is not a year of the plan period \(f.period.start)–\(f.period.end).")
                }
                let (key, t) = try target(row.metric, row.op, value, row.source, national: false, continued: row.continued ?? false, where: "targets[\(i)]")
                if targets[key]?[year] != nil {
                    throw PlanError("targets：\(row.metric) 在 \(year) 年有两个目标；请保留一个", "targets: \(row.metric) has two targets for \(year); keep one.")
                }
                targets[key, default: [:]][year] = t
            }
        }
        var standards: [MetricKey: Target] = [:]
        for (i, s) in (f.national_standards ?? []).enumerated() {
            let (key, t) = try target(s.metric, s.op, s.value, s.source, national: true, continued: false, where: "national_standards[\(i)]")
            standards[key] = t
        }
        switch f.scope ?? "county" {
        case "county": scope = .county
        case "municipal": scope = .municipal
        default: throw PlanError("scope 只能是 county（区县规划，默认）或 municipal（市级规划，用于市级汇总的目标）",
                                 "scope must be county (a county's plan, the default) or municipal (a municipal plan: the roll-up's targets).")
        }
        id = f.id
        self.status = status
        name = f.name
        county = f.county
        note = f.note
        firstYear = f.period.start
        lastYear = f.period.end
        baseline = f.baseline
        self.targets = targets
        nationalStandards = standards
    }

    static func policy(_ p: File.PolicyFile) throws -> Policy {
        guard let cycleStart = CivilDate(iso: p.cycle_start) else {
            throw PlanError("policy.cycle_start “\(p.cycle_start)”不是 YYYY-MM-DD 格式的日期", "policy.cycle_start \"\(p.cycle_start)\" is not a YYYY-MM-DD date.")
        }
        guard p.cycle_years > 0, p.required_hours > 0, p.county_training_years > 0, p.registration_years > 0,
              p.registration_warning_days >= 0, p.rotation.eligible_years_at_school >= 0, (p.rotation_period_years ?? 3) > 0 else {
            throw PlanError("policy：cycle_years、required_hours、county_training_years、registration_years 和 rotation_period_years 须为正数，其余数值须为 0 或正数",
                            "policy: cycle_years, required_hours, county_training_years, registration_years and rotation_period_years must be positive, and the other numbers 0 or more.")
        }
        func codes<V: CodeListValue>(_ list: [String], _ type: V.Type, _ field: String) throws -> Set<V> {
            try Set(list.map { s in
                guard let v = V(rawValue: s) else {
                    throw PlanError("policy.rotation.\(field)：“\(s)”不是\(V.chineseListName)代码；可用：\(V.allCases.map(\.rawValue).joined(separator: "、"))",
                                    "policy.rotation.\(field): \"\(s)\" is not a \(V.listName) code; use one of: \(V.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
                return v
            })
        }
        guard let backboneMetric = MetricKey(rawValue: p.rotation.backbone_target_metric),
              [.backbone_share_of_exchanged, .backbone_exchange_rate].contains(backboneMetric) else {
            throw PlanError("policy.rotation.backbone_target_metric 只能是 backbone_share_of_exchanged 或 backbone_exchange_rate",
                            "policy.rotation.backbone_target_metric must be backbone_share_of_exchanged or backbone_exchange_rate.")
        }
        guard let lo = Fraction(p.studio_budget_yuan.min), let hi = Fraction(p.studio_budget_yuan.max), lo <= hi, lo.numerator >= 0 else {
            throw PlanError("policy.studio_budget_yuan 须 min ≤ max，且都不小于 0", "policy.studio_budget_yuan needs min ≤ max, both 0 or more.")
        }
        func fen(_ f: Fraction) -> Yuan { Yuan(fen: f.numerator * 100 / f.denominator) }
        return Policy(
            cycleStart: cycleStart, cycleYears: p.cycle_years, requiredHours: p.required_hours, inductionCounts: p.induction_counts,
            countyTrainingYears: p.county_training_years, eligibleYearsAtSchool: p.rotation.eligible_years_at_school,
            eligibleSchoolTypes: try codes(p.rotation.eligible_school_types, SchoolType.self, "eligible_school_types"),
            eligibleAreas: try codes(p.rotation.eligible_areas, Area.self, "eligible_areas"),
            publicOnly: p.rotation.public_only, backboneTargetMetric: backboneMetric,
            studioBudgetMin: fen(lo), studioBudgetMax: fen(hi),
            peSubjects: Set(p.pe_subjects.map(Text.trimmed)), artsSubjects: Set(p.arts_subjects.map(Text.trimmed)),
            registrationYears: p.registration_years, registrationWarningDays: p.registration_warning_days,
            retirement: try p.retirement.map(RetirementRule.init(file:)), rotationPeriodYears: p.rotation_period_years ?? 3)
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }

    /// The plan as a plan file (what `plan export --format json` writes and `plan import` reads).
    public func jsonText() -> String {
        func q(_ s: String) -> String { JSONText.string(s) }
        func names(_ n: Names) -> String { "{\n    \"zh\": \(q(n.zh)),\n    \"en\": \(q(n.en))\n  }" }
        let p = policy
        var out = "{\n  \"id\": \(q(id)),\n  \"status\": \(q(status.rawValue)),\n"
        if scope == .municipal { out += "  \"scope\": \"municipal\",\n" }
        out += "  \"name\": \(names(name)),\n  \"county\": \(names(county)),\n"
        if let note { out += "  \"note\": \(names(note)),\n" }
        out += "  \"period\": { \"start\": \(firstYear), \"end\": \(lastYear) },\n"
        if let b = baseline {
            out += "  \"baseline\": { \"year\": \(b.year), \"schools\": \(b.schools), \"students\": \(b.students), \"staff\": \(b.staff)\(b.classes.map { ", \"classes\": \($0)" } ?? "") },\n"
        } else {
            out += "  \"baseline\": null,\n"
        }
        func list(_ xs: [String]) -> String { "[" + xs.map(q).joined(separator: ", ") + "]" }
        func yuan(_ y: Yuan) -> String { y.description }
        out += """
          "policy": {
            "cycle_start": \(q(p.cycleStart.description)),
            "cycle_years": \(p.cycleYears),
            "required_hours": \(p.requiredHours),
            "induction_counts": \(p.inductionCounts),
            "county_training_years": \(p.countyTrainingYears),
            "rotation": {
              "eligible_years_at_school": \(p.eligibleYearsAtSchool),
              "eligible_school_types": \(list(SchoolType.allCases.filter(p.eligibleSchoolTypes.contains).map(\.rawValue))),
              "eligible_areas": \(list(Area.allCases.filter(p.eligibleAreas.contains).map(\.rawValue))),
              "public_only": \(p.publicOnly),
              "backbone_target_metric": \(q(p.backboneTargetMetric.rawValue))
            },
            "studio_budget_yuan": { "min": \(yuan(p.studioBudgetMin)), "max": \(yuan(p.studioBudgetMax)) },
            "pe_subjects": \(list(p.peSubjects.sorted())),
            "arts_subjects": \(list(p.artsSubjects.sorted())),
            "registration_years": \(p.registrationYears),
            "registration_warning_days": \(p.registrationWarningDays),

        """
        if let r = p.retirement { out += "    \"retirement\": \(r.jsonText(indent: "    ")),\n" }
        out += "    \"rotation_period_years\": \(p.rotationPeriodYears)\n  },\n  \"targets\": [\n"
        var rows: [String] = []
        for key in MetricKey.allCases {
            guard let byYear = targets[key], !byYear.isEmpty else { continue }
            // One row per (source, continued) group, as a plan file writes them.
            let groups = Dictionary(grouping: byYear.sorted { $0.key < $1.key }, by: { "\($0.value.source)|\($0.value.isContinued)" })
            for (_, entries) in groups.sorted(by: { ($0.value.first?.key ?? 0) < ($1.value.first?.key ?? 0) }) {
                let t = entries[0].value
                let values = entries.map { "\"\($0.key)\": \($0.value.value.decimalText)" }.joined(separator: ", ")
                rows.append("    { \"metric\": \(q(key.rawValue)), \"op\": \(q(t.op)), \"source\": \(q(t.source))\(t.isContinued ? ", \"continued\": true" : ""),\n      \"values\": { \(values) } }")
            }
        }
        out += rows.joined(separator: ",\n") + "\n  ],\n  \"national_standards\": [\n"
        out += MetricKey.allCases.compactMap { key in
            nationalStandards[key].map { "    { \"metric\": \(q(key.rawValue)), \"op\": \(q($0.op)), \"value\": \($0.value.decimalText), \"source\": \(q($0.source)) }" }
        }.joined(separator: ",\n")
        out += "\n  ]\n}\n"
        return out
    }

    /// The Youyang plan for 2021–2025 (十四五), shipped with the registry (compiled in).
    public static let youyang: Plan = {
        // The bundled text is checked by a test; failing here would be a build defect.
        try! Plan(json: Data(BundledSeeds.youyangPlan.utf8))
    }()

    /// The draft for 2026–2030 (十五五) the registry ships until the county imports its own plan.
    public static let youyangDraft2026: Plan = {
        try! Plan(json: Data(BundledSeeds.youyangDraftPlan.utf8))
    }()
}
