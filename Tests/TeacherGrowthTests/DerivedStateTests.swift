import Testing
@testable import TeacherGrowth


/// Each SPEC §3 rule at the day before, the day of and the day after each start and end date.
@Suite("Derived state on a date (SPEC §3)")
struct DerivedStateTests {
    @Test(arguments: [
        ("2019-08-31", false), ("2019-09-01", true), ("2019-09-02", true),
        ("2024-07-30", true), ("2024-07-31", true), ("2024-08-01", false),
    ])
    func activeStaff(day: String, active: Bool) {
        let e = Employment(hiredOn: d("2019-09-01"), leftOn: d("2024-07-31"))
        #expect(e.isActive(on: d(day)) == active)
        #expect(Employment(hiredOn: d("2019-09-01")).isActive(on: d("2100-01-01")))
    }

    @Test(arguments: [
        ("1999-08-31", false), ("1999-09-01", true), ("1999-09-02", true),
        ("2023-08-30", true), ("2023-08-31", true), ("2023-09-01", false),
    ])
    func schoolOpen(day: String, open: Bool) {
        let s = School(code: "S", type: .primary, area: .rural, ownership: .public,
                       openedOn: d("1999-09-01"), closedOn: d("2023-08-31"))
        #expect(s.isOpen(on: d(day)) == open)
        #expect(School(code: "S", type: .primary, area: .rural, ownership: .public).isOpen(on: d("1900-01-01")))
    }

    @Test(arguments: [
        ("2008-06-29", false), ("2008-06-30", true), ("2008-07-01", true),
        ("2023-02-28", true), ("2023-03-01", false), ("2023-03-02", false),
    ])
    func certificateValid(day: String, valid: Bool) {
        // revoked_on is the first day it no longer holds.
        let c = Certificate(kind: .senior, number: "1", issuedOn: d("2008-06-30"), revokedOn: d("2023-03-01"))
        #expect(c.isValid(on: d(day)) == valid)
    }

    @Test(arguments: [
        ("2021-09-09", false), ("2021-09-10", true), ("2021-09-11", true),
        ("2024-09-08", true), ("2024-09-09", true), ("2024-09-10", false),
    ])
    func designationExpiry(day: String, active: Bool) {
        let g = Designation(kind: .backbone, level: .county, awardedOn: d("2021-09-10"), expiresOn: d("2024-09-09"))
        #expect(g.isActive(on: d(day)) == active)
    }

    @Test(arguments: [("2023-05-31", true), ("2023-06-01", false), ("2023-06-02", false)])
    func designationRevocation(day: String, active: Bool) {
        let g = Designation(kind: .backbone, level: .county, awardedOn: d("2021-09-10"), expiresOn: d("2024-09-09"),
                            revokedOn: d("2023-06-01"))
        #expect(g.isActive(on: d(day)) == active)
    }

    @Test(arguments: [
        ("2021-02-28", false), ("2021-03-01", true), ("2021-03-02", true),
        ("2024-12-30", true), ("2024-12-31", true), ("2025-01-01", false),
    ])
    func studioActive(day: String, active: Bool) {
        let s = Studio(code: "ST", kind: .master_teacher, level: .county, foundedOn: d("2021-03-01"), closedOn: d("2024-12-31"))
        #expect(s.isActive(on: d(day)) == active)
    }

    @Test func backboneTeacherNeedsCountyLadderAndActiveStaff() {
        func facts(_ g: Designation, left: CivilDate? = nil) -> TeacherFacts {
            TeacherFacts(staffNo: "T", employment: Employment(hiredOn: d("2010-01-01"), leftOn: left),
                         assignments: [Assignment(schoolCode: "S", from: d("2010-01-01"), post: .admin, stage: .primary)],
                         designations: [g])
        }
        let day = d("2023-01-01")
        #expect(facts(Designation(kind: .backbone, level: .county, awardedOn: d("2022-01-01"))).isBackboneTeacher(on: day))
        #expect(facts(Designation(kind: .famous_teacher, level: .national, awardedOn: d("2022-01-01"))).isBackboneTeacher(on: day))
        #expect(!facts(Designation(kind: .backbone, level: .school, awardedOn: d("2022-01-01"))).isBackboneTeacher(on: day))
        #expect(!facts(Designation(kind: .dual_qualified, level: .national, awardedOn: d("2022-01-01"))).isBackboneTeacher(on: day))
        #expect(!facts(Designation(kind: .backbone, level: .county, awardedOn: d("2023-01-02"))).isBackboneTeacher(on: day))
        #expect(!facts(Designation(kind: .backbone, level: .county, awardedOn: d("2022-01-01")), left: d("2022-12-31")).isBackboneTeacher(on: day))
        #expect(facts(Designation(kind: .backbone, level: .county, awardedOn: d("2022-01-01")), left: d("2023-01-01")).isBackboneTeacher(on: day))
    }

    @Test(arguments: [
        ("2018-06-29", nil), ("2018-06-30", Education.associate), ("2018-07-01", Education.associate),
        ("2022-06-29", Education.associate), ("2022-06-30", Education.bachelor),
    ])
    func highestEducation(day: String, expected: Education?) {
        let f = TeacherFacts(staffNo: "T", employment: Employment(hiredOn: d("2010-01-01")), assignments: [],
                             degrees: [Degree(.bachelor, obtainedOn: d("2022-06-30")), Degree(.associate, obtainedOn: d("2018-06-30"))])
        #expect(f.highestEducation(on: d(day)) == expected)
    }

    @Test func titleOnADate() {
        let f = TeacherFacts(staffNo: "T", employment: Employment(hiredOn: d("2010-01-01")), assignments: [],
                             titles: [TitleRecord(.second, from: d("2015-12-01")), TitleRecord(.first, from: d("2020-12-01")),
                                      TitleRecord(.third, from: d("2020-12-01"))])
        #expect(f.title(on: d("2015-11-30")) == nil)
        #expect(f.title(on: d("2015-12-01")) == .second)
        #expect(f.title(on: d("2020-11-30")) == .second)
        // A tie on the same day: the higher title.
        #expect(f.title(on: d("2020-12-01")) == .first)
    }

    @Test(arguments: [
        ("2020-12-31", "2016-01-01", "2020-12-31"), ("2021-01-01", "2021-01-01", "2025-12-31"),
        ("2025-12-31", "2021-01-01", "2025-12-31"), ("2026-01-01", "2026-01-01", "2030-12-31"),
        ("2016-01-01", "2016-01-01", "2020-12-31"), ("2015-12-31", "2011-01-01", "2015-12-31"),
        ("2031-06-01", "2031-01-01", "2035-12-31"),
    ])
    func cycles(day: String, start: String, end: String) {
        let c = TrainingCycle.containing(d(day), anchor: d("2021-01-01"), years: 5)
        #expect(c.start == d(start))
        #expect(c.end == d(end))
    }

    @Test func cycleDays() {
        #expect(TrainingCycle.containing(d("2023-05-05"), anchor: d("2021-01-01"), years: 5).days == 1826)
        #expect(TrainingCycle.containing(d("2027-05-05"), anchor: d("2021-01-01"), years: 5).days == 1826)
        #expect(TrainingCycle.containing(d("2018-05-05"), anchor: d("2021-01-01"), years: 5).days == 1827)
        let odd = TrainingCycle.containing(d("2021-03-01"), anchor: d("2020-09-01"), years: 3)
        #expect(odd.start == d("2020-09-01") && odd.end == d("2023-08-31"))
    }
}

@Suite("Assignment timeline (SPEC §3)")
struct AssignmentTimelineTests {
    let timeline = AssignmentTimeline([
        Assignment(schoolCode: "B", from: d("2015-09-01"), post: .teacher, stage: .junior),
        Assignment(schoolCode: "A", from: d("2008-09-01"), post: .teacher, stage: .primary),
        // A gap from 2020-01-01 to 2020-02-29.
        Assignment(schoolCode: "B", from: d("2018-09-01"), to: d("2019-12-31"), post: .admin, stage: .junior),
        Assignment(schoolCode: "B", from: d("2020-03-01"), post: .teacher, stage: .junior),
        Assignment(schoolCode: "C", from: d("2022-09-01"), to: d("2023-08-31"), post: .teacher, stage: .junior),
        Assignment(schoolCode: "C", from: d("2023-09-01"), post: .teacher, stage: .senior),
    ])

    @Test(arguments: [
        ("2008-08-31", nil), ("2008-09-01", "A"), ("2015-08-31", "A"), ("2015-09-01", "B"),
        ("2018-08-31", "B"), ("2018-09-01", "B"), ("2019-12-31", "B"), ("2020-01-01", nil), ("2020-02-29", nil),
        ("2020-03-01", "B"), ("2022-08-31", "B"), ("2022-09-01", "C"), ("2023-08-31", "C"), ("2023-09-01", "C"),
        ("2030-01-01", "C"),
    ])
    func assignmentOn(day: String, school: String?) {
        #expect(timeline.assignment(on: d(day))?.schoolCode == school)
    }

    @Test func anEmptyEndStopsTheDayBeforeTheNext() {
        #expect(timeline.end(of: 0) == d("2015-08-31"))
        #expect(timeline.end(of: 1) == d("2018-08-31"))
        #expect(timeline.end(of: 5) == nil)
        #expect(timeline.assignment(on: d("2018-09-01"))?.post == .admin)
        #expect(timeline.assignment(on: d("2023-09-01"))?.stage == .senior)
    }

    @Test func continuousTimeAtASchool() {
        // B from 2015-09-01 runs back to back into 2018-09-01 (any post), then breaks at the gap.
        #expect(timeline.startAtSchool(on: d("2019-06-01")) == d("2015-09-01"))
        #expect(timeline.startAtSchool(on: d("2021-06-01")) == d("2020-03-01"))
        // C: two assignments back to back, different stages.
        #expect(timeline.startAtSchool(on: d("2024-06-01")) == d("2022-09-01"))
        #expect(timeline.startAtSchool(on: d("2020-01-15")) == nil)
    }

    @Test func continuousTimeAtPrivateSchools() {
        let privateSchools: Set<String> = ["B", "C"]
        let start = timeline.runStart(containing: d("2024-06-01")) { privateSchools.contains($0.schoolCode) }
        #expect(start == d("2020-03-01"))
        let noGap = AssignmentTimeline([
            Assignment(schoolCode: "P1", from: d("2019-09-01"), post: .teacher, stage: .primary),
            Assignment(schoolCode: "P2", from: d("2021-09-01"), post: .teacher, stage: .primary),
        ])
        #expect(noGap.runStart(containing: d("2022-01-01")) { $0.schoolCode.hasPrefix("P") } == d("2019-09-01"))
        #expect(noGap.runStart(containing: d("2022-01-01")) { $0.schoolCode == "P2" } == d("2021-09-01"))
    }

    @Test func overlaps() {
        #expect(timeline.overlaps.isEmpty)
        let bad = AssignmentTimeline([
            Assignment(schoolCode: "A", from: d("2015-09-01"), to: d("2018-09-01"), post: .teacher, stage: .junior),
            Assignment(schoolCode: "B", from: d("2018-09-01"), post: .teacher, stage: .junior),
        ])
        #expect(bad.overlaps.count == 1)
        let touching = AssignmentTimeline([
            Assignment(schoolCode: "A", from: d("2015-09-01"), to: d("2018-08-31"), post: .teacher, stage: .junior),
            Assignment(schoolCode: "B", from: d("2018-09-01"), post: .teacher, stage: .junior),
        ])
        #expect(touching.overlaps.isEmpty)
    }

    @Test func fullTimeTeacherAndStage() {
        let f = TeacherFacts(staffNo: "T", employment: Employment(hiredOn: d("2008-09-01"), leftOn: d("2024-07-31")),
                             assignments: timeline.assignments)
        #expect(f.isFullTimeTeacher(on: d("2016-01-01")))
        #expect(!f.isFullTimeTeacher(on: d("2019-01-01")))  // admin post
        #expect(!f.isFullTimeTeacher(on: d("2020-01-15")))  // gap
        #expect(f.teachingStage(on: d("2024-07-31")) == .senior)
        #expect(!f.isFullTimeTeacher(on: d("2024-08-01")))  // left
    }
}
