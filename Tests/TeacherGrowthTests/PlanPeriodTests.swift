import Foundation
import Testing
@testable import TeacherGrowth

@Suite("Plan periods: catalog, 2026 against the draft, projections, final review (issue 13)")
struct PlanPeriodTests {
    let catalog = PlanCatalog.bundled

    func facts(_ w: World) -> InMemoryFacts { InMemoryFacts(schools: w.schools, people: w.teachers, studios: w.studios) }

    func backbone(_ awarded: String, expires: String? = nil) -> Designation {
        Designation(kind: .backbone, level: .county, awardedOn: d(awarded), expiresOn: expires.map(d))
    }

    @Test func eachYearUsesThePlanCoveringIt() {
        #expect(catalog.plan(for: 2023).id == "youyang-2021-2025")
        #expect(catalog.plan(for: 2025).id == "youyang-2021-2025")
        #expect(catalog.plan(for: 2026).id == "youyang-2026-2030-draft")
        #expect(catalog.plan(for: 2030).id == "youyang-2026-2030-draft")
        // Outside every period: the nearest plan's policy, no targets.
        #expect(catalog.plan(for: 2019).id == "youyang-2021-2025")
        #expect(catalog.plan(for: 2031).id == "youyang-2026-2030-draft")
        #expect(catalog.covering(2031) == nil)
        #expect(catalog.lastClosed(before: 2026)?.id == "youyang-2021-2025")
        #expect(catalog.cycle(containing: d("2026-05-01")) == TrainingCycle(start: d("2026-01-01"), end: d("2030-12-31")))
        #expect(catalog.cycle(containing: d("2019-05-01")) == TrainingCycle(start: d("2016-01-01"), end: d("2020-12-31")))
    }

    @Test func theDraftCarriesThePolicyForwardAndIsLabelled() {
        let draft = Plan.youyangDraft2026
        #expect(draft.isDraft)
        #expect(draft.policy.requiredHours == 360 && draft.policy.cycleStart == d("2026-01-01") && draft.policy.countyTrainingYears == 3)
        #expect(draft.policy.eligibleYearsAtSchool == 6)
        // The national standards are targets; the 十四五's lasting levels are continued targets.
        #expect(draft.target(.exchange_rate, year: 2027)?.isNationalStandard == true)
        #expect(draft.target(.certificate_rate, year: 2026).map { $0.value == Fraction(1, 1) && $0.isContinued } == true)
        #expect(draft.target(.training_360_rate, year: 2030)?.isContinued == true)
        #expect(draft.target(.backbone_new, year: 2026) == nil)
        #expect(draft.target(.certificate_rate, year: 2026)?.source.contains("草案") == true)
    }

    @Test func since2026TheCountsStartAgain() throws {
        var w = World()
        w.teachers = [
            teacher("A", designations: [backbone("2025-06-01")]),
            teacher("B", designations: [backbone("2026-03-01")]),
        ]
        let r2025 = try GrowthReporting.report(source: facts(w), catalog: catalog, year: 2025)
        #expect(r2025.plan.id == "youyang-2021-2025")
        #expect(r2025[.backbone_new_since_plan_start].numerator == 1)
        #expect(r2025.history.count == 4)
        let r2026 = try GrowthReporting.report(source: facts(w), catalog: catalog, year: 2026)
        #expect(r2026.plan.id == "youyang-2026-2030-draft")
        #expect(r2026[.backbone_new_since_plan_start].numerator == 1)  // B only: the count starts 2026-01-01
        #expect(r2026[.backbone_total].numerator == 2)
        #expect(r2026.history.isEmpty)
        #expect(r2026.current.cycle == TrainingCycle(start: d("2026-01-01"), end: d("2030-12-31")))
        #expect(r2026[.certificate_rate].target?.value == Fraction(1, 1))
        #expect(r2026[.exchange_rate].target?.isNationalStandard == true)
    }

    @Test func plansYearsReportTheSameWithTheCatalogAsAlone() throws {
        var w = World()
        w.teachers = [
            teacher("A", designations: [backbone("2022-06-01")],
                    training: [TrainingFact(endDate: d("2023-03-01"), hours: Hours(tenths: 1200), level: .county)]),
            teacher("B", school: "J1", stage: .junior, certificates: [Certificate(kind: .junior, number: "1", issuedOn: d("2015-01-01"))]),
        ]
        for y in 2021...2025 {
            let a = try GrowthReporting.report(source: facts(w), catalog: catalog, year: y)
            let b = w.report(year: y)
            for key in MetricKey.allCases {
                #expect(a[key].tally == b.current[key].tally, "\(y) \(key)")
                #expect(a[key].status == b.current[key].status, "\(y) \(key)")
                #expect(a[key].target == b.current[key].target, "\(y) \(key)")
            }
        }
    }

    /// The year in progress, projected to Dec 31 (hand computation in the comments).
    @Test func projectionsEqualTheHandComputation() throws {
        var w = World()
        let asOf = d("2026-06-30")  // day 181 of 2026; 184 days left
        w.teachers = [
            teacher("A", designations: [backbone("2026-02-01")], rotations: [Rotation(fromSchool: "P1", toSchool: "P2", start: d("2026-03-01"))]),
            teacher("B", designations: [backbone("2026-05-01")]),
            teacher("C", designations: [backbone("2026-09-01")]),               // recorded already, dated after D
            teacher("D", designations: [backbone("2020-01-01", expires: "2026-08-31")]),  // lapses before Dec 31
            teacher("E", left: "2026-09-30"),                                     // leaves on a set date
            teacher("F", training: [TrainingFact(endDate: d("2026-10-10"), hours: Hours(tenths: 800), level: .county)]),
            teacher("G", hired: "2026-03-01", subject: "体育"),                   // a PE teacher hired this year
        ]
        let r = try GrowthReporting.report(source: facts(w), catalog: catalog, year: 2026, today: asOf)
        #expect(r.inProgress)
        #expect(r.asOf == asOf)
        func p(_ key: MetricKey) -> Projection { r.projections[key]! }
        // backbone_new: 2 so far (A, B); 3 recorded by Dec 31 (C); pace adds round(2 × 184 / 181) = 2 → 5.
        #expect(r[.backbone_new].numerator == 2)
        #expect(p(.backbone_new).tally.numerator == 5 && p(.backbone_new).method == .pace)
        #expect(p(.backbone_new_since_plan_start).tally.numerator == 5)
        // backbone_total: A, B, D on D; on Dec 31 A, B, C (D lapsed) → 3, from recorded facts.
        #expect(r[.backbone_total].numerator == 3)
        #expect(p(.backbone_total).tally.numerator == 3 && p(.backbone_total).method == .recorded)
        // Full-time teachers: 7 on D; 6 on Dec 31 (E left). On track: none on D; F by Dec 31 (80 h ≥ 360 × 365 / 1826 = 71.96 h).
        #expect(r[.training_360_rate].tally.numerator == 0 && r[.training_360_rate].tally.denominator == 7)
        #expect(p(.training_360_rate).tally.numerator == 1 && p(.training_360_rate).tally.denominator == 6)
        // pe_arts_added: 0 PE teachers on 2025-12-31, 1 on D; recorded 1 on Dec 31; pace adds round(1 × 184 / 181) = 1 → 2.
        #expect(p(.pe_arts_added).tally.numerator == 2)
        // exchange_rate: A..F eligible (G hired 2026); 1 rotated so far; pace adds 1 → 2 of 6.
        #expect(r[.exchange_rate].tally.numerator == 1 && r[.exchange_rate].tally.denominator == 6)
        #expect(p(.exchange_rate).tally.numerator == 2 && p(.exchange_rate).tally.denominator == 6)
        #expect(p(.exchange_rate).status == .met)  // 2/6 ≥ the national standard 10%
        // A past year has no projections.
        let past = try GrowthReporting.report(source: facts(w), catalog: catalog, year: 2025, today: asOf)
        #expect(!past.inProgress && past.projections.isEmpty && past.asOf == d("2025-12-31"))
    }

    @Test func theFinalReviewEqualsTheYearlyReports() throws {
        var w = World()
        w.teachers = [
            teacher("A", designations: [backbone("2022-06-01")]),
            teacher("B", certificates: [Certificate(kind: .primary, number: "1", issuedOn: d("2023-01-01"))], designations: [backbone("2024-06-01")]),
            teacher("C", hired: "2019-09-01", left: "2023-08-31"),
        ]
        let review = try GrowthReporting.review(source: facts(w), plan: .youyang, today: d("2026-12-01"))
        #expect(review.complete)
        #expect(review.years.map(\.year) == [2021, 2022, 2023, 2024, 2025])
        #expect(review.baseline.asOf == d("2020-12-31"))
        #expect(review.baseline[.certificate_rate].tally.denominator == 3)
        for y in review.years {
            let report = try GrowthReporting.report(source: facts(w), catalog: catalog, year: y.year)
            for key in MetricKey.allCases { #expect(y[key].tally == report[key].tally, "\(y.year) \(key)") }
        }
        let end = try #require(review.end(.certificate_rate))
        #expect(end.target?.value == Fraction(1, 1))
        #expect(end.status == .not_met && end.gap == 1)
        #expect(review.yearsMet(.certificate_rate) == (0, 5))
        // A plan not yet over is reviewed as of today.
        let open = try GrowthReporting.review(source: facts(w), plan: .youyangDraft2026, today: d("2026-12-01"))
        #expect(!open.complete && open.years.map(\.asOf) == [d("2026-12-01")])
    }

    @Test func retirementFollowsTheGradualRise() throws {
        let rule = try #require(Plan.youyang.policy.retirement)
        // Born March 1966: originally 60 in March 2026, 14 months after 1965-01 → 4 months later.
        #expect(rule.retirementDate(born: d("1966-03-15"), gender: .male) == d("2026-07-15"))
        // Born 1964: before the rise → 60.
        #expect(rule.retirementDate(born: d("1964-05-02"), gender: .male) == d("2024-05-02"))
        // Born June 1972 (women, 55): 29 months after 1970-01 → 8 months later.
        #expect(rule.retirementDate(born: d("1972-06-10"), gender: .female) == d("2028-02-10"))
        // Born 1985: the full 36 months → 63.
        #expect(rule.retirementDate(born: d("1985-01-20"), gender: .male) == d("2048-01-20"))
        #expect(rule.retirementDate(born: d("1985-01-20"), gender: nil) == nil)
    }

    @Test func candidatesWhoRetireWithinTheRotationAreLeftOut() throws {
        var w = World()
        func older(_ no: String, born: String, gender: Gender) -> TeacherFacts {
            var t = teacher(no, designations: [backbone("2015-01-01")])
            t.birthDate = d(born); t.gender = gender
            return t
        }
        w.teachers = [
            older("OLD", born: "1966-03-15", gender: .male),    // retires 2026-07-15: within 2025-12-31 + 3 years
            older("LATER", born: "1975-03-15", gender: .male),  // retires 2037-12-15 (60 + 33 months)
            older("WOMAN", born: "1972-06-10", gender: .female), // retires 2028-02-10: within
            teacher("UNKNOWN", designations: [backbone("2015-01-01")]),  // no birth date: kept
        ]
        let v = try RotationReporting.view(source: facts(w), catalog: catalog, year: 2025)
        #expect(v.candidates.map(\.staffNo) == ["LATER", "UNKNOWN"])
        #expect(v.candidates.first?.age == 50)
    }

    @Test func targetsSheetsUpdateTheirYearsOnly() throws {
        let header = ["指标", "年度", "比较", "目标值", "来源"]
        let sheet = try TargetsSheet.parse(header: header, rows: [
            (2, ["certificate_rate", "2026", ">=", "98%", "县教委2026年工作要点"]),
            (3, ["新认定县级以上骨干教师", "2026", "", "150", ""]),
        ]).get()
        let updated = try sheet.applied(to: .youyangDraft2026)
        #expect(updated.target(.certificate_rate, year: 2026)?.value == Fraction(98, 100))
        #expect(updated.target(.certificate_rate, year: 2026)?.source == "县教委2026年工作要点")
        #expect(updated.target(.certificate_rate, year: 2027)?.value == Fraction(1, 1))
        #expect(updated.target(.backbone_new, year: 2026)?.value == Fraction(150, 1))
        #expect(updated.differences(from: .youyangDraft2026).map(\.en) == ["certificate_rate 2026: ≥1 → ≥0.98", "backbone_new 2026: — → ≥150"])
        #expect(throws: PlanError.self) { try sheet.applied(to: .youyang) }
        switch TargetsSheet.parse(header: header, rows: [(2, ["certificate_rate", "2026", ">=", "120%", ""])]) {
        case .success: Issue.record("a ratio above 100% was accepted")
        case .failure(let f): #expect(f.items.first?.line == 2)
        }
    }

    @Test func aPlanWritesAndReadsBackTheSame() throws {
        for plan in [Plan.youyang, Plan.youyangDraft2026] {
            let again = try Plan(json: Data(plan.jsonText().utf8))
            #expect(again.jsonText() == plan.jsonText())
            #expect(again.targets == plan.targets && again.nationalStandards == plan.nationalStandards && again.policy == plan.policy)
            #expect(again.differences(from: plan).isEmpty)
            // And through its sheets.
            let info = Dictionary(uniqueKeysWithValues: PlanSheets.infoRows(plan))
            let policy = Dictionary(uniqueKeysWithValues: PlanSheets.policyRows(plan))
            let rows = PlanSheets.targetRows(plan).enumerated().map { i, r in (line: i + 2, cells: r) }
            let targets = try TargetsSheet.parse(header: PlanSheets.targetHeader, rows: rows).get()
            var fromSheets = try PlanSheets.plan(info: info, policy: policy, follows: nil, targets: targets.rows,
                                                 standards: plan.nationalStandards.map { ($0.key, $0.value) })
            // A sheet carries no "continued" flag per target; the values and sources are the same.
            for (k, byYear) in fromSheets.targets { for (y, _) in byYear { fromSheets.targets[k]![y]!.isContinued = plan.targets[k]![y]!.isContinued } }
            #expect(fromSheets.targets == plan.targets)
            #expect(fromSheets.policy == plan.policy)
            #expect(fromSheets.status == plan.status && fromSheets.name == plan.name)
        }
    }
}

extension GrowthReport {
    subscript(_ key: MetricKey) -> MetricResult { current[key] }
}
