import Foundation
import GRDB
import Testing
import TeacherGrowth
@testable import RegistryStore

/// The change log is written in batches (one statement per few thousand entries) with each
/// entry's key and staff number taken from the fact row: these tests check every entry against
/// the facts themselves, across batch boundaries, for adds and updates.
@Suite("Change log of imports")
struct ChangeLogTests {
    /// The natural key of a row as the log writes it: `ref` when the kind has one and the row
    /// does, otherwise the key columns joined with `|`.
    private static func expectedKey(_ kind: ImportKind, _ row: Row) -> String {
        if kind.keyedByRefWhenPresent, let ref = row["ref"] as String? { return ref }
        return kind.naturalKey.map { column -> String in
            let value: DatabaseValue = row[column]
            return String.fromDatabaseValue(value) ?? Int.fromDatabaseValue(value).map(String.init) ?? "?"
        }.joined(separator: "|")
    }

    @Test func everyAddedFactHasOneEntryWithItsKeyStaffFileAndLine() throws {
        let registry = try Fixture.loadedRegistry()
        try registry.writer.read { db in
            for kind in ImportKind.all {
                let facts = try Row.fetchAll(db, sql: "SELECT * FROM \(kind.table) ORDER BY id")
                let entries = try Row.fetchAll(db, sql: """
                    SELECT entity_id, entity_key, staff_no, file, line FROM change_log
                    WHERE entity = ? AND action = 'add' ORDER BY entity_id
                    """, arguments: [kind.table])
                #expect(entries.count == facts.count, "\(kind.table)")
                for (fact, entry) in zip(facts, entries) {
                    #expect(entry["entity_id"] as Int64 == fact["id"] as Int64)
                    #expect(entry["entity_key"] as String == Self.expectedKey(kind, fact), "\(kind.table)")
                    let staffNo: String? = kind.dbColumns.contains("staff_no") ? fact["staff_no"] : nil
                    #expect(entry["staff_no"] as String? == staffNo, "\(kind.table)")
                    #expect((entry["file"] as String).hasSuffix(".csv"))
                    #expect(entry["line"] as Int >= 2)
                }
            }
            // Lines point at the record: the teacher T0002 is on line 3 of teachers.csv.
            #expect(try Int.fetchOne(db, sql: """
                SELECT line FROM change_log WHERE entity = 'teachers' AND entity_key = 'T0002'
                """) == 3)
        }
    }

    @Test func entriesSpanSeveralBatchesAndUpdatesNameTheExistingRow() throws {
        let registry = try Fixture.loadedRegistry()
        // More rows than one change-log statement takes (4,096), so entries cross a batch boundary.
        let count = 9_000
        var csv = "staff_no,title,level,kind,start_date,end_date,hours,status,ref\n"
        for i in 1...count {
            csv += "T0001,校本研修 \(i),school,general,2022-03-01,2022-03-02,\(i % 40 + 1),approved,BULK-\(i)\n"
        }
        let first = try registry.importFiles([Fixture.source("training", csv, file: "bulk.csv")])
        #expect(first.errors.isEmpty, "\(first.errors)")
        #expect(first.summaries.first?.added == count)
        try registry.writer.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT l.entity_id, l.entity_key, l.line, l.staff_no, t.id, t.ref FROM change_log l
                JOIN training t ON t.id = l.entity_id
                WHERE l.file = 'bulk.csv' ORDER BY l.line
                """)
            #expect(rows.count == count)
            #expect(rows.map { $0["line"] as Int } == Array(2...(count + 1)))
            #expect(rows.allSatisfy { ($0["entity_key"] as String) == ($0["ref"] as String) })
            #expect(rows.allSatisfy { ($0["staff_no"] as String) == "T0001" })
            // Line n holds BULK-(n − 1).
            #expect(rows.allSatisfy { ($0["ref"] as String) == "BULK-\(($0["line"] as Int) - 1)" })
        }

        // Change one row (line 5001 holds BULK-5000): one update, logged against that row's id.
        let changed = csv.replacingOccurrences(of: "2022-03-02,\(5000 % 40 + 1),approved,BULK-5000\n",
                                               with: "2022-03-02,99.5,approved,BULK-5000\n")
        #expect(changed != csv)
        let second = try registry.importFiles([Fixture.source("training", changed, file: "bulk-fixed.csv")])
        #expect(second.summaries.first?.updated == 1)
        #expect(second.summaries.first?.unchanged == count - 1)
        try registry.writer.read { db in
            let id = try Int64.fetchOne(db, sql: "SELECT id FROM training WHERE ref = 'BULK-5000'")
            let updates = try Row.fetchAll(db, sql: "SELECT action, entity_id, entity_key, line FROM change_log WHERE file = 'bulk-fixed.csv'")
            #expect(updates.count == 1)
            #expect(updates.first?["action"] as String? == "update")
            #expect(updates.first?["entity_id"] as Int64? == id)
            #expect(updates.first?["entity_key"] as String? == "BULK-5000")
            #expect(updates.first?["line"] as Int? == 5001)
            #expect(try Int.fetchOne(db, sql: "SELECT hours_tenths FROM training WHERE id = ?", arguments: [id]) == 995)
        }
    }

    @Test func aRowRepeatedInOneFileIsAddedThenUpdated() throws {
        let registry = try Fixture.loadedRegistry()
        let csv = """
            staff_no,title,level,start_date,end_date,hours,ref
            T0001,研修,school,2022-03-01,2022-03-02,8,DUP-1
            T0001,研修,school,2022-03-01,2022-03-02,9,DUP-1
            T0001,研修,school,2022-03-01,2022-03-02,9,DUP-1

            """
        let outcome = try registry.importFiles([Fixture.source("training", csv)])
        #expect(outcome.summaries.first.map { [$0.added, $0.updated, $0.unchanged] } == [1, 1, 1])
        try registry.writer.read { db in
            let log = try Row.fetchAll(db, sql: "SELECT action, line FROM change_log WHERE entity_key = 'DUP-1' ORDER BY line")
            #expect(log.map { $0["action"] as String } == ["add", "update"])
            #expect(log.map { $0["line"] as Int } == [2, 3])
        }
    }
}

@Suite("Migrations")
struct MigrationTests {
    @Test func v4RebuildsTheChangeLogKeepingItsRowsAndItsGuards() throws {
        let queue = try DatabaseQueue()
        try Migrations.migrator.migrate(queue, upTo: "v3-tokens")
        try queue.write { db in
            try db.execute(sql: "INSERT INTO change_batches (id, at, actor, command) VALUES (1, '2025-01-01T00:00:00+08:00', 'cli:test', 'import')")
            try db.execute(sql: """
                INSERT INTO change_log (batch_id, action, entity, entity_id, entity_key, staff_no, file, line)
                VALUES (1, 'add', 'training', 7, 'R-7', 'T0001', 'training.csv', 2), (1, 'void', 'training', 7, 'R-7', 'T0001', NULL, NULL)
                """)
        }
        try Migrations.migrator.migrate(queue)
        try queue.write { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, action, entity_key, staff_no, file, line FROM change_log ORDER BY id")
            #expect(rows.map { $0["action"] as String } == ["add", "void"])
            #expect(rows.first?["line"] as Int? == 2)
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master WHERE name = 'change_log_staff'") == 1)
            // Still append-only, and still only the three actions.
            #expect(throws: DatabaseError.self) { try db.execute(sql: "UPDATE change_log SET line = 3") }
            #expect(throws: DatabaseError.self) { try db.execute(sql: "DELETE FROM change_log") }
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "INSERT INTO change_log (batch_id, action, entity, entity_id, entity_key) VALUES (1, 'erase', 'training', 7, 'R-7')")
            }
            let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'change_log'") ?? ""
            #expect(!sql.contains(" IN ("))
        }
    }

    @Test func anUpdateKeepsEachChangedFieldsOldAndNewValue() throws {
        let registry = try Fixture.loadedRegistry()
        let header = "staff_no,title,level,kind,start_date,end_date,hours,ref,status\n"
        _ = try registry.importFiles([Fixture.source("training", header + "T0001,校本研修,school,general,2024-03-01,2024-03-02,8,HIST-1,approved\n")])
        let o = try registry.importFiles([Fixture.source("training", header + "T0001,校本研修（更正）,school,general,2024-03-01,2024-03-02,12.5,HIST-1,approved\n")])
        #expect(o.summaries.first?.updated == 1)
        let detail = try registry.writer.read { db in
            try String.fetchOne(db, sql: "SELECT detail FROM change_log WHERE action = 'update' AND entity_key = 'HIST-1'")
        }
        let text = try #require(detail)
        let parsed = try #require(UpdateDetail.parse(text, table: "training"))
        #expect(parsed.fields.map(\.name) == ["title", "hours"])
        #expect(parsed.fields.first { $0.name == "hours" }.map { [$0.old, $0.new] } == ["8", "12.5"])
        #expect(parsed.fields.first { $0.name == "title" }.map { [$0.old, $0.new] } == ["校本研修", "校本研修（更正）"])
        // An unchanged re-import writes no entry; a field emptied is recorded as null.
        let again = try registry.importFiles([Fixture.source("training", header + "T0001,校本研修（更正）,school,general,2024-03-01,2024-03-02,12.5,HIST-1,approved\n")])
        #expect(again.summaries.first?.unchanged == 1)
        #expect(try registry.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM change_log WHERE action = 'update' AND entity_key = 'HIST-1'") } == 1)
    }

    @Test func anIdentityNumberChangeIsRecordedWithoutTheDigits() throws {
        let registry = try Fixture.loadedRegistry()
        let header = "staff_no,name,gender,birth_date,national_id,hired_on,establishment,school_code,school_since,post,stage,subject,education,title\n"
        let o = try registry.importFiles([Fixture.source("teachers", header + "T0001,张三,男,1985-03-12,110101198503129871,2008-09-01,在编,S001,2015-09-01,专任教师,高中,数学,本科,一级教师\n")])
        #expect(o.errors.isEmpty)
        let detail = try registry.writer.read { db in
            try String.fetchAll(db, sql: "SELECT detail FROM change_log WHERE action = 'update' AND entity = 'teachers'").joined()
        }
        #expect(detail.contains("national_id"))
        #expect(!detail.contains("110101198503129871") && !detail.contains("500242198503121234"))
    }
}
