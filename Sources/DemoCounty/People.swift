import TeacherGrowth

/// Makes one person at a time, with every fact about them.
struct People {
    let p: DemoParameters
    let scale: Double
    var namespace = DemoNamespace.first
    let years: [Int]
    var serial = 0
    var certificateSerial = 0
    var trainingSerial = 0

    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢冉")
    static let given = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞婷雪琳晨宇浩然欣怡子涵思雨佳俊峰志文博")
    static let primarySubjects = ["语文", "语文", "语文", "数学", "数学", "数学", "英语", "科学", "道德与法治", "信息技术", "体育", "音乐", "美术"]
    static let secondarySubjects = ["语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理", "道德与法治", "信息技术", "体育", "音乐", "美术"]
    static let seniorSubjects = ["语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理", "思想政治", "信息技术", "体育与健康", "音乐", "美术"]
    static let vocationalSubjects = ["数控技术", "汽车维修", "电子商务", "旅游服务", "护理", "计算机应用", "学前教育"]
    static let trainingNames = ["国培计划", "市级骨干研修", "县级全员培训", "校本研修", "信息技术应用能力提升", "师德师风专题", "新课标解读",
                                "班主任能力提升", "心理健康教育", "作业设计专题", "乡村教师支持计划"]

    init(parameters: DemoParameters, scale: Double) {
        p = parameters
        self.scale = scale
        years = Array(parameters.first_year...parameters.last_year)
    }

    func date(_ y: Int, _ m: Int, _ d: Int) -> CivilDate { CivilDate(year: y, month: m, day: min(d, 28))! }

    func stageFor(_ type: SchoolType, _ rng: inout SplitMix64) -> Stage {
        switch type {
        case .kindergarten: .kindergarten
        case .primary: .primary
        case .junior: .junior
        case .nine_year: rng.chance(0.6) ? .primary : .junior
        case .complete_secondary: rng.chance(0.5) ? .junior : .senior
        case .senior, .other: .senior
        case .vocational: rng.chance(0.12) ? .vocational_practice : .vocational
        case .special: .special
        }
    }

    func subjectFor(_ stage: Stage, _ rng: inout SplitMix64) -> String {
        switch stage {
        case .kindergarten: "学前教育"
        case .primary, .special: rng.pick(People.primarySubjects)
        case .junior: rng.pick(People.secondarySubjects)
        case .senior: rng.pick(People.seniorSubjects)
        case .vocational, .vocational_practice: rng.pick(People.vocationalSubjects)
        }
    }

    func nationalID(_ birth: CivilDate, _ serial: Int) -> String {
        let b = birth.description.replacingOccurrences(of: "-", with: "")
        let seq = String(100 + serial % 900)
        let body = namespace.area + b + seq
        let w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body, w).reduce(0) { $0 + $1.0.wholeNumberValue! * $1.1 }
        return body + String(Array("10X98765432")[sum % 11])
    }

    func education(for stage: Stage, age: Int, _ rng: inout SplitMix64) -> Education {
        let r = rng.unit()
        switch stage {
        case .kindergarten: return r < 0.35 ? .secondary_vocational : r < 0.8 ? .associate : .bachelor
        case .primary, .special:
            return r < 0.12 + Double(max(0, age - 45)) * 0.01 ? .secondary_vocational : r < 0.55 ? .associate : r < 0.98 ? .bachelor : .master
        case .junior: return r < 0.09 ? .associate : r < 0.94 ? .bachelor : .master
        case .senior, .vocational, .vocational_practice: return r < 0.03 ? .associate : r < 0.88 ? .bachelor : .master
        }
    }

    func certificateKind(for stage: Stage, fits: Bool) -> CertificateKind {
        switch stage {
        case .kindergarten: fits ? .kindergarten : .kindergarten
        case .primary, .special: fits ? .primary : .kindergarten
        case .junior: fits ? .junior : .primary
        case .senior: fits ? .senior : .junior
        case .vocational: fits ? .vocational : .junior
        case .vocational_practice: fits ? .vocational_practice : .junior
        }
    }

    /// One person and all their facts.
    mutating func person(at school: DemoCountyGenerator.SchoolPlan, rng: inout SplitMix64, sink: inout some DemoSink,
                         ruralSchools: [String], sameType: [DemoCountyGenerator.SchoolPlan],
                         host: ((staffNo: String, school: String, stage: Stage, subject: String)) -> Void) {
        serial += 1
        let staffNo = namespace.staff + String(format7(serial))
        let first = p.first_year, last = p.last_year
        let yearly = p.yearly
        let peopleInYear = Double(p.staff) * scale

        // Hiring: most were hired before the demo period; a share each year after.
        let newHire = rng.chance(yearly.hire_rate * Double(years.count))
        let hireYear = newHire ? rng.pick(years) : rng.int(1985...(first - 1))
        let age0 = newHire ? rng.int(22...30) : rng.int(21...26)
        let birthYear = hireYear - age0
        let birth = date(birthYear, rng.int(1...12), rng.int(1...28))
        let hired = newHire ? date(hireYear, 9, 1) : date(hireYear, rng.int(7...9), rng.int(1...28))
        let left: CivilDate? = rng.chance(yearly.leave_rate * Double(years.count)) ? date(rng.pick(years), rng.int(1...12), rng.int(1...28)) : nil
        let leftOn = left.flatMap { $0 > hired ? $0 : nil }
        let post = rng.weighted(Post.allCases.map { ($0, p.post_share[$0.rawValue] ?? 0) })
        let stage = stageFor(school.type, &rng)
        var subject = post == .teacher ? subjectFor(stage, &rng) : ""
        // Extra PE and arts hires each year (专栏10), and new private-school teachers above the required education.
        if newHire, post == .teacher, stage != .kindergarten, stage != .vocational, stage != .vocational_practice {
            let i = years.firstIndex(of: hireYear)!
            let want = Double(yearly.pe_arts_hires_per_year[i]) * scale
            let hires = peopleInYear * yearly.hire_rate * p.post_share["teacher"]!
            if rng.chance(want / max(1, hires)) { subject = rng.pick(stage == .senior ? ["体育与健康", "音乐", "美术"] : ["体育", "音乐", "美术"]) }
        }
        let courseType: CourseType? = stage == .vocational ? (rng.chance(0.6) ? .specialized : .general) : nil
        let age = first - birthYear
        var edu = education(for: stage, age: age, &rng)
        if school.ownership == .private && newHire && post == .teacher {
            let i = years.firstIndex(of: hireYear)!
            let privateHires = peopleInYear * yearly.hire_rate * 0.05
            edu = rng.chance(Double(yearly.private_hires_per_year[i]) * scale / max(1, privateHires * 4)) ? (stage == .kindergarten || stage == .primary ? .associate : .bachelor) : .secondary_vocational
            if stage == .junior && edu == .secondary_vocational { edu = .associate }
        }
        let establishment: Establishment = school.ownership == .private ? .out : (rng.chance(0.9) ? .in : .out)
        let name = String(rng.pick(People.surnames)) + String(rng.pick(People.given)) + (rng.chance(0.6) ? String(rng.pick(People.given)) : "")
        let gender = rng.chance(0.62) ? "female" : "male"

        // Assignments: an earlier school for some, a transfer during the period for a few.
        var since = hired
        var homeSchool = school.code
        if !newHire && rng.chance(0.3), sameType.count > 1 {
            let earlier = rng.pick(sameType)
            let moved = max(date(rng.int(hireYear + 1...max(hireYear + 1, first + 2)), 9, 1), hired.adding(years: 1))
            if earlier.code != school.code, leftOn.map({ moved <= $0 }) ?? true {
                since = moved
                sink.row(.assignments, [staffNo, earlier.code, hired.description, "", post.rawValue, stage.rawValue, subject,
                                        courseType?.rawValue ?? ""])
            }
        }
        if rng.chance(yearly.transfer_rate * Double(years.count)), sameType.count > 1 {
            let next = rng.pick(sameType)
            let on = date(rng.pick(years), 9, 1)
            if next.code != school.code, on > since, on > hired, leftOn.map({ on <= $0 }) ?? true {
                sink.row(.assignments, [staffNo, school.code, since.description, "", post.rawValue, stage.rawValue, subject,
                                        courseType?.rawValue ?? ""])
                homeSchool = next.code
                since = on
            }
        }
        if since < hired { since = hired }

        // Education: the highest in teachers.csv; an earlier lower degree for upgrades during the period.
        var educationOn = date(max(birthYear + 20, 1980), 7, 1)
        if educationOn > hired { educationOn = hired }
        if edu > Education.secondary_vocational, rng.chance(p.yearly.degree_upgrade_rate * Double(years.count)) {
            let lower = Education.allCases[edu.rank - 1]
            sink.row(.degrees, [staffNo, lower.rawValue, educationOn.description])
            let upgraded = date(rng.pick(years), 6, 30)
            educationOn = max(upgraded, hired)
        }
        let title: Title = age < 26 ? .none : age < 32 ? .second : age < 45 ? (rng.chance(0.6) ? .first : .second)
            : rng.chance(0.25) ? .senior : rng.chance(0.004) ? .professor : .first
        let titleOn = max(hired, date(first - rng.int(0...8), 12, 1))
        if title == .senior || title == .first { sink.row(.titles, [staffNo, Title.second.rawValue, hired.description]) }

        sink.row(.teachers, [staffNo, name, gender, birth.description, nationalID(birth, serial), hired.description,
                             leftOn?.description ?? "", establishment.rawValue, homeSchool, since.description, post.rawValue,
                             stage.rawValue, subject, courseType?.rawValue ?? "", edu.rawValue, educationOn.description,
                             title.rawValue, titleOn.description])

        let active: (CivilDate) -> Bool = { d in hired <= d && (leftOn.map { d <= $0 } ?? true) }
        guard post == .teacher || rng.chance(0.3) else { appraisals(staffNo, hired, leftOn, &rng, &sink); return }

        // Certificates: a fitting one for most; the rest obtain one during the period, or hold an unfitting one.
        if post == .teacher {
            let haveAtStart = rng.chance(yearly.certificate_rate_2019)
            var issued: CivilDate? = haveAtStart ? min(hired, date(max(birthYear + 21, 1990), 7, 1)) : nil
            if !haveAtStart, rng.chance(Double(years.count) * yearly.certificate_gain_per_year / (1 - yearly.certificate_rate_2019)) {
                issued = date(rng.pick(years), rng.int(5...12), rng.int(1...28))
            }
            if !haveAtStart { certificate(staffNo, kind: certificateKind(for: stage, fits: false), issued: min(hired, date(max(birthYear + 21, 1990), 7, 1)), subject: subject, rng: &rng, sink: &sink) }
            if let issued {
                let revoked = rng.chance(0.003) ? date(rng.pick(years), 3, 1) : nil
                certificate(staffNo, kind: certificateKind(for: stage, fits: true), issued: issued, subject: subject,
                            revoked: revoked.flatMap { $0 > issued ? $0 : nil }, rng: &rng, sink: &sink)
            }
        }

        // Training, year by year.
        let idle = rng.chance(p.training.idle_teacher_share)
        for (yi, y) in years.enumerated() {
            guard active(date(y, 6, 30)) || active(date(y, 12, 31)) else { continue }
            if y == hireYear && newHire {
                training(staffNo, title: "新教师入职培训", level: .county, kind: .induction, start: date(y, 9, 5), end: date(y, 12, 20),
                         hours: p.training.induction_hours, rng: &rng, sink: &sink)
            }
            let (lo, hi) = (p.training.records_per_year[0], p.training.records_per_year[1])
            let n = idle ? rng.int(0...1) : rng.int(lo...hi) + (yi >= 3 ? 0 : 0)
            for _ in 0..<n {
                let level = rng.weighted(TrainingLevel.allCases.map { ($0, p.training.level_share[$0.rawValue] ?? 0) })
                let start = date(y, rng.int(1...11), rng.int(1...28))
                let end = start.adding(days: rng.int(0...20))
                // Only while employed: HR files no training before hiring or after leaving.
                guard active(start), active(min(end, date(y, 12, 28))) else { continue }
                let kind: TrainingKind = level == .school ? .general : rng.weighted([(.general, 0.5), (.special, 0.2), (.young, 0.1),
                                                                                    (.backbone, 0.1), (.class_head, 0.1)])
                training(staffNo, title: rng.pick(People.trainingNames), level: level, kind: kind, start: start,
                         end: min(end, date(y, 12, 28)), hours: rng.pick(p.training.hours), rng: &rng, sink: &sink)
            }
        }

        designations(staffNo, stage: stage, courseType: courseType, hired: hired, left: leftOn, rng: &rng, sink: &sink)

        // Rotations: eligible-looking teachers at urban and town public compulsory schools.
        if post == .teacher, school.ownership == .public, school.area != .rural, [.primary, .junior, .nine_year].contains(school.type),
           !ruralSchools.isEmpty, homeSchool == school.code {
            for (i, y) in years.enumerated() where since <= date(y - 6, 1, 1) && active(date(y, 9, 1)) {
                let bias = backboneSoFar ? yearly.backbone_rotation_bias[i] : 1
                if rng.chance(yearly.rotation_rate_of_eligible[i] * bias) {
                    let kind = rng.weighted([(RotationKind.exchange, 0.55), (.support, 0.3), (.itinerant, 0.1), (.cross_school, 0.05)])
                    sink.row(.rotations, [staffNo, school.code, rng.pick(ruralSchools), kind.rawValue, rng.chance(0.2) ? "是" : "否",
                                          date(y, 9, 1).description, date(y + 1, 7, 15).description])
                    break
                }
            }
        }
        if post == .teacher, active(date(last, 12, 31)), backboneSoFar || rng.chance(0.02) {
            host((staffNo, homeSchool, stage, subject))
        }
        appraisals(staffNo, hired, leftOn, &rng, &sink)
    }

    /// Set by `designations` for the person being made: whether they hold a backbone-ladder award.
    var backboneSoFar = false

    mutating func designations(_ staffNo: String, stage: Stage, courseType: CourseType?, hired: CivilDate, left: CivilDate?,
                               rng: inout SplitMix64, sink: inout some DemoSink) {
        backboneSoFar = false
        let y = p.yearly
        let teachers = Double(p.staff) * p.post_share["teacher"]! * scale
        let term = y.backbone_term_years
        var awards: [CivilDate] = []
        if hired.year < p.first_year - 2, rng.chance(Double(y.backbone_pool_2019) * scale / teachers) {
            awards.append(date(p.first_year - rng.int(0...2), 9, 10))
        }
        for (i, year) in years.enumerated() where rng.chance(Double(y.backbone_new_per_year[i]) * scale / teachers) {
            if date(year, 9, 10) > hired { awards.append(date(year, 9, 10)); break }
        }
        for a in awards.sorted() {
            var awarded = a
            // Each term ends after `term` years; most are renewed the next day (not new), some lapse.
            while awarded.year <= p.last_year {
                if let left, awarded > left { break }
                if awarded < hired { break }
                backboneSoFar = true
                let level: Level = rng.weighted([(.county, 0.8), (.prefecture, 0.03), (.municipal, 0.14), (.national, 0.03)])
                let kind: DesignationKind = rng.weighted([(.backbone, 0.72), (.subject_leader, 0.2), (.famous_teacher, 0.07), (.special_grade, 0.01)])
                let expires = awarded.adding(years: term).adding(days: -1)
                let revoked = rng.chance(0.01) ? awarded.adding(years: 1) : nil
                sink.row(.designations, [staffNo, kind.rawValue, level.rawValue, "", awarded.description, expires.description,
                                         revoked?.description ?? "", ""])
                guard rng.chance(0.7) else { break }
                awarded = expires.adding(days: rng.chance(0.85) ? 1 : 40)
            }
        }
        if stage == .vocational && courseType == .specialized || stage == .vocational_practice {
            let on = max(date(rng.int(p.first_year...p.last_year), 12, 1), hired)
            if rng.chance(0.62), left.map({ on <= $0 }) ?? true {
                sink.row(.designations, [staffNo, DesignationKind.dual_qualified.rawValue, Level.county.rawValue,
                                         rng.pick(DualQualifiedTier.allCases).rawValue, on.description, "", "", ""])
            }
        }
    }

    mutating func certificate(_ staffNo: String, kind: CertificateKind, issued: CivilDate, subject: String, revoked: CivilDate? = nil,
                              rng: inout SplitMix64, sink: inout some DemoSink) {
        certificateSerial += 1
        let number = "\(issued.year)\(namespace.school)\(format7(certificateSerial))"
        sink.row(.certificates, [staffNo, kind.rawValue, subject, number, issued.description, "重庆市酉阳县教育委员会", revoked?.description ?? ""])
        var due = issued.adding(years: 5)
        while due.year <= p.last_year {
            if due.year >= p.first_year - 5 {
                let result = rng.weighted([(RegistrationResult.passed, 0.95), (.deferred, 0.04), (.failed, 0.01)])
                sink.row(.registrations, [number, due.adding(days: -rng.int(0...60)).description, result.rawValue])
            }
            due = due.adding(years: 5)
        }
    }

    mutating func training(_ staffNo: String, title: String, level: TrainingLevel, kind: TrainingKind, start: CivilDate, end: CivilDate,
                           hours: Int, rng: inout SplitMix64, sink: inout some DemoSink) {
        trainingSerial += 1
        let status = rng.weighted([("approved", 1 - p.training.pending_share - p.training.rejected_share),
                                   ("pending", p.training.pending_share), ("rejected", p.training.rejected_share)])
        let mode = rng.weighted([(TrainingMode.short_face, 0.4), (.online, 0.35), (.blended, 0.2), (.long_offsite, 0.05)])
        let provider = level == .school ? "本校" : level == .county ? "酉阳县教师进修学校" : rng.pick(["西南大学", "重庆师范大学", "长江师范学院", "北京师范大学"])
        sink.row(.training, [staffNo, "\(start.year)年\(title)", level.rawValue, mode.rawValue, kind.rawValue, provider,
                             start.description, max(end, start).description, "\(hours)", Decimals.format(hours, places: 1, trimZeroFraction: true),
                             status, "\(namespace.ref)\(format7(trainingSerial))"])
    }

    func appraisals(_ staffNo: String, _ hired: CivilDate, _ left: CivilDate?, _ rng: inout SplitMix64, _ sink: inout some DemoSink) {
        for y in years where hired.year <= y && (left.map { $0.year >= y } ?? true) {
            let r = rng.weighted([(AppraisalResult.excellent, 0.2), (.passed, 0.755), (.basic, 0.03), (.failed, 0.01), (.none, 0.005)])
            sink.row(.appraisals, [staffNo, "\(y)", r.rawValue])
        }
    }

    func format7(_ n: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, 7 - s.count)) + s
    }
}
