import Testing
@testable import TeacherGrowth

@Suite("Code lists (SPEC §4)")
struct CodeListTests {
    @Test func acceptsEnglishCodesInAnyCase() {
        #expect(SchoolType.parse("NINE_YEAR") == .nine_year)
        #expect(Area.parse(" Urban ") == .urban)
        #expect(Ownership.parse("private") == .private)
    }

    @Test func acceptsNationalCodes() {
        #expect(Gender.parse("1") == .male)
        #expect(TrainingLevel.parse("20") == .municipal)
        #expect(TrainingLevel.parse("40") == .county)
        #expect(TrainingMode.parse("9") == .other)
        #expect(CertificateKind.parse("6") == .vocational_practice)
    }

    @Test func acceptsTheWholeListedStringAndEachSpelling() {
        #expect(SchoolType.parse("初级中学/初中") == .junior)
        #expect(SchoolType.parse("初中") == .junior)
        #expect(SchoolType.parse("初级中学") == .junior)
        #expect(Education.parse("中师") == .secondary_vocational)
        #expect(Education.parse("幼师") == .secondary_vocational)
        #expect(Education.parse("硕士") == .master)
        #expect(TrainingLevel.parse("省级") == .municipal)
        #expect(TrainingLevel.parse("市级") == .municipal)
        #expect(TrainingLevel.parse("校本研修") == .school)
        #expect(Level.parse("省级") == .municipal)
        #expect(RotationKind.parse("定期交流") == .exchange)
    }

    @Test func treatsFullAndHalfWidthBracketsAlike() {
        #expect(TrainingMode.parse("长期脱产研修(一个月以上)") == .long_offsite)
        #expect(TrainingMode.parse("长期脱产研修（一个月以上）") == .long_offsite)
        #expect(TrainingKind.parse("校(园)长任职培训") == .principal)
    }

    @Test func yesNo() {
        for yes in ["是", "y", "Y", "1", "true", "TRUE", "yes"] { #expect(YesNo.parse(yes) == .yes) }
        for no in ["否", "n", "0", "false", "No"] { #expect(YesNo.parse(no) == .no) }
        #expect(YesNo.parse("maybe") == nil)
    }

    @Test func rejectsUnknownValues() {
        #expect(SchoolType.parse("大学") == nil)
        #expect(TrainingLevel.parse("50") == nil)
        #expect(Stage.parse("") == nil)
    }

    @Test func labels() {
        #expect(SchoolType.junior.chineseLabel == "初级中学")
        #expect(Education.master.chineseLabel == "硕士研究生")
        #expect(TrainingLevel.municipal.label(.en) == "Provincial / municipal")
        #expect(Education.allCases.map(\.rank) == Array(0..<7))
        #expect(Education.associate > Education.secondary_vocational)
    }

    @Test func everyListHasUniqueAcceptedSpellings() {
        // A spelling that meant two codes would make parsing depend on table order.
        func check<V: CodeListValue>(_ type: V.Type) {
            var seen: [String: V] = [:]
            for e in V.entries {
                var forms = [e.value.rawValue.lowercased(), e.chinese]
                forms += e.chinese.split(separator: "/").map(String.init)
                if let n = e.nationalCode { forms.append(n) }
                for f in Set(forms) {
                    #expect(seen[f] == nil || seen[f] == e.value, "\(V.listName): \(f)")
                    seen[f] = e.value
                }
            }
        }
        check(SchoolType.self); check(Education.self); check(TrainingLevel.self); check(TrainingKind.self)
        check(CertificateKind.self); check(Level.self); check(RotationKind.self); check(AppraisalResult.self)
        check(RegistrationResult.self); check(YesNo.self); check(Stage.self); check(Title.self)
    }
}

@Suite("Certificate fit and prescribed education (SPEC §4)")
struct CertificateFitTests {
    @Test(arguments: [
        (CertificateKind.kindergarten, Stage.kindergarten, true), (.kindergarten, .primary, false),
        (.primary, .primary, true), (.primary, .special, true), (.primary, .kindergarten, true), (.primary, .junior, false),
        (.junior, .junior, true), (.junior, .senior, false), (.senior, .senior, true), (.senior, .vocational, true),
        (.vocational, .senior, true), (.vocational, .junior, true), (.senior, .vocational_practice, true),
        (.vocational_practice, .vocational_practice, true), (.vocational_practice, .vocational, false),
        (.vocational_practice, .primary, false), (.higher, .senior, true), (.higher, .vocational_practice, true),
        (.junior, .vocational_practice, false), (.higher, .kindergarten, true),
    ])
    func fit(kind: CertificateKind, stage: Stage, fits: Bool) {
        #expect(kind.fits(stage) == fits)
    }

    @Test func prescribedEducation() {
        #expect(Stage.primary.prescribedEducation == .secondary_vocational)
        #expect(Stage.primary.isAbovePrescribed(.associate))
        #expect(!Stage.primary.isAbovePrescribed(.secondary_vocational))
        #expect(!Stage.junior.isAbovePrescribed(.associate))
        #expect(Stage.junior.isAbovePrescribed(.bachelor))
        #expect(!Stage.vocational_practice.isAbovePrescribed(.bachelor))
        #expect(Stage.senior.isAbovePrescribed(.master))
        #expect(!Stage.special.isAbovePrescribed(nil))
    }
}
