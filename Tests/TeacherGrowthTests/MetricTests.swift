import Testing
@testable import TeacherGrowth

func d(_ s: String) -> CivilDate { CivilDate(iso: s)! }

/// A small world built by hand; metrics are computed with the engine exactly as the store runs it.
struct World {
    var plan = Plan.youyang
    var schools: [School] = [
        School(code: "P1", type: .primary, area: .urban, ownership: .public, students: 1000, peQuota: 1, artsQuota: 1),
        School(code: "P2", type: .primary, area: .rural, ownership: .public, students: 200),
        School(code: "J1", type: .junior, area: .town, ownership: .public, students: 800),
        School(code: "PR", type: .nine_year, area: .town, ownership: .private, students: 300),
        School(code: "PR2", type: .primary, area: .urban, ownership: .private, students: 100),
        School(code: "V1", type: .vocational, area: .urban, ownership: .public, students: 900),
        School(code: "OLD", type: .primary, area: .rural, ownership: .public, students: 50, peQuota: 1, closedOn: d("2023-06-30")),
    ]
    var teachers: [TeacherFacts] = []
    var studios: [StudioFacts] = []

    func metrics(on date: CivilDate) -> DayMetrics {
        var engine = MetricsEngine(plan: plan, schools: schools, dates: [date])
        for t in teachers { engine.add(t) }
        return engine.results(studios: studios)[date]!
    }

    func report(year: Int, asOf: CivilDate? = nil) -> GrowthReport {
        let day = asOf ?? CivilDate.lastDay(of: year)
        let dates = GrowthReport.dates(plan: plan, year: year, asOf: day)
        var engine = MetricsEngine(plan: plan, schools: schools, dates: dates)
        for t in teachers { engine.add(t) }
        return GrowthReport(plan: plan, year: year, asOf: day, results: engine.results(studios: studios))
    }
}

/// A full-time teacher at `school` since `from`.
func teacher(_ no: String, school: String = "P1", stage: Stage = .primary, hired: String = "2010-09-01",
                     left: String? = nil, from: String? = nil, subject: String? = nil, course: CourseType? = nil,
                     degrees: [Degree] = [], certificates: [Certificate] = [], designations: [Designation] = [],
                     training: [TrainingFact] = [], rotations: [Rotation] = [], titles: [TitleRecord] = [],
                     more: [Assignment] = []) -> TeacherFacts {
    TeacherFacts(staffNo: no, employment: Employment(hiredOn: d(hired), leftOn: left.map(d)),
                 assignments: [Assignment(schoolCode: school, from: d(from ?? hired), post: .teacher, stage: stage, subject: subject,
                                          courseType: course)] + more,
                 degrees: degrees, titles: titles, certificates: certificates, designations: designations,
                 training: training, rotations: rotations)
}

@Suite("Metrics (SPEC §6) on hand-built facts")
struct MetricTests {
    @Test func certificateRateAtRevocationAndFit() {
        var w = World()
        let day = "2023-12-31"
        w.teachers = [
            teacher("A", certificates: [Certificate(kind: .primary, number: "1", issuedOn: d("2010-01-01"))]),
            // Revoked on D: no longer valid on D.
            teacher("B", certificates: [Certificate(kind: .primary, number: "2", issuedOn: d("2010-01-01"), revokedOn: d(day))]),
            // Revoked the day after D: still valid on D.
            teacher("C", certificates: [Certificate(kind: .primary, number: "3", issuedOn: d("2010-01-01"), revokedOn: d("2024-01-01"))]),
            // A primary certificate does not fit a junior post; issued the day after D does not count.
            teacher("D", school: "J1", stage: .junior, certificates: [Certificate(kind: .primary, number: "4", issuedOn: d("2010-01-01")),
                                                                     Certificate(kind: .junior, number: "5", issuedOn: d("2024-01-01"))]),
            // Issued on D counts.
            teacher("E", school: "J1", stage: .junior, certificates: [Certificate(kind: .senior, number: "6", issuedOn: d(day))]),
            // Left before D: not a full-time teacher on D.
            teacher("F", left: "2023-12-30"),
        ]
        let m = w.metrics(on: d(day))[.certificate_rate]
        #expect(m.numerator == 3)
        #expect(m.denominator == 5)
        #expect(m.byType[SchoolType.allCases.firstIndex(of: .junior)!] == .init(numerator: 1, denominator: 2))
        #expect(m.byArea[Area.allCases.firstIndex(of: .urban)!] == .init(numerator: 2, denominator: 3))
    }

    @Test func training360ExactProRatedBoundary() {
        var w = World()
        // D = 2023-12-31; cycle 2021–2025 (1,826 days). Hired 2021-01-01: 1,095 service days.
        // Requirement: tenths × 1826 ≥ 3600 × 1095 → 2158.8 tenths: 215.9 h is enough, 215.8 h is not.
        func t(_ no: String, _ tenths: Int, hired: String = "2021-01-01", kind: TrainingKind = .general, end: String = "2023-06-01") -> TeacherFacts {
            teacher(no, hired: hired, training: [TrainingFact(endDate: d(end), hours: Hours(tenths: tenths), kind: kind, level: .school)])
        }
        w.teachers = [
            t("A", 2159), t("B", 2158),
            t("C", 2159, kind: .induction),                    // induction does not count
            t("D", 2159, end: "2023-12-31"),                   // ending on D counts
            t("E", 2159, end: "2024-01-01"),                   // ending after D does not
            t("F", 2159, end: "2020-12-31"),                   // the previous cycle does not
            // Hired 2023-07-01: 184 service days → 3600 × 184 / 1826 = 362.8 tenths.
            t("G", 363, hired: "2023-07-01", end: "2023-12-01"), t("H", 362, hired: "2023-07-01", end: "2023-12-01"),
            // Hired before the cycle: service days run from the cycle start.
            t("I", 2159, hired: "2015-01-01"),
        ]
        let m = w.metrics(on: d("2023-12-31"))[.training_360_rate]
        #expect(m.denominator == 9)
        #expect(m.numerator == 4)  // A, D, G, I
    }

    @Test func countyTrainingWindow() {
        var w = World()
        // D = 2023-12-31: the window is 2021-01-01 … 2023-12-31.
        func t(_ no: String, end: String, level: TrainingLevel = .county, kind: TrainingKind = .general, hired: String = "2010-01-01") -> TeacherFacts {
            teacher(no, hired: hired, training: [TrainingFact(endDate: d(end), hours: Hours(tenths: 10), kind: kind, level: level)])
        }
        w.teachers = [
            t("A", end: "2021-01-01"), t("B", end: "2020-12-31"), t("C", end: "2022-05-01", level: .school),
            t("D", end: "2022-05-01", level: .national, kind: .induction), t("E", end: "2024-01-01"),
            t("F", end: "2019-01-01", hired: "2021-01-01"), t("G", end: "2019-01-01", hired: "2020-12-31"),
        ]
        let m = w.metrics(on: d("2023-12-31"))[.county_training_3yr_rate]
        #expect(m.denominator == 7)
        #expect(m.numerator == 3)  // A, D, F
    }

    @Test func educationRatesUseTheDegreeOnD() {
        var w = World()
        w.teachers = [
            teacher("A", degrees: [Degree(.associate, obtainedOn: d("2023-12-31"))]),
            teacher("B", degrees: [Degree(.secondary_vocational, obtainedOn: d("2000-01-01")), Degree(.associate, obtainedOn: d("2024-01-01"))]),
            teacher("C"),  // no degree: below every level, still in the denominator
            teacher("D", school: "J1", stage: .junior, degrees: [Degree(.bachelor, obtainedOn: d("2015-01-01"))]),
            teacher("E", school: "J1", stage: .junior, degrees: [Degree(.associate, obtainedOn: d("2015-01-01"))]),
        ]
        let m = w.metrics(on: d("2023-12-31"))
        #expect(m[.primary_associate_rate].numerator == 1 && m[.primary_associate_rate].denominator == 3)
        #expect(m[.junior_bachelor_rate].numerator == 1 && m[.junior_bachelor_rate].denominator == 2)
    }

    @Test func privateAboveRequiredNewFollowsTheContinuousPrivateRun() {
        var w = World()
        let master = [Degree(.master, obtainedOn: d("2015-01-01"))]
        let bachelor = [Degree(.bachelor, obtainedOn: d("2015-01-01"))]
        w.teachers = [
            // Moved from a public school to a private one in 2023: counts (bachelor is above primary's prescribed level).
            teacher("A", school: "P1", from: "2015-09-01", degrees: bachelor,
                    more: [Assignment(schoolCode: "PR2", from: d("2023-09-01"), post: .teacher, stage: .primary)]),
            // Private since 2020, moved between private schools back to back in 2023: the run started in 2020.
            teacher("B", school: "PR", from: "2020-09-01", degrees: master,
                    more: [Assignment(schoolCode: "PR2", from: d("2023-09-01"), post: .teacher, stage: .primary)]),
            // New private hire in 2023 with only the prescribed level for junior (associate): not above.
            teacher("C", school: "PR", stage: .junior, hired: "2023-09-01", degrees: [Degree(.associate, obtainedOn: d("2015-01-01"))]),
            // New private hire in 2023, junior with a bachelor's: above.
            teacher("D", school: "PR", stage: .junior, hired: "2023-02-01", degrees: bachelor),
            // A gap breaks the run: private until 2022-12-31, private again from 2023-03-01.
            TeacherFacts(staffNo: "E", employment: Employment(hiredOn: d("2019-09-01")), assignments: [
                Assignment(schoolCode: "PR", from: d("2019-09-01"), to: d("2022-12-31"), post: .teacher, stage: .primary),
                Assignment(schoolCode: "PR2", from: d("2023-03-01"), post: .teacher, stage: .primary)], degrees: master),
        ]
        #expect(w.metrics(on: d("2023-12-31"))[.private_above_required_new].numerator == 3)  // A, D, E
        #expect(w.metrics(on: d("2022-12-31"))[.private_above_required_new].numerator == 0)
    }

    @Test func peArtsCountsAndStaffing() {
        var w = World()
        w.teachers = [
            teacher("A", subject: " 体育 "),
            teacher("B", hired: "2023-03-01", subject: "音乐"),
            teacher("C", school: "P2", hired: "2019-01-01", left: "2023-05-31", subject: "体育与健康"),
            teacher("D", school: "OLD", subject: "体育"),
            teacher("E", subject: "语文"),
        ]
        let m = w.report(year: 2023).current
        #expect(m[.pe_arts_teachers].numerator == 3)          // A, B, D (OLD is closed but D is still assigned there)
        let y22 = w.metrics(on: d("2022-12-31"))[.pe_arts_teachers].numerator
        #expect(y22 == 3)                                     // A, C, D
        #expect(m[.pe_arts_added].numerator == 3 - y22)
        #expect(m[.pe_arts_added_since_plan_start].numerator == 3 - 3)
        // Staffing: P1 (quota 1+1) has A (PE) and B (arts) → met; OLD is closed on D; P2 has no quota.
        #expect(m[.pe_arts_staffing_rate].numerator == 1)
        #expect(m[.pe_arts_staffing_rate].denominator == 1)
        let before = w.metrics(on: d("2022-12-31"))[.pe_arts_staffing_rate]
        #expect(before.numerator == 1 && before.denominator == 2)  // P1 lacks arts (B not yet hired); OLD met with D
    }

    @Test func backboneNewAcrossLapsesAndReawards() {
        var w = World()
        let ladder = { (kind: DesignationKind, level: Level, awarded: String, expires: String?, revoked: String?) in
            Designation(kind: kind, level: level, awardedOn: d(awarded), expiresOn: expires.map(d), revokedOn: revoked.map(d))
        }
        w.teachers = [
            teacher("A", designations: [ladder(.backbone, .county, "2023-03-01", nil, nil)]),
            // Re-awarded the day after expiry: was a backbone teacher the day before → not new.
            teacher("B", designations: [ladder(.backbone, .county, "2020-07-01", "2023-06-30", nil), ladder(.backbone, .county, "2023-07-01", nil, nil)]),
            // A one-day lapse: expired 2023-06-30, re-awarded 2023-07-02 → new.
            teacher("C", designations: [ladder(.backbone, .county, "2020-07-01", "2023-06-30", nil), ladder(.subject_leader, .county, "2023-07-02", nil, nil)]),
            // Revoked before D: not counted; a school-level award never counts.
            teacher("D", designations: [ladder(.backbone, .county, "2023-03-01", nil, "2023-12-01")]),
            teacher("E", designations: [ladder(.backbone, .school, "2023-03-01", nil, nil)]),
            // Revoked after D: counts.
            teacher("F", designations: [ladder(.famous_teacher, .municipal, "2023-03-01", nil, "2024-01-01")]),
            // Awarded after leaving: not active on the award date.
            teacher("G", left: "2023-02-28", designations: [ladder(.backbone, .county, "2023-03-01", nil, nil)]),
            // Awarded in 2021: counts since the plan start, not in 2023.
            teacher("H", designations: [ladder(.backbone, .national, "2021-01-01", nil, nil)]),
            // Dual-qualified is not on the backbone ladder.
            teacher("I", designations: [ladder(.dual_qualified, .national, "2023-03-01", nil, nil)]),
        ]
        let m = w.metrics(on: d("2023-12-31"))
        #expect(m[.backbone_new].numerator == 3)                    // A, C, F
        // B's 2020 award is before the plan and its 2023 re-award was not new: A, C, F, H.
        #expect(m[.backbone_new_since_plan_start].numerator == 4)
        #expect(m[.backbone_total].numerator == 5)                  // A, B, C, F, H (D revoked, E school level, G left)
    }

    @Test func topTalent() {
        var w = World()
        w.teachers = [
            teacher("A", designations: [Designation(kind: .special_grade, level: .county, awardedOn: d("2020-01-01"))]),
            teacher("B", designations: [Designation(kind: .famous_teacher, level: .county, awardedOn: d("2020-01-01"))]),
            teacher("C", designations: [Designation(kind: .famous_teacher, level: .national, awardedOn: d("2020-01-01"), expiresOn: d("2023-12-31"))]),
            teacher("D", titles: [TitleRecord(.professor, from: d("2023-12-31"))]),
            teacher("E", titles: [TitleRecord(.professor, from: d("2024-01-01"))]),
        ]
        #expect(w.metrics(on: d("2023-12-31"))[.top_talent_total].numerator == 3)
    }

    @Test func backbonePer100Students() {
        var w = World()
        let g = [Designation(kind: .backbone, level: .county, awardedOn: d("2020-01-01"))]
        w.teachers = [teacher("A", designations: g), teacher("B", school: "J1", stage: .junior, designations: g),
                      teacher("C", school: "V1", stage: .vocational, course: .general, designations: g)]
        let m = w.metrics(on: d("2023-12-31"))[.backbone_per_100_students]
        // Students of open primary, junior and nine-year schools: 1000 + 200 + 800 + 300 + 100 (OLD closed).
        #expect(m.denominator == 2400)
        #expect(m.numerator == 200)
        let old = w.metrics(on: d("2023-06-30"))[.backbone_per_100_students]
        #expect(old.denominator == 2450)
    }

    @Test func exchangeEligibilityCutoffAndRatios() {
        var w = World()
        let backbone = [Designation(kind: .backbone, level: .county, awardedOn: d("2020-01-01"))]
        let rot = [Rotation(fromSchool: "P1", toSchool: "P2", start: d("2023-09-01"))]
        // Y = 2023: at the school since 2017-01-01 or earlier.
        w.teachers = [
            teacher("A", hired: "2017-01-01", rotations: rot),
            teacher("B", hired: "2017-01-02", rotations: rot),             // too recent: not eligible, but exchanged
            teacher("C", hired: "2010-01-01", designations: backbone),       // eligible backbone, not exchanged
            teacher("D", school: "P2", hired: "2010-01-01"),                 // rural: not eligible
            teacher("E", school: "PR", hired: "2010-01-01"),                 // private: not eligible
            teacher("F", school: "J1", stage: .junior, hired: "2010-01-01", designations: backbone,
                    rotations: [Rotation(fromSchool: "J1", toSchool: "P2", start: d("2023-12-31"))]),
            teacher("G", hired: "2010-01-01", rotations: [Rotation(fromSchool: "P1", toSchool: "P2", start: d("2024-01-01"))]),
        ]
        let m = w.metrics(on: d("2023-12-31"))
        #expect(m[.exchange_rate].denominator == 4)  // A, C, F, G
        #expect(m[.exchange_rate].numerator == 2)    // A, F
        #expect(m[.backbone_share_of_exchanged].denominator == 3)  // A, B, F
        #expect(m[.backbone_share_of_exchanged].numerator == 1)    // F
        #expect(m[.backbone_exchange_rate].denominator == 2)       // C, F
        #expect(m[.backbone_exchange_rate].numerator == 1)
        // As of 2023-12-30, F's rotation has not started.
        let early = w.metrics(on: d("2023-12-30"))
        #expect(early[.exchange_rate].numerator == 1)
        #expect(early[.backbone_share_of_exchanged].numerator == 0)
    }

    @Test func studiosAtTheBudgetLimits() {
        var w = World()
        func studio(_ code: String, _ kind: StudioKind = .master_teacher, level: Level = .county, closed: String? = nil, budget: Int?) -> StudioFacts {
            StudioFacts(studio: Studio(code: code, kind: kind, level: level, foundedOn: d("2021-01-01"), closedOn: closed.map(d)),
                        schoolCode: "P1", budgets: budget.map { [2023: Yuan(fen: $0)] } ?? [:])
        }
        w.studios = [
            studio("A", budget: 3_000_000), studio("B", budget: 5_000_000), studio("C", budget: 2_999_999),
            studio("D", budget: 5_000_001), studio("E", budget: nil), studio("F", .master_principal, level: .school, budget: 4_000_000),
            studio("G", closed: "2023-12-31", budget: 4_000_000), studio("H", closed: "2023-12-30", budget: 4_000_000),
            studio("I", level: .school, budget: 4_000_000),
            StudioFacts(studio: Studio(code: "K", kind: .class_head, level: .county, stage: .junior, foundedOn: d("2022-01-01"))),
            StudioFacts(studio: Studio(code: "L", kind: .class_head, level: .county, foundedOn: d("2022-01-01"))),
            StudioFacts(studio: Studio(code: "M", kind: .skill_master, level: .county, foundedOn: d("2024-01-01"))),
        ]
        let m = w.metrics(on: d("2023-12-31"))
        #expect(m[.studio_funding_rate].denominator == 8)   // A–G, I (H closed the day before)
        #expect(m[.studio_funding_rate].numerator == 5)     // A, B, F, G, I
        #expect(m[.master_studios].numerator == 6)          // A, B, C, D, E, G (I is school level)
        #expect(m[.class_head_studios].numerator == 2)
        #expect(m[.class_head_studios].byStage?[Stage.allCases.firstIndex(of: .junior)!] == 1)
        #expect(m[.class_head_studios].byStage?.last == 1)
        #expect(m[.skill_master_studios].numerator == 0)
    }

    @Test func dualQualified() {
        var w = World()
        let dq = [Designation(kind: .dual_qualified, level: .school, tier: .intermediate, awardedOn: d("2022-01-01"))]
        w.teachers = [
            teacher("A", school: "V1", stage: .vocational, course: .specialized, designations: dq),
            teacher("B", school: "V1", stage: .vocational, course: .specialized),
            teacher("C", school: "V1", stage: .vocational, course: .general, designations: dq),
            teacher("D", school: "V1", stage: .vocational_practice, designations: dq),
        ]
        let m = w.metrics(on: d("2023-12-31"))[.dual_qualified_rate]
        #expect(m.numerator == 2 && m.denominator == 3)
    }
}

@Suite("Report: targets, status, gaps and history")
struct ReportRuleTests {
    private func result(_ key: MetricKey, _ n: Int, _ d: Int, target: String?) -> MetricResult {
        var t = MetricTally()
        t.numerator = n
        t.denominator = d
        return MetricResult(key: key, tally: t, target: target.map { Plan.Target(op: ">=", value: Fraction(decimal: $0)!, source: "s", isNationalStandard: false) })
    }

    @Test func exactComparisons() {
        #expect(result(.certificate_rate, 19, 20, target: "0.95").status == .met)
        #expect(result(.certificate_rate, 18, 19, target: "0.95").status == .not_met)
        #expect(result(.certificate_rate, 93, 100, target: "0.93").status == .met)
        #expect(result(.certificate_rate, 0, 0, target: "0.95").status == .no_data)
        #expect(result(.certificate_rate, 0, 0, target: nil).status == .no_data)
        #expect(result(.certificate_rate, 5, 10, target: nil).status == .no_target)
        #expect(result(.backbone_new, 200, 0, target: "200").status == .met)
        #expect(result(.backbone_new, 199, 0, target: "200").status == .not_met)
    }

    @Test func gaps() {
        #expect(result(.certificate_rate, 900, 1000, target: "0.95").gap == 50)
        #expect(result(.certificate_rate, 901, 1000, target: "0.951").gap == 50)
        #expect(result(.backbone_new, 150, 0, target: "200").gap == 50)
        // Share: s = 2 of n = 40 with t = 0.2: ⌈(8 − 2) / 0.8⌉ = 8.
        #expect(result(.backbone_share_of_exchanged, 2, 40, target: "0.2").gap == 8)
        #expect(result(.backbone_share_of_exchanged, 3, 4, target: "1.0").gap == nil)
        // Per 100 students: 100 × 10 backbone over 2,000 students, target 1.0 → 10 more.
        #expect(result(.backbone_per_100_students, 1000, 2000, target: "1.0").gap == 10)
        #expect(result(.backbone_per_100_students, 1000, 2001, target: "1.0").gap == 11)
    }

    @Test func targetsAndNationalStandards() {
        let plan = Plan.youyang
        #expect(plan.target(.certificate_rate, year: 2022)?.value == Fraction(93, 100))
        #expect(plan.target(.exchange_rate, year: 2023)?.isNationalStandard == true)
        // The plan's own target wins over the national standard.
        #expect(plan.target(.backbone_share_of_exchanged, year: 2021)?.value == Fraction(5, 100))
        #expect(plan.target(.backbone_share_of_exchanged, year: 2021)?.isNationalStandard == false)
        #expect(plan.target(.certificate_rate, year: 2026) == nil)
        #expect(plan.target(.exchange_rate, year: 2026) == nil)
        #expect(plan.target(.primary_associate_rate, year: 2023) == nil)
        #expect(plan.target(.backbone_per_100_students, year: 2025)?.value == Fraction(1, 1))
        var count = 0
        for key in MetricKey.allCases { for y in 2021...2025 where plan.targets[key]?[y] != nil { count += 1 } }
        #expect(count == 5 + 3 + 4 + 5 + 5 + 2 + 2 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 5 + 5 + 4 + 4 + 1)
        #expect(plan.policy.cycleStart == d("2021-01-01"))
        #expect(plan.policy.studioBudgetMin == Yuan(yuan: 30000) && plan.policy.studioBudgetMax == Yuan(yuan: 50000))
        #expect(plan.baseline?.staff == 10378 && plan.baseline?.schools == 282 && plan.baseline?.students == 146_000)
    }

    @Test func historyYears() throws {
        let plan = Plan.youyang
        #expect(GrowthReport.historyYears(plan: plan, year: 2025) == [2021, 2022, 2023, 2024])
        #expect(GrowthReport.historyYears(plan: plan, year: 2021) == [])
        #expect(GrowthReport.historyYears(plan: plan, year: 2027) == [2021, 2022, 2023, 2024, 2025])
        #expect(GrowthReport.historyYears(plan: plan, year: 2019) == [])
        #expect(throws: PlanError.self) { try GrowthReport.asOfDate(year: 2024, asOf: d("2025-01-01")) }
        #expect(try GrowthReport.asOfDate(year: 2024, asOf: nil) == d("2024-12-31"))
    }

    @Test func reportForAYearOutsideThePlanHasNoTargets() {
        let r = World().report(year: 2026)
        #expect(r.current.metrics.allSatisfy { $0.target == nil })
        #expect(r.history.count == 5)
        #expect(r.history.first?.asOf == d("2021-12-31"))
    }

    @Test func theBundledPlanMatchesTheSeedFile() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Seeds/plans/youyang-2021-2025.json")
        let seed = try String(contentsOf: url, encoding: .utf8)
        #expect(seed == BundledSeeds.youyangPlan, "run Tools/embed-seeds.sh")
        let draft = try String(contentsOf: url.deletingLastPathComponent().appendingPathComponent("youyang-2026-2030-draft.json"), encoding: .utf8)
        #expect(draft == BundledSeeds.youyangDraftPlan, "run Tools/embed-seeds.sh")
    }

    @Test func planFileErrorsAreSentences() {
        func error(_ json: String) -> String? {
            do { _ = try Plan(json: Data(json.utf8)); return nil } catch let e as PlanError { return e.message.en + " | " + e.message.zh } catch { return "\(error)" }
        }
        #expect(error("{")?.contains("not valid JSON") == true)
        let good = BundledSeeds.youyangPlan
        #expect(error(good.replacingOccurrences(of: "\"cycle_start\": \"2021-01-01\"", with: "\"cycle_start\": \"2021-13-01\""))?.contains("cycle_start") == true)
        #expect(error(good.replacingOccurrences(of: "\"metric\": \"certificate_rate\"", with: "\"metric\": \"cert_rate\""))?.contains("not a metric key") == true)
        #expect(error(good.replacingOccurrences(of: "\"2021\": 0.91", with: "\"2031\": 0.91"))?.contains("not a year of the plan period") == true)
        #expect(error(good.replacingOccurrences(of: "\"required_hours\": 360,", with: ""))?.contains("required_hours") == true)
    }
}

import Foundation
