import TeacherGrowth

/// Receives the demo county as SPEC §5 CSV rows, kind by kind (in any interleaving).
public protocol DemoSink {
    mutating func row(_ kind: DemoKind, _ cells: [String])
}

/// The import kinds the demo writes, with their SPEC §5 headers.
public enum DemoKind: String, CaseIterable, Sendable {
    case schools, teachers, assignments, degrees, titles, training, certificates, registrations, designations,
         rotations, studios, studio_members, studio_budgets, appraisals

    public var header: [String] {
        switch self {
        case .schools: ["code", "name", "type", "area", "township", "ownership", "students", "pe_quota", "arts_quota", "opened_on", "closed_on"]
        case .teachers: ["staff_no", "name", "gender", "birth_date", "national_id", "hired_on", "left_on", "establishment", "school_code",
                         "school_since", "post", "stage", "subject", "course_type", "education", "education_on", "title", "title_on"]
        case .assignments: ["staff_no", "school_code", "from", "to", "post", "stage", "subject", "course_type"]
        case .degrees: ["staff_no", "education", "obtained_on"]
        case .titles: ["staff_no", "title", "from"]
        case .training: ["staff_no", "title", "level", "mode", "kind", "provider", "start_date", "end_date", "hours", "credits", "status", "ref"]
        case .certificates: ["staff_no", "kind", "subject", "number", "issued_on", "issuer", "revoked_on"]
        case .registrations: ["number", "registered_on", "result"]
        case .designations: ["staff_no", "kind", "level", "tier", "awarded_on", "expires_on", "revoked_on", "ref"]
        case .rotations: ["staff_no", "from_school", "to_school", "kind", "transfers_personnel", "start_date", "end_date"]
        case .studios: ["code", "name", "kind", "level", "host_staff_no", "school_code", "stage", "subject", "founded_on", "closed_on"]
        case .studio_members: ["studio_code", "staff_no", "role", "joined_on", "left_on"]
        case .studio_budgets: ["studio_code", "year", "amount_yuan"]
        case .appraisals: ["staff_no", "year", "result"]
        }
    }
}

/// Builds the synthetic demo county: deterministic per seed, Youyang's size at scale 1, every fact
/// from `first_year` to `last_year`. Everything is invented; staff numbers start with "D".
/// The identifiers of one demo county among several (`demo --counties N`): the first county keeps
/// the one-county demo's codes; each other has its own staff, school, studio, certificate and
/// training-reference prefixes and its own area code in identity numbers.
public struct DemoNamespace: Sendable {
    public let county: String
    let staff: String
    let school: String
    let studio: String
    let ref: String
    let area: String

    public static let first = DemoNamespace(index: 0)

    /// Chongqing districts and counties for the demo's county names, with their area codes.
    static let counties: [(name: String, area: String)] = [
        ("酉阳县", "500242"), ("秀山县", "500241"), ("黔江区", "500114"), ("彭水县", "500243"), ("石柱县", "500240"),
        ("武隆区", "500156"), ("丰都县", "500230"), ("城口县", "500229"), ("巫溪县", "500238"), ("云阳县", "500235"),
    ]

    public init(index i: Int) {
        let c = DemoNamespace.counties[i % DemoNamespace.counties.count]
        county = i < DemoNamespace.counties.count ? c.name : "\(c.name)\(i / DemoNamespace.counties.count + 1)"
        area = c.area
        if i == 0 {
            staff = "D"; school = "5002"; studio = "GZS"; ref = "DEMO-"
        } else {
            let letter = String(UnicodeScalar(UInt8(65 + i % 26)))
            staff = "D\(letter)\(i >= 26 ? String(i / 26) : "")"
            school = "50\(10 + i)"
            studio = "GZS\(i + 1)-"
            ref = "DEMO\(i + 1)-"
        }
    }
}

public struct DemoCountyGenerator {
    public let parameters: DemoParameters
    public let scale: Double
    public let seed: UInt64
    /// Which county of several this is (identifiers and identity-number area code).
    public var namespace = DemoNamespace.first

    public init(parameters: DemoParameters = .bundled, scale: Double = 1, seed: UInt64 = 2025) {
        self.parameters = parameters
        self.scale = scale
        self.seed = seed
    }

    struct SchoolPlan {
        var code: String
        var name: String
        var type: SchoolType
        var area: Area
        var township: String
        var ownership: Ownership
        var students: Int
        var staff: Int
    }

    /// How many schools and staff the county has at this scale.
    public var schoolCount: Int { max(1, Int((Double(parameters.schools) * scale).rounded())) }
    public var staffCount: Int { max(1, Int((Double(parameters.staff) * scale).rounded())) }

    private func date(_ y: Int, _ m: Int, _ d: Int) -> CivilDate { CivilDate(year: y, month: m, day: min(d, 28))! }

    /// Calls `progress(done, total)` every few hundred people.
    public func generate(into sink: inout some DemoSink, progress: ((Int, Int) -> Void)? = nil) {
        var rng = SplitMix64(seed: seed)
        let schools = planSchools(&rng)
        for s in schools {
            let (pe, arts) = quotas(s)
            sink.row(.schools, [s.code, s.name, s.type.rawValue, s.area.rawValue, s.township, s.ownership.rawValue, "\(s.students)",
                                pe.map(String.init) ?? "", arts.map(String.init) ?? "", "", ""])
        }
        let rural = schools.filter { $0.area == .rural && [.primary, .junior, .nine_year].contains($0.type) }.map(\.code)
        let byType = Dictionary(grouping: schools, by: \.type)
        var people = People(parameters: parameters, scale: scale)
        people.namespace = namespace
        var hosts: [(staffNo: String, school: String, stage: Stage, subject: String)] = []
        var done = 0
        var reservoir = SplitMix64(seed: seed ^ 0xA5A5)
        for school in schools {
            for _ in 0..<school.staff {
                people.person(at: school, rng: &rng, sink: &sink, ruralSchools: rural, sameType: byType[school.type] ?? [school]) { host in
                    // Keep a bounded sample of possible studio hosts and members.
                    if hosts.count < 400 { hosts.append(host) } else if reservoir.chance(0.05) { hosts[reservoir.int(0...399)] = host }
                }
                done += 1
                if done % 500 == 0 { progress?(done, staffCount) }
            }
        }
        studios(&rng, hosts: hosts, sink: &sink)
        progress?(done, staffCount)
    }

    private func planSchools(_ rng: inout SplitMix64) -> [SchoolPlan] {
        let p = parameters
        let order: [SchoolType] = [.kindergarten, .primary, .junior, .nine_year, .complete_secondary, .senior, .vocational, .special, .other]
        // Types interleaved in proportion, so that a county scaled below 1 still has every kind of school.
        var slots: [(Double, Int, SchoolType)] = []
        for (k, t) in order.enumerated() {
            let n = p.school_types[t.rawValue] ?? 0
            for i in 0..<n { slots.append((Double(i) / Double(n), k, t)) }
        }
        let types = slots.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
        let studentWeight: [SchoolType: Double] = [.kindergarten: 0.35, .primary: 1.0, .junior: 2.4, .nine_year: 1.6,
                                                   .complete_secondary: 4.0, .senior: 6.5, .vocational: 5.0, .special: 0.3, .other: 0]
        var out: [SchoolPlan] = []
        var privateLeft = p.private_schools
        let replicas = max(1, Int(scale.rounded(.up)))
        var index = 0
        for replica in 0..<replicas {
            var named = p.named_schools[...]
            for t in types {
                guard out.count < schoolCount else { break }
                index += 1
                let code = "\(namespace.school)\(String(format6(index)))"
                var name: String, area: Area, township: String
                if let n = named.first(where: { $0.type == t.rawValue }), let i = named.firstIndex(where: { $0.name == n.name }) {
                    named.remove(at: i)
                    name = replica == 0 ? n.name : "\(n.name)（\(replica + 1)）"
                    area = Area(rawValue: n.area)!
                    township = n.township
                } else {
                    area = t == .senior || t == .vocational || t == .special || t == .other ? .urban
                        : rng.weighted(Area.allCases.map { ($0, p.area_share[$0.rawValue] ?? 0) })
                    township = rng.pick(p.townships[area.rawValue] ?? ["城区"])
                    let base = township.replacingOccurrences(of: "街道", with: "").replacingOccurrences(of: "镇", with: "").replacingOccurrences(of: "乡", with: "")
                    switch t {
                    case .kindergarten: name = "\(base)第\(rng.int(1...9))幼儿园"
                    case .primary: name = area == .rural ? "\(base)\(rng.pick(["村", "中心", "完全", "民族"]))小学" : "\(base)\(rng.pick(["第一", "第二", "实验", "中心"]))小学"
                    case .junior: name = "\(base)中学"
                    case .nine_year: name = "\(base)九年制学校"
                    case .complete_secondary: name = "\(base)完全中学"
                    case .senior: name = "\(base)高级中学"
                    case .vocational: name = "\(base)职业中学"
                    case .special: name = "酉阳特殊教育学校"
                    case .other: name = "\(base)教育服务中心"
                    }
                }
                var ownership = Ownership.public
                if let left = privateLeft[t.rawValue], left > 0, replica == 0 || rng.chance(0.5) {
                    privateLeft[t.rawValue] = left - 1
                    ownership = .private
                    let suffix = [SchoolType.kindergarten: "幼儿园", .primary: "小学", .junior: "中学"][t] ?? "学校"
                    name = "\(base(township))育才\(suffix)"
                }
                let students = Int((studentWeight[t] ?? 1) * (0.6 + rng.unit() * 0.8) * (area == .rural ? 0.45 : 1) * 520)
                out.append(SchoolPlan(code: code, name: name, type: t, area: area, township: township, ownership: ownership,
                                      students: students, staff: 0))
            }
            if replica == 0 { privateLeft = p.private_schools }
        }
        // Students to the county total; staff in proportion with at least 4 per school.
        let totalStudents = Double(out.reduce(0) { $0 + $1.students })
        let target = Double(p.students) * scale
        for i in out.indices { out[i].students = Int(Double(out[i].students) * target / max(1, totalStudents)) }
        let weights = out.map { Double($0.students) + 90 }
        let total = weights.reduce(0, +)
        var assigned = 0
        for i in out.indices {
            out[i].staff = max(4, Int(Double(staffCount) * weights[i] / total))
            assigned += out[i].staff
        }
        // Trim or pad to the exact staff count.
        var i = 0
        while assigned != staffCount && !out.isEmpty {
            let j = i % out.count
            if assigned > staffCount, out[j].staff > 4 { out[j].staff -= 1; assigned -= 1 }
            else if assigned < staffCount { out[j].staff += 1; assigned += 1 }
            i += 1
            if i > 10 * out.count * 1000 { break }
        }
        return out
    }

    private func base(_ township: String) -> String {
        township.replacingOccurrences(of: "街道", with: "").replacingOccurrences(of: "镇", with: "").replacingOccurrences(of: "乡", with: "")
    }

    private func format6(_ n: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, 6 - s.count)) + s
    }

    private func quotas(_ s: SchoolPlan) -> (Int?, Int?) {
        guard [.primary, .junior, .nine_year, .complete_secondary].contains(s.type) else { return (nil, nil) }
        return (max(1, s.students / 450), max(1, s.students / 500))
    }

    private func studios(_ rng: inout SplitMix64, hosts: [(staffNo: String, school: String, stage: Stage, subject: String)], sink: inout some DemoSink) {
        guard !hosts.isEmpty else { return }
        let p = parameters.studios
        let years = Array(parameters.first_year...parameters.last_year)
        let replicas = max(1.0, scale)
        var n = 0
        func make(_ kind: StudioKind, byYear: [Int], label: String) {
            var made = 0
            for (i, year) in years.enumerated() {
                let want = Int((Double(byYear[min(i, byYear.count - 1)]) * replicas).rounded())
                while made < want {
                    n += 1
                    made += 1
                    let host = hosts[(n * 37) % hosts.count]
                    let code = "\(namespace.studio)\(format6(n))"
                    let level: Level = kind == .master_teacher ? rng.weighted([(.county, 0.75), (.municipal, 0.2), (.school, 0.05)]) : .county
                    let stage: Stage = kind == .class_head ? rng.weighted([(.primary, 0.42), (.junior, 0.42), (.senior, 0.16)]) : host.stage
                    let founded = i == 0 ? date(year - rng.int(0...2), rng.int(3...9), rng.int(1...28)) : date(year, rng.int(1...12), rng.int(1...28))
                    sink.row(.studios, [code, "\(host.subject)\(label)\(n)", kind.rawValue, level.rawValue, host.staffNo, host.school,
                                        stage.rawValue, kind == .class_head ? "" : host.subject, founded.description, ""])
                    sink.row(.studio_members, [code, host.staffNo, "host", founded.description, ""])
                    for k in 1...rng.int(4...8) {
                        let m = hosts[(n * 37 + k * 11) % hosts.count]
                        if m.staffNo != host.staffNo { sink.row(.studio_members, [code, m.staffNo, "member", founded.description, ""]) }
                    }
                    if kind == .master_teacher || kind == .master_principal {
                        for y in max(founded.year, parameters.first_year)...parameters.last_year {
                            let amount = rng.chance(p.underfunded_share) ? rng.pick([15000, 20000, 25000, 29999.5])
                                : rng.pick([30000, 35000, 40000, 45000, 50000] as [Double])
                            sink.row(.studio_budgets, [code, "\(y)", amount == amount.rounded() ? "\(Int(amount))" : "\(amount)"])
                        }
                    }
                }
            }
        }
        make(.master_teacher, byYear: p.master_teacher_by_year, label: "名师工作室")
        make(.master_principal, byYear: [p.master_principal], label: "名校长工作室")
        make(.class_head, byYear: p.class_head_by_year, label: "班主任工作室")
        make(.skill_master, byYear: p.skill_master_by_year, label: "技能大师工作室")
    }
}
