import GRDB
import TeacherGrowth

/// How a cell is read and stored.
package enum CellKind: Sendable {
    case text
    case date
    case code(CodeColumn)
    /// Decimal with at most one digit after the point, stored in tenths.
    case tenths
    /// Decimal with at most two digits after the point, stored in hundredths (fen).
    case hundredths
    /// A whole number ≥ 0.
    case whole
    /// A year, 1900–2100.
    case year
    case yesNo
    case nationalID
}

/// A code-list column: parses any accepted spelling into the English code.
package struct CodeColumn: Sendable {
    package let listName: String
    let chineseName: String
    let parse: @Sendable (String) -> String?
    let suggest: @Sendable (String) -> String?
    let accepted: String
    let acceptedChinese: String

    static func of<V: CodeListValue>(_ type: V.Type) -> CodeColumn {
        CodeColumn(listName: V.listName, chineseName: V.chineseListName, parse: { V.parse($0)?.rawValue },
                   suggest: { V.suggestion(for: $0) }, accepted: V.acceptedForms,
                   acceptedChinese: V.entries.map { $0.chinese }.joined(separator: "、"))
    }
}

/// One column of an import file (SPEC §5).
package struct Column: Sendable {
    enum Fallback: Sendable {
        case none
        case value(String)
        /// The value of another column of the same row (`school_since` defaults to `hired_on`).
        case column(String)
    }

    package let name: String
    let chinese: String
    package let db: String
    package let kind: CellKind
    let required: Bool
    let fallback: Fallback
    /// False for a column that is read only to check the row (`name` beside `staff_no`).
    package let stored: Bool
    /// Free text (names, titles, providers): kept as written. Other columns read full-width
    /// digits, letters and punctuation (`２４`, `Ｔ０００１`, `２０２３．９．１`) as their ASCII forms.
    let freeText: Bool
    /// Units a number in this column may carry (`24学时`), with the factor each stands for.
    let units: [(unit: String, factor: Int)]

    init(_ name: String, _ chinese: String, _ kind: CellKind, required: Bool = false, db: String? = nil,
         default fallback: Fallback = .none, stored: Bool = true, freeText: Bool = false,
         units: [(unit: String, factor: Int)] = []) {
        self.name = name; self.chinese = chinese; self.db = db ?? name; self.kind = kind
        self.required = required; self.fallback = fallback; self.stored = stored; self.freeText = freeText
        self.units = units
    }

    /// The header spellings this column accepts besides its English name (any letter case) and Chinese name.
    var aliases: [String] { Column.aliases[name] ?? [] }

    /// Everyday headers of county and training-platform exports.
    static let aliases: [String: [String]] = [
        "staff_no": ["工号", "教职工号", "职工号", "教师编号", "人员编号", "教工号"],
        "host_staff_no": ["主持人工号", "领衔人工号"],
        "name": ["姓名", "教师姓名", "人员姓名"],
        "hours": ["学时", "培训学时", "获得学时", "学时数"],
        "credits": ["学分", "培训学分", "获得学分"],
        "school_code": ["学校代码", "单位代码", "学校编码"],
        "national_id": ["身份证号", "身份证号码", "身份证件号", "公民身份号码"],
        "start_date": ["开始日期", "开始时间", "培训开始时间"],
        "end_date": ["结束日期", "结束时间", "培训结束时间"],
        "provider": ["培训机构", "承训机构", "主办单位"],
        "status": ["审核状态", "状态", "审核结果", "认定状态"],
        "county": ["所属区县", "区县名称", "区县代码", "县区"],
    ]
}

/// One of the 14 import kinds of SPEC §5: its columns, table and natural key.
public struct ImportKind: Sendable, Hashable {
    public let name: String
    public let table: String
    package let columns: [Column]
    /// Database columns of the natural key.
    package let naturalKey: [String]
    /// When true, a row with a `ref` is keyed by it instead (training, designations).
    package let keyedByRefWhenPresent: Bool

    public static func == (a: ImportKind, b: ImportKind) -> Bool { a.name == b.name }
    public func hash(into h: inout Hasher) { h.combine(name) }

    public var fileName: String { "\(name).csv" }
    public var columnNames: [String] { columns.map(\.name) }

    /// `staff_no* 工号, title* 培训项目名称, …` for help texts.
    public var columnHelp: String {
        columns.map { "\($0.name)\($0.required ? "*" : "") \($0.chinese)" }.joined(separator: ", ")
    }

    /// The Chinese name of the kind (`培训`), also accepted as a file or sheet name.
    public var chineseName: String { ImportKind.chineseNames[name]?.first ?? name }

    package func index(of name: String) -> Int { indexByName[name]! }

    private let indexByName: [String: Int]
    /// The columns written to the table, in column order, and where they are among `columns`.
    package let storedColumns: [Column]
    package let storedIndices: [Int]
    /// The database columns, in column order.
    package let dbColumns: [String]
    /// Whether every column is stored (then a row's values are bound as they are).
    let allStored: Bool

    init(name: String, table: String, columns: [Column], naturalKey: [String], keyedByRefWhenPresent: Bool) {
        self.name = name
        self.table = table
        // Beside a staff number, a name is read to check that the row is about the right person.
        var columns = columns
        if name != "teachers", let i = columns.firstIndex(where: { $0.name == "staff_no" }) {
            columns.insert(Column("name", "姓名", .text, stored: false, freeText: true), at: i + 1)
        }
        self.columns = columns
        self.naturalKey = naturalKey
        self.keyedByRefWhenPresent = keyedByRefWhenPresent
        indexByName = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1.name, $0) })
        storedIndices = columns.indices.filter { columns[$0].stored }
        storedColumns = storedIndices.map { columns[$0] }
        dbColumns = storedColumns.map(\.db)
        allStored = storedIndices.count == columns.count
        hasStaffNo = columns.contains { $0.name == "staff_no" }
    }

    /// The values of a parsed row that are written to the table.
    package func storedValues(_ values: [DatabaseValue]) -> [DatabaseValue] {
        allStored ? values : storedIndices.map { values[$0] }
    }

    package let hasStaffNo: Bool

    /// The kind of this name: the English name in any letter case, or a Chinese name (`培训`).
    public static func named(_ name: String) -> ImportKind? {
        let n = Text.fold(Text.trimmed(name))
        if let k = all.first(where: { $0.name == n }) { return k }
        return all.first { k in (chineseNames[k.name] ?? []).contains { Text.fold($0) == n } }
    }

    /// Chinese names of each kind, for file and sheet names (`培训.csv`, a sheet named 教师).
    static let chineseNames: [String: [String]] = [
        "schools": ["学校", "学校信息", "学校名单"],
        "teachers": ["教师", "教职工", "教师信息", "教职工信息"],
        "assignments": ["任职经历", "任职", "岗位经历"],
        "degrees": ["学历", "学历记录"],
        "titles": ["职称", "职称记录"],
        "training": ["培训", "培训学时", "培训记录"],
        "certificates": ["教师资格证", "资格证", "教师资格"],
        "registrations": ["定期注册", "注册"],
        "designations": ["称号", "荣誉称号", "骨干称号"],
        "rotations": ["交流轮岗", "轮岗"],
        "studios": ["工作室"],
        "studio_members": ["工作室成员"],
        "studio_budgets": ["工作室经费"],
        "appraisals": ["年度考核", "考核"],
    ]

    /// Every kind, in dependency order (what `import-dir` follows).
    public static let all: [ImportKind] = [
        schools, teachers, assignments, degrees, titles, certificates, registrations, training,
        designations, rotations, studios, studioMembers, studioBudgets, appraisals,
    ]

    static let schools = ImportKind(name: "schools", table: "schools", columns: [
        Column("code", "学校代码", .text, required: true),
        Column("name", "学校名称", .text, required: true, freeText: true),
        Column("type", "学校类型", .code(.of(SchoolType.self)), required: true),
        Column("area", "城乡类型", .code(.of(Area.self)), required: true),
        Column("township", "乡镇街道", .text, freeText: true),
        Column("ownership", "办学性质", .code(.of(Ownership.self)), required: true),
        Column("students", "在校生数", .whole, units: [("人", 1), ("名", 1)]),
        Column("pe_quota", "体育教师标准数", .whole, units: [("人", 1), ("名", 1)]),
        Column("arts_quota", "艺术教师标准数", .whole, units: [("人", 1), ("名", 1)]),
        Column("opened_on", "建校日期", .date),
        Column("closed_on", "撤并日期", .date),
        Column("county", "区县", .text, freeText: true),
    ], naturalKey: ["code"], keyedByRefWhenPresent: false)

    static let teachers = ImportKind(name: "teachers", table: "teachers", columns: [
        Column("staff_no", "工号", .text, required: true),
        Column("name", "姓名", .text, required: true, freeText: true),
        Column("gender", "性别", .code(.of(Gender.self))),
        Column("birth_date", "出生日期", .date),
        Column("national_id", "身份证号", .nationalID),
        Column("hired_on", "入职日期", .date, required: true),
        Column("left_on", "离岗日期", .date),
        Column("establishment", "编制", .code(.of(Establishment.self)), default: .value("in")),
        Column("school_code", "学校代码", .text, required: true),
        Column("school_since", "到校日期", .date, default: .column("hired_on")),
        Column("post", "岗位类别", .code(.of(Post.self)), required: true),
        Column("stage", "任教学段", .code(.of(Stage.self)), required: true),
        Column("subject", "任教学科", .text, freeText: true),
        Column("course_type", "课程类别", .code(.of(CourseType.self))),
        Column("education", "最高学历", .code(.of(Education.self)), required: true),
        Column("education_on", "学历取得日期", .date, default: .column("hired_on")),
        Column("title", "职称", .code(.of(Title.self))),
        Column("title_on", "职称取得日期", .date, default: .column("hired_on")),
    ], naturalKey: ["staff_no"], keyedByRefWhenPresent: false)

    static let assignments = ImportKind(name: "assignments", table: "assignments", columns: [
        Column("staff_no", "工号", .text, required: true),
        Column("school_code", "学校代码", .text, required: true),
        Column("from", "开始日期", .date, required: true, db: "from_date"),
        Column("to", "结束日期", .date, db: "to_date"),
        Column("post", "岗位类别", .code(.of(Post.self)), required: true),
        Column("stage", "任教学段", .code(.of(Stage.self)), required: true),
        Column("subject", "任教学科", .text, freeText: true),
        Column("course_type", "课程类别", .code(.of(CourseType.self))),
    ], naturalKey: ["staff_no", "from_date"], keyedByRefWhenPresent: false)

    static let degrees = ImportKind(name: "degrees", table: "degrees", columns: [
        Column("staff_no", "工号", .text, required: true),
        Column("education", "学历", .code(.of(Education.self)), required: true),
        Column("obtained_on", "取得日期", .date, required: true),
    ], naturalKey: ["staff_no", "education"], keyedByRefWhenPresent: false)

    static let titles = ImportKind(name: "titles", table: "titles", columns: [
        Column("staff_no", "工号", .text, required: true),
        Column("title", "职称", .code(.of(Title.self)), required: true),
        Column("from", "取得日期", .date, required: true, db: "from_date"),
    ], naturalKey: ["staff_no", "title"], keyedByRefWhenPresent: false)

    static let training = ImportKind(name: "training", table: "training", columns: [
        Column("staff_no", "工号", .text, required: true),
        Column("title", "培训项目名称", .text, required: true, freeText: true),
        Column("level", "培训级别", .code(.of(TrainingLevel.self)), required: true),
        Column("mode", "培训方式", .code(.of(TrainingMode.self))),
        Column("kind", "培训类型", .code(.of(TrainingKind.self)), default: .value("general")),
        Column("provider", "培训机构名称", .text, freeText: true),
        Column("start_date", "培训开始日期", .date, required: true),
        Column("end_date", "培训结束日期", .date, required: true),
        Column("hours", "培训获得学时", .tenths, required: true, db: "hours_tenths", units: [("学时", 1), ("小时", 1), ("课时", 1)]),
        Column("credits", "培训获得学分", .tenths, db: "credits_tenths", units: [("学分", 1), ("分", 1)]),
        Column("status", "审核状态", .code(.of(TrainingStatus.self)), default: .value("approved")),
        Column("ref", "外部编号", .text),
    ], naturalKey: ["staff_no", "title", "start_date", "end_date"], keyedByRefWhenPresent: true)

    static let certificates = ImportKind(name: "certificates", table: "certificates", columns: [
        Column("staff_no", "工号", .text, required: true),
        Column("kind", "资格种类", .code(.of(CertificateKind.self)), required: true),
        Column("subject", "任教学科", .text, freeText: true),
        Column("number", "证书号码", .text, required: true),
        Column("issued_on", "颁发日期", .date, required: true),
        Column("issuer", "颁发机构", .text, freeText: true),
        Column("revoked_on", "撤销日期", .date),
    ], naturalKey: ["number"], keyedByRefWhenPresent: false)

    static let registrations = ImportKind(name: "registrations", table: "registrations", columns: [
        Column("number", "证书号码", .text, required: true),
        Column("registered_on", "注册日期", .date, required: true),
        Column("result", "注册结论", .code(.of(RegistrationResult.self)), required: true),
    ], naturalKey: ["number", "registered_on"], keyedByRefWhenPresent: false)

    static let designations = ImportKind(name: "designations", table: "designations", columns: [
        Column("staff_no", "工号", .text, required: true),
        Column("kind", "称号类别", .code(.of(DesignationKind.self)), required: true),
        Column("level", "级别", .code(.of(Level.self)), required: true),
        Column("tier", "等级", .code(.of(DualQualifiedTier.self))),
        Column("awarded_on", "认定日期", .date, required: true),
        Column("expires_on", "有效期至", .date),
        Column("revoked_on", "撤销日期", .date),
        Column("ref", "外部编号", .text),
    ], naturalKey: ["staff_no", "kind", "level", "awarded_on"], keyedByRefWhenPresent: true)

    static let rotations = ImportKind(name: "rotations", table: "rotations", columns: [
        Column("staff_no", "工号", .text, required: true),
        Column("from_school", "原单位代码", .text, required: true),
        Column("to_school", "交流单位代码", .text, required: true),
        Column("kind", "交流轮岗类型", .code(.of(RotationKind.self)), required: true),
        Column("transfers_personnel", "是否调动人事关系", .yesNo, default: .value("no")),
        Column("start_date", "开始日期", .date, required: true),
        Column("end_date", "结束日期", .date),
    ], naturalKey: ["staff_no", "start_date"], keyedByRefWhenPresent: false)

    static let studios = ImportKind(name: "studios", table: "studios", columns: [
        Column("code", "工作室代码", .text, required: true),
        Column("name", "工作室名称", .text, required: true, freeText: true),
        Column("kind", "工作室类别", .code(.of(StudioKind.self)), required: true),
        Column("level", "级别", .code(.of(Level.self)), required: true),
        Column("host_staff_no", "主持人工号", .text, required: true),
        Column("school_code", "依托学校代码", .text),
        Column("stage", "学段", .code(.of(Stage.self))),
        Column("subject", "学科", .text, freeText: true),
        Column("founded_on", "成立日期", .date, required: true),
        Column("closed_on", "撤销日期", .date),
    ], naturalKey: ["code"], keyedByRefWhenPresent: false)

    static let studioMembers = ImportKind(name: "studio_members", table: "studio_members", columns: [
        Column("studio_code", "工作室代码", .text, required: true),
        Column("staff_no", "工号", .text, required: true),
        Column("role", "角色", .code(.of(MemberRole.self)), default: .value("member")),
        Column("joined_on", "加入日期", .date, required: true),
        Column("left_on", "退出日期", .date),
    ], naturalKey: ["studio_code", "staff_no", "joined_on"], keyedByRefWhenPresent: false)

    static let studioBudgets = ImportKind(name: "studio_budgets", table: "studio_budgets", columns: [
        Column("studio_code", "工作室代码", .text, required: true),
        Column("year", "年度", .year, required: true, units: [("年", 1), ("年度", 1)]),
        Column("amount_yuan", "经费（元）", .hundredths, required: true, db: "amount_fen", units: [("元", 1), ("万元", 10_000)]),
    ], naturalKey: ["studio_code", "year"], keyedByRefWhenPresent: false)

    static let appraisals = ImportKind(name: "appraisals", table: "appraisals", columns: [
        Column("staff_no", "工号", .text, required: true),
        Column("year", "年度", .year, required: true, units: [("年", 1), ("年度", 1)]),
        Column("result", "考核结果", .code(.of(AppraisalResult.self)), required: true),
    ], naturalKey: ["staff_no", "year"], keyedByRefWhenPresent: false)
}
