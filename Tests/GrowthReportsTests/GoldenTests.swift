import Foundation
import Testing
import GrowthReports
import RegistryStore
import TeacherGrowth

/// Every renderer in both languages, compared with checked-in files (reviewed like code).
/// Regenerate after an intended change with: UPDATE_GOLDEN=1 swift test --filter GoldenTests
@Suite("Rendered reports match the golden files")
struct GoldenTests {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let fixture = here.deletingLastPathComponent().appendingPathComponent("RegistryStoreTests/Fixtures/county").path

    static func report(year: Int, asOf: String? = nil) throws -> GrowthReport {
        let registry = try Registry()
        let outcome = try registry.importFiles(try Registry.sources(inDirectory: fixture).sources)
        #expect(outcome.errors.isEmpty)
        return try registry.growthReport(plan: .youyang, year: year, asOf: asOf.flatMap { CivilDate(iso: $0) })
    }

    static let cases: [(String, String)] = [
        ("text", "txt"), ("markdown", "md"), ("csv", "csv"), ("json", "json"), ("html", "html"),
    ]

    static func render(_ r: GrowthReport, _ format: String, _ lang: Language) -> String {
        switch format {
        case "text": TextReport.render(r, language: lang)
        case "markdown": MarkdownReport.render(r, language: lang)
        case "csv": CSVReport.render(r, language: lang)
        case "json": JSONReport.render(r, language: lang)
        default: HTMLReport.render(r, language: lang)
        }
    }

    @Test(arguments: ["text", "markdown", "csv", "json", "html"], [Language.zh, .en])
    func matches(format: String, language: Language) throws {
        let ext = Self.cases.first { $0.0 == format }!.1
        for (year, asOf) in [(2025, nil), (2023, "2023-06-30")] as [(Int, String?)] {
            let r = try Self.report(year: year, asOf: asOf)
            let text = Self.render(r, format, language)
            let name = "report-\(year)\(asOf == nil ? "" : "-asof")-\(language.rawValue).\(ext)"
            let url = Self.here.appendingPathComponent("Golden/\(name)")
            if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
                try text.write(to: url, atomically: true, encoding: .utf8)
            }
            // Bytes, not String(contentsOf:), which would drop the CSV's BOM.
            let golden = try Data(contentsOf: url)
            #expect(Data(text.utf8) == golden, "\(name) differs; if the change is intended: UPDATE_GOLDEN=1 swift test --filter GoldenTests")
        }
    }

    @Test func textFitsOneHundredColumns() throws {
        for lang in [Language.zh, .en] {
            let text = TextReport.render(try Self.report(year: 2025), language: lang)
            for line in text.split(separator: "\n") {
                #expect(DisplayWidth.of(String(line)) <= 100, "\(line)")
            }
        }
    }

    @Test func jsonHasTheSpecShape() throws {
        let r = try Self.report(year: 2025)
        let json = try JSONSerialization.jsonObject(with: Data(JSONReport.render(r).utf8)) as! [String: Any]
        #expect(json["year"] as? Int == 2025)
        #expect(json["as_of"] as? String == "2025-12-31")
        #expect((json["cycle"] as? [String: Any])?["start"] as? String == "2021-01-01")
        let metrics = json["metrics"] as! [[String: Any]]
        #expect(metrics.count == 23)
        let cert = metrics.first { $0["key"] as? String == "certificate_rate" }!
        #expect(cert["kind"] as? String == "ratio")
        #expect(cert["numerator"] as? Int == 2 && cert["denominator"] as? Int == 4)
        #expect(cert["value"] as? Double == 0.5)
        #expect((cert["target"] as? [String: Any])?["value"] as? Double == 1.0)
        #expect(cert["status"] as? String == "not_met")
        let junior = metrics.first { $0["key"] as? String == "junior_bachelor_rate" }!
        #expect(junior["value"] is NSNull)
        #expect(junior["status"] as? String == "no_data")
        let history = json["history"] as! [[String: Any]]
        #expect(history.map { $0["year"] as? Int } == [2021, 2022, 2023, 2024])
        #expect((history[0]["metrics"] as! [Any]).count == 23)
    }
}
