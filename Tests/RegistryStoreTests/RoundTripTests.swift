import Foundation
import GRDB
import Testing
import TeacherGrowth
@testable import RegistryStore

@Suite("Export round-trips")
struct RoundTripTests {
    private func exportAll(_ registry: Registry) throws -> [ImportSource] {
        try ImportKind.all.map { kind in
            var text = ""
            try registry.export(kind, format: .csv) { text += $0 }
            return ImportSource(kind: kind, fileName: kind.fileName, bytes: Array(text.utf8))
        }
    }

    @Test func everyKindReimportsUnchanged() throws {
        let registry = try Fixture.loadedRegistry()
        let before = try registry.dump()
        let outcome = try registry.importFiles(try exportAll(registry))
        #expect(outcome.errors.isEmpty, "\(outcome.errors)")
        #expect(outcome.summaries.count == 14)
        for s in outcome.summaries { #expect(s.added == 0 && s.updated == 0 && s.unchanged == s.rows, "\(s)") }
        #expect(try registry.dump() == before)
    }

    @Test func anEmptyRegistryReproducesTheData() throws {
        let original = try Fixture.loadedRegistry()
        let files = try exportAll(original)
        let copy = try Registry()
        let outcome = try copy.importFiles(files)
        #expect(outcome.errors.isEmpty, "\(outcome.errors)")
        for kind in ImportKind.all {
            var a = "", b = ""
            try original.export(kind, format: .csv) { a += $0 }
            try copy.export(kind, format: .csv) { b += $0 }
            #expect(a == b, "\(kind.name)")
        }
        // Same facts table by table (ids aside).
        let counts = try original.rowCounts(), copyCounts = try copy.rowCounts()
        for t in ImportKind.all.map(\.table) { #expect(counts[t] == copyCounts[t], "\(t)") }
    }

    @Test func jsonExportIsValidJSONWithTypedValues() throws {
        let registry = try Fixture.loadedRegistry()
        var text = ""
        try registry.export(ImportKind.named("training")!, format: .json) { text += $0 }
        let rows = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [[String: Any]]
        #expect(rows.count == 5)
        let gp = rows.first { ($0["ref"] as? String) == "GP-2021-0001" }!
        #expect(gp["hours"] as? Double == 72)
        #expect(gp["credits"] as? Double == 7.2)
        #expect(rows.contains { $0["hours"] as? Double == 24.5 })
        var empty = ""
        try Registry().export(ImportKind.named("schools")!, format: .json) { empty += $0 }
        #expect(try JSONSerialization.jsonObject(with: Data(empty.utf8)) as? [Any] != nil)
    }
}

@Suite("Single-record training edits and the change log")
struct TrainingEditTests {
    let fields = ["staff_no": "T0001", "title": "县级班主任培训", "level": "县级", "start_date": "2025/3/1",
                  "end_date": "2025-03-03", "hours": "24"]

    @Test func addIsValidatedLikeACSVRowAndIdempotent() throws {
        let registry = try Fixture.loadedRegistry()
        let added = try registry.addTraining(fields, actor: "cli:test")
        #expect(added.outcome == .added)
        let again = try registry.addTraining(fields, actor: "cli:test")
        #expect(again.outcome == .unchanged)
        #expect(again.id == added.id)
        var corrected = fields
        corrected["hours"] = "24.5"
        #expect(try registry.addTraining(corrected, actor: "cli:test").outcome == .updated)
        let listed = try registry.listTraining(.init(staffNo: "T0001"))
        #expect(listed.first { $0.id == added.id }?.hours == Hours(tenths: 245))
    }

    @Test func addReportsEveryBadField() throws {
        let registry = try Fixture.loadedRegistry()
        var bad = fields
        bad["hours"] = "2o"; bad["level"] = "乡级"; bad["staff_no"] = "T9999"
        #expect {
            try registry.addTraining(bad, actor: "cli:test")
        } throws: { error in
            guard case TrainingEditError.invalid(let issues) = error else { return false }
            return Set(issues.map(\.field)) == ["hours", "level", "staff_no"]
        }
        #expect(try registry.rowCounts()["training"] == 5)
    }

    @Test func voidKeepsTheRecordAndLogsTheReason() throws {
        let registry = try Fixture.loadedRegistry()
        let id = try registry.addTraining(fields, actor: "cli:hr").id
        try registry.voidTraining(id: id, reason: "重复录入", actor: "cli:hr")
        let row = try registry.listTraining(.init(staffNo: "T0001")).first { $0.id == id }
        #expect(row?.voidReason == "重复录入")
        #expect(try registry.listTraining(.init(staffNo: "T0001", includeVoided: false)).allSatisfy { $0.id != id })
        #expect(throws: TrainingEditError.self) { try registry.voidTraining(id: id, reason: "again", actor: "cli:hr") }
        #expect(throws: TrainingEditError.notFound(9999)) { try registry.voidTraining(id: 9999, reason: "x", actor: "cli:hr") }
        #expect(throws: TrainingEditError.emptyReason) { try registry.voidTraining(id: 1, reason: "  ", actor: "cli:hr") }
        let record = try registry.teacherRecord(staffNo: "T0001")!
        #expect(record.changes.contains { $0.action == "void" && $0.detail == "重复录入" && $0.actor == "cli:hr" })
        let cycle = record.transcript.first { $0.cycle.start.year == 2021 }!
        // The voided 24 h do not count: 72 + 24.5 from the fixture.
        #expect(cycle.countedHours == Hours(tenths: 965))
    }

    @Test func theChangeLogIsAppendOnly() throws {
        let registry = try Fixture.loadedRegistry()
        try registry.writer.write { db in
            #expect(throws: DatabaseError.self) { try db.execute(sql: "UPDATE change_log SET action = 'add'") }
            #expect(throws: DatabaseError.self) { try db.execute(sql: "DELETE FROM change_log") }
            #expect(throws: DatabaseError.self) { try db.execute(sql: "DELETE FROM change_batches") }
        }
        let id = try registry.addTraining(fields, actor: "cli:hr").id
        try registry.voidTraining(id: id, reason: "x", actor: "cli:hr")
        try registry.writer.write { db in
            #expect(throws: DatabaseError.self) { try db.execute(sql: "DELETE FROM training_voids") }
        }
    }

    @Test func theSchemaRejectsWhatValidationWouldHaveCaught() throws {
        let registry = try Fixture.loadedRegistry()
        try registry.writer.write { db in
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "INSERT INTO training (staff_no, title, level, start_date, end_date, hours_tenths) VALUES ('T0001','x','county','2023-01-01','2023-01-02',0)")
            }
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "INSERT INTO training (staff_no, title, level, start_date, end_date, hours_tenths) VALUES ('T9999','x','county','2023-01-01','2023-01-02',10)")
            }
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "INSERT INTO schools (code, name, type, area, ownership) VALUES ('X','x','university','urban','public')")
            }
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "INSERT INTO rotations (staff_no, from_school, to_school, kind, start_date) VALUES ('T0001','S001','S001','support','2023-01-01')")
            }
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "UPDATE schools SET opened_on = '2023-02-30' WHERE code = 'S001'")
            }
        }
    }
}

@Suite("teacher show")
struct TeacherRecordTests {
    @Test func listsEveryKindOfFact() throws {
        let registry = try Fixture.loadedRegistry()
        let r = try #require(try registry.teacherRecord(staffNo: "T0001"))
        #expect(r.person.name == "张三")
        #expect(r.assignments.map(\.schoolCode) == ["S003", "S001"])
        #expect(r.assignments.first?.effectiveEnd == CivilDate(iso: "2015-08-31"))
        #expect(r.degrees.map(\.education) == [.bachelor])
        #expect(r.titles.map(\.title) == [.first])
        #expect(r.transcript.first?.countedHours == Hours(tenths: 965))
        #expect(r.certificates.first?.registrations.count == 1)
        #expect(r.designations.map(\.kind) == [.backbone, .subject_leader])
        #expect(r.rotations.first?.kind == .support)
        #expect(r.studios.first?.role == .host)
        #expect(r.appraisals.map(\.result) == [.excellent, .passed])
        #expect(r.changes.count >= 10)
        #expect(try registry.teacherRecord(staffNo: "NOPE") == nil)

        let t2 = try #require(try registry.teacherRecord(staffNo: "T0002"))
        #expect(t2.transcript.contains { $0.inductionHours == Hours(tenths: 1200) })
        #expect(t2.transcript.contains { $0.pendingHours == Hours(tenths: 400) })
        #expect(t2.studios.contains { $0.code == "ST02" && $0.role == .host })
    }
}

@Suite("Export safety")
struct FormulaTests {
    @Test func formulasAreStoredAsGivenNeutralisedOnExportAndRestoredOnImport() throws {
        let registry = try Fixture.loadedRegistry()
        let evil = "=HYPERLINK(\"http://x\",\"点我\")"
        let outcome = try registry.importFiles([Fixture.source("training",
            "staff_no,title,level,start_date,end_date,hours,provider\nT0001,\"\(evil.replacingOccurrences(of: "\"", with: "\"\""))\",county,2025-01-01,2025-01-02,3,+86机构\n")])
        #expect(outcome.errors.isEmpty)
        let stored = try registry.writer.read { try String.fetchOne($0, sql: "SELECT title FROM training WHERE start_date = '2025-01-01'") }
        #expect(stored == evil)
        var csv = ""
        try registry.export(ImportKind.named("training")!, format: .csv) { csv += $0 }
        #expect(csv.contains("\"'=HYPERLINK("))
        #expect(csv.contains(",'+86机构,"))
        #expect(!csv.contains(",=HYPERLINK"))
        let again = try registry.importFiles([ImportSource(kind: ImportKind.named("training")!, fileName: "training.csv", bytes: Array(csv.utf8))])
        #expect(again.summaries.first?.updated == 0 && again.summaries.first?.added == 0)
    }
}
