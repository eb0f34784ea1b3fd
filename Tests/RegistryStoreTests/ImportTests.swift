import Foundation
import GRDB
import Testing
import TeacherGrowth
@testable import RegistryStore

@Suite("Import: the county fixture")
struct CountyImportTests {
    @Test func loadsEveryKindWithoutErrors() throws {
        let registry = try Registry()
        let outcome = try registry.importFiles(try Fixture.countySources())
        #expect(outcome.errors.isEmpty, "\(outcome.errors)")
        #expect(outcome.committed)
        let counts = try registry.rowCounts()
        #expect(counts["schools"] == 6)
        #expect(counts["teachers"] == 5)
        // teachers.csv gives 5 assignments; assignments.csv adds 2 more and repeats one (same record).
        #expect(counts["assignments"] == 7)
        #expect(counts["degrees"] == 7)
        #expect(counts["titles"] == 4)
        #expect(counts["training"] == 5)
        #expect(counts["certificates"] == 4)
        #expect(counts["registrations"] == 3)
        #expect(counts["designations"] == 4)
        #expect(counts["rotations"] == 2)
        #expect(counts["studios"] == 2)
        #expect(counts["studio_members"] == 2)
        #expect(counts["studio_budgets"] == 3)
        #expect(counts["appraisals"] == 5)
        #expect(counts["change_batches"] == 1)
        let summary = Dictionary(uniqueKeysWithValues: outcome.summaries.map { ($0.kind, $0) })
        #expect(summary["assignments"]?.added == 2)
        #expect(summary["assignments"]?.unchanged == 1)
    }

    @Test func readsCodesNumericCodesChineseAndDateForms() throws {
        let registry = try Fixture.loadedRegistry()
        try registry.writer.read { db in
            #expect(try String.fetchOne(db, sql: "SELECT type FROM schools WHERE code = 'S001'") == "senior")
            #expect(try String.fetchOne(db, sql: "SELECT opened_on FROM schools WHERE code = 'S001'") == "1943-09-01")
            #expect(try String.fetchOne(db, sql: "SELECT opened_on FROM schools WHERE code = 'S003'") == "1952-09-01")
            #expect(try String.fetchOne(db, sql: "SELECT opened_on FROM schools WHERE code = 'S004'") == "1985-09-01")
            #expect(try String.fetchOne(db, sql: "SELECT gender FROM teachers WHERE staff_no = 'T0002'") == "female")
            #expect(try String.fetchOne(db, sql: "SELECT hired_on FROM teachers WHERE staff_no = 'T0003'") == "2019-09-01")
            // GB18030 file, numeric level code, full-width and half-width brackets.
            let row = try Row.fetchOne(db, sql: "SELECT title, level, mode, kind, hours_tenths, credits_tenths FROM training WHERE ref = 'GP-2021-0001'")!
            #expect(row["title"] == "国培计划（2021）——高中数学")
            #expect(row["level"] == "national")
            #expect(row["mode"] == "short_face")
            #expect(row["kind"] == "backbone")
            #expect(row["hours_tenths"] == 720)
            #expect(row["credits_tenths"] == 72)
            #expect(try String.fetchOne(db, sql: "SELECT mode FROM training WHERE ref = 'CQ-2024-77'") == "long_offsite")
            #expect(try Int.fetchOne(db, sql: "SELECT hours_tenths FROM training WHERE title = '县级校本研修'") == 245)
            #expect(try String.fetchOne(db, sql: "SELECT status FROM training WHERE title = '体育教学专题'") == "pending")
            #expect(try Int.fetchOne(db, sql: "SELECT amount_fen FROM studio_budgets WHERE studio_code = 'ST02'") == 2_999_999)
            #expect(try Int.fetchOne(db, sql: "SELECT transfers_personnel FROM rotations WHERE staff_no = 'T0002'") == 1)
            // Defaults: school_since and education_on default to hired_on.
            #expect(try String.fetchOne(db, sql: "SELECT from_date FROM assignments WHERE staff_no = 'T0002'") == "2012-09-01")
            #expect(try String.fetchOne(db, sql: "SELECT obtained_on FROM degrees WHERE staff_no = 'T0002' AND education = 'associate'") == "2012-09-01")
        }
    }

    @Test func reimportingChangesNothing() throws {
        let registry = try Fixture.loadedRegistry()
        let before = try registry.dump()
        let again = try registry.importFiles(try Fixture.countySources())
        #expect(again.errors.isEmpty)
        for s in again.summaries {
            #expect(s.added == 0 && s.updated == 0 && s.unchanged == s.rows, "\(s)")
        }
        #expect(try registry.dump() == before)
    }

    @Test func aChangedRowUpdatesAndIsLogged() throws {
        let registry = try Fixture.loadedRegistry()
        let outcome = try registry.importFiles([Fixture.source("appraisals", "staff_no,year,result\nT0001,2022,不合格\nT0001,2023,合格\n")])
        #expect(outcome.summaries.first?.updated == 1)
        #expect(outcome.summaries.first?.added == 1)
        try registry.writer.read { db in
            #expect(try String.fetchOne(db, sql: "SELECT result FROM appraisals WHERE staff_no = 'T0001' AND year = 2022") == "failed")
            let log = try Row.fetchAll(db, sql: "SELECT action, file, line FROM change_log WHERE entity = 'appraisals' AND batch_id = 2 ORDER BY id")
            #expect(log.map { $0["action"] as String } == ["update", "add"])
            #expect(log.map { $0["line"] as Int } == [2, 3])
            #expect(log.allSatisfy { ($0["file"] as String) == "appraisals.csv" })
        }
    }

    @Test func dryRunReportsButWritesNothing() throws {
        let registry = try Fixture.loadedRegistry()
        let before = try registry.dump()
        let outcome = try registry.importFiles(
            [Fixture.source("appraisals", "staff_no,year,result\nT0001,2022,不合格\nT0001,2023,合格\n")],
            options: ImportOptions(dryRun: true))
        #expect(!outcome.committed)
        #expect(outcome.summaries.first?.updated == 1)
        #expect(outcome.summaries.first?.added == 1)
        #expect(try registry.dump() == before)
    }

    @Test func trainingIsKeyedByRefWhenPresent() throws {
        let registry = try Fixture.loadedRegistry()
        // Same ref, corrected hours and title: an update of the same record.
        let outcome = try registry.importFiles([Fixture.source("training", """
            staff_no,title,level,start_date,end_date,hours,ref
            T0001,国培计划2021 高中数学,national,2021-07-10,2021-07-20,80,GP-2021-0001
            """)])
        #expect(outcome.summaries.first?.updated == 1)
        #expect(try registry.rowCounts()["training"] == 5)
    }

    @Test func warnsAboutSuspiciousRowsButImportsThem() throws {
        let registry = try Fixture.loadedRegistry()
        let outcome = try registry.importFiles([
            Fixture.source("training", "staff_no,title,level,start_date,end_date,hours\nT0002,旧培训,county,2010-01-01,2010-01-05,10\nT0003,离岗后,county,2024-09-01,2024-09-05,10\n"),
            Fixture.source("designations", "staff_no,kind,level,awarded_on\nT0003,backbone,county,2025-01-01\n"),
            Fixture.source("assignments", "staff_no,school_code,from,post,stage\nT0003,S002,2024-09-01,teacher,primary\n"),
        ])
        #expect(outcome.errors.isEmpty, "\(outcome.errors)")
        #expect(outcome.committed)
        let w = outcome.warnings.map { $0.text(.en) }
        #expect(w.contains { $0.hasPrefix("training.csv:2: end_date:") && $0.contains("before hired_on") })
        #expect(w.contains { $0.hasPrefix("training.csv:3: start_date:") && $0.contains("after the person left") })
        #expect(w.contains { $0.hasPrefix("designations.csv:2: awarded_on:") })
        #expect(w.contains { $0.hasPrefix("assignments.csv:2: from:") && $0.contains("after the person left") })
    }

    @Test func unknownColumnsAreWarnings() throws {
        let registry = try Fixture.loadedRegistry()
        let outcome = try registry.importFiles([Fixture.source("appraisals", "工号,年度,考核结果,备注\nT0004,2023,优秀,好\n")])
        #expect(outcome.errors.isEmpty)
        #expect(outcome.warnings.first.map { $0.text(.zh).hasPrefix("appraisals.csv:1: ") && $0.text(.zh).contains("“备注”不是") } == true)
        #expect(outcome.summaries.first?.added == 1)
    }

    @Test func headersInAnyOrderAndBothLanguages() throws {
        let registry = try Fixture.loadedRegistry()
        let outcome = try registry.importFiles([Fixture.source("degrees", "取得日期,education,工号\n2024/6/30,硕士,T0004\n")])
        #expect(outcome.errors.isEmpty)
        #expect(outcome.summaries.first?.added == 1)
    }

    @Test func rfc4180Quoting() throws {
        let registry = try Fixture.loadedRegistry()
        let text = "staff_no,title,level,start_date,end_date,hours\r\nT0001,\"多行\n标题, 含\"\"引号\"\"\",county,2023-01-01,2023-01-02,3\r\n\r\nT0001,普通,county,2023-02-01,2023-02-02,3\r\n"
        let outcome = try registry.importFiles([Fixture.source("training", text)])
        #expect(outcome.errors.isEmpty, "\(outcome.errors)")
        #expect(outcome.summaries.first?.added == 2)
        let title = try registry.writer.read { db in try String.fetchOne(db, sql: "SELECT title FROM training WHERE start_date = '2023-01-01'") }
        #expect(title == "多行\n标题, 含\"引号\"")
    }
}

@Suite("Import: encodings")
struct EncodingTests {
    let text = "staff_no,year,result\nT0001,2023,优秀\nT0002,2024,不合格\n"

    private func importBytes(_ bytes: [UInt8], encoding: InputEncoding? = nil) throws -> (ImportOutcome, Registry) {
        let registry = try Fixture.loadedRegistry()
        let outcome = try registry.importFiles([ImportSource(kind: ImportKind.named("appraisals")!, fileName: "appraisals.csv", bytes: bytes)],
                                               options: ImportOptions(encoding: encoding))
        return (outcome, registry)
    }

    private func gb18030(_ s: String) -> [UInt8] {
        // Encode through iconv, the other direction from the importer's.
        let cd = iconv_open("GB18030", "UTF-8")
        defer { iconv_close(cd) }
        var input = Array(s.utf8)
        var output = [UInt8](repeating: 0, count: input.count * 2)
        let n = input.withUnsafeMutableBufferPointer { i in output.withUnsafeMutableBufferPointer { o in
            var ip: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(i.baseAddress)?.assumingMemoryBound(to: CChar.self)
            var op: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(o.baseAddress)?.assumingMemoryBound(to: CChar.self)
            var il = i.count, ol = o.count
            _ = iconv(cd, &ip, &il, &op, &ol)
            return o.count - ol
        } }
        return Array(output.prefix(n))
    }

    @Test func utf8WithAndWithoutBOM() throws {
        for bytes in [Array(text.utf8), [0xEF, 0xBB, 0xBF] + Array(text.utf8)] {
            let (outcome, registry) = try importBytes(bytes)
            #expect(outcome.errors.isEmpty)
            #expect(try registry.writer.read { try String.fetchOne($0, sql: "SELECT result FROM appraisals WHERE year = 2024") } == "failed")
        }
    }

    @Test func gb18030IsDetectedAndCanBeForced() throws {
        let bytes = gb18030(text)
        #expect(bytes != Array(text.utf8))
        for encoding in [nil, InputEncoding.gb18030] {
            let (outcome, registry) = try importBytes(bytes, encoding: encoding)
            #expect(outcome.errors.isEmpty, "\(outcome.errors)")
            #expect(try registry.writer.read { try String.fetchOne($0, sql: "SELECT result FROM appraisals WHERE year = 2023 AND staff_no = 'T0001'") } == "excellent")
        }
    }

    @Test func utf16WithBOM() throws {
        var bytes: [UInt8] = [0xFF, 0xFE]
        for u in text.utf16 { bytes += [UInt8(u & 0xFF), UInt8(u >> 8)] }
        let (outcome, _) = try importBytes(bytes)
        #expect(outcome.errors.isEmpty, "\(outcome.errors)")
        #expect(outcome.summaries.first?.added == 2)
    }

    @Test func mixedEncodingsAreRefused() throws {
        let bytes = Array("staff_no,year,result\nT0001,2023,优秀\n".utf8) + gb18030("T0002,2024,不合格\n")
        let (outcome, registry) = try importBytes(bytes)
        #expect(outcome.errors.first?.text(.en).hasPrefix("appraisals.csv:3: the file mixes encodings") == true)
        #expect(try registry.rowCounts()["appraisals"] == 5)
    }

    @Test func forcingUTF8OnGB18030FailsClearly() throws {
        let (outcome, _) = try importBytes(gb18030(text), encoding: .utf8)
        #expect(outcome.errors.first?.text(.en).contains("is not valid UTF-8") == true)
    }
}
