import Foundation

/// A plan as spreadsheet sheets (issue 13): `plan export --format xlsx` writes them and
/// `plan import` reads them back — an info sheet (规划) and a policy sheet (政策) of key/value rows,
/// a targets sheet (目标) and the national standards (国家标准).
public enum PlanSheets {
    public static let infoNames = ["规划", "plan", "规划信息"]
    public static let policyNames = ["政策", "policy"]
    public static let targetNames = ["目标", "targets", "目标表"]
    public static let standardNames = ["国家标准", "national_standards"]

    public static let targetHeader = ["指标", "年度", "比较", "目标值", "来源", "延续"]
    public static let standardHeader = ["指标", "比较", "目标值", "来源"]

    public static func infoRows(_ p: Plan) -> [(String, String)] {
        var rows: [(String, String)] = [
            ("id", p.id), ("status", p.status.rawValue), ("name_zh", p.name.zh), ("name_en", p.name.en),
            ("county_zh", p.county.zh), ("county_en", p.county.en), ("start", String(p.firstYear)), ("end", String(p.lastYear)),
        ]
        if let n = p.note { rows += [("note_zh", n.zh), ("note_en", n.en)] }
        if let b = p.baseline {
            rows += [("baseline_year", String(b.year)), ("baseline_schools", String(b.schools)), ("baseline_students", String(b.students)),
                     ("baseline_staff", String(b.staff))]
            if let c = b.classes { rows.append(("baseline_classes", String(c))) }
        }
        return rows
    }

    public static func policyRows(_ p: Plan) -> [(String, String)] {
        let q = p.policy
        var rows: [(String, String)] = [
            ("cycle_start", q.cycleStart.description), ("cycle_years", String(q.cycleYears)), ("required_hours", String(q.requiredHours)),
            ("induction_counts", q.inductionCounts ? "true" : "false"), ("county_training_years", String(q.countyTrainingYears)),
            ("eligible_years_at_school", String(q.eligibleYearsAtSchool)),
            ("eligible_school_types", SchoolType.allCases.filter(q.eligibleSchoolTypes.contains).map(\.rawValue).joined(separator: ",")),
            ("eligible_areas", Area.allCases.filter(q.eligibleAreas.contains).map(\.rawValue).joined(separator: ",")),
            ("public_only", q.publicOnly ? "true" : "false"), ("backbone_target_metric", q.backboneTargetMetric.rawValue),
            ("studio_budget_min", q.studioBudgetMin.description), ("studio_budget_max", q.studioBudgetMax.description),
            ("pe_subjects", q.peSubjects.sorted().joined(separator: ",")), ("arts_subjects", q.artsSubjects.sorted().joined(separator: ",")),
            ("registration_years", String(q.registrationYears)), ("registration_warning_days", String(q.registrationWarningDays)),
            ("rotation_period_years", String(q.rotationPeriodYears)),
        ]
        if let r = q.retirement {
            func month(_ a: RetirementRule.Age) -> String { a.delayFromBirth.map { "\($0.year)-\($0.month < 10 ? "0" : "")\($0.month)" } ?? "" }
            rows += [("retirement_source", r.source),
                     ("retirement_male_age", String(r.male.years)), ("retirement_male_delay_from_birth_month", month(r.male)),
                     ("retirement_male_months_per_step", String(r.male.monthsPerStep)), ("retirement_male_max_delay_months", String(r.male.maxDelayMonths)),
                     ("retirement_female_age", String(r.female.years)), ("retirement_female_delay_from_birth_month", month(r.female)),
                     ("retirement_female_months_per_step", String(r.female.monthsPerStep)), ("retirement_female_max_delay_months", String(r.female.maxDelayMonths))]
        }
        return rows
    }

    /// Target rows: metric, year, op, value, source, continued (是/空).
    public static func targetRows(_ p: Plan) -> [[String]] {
        var out: [[String]] = []
        for key in MetricKey.allCases {
            for (year, t) in (p.targets[key] ?? [:]).sorted(by: { $0.key < $1.key }) {
                out.append([key.rawValue, String(year), t.op, t.value.decimalText, t.source, t.isContinued ? "是" : ""])
            }
        }
        return out
    }

    public static func standardRows(_ p: Plan) -> [[String]] {
        MetricKey.allCases.compactMap { key in p.nationalStandards[key].map { [key.rawValue, $0.op, $0.value.decimalText, $0.source] } }
    }

    /// A plan from its sheets. Without a policy sheet, the policy of the plan it follows is used.
    public static func plan(info: [String: String], policy: [String: String]?, follows: Plan?, targets: [TargetsSheet.Row],
                            standards: [(MetricKey, Plan.Target)]?) throws -> Plan {
        func need(_ k: String) throws -> String {
            guard let v = info[k].map(Text.trimmed), !v.isEmpty else {
                throw PlanError("“规划”工作表缺少 \(k)；请补上（可参照 plan export 的工作簿）", "The plan sheet lacks \(k); add it (see a workbook from plan export).")
            }
            return v
        }
        guard let start = Int(try need("start")), let end = Int(try need("end")) else {
            throw PlanError("“规划”工作表的 start 和 end 应为年份", "start and end on the plan sheet must be years.")
        }
        func int(_ k: String) -> Int? { info[k].flatMap { Int(Text.trimmed($0)) } }
        var baseline: Plan.Baseline?
        if let y = int("baseline_year"), let s = int("baseline_schools"), let st = int("baseline_students"), let sf = int("baseline_staff") {
            baseline = .init(year: y, schools: s, students: st, staff: sf, classes: int("baseline_classes"))
        }
        let note: Plan.Names? = info["note_zh"].map { Plan.Names(zh: $0, en: info["note_en"] ?? $0) }
        let policyFile: Plan.File.PolicyFile
        if let policy {
            policyFile = try policyFromRows(policy)
        } else if let follows {
            // A following plan's cycles start with its own period.
            var p = try follows.fileForm().policy
            p.cycle_start = "\(start)-01-01"
            policyFile = p
        } else {
            throw PlanError("工作簿中没有“政策”工作表，也没有可沿用政策的上一个规划；请加上“政策”工作表",
                            "The workbook has no policy sheet and there is no earlier plan to take the policy from; add a policy sheet.")
        }
        let nameZH = try need("name_zh")
        let file = Plan.File(
            id: try need("id"), status: info["status"], name: .init(zh: nameZH, en: info["name_en"] ?? nameZH),
            county: .init(zh: info["county_zh"] ?? follows?.county.zh ?? "", en: info["county_en"] ?? follows?.county.en ?? ""), note: note,
            period: .init(start: start, end: end), baseline: baseline, policy: policyFile, targets: [], national_standards: [])
        var plan = try Plan(file: file)
        for r in targets {
            guard plan.years.contains(r.year) else {
                throw PlanError("第 \(r.line) 行：\(r.year) 年不在规划期 \(start)–\(end) 内", "line \(r.line): \(r.year) is not in the plan period \(start)–\(end)")
            }
            plan.targets[r.metric, default: [:]][r.year] = r.target
        }
        if let standards {
            plan.nationalStandards = Dictionary(standards.map { ($0.0, Plan.Target(op: $0.1.op, value: $0.1.value, source: $0.1.source, isNationalStandard: true)) },
                                                uniquingKeysWith: { a, _ in a })
        } else if let follows {
            plan.nationalStandards = follows.nationalStandards
        }
        return plan
    }

    static func policyFromRows(_ r: [String: String]) throws -> Plan.File.PolicyFile {
        func s(_ k: String) throws -> String {
            guard let v = r[k].map(Text.trimmed), !v.isEmpty else {
                throw PlanError("“政策”工作表缺少 \(k)", "The policy sheet lacks \(k).")
            }
            return v
        }
        func i(_ k: String) throws -> Int {
            guard let v = Int(try s(k)) else { throw PlanError("“政策”工作表的 \(k) 应为整数", "\(k) on the policy sheet must be a whole number.") }
            return v
        }
        func b(_ k: String) throws -> Bool {
            guard let v = YesNo.parse(try s(k)) else { throw PlanError("“政策”工作表的 \(k) 应为 true 或 false", "\(k) on the policy sheet must be true or false.") }
            return v.bool
        }
        func d(_ k: String) throws -> Double {
            guard let v = Double(try s(k)) else { throw PlanError("“政策”工作表的 \(k) 应为数字", "\(k) on the policy sheet must be a number.") }
            return v
        }
        func list(_ k: String) -> [String] {
            (r[k] ?? "").split(whereSeparator: { $0 == "," || $0 == "，" || $0 == "、" }).map { Text.trimmed(String($0)) }.filter { !$0.isEmpty }
        }
        var retirement: RetirementRule.File?
        if let male = r["retirement_male_age"].flatMap({ Int(Text.trimmed($0)) }), let female = r["retirement_female_age"].flatMap({ Int(Text.trimmed($0)) }) {
            func age(_ prefix: String, _ years: Int) -> RetirementRule.File.AgeFile {
                let from = r["retirement_\(prefix)_delay_from_birth_month"].map(Text.trimmed).flatMap { $0.isEmpty ? nil : $0 }
                return .init(age: years, delay_from_birth_month: from, months_per_step: r["retirement_\(prefix)_months_per_step"].flatMap { Int(Text.trimmed($0)) },
                             max_delay_months: r["retirement_\(prefix)_max_delay_months"].flatMap { Int(Text.trimmed($0)) })
            }
            retirement = .init(source: r["retirement_source"], male: age("male", male), female: age("female", female))
        }
        return .init(
            cycle_start: try s("cycle_start"), cycle_years: try i("cycle_years"), required_hours: try i("required_hours"),
            induction_counts: try b("induction_counts"), county_training_years: try i("county_training_years"),
            rotation: .init(eligible_years_at_school: try i("eligible_years_at_school"), eligible_school_types: list("eligible_school_types"),
                            eligible_areas: list("eligible_areas"), public_only: try b("public_only"),
                            backbone_target_metric: try s("backbone_target_metric")),
            studio_budget_yuan: .init(min: try d("studio_budget_min"), max: try d("studio_budget_max")),
            pe_subjects: list("pe_subjects"), arts_subjects: list("arts_subjects"),
            registration_years: try i("registration_years"), registration_warning_days: try i("registration_warning_days"),
            retirement: retirement, rotation_period_years: r["rotation_period_years"].flatMap { Int(Text.trimmed($0)) })
    }
}

extension Plan {
    /// The plan as its file structure (for a following plan to take the policy from).
    func fileForm() throws -> File {
        // The JSON text is the one serialisation; reading it back gives the file structure.
        try JSONDecoder().decode(File.self, from: Data(jsonText().utf8))
    }
}
