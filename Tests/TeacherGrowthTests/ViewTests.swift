import Testing
@testable import TeacherGrowth

@Suite("Compliance (SPEC §9)")
struct ComplianceTests {
    let plan = Plan.youyang
    func day(_ s: String, _ schools: [School] = World().schools) -> MetricDay {
        MetricDay(date: d(s), plan: plan, schools: Dictionary(uniqueKeysWithValues: schools.map { ($0.code, $0) }))
    }

    @Test func hourFields() throws {
        let t = teacher("A", hired: "2021-01-01", training: [TrainingFact(endDate: d("2022-05-01"), hours: Hours(tenths: 1000), level: .school)])
        let r = try #require(ComplianceRules.row(t, day("2023-12-31")))
        #expect(r.cycleHours == Hours(tenths: 1000))
        #expect(r.requiredHours == Hours(tenths: 2159))        // ⌈3600 × 1095 / 1826⌉
        #expect(!r.onTrack)
        #expect(r.hoursNeeded == Hours(tenths: 2600))          // 360 − 100
        #expect(r.hoursNeededPerYear == Hours(tenths: 1299))   // ⌈2600 × 365 / 731⌉
        let done = teacher("B", hired: "2021-01-01", training: [TrainingFact(endDate: d("2022-05-01"), hours: Hours(tenths: 4000), level: .school)])
        let rb = try #require(ComplianceRules.row(done, day("2023-12-31")))
        #expect(rb.hoursNeeded == .zero && rb.hoursNeededPerYear == .zero && rb.onTrack)
        // In the last year of the cycle the yearly pace is the whole remainder (max(365, days left)).
        let late = try #require(ComplianceRules.row(t, day("2025-06-30")))
        #expect(late.hoursNeededPerYear == late.hoursNeeded)
    }

    @Test(arguments: [
        ("2022-06-30", "2025-06-29"), ("2024-02-29", "2027-02-28"), ("2024-02-28", "2027-02-27"), ("2023-03-01", "2026-02-28"),
    ])
    func countyTrainingDueDay(last: String, due: String) {
        #expect(ComplianceRules.dueDay(after: d(last), years: 3) == d(due))
        // The due day is the last day the 3-year metric still counts the teacher.
        let t = teacher("A", hired: "2010-01-01", training: [TrainingFact(endDate: d(last), hours: Hours(tenths: 10), level: .county)])
        #expect(TeacherMetrics.countyTraining3yrRate(t, day(due))?.inNumerator == true)
        #expect(TeacherMetrics.countyTraining3yrRate(t, day(d(due).adding(days: 1).description))?.inNumerator == false)
    }

    @Test func dueIsTheLaterOfHireAndLastTraining() throws {
        let t = teacher("A", hired: "2024-09-01", training: [TrainingFact(endDate: d("2022-01-01"), hours: Hours(tenths: 10), level: .county)])
        let r = try #require(ComplianceRules.row(t, day("2025-01-01")))
        #expect(r.countyTrainingDueOn == d("2027-08-31"))
        #expect(r.lastCountyTrainingOn == d("2022-01-01"))
    }

    /// A registrant at a public school with one certificate and a passed registration on 2021-06-01.
    func registrant(appraisals: [Int: AppraisalResult] = [:], hours: Int = 4000, revoked: String? = nil,
                    school: String = "P1", establishment: Establishment = .in) -> TeacherFacts {
        var t = teacher("R", school: school, hired: "2010-09-01",
                        certificates: [Certificate(kind: .primary, number: "C1", issuedOn: d("2016-07-01"), revokedOn: revoked.map(d))],
                        training: [TrainingFact(endDate: d("2023-05-01"), hours: Hours(tenths: hours), level: .county)])
        t.employment.establishment = establishment
        t.registrations = [RegistrationFact(number: "C1", registeredOn: d("2021-06-01"), result: .passed)]
        t.appraisals = appraisals
        return t
    }

    @Test func registrationOutcomes() throws {
        let on = day("2025-12-31")  // due 2026-05-31 is within 180 days
        func outcome(_ t: TeacherFacts) throws -> RegistrationResult? { try #require(ComplianceRules.row(t, on)).registrationOutcome }
        #expect(try #require(ComplianceRules.row(registrant(), on)).registrationDueOn == d("2026-05-31"))
        #expect(try outcome(registrant()) == .passed)
        #expect(try outcome(registrant(appraisals: [2023: .failed])) == .deferred)
        #expect(try outcome(registrant(appraisals: [2023: .failed, 2024: .failed])) == .failed)
        #expect(try outcome(registrant(appraisals: [2022: .failed, 2024: .failed])) == .deferred)
        // 2021 is outside the period's appraisal years (2022–2026).
        #expect(try outcome(registrant(appraisals: [2020: .failed, 2021: .failed])) == .passed)
        #expect(try outcome(registrant(appraisals: [2023: .basic, 2024: .none])) == .passed)
        #expect(try outcome(registrant(hours: 3599)) == .deferred)
        #expect(try outcome(registrant(revoked: "2025-12-31")) == .failed)
        // Far from due: no outcome yet.
        let early = try #require(ComplianceRules.row(registrant(), day("2025-06-01")))
        #expect(early.registrationDueOn == d("2026-05-31") && early.registrationOutcome == nil)
    }

    @Test func onlyPublicInEstablishmentTeachersRegister() throws {
        let privateRow = try #require(ComplianceRules.row(registrant(school: "PR2"), day("2025-12-31")))
        #expect(!privateRow.mustRegister && privateRow.registrationDueOn == nil && privateRow.registrationOutcome == nil)
        let outRow = try #require(ComplianceRules.row(registrant(establishment: .out), day("2025-12-31")))
        #expect(!outRow.mustRegister && outRow.registrationDueOn == nil)
    }

    @Test func registrationCertificateChoice() throws {
        var t = teacher("R", hired: "2010-09-01", certificates: [
            Certificate(kind: .primary, number: "B2", issuedOn: d("2012-07-01")),
            Certificate(kind: .senior, number: "A1", issuedOn: d("2012-07-01")),
            Certificate(kind: .junior, number: "J9", issuedOn: d("2018-07-01")),
        ])
        // No passed registration: the latest issued.
        #expect(ComplianceRules.registrationCertificate(t, stage: .primary, on: d("2025-01-01"))?.certificate.number == "J9")
        // A passed registration wins over a later issue.
        t.registrations = [RegistrationFact(number: "B2", registeredOn: d("2022-01-01"), result: .passed),
                           RegistrationFact(number: "J9", registeredOn: d("2023-01-01"), result: .deferred)]
        #expect(ComplianceRules.registrationCertificate(t, stage: .primary, on: d("2025-01-01"))?.certificate.number == "B2")
        // A tie on the date: the higher level.
        t.registrations.append(RegistrationFact(number: "A1", registeredOn: d("2022-01-01"), result: .passed))
        #expect(ComplianceRules.registrationCertificate(t, stage: .primary, on: d("2025-01-01"))?.certificate.number == "A1")
        // No fitting certificate issued by D: none.
        #expect(ComplianceRules.registrationCertificate(t, stage: .vocational_practice, on: d("2011-01-01")) == nil)
    }

    @Test func urgencyOrder() throws {
        let on = day("2025-12-31")
        let overdueReg = registrant()  // due 2026-05-31: not overdue
        var late = registrant()
        late.registrations = []        // due 2021-06-30: overdue
        late.staffNo = "Z"
        let noCert = teacher("N", hired: "2010-09-01", training: [TrainingFact(endDate: d("2025-01-01"), hours: Hours(tenths: 4000), level: .county)])
        var behind = teacher("M", hired: "2010-09-01", certificates: [Certificate(kind: .primary, number: "X", issuedOn: d("2009-01-01"))],
                             training: [TrainingFact(endDate: d("2025-01-01"), hours: Hours(tenths: 100), level: .county)])
        behind.employment.establishment = .out  // no registration: only the hours make it urgent
        let rows = [overdueReg, late, noCert, behind].compactMap { ComplianceRules.row($0, on) }.sorted(by: ComplianceRow.urgencyOrder(on: on.date))
        #expect(rows.map(\.staffNo) == ["Z", "N", "M", "R"])
    }
}

@Suite("Rotation planner (SPEC §9)")
struct RotationPlanTests {
    @Test func kFormulas() {
        #expect(RotationPlan.kForShare(s: 2, n: 40, t: Fraction(1, 5)) == 8)
        #expect(RotationPlan.kForShare(s: 10, n: 40, t: Fraction(1, 5)) == 0)
        #expect(RotationPlan.kForShare(s: 0, n: 0, t: Fraction(1, 5)) == 1)
        #expect(RotationPlan.kForShare(s: 3, n: 3, t: Fraction(1, 1)) == 0)
        #expect(RotationPlan.kForShare(s: 2, n: 3, t: Fraction(1, 1)) == nil)
        #expect(RotationPlan.kForShare(s: 0, n: 5, t: Fraction(0, 1)) == 0)
        #expect(RotationPlan.kForShare(s: 1, n: 10, t: Fraction(15, 100)) == 1)  // ⌈(1.5 − 1) / 0.85⌉
        #expect(RotationPlan.kForRate(r: 1, b: 10, t: Fraction(1, 5)) == 1)
        #expect(RotationPlan.kForRate(r: 3, b: 10, t: Fraction(1, 5)) == 0)
        #expect(RotationPlan.kForRate(r: 0, b: 11, t: Fraction(1, 5)) == 3)
    }

    @Test func candidatesAreEligibleBackboneAndNotExchanged() {
        var w = World()
        let g = [Designation(kind: .backbone, level: .county, awardedOn: d("2020-01-01"))]
        w.teachers = [
            teacher("A", hired: "2012-03-01", designations: g),
            teacher("B", hired: "2010-09-01", designations: g),
            teacher("C", hired: "2010-09-01", designations: g, rotations: [Rotation(fromSchool: "P1", toSchool: "P2", start: d("2023-09-01"))]),
            teacher("D", hired: "2010-09-01"),                                  // not backbone
            teacher("E", school: "P2", hired: "2005-09-01", designations: g),   // rural: not eligible
            teacher("F", hired: "2018-09-01", designations: g),                 // too recent
        ]
        let day = MetricDay(date: d("2023-12-31"), plan: w.plan, schools: Dictionary(uniqueKeysWithValues: w.schools.map { ($0.code, $0) }))
        let ranked = RotationPlan.ranked(w.teachers.compactMap { RotationPlan.candidate($0, day) }, k: 1)
        #expect(ranked.map(\.staffNo) == ["B", "A"])
        #expect(ranked.map(\.yearsAtSchool) == [13, 11])
        #expect(ranked.map(\.withinK) == [true, false])
    }
}
