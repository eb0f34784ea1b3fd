import Foundation
import Testing
import DemoCounty
import RegistryStore
import TeacherGrowth

struct CountingSink: DemoSink {
    var rows: [DemoKind: Int] = [:]
    var text = ""
    var keepText = false
    mutating func row(_ kind: DemoKind, _ cells: [String]) {
        rows[kind, default: 0] += 1
        if keepText { text += kind.rawValue + ":" + cells.joined(separator: ",") + "\n" }
    }
}

struct BytesSink: DemoSink {
    var buffers: [DemoKind: String] = [:]
    mutating func row(_ kind: DemoKind, _ cells: [String]) {
        if buffers[kind] == nil { buffers[kind] = kind.header.joined(separator: ",") + "\n" }
        buffers[kind]! += cells.map { $0.contains(",") ? "\"\($0)\"" : $0 }.joined(separator: ",") + "\n"
    }
}

@Suite("Demo county")
struct DemoTests {
    @Test func youyangSizeAtScaleOne() {
        var sink = CountingSink()
        DemoCountyGenerator(scale: 1, seed: 2025).generate(into: &sink)
        #expect(sink.rows[.schools] == 282)
        #expect(sink.rows[.teachers] == 10_378)
        #expect((sink.rows[.training] ?? 0) > 150_000)
    }

    @Test func theSameSeedMakesTheSameCountyAndAnotherSeedAnother() {
        var a = CountingSink(keepText: true), b = CountingSink(keepText: true), c = CountingSink(keepText: true)
        DemoCountyGenerator(scale: 0.05, seed: 7).generate(into: &a)
        DemoCountyGenerator(scale: 0.05, seed: 7).generate(into: &b)
        DemoCountyGenerator(scale: 0.05, seed: 8).generate(into: &c)
        #expect(a.text == b.text)
        #expect(a.text != c.text)
    }

    @Test func itImportsWithoutErrorsOrWarningsAndNamesThePlanSchools() throws {
        var sink = BytesSink()
        DemoCountyGenerator(scale: 0.1, seed: 2025).generate(into: &sink)
        let registry = try Registry()
        let sources = DemoKind.allCases.compactMap { k in
            sink.buffers[k].map { ImportSource(kind: ImportKind.named(k.rawValue)!, fileName: "\(k.rawValue).csv", bytes: Array($0.utf8)) }
        }
        let outcome = try registry.importFiles(sources)
        #expect(outcome.errors.isEmpty, "\(outcome.errors.prefix(5))")
        #expect(outcome.warnings.isEmpty, "\(outcome.warnings.prefix(5))")
        #expect(try registry.rowCounts()["schools"] == 28)
        #expect(sink.buffers[.schools]!.contains("酉阳一中"))
        #expect(sink.buffers[.schools]!.contains("酉阳职教中心"))
        let report = try registry.growthReport(plan: .youyang, year: 2025)
        #expect(report.current[.certificate_rate].tally.denominator > 500)
    }

    @Test func theCompiledParametersMatchTheSeedFile() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Seeds/demo-county.json")
        #expect(try String(contentsOf: url, encoding: .utf8) == DemoSeeds.demoCounty, "run Tools/embed-seeds.sh")
    }
}
