import Foundation

/// Seeds/demo-county.json: the demo county's size and yearly rates.
public struct DemoParameters: Decodable, Sendable {
    public struct NamedSchool: Decodable, Sendable { public var name: String; public var type: String; public var area: String; public var township: String }
    public struct Yearly: Decodable, Sendable {
        public var hire_rate: Double
        public var leave_rate: Double
        public var transfer_rate: Double
        public var degree_upgrade_rate: Double
        public var certificate_rate_2019: Double
        public var certificate_gain_per_year: Double
        public var backbone_pool_2019: Int
        public var backbone_new_per_year: [Int]
        public var backbone_term_years: Int
        public var rotation_rate_of_eligible: [Double]
        public var backbone_rotation_bias: [Double]
        public var pe_arts_hires_per_year: [Int]
        public var private_hires_per_year: [Int]
    }
    public struct Training: Decodable, Sendable {
        public var records_per_year: [Int]
        public var hours: [Int]
        public var level_share: [String: Double]
        public var pending_share: Double
        public var rejected_share: Double
        public var induction_hours: Int
        public var idle_teacher_share: Double
    }
    public struct Studios: Decodable, Sendable {
        public var master_teacher_by_year: [Int]
        public var master_principal: Int
        public var class_head_by_year: [Int]
        public var skill_master_by_year: [Int]
        public var underfunded_share: Double
    }

    public var county: String
    public var schools: Int
    public var staff: Int
    public var students: Int
    public var first_year: Int
    public var last_year: Int
    public var school_types: [String: Int]
    public var private_schools: [String: Int]
    public var named_schools: [NamedSchool]
    public var townships: [String: [String]]
    public var area_share: [String: Double]
    public var post_share: [String: Double]
    public var yearly: Yearly
    public var training: Training
    public var studios: Studios

    /// The parameters shipped in Seeds/demo-county.json (compiled in).
    public static var bundled: DemoParameters {
        // Checked by a test against the seed file.
        try! JSONDecoder().decode(DemoParameters.self, from: Data(DemoSeeds.demoCounty.utf8))
    }
}
