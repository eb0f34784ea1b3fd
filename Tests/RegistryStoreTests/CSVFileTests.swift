import Foundation
import Testing
import Spreadsheets
@testable import RegistryStore

/// A CSV file named on the command line is read in blocks (issue 15: an import's memory must not
/// grow with its files). Whatever the file, what is read must be exactly what reading it whole gives.
@Suite("CSV files read in blocks")
final class CSVFileTests {
    let dir: URL

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("csvf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: dir) }

    func write(_ bytes: [UInt8], _ name: String = "t.csv") throws -> CSVFile {
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return try #require(CSVFile(path: url.path))
    }

    func whole(_ bytes: [UInt8]) -> (records: [String], failure: ReadFailure?) {
        var it = CSVReader(bytes: bytes).makeIterator()
        var out: [String] = []
        while let r = it.next() { out.append("\(r.line):\(r.fields)") }
        return (out, it.failure)
    }

    func inBlocks(_ file: CSVFile, blockSize: Int) throws -> (records: [String], failure: ReadFailure?) {
        var out: [String] = []
        let failure = try CSVFileStream.forEachRecord(file, from: 0, blockSize: blockSize) { r in out.append("\(r.line):\(r.fields)"); return true }
        return (out, failure)
    }

    static let texts: [String] = [
        "a,b,c\n1,2,3\n4,5,6\n",
        "a,b\r\n\"x, y\",2\r\n\"多行\n的\n单元格\",3\r\n\r\n,\n最后一行没有换行,9",
        "a,b\n\"引号\"\"里\"\"的引号\",1\n\"\",\n,,\n\n\n末,尾\n",
        "a,b\rold mac,lines\rstill,one\n2,3\n",
        "a,b\n1,\"未结束的引号\n2,3\n4,5\n",
        "a,b\n1,2\n3,x\"y\n5,6\n",
        "a,b\n1,\"ok\"junk\n3,4\n",
        "",
        "\n\n\n",
        "a,\"b\n",
    ]

    @Test(arguments: texts)
    func recordsAndMistakesAreThoseOfTheWholeFile(_ text: String) throws {
        let bytes = Array(text.utf8)
        let file = try write(bytes)
        let expected = whole(bytes)
        for blockSize in [1, 2, 3, 5, 7, 16, 4 << 20] {
            let got = try inBlocks(file, blockSize: blockSize)
            #expect(got.records == expected.records, "block \(blockSize)")
            #expect(got.failure?.line == expected.failure?.line, "block \(blockSize)")
            #expect(got.failure?.message == expected.failure?.message, "block \(blockSize)")
        }
    }

    /// Through the table reader (encoding, header search, notes): a file on disk and the same bytes
    /// in memory give the same rows — for every fixture, GB18030 and UTF-16 and broken ones included.
    @Test func everyFixtureReadsAsItsBytes() throws {
        let fixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
        var checked = 0
        for folder in ["county", "bad-input"] {
            let folderURL = fixtures.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: folderURL.path).sorted() where name.hasSuffix(".csv") {
                let path = folderURL.appendingPathComponent(name).path
                let base = (name as NSString).deletingPathExtension.components(separatedBy: "--")[0]
                guard let kind = ImportKind.named(base) else { continue }
                let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
                for encoding in [nil, InputEncoding.utf8, .gb18030] {
                    let inMemory = Result { try rows(ImportSource(kind: kind, fileName: name, bytes: bytes), encoding) }
                    let onDisk = Result { try rows(try Registry.source(kind: kind, path: path), encoding) }
                    switch (inMemory, onDisk) {
                    case (.success(let a), .success(let b)): #expect(a == b, "\(name) \(String(describing: encoding))")
                    case (.failure(let a as ReadFailure), .failure(let b as ReadFailure)):
                        #expect(a.line == b.line && a.message == b.message, "\(name) \(String(describing: encoding))")
                    default: Issue.record("\(name) \(String(describing: encoding)): \(inMemory) vs \(onDisk)")
                    }
                    checked += 1
                }
            }
        }
        #expect(checked > 60)
    }

    func rows(_ source: ImportSource, _ encoding: InputEncoding?) throws -> [String] {
        let reader = try TableReader(source, encoding: encoding)
        guard case .found(let header, let skipped) = try reader.locateHeader(source.kind) else { return ["no header"] }
        var out = skipped.map { "skipped \($0.line)" } + ["header \(header.line):\(header.fields)"]
        var issues: [ImportIssue] = []
        let failure = try reader.forEachDataRow(after: header, issues: &issues) { out.append("\($0.line):\($0.fields)") }
        out += issues.map { "issue \($0.line) \($0.message.zh)" }
        if let failure { out.append("failure \(failure.line) \(failure.message.zh)") }
        return out
    }

    @Test func aUTF8FileWithAByteOrderMarkIsReadInBlocks() throws {
        let file = try write([0xEF, 0xBB, 0xBF] + Array("staff_no,year,result\nT0001,2024,优秀\n".utf8))
        #expect(try CSVFileStream.plainUTF8Start(file, encoding: nil) == 3)
        // GB18030 text is decoded whole.
        let gb = try write([0xB9, 0xA4, 0xBA, 0xC5, 0x0A], "gb.csv")  // 工号
        #expect(try CSVFileStream.plainUTF8Start(gb, encoding: nil) == nil)
        #expect(try CSVFileStream.plainUTF8Start(try write(Array("a,b\n1,2\n".utf8), "ascii.csv"), encoding: nil) == 0)
    }

    @Test func aFileChangedDuringTheImportIsRefusedAndNothingIsWritten() throws {
        let registry = try Fixture.loadedRegistry()
        let before = try registry.dump()
        let url = dir.appendingPathComponent("training.csv")
        try Data("staff_no,title,level,start_date,end_date,hours\nT0001,县级培训,县级,2024-03-01,2024-03-02,2\n".utf8).write(to: url)
        let source = try Registry.source(kind: .training, path: url.path)
        // Someone saves the file again between naming it and reading it.
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("T0002,县级培训,县级,2024-03-01,2024-03-02,2\n".utf8))
        try handle.close()
        let outcome = try registry.importFiles([source])
        #expect(!outcome.committed)
        #expect(outcome.errors.map(\.message.zh) == [CSVFile.changed.message.zh])
        #expect(try registry.dump() == before)
    }
}
