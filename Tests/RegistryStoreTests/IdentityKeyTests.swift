import Foundation
import GRDB
import Testing
import TeacherGrowth
@testable import RegistryStore

/// National identity numbers at rest (issue 14): sealed with a key outside the database, files 0600.
@Suite("Identity numbers and files at rest")
struct IdentityKeyTests {
    static let number = "500242198503121234"

    func folder() throws -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("tr-key-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }

    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    /// Every 17-digit-and-check run in every text column of every table.
    func clearNumbers(in path: String) throws -> [String] {
        let q = try DatabaseQueue(path: path)
        defer { try? q.close() }
        return try q.read { db in
            var found: [String] = []
            for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") {
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"") {
                    for v in row.databaseValues {
                        guard case .string(let s) = v.storage else { continue }
                        if s.range(of: #"[0-9]{17}[0-9Xx]"#, options: .regularExpression) != nil { found.append("\(table): \(s)") }
                    }
                }
            }
            return found
        }
    }

    @Test func sealingIsDeterministicPerKeyAndOpensBack() throws {
        let a = IdentityKeyring.ephemeral(), b = IdentityKeyring.ephemeral()
        let sealed = try a.seal(Self.number)
        #expect(sealed.hasPrefix("v1:\(a.current.id):"))
        #expect(!sealed.contains("500242"))
        #expect(try a.seal(Self.number) == sealed, "the same number seals the same way (re-imports change nothing)")
        #expect(try a.seal("110101198503129871") != sealed)
        #expect(try b.seal(Self.number) != sealed)
        #expect(try a.open(sealed) == Self.number)
        #expect(throws: IdentityKeyError.self) { try b.open(sealed) }
        // One bit of the ciphertext changed: the tag no longer matches.
        let parts = sealed.split(separator: ":", maxSplits: 2)
        var bytes = [UInt8](try #require(Data(base64Encoded: String(parts[2]))))
        bytes[14] ^= 0x01
        let tampered = "v1:\(parts[1]):" + Data(bytes).base64EncodedString()
        #expect(throws: IdentityKeyError.self) { try a.open(tampered) }
    }

    @Test func aFileRegistryStoresNoNumberInClearAndItsFilesAreOwnerOnly() throws {
        let dir = try folder()
        let path = dir.appendingPathComponent("r.sqlite").path
        let registry = try Registry(path: path)
        let o = try registry.importFiles(try Fixture.countySources())
        #expect(o.errors.isEmpty)
        #expect(try mode(path) == 0o600)
        #expect(try mode(path + ".key") == 0o600)
        if FileManager.default.fileExists(atPath: path + "-wal") { #expect(try mode(path + "-wal") == 0o600) }
        #expect(try clearNumbers(in: path).isEmpty)
        #expect(try registry.teacherRecord(staffNo: "T0001")?.person.nationalID == Self.number)
        var export = ""
        try registry.export(ImportKind.named("teachers")!, format: .csv, language: .en) { export += $0 }
        #expect(export.contains(Self.number), "export run locally gives the number")
        // Re-importing the export changes nothing: sealing is deterministic.
        let again = try registry.importFiles([Fixture.source("teachers", String(export.dropFirst()))])
        #expect(again.summaries.first?.updated == 0)
        // A backup is owner-only too.
        let backup = dir.appendingPathComponent("b.sqlite").path
        try registry.backup(to: backup)
        #expect(try mode(backup) == 0o600)
        #expect(try clearNumbers(in: backup).isEmpty)
    }

    @Test func aMissingKeyFileIsReportedNotReplaced() throws {
        let dir = try folder()
        let path = dir.appendingPathComponent("r.sqlite").path
        do {
            let registry = try Registry(path: path)
            _ = try registry.importFiles(try Fixture.countySources())
        }
        try FileManager.default.moveItem(atPath: path + ".key", toPath: path + ".key.moved")
        let registry = try Registry(path: path)
        #expect(throws: IdentityKeyError.self) { _ = try registry.teacherRecord(staffNo: "T0001") }
        #expect(!FileManager.default.fileExists(atPath: path + ".key"), "no new key is made while sealed numbers exist")
        let other = try Registry(path: path, keyFile: path + ".key.moved")
        #expect(try other.teacherRecord(staffNo: "T0001")?.person.nationalID == Self.number)
    }

    @Test func rotatingTheKeyReSealsEveryNumber() throws {
        let dir = try folder()
        let path = dir.appendingPathComponent("r.sqlite").path
        let registry = try Registry(path: path)
        _ = try registry.importFiles(try Fixture.countySources())
        let before = try registry.writer.read { db in try String.fetchAll(db, sql: "SELECT national_id FROM teachers WHERE national_id IS NOT NULL ORDER BY id") }
        var exportBefore = ""
        try registry.export(ImportKind.named("teachers")!, format: .csv, language: .en) { exportBefore += $0 }
        let r = try registry.rotateIdentityKey(actor: "test")
        #expect(r.old != r.new)
        #expect(r.count == before.count)
        let after = try registry.writer.read { db in try String.fetchAll(db, sql: "SELECT national_id FROM teachers WHERE national_id IS NOT NULL ORDER BY id") }
        #expect(after.allSatisfy { $0.hasPrefix("v1:\(r.new):") })
        let keyFile = try String(contentsOfFile: path + ".key", encoding: .utf8)
        #expect(keyFile.contains(r.new) && !keyFile.contains(r.old), "the old key is dropped")
        #expect(try mode(path + ".key") == 0o600)
        // Another process reading the database sees the same numbers with the new key file.
        let reopened = try Registry(path: path)
        var exportAfter = ""
        try reopened.export(ImportKind.named("teachers")!, format: .csv, language: .en) { exportAfter += $0 }
        #expect(exportAfter == exportBefore)
    }

    @Test func aDatabaseFromBeforeSealingIsSealedWhenOpened() throws {
        let dir = try folder()
        let path = dir.appendingPathComponent("old.sqlite").path
        do {
            let q = try DatabaseQueue(path: path)
            try Migrations.migrator.migrate(q, upTo: "v7-audit")
            try q.write { db in
                try db.execute(sql: """
                    INSERT INTO teachers (staff_no, name, gender, birth_date, national_id, hired_on, establishment, school_since, education)
                    VALUES ('T1', '张三', 'male', '1985-03-12', ?, '2008-09-01', 'in', '2008-09-01', 'bachelor')
                    """, arguments: [Self.number])
            }
            try q.close()
        }
        #expect(try clearNumbers(in: path) == ["teachers: \(Self.number)"])
        let registry = try Registry(path: path)
        #expect(try clearNumbers(in: path).isEmpty)
        #expect(try registry.teacherRecord(staffNo: "T1")?.person.nationalID == Self.number)
        #expect(FileManager.default.fileExists(atPath: path + ".key"))
    }
}
