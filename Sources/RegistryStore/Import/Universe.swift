import GRDB
import Spreadsheets
import TeacherGrowth

/// A parsed, cell-valid row.
package struct ParsedRow {
    package let kind: ImportKind
    package let line: Int
    package let values: [DatabaseValue]

    package subscript(_ name: String) -> DatabaseValue { values[kind.index(of: name)] }
    package func text(_ name: String) -> String? { String.fromDatabaseValue(self[name]) }
    func int(_ name: String) -> Int? { Int.fromDatabaseValue(self[name]) }
    func date(_ name: String) -> CivilDate? { text(name).flatMap { CivilDate(iso: $0) } }
}

/// What validation needs to know of the database and of the input read so far: which schools,
/// staff, certificates and studios exist, and everyone's assignments (for the overlap rule).
package final class Universe {
    package struct SchoolDates {
        var opened: CivilDate?; var closed: CivilDate?
        package init(opened: CivilDate?, closed: CivilDate?) { self.opened = opened; self.closed = closed }
    }
    package struct StaffDates {
        var hired: CivilDate; var left: CivilDate?; var name: String? = nil
        package init(hired: CivilDate, left: CivilDate?, name: String?) { self.hired = hired; self.left = left; self.name = name }
    }
    package struct AssignmentSpan {
        var from: CivilDate; var to: CivilDate?; var file: String?; var line: Int
        package init(from: CivilDate, to: CivilDate?) { self.from = from; self.to = to; file = nil; line = 0 }
        init(from: CivilDate, to: CivilDate?, file: String?, line: Int) { self.from = from; self.to = to; self.file = file; self.line = line }
    }

    package var schools: [String: SchoolDates] = [:]
    package var staff: [String: StaffDates] = [:]
    package var certificates: [String: CivilDate] = [:]
    package var studios: Set<String> = []
    /// staff_no → from → span; database rows first, input rows replace them by key.
    package var assignments: [String: [CivilDate: AssignmentSpan]] = [:]

    /// An empty universe, for a backend that fills it from its own tables.
    package init() {}

    /// Which tables validation needs for these kinds (the SQLite loader below reads the same).
    package static func needs(kinds: Set<String>) -> (schools: Bool, staff: Bool, certificates: Bool, studios: Bool, assignments: Bool) {
        (!kinds.isDisjoint(with: ["teachers", "assignments", "rotations", "studios"]),
         !kinds.isDisjoint(with: ["teachers", "assignments", "degrees", "titles", "training", "certificates",
                                  "designations", "rotations", "studios", "studio_members", "appraisals"]),
         kinds.contains("registrations"),
         !kinds.isDisjoint(with: ["studio_members", "studio_budgets"]),
         !kinds.isDisjoint(with: ["teachers", "assignments"]))
    }
    private var loadedAssignments = false
    /// Lower-cased staff number → the registry's spelling, built on the first miss.
    private var staffByLowercase: [String: String]?

    /// The registry's staff number that differs from `no` only in letter case.
    func staffNumber(caseInsensitive no: String) -> String? {
        if staffByLowercase == nil {
            var map: [String: String] = [:]
            for k in staff.keys { map[k.lowercased()] = k }
            staffByLowercase = map
        }
        return staffByLowercase?[no.lowercased()]
    }

    /// With `names`, each person's name is read too, to check the names files carry.
    init(_ db: Database, kinds: Set<String>, names: Bool = false) throws {
        let needsSchools = !kinds.isDisjoint(with: ["teachers", "assignments", "rotations", "studios"])
        let needsStaff = !kinds.isDisjoint(with: ["teachers", "assignments", "degrees", "titles", "training", "certificates",
                                                   "designations", "rotations", "studios", "studio_members", "appraisals"])
        if needsSchools {
            let cursor = try Row.fetchCursor(db, sql: "SELECT code, opened_on, closed_on FROM schools")
            while let row = try cursor.next() {
                schools[row[0]] = SchoolDates(opened: (row[1] as String?).flatMap { CivilDate(iso: $0) },
                                              closed: (row[2] as String?).flatMap { CivilDate(iso: $0) })
            }
        }
        if needsStaff {
            let cursor = try Row.fetchCursor(db, sql: "SELECT staff_no, hired_on, left_on\(names ? ", name" : "") FROM teachers")
            while let row = try cursor.next() {
                staff[row[0]] = StaffDates(hired: CivilDate(iso: row[1] as String)!,
                                           left: (row[2] as String?).flatMap { CivilDate(iso: $0) },
                                           name: names ? row[3] as String : nil)
            }
        }
        if kinds.contains("registrations") {
            let cursor = try Row.fetchCursor(db, sql: "SELECT number, issued_on FROM certificates")
            while let row = try cursor.next() {
                certificates[row[0]] = CivilDate(iso: row[1] as String)!
            }
        }
        if !kinds.isDisjoint(with: ["studio_members", "studio_budgets"]) {
            studios = Set(try String.fetchAll(db, sql: "SELECT code FROM studios"))
        }
        if !kinds.isDisjoint(with: ["teachers", "assignments"]) {
            let cursor = try Row.fetchCursor(db, sql: "SELECT staff_no, from_date, to_date FROM assignments")
            while let row = try cursor.next() {
                let from = CivilDate(iso: row[1] as String)!
                assignments[row[0], default: [:]][from] = AssignmentSpan(
                    from: from, to: (row[2] as String?).flatMap { CivilDate(iso: $0) }, file: nil, line: 0)
            }
        }
    }
}

/// The SPEC §5 validation rules that look beyond one cell: within a row, across files and against
/// the database. Errors block the import; warnings ("legal but suspicious") do not.
struct Validator {
    let universe: Universe
    let file: String
    let sheet: String?
    var issues: [ImportIssue] = []

    init(universe: Universe, file: String, sheet: String? = nil) { self.universe = universe; self.file = file; self.sheet = sheet }

    private mutating func add(_ severity: ImportIssue.Severity, _ row: ParsedRow, _ column: String?, _ message: LocalizedText) {
        let chinese = column.flatMap { c in row.kind.columns.first { $0.name == c }?.chinese }
        issues.append(.init(severity: severity, file: file, sheet: sheet, line: row.line, column: column, columnChinese: chinese, message: message))
    }

    private mutating func error(_ row: ParsedRow, _ column: String?, _ message: LocalizedText) { add(.error, row, column, message) }
    private mutating func warning(_ row: ParsedRow, _ column: String?, _ message: LocalizedText) { add(.warning, row, column, message) }

    private func chinese(_ row: ParsedRow, _ column: String) -> String {
        row.kind.columns.first { $0.name == column }?.chinese ?? column
    }

    private mutating func order(_ row: ParsedRow, _ start: String, _ end: String, strictly: Bool = false) {
        guard let s = row.date(start), let e = row.date(end) else { return }
        if strictly ? !(s < e) : !(s <= e) {
            let rule = strictly ? "after" : "on or after"
            error(row, end, .init("\(e) 早于\(strictly ? "或等于" : "")\(chinese(row, start)) \(s)；\(chinese(row, end))应\(strictly ? "晚于" : "不早于")\(chinese(row, start))",
                                  "\(e) is before \(strictly ? "or on " : "")\(start) \(s); \(end) must be \(rule) \(start)"))
        }
    }

    private mutating func school(_ row: ParsedRow, _ column: String) {
        guard let code = row.text(column), universe.schools[code] == nil else { return }
        error(row, column, .init("学校“\(code)”既不在学校表中也不在系统中；请先导入该学校，或更正学校代码",
                                 "school \"\(code)\" is not in schools.csv or the registry; import the school first or correct the code"))
    }

    @discardableResult
    private mutating func staff(_ row: ParsedRow, _ column: String = "staff_no") -> Universe.StaffDates? {
        guard let no = row.text(column) else { return nil }
        if let s = universe.staff[no] {
            checkName(row, no, s)
            return s
        }
        if let other = universe.staffNumber(caseInsensitive: no) {
            error(row, column, .init("工号“\(no)”不在系统中，系统中有大小写不同的“\(other)”；请改为“\(other)”",
                                     "staff \"\(no)\" is not in the registry, but \"\(other)\" is (the letter case differs); write \"\(other)\""))
            return nil
        }
        error(row, column, .init("工号“\(no)”既不在教师表中也不在系统中；请先导入该教师，或更正工号",
                                 "staff \"\(no)\" is not in teachers.csv or the registry; import the teacher first or correct the staff number"))
        return nil
    }

    /// The name beside a staff number must be the registry's: otherwise the row is about someone
    /// else, and its hours would go to the wrong teacher.
    private mutating func checkName(_ row: ParsedRow, _ no: String, _ s: Universe.StaffDates) {
        guard let given = row.kind.columns.contains(where: { $0.name == "name" && !$0.stored }) ? row.text("name") : nil,
              let known = s.name, Validator.sameName(given, known) == false else { return }
        error(row, "name", .init("工号 \(no) 在系统中是 \(known)，文件中是 \(given)；请核对是工号还是姓名写错了",
                                 "staff \(no) is \(known) in the registry but \(given) in the file; check whether the staff number or the name is wrong"))
    }

    /// Names compared without spaces, and with the middle-dot variants of minority names alike.
    static func sameName(_ a: String, _ b: String) -> Bool {
        func norm(_ s: String) -> String {
            var out = String.UnicodeScalarView()
            for u in Text.halfWidth(s).unicodeScalars {
                if u.properties.isWhitespace { continue }
                switch u { case "•", "・", ".", "‧", "∙": out.append("·"); default: out.append(u) }
            }
            return String(out)
        }
        return norm(a) == norm(b)
    }

    private mutating func courseType(_ row: ParsedRow) {
        guard let stage = row.text("stage") else { return }
        let has = row.text("course_type") != nil
        if stage == Stage.vocational.rawValue && !has {
            error(row, "course_type", .init("为空；任教学段为中职时须填写课程类别：文化课或专业课",
                                            "is empty; stage vocational (中职) needs a course type: general (文化课) or specialized (专业课)"))
        } else if stage != Stage.vocational.rawValue && has {
            let label = Stage(rawValue: stage)?.chineseLabel ?? stage
            error(row, "course_type", .init("任教学段为\(label)时课程类别应为空；只有中职才填写课程类别",
                                            "must be empty for stage \(stage); a course type is only given for stage vocational (中职)"))
        }
    }

    private mutating func assignmentWarnings(_ row: ParsedRow, school: String, from: CivilDate, staff: Universe.StaffDates?) {
        if let left = staff?.left, from > left {
            warning(row, "from", .init("任职开始于 \(from)，晚于离岗日期 \(left)", "the assignment starts \(from), after the person left on \(left)"))
        }
        if let s = universe.schools[school] {
            if let o = s.opened, from < o {
                warning(row, "school_code", .init("学校 \(school) 建校于 \(o)，晚于这段任职的开始日期 \(from)",
                                                  "school \(school) opened only on \(o), after this assignment starts (\(from))"))
            }
            if let c = s.closed, from > c {
                warning(row, "school_code", .init("学校 \(school) 已于 \(c) 撤并，早于这段任职的开始日期 \(from)",
                                                  "school \(school) closed on \(c), before this assignment starts (\(from))"))
            }
        }
    }

    private mutating func recordAssignment(_ row: ParsedRow, staffNo: String, from: CivilDate, to: CivilDate?) {
        universe.assignments[staffNo, default: [:]][from] = .init(from: from, to: to, file: file, line: row.line)
    }

    /// Checks one row and records what later rows and files may refer to.
    mutating func check(_ row: ParsedRow) {
        switch row.kind.name {
        case "schools":
            order(row, "opened_on", "closed_on")
            if let code = row.text("code") {
                universe.schools[code] = .init(opened: row.date("opened_on"), closed: row.date("closed_on"))
            }
        case "teachers":
            order(row, "hired_on", "left_on")
            courseType(row)
            school(row, "school_code")
            if let id = row.text("national_id"), let birth = row.date("birth_date"),
               case .success(let r) = NationalID.validate(id), r.birthDate != birth {
                error(row, "national_id", .init("身份证号中的出生日期与出生日期一列（\(birth)）不一致；请更正其中一项",
                                                "the birth date in the identity number does not match birth_date \(birth); correct one of them"))
            }
            guard let no = row.text("staff_no"), let hired = row.date("hired_on") else { return }
            let dates = Universe.StaffDates(hired: hired, left: row.date("left_on"), name: row.text("name"))
            universe.staff[no] = dates
            if let since = row.date("school_since") {
                if since < hired { warning(row, "school_since", .init("\(since) 早于入职日期 \(hired)", "\(since) is before hired_on \(hired)")) }
                assignmentWarnings(row, school: row.text("school_code") ?? "", from: since, staff: dates)
                recordAssignment(row, staffNo: no, from: since, to: universe.assignments[no]?[since]?.to)
            }
        case "assignments":
            order(row, "from", "to")
            courseType(row)
            school(row, "school_code")
            let s = staff(row)
            guard let no = row.text("staff_no"), let from = row.date("from") else { return }
            assignmentWarnings(row, school: row.text("school_code") ?? "", from: from, staff: s)
            if let s, from < s.hired {
                warning(row, "from", .init("任职开始于 \(from)，早于入职日期 \(s.hired)", "the assignment starts \(from), before hired_on \(s.hired)"))
            }
            recordAssignment(row, staffNo: no, from: from, to: row.date("to"))
        case "degrees", "titles", "appraisals":
            staff(row)
        case "training":
            order(row, "start_date", "end_date")
            if let s = staff(row), let start = row.date("start_date"), let end = row.date("end_date") {
                if end < s.hired {
                    warning(row, "end_date", .init("培训结束于 \(end)，早于入职日期 \(s.hired)", "the training ended \(end), before hired_on \(s.hired)"))
                }
                if let left = s.left, start > left {
                    warning(row, "start_date", .init("培训开始于 \(start)，晚于离岗日期 \(left)", "the training starts \(start), after the person left on \(left)"))
                }
            }
        case "certificates":
            order(row, "issued_on", "revoked_on", strictly: true)
            staff(row)
            if let n = row.text("number"), let issued = row.date("issued_on") { universe.certificates[n] = issued }
        case "registrations":
            guard let n = row.text("number") else { return }
            guard let issued = universe.certificates[n] else {
                error(row, "number", .init("证书“\(n)”既不在资格证表中也不在系统中；请先导入该证书，或更正证书号码",
                                           "certificate \"\(n)\" is not in certificates.csv or the registry; import the certificate first or correct the number"))
                return
            }
            if let on = row.date("registered_on"), on < issued {
                error(row, "registered_on", .init("\(on) 早于证书颁发日期 \(issued)；请核对日期或证书号码",
                                                  "\(on) is before the certificate was issued (\(issued)); check the date or the certificate number"))
            }
        case "designations":
            order(row, "awarded_on", "expires_on")
            order(row, "awarded_on", "revoked_on", strictly: true)
            if row.text("tier") != nil, row.text("kind") != DesignationKind.dual_qualified.rawValue {
                let kind = row.text("kind").flatMap { DesignationKind(rawValue: $0)?.chineseLabel } ?? ""
                error(row, "tier", .init("只有“双师型教师”才填写等级；\(kind)的等级应为空",
                                         "a tier is given only for kind dual_qualified (双师型教师); leave it empty for \(row.text("kind") ?? "")"))
            }
            if let s = staff(row), let awarded = row.date("awarded_on"), let left = s.left, awarded > left {
                warning(row, "awarded_on", .init("认定于 \(awarded)，晚于离岗日期 \(left)", "awarded \(awarded), after the person left on \(left)"))
            }
        case "rotations":
            order(row, "start_date", "end_date")
            staff(row)
            school(row, "from_school")
            school(row, "to_school")
            if let a = row.text("from_school"), a == row.text("to_school") {
                error(row, "to_school", .init("与原单位（\(a)）是同一所学校；交流轮岗应去往另一所学校",
                                              "is the same school as from_school (\(a)); a rotation moves to another school"))
            }
        case "studios":
            order(row, "founded_on", "closed_on")
            staff(row, "host_staff_no")
            if row.text("school_code") != nil { school(row, "school_code") }
            if let code = row.text("code") { universe.studios.insert(code) }
        case "studio_members":
            order(row, "joined_on", "left_on")
            staff(row)
            studio(row)
        case "studio_budgets":
            studio(row)
        default:
            break
        }
    }

    private mutating func studio(_ row: ParsedRow) {
        guard let code = row.text("studio_code"), !universe.studios.contains(code) else { return }
        error(row, "studio_code", .init("工作室“\(code)”既不在工作室表中也不在系统中；请先导入该工作室，或更正代码",
                                        "studio \"\(code)\" is not in studios.csv or the registry; import the studio first or correct the code"))
    }

    /// The overlap rule of SPEC §3, over database and input assignments of everyone in the input.
    static func overlapIssues(_ universe: Universe, sheets: [String: String?] = [:]) -> [ImportIssue] {
        var out: [ImportIssue] = []
        for (staffNo, byFrom) in universe.assignments {
            let spans = byFrom.values.sorted { $0.from < $1.from }
            for (a, b) in zip(spans, spans.dropFirst()) {
                guard let to = a.to, to >= b.from else { continue }
                // Report on the input row involved (the later one if both are input).
                let (culprit, other) = b.file != nil ? (b, a) : (a, b)
                guard let file = culprit.file else { continue }
                let whereZH = other.file.map { "\($0):\(other.line)" } ?? "系统中"
                let whereEN = other.file.map { "\($0):\(other.line)" } ?? "the registry"
                out.append(.init(severity: .error, file: file, sheet: sheets[file] ?? nil, line: culprit.line, column: "from", columnChinese: "开始日期",
                                 message: .init("工号 \(staffNo)：从 \(b.from) 开始的任职与 \(a.from) 至 \(to) 的任职（\(whereZH)）重叠；请把前一段的结束日期改为前一天，或留空",
                                                "staff \(staffNo): the assignment from \(b.from) overlaps the one from \(a.from) to \(to) (\(whereEN)); end the earlier one the day before, or leave its end empty")))
            }
        }
        return out.sorted { ($0.file, $0.line) < ($1.file, $1.line) }
    }
}
