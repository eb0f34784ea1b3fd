import Foundation
import Testing

/// Several counties in one registry (issue 15): each county's figures equal that county alone, the
/// municipal roll-up equals the counties' sums.
@Suite("Several counties")
struct CountyTests {
    /// Splits a CSV line (the demo's files: quotes only around fields with commas or quotes).
    static func fields(_ line: Substring) -> [String] {
        var out: [String] = [], cur = "", quoted = false
        var it = line.makeIterator()
        while let c = it.next() {
            if quoted {
                if c == "\"" { quoted = false } else { cur.append(c) }
            } else if c == "\"" { quoted = true } else if c == "," { out.append(cur); cur = "" } else { cur.append(c) }
        }
        out.append(cur)
        return out
    }

    /// Writes one county's rows of a several-county folder: schools by their county column, people
    /// by their schools, everything else by its staff number, certificate or studio.
    static func split(_ all: URL, county: String, into dir: URL) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        func read(_ kind: String) throws -> (String, [Substring]) {
            let text = try String(contentsOf: all.appendingPathComponent("\(kind).csv"), encoding: .utf8)
            var lines = text.split(separator: "\n")
            return (String(lines.removeFirst()), lines)
        }
        func write(_ kind: String, _ header: String, _ rows: [Substring]) throws {
            guard !rows.isEmpty else { return }
            try ([header] + rows.map(String.init)).joined(separator: "\n").appending("\n").write(to: dir.appendingPathComponent("\(kind).csv"), atomically: true, encoding: .utf8)
        }
        func column(_ header: String, _ name: String) throws -> Int { try #require(fields(Substring(header)).firstIndex(of: name)) }
        var (h, rows) = try read("schools")
        let countyAt = try column(h, "county")
        let schoolRows = rows.filter { fields($0)[countyAt] == county }
        let schools = Set(schoolRows.map { fields($0)[0] })
        try write("schools", h, schoolRows)
        (h, rows) = try read("teachers")
        let schoolAt = try column(h, "school_code")
        let teacherRows = rows.filter { schools.contains(fields($0)[schoolAt]) }
        let staff = Set(teacherRows.map { fields($0)[0] })
        try write("teachers", h, teacherRows)
        for kind in ["assignments", "degrees", "titles", "training", "certificates", "designations", "rotations", "appraisals"] {
            guard FileManager.default.fileExists(atPath: all.appendingPathComponent("\(kind).csv").path) else { continue }
            (h, rows) = try read(kind)
            let at = try column(h, "staff_no")
            try write(kind, h, rows.filter { staff.contains(fields($0)[at]) })
        }
        (h, rows) = try read("certificates")
        let numberAt = try column(h, "number"), certStaff = try column(h, "staff_no")
        let numbers = Set(rows.filter { staff.contains(fields($0)[certStaff]) }.map { fields($0)[numberAt] })
        (h, rows) = try read("registrations")
        try write("registrations", h, rows.filter { numbers.contains(fields($0)[0]) })
        (h, rows) = try read("studios")
        let host = try column(h, "host_staff_no")
        let studioRows = rows.filter { staff.contains(fields($0)[host]) }
        let studios = Set(studioRows.map { fields($0)[0] })
        try write("studios", h, studioRows)
        for kind in ["studio_members", "studio_budgets"] {
            (h, rows) = try read(kind)
            try write(kind, h, rows.filter { studios.contains(fields($0)[0]) })
        }
    }

    static func json(_ text: String) throws -> [String: Any] {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        object.removeValue(forKey: "scope")
        return object
    }

    /// The report without its scope, keys sorted: what must equal the county alone.
    static func canonical(_ text: String) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: try json(text), options: [.sortedKeys]), as: UTF8.self)
    }

    static func metrics(_ report: [String: Any]) throws -> [String: (Int, Int?)] {
        let list = try #require(report["metrics"] as? [[String: Any]])
        var out: [String: (Int, Int?)] = [:]
        for m in list {
            let key = try #require(m["key"] as? String)
            // A count's figure is its value; a ratio's, its numerator and denominator.
            out[key] = (try #require((m["numerator"] as? Int) ?? (m["value"] as? Int)), m["denominator"] as? Int)
        }
        return out
    }

    @Test func eachCountyEqualsTheCountyAloneAndTheRollUpTheSums() throws {
        let dir = try temporaryDirectory()
        let all = dir.appendingPathComponent("all")
        let made = try Binary.run(["demo", "--counties", "2", "--scale", "0.04", "--seed", "11", "--csv-dir", all.path])
        #expect(made.status == 0, "\(made.stderr)")
        let whole = dir.appendingPathComponent("whole.sqlite").path
        let imported = try Binary.run(["import-dir", all.path, "--db", whole])
        #expect(imported.status == 0, "\(imported.stderr)")
        let counties = try Set(String(contentsOf: all.appendingPathComponent("schools.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
            .map { Self.fields($0).last! })
        #expect(counties == ["酉阳县", "秀山县"])

        var sums: [String: (Int, Int?)] = [:]
        for county in counties.sorted() {
            let alone = dir.appendingPathComponent(county).path
            try Self.split(all, county: county, into: URL(fileURLWithPath: alone + "-csv"))
            let db = alone + ".sqlite"
            let r = try Binary.run(["import-dir", alone + "-csv", "--db", db])
            #expect(r.status == 0, "\(county) alone: \(r.stderr)")
            for year in [2022, 2025] {
                let scoped = try Binary.run(["report", "--year", "\(year)", "--county", county, "--format", "json", "--db", whole])
                let single = try Binary.run(["report", "--year", "\(year)", "--format", "json", "--db", db])
                #expect(scoped.status == 0 && single.status == 0, "\(scoped.stderr) \(single.stderr)")
                #expect(try Self.canonical(scoped.stdout) == Self.canonical(single.stdout),
                        "\(county) \(year): the county's report differs from the county alone")
                #expect(scoped.stdout.contains("\"scope\""))
                if year == 2025 {
                    for (k, v) in try Self.metrics(try Self.json(scoped.stdout)) {
                        let s = sums[k] ?? (0, v.1 == nil ? nil : 0)
                        sums[k] = (s.0 + v.0, v.1.map { ($0) + (s.1 ?? 0) })
                    }
                }
            }
            for args in [["compliance", "--as-of", "2025-12-31"], ["rotation", "--year", "2025"]] {
                let scoped = try Binary.run(args + ["--county", county, "--format", "json", "--db", whole])
                let single = try Binary.run(args + ["--format", "json", "--db", db])
                #expect(scoped.status == 0 && single.status == 0, "\(scoped.stderr) \(single.stderr)")
                #expect(scoped.stdout == single.stdout, "\(args[0]) of \(county) differs from the county alone")
            }
        }
        let rollup = try Binary.run(["report", "--year", "2025", "--municipal", "--format", "json", "--db", whole])
        #expect(rollup.status == 0, "\(rollup.stderr)")
        let summed = try Self.metrics(try Self.json(rollup.stdout))
        #expect(summed.count == sums.count && summed.count > 20)
        for (k, v) in summed {
            #expect(sums[k]?.0 == v.0 && sums[k]?.1 == v.1, "\(k): roll-up \(v) vs sum \(String(describing: sums[k]))")
        }
        #expect(rollup.stdout.contains("\"municipal\""))

        let unknown = try Binary.run(["report", "--year", "2025", "--county", "无此县", "--db", whole])
        #expect(unknown.status == 1 && unknown.stderr.contains("秀山县"))
        let both = try Binary.run(["report", "--year", "2025", "--county", "秀山县", "--municipal", "--db", whole])
        #expect(both.status == 2)
    }

    /// A municipal plan (`"scope": "municipal"`) imported into the registry gives the roll-up its
    /// targets; the counties' reports keep their own plan; the two run side by side over 2021–2025.
    @Test func anImportedMunicipalPlanGivesTheRollUpItsTargets() throws {
        let dir = try temporaryDirectory()
        let all = dir.appendingPathComponent("all")
        #expect(try Binary.run(["demo", "--counties", "2", "--scale", "0.02", "--seed", "4", "--csv-dir", all.path]).status == 0)
        let db = dir.appendingPathComponent("r.sqlite").path
        #expect(try Binary.run(["import-dir", all.path, "--db", db]).status == 0)
        func backbone(_ args: [String]) throws -> [String: Any]? {
            let r = try Binary.run(args + ["--format", "json", "--db", db])
            #expect(r.status == 0, "\(r.stderr)")
            return try (Self.json(r.stdout)["metrics"] as? [[String: Any]])?.first { $0["key"] as? String == "backbone_new" }
        }
        let before = try backbone(["report", "--year", "2025", "--municipal"])
        #expect(before?["target"] is NSNull, "no municipal plan yet: figures only")
        let countyBefore = try Binary.run(["report", "--year", "2025", "--county", "秀山县", "--format", "json", "--db", db]).stdout

        // The bundled plan as a municipal one: its own id, a municipal target of 400 new backbone teachers.
        var json = try Binary.run(["plan", "export", "youyang-2021-2025", "--db", db]).stdout
        json = json.replacingOccurrences(of: "\"id\": \"youyang-2021-2025\",", with: "\"id\": \"chongqing-2021-2025\",\n  \"scope\": \"municipal\",")
        let plan = try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        var targets = try #require(plan["targets"] as? [[String: Any]])
        let i = try #require(targets.firstIndex { $0["metric"] as? String == "backbone_new" })
        targets[i]["values"] = Dictionary(uniqueKeysWithValues: (2021...2025).map { ("\($0)", 400) })
        var edited = plan
        edited["targets"] = targets
        let file = dir.appendingPathComponent("municipal.json")
        try JSONSerialization.data(withJSONObject: edited, options: [.prettyPrinted]).write(to: file)
        let imported = try Binary.run(["plan", "import", file.path, "--db", db])
        #expect(imported.status == 0, "a municipal plan over the county plan's years is accepted: \(imported.stderr)")
        #expect(try Binary.run(["plan", "list", "--db", db]).stdout.contains("（市级）"))

        let after = try backbone(["report", "--year", "2025", "--municipal"])
        #expect((after?["target"] as? [String: Any])?["value"] as? Double == 400)
        #expect(after?["value"] as? Int == before?["value"] as? Int, "the same figures")
        #expect(try Binary.run(["report", "--year", "2025", "--county", "秀山县", "--format", "json", "--db", db]).stdout == countyBefore,
                "a county's report keeps its county plan")
        // Named with --plan, by its id.
        let named = try backbone(["report", "--year", "2025", "--municipal", "--plan", "chongqing-2021-2025"])
        #expect((named?["target"] as? [String: Any])?["value"] as? Double == 400)
    }
}
