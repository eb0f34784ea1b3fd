// The code lists of SPEC §4. The same lists ship as data in Seeds/code-lists.json; a test keeps
// the two equal.

public enum SchoolType: String, CodeListValue {
    case kindergarten, primary, junior, nine_year, complete_secondary, senior, vocational, special, other
    public static let listName = "school type"
    public static let entries: [CodeEntry<SchoolType>] = [
        .init(.kindergarten, nil, "幼儿园", "Kindergarten"),
        .init(.primary, nil, "小学", "Primary school"),
        .init(.junior, nil, "初级中学/初中", "Junior secondary school"),
        .init(.nine_year, nil, "九年一贯制学校", "Nine-year school", aliases: ["九年一贯制", "九年制学校", "九年制"]),
        .init(.complete_secondary, nil, "完全中学", "Complete secondary school", aliases: ["完中"]),
        .init(.senior, nil, "高级中学/高中", "Senior secondary school", aliases: ["普通高中", "普通高级中学"]),
        .init(.vocational, nil, "中等职业学校/中职", "Secondary vocational school", aliases: ["职高", "职业高中", "职业中学", "中职学校"]),
        .init(.special, nil, "特殊教育学校", "Special education school", aliases: ["特校", "特教学校"]),
        .init(.other, nil, "其他", "Other", aliases: ["其它"]),
    ]
    public static let lookup = CodeLookup(entries)
}

public enum Area: String, CodeListValue {
    case urban, town, rural
    public static let listName = "area"
    public static let entries: [CodeEntry<Area>] = [
        .init(.urban, nil, "城区", "Urban", aliases: ["城市"]),
        .init(.town, nil, "镇区", "Town", aliases: ["镇"]),
        .init(.rural, nil, "乡村", "Rural", aliases: ["农村"]),
    ]
    public static let lookup = CodeLookup(entries)
}

public enum Ownership: String, CodeListValue {
    case `public`, `private`
    public static let listName = "ownership"
    public static let entries: [CodeEntry<Ownership>] = [
        .init(.public, nil, "公办", "Public", aliases: ["公立", "公办学校"]),
        .init(.private, nil, "民办", "Private", aliases: ["私立", "民办学校"]),
    ]
    public static let lookup = CodeLookup(entries)
}

public enum Gender: String, CodeListValue {
    case male, female
    public static let listName = "gender"
    public static let entries: [CodeEntry<Gender>] = [
        .init(.male, "1", "男", "Male", aliases: ["男性"]),
        .init(.female, "2", "女", "Female", aliases: ["女性"]),
    ]
    public static let lookup = CodeLookup(entries)
}

public enum Post: String, CodeListValue {
    case teacher, admin, support, worker
    public static let listName = "post"
    public static let entries: [CodeEntry<Post>] = [
        .init(.teacher, nil, "专任教师", "Full-time teacher", aliases: ["专任", "教师"]),
        .init(.admin, nil, "行政人员", "Administrative staff", aliases: ["行政", "管理人员"]),
        .init(.support, nil, "教辅人员", "Teaching support staff", aliases: ["教辅"]),
        .init(.worker, nil, "工勤人员", "Service worker", aliases: ["工勤"]),
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
        .init(.vocational, nil, "中职", "Secondary vocational", aliases: ["中等职业教育", "职高"]),
        .init(.vocational_practice, nil, "中职实习指导", "Vocational practice instruction", aliases: ["实习指导"]),
        .init(.special, nil, "特殊教育", "Special education", aliases: ["特教"]),
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
        .init(.below_senior, nil, "高中以下", "Below senior secondary", aliases: ["初中及以下"]),
        .init(.senior_secondary, nil, "高中", "Senior secondary"),
        .init(.secondary_vocational, nil, "中专/中师/幼师", "Secondary vocational"),
        .init(.associate, nil, "专科/大专", "Associate degree", aliases: ["大学专科", "高职", "高职高专"]),
        .init(.bachelor, nil, "本科", "Bachelor's degree", aliases: ["大学本科"]),
        .init(.master, nil, "硕士研究生/硕士", "Master's degree", aliases: ["研究生"]),
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
        .init(.none, nil, "未定级", "Unranked", aliases: ["未定职级", "无职称", "无"]),
        .init(.third, nil, "三级教师", "Third-grade teacher", aliases: ["中小学三级教师", "三级"]),
        .init(.second, nil, "二级教师", "Second-grade teacher", aliases: ["中小学二级教师", "二级", "初级"]),
        .init(.first, nil, "一级教师", "First-grade teacher", aliases: ["中小学一级教师", "一级", "中级"]),
        .init(.senior, nil, "高级教师", "Senior teacher", aliases: ["中小学高级教师", "高级", "副高级", "副高"]),
        .init(.professor, nil, "正高级教师", "Professor-level teacher", aliases: ["中小学正高级教师", "正高级", "正高"]),
    ]
    public static let lookup = CodeLookup(entries)
    public var rank: Int { Title.allCases.firstIndex(of: self)! }
    public static func < (a: Title, b: Title) -> Bool { a.rank < b.rank }
}

public enum Establishment: String, CodeListValue {
    case `in`, out
    public static let listName = "establishment"
    public static let entries: [CodeEntry<Establishment>] = [
        .init(.in, nil, "在编", "In establishment", aliases: ["编内", "有编制"]),
        .init(.out, nil, "非在编", "Not in establishment", aliases: ["编外", "无编制"]),
    ]
    public static let lookup = CodeLookup(entries)
}

public enum TrainingLevel: String, CodeListValue {
    case national, municipal, prefecture, county, school, other
    public static let listName = "training level"
    public static let entries: [CodeEntry<TrainingLevel>] = [
        .init(.national, "10", "国家级", "National", aliases: ["国培", "国家", "国培计划"]),
        .init(.municipal, "20", "省级/市级", "Provincial / municipal", aliases: ["市培", "市", "重庆市级"]),
        .init(.prefecture, "30", "地市级", "Prefecture", aliases: ["地市"]),
        .init(.county, "40", "县级/区县级", "County", aliases: ["县培", "县", "区县", "县级培训"]),
        .init(.school, "60", "校级/校本研修", "School-based", aliases: ["校本", "校本培训", "校"]),
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
        .init(.long_offsite, "1", "长期脱产研修（一个月以上）", "Long off-site study (over a month)", aliases: ["脱产", "长期脱产", "脱产研修"]),
        .init(.short_face, "2", "短期面授培训", "Short face-to-face training", aliases: ["面授", "线下", "面授培训", "短期面授", "集中面授"]),
        .init(.online, "3", "网络研修", "Online study", aliases: ["线上", "网络", "网络培训", "在线", "远程培训"]),
        .init(.blended, "4", "面授与网络研修相结合", "Blended", aliases: ["混合", "混合式", "线上线下", "线上线下结合", "线上线下混合"]),
        .init(.other, "9", "其他", "Other", aliases: ["其它"]),
    ]
    public static let lookup = CodeLookup(entries)
}

public enum TrainingKind: String, CodeListValue {
    case general, induction, young, backbone, trainer, principal, class_head, special
    public static let listName = "training kind"
    public static let entries: [CodeEntry<TrainingKind>] = [
        .init(.general, nil, "全员培训", "General training", aliases: ["全员", "通识培训"]),
        .init(.induction, nil, "新教师入职培训", "New-teacher induction", aliases: ["新教师培训", "入职培训", "岗前培训"]),
        .init(.young, nil, "青年教师培训", "Young-teacher training", aliases: ["青年教师助力培训"]),
        .init(.backbone, nil, "骨干教师提升培训", "Backbone-teacher training", aliases: ["骨干教师培训", "骨干培训"]),
        .init(.trainer, nil, "培训者团队研修", "Trainer-team study", aliases: ["培训者培训"]),
        .init(.principal, nil, "校（园）长任职培训", "Principal training", aliases: ["校长培训", "园长培训", "校长任职培训"]),
        .init(.class_head, nil, "班主任培训", "Class-head training", aliases: ["班主任"]),
        .init(.special, nil, "专题培训", "Topical training", aliases: ["专题"]),
    ]
    public static let lookup = CodeLookup(entries)
}

public enum TrainingStatus: String, CodeListValue {
    case approved, pending, rejected
    public static let listName = "training status"
    public static let entries: [CodeEntry<TrainingStatus>] = [
        .init(.approved, nil, "已认定", "Approved", aliases: ["已审核", "审核通过", "通过", "已通过", "认定"]),
        .init(.pending, nil, "待审核", "Pending", aliases: ["未审核", "待审", "审核中", "待认定"]),
        .init(.rejected, nil, "未通过", "Rejected", aliases: ["不通过", "驳回", "已驳回", "未认定", "不予认定"]),
    ]
    public static let lookup = CodeLookup(entries)
}

public enum CertificateKind: String, CodeListValue {
    case kindergarten, primary, junior, senior, vocational, vocational_practice, higher
    public static let listName = "certificate kind"
    public static let entries: [CodeEntry<CertificateKind>] = [
        .init(.kindergarten, "1", "幼儿园", "Kindergarten", aliases: ["幼儿园教师资格"]),
        .init(.primary, "2", "小学", "Primary school", aliases: ["小学教师资格"]),
        .init(.junior, "3", "初级中学", "Junior secondary school", aliases: ["初中", "初级中学教师资格"]),
        .init(.senior, "4", "高级中学", "Senior secondary school", aliases: ["高中", "高级中学教师资格"]),
        .init(.vocational, "5", "中等职业学校", "Secondary vocational school", aliases: ["中职", "中职文化课", "中职专业课"]),
        .init(.vocational_practice, "6", "中等职业学校实习指导", "Vocational practice instructor", aliases: ["中职实习指导", "实习指导"]),
        .init(.higher, "7", "高等学校", "Higher education", aliases: ["高校"]),
    ]
    public static let lookup = CodeLookup(entries)
}

public enum RegistrationResult: String, CodeListValue {
    case passed, deferred, failed
    public static let listName = "registration result"
    public static let entries: [CodeEntry<RegistrationResult>] = [
        .init(.passed, nil, "合格", "Passed"),
        .init(.deferred, nil, "暂缓注册", "Deferred", aliases: ["暂缓"]),
        .init(.failed, nil, "注册不合格", "Failed", aliases: ["不合格"]),
    ]
    public static let lookup = CodeLookup(entries)
}

public enum DesignationKind: String, CodeListValue {
    case backbone, subject_leader, famous_teacher, special_grade, dual_qualified
    public static let listName = "designation kind"
    public static let entries: [CodeEntry<DesignationKind>] = [
        .init(.backbone, nil, "骨干教师", "Backbone teacher", aliases: ["骨干"]),
        .init(.subject_leader, nil, "学科带头人", "Subject leader", aliases: ["带头人"]),
        .init(.famous_teacher, nil, "名师", "Famous teacher", aliases: ["名教师"]),
        .init(.special_grade, nil, "特级教师", "Special-grade teacher", aliases: ["特级"]),
        .init(.dual_qualified, nil, "双师型教师", "Dual-qualified teacher", aliases: ["双师型", "双师"]),
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
        .init(.school, nil, "校级", "School", aliases: ["校"]),
        .init(.county, nil, "县级/区县级", "County", aliases: ["县", "区县"]),
        .init(.prefecture, nil, "地市级", "Prefecture", aliases: ["地市"]),
        .init(.municipal, nil, "市级/省级", "Municipal / provincial", aliases: ["市", "省", "重庆市级"]),
        .init(.national, nil, "国家级", "National", aliases: ["国家"]),
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
        .init(.exchange, nil, "交流轮岗/定期交流", "Exchange", aliases: ["交流", "轮岗"]),
        .init(.support, nil, "支教", "Teaching support"),
        .init(.itinerant, nil, "走教", "Itinerant teaching"),
        .init(.cross_school, nil, "跨校兼课", "Cross-school teaching"),
        .init(.paired, nil, "对口支援", "Paired support"),
        .init(.district, nil, "学区一体化/集团化办学", "District / school group"),
        .init(.other, nil, "其他", "Other", aliases: ["其它"]),
    ]
    public static let lookup = CodeLookup(entries)
}

public enum StudioKind: String, CodeListValue {
    case master_teacher, master_principal, class_head, skill_master
    public static let listName = "studio kind"
    public static let entries: [CodeEntry<StudioKind>] = [
        .init(.master_teacher, nil, "名师工作室", "Master-teacher studio", aliases: ["名师"]),
        .init(.master_principal, nil, "名校长工作室", "Master-principal studio", aliases: ["名校长"]),
        .init(.class_head, nil, "班主任工作室", "Class-head studio"),
        .init(.skill_master, nil, "技术技能大师工作室", "Skill-master studio", aliases: ["技能大师工作室", "大师工作室"]),
    ]
    public static let lookup = CodeLookup(entries)
}

public enum MemberRole: String, CodeListValue {
    case host, member
    public static let listName = "member role"
    public static let entries: [CodeEntry<MemberRole>] = [
        .init(.host, nil, "主持人", "Host", aliases: ["领衔人", "负责人"]),
        .init(.member, nil, "成员", "Member", aliases: ["学员"]),
    ]
    public static let lookup = CodeLookup(entries)
}

/// Annual appraisal (年度考核).
public enum AppraisalResult: String, CodeListValue {
    case excellent, passed, basic, failed, none
    public static let listName = "appraisal"
    public static let entries: [CodeEntry<AppraisalResult>] = [
        .init(.excellent, nil, "优秀", "Excellent", aliases: ["优"]),
        .init(.passed, nil, "合格", "Passed"),
        .init(.basic, nil, "基本合格", "Basically passed"),
        .init(.failed, nil, "不合格", "Failed"),
        .init(.none, nil, "未参加考核", "Not appraised", aliases: ["未考核", "不参加考核"]),
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
        /// Everyday spellings accepted beyond the listed ones.
        public var aliases: [String]
    }

    public static func table<V: CodeListValue>(_ type: V.Type) -> [Row] {
        V.entries.map { Row(code: $0.value.rawValue, national: $0.nationalCode, zh: $0.chinese, en: $0.english, aliases: $0.aliases) }
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

extension CodeListValue {
    /// The list's Chinese name, for messages and pages (`培训级别`).
    public static var chineseListName: String { CodeLists.chineseNames[listName] ?? listName }
}

extension CodeLists {
    static let chineseNames: [String: String] = [
        "school type": "学校类型", "area": "城乡类型", "ownership": "办学性质", "gender": "性别", "post": "岗位类别",
        "stage": "任教学段", "course type": "课程类别", "education": "学历", "title": "职称", "establishment": "编制",
        "training level": "培训级别", "training mode": "培训方式", "training kind": "培训类型", "training status": "审核状态",
        "certificate kind": "资格种类", "registration result": "注册结论", "designation kind": "称号类别", "level": "级别",
        "dual-qualified tier": "双师型等级", "rotation kind": "交流轮岗类型", "studio kind": "工作室类别",
        "member role": "角色", "appraisal": "考核结果", "yes/no": "是/否",
    ]
}
