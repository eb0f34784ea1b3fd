/// What the views ask of a store (issue 13): schools and studios whole, people one at a time.
/// The SQLite store implements it; tests implement it with arrays; another store can be plugged in.
public protocol FactSource {
    func schools() throws -> [School]
    /// School code → name, for people-facing views.
    func schoolNames() throws -> [String: String]
    func studios() throws -> [StudioFacts]
    /// Calls `body` with each person's facts, in staff-number order.
    func forEachTeacher(_ query: FactQuery, _ body: (TeacherFacts) throws -> Void) throws
    /// The names of these people (never for public routes).
    func names(of staff: Set<String>) throws -> [String: String]
}

/// Which facts of each person to read.
public struct FactQuery: Sendable, Hashable {
    /// Registrations and appraisals (the compliance view).
    public var registrations: Bool
    /// Gender and birth date (ages and retirement in the rotation planner).
    public var personal: Bool
    /// Only people ever assigned to this school (a superset of its staff on any day).
    public var school: String?

    public init(registrations: Bool = false, personal: Bool = false, school: String? = nil) {
        self.registrations = registrations; self.personal = personal; self.school = school
    }
}

/// Facts held in memory: for tests of the views without a database.
public struct InMemoryFacts: FactSource, Sendable {
    public var schoolList: [School]
    public var names: [String: String]
    public var schoolNameList: [String: String]
    public var studioList: [StudioFacts]
    public var people: [TeacherFacts]

    public init(schools: [School], people: [TeacherFacts], studios: [StudioFacts] = [], names: [String: String] = [:],
                schoolNames: [String: String] = [:]) {
        schoolList = schools; self.people = people.sorted { $0.staffNo.utf8.lexicographicallyPrecedes($1.staffNo.utf8) }
        studioList = studios; self.names = names; schoolNameList = schoolNames
    }

    public func schools() throws -> [School] { schoolList }
    public func schoolNames() throws -> [String: String] { schoolNameList }
    public func studios() throws -> [StudioFacts] { studioList }
    public func forEachTeacher(_ query: FactQuery, _ body: (TeacherFacts) throws -> Void) throws {
        for p in people where query.school.map({ s in p.timeline.assignments.contains { $0.schoolCode == s } }) ?? true { try body(p) }
    }
    public func names(of staff: Set<String>) throws -> [String: String] { names.filter { staff.contains($0.key) } }
}
