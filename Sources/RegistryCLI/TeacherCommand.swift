import ArgumentParser
import GrowthReports
import RegistryStore
import TeacherGrowth

struct TeacherCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "teacher", abstract: "One person's record.", subcommands: [Show.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Everything held about one person: assignments, degrees, titles, training by cycle, certificates and registrations, designations, rotations, studios, appraisals and the history of changes.")

        @OptionGroup var database: DatabaseOptions
        @Argument(help: "工号 The staff number.") var staffNo: String
        @OptionGroup var language: LanguageOption
        @Flag(help: "同时列出此人的全部变更记录 Also list every change recorded for this person.") var history = false

        func run() throws {
            let registry = try database.backend()
            guard let record = try registry.teacherRecord(staffNo: staffNo) else {
                throw UserError("\(database.displayName) 中没有工号 \(staffNo)；请核对工号，或先导入教师表",
                                "There is no staff number \(staffNo) in \(database.displayName); check the number (工号) or import teachers.csv first.")
            }
            try ReadAudit.record(registry, command: "teacher show\(history ? " --history" : "")", what: "teacher", school: record.assignments.last?.schoolCode,
                                 staffNo: staffNo, people: 1)
            print(TeacherRecordText.render(record, language: language.language, history: history), terminator: "")
        }
    }
}

/// `teacher show` as text. Shown locally to HR, so the identity number is given in full.
enum TeacherRecordText {
    static func render(_ r: TeacherRecord, language: Language, history: Bool) -> String {
        let zh = language == .zh
        func t(_ zhText: String, _ en: String) -> String { zh ? zhText : en }
        func d(_ date: CivilDate?) -> String { date?.description ?? "" }
        func label<V: CodeListValue>(_ v: V?) -> String { v?.label(language) ?? "" }
        var out = ""
        let p = r.person
        out += "\(p.name)  \(p.staffNo)\n"
        var facts: [(String, String)] = [
            (t("性别", "Gender"), p.gender.flatMap(Gender.init(rawValue:)).map { $0.label(language) } ?? ""),
            (t("出生日期", "Born"), p.birthDate ?? ""),
            (t("身份证号", "National ID"), p.nationalID ?? ""),
            (t("入职日期", "Hired"), d(p.hiredOn)),
            (t("离岗日期", "Left"), d(p.leftOn)),
            (t("编制", "Establishment"), Establishment(rawValue: p.establishment)?.label(language) ?? p.establishment),
        ]
        facts = facts.filter { !$0.1.isEmpty }
        let w = facts.map { DisplayWidth.of($0.0) }.max() ?? 0
        for (k, v) in facts { out += "  \(DisplayWidth.pad(k, to: w))  \(v)\n" }

        func section(_ title: String, _ table: TextTable, empty: Bool) {
            out += "\n\(title)\n"
            out += empty ? "  " + t("（无）", "(none)") + "\n" : table.render(indent: "  ")
        }

        var a = TextTable(headers: [t("学校", "School"), t("开始", "From"), t("结束", "To"), t("岗位", "Post"),
                                    t("学段", "Stage"), t("学科", "Subject"), t("课程类别", "Course type")], maxColumnWidth: 24)
        for x in r.assignments {
            let end = x.to.map(\.description) ?? x.effectiveEnd.map { "(\($0))" } ?? t("至今", "now")
            a.add([x.schoolName.map { "\($0) \(x.schoolCode)" } ?? x.schoolCode, d(x.from), end, label(x.post), label(x.stage),
                   x.subject ?? "", label(x.courseType)])
        }
        section(t("任职经历", "Assignments"), a, empty: r.assignments.isEmpty)

        var e = TextTable(headers: [t("类别", "Record"), t("内容", "Value"), t("日期", "Date")])
        for x in r.degrees { e.add([t("学历", "Education"), label(x.education), d(x.obtainedOn)]) }
        for x in r.titles { e.add([t("职称", "Title"), label(x.title), d(x.from)]) }
        section(t("学历与职称", "Education and titles"), e, empty: r.degrees.isEmpty && r.titles.isEmpty)

        out += "\n" + t("培训学时（按周期）", "Training by cycle") + "\n"
        if r.transcript.isEmpty { out += "  " + t("（无）", "(none)") + "\n" }
        for c in r.transcript {
            out += "  \(c.cycle.start)–\(c.cycle.end)  " +
                t("计入学时 \(c.countedHours.oneDecimal)，入职培训 \(c.inductionHours.oneDecimal)，待审核 \(c.pendingHours.oneDecimal)",
                  "counted \(c.countedHours.oneDecimal) h, induction \(c.inductionHours.oneDecimal) h, pending \(c.pendingHours.oneDecimal) h") + "\n"
            var tt = TextTable(headers: ["ID", t("培训项目", "Programme"), t("级别", "Level"), t("类型", "Kind"),
                                         t("起止", "Dates"), t("学时", "Hours"), t("状态", "Status")],
                               alignments: [.right, .left, .left, .left, .left, .right, .left], maxColumnWidth: 26)
            for x in c.records {
                let status = x.voidReason.map { t("已作废：", "void: ") + $0 } ?? (TrainingStatus(rawValue: x.status)?.label(language) ?? x.status)
                tt.add(["\(x.id)", x.title, TrainingLevel(rawValue: x.level)?.label(language) ?? x.level,
                        TrainingKind(rawValue: x.kind)?.label(language) ?? x.kind, "\(x.startDate)–\(x.endDate)",
                        x.hours.oneDecimal, status])
            }
            out += tt.render(indent: "    ")
        }

        var c = TextTable(headers: [t("资格种类", "Certificate"), t("证书号码", "Number"), t("颁发日期", "Issued"),
                                    t("撤销日期", "Revoked"), t("定期注册", "Registrations")], maxColumnWidth: 30)
        for x in r.certificates {
            c.add([label(x.kind), x.number, d(x.issuedOn), d(x.revokedOn),
                   x.registrations.map { "\($0.on) \($0.result.label(language))" }.joined(separator: "; ")])
        }
        section(t("教师资格与注册", "Certificates and registrations"), c, empty: r.certificates.isEmpty)

        var g = TextTable(headers: [t("称号", "Designation"), t("级别", "Level"), t("等级", "Tier"), t("认定日期", "Awarded"),
                                    t("有效期至", "Expires"), t("撤销日期", "Revoked")])
        for x in r.designations {
            g.add([label(x.kind), label(x.level), label(x.tier), d(x.awardedOn), d(x.expiresOn), d(x.revokedOn)])
        }
        section(t("称号", "Designations"), g, empty: r.designations.isEmpty)

        var ro = TextTable(headers: [t("类型", "Kind"), t("原单位", "From"), t("交流单位", "To"), t("开始", "Start"),
                                     t("结束", "End"), t("调动人事关系", "Transfer")])
        for x in r.rotations {
            ro.add([label(x.kind), x.fromSchool, x.toSchool, d(x.start), d(x.end), x.transfersPersonnel ? t("是", "yes") : t("否", "no")])
        }
        section(t("交流轮岗", "Rotations"), ro, empty: r.rotations.isEmpty)

        var s = TextTable(headers: [t("工作室", "Studio"), t("类别", "Kind"), t("级别", "Level"), t("角色", "Role"),
                                    t("加入", "Joined"), t("退出", "Left")], maxColumnWidth: 28)
        for x in r.studios {
            s.add(["\(x.name) \(x.code)", label(x.kind), label(x.level), label(x.role), d(x.joinedOn), d(x.leftOn)])
        }
        section(t("工作室", "Studios"), s, empty: r.studios.isEmpty)

        var ap = TextTable(headers: [t("年度", "Year"), t("考核结果", "Appraisal")])
        for x in r.appraisals { ap.add(["\(x.year)", x.result.label(language)]) }
        section(t("年度考核", "Appraisals"), ap, empty: r.appraisals.isEmpty)

        if history {
            // One line per change; an update names each changed field as `old → new`.
            out += "\n" + t("变更记录", "History of changes") + "\n"
            if r.changes.isEmpty { out += "  " + t("（无）", "(none)") + "\n" }
            for x in r.changes {
                let source = x.file.map { f in x.line.map { "\(f):\($0)" } ?? f } ?? x.command
                var line = "  \(ChinaTime.display(x.at))  \(x.actor)  \(HistoryText.action(x.action, zh))\(HistoryText.entity(x.entity, zh)) \(x.key)"
                if let detail = x.detail, !detail.isEmpty { line += "  " + HistoryText.detail(detail, table: x.entity, zh: zh) }
                line += "  [\(source)]"
                out += line.replacingOccurrences(of: "\n", with: " ") + "\n"
            }
        }
        return out
    }
}

/// The words of one history line.
enum HistoryText {
    static func action(_ a: String, _ zh: Bool) -> String {
        switch a {
        case "add": zh ? "新增" : "added "
        case "update": zh ? "更新" : "updated "
        case "void": zh ? "作废" : "voided "
        default: a + " "
        }
    }

    static func entity(_ table: String, _ zh: Bool) -> String {
        zh ? (ImportKind.all.first { $0.table == table }?.chineseName ?? table) : table
    }

    /// `培训获得学时 hours: 24 → 36；培训项目名称 title: 旧 → 新` (Chinese) or `hours: 24 → 36; title: …`.
    static func detail(_ detail: String, table: String, zh: Bool) -> String {
        guard let parsed = UpdateDetail.parse(detail, table: table) else { return detail }
        var parts: [String] = []
        for f in parsed.fields {
            let name = zh ? "\(UpdateDetail.chineseName(table: table, field: f.name) ?? f.name) \(f.name)" : f.name
            if f.old == "*" && f.new == "*" { parts.append(zh ? "\(name): 已更改（不显示号码）" : "\(name): changed (not shown)"); continue }
            let empty = zh ? "（空）" : "(empty)"
            parts.append("\(name): \(f.old.flatMap { $0.isEmpty ? nil : $0 } ?? empty) → \(f.new.flatMap { $0.isEmpty ? nil : $0 } ?? empty)")
        }
        for n in parsed.notes { parts.append("\(zh ? (UpdateDetail.chineseName(table: table, field: n.name) ?? n.name) : n.name): \(n.text)") }
        return parts.joined(separator: zh ? "；" : "; ")
    }
}
