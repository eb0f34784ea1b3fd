import Foundation
import GRDB
import Testing
import TeacherGrowth
@testable import RegistryStore

/// Readers (reports, compliance, raw snapshots) run continuously while imports and `training add`
/// write to the same WAL database: no reader may fail, and every read must see one consistent state.
@Suite("Concurrency")
struct ConcurrencyTests {
    @Test func readersNeverFailOrSeeHalfAWrite() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tr-conc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let registry = try Registry(path: dir.appendingPathComponent("r.sqlite").path)
        #expect(try registry.importFiles(try Fixture.countySources()).errors.isEmpty)
        // In every committed state, each training record has exactly one change-log "add".
        let offset = try registry.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT (SELECT COUNT(*) FROM training) - (SELECT COUNT(*) FROM change_log WHERE entity = 'training' AND action = 'add')")!
        }
        let writes = 60
        let readerErrors = ManagedAtomicCounter()
        let inconsistencies = ManagedAtomicCounter()
        let reads = ManagedAtomicCounter()
        let group = DispatchGroup()
        let writerErrors = ManagedAtomicCounter()
        // Real threads: the writer and three readers run at the same time.
        DispatchQueue.global().async(group: group) {
            do {
                for i in 0..<writes {
                    if i % 2 == 0 {
                        _ = try registry.addTraining(["staff_no": "T0001", "title": "并发测试\(i)", "level": "county",
                                                      "start_date": "2025-01-01", "end_date": "2025-01-02", "hours": "2"], actor: "test")
                    } else {
                        let csv = "staff_no,title,level,start_date,end_date,hours\nT0002,并发导入\(i),school,2025-02-01,2025-02-02,3\n"
                        _ = try registry.importFiles([ImportSource(kind: ImportKind.named("training")!, fileName: "t.csv", bytes: Array(csv.utf8))])
                    }
                }
            } catch { writerErrors.increment() }
        }
        for reader in 0..<3 {
                DispatchQueue.global().async(group: group) {
                    let deadline = Date().addingTimeInterval(8)
                    var n = 0
                    while Date() < deadline && n < 400 {
                        n += 1
                        do {
                            switch reader {
                            case 0: _ = try registry.growthReport(plan: .youyang, year: 2025)
                            case 1: _ = try registry.complianceView(plan: .youyang, asOf: CivilDate(iso: "2025-12-31")!)
                            default:
                                let diff = try registry.writer.read { db in
                                    try Int.fetchOne(db, sql: "SELECT (SELECT COUNT(*) FROM training) - (SELECT COUNT(*) FROM change_log WHERE entity = 'training' AND action = 'add')")!
                                }
                                if diff != offset { inconsistencies.increment() }
                            }
                            reads.increment()
                        } catch {
                            readerErrors.increment()
                        }
                    }
                }
        }
        group.wait()
        #expect(writerErrors.value == 0)
        #expect(readerErrors.value == 0)
        #expect(inconsistencies.value == 0)
        #expect(reads.value > 30)
        #expect(try registry.rowCounts()["training"] == 5 + writes)
    }
}

final class ManagedAtomicCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func increment() { lock.lock(); n += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}
