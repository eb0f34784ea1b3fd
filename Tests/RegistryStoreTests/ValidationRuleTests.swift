import Foundation
import Testing
@testable import RegistryStore

/// Each SPEC §5 validation rule, tried with a broken file against a loaded registry: the error
/// names the file, line and column, and nothing at all is written.
@Suite("Import: every validation rule rejects and writes nothing")
struct ValidationRuleTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let rule: String
        let kind: String
        let csv: String
        /// The start of the expected error line: "FILE:LINE: column:".
        let expected: String
        var testDescription: String { rule }
    }

    static let cases: [Case] = [
        Case(rule: "missing required column", kind: "training",
             csv: "staff_no,title,level,start_date,end_date\nT0001,A,county,2023-01-01,2023-01-02\n",
             expected: "training.csv:1: hours: required column is missing"),
        Case(rule: "empty required cell", kind: "training",
             csv: "staff_no,title,level,start_date,end_date,hours\nT0001,,county,2023-01-01,2023-01-02,3\n",
             expected: "training.csv:2: title: is empty"),
        Case(rule: "unknown code", kind: "training",
             csv: "staff_no,title,level,start_date,end_date,hours\nT0001,A,乡级,2023-01-01,2023-01-02,3\n",
             expected: "training.csv:2: level: \"乡级\" is not a training level"),
        Case(rule: "not a number", kind: "training",
             csv: "staff_no,title,level,start_date,end_date,hours\nT0001,A,county,2023-01-01,2023-01-02,2o\n",
             expected: "training.csv:2: hours: \"2o\" is not a number"),
        Case(rule: "too many decimals", kind: "training",
             csv: "staff_no,title,level,start_date,end_date,hours\nT0001,A,county,2023-01-01,2023-01-02,2.25\n",
             expected: "training.csv:2: hours: \"2.25\" has too many digits"),
        Case(rule: "zero hours", kind: "training",
             csv: "staff_no,title,level,start_date,end_date,hours\nT0001,A,county,2023-01-01,2023-01-02,0\n",
             expected: "training.csv:2: hours: 0 hours is out of range"),
        Case(rule: "absurd hours", kind: "training",
             csv: "staff_no,title,level,start_date,end_date,hours\nT0001,A,county,2023-01-01,2023-01-02,2000.1\n",
             expected: "training.csv:2: hours: 2000.1 hours is out of range"),
        Case(rule: "thousands separator", kind: "studio_budgets",
             csv: "studio_code,year,amount_yuan\nST01,2023,\"30,000\"\n",
             expected: "studio_budgets.csv:2: amount_yuan: \"30,000\" has a thousands separator"),
        Case(rule: "negative budget", kind: "studio_budgets",
             csv: "studio_code,year,amount_yuan\nST01,2023,-1\n",
             expected: "studio_budgets.csv:2: amount_yuan: \"-1\" is negative"),
        Case(rule: "impossible date", kind: "training",
             csv: "staff_no,title,level,start_date,end_date,hours\nT0001,A,county,2023-02-30,2023-03-02,3\n",
             expected: "training.csv:2: start_date: \"2023-02-30\" is not a calendar date"),
        Case(rule: "Excel serial date", kind: "training",
             csv: "staff_no,title,level,start_date,end_date,hours\nT0001,A,county,45170,2023-03-02,3\n",
             expected: "training.csv:2: start_date: \"45170\" is a number, not a date"),
        Case(rule: "training ends before it starts", kind: "training",
             csv: "staff_no,title,level,start_date,end_date,hours\nT0001,A,county,2023-03-02,2023-03-01,3\n",
             expected: "training.csv:2: end_date: 2023-03-01 is before start_date"),
        Case(rule: "assignment ends before it starts", kind: "assignments",
             csv: "staff_no,school_code,from,to,post,stage\nT0004,S001,2023-09-01,2023-08-31,teacher,senior\n",
             expected: "assignments.csv:2: to: 2023-08-31 is before from"),
        Case(rule: "left before hired", kind: "teachers",
             csv: "staff_no,name,hired_on,left_on,school_code,post,stage,education\nT0100,甲,2023-09-01,2023-08-31,S001,teacher,senior,本科\n",
             expected: "teachers.csv:2: left_on: 2023-08-31 is before hired_on"),
        Case(rule: "rotation ends before it starts", kind: "rotations",
             csv: "staff_no,from_school,to_school,kind,start_date,end_date\nT0001,S001,S003,support,2023-09-01,2023-01-01\n",
             expected: "rotations.csv:2: end_date: 2023-01-01 is before start_date"),
        Case(rule: "designation expires before award", kind: "designations",
             csv: "staff_no,kind,level,awarded_on,expires_on\nT0001,backbone,county,2023-09-01,2023-01-01\n",
             expected: "designations.csv:2: expires_on: 2023-01-01 is before awarded_on"),
        Case(rule: "designation revoked on its award day", kind: "designations",
             csv: "staff_no,kind,level,awarded_on,revoked_on\nT0001,backbone,county,2023-09-01,2023-09-01\n",
             expected: "designations.csv:2: revoked_on: 2023-09-01 is before or on awarded_on"),
        Case(rule: "certificate revoked before issue", kind: "certificates",
             csv: "staff_no,kind,number,issued_on,revoked_on\nT0001,senior,C-NEW,2020-01-01,2019-01-01\n",
             expected: "certificates.csv:2: revoked_on: 2019-01-01 is before or on issued_on"),
        Case(rule: "studio closed before founded", kind: "studios",
             csv: "code,name,kind,level,host_staff_no,founded_on,closed_on\nST09,X,master_teacher,county,T0001,2023-01-01,2022-01-01\n",
             expected: "studios.csv:2: closed_on: 2022-01-01 is before founded_on"),
        Case(rule: "member left before joining", kind: "studio_members",
             csv: "studio_code,staff_no,joined_on,left_on\nST01,T0002,2023-01-01,2022-01-01\n",
             expected: "studio_members.csv:2: left_on: 2022-01-01 is before joined_on"),
        Case(rule: "national ID check digit", kind: "teachers",
             csv: "staff_no,name,national_id,hired_on,school_code,post,stage,education\nT0100,甲,500242198503121235,2023-09-01,S001,teacher,senior,本科\n",
             expected: "teachers.csv:2: national_id: the identity number 500242********1235 fails its check digit"),
        Case(rule: "national ID length", kind: "teachers",
             csv: "staff_no,name,national_id,hired_on,school_code,post,stage,education\nT0100,甲,50024219850312123,2023-09-01,S001,teacher,senior,本科\n",
             expected: "teachers.csv:2: national_id: the identity number"),
        Case(rule: "national ID birth date differs from birth_date", kind: "teachers",
             csv: "staff_no,name,birth_date,national_id,hired_on,school_code,post,stage,education\nT0100,甲,1985-03-13,500242198503121234,2023-09-01,S001,teacher,senior,本科\n",
             expected: "teachers.csv:2: national_id: the birth date in the identity number does not match birth_date 1985-03-13"),
        Case(rule: "unknown school", kind: "teachers",
             csv: "staff_no,name,hired_on,school_code,post,stage,education\nT0100,甲,2023-09-01,S999,teacher,senior,本科\n",
             expected: "teachers.csv:2: school_code: school \"S999\" is not in schools.csv or the registry"),
        Case(rule: "unknown staff", kind: "training",
             csv: "staff_no,title,level,start_date,end_date,hours\nT9999,A,county,2023-01-01,2023-01-02,3\n",
             expected: "training.csv:2: staff_no: staff \"T9999\" is not in teachers.csv or the registry"),
        Case(rule: "unknown certificate", kind: "registrations",
             csv: "number,registered_on,result\nNOPE,2023-01-01,合格\n",
             expected: "registrations.csv:2: number: certificate \"NOPE\" is not in certificates.csv or the registry"),
        Case(rule: "registration before issue", kind: "registrations",
             csv: "number,registered_on,result\n20085002421000123,2008-06-29,合格\n",
             expected: "registrations.csv:2: registered_on: 2008-06-29 is before the certificate was issued"),
        Case(rule: "unknown studio (member)", kind: "studio_members",
             csv: "studio_code,staff_no,joined_on\nST99,T0001,2023-01-01\n",
             expected: "studio_members.csv:2: studio_code: studio \"ST99\" is not in studios.csv"),
        Case(rule: "unknown studio (budget)", kind: "studio_budgets",
             csv: "studio_code,year,amount_yuan\nST99,2023,30000\n",
             expected: "studio_budgets.csv:2: studio_code: studio \"ST99\""),
        Case(rule: "unknown studio host", kind: "studios",
             csv: "code,name,kind,level,host_staff_no,founded_on\nST09,X,master_teacher,county,T9999,2023-01-01\n",
             expected: "studios.csv:2: host_staff_no: staff \"T9999\""),
        Case(rule: "rotation to the same school", kind: "rotations",
             csv: "staff_no,from_school,to_school,kind,start_date\nT0001,S001,S001,support,2023-09-01\n",
             expected: "rotations.csv:2: to_school: is the same school as from_school"),
        Case(rule: "rotation to an unknown school", kind: "rotations",
             csv: "staff_no,from_school,to_school,kind,start_date\nT0001,S001,S404,support,2023-09-01\n",
             expected: "rotations.csv:2: to_school: school \"S404\""),
        Case(rule: "course type on a non-vocational stage", kind: "assignments",
             csv: "staff_no,school_code,from,post,stage,course_type\nT0004,S001,2024-09-01,teacher,senior,专业课\n",
             expected: "assignments.csv:2: course_type: must be empty for stage senior"),
        Case(rule: "course type missing for vocational", kind: "assignments",
             csv: "staff_no,school_code,from,post,stage\nT0001,S004,2024-09-01,teacher,中职\n",
             expected: "assignments.csv:2: course_type: is empty; stage vocational"),
        Case(rule: "overlap with a registry assignment", kind: "assignments",
             csv: "staff_no,school_code,from,to,post,stage\nT0001,S002,2014-09-01,2016-06-30,teacher,primary\n",
             expected: "assignments.csv:2: from: staff T0001: the assignment from 2015-09-01 overlaps"),
        Case(rule: "overlap within the file", kind: "assignments",
             csv: "staff_no,school_code,from,to,post,stage\nT0004,S001,2025-01-01,2025-12-31,teacher,senior\nT0004,S002,2025-06-01,,teacher,primary\n",
             expected: "assignments.csv:3: from: staff T0004: the assignment from 2025-06-01 overlaps"),
        Case(rule: "tier on a non-dual-qualified designation", kind: "designations",
             csv: "staff_no,kind,level,tier,awarded_on\nT0001,backbone,county,中级,2023-09-01\n",
             expected: "designations.csv:2: tier: a tier is given only for kind dual_qualified"),
        Case(rule: "too many cells", kind: "appraisals",
             csv: "staff_no,year,result\nT0001,2023,合格,extra\n",
             expected: "appraisals.csv:2: has 4 cells but the header has 3"),
        Case(rule: "too few cells", kind: "appraisals",
             csv: "staff_no,year,result\nT0001,2023\n",
             expected: "appraisals.csv:2: has 2 cells but the header has 3"),
        Case(rule: "year not a year", kind: "appraisals",
             csv: "staff_no,year,result\nT0001,23,合格\n",
             expected: "appraisals.csv:2: year: \"23\" is not a year"),
        Case(rule: "bad yes/no", kind: "rotations",
             csv: "staff_no,from_school,to_school,kind,transfers_personnel,start_date\nT0001,S001,S003,support,也许,2023-09-01\n",
             expected: "rotations.csv:2: transfers_personnel: \"也许\" is not yes or no"),
        Case(rule: "duplicate header", kind: "appraisals",
             csv: "staff_no,year,result,考核结果\nT0001,2023,合格,合格\n",
             expected: "appraisals.csv:1: result: appears twice"),
        Case(rule: "unbalanced quote", kind: "appraisals",
             csv: "staff_no,year,result\n\"T0001,2023,合格\nT0002,2023,合格\n",
             expected: "appraisals.csv:2: a quoted field opened on line 2 is never closed"),
        Case(rule: "empty file", kind: "appraisals", csv: "",
             expected: "appraisals.csv:1: the file is empty"),
        Case(rule: "a quote inside an unquoted field", kind: "appraisals",
             csv: "staff_no,year,result\nT0\"001,2023,合格\n",
             expected: "appraisals.csv:2: a quote appears inside an unquoted field"),
    ]

    @Test(arguments: cases)
    func rejects(_ c: Case) throws {
        let registry = try Fixture.loadedRegistry()
        let before = try registry.dump()
        // A valid row in the same batch must not be written either.
        let good = Fixture.source("appraisals", "staff_no,year,result\nT0004,2025,优秀\n", file: "good-appraisals.csv")
        let sources = c.kind == "appraisals" ? [Fixture.source(c.kind, c.csv)] : [good, Fixture.source(c.kind, c.csv)]
        let outcome = try registry.importFiles(sources)
        #expect(!outcome.committed || !outcome.errors.isEmpty)
        #expect(outcome.errors.contains { $0.text(.en).hasPrefix(c.expected) },
                "expected \(c.expected)\n got \(outcome.errors.map { $0.text(.en) })")
        #expect(try registry.dump() == before)
    }

    @Test func reportsEveryErrorOfAFileAtOnce() throws {
        let registry = try Fixture.loadedRegistry()
        let outcome = try registry.importFiles([Fixture.source("training", """
            staff_no,title,level,start_date,end_date,hours
            T0001,A,county,2023-01-01,2023-01-02,2o
            T9999,B,县级,2023-02-30,2023-01-02,10
            T0001,D,county,2023-05-01,2023-04-01,2001
            """)])
        let lines = outcome.errors.map { $0.text(.en) }
        #expect(lines.count == 5, "\(lines)")
        #expect(lines[0].hasPrefix("training.csv:2: hours:"))
        #expect(lines.contains { $0.hasPrefix("training.csv:3: staff_no:") })
        #expect(lines.contains { $0.hasPrefix("training.csv:4: end_date:") })
    }

    @Test func messagesNeverEchoAFullIdentityNumber() throws {
        let registry = try Fixture.loadedRegistry()
        let outcome = try registry.importFiles([Fixture.source("teachers", """
            staff_no,name,national_id,hired_on,school_code,post,stage,education
            T0100,甲,500242198503121235,2023-09-01,S001,teacher,senior,本科
            """)])
        #expect(!outcome.errors.isEmpty)
        #expect(!outcome.issues.map { $0.text(.en) + $0.text(.zh) }.joined().contains("500242198503121235"))
    }
}

/// Every file of Fixtures/bad-input (named KIND--RULE.csv) must fail with an error naming the file,
/// and change nothing.
@Suite("Bad-input corpus")
struct BadInputCorpusTests {
    static var directory: URL { Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("bad-input") }

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".csv") }.sorted()
    }

    @Test func theCorpusHasAtLeastFiftyFiles() { #expect(Self.files.count >= 50) }

    @Test(arguments: files)
    func rejects(_ name: String) throws {
        let registry = try Fixture.loadedRegistry()
        let before = try registry.dump()
        let kind = try #require(ImportKind.named(String(name.split(separator: "-")[0].replacingOccurrences(of: "--", with: ""))))
        let bytes = [UInt8](try Data(contentsOf: Self.directory.appendingPathComponent(name)))
        let outcome = try registry.importFiles([ImportSource(kind: kind, fileName: name, bytes: bytes)])
        #expect(!outcome.errors.isEmpty, "\(name) was accepted")
        #expect(outcome.errors.allSatisfy { $0.text(.en).hasPrefix("\(name):") })
        #expect(!outcome.committed)
        #expect(try registry.dump() == before, "\(name) changed the registry")
    }

    @Test func aHundredMegabyteFieldIsRefused() throws {
        let registry = try Fixture.loadedRegistry()
        var bytes = Array("staff_no,year,result\nT0001,2023,\"".utf8)
        bytes += [UInt8](repeating: 0x61, count: 100 << 20)
        bytes += Array("\"\n".utf8)
        let outcome = try registry.importFiles([ImportSource(kind: ImportKind.named("appraisals")!, fileName: "huge.csv", bytes: bytes)])
        #expect(outcome.errors.first?.text(.en).contains("longer than") == true)
    }
}
