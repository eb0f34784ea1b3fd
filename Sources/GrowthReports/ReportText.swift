import TeacherGrowth

/// Words and numbers shared by every report format.
public enum ReportText {
    /// One decimal of a percent, rounded half up, from integers (`95.0%`).
    public static func percent(_ n: Int, _ d: Int) -> String {
        guard d > 0 else { return "—" }
        let tenths = (2 * 1000 * n + d) / (2 * d)
        return Decimals.format(tenths, places: 1, trimZeroFraction: false) + "%"
    }

    /// Two decimals of a quotient, rounded half up (`1.25`).
    public static func decimal2(_ n: Int, _ d: Int) -> String {
        guard d > 0 else { return "—" }
        return Decimals.format((2 * 100 * n + d) / (2 * d), places: 2, trimZeroFraction: false)
    }

    /// The value as a report shows it: a percent for ratios, a number per 100 students for
    /// `backbone_per_100_students`, the count for counts.
    public static func value(_ m: MetricResult) -> String {
        switch m.kind {
        case .count: return "\(m.numerator)"
        case .ratio:
            if m.key == .backbone_per_100_students { return decimal2(m.tally.numerator, m.tally.denominator) }
            return percent(m.tally.numerator, m.tally.denominator)
        }
    }

    public static func fraction(_ m: MetricResult) -> String {
        guard m.kind == .ratio else { return "" }
        if m.key == .backbone_per_100_students { return "\(m.tally.numerator / 100)/\(m.tally.denominator)" }
        return "\(m.tally.numerator)/\(m.tally.denominator)"
    }

    public static func targetValue(_ key: MetricKey, _ t: Fraction) -> String {
        switch key.kind {
        case .count: return Decimals.format(t.numerator * 10 / t.denominator, places: 1, trimZeroFraction: true)
        case .ratio:
            if key == .backbone_per_100_students { return decimal2(t.numerator, t.denominator) }
            return percent(t.numerator, t.denominator)
        }
    }

    public static func target(_ m: MetricResult) -> String {
        guard let t = m.target else { return "" }
        return "≥" + targetValue(m.key, t.value)
    }

    public static func source(_ m: MetricResult, _ language: Language) -> String {
        guard let t = m.target else { return "" }
        return t.source + (t.isNationalStandard ? (language == .zh ? "（国家标准）" : " (national standard)") : "")
    }

    public static func status(_ s: MetricStatus, _ language: Language) -> String {
        switch (s, language) {
        case (.met, .zh): "达标"
        case (.not_met, .zh): "未达标"
        case (.no_target, .zh): "无目标"
        case (.no_data, .zh): "无数据"
        case (.met, .en): "met"
        case (.not_met, .en): "not met"
        case (.no_target, .en): "no target"
        case (.no_data, .en): "no data"
        }
    }

    /// One sentence on how far a `not_met` metric is from its target.
    public static func gap(_ m: MetricResult, plan: Plan, _ language: Language) -> String? {
        guard m.status == .not_met else { return nil }
        let zh = language == .zh
        guard let k = m.gap else {
            return zh ? "目标为100%：每一名交流轮岗教师都须是骨干教师" : "The target is 100%: every rotated teacher must be a backbone teacher"
        }
        let lo = plan.policy.studioBudgetMin.fen / 100, hi = plan.policy.studioBudgetMax.fen / 100
        switch m.key {
        case .certificate_rate: return zh ? "还需 \(k) 名专任教师取得相应教师资格证" : "\(k) more full-time teachers need a fitting certificate"
        case .training_360_rate: return zh ? "还需 \(k) 名专任教师达到360学时进度要求" : "\(k) more full-time teachers need to be on track for 360 hours"
        case .county_training_3yr_rate: return zh ? "还需 \(k) 名专任教师参加县级以上培训" : "\(k) more full-time teachers need a county-level or higher training"
        case .primary_associate_rate: return zh ? "还需 \(k) 名小学专任教师达到专科及以上学历" : "\(k) more primary teachers need an associate degree or higher"
        case .junior_bachelor_rate: return zh ? "还需 \(k) 名初中专任教师达到本科及以上学历" : "\(k) more junior-secondary teachers need a bachelor's degree or higher"
        case .private_above_required_new: return zh ? "还需新增 \(k) 名民办学校高于规定学历的专任教师" : "\(k) more new private-school teachers above the prescribed education"
        case .pe_arts_teachers, .pe_arts_added, .pe_arts_added_since_plan_start:
            return zh ? "还需增加 \(k) 名体育、艺术专任教师" : "\(k) more PE and arts teachers"
        case .pe_arts_staffing_rate: return zh ? "还需 \(k) 所学校配足体育、艺术教师" : "\(k) more schools need their full PE and arts quota"
        case .backbone_total: return zh ? "还需 \(k) 名县级以上骨干教师" : "\(k) more county-level or higher backbone teachers"
        case .backbone_new, .backbone_new_since_plan_start:
            return zh ? "还需新认定 \(k) 名县级以上骨干教师" : "\(k) more newly designated county-level or higher backbone teachers"
        case .top_talent_total: return zh ? "还需 \(k) 名特级教师、市级以上名师或正高级教师" : "\(k) more special-grade, municipal famous or professor-level teachers"
        case .backbone_per_100_students: return zh ? "义务教育学校还需 \(k) 名县级以上骨干教师" : "\(k) more backbone teachers in primary, junior and nine-year schools"
        case .exchange_rate: return zh ? "还需 \(k) 名符合条件的教师交流轮岗" : "\(k) more eligible teachers need to rotate"
        case .backbone_share_of_exchanged: return zh ? "还需 \(k) 名骨干教师交流轮岗" : "\(k) more backbone teachers need to rotate"
        case .backbone_exchange_rate: return zh ? "还需 \(k) 名骨干教师交流轮岗" : "\(k) more backbone teachers need to rotate"
        case .master_studios: return zh ? "还需 \(k) 个县级以上名师工作室" : "\(k) more county-level or higher master-teacher studios"
        case .studio_funding_rate: return zh ? "还需 \(k) 个工作室的年度经费达到 \(lo)–\(hi) 元" : "\(k) more studios need a budget of \(lo)–\(hi) yuan for the year"
        case .class_head_studios: return zh ? "还需 \(k) 个班主任工作室" : "\(k) more class-head studios"
        case .skill_master_studios: return zh ? "还需 \(k) 个技术技能大师工作室" : "\(k) more skill-master studios"
        case .dual_qualified_rate: return zh ? "还需 \(k) 名专业课教师取得“双师型”认定" : "\(k) more specialized-course teachers need dual-qualified status"
        }
    }

    public static func status(_ p: Projection, _ language: Language) -> String { status(p.status, language) }

    public static func title(_ report: GrowthReport, _ language: Language) -> String {
        if case .municipal = report.scope, report.plan.targets.isEmpty {
            // No municipal plan: the counties' figures, not any county plan's targets.
            return language == .zh ? "市级汇总 · 教师成长年度报告 \(report.year)（未载入市级规划，只列实际数）"
                : "Municipal roll-up · teacher-growth report \(report.year) (no municipal plan loaded: figures only)"
        }
        return language == .zh ? "\(report.plan.name.zh) · 教师成长目标年度报告 \(report.year)"
            : "Teacher-growth targets report \(report.year) · \(report.plan.name.en)"
    }

    public static func subtitle(_ report: GrowthReport, _ language: Language) -> String {
        let c = report.current.cycle
        let outside = !report.plan.years.contains(report.year)
        if language == .zh {
            return "\(report.scope.label(.zh) ?? report.plan.county.zh) · 截至 \(report.asOf)" + (report.inProgress ? "（本年度进行中）" : "") + " · 培训周期 \(c.start)–\(c.end)"
                + (outside ? " · 规划期外，不设目标" : "") + (report.plan.isDraft && !outside ? " · 目标依据规划草案" : "")
                + (report.isDemoData ? " · 演示数据（虚构）" : "")
        }
        return "\(report.scope.label(.en) ?? report.plan.county.en) · as of \(report.asOf)" + (report.inProgress ? " (year in progress)" : "") + " · training cycle \(c.start)–\(c.end)"
            + (outside ? " · outside the plan period: no targets" : "") + (report.plan.isDraft && !outside ? " · targets from a draft plan" : "")
            + (report.isDemoData ? " · synthetic demo data" : "")
    }

    /// The projected Dec 31 value of a metric of the year in progress (`96.2%`, `213`).
    public static func projection(_ p: Projection) -> String { value(p.result) }

    /// How a projection was made, in a few words.
    public static func method(_ p: Projection, _ language: Language) -> String {
        switch (p.method, language) {
        case (.recorded, .zh): "按已登记事实"
        case (.pace, .zh): "按今年以来速度"
        case (.recorded, .en): "recorded facts"
        case (.pace, .en): "pace so far"
        }
    }

    /// The note under a report of a year in progress: what the projection column means.
    public static func projectionNote(_ report: GrowthReport, _ language: Language) -> String {
        let end = CivilDate.lastDay(of: report.year)
        let elapsed = CivilDate.firstDay(of: report.year).days(until: report.asOf) + 1
        if language == .zh {
            return "“预计年底”为 \(end) 的推算值：一般指标按已登记的事实计算（年内晚些结束的培训、到期或撤销的称号和证书、已定离岗日期的人员都按其日期计入）；"
                + "新认定骨干、新增体育艺术教师、新增民办学校高学历教师和交流轮岗人数，另按今年前 \(elapsed) 天的速度推算其余 \(report.asOf.days(until: end)) 天。"
        }
        return "\"Projected\" is the estimate for \(end): most metrics are computed from the facts already recorded (trainings ending later in the year, "
            + "designations and certificates lapsing, staff leaving on set dates, each on its date); new backbone awards, PE/arts and private-school hires and "
            + "rotations also continue at the pace of the first \(elapsed) days for the remaining \(report.asOf.days(until: end))."
    }

    public static func groupLabel(_ type: SchoolType?, _ language: Language) -> String {
        type?.label(language) ?? (language == .zh ? "未指定" : "unspecified")
    }

    public static func groupLabel(_ area: Area?, _ language: Language) -> String {
        area?.label(language) ?? (language == .zh ? "未指定" : "unspecified")
    }

    public static func stageLabel(_ i: Int, _ language: Language) -> String {
        i < Stage.allCases.count ? Stage.allCases[i].label(language) : (language == .zh ? "未指定" : "unspecified")
    }

    /// `value (n/d)` of a breakdown group.
    public static func pair(_ key: MetricKey, _ p: MetricTally.Pair) -> String {
        if key == .backbone_per_100_students { return "\(decimal2(p.numerator, p.denominator)) (\(p.numerator / 100)/\(p.denominator))" }
        return "\(percent(p.numerator, p.denominator)) (\(p.numerator)/\(p.denominator))"
    }
}
