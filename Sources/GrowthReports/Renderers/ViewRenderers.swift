import Foundation
import Spreadsheets
import TeacherGrowth

/// JSON, CSV and text of the SPEC §9 views.
public enum ComplianceRendering {
    static func hours(_ h: Hours) -> JSONValue { .number(h.oneDecimal) }
    static func date(_ d: CivilDate?) -> JSONValue { d.map { .string($0.description) } ?? .null }

    public static func teacherJSON(_ r: ComplianceRow, name: String?, asOf d: CivilDate) -> JSONValue {
        .object([
            ("staff_no", .string(r.staffNo)),
            ("name", name.map { .string($0) } ?? .null),
            ("school_code", .string(r.schoolCode)),
            ("stage", .string(r.stage.rawValue)),
            ("cycle_hours", hours(r.cycleHours)),
            ("required_hours", hours(r.requiredHours)),
            ("on_track", .bool(r.onTrack)),
            ("hours_needed", hours(r.hoursNeeded)),
            ("hours_needed_per_year", hours(r.hoursNeededPerYear)),
            ("last_county_training_on", date(r.lastCountyTrainingOn)),
            ("county_training_due_on", .string(r.countyTrainingDueOn.description)),
            ("county_training_overdue", .bool(r.isCountyTrainingOverdue(on: d))),
            ("certificate_fits", .bool(r.certificateFits)),
            ("must_register", .bool(r.mustRegister)),
            ("registration_certificate", r.registrationCertificate.map { .string($0) } ?? .null),
            ("registration_due_on", date(r.registrationDueOn)),
            ("registration_outcome", r.registrationOutcome.map { .string($0.rawValue) } ?? .null),
            ("designations", .array(r.designations.map { g in
                .object([("kind", .string(g.kind.rawValue)), ("level", .string(g.level.rawValue)),
                         ("awarded_on", .string(g.awardedOn.description)), ("expires_on", date(g.expiresOn))])
            })),
        ])
    }

    /// `compliance --format json`. `names: false` leaves names out (for callers that must not show them).
    public static func json(_ v: ComplianceView, school: String?, names: Bool = true) -> String {
        JSONValue.object([
            ("as_of", .string(v.asOf.description)),
            ("cycle", .object([("start", .string(v.cycle.start.description)), ("end", .string(v.cycle.end.description))])),
            ("school", school.map { .string($0) } ?? .null),
            ("due_within", v.dueWithin.map { .int($0) } ?? .null),
            ("teachers", .array(v.rows.map { teacherJSON($0, name: names ? v.names[$0.staffNo] : nil, asOf: v.asOf) })),
            ("schools", .array(v.schools.map { s in
                .object([("school_code", .string(s.schoolCode)), ("name", .string(s.schoolName)), ("teachers", .int(s.teachers)),
                         ("on_track", .int(s.onTrack)), ("county_training_overdue", .int(s.countyTrainingOverdue)),
                         ("without_fitting_certificate", .int(s.withoutFittingCertificate)),
                         ("registration_overdue", .int(s.registrationOverdue)), ("registration_due_soon", .int(s.registrationDueSoon))])
            })),
        ]).render() + "\n"
    }

    /// `compliance --format csv`: Chinese headers and values by default; with English, the SPEC
    /// §9 field names and codes (yes/no, passed/deferred/failed).
    public static func csv(_ v: ComplianceView, names: Bool = true, language: Language = .zh) -> String {
        TableOutput.csv(table(v, names: names, language: language), language: language)
    }

    /// `compliance --format xlsx`: the teachers, and the summary per school.
    public static func workbook(_ v: ComplianceView, names: Bool = true, language: Language = .zh) throws -> Data {
        try TableOutput.workbook([table(v, names: names, language: language), summaryTable(v, language: language)])
    }

    /// What the compliance page says about the last county-level training when there has been none.
    public static func countyDueText(_ r: ComplianceRow, asOf d: CivilDate, language: Language) -> String {
        if r.lastCountyTrainingOn == nil && r.isCountyTrainingOverdue(on: d) {
            return language == .zh ? "从未参加县级以上培训" : "never had a county-level training"
        }
        return r.countyTrainingDueOn.description
    }

    public static func table(_ v: ComplianceView, names: Bool = true, language: Language = .zh) -> ReportTable {
        let d = v.asOf
        guard language == .zh else {
            var t = ReportTable(name: "compliance", headers: ["staff_no", "name", "school_code", "stage", "cycle_hours", "required_hours", "on_track",
                                                               "hours_needed", "hours_needed_per_year", "last_county_training_on", "county_training_due_on",
                                                               "certificate_fits", "registration_due_on", "registration_outcome", "designations"])
            for r in v.rows {
                t.rows.append([.text(r.staffNo), .text(names ? v.names[r.staffNo] ?? "" : ""), .text(r.schoolCode), .text(r.stage.rawValue),
                               .oneDecimal(r.cycleHours.oneDecimal), .oneDecimal(r.requiredHours.oneDecimal), .bool(r.onTrack),
                               .oneDecimal(r.hoursNeeded.oneDecimal), .oneDecimal(r.hoursNeededPerYear.oneDecimal),
                               r.lastCountyTrainingOn.map { .date($0) } ?? .empty, .date(r.countyTrainingDueOn), .bool(r.certificateFits),
                               r.registrationDueOn.map { .date($0) } ?? .empty, r.registrationOutcome.map { .text($0.rawValue) } ?? .empty,
                               .text(r.designations.map { "\($0.kind.rawValue):\($0.level.rawValue)" }.joined(separator: ";"))])
            }
            return t
        }
        let schoolNames = Dictionary(v.schools.map { ($0.schoolCode, $0.schoolName) }, uniquingKeysWith: { a, _ in a })
        var t = ReportTable(name: "教师合规明细", headers: ["工号", "姓名", "学校代码", "学校", "任教学段", "周期学时", "进度要求学时", "学时达进度",
                                                        "尚需学时", "每年需完成学时", "最近县级以上培训", "县级培训到期", "县级培训",
                                                        "资格证相符", "须定期注册", "注册到期", "注册预判", "有效称号"])
        for r in v.rows {
            let countyState = r.isCountyTrainingOverdue(on: d) ? "逾期" : (r.countyTrainingDueOn <= d.adding(days: 90) ? "临期" : "正常")
            let due: CellValue = r.lastCountyTrainingOn == nil && r.isCountyTrainingOverdue(on: d)
                ? .text(countyDueText(r, asOf: d, language: .zh)) : .date(r.countyTrainingDueOn)
            t.rows.append([.text(r.staffNo), .text(names ? v.names[r.staffNo] ?? "" : ""), .text(r.schoolCode), .text(schoolNames[r.schoolCode] ?? ""),
                           .text(r.stage.chineseLabel), .oneDecimal(r.cycleHours.oneDecimal), .oneDecimal(r.requiredHours.oneDecimal), .bool(r.onTrack),
                           .oneDecimal(r.hoursNeeded.oneDecimal), .oneDecimal(r.hoursNeededPerYear.oneDecimal),
                           r.lastCountyTrainingOn.map { .date($0) } ?? .text("从未参加"), due, .text(countyState), .bool(r.certificateFits),
                           .bool(r.mustRegister),
                           r.registrationDueOn.map { .date($0) } ?? .text(r.mustRegister ? "无相应资格证" : "非在编公办，无需注册"),
                           r.registrationOutcome.map { .text($0.chineseLabel) } ?? .empty,
                           .text(r.designations.map { "\($0.kind.chineseLabel)（\($0.level.chineseLabel)）" }.joined(separator: "、"))])
        }
        return t
    }

    public static func summaryTable(_ v: ComplianceView, language: Language = .zh) -> ReportTable {
        let zh = language == .zh
        var t = ReportTable(name: zh ? "学校汇总" : "schools",
                            headers: zh ? ["学校代码", "学校", "专任教师", "学时达进度", "县级培训逾期", "无相应资格证", "注册逾期", "注册临期"]
                                        : ["school_code", "name", "teachers", "on_track", "county_training_overdue", "without_fitting_certificate",
                                           "registration_overdue", "registration_due_soon"])
        for s in v.schools {
            t.rows.append([.text(s.schoolCode), .text(s.schoolName), .integer(s.teachers), .integer(s.onTrack), .integer(s.countyTrainingOverdue),
                           .integer(s.withoutFittingCertificate), .integer(s.registrationOverdue), .integer(s.registrationDueSoon)])
        }
        return t
    }

    public static func text(_ v: ComplianceView, language: Language) -> String {
        let zh = language == .zh
        let d = v.asOf
        var out = (zh ? "教师合规情况 · 截至 \(d) · 培训周期 \(v.cycle.start)–\(v.cycle.end)" : "Teacher compliance · as of \(d) · cycle \(v.cycle.start)–\(v.cycle.end)")
        if let w = v.dueWithin { out += zh ? " · \(w) 天内到期事项" : " · due within \(w) days" }
        out += "\n"
        if v.rows.isEmpty { return out + (zh ? "（没有符合条件的专任教师）\n" : "(no full-time teachers to list)\n") }
        let bySchool = Dictionary(grouping: v.rows, by: \.schoolCode)
        for s in v.schools {
            out += "\n\(s.schoolName) \(s.schoolCode)  " + (zh
                ? "专任教师 \(s.teachers) · 学时达进度 \(s.onTrack) · 县级培训逾期 \(s.countyTrainingOverdue) · 无相应资格证 \(s.withoutFittingCertificate) · 注册逾期 \(s.registrationOverdue) · 注册临近 \(s.registrationDueSoon)"
                : "teachers \(s.teachers) · on track \(s.onTrack) · county training overdue \(s.countyTrainingOverdue) · no fitting certificate \(s.withoutFittingCertificate) · registration overdue \(s.registrationOverdue) · due soon \(s.registrationDueSoon)") + "\n"
            var t = TextTable(headers: zh ? ["工号", "姓名", "周期学时", "进度要求", "尚需", "每年", "县级培训到期", "资格证", "注册到期", "注册预判"]
                                       : ["Staff", "Name", "Hours", "Required", "Needed", "Per yr", "County due", "Cert", "Reg. due", "Outcome"],
                              alignments: [.left, .left, .right, .right, .right, .right, .left, .left, .left, .left], maxColumnWidth: 12)
            for r in bySchool[s.schoolCode] ?? [] {
                let county = r.countyTrainingDueOn.description + (r.isCountyTrainingOverdue(on: d) ? "!" : "")
                let reg = r.registrationDueOn.map { $0.description + ($0 < d ? "!" : "") } ?? "—"
                t.add([r.staffNo, v.names[r.staffNo] ?? "", r.cycleHours.oneDecimal, r.requiredHours.oneDecimal, r.hoursNeeded.oneDecimal,
                       r.hoursNeededPerYear.oneDecimal, county, r.certificateFits ? (zh ? "相符" : "fits") : (zh ? "不符" : "NO"), reg,
                       r.registrationOutcome?.label(language) ?? ""])
            }
            out += t.render(indent: "  ")
        }
        out += zh ? "\n“!” 表示已逾期。\n" : "\n\"!\" marks what is overdue.\n"
        return out
    }
}

public enum RotationRendering {
    public static func json(_ v: RotationView, plan: Plan, language: Language = .zh) -> String {
        JSONValue.object([
            ("year", .int(v.year)),
            ("as_of", .string(v.asOf.description)),
            ("metrics", .array(v.metrics.map { JSONReport.metric($0, plan: plan, language: language, breakdowns: false) })),
            ("schools", .array(v.schools.map { s in
                .object([("school_code", .string(s.schoolCode)), ("name", .string(s.schoolName)), ("eligible", .int(s.eligible)),
                         ("exchanged", .int(s.exchanged)), ("backbone_exchanged", .int(s.backboneExchanged))])
            })),
            ("flows", .array(v.flows.map { f in
                .object([("from", f.from.map { .string($0.rawValue) } ?? .null), ("to", f.to.map { .string($0.rawValue) } ?? .null),
                         ("rotations", .int(f.rotations))])
            })),
            ("plan", .object([
                ("metric", .string(v.planMetric.rawValue)),
                ("target", v.planTarget.map { t in .object([("op", .string(t.op)), ("value", .double(t.value.doubleValue)), ("source", .string(t.source))]) } ?? .null),
                ("k", v.k.map { .int($0) } ?? .null),
            ])),
            ("candidates", .array(v.candidates.map { c in
                .object([("staff_no", .string(c.staffNo)), ("school_code", .string(c.schoolCode)), ("years_at_school", .int(c.yearsAtSchool)),
                         ("since", .string(c.since.description)), ("within_k", .bool(c.withinK))])
            })),
        ]).render() + "\n"
    }

    /// `rotation --format csv`: the schools, then the candidates, one section column apart.
    public static func csv(_ v: RotationView, language: Language = .zh) -> String {
        let zh = language == .zh
        var t = ReportTable(name: "rotation", headers: zh
            ? ["类别", "学校代码", "学校", "符合条件", "已交流", "骨干已交流", "工号", "姓名", "在校年限", "年龄", "达到目标所需前k名"]
            : ["section", "school_code", "name", "eligible", "exchanged", "backbone_exchanged", "staff_no", "staff_name", "years_at_school", "age", "within_k"])
        for s in v.schools {
            t.rows.append([.text(zh ? "学校" : "school"), .text(s.schoolCode), .text(s.schoolName), .integer(s.eligible), .integer(s.exchanged),
                           .integer(s.backboneExchanged), .empty, .empty, .empty, .empty, .empty])
        }
        for c in v.candidates {
            t.rows.append([.text(zh ? "候选人" : "candidate"), .text(c.schoolCode), .text(v.schoolNames[c.schoolCode] ?? ""), .empty, .empty, .empty,
                           .text(c.staffNo), .text(v.names[c.staffNo] ?? ""), .integer(c.yearsAtSchool), c.age.map { .integer($0) } ?? .empty,
                           .bool(c.withinK)])
        }
        return TableOutput.csv(t, language: language)
    }

    /// `rotation --format xlsx`: the three ratios, the schools, the flows and the candidates.
    public static func workbook(_ v: RotationView, plan: Plan, language: Language = .zh) throws -> Data {
        let zh = language == .zh
        var metrics = ReportTable(name: zh ? "交流轮岗指标" : "metrics", headers: zh ? ["指标", "实际", "分子", "分母", "目标", "状态"]
                                                                                : ["metric", "value", "numerator", "denominator", "target", "status"])
        for m in v.metrics {
            metrics.rows.append([.text(m.key.label(language)), .fraction(m.tally.numerator, m.tally.denominator), .integer(m.tally.numerator),
                                 .integer(m.tally.denominator), m.target.map { .percent($0.value.doubleValue) } ?? .empty,
                                 .text(ReportText.status(m.status, language))])
        }
        var schools = ReportTable(name: zh ? "各校" : "schools", headers: zh ? ["学校代码", "学校", "符合条件", "已交流", "骨干已交流"]
                                                                            : ["school_code", "name", "eligible", "exchanged", "backbone_exchanged"])
        for s in v.schools {
            schools.rows.append([.text(s.schoolCode), .text(s.schoolName), .integer(s.eligible), .integer(s.exchanged), .integer(s.backboneExchanged)])
        }
        var flows = ReportTable(name: zh ? "流向" : "flows", headers: zh ? ["原单位城乡类型", "交流单位城乡类型", "人次"] : ["from", "to", "rotations"])
        for f in v.flows {
            flows.rows.append([.text(ReportText.groupLabel(f.from, language)), .text(ReportText.groupLabel(f.to, language)), .integer(f.rotations)])
        }
        var candidates = ReportTable(name: zh ? "候选骨干教师" : "candidates", headers: zh
            ? ["工号", "姓名", "学校代码", "学校", "在校年限", "自", "年龄", "达到目标所需前k名"]
            : ["staff_no", "name", "school_code", "school", "years_at_school", "since", "age", "within_k"])
        for c in v.candidates {
            candidates.rows.append([.text(c.staffNo), .text(v.names[c.staffNo] ?? ""), .text(c.schoolCode), .text(v.schoolNames[c.schoolCode] ?? ""),
                                    .integer(c.yearsAtSchool), .date(c.since), c.age.map { .integer($0) } ?? .empty, .bool(c.withinK)])
        }
        return try TableOutput.workbook([metrics, schools, flows, candidates])
    }

    public static func text(_ v: RotationView, plan: Plan, language: Language) -> String {
        let zh = language == .zh
        var out = zh ? "教师交流轮岗 \(v.year) · 截至 \(v.asOf)\n\n" : "Teacher rotation \(v.year) · as of \(v.asOf)\n\n"
        var m = TextTable(headers: zh ? ["指标", "目标", "实际", "分子/分母", "状态"] : ["Metric", "Target", "Actual", "Num/Den", "Status"],
                          alignments: [.left, .right, .right, .right, .left])
        for r in v.metrics {
            m.add([r.key.label(language), ReportText.target(r), ReportText.value(r), ReportText.fraction(r), ReportText.status(r.status, language)])
        }
        out += m.render()
        let total = v.flows.reduce(0) { $0 + $1.rotations }
        out += "\n" + (zh ? "流向（\(total) 人次）：" : "Flows (\(total) rotations): ")
        out += v.flows.map { "\(ReportText.groupLabel($0.from, language))→\(ReportText.groupLabel($0.to, language)) \($0.rotations)" }.joined(separator: " · ") + "\n"
        out += "\n" + (zh ? "计划：" : "Plan: ") + v.planMetric.label(language)
        if let t = v.planTarget {
            out += zh ? " 目标 ≥\(ReportText.targetValue(v.planMetric, t.value))，" : " target ≥\(ReportText.targetValue(v.planMetric, t.value)), "
            if let k = v.k {
                out += zh ? "还需 \(k) 名骨干教师交流轮岗。\n" : "\(k) more backbone exchanges reach it.\n"
            } else {
                out += zh ? "目标为100%：每一名交流轮岗教师都须是骨干教师。\n" : "the target is 100%: every rotated teacher must be a backbone teacher.\n"
            }
        } else {
            out += zh ? "（本年无目标）\n" : " (no target this year)\n"
        }
        var s = TextTable(headers: zh ? ["学校", "符合条件", "已交流", "骨干已交流"] : ["School", "Eligible", "Exchanged", "Backbone"],
                          alignments: [.left, .right, .right, .right], maxColumnWidth: 40)
        for f in v.schools { s.add(["\(f.schoolName) \(f.schoolCode)", "\(f.eligible)", "\(f.exchanged)", "\(f.backboneExchanged)"]) }
        out += "\n" + s.render()
        var c = TextTable(headers: zh ? ["", "工号", "学校", "在校年限", "自"] : ["", "Staff", "School", "Years", "Since"],
                          alignments: [.left, .left, .left, .right, .left])
        for x in v.candidates.prefix(200) {
            c.add([x.withinK ? "★" : "", x.staffNo, x.schoolCode, "\(x.yearsAtSchool)", x.since.description])
        }
        out += "\n" + (zh ? "候选骨干教师（★ = 达到目标所需的前 k 名）：\(v.candidates.count) 人\n" : "Candidates (★ = the first k): \(v.candidates.count)\n")
        out += c.render()
        if v.candidates.count > 200 { out += zh ? "……（其余见 --format csv）\n" : "… (the rest: --format csv)\n" }
        return out
    }
}
