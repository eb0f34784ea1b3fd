/// The metrics of the annual teacher-growth report (SPEC §6), in report order.
public enum MetricKey: String, CaseIterable, Sendable, Codable, Hashable {
    case certificate_rate
    case training_360_rate
    case county_training_3yr_rate
    case primary_associate_rate
    case junior_bachelor_rate
    case private_above_required_new
    case pe_arts_teachers
    case pe_arts_added
    case pe_arts_added_since_plan_start
    case pe_arts_staffing_rate
    case backbone_total
    case backbone_new
    case backbone_new_since_plan_start
    case top_talent_total
    case backbone_per_100_students
    case exchange_rate
    case backbone_share_of_exchanged
    case backbone_exchange_rate
    case master_studios
    case studio_funding_rate
    case class_head_studios
    case skill_master_studios
    case dual_qualified_rate

    public enum Kind: String, Sendable, Codable { case ratio, count }

    /// The position in report order, for array-indexed tallies (hashing a String-backed enum hashes
    /// its raw value, too slow for the per-person loop).
    public var index: Int {
        switch self {
        case .certificate_rate: 0
        case .training_360_rate: 1
        case .county_training_3yr_rate: 2
        case .primary_associate_rate: 3
        case .junior_bachelor_rate: 4
        case .private_above_required_new: 5
        case .pe_arts_teachers: 6
        case .pe_arts_added: 7
        case .pe_arts_added_since_plan_start: 8
        case .pe_arts_staffing_rate: 9
        case .backbone_total: 10
        case .backbone_new: 11
        case .backbone_new_since_plan_start: 12
        case .top_talent_total: 13
        case .backbone_per_100_students: 14
        case .exchange_rate: 15
        case .backbone_share_of_exchanged: 16
        case .backbone_exchange_rate: 17
        case .master_studios: 18
        case .studio_funding_rate: 19
        case .class_head_studios: 20
        case .skill_master_studios: 21
        case .dual_qualified_rate: 22
        }
    }

    public var kind: Kind {
        switch self {
        case .certificate_rate, .training_360_rate, .county_training_3yr_rate, .primary_associate_rate,
             .junior_bachelor_rate, .pe_arts_staffing_rate, .backbone_per_100_students, .exchange_rate,
             .backbone_share_of_exchanged, .backbone_exchange_rate, .studio_funding_rate, .dual_qualified_rate:
            .ratio
        default:
            .count
        }
    }

    /// The label in a report.
    public func label(_ language: Language) -> String {
        let (zh, en) = labels
        return language == .zh ? zh : en
    }

    private var labels: (String, String) {
        switch self {
        case .certificate_rate: ("专任教师持教师资格证上岗率", "Fitting-certificate rate")
        case .training_360_rate: ("5年360学时培训完成（进度）率", "360-hour cycle on-track rate")
        case .county_training_3yr_rate: ("3年内参加县级以上培训比例", "County training in 3 years")
        case .primary_associate_rate: ("小学专任教师专科以上学历比例", "Primary: associate degree+")
        case .junior_bachelor_rate: ("初中专任教师本科以上学历比例", "Junior: bachelor's degree+")
        case .private_above_required_new: ("新增民办学校高于规定学历教师", "New private above-req. teachers")
        case .pe_arts_teachers: ("体育、艺术专任教师数", "PE and arts teachers")
        case .pe_arts_added: ("新增体育、艺术专任教师", "PE/arts teachers added")
        case .pe_arts_added_since_plan_start: ("规划期累计新增体育艺术教师", "PE/arts added since plan start")
        case .pe_arts_staffing_rate: ("体育艺术教师配备达标学校比例", "Schools meeting PE/arts quotas")
        case .backbone_total: ("县级以上骨干教师总数", "Backbone teachers (county+)")
        case .backbone_new: ("新认定县级以上骨干教师", "New backbone teachers")
        case .backbone_new_since_plan_start: ("规划期累计新认定骨干教师", "New backbone since plan start")
        case .top_talent_total: ("特级教师、市级名师、正高级教师", "Top-talent teachers")
        case .backbone_per_100_students: ("每百名学生县级以上骨干教师", "Backbone per 100 students")
        case .exchange_rate: ("符合条件教师交流轮岗比例", "Eligible teachers rotated")
        case .backbone_share_of_exchanged: ("交流轮岗教师中骨干教师比例", "Backbone share of rotated")
        case .backbone_exchange_rate: ("骨干教师交流轮岗比例", "Backbone teachers rotated")
        case .master_studios: ("县级以上名师工作室", "Master-teacher studios")
        case .studio_funding_rate: ("名师名校长工作室经费达标比例", "Studios funded in range")
        case .class_head_studios: ("班主任工作室", "Class-head studios")
        case .skill_master_studios: ("技术技能大师工作室", "Skill-master studios")
        case .dual_qualified_rate: ("“双师型”教师占专业课教师比例", "Dual-qualified share")
        }
    }
}
