import Foundation
import Testing
@testable import RegistryStore

/// SQLite checks rows on one thread and writes those that passed on another, in one transaction
/// (issue 15): a mistake found late, after thousands of rows were written, must still leave the
/// registry exactly as it was.
@Suite("Checking and writing together")
struct ImportPipelineTests {
    /// `count` valid training rows for the fixture's people (many batches of handed-on rows).
    func trainingCSV(_ count: Int, then extra: String = "") -> String {
        var text = "staff_no,title,level,start_date,end_date,hours\n"
        for i in 0..<count {
            text += "T000\(1 + i % 4),校本研修第\(i)期,校级,2024-03-01,2024-03-02,2\n"
        }
        return text + extra
    }

    @Test func manyRowsAreWrittenAndCounted() throws {
        let registry = try Fixture.loadedRegistry()
        let before = try registry.rowCounts()["training"] ?? 0
        let outcome = try registry.importFiles([Fixture.source("training", trainingCSV(5_000))])
        #expect(outcome.errors.isEmpty, "\(outcome.errors)")
        #expect(outcome.committed)
        #expect(outcome.summaries.map(\.rows) == [5_000])
        #expect(outcome.summaries.map(\.added) == [5_000])
        #expect(try registry.rowCounts()["training"] == before + 5_000)
        // Again: every row unchanged, nothing written.
        let again = try registry.importFiles([Fixture.source("training", trainingCSV(5_000))])
        #expect(again.summaries.map(\.unchanged) == [5_000])
        #expect(again.batchID == nil)
    }

    @Test func aMistakeOnTheLastLineWritesNothing() throws {
        let registry = try Fixture.loadedRegistry()
        let before = try registry.dump()
        let outcome = try registry.importFiles([Fixture.source("training", trainingCSV(5_000, then: "T9999,县级培训,县级,2024-03-01,2024-03-02,2\n"))])
        #expect(!outcome.committed)
        #expect(outcome.errors.map { "\($0.file):\($0.line)" } == ["training.csv:5002"])
        #expect(try registry.dump() == before)
    }

    @Test func aMistakeFoundAcrossFilesAfterTheRowsWritesNothing() throws {
        // The overlap rule is checked once every file has been read: by then the training rows
        // have been handed on and written; the transaction must be rolled back.
        let registry = try Fixture.loadedRegistry()
        let before = try registry.dump()
        let outcome = try registry.importFiles([
            Fixture.source("assignments", "staff_no,school_code,from,to,post,stage\nT0001,S002,2014-09-01,2016-06-30,teacher,primary\n"),
            Fixture.source("training", trainingCSV(5_000)),
        ])
        #expect(!outcome.committed)
        #expect(outcome.errors.map { "\($0.file):\($0.line)" } == ["assignments.csv:2"])
        #expect(try registry.dump() == before)
    }

    @Test func everyMistakeIsReportedNotOnlyTheFirst() throws {
        let registry = try Fixture.loadedRegistry()
        let before = try registry.dump()
        var text = trainingCSV(3_000)
        text += "T9998,县级培训,县级,2024-03-01,2024-03-02,2\n"
        text += trainingCSV(3_000).split(separator: "\n").dropFirst().map { $0.replacingOccurrences(of: "校本研修", with: "县级研修") + "\n" }.joined()
        text += "T0001,县级培训,县级,2024-03-05,2024-03-02,2\n"
        let outcome = try registry.importFiles([Fixture.source("training", text)])
        #expect(!outcome.committed)
        #expect(outcome.errors.map(\.line) == [3_002, 6_003])
        #expect(try registry.dump() == before)
    }
}
