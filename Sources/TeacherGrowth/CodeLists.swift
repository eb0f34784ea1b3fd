// The code lists of SPEC §4. The same lists ship as data in Seeds/code-lists.json; a test keeps
// the two equal.

public enum SchoolType: String, CodeListValue {
    case kindergarten, primary, junior, nine_year, complete_secondary, senior, vocational, special, other
    public static let listName = "school type"
    public static let entries: [CodeEntry<SchoolType>] = [
        .init(.kindergarten, nil, "幼儿园", "Kindergarten"),
        .init(.primary, nil, "小学", "Primary school"),
        .init(.junior, nil, "初级中学/初中", "Junior secondary school"),
        .init(.nine_year, nil, "九年一贯制学校", "Nine-year school"),
        .init(.complete_secondary, nil, "完全中学", "Complete secondary school"),
        .init(.senior, nil, "高级中学/高中", "Senior secondary school"),
        .init(.vocational, nil, "中等职业学校/中职", "Secondary vocational school"),
        .init(.special, nil, "特殊教育学校", "Special education school"),
        .init(.other, nil, "其他", "Other"),
    ]
    public static let lookup = CodeLookup(entries)
}

public enum Area: String, CodeListValue {
    case urban, town, rural
    public static let listName = "area"
    public static let entries: [CodeEntry<Area>] = [
        .init(.urban, nil, "城区", "Urban"),
        .init(.town, nil, "镇区", "Town"),
        .init(.rural, nil, "乡村", "Rural"),
    ]
    public static let lookup = CodeLookup(entries)
}

public enum Ownership: String, CodeListValue {
    case `public`, `private`
    public static let listName = "ownership"
    public static let entries: [CodeEntry<Ownership>] = [
        .init(.public, nil, "公办", "Public"),
        .init(.private, nil, "民办", "Private"),
    ]
    public static let lookup = CodeLookup(entries)
}

public enum Gender: String, CodeListValue {
    case male, female
    public static let listName = "gender"
    public static let entries: [CodeEntry<Gender>] = [
        .init(.male, "1", "男", "Male"),
        .init(.female, "2", "女", "Female"),
    ]
    public static let lookup = CodeLookup(entries)
}

public enum Post: String, CodeListValue {
    case teacher, admin, support, worker
    public static let listName = "post"
    public static let entries: [CodeEntry<Post>] = [
        .init(.teacher, nil, "专任教师", "Full-time teacher"),
        .init(.admin, nil, "行政人员", "Administrative staff"),
        .init(.support, nil, "教辅人员", "Teaching support staff"),
        .init(.worker, nil, "工勤人员", "Service worker"),
    ]
    public static let lookup = CodeLookup(entries)
}

public enum Stage: String, CodeListValue {
    case kindergarten, primary, junior, senior, vocational, vocational_practice, special
    public static let listName = "stage"
    public static let entries: [CodeEntry<Stage>] = [
        .init(.kindergarten, nil, "幼儿园", "Kindergarten"),
        .init(.primary, nil, "小学", "Primary"),
        .init(.junior, nil, "初中", "Junior secondary"),
        .init(.senior, nil, "高中", "Senior secondary"),
        .init(.vocational, nil, "中职", "Secondary vocational"),
        .init(.vocational_practice, nil, "中职实习指导", "Vocational practice instruction"),
        .init(.special, nil, "特殊教育", "Special education"),
    ]
    public static let lookup = CodeLookup(entries)
}

public enum CourseType: String, CodeListValue {
    case general, specialized
    public static let listName = "course type"
    public static let entries: [CodeEntry<CourseType>] = [
        .init(.general, nil, "文化课", "General courses"),
        .init(.specialized, nil, "专业课", "Specialized courses"),
    ]
    public static let lookup = CodeLookup(entries)
}

/// Ordered low → high: `rank` compares levels of education.
public enum Education: String, CodeListValue, Comparable {
    case below_senior, senior_secondary, secondary_vocational, associate, bachelor, master, doctor
    public static let listName = "education"
    public static let entries: [CodeEntry<Education>] = [
        .init(.below_senior, nil, "高中以下", "Below senior secondary"),
        .init(.senior_secondary, nil, "高中", "Senior secondary"),
        .init(.secondary_vocational, nil, "中专/中师/幼师", "Secondary vocational"),
        .init(.associate, nil, "专科/大专", "Associate degree"),
        .init(.bachelor, nil, "本科", "Bachelor's degree"),
        .init(.master, nil, "硕士研究生/硕士", "Master's degree"),
        .init(.doctor, nil, "博士研究生/博士", "Doctorate"),
    ]
    public static let lookup = CodeLookup(entries)
    public var rank: Int { Education.allCases.firstIndex(of: self)! }
    public static func < (a: Education, b: Education) -> Bool { a.rank < b.rank }
}

/// Professional title (职称), ordered low → high.
public enum Title: String, CodeListValue, Comparable {
    case none, third, second, first, senior, professor
    public static let listName = "title"
    public static let entries: [CodeEntry<Title>] = [
        .init(.none, nil, "未定级", "Unranked"),
        .init(.third, nil, "三级教师", "Third-grade teacher"),
        .init(.second, nil, "二级教师", "Second-grade teacher"),
        .init(.first, nil, "一级教师", "First-grade teacher"),
        .init(.senior, nil, "高级教师", "Senior teacher"),
        .init(.professor, nil, "正高级教师", "Professor-level teacher"),
    ]
    public static let lookup = CodeLookup(entries)
    public var rank: Int { Title.allCases.firstIndex(of: self)! }
    public static func < (a: Title, b: Title) -> Bool { a.rank < b.rank }
}

public enum Establishment: String, CodeListValue {
    case `in`, out
    public static let listName = "establishment"
    public static let entries: [CodeEntry<Establishment>] = [
        .init(.in, nil, "在编", "In establishment"),
        .init(.out, nil, "非在编", "Not in establishment"),
    ]
    public static let lookup = CodeLookup(entries)
}

public enum TrainingLevel: String, CodeListValue {
    case national, municipal, prefecture, county, school, other
    public static let listName = "training level"
    public static let entries: [CodeEntry<TrainingLevel>] = [
        .init(.national, "10", "国家级", "National"),
        .init(.municipal, "20", "省级/市级", "Provincial / municipal"),
        .init(.prefecture, "30", "地市级", "Prefecture"),
        .init(.county, "40", "县级/区县级", "County"),
        .init(.school, "60", "校级/校本研修", "School-based"),
        .init(.other, "99", "其他", "Other"),
    ]
    public static let lookup = CodeLookup(entries)
    /// SPEC §3: national, municipal, prefecture or county — not school or other.
    public var isCountyOrHigher: Bool { self != .school && self != .other }
}

public enum TrainingMode: String, CodeListValue {
    case long_offsite, short_face, online, blended, other
    public static let listName = "training mode"
    public static let entries: [CodeEntry<TrainingMode>] = [
        .init(.long_offsite, "1", "长期脱产研修（一个月以上）", "Long off-site study (over a month)"),
        .init(.short_face, "2", "短期面授培训", "Short face-to-face training"),
        .init(.online, "3", "网络研修", "Online study"),
        .init(.blended, "4", "面授与网络研修相结合", "Blended"),
        .init(.other, "9", "其他", "Other"),
    ]
    public static let lookup = CodeLookup(entries)
}

public enum TrainingKind: String, CodeListValue {
    case general, induction, young, backbone, trainer, principal, class_head, special
    public static let listName = "training kind"
    public static let entries: [CodeEntry<TrainingKind>] = [
        .init(.general, nil, "全员培训", "General training"),
        .init(.induction, nil, "新教师入职培训", "New-teacher induction"),
        .init(.young, nil, "青年教师培训", "Young-teacher training"),
        .init(.backbone, nil, "骨干教师提升培训", "Backbone-teacher training"),
        .init(.trainer, nil, "培训者团队研修", "Trainer-team study"),
        .init(.principal, nil, "校（园）长任职培训", "Principal training"),
        .init(.class_head, nil, "班主任培训", "Class-head training"),
        .init(.special, nil, "专题培训", "Topical training"),
    ]
    public static let lookup = CodeLookup(entries)
}

public enum TrainingStatus: String, CodeListValue {
    case approved, pending, rejected
    public static let listName = "training status"
    public static let entries: [CodeEntry<TrainingStatus>] = [
        .init(.approved, nil, "已认定", "Approved"),
        .init(.pending, nil, "待审核", "Pending"),
        .init(.rejected, nil, "未通过", "Rejected"),
    ]
    public static let lookup = CodeLookup(entries)
}

public enum CertificateKind: String, CodeListValue {
    case kindergarten, primary, junior, senior, vocational, vocational_practice, higher
    public static let listName = "certificate kind"
    public static let entries: [CodeEntry<CertificateKind>] = [
        .init(.kindergarten, "1", "幼儿园", "Kindergarten"),
        .init(.primary, "2", "小学", "Primary school"),
        .init(.junior, "3", "初级中学", "Junior secondary school"),
        .init(.senior, "4", "高级中学", "Senior secondary school"),
        .init(.vocational, "5", "中等职业学校", "Secondary vocational school"),
        .init(.vocational_practice, "6", "中等职业学校实习指导", "Vocational practice instructor"),
        .init(.higher, "7", "高等学校", "Higher education"),
    ]
    public static let lookup = CodeLookup(entries)
}

public enum RegistrationResult: String, CodeListValue {
    case passed, deferred, failed
    public static let listName = "registration result"
    public static let entries: [CodeEntry<RegistrationResult>] = [
        .init(.passed, nil, "合格", "Passed"),
        .init(.deferred, nil, "暂缓注册", "Deferred"),
        .init(.failed, nil, "注册不合格", "Failed"),
    ]
    public static let lookup = CodeLookup(entries)
}

public enum DesignationKind: String, CodeListValue {
    case backbone, subject_leader, famous_teacher, special_grade, dual_qualified
    public static let listName = "designation kind"
    public static let entries: [CodeEntry<DesignationKind>] = [
        .init(.backbone, nil, "骨干教师", "Backbone teacher"),
        .init(.subject_leader, nil, "学科带头人", "Subject leader"),
        .init(.famous_teacher, nil, "名师", "Famous teacher"),
        .init(.special_grade, nil, "特级教师", "Special-grade teacher"),
        .init(.dual_qualified, nil, "双师型教师", "Dual-qualified teacher"),
    ]
    public static let lookup = CodeLookup(entries)
    /// SPEC §3: backbone, subject_leader, famous_teacher or special_grade.
    public var isBackboneLadder: Bool { self != .dual_qualified }
}

/// The level of a designation or a studio.
public enum Level: String, CodeListValue {
    case school, county, prefecture, municipal, national
    public static let listName = "level"
    public static let entries: [CodeEntry<Level>] = [
        .init(.school, nil, "校级", "School"),
        .init(.county, nil, "县级/区县级", "County"),
        .init(.prefecture, nil, "地市级", "Prefecture"),
        .init(.municipal, nil, "市级/省级", "Municipal / provincial"),
        .init(.national, nil, "国家级", "National"),
    ]
    public static let lookup = CodeLookup(entries)
    /// SPEC §3: county, prefecture, municipal or national.
    public var isCountyOrHigher: Bool { self != .school }
}

public enum DualQualifiedTier: String, CodeListValue {
    case junior, intermediate, senior
    public static let listName = "dual-qualified tier"
    public static let entries: [CodeEntry<DualQualifiedTier>] = [
        .init(.junior, nil, "初级", "Junior"),
        .init(.intermediate, nil, "中级", "Intermediate"),
        .init(.senior, nil, "高级", "Senior"),
    ]
    public static let lookup = CodeLookup(entries)
}

public enum RotationKind: String, CodeListValue {
    case exchange, support, itinerant, cross_school, paired, district, other
    public static let listName = "rotation kind"
    public static let entries: [CodeEntry<RotationKind>] = [
        .init(.exchange, nil, "交流轮岗/定期交流", "Exchange"),
        .init(.support, nil, "支教", "Teaching support"),
        .init(.itinerant, nil, "走教", "Itinerant teaching"),
        .init(.cross_school, nil, "跨校兼课", "Cross-school teaching"),
        .init(.paired, nil, "对口支援", "Paired support"),
        .init(.district, nil, "学区一体化/集团化办学", "District / school group"),
        .init(.other, nil, "其他", "Other"),
    ]
    public static let lookup = CodeLookup(entries)
}

public enum StudioKind: String, CodeListValue {
    case master_teacher, master_principal, class_head, skill_master
    public static let listName = "studio kind"
    public static let entries: [CodeEntry<StudioKind>] = [
        .init(.master_teacher, nil, "名师工作室", "Master-teacher studio"),
        .init(.master_principal, nil, "名校长工作室", "Master-principal studio"),
        .init(.class_head, nil, "班主任工作室", "Class-head studio"),
        .init(.skill_master, nil, "技术技能大师工作室", "Skill-master studio"),
    ]
    public static let lookup = CodeLookup(entries)
}

public enum MemberRole: String, CodeListValue {
    case host, member
    public static let listName = "member role"
    public static let entries: [CodeEntry<MemberRole>] = [
        .init(.host, nil, "主持人", "Host"),
        .init(.member, nil, "成员", "Member"),
    ]
    public static let lookup = CodeLookup(entries)
}

/// Annual appraisal (年度考核).
public enum AppraisalResult: String, CodeListValue {
    case excellent, passed, basic, failed, none
    public static let listName = "appraisal"
    public static let entries: [CodeEntry<AppraisalResult>] = [
        .init(.excellent, nil, "优秀", "Excellent"),
        .init(.passed, nil, "合格", "Passed"),
        .init(.basic, nil, "基本合格", "Basically passed"),
        .init(.failed, nil, "不合格", "Failed"),
        .init(.none, nil, "未参加考核", "Not appraised"),
    ]
    public static let lookup = CodeLookup(entries)
}

/// yes/no cells: `yes 是/y/1/true`, `no 否/n/0/false`.
public enum YesNo: String, CodeListValue {
    case yes, no
    public static let listName = "yes/no"
    public static let entries: [CodeEntry<YesNo>] = [
        .init(.yes, nil, "是/y/1/true", "Yes"),
        .init(.no, nil, "否/n/0/false", "No"),
    ]
    public static let lookup = CodeLookup(entries)
    public var bool: Bool { self == .yes }
}

/// Every code list, for Seeds/code-lists.json and the documentation.
public enum CodeLists {
    public struct Row: Codable, Equatable, Sendable {
        public var code: String
        public var national: String?
        public var zh: String
        public var en: String
    }

    public static func table<V: CodeListValue>(_ type: V.Type) -> [Row] {
        V.entries.map { Row(code: $0.value.rawValue, national: $0.nationalCode, zh: $0.chinese, en: $0.english) }
    }

    /// List name → rows, in SPEC §4 order.
    public static var all: [(name: String, rows: [Row])] {
        [
            (SchoolType.listName, table(SchoolType.self)), (Area.listName, table(Area.self)),
            (Ownership.listName, table(Ownership.self)), (Gender.listName, table(Gender.self)),
            (Post.listName, table(Post.self)), (Stage.listName, table(Stage.self)),
            (CourseType.listName, table(CourseType.self)), (Education.listName, table(Education.self)),
            (Title.listName, table(Title.self)), (Establishment.listName, table(Establishment.self)),
            (TrainingLevel.listName, table(TrainingLevel.self)), (TrainingMode.listName, table(TrainingMode.self)),
            (TrainingKind.listName, table(TrainingKind.self)), (TrainingStatus.listName, table(TrainingStatus.self)),
            (CertificateKind.listName, table(CertificateKind.self)),
            (RegistrationResult.listName, table(RegistrationResult.self)),
            (DesignationKind.listName, table(DesignationKind.self)), (Level.listName, table(Level.self)),
            (DualQualifiedTier.listName, table(DualQualifiedTier.self)),
            (RotationKind.listName, table(RotationKind.self)), (StudioKind.listName, table(StudioKind.self)),
            (MemberRole.listName, table(MemberRole.self)), (AppraisalResult.listName, table(AppraisalResult.self)),
            (YesNo.listName, table(YesNo.self)),
        ]
    }
}
