import Foundation
import Testing

/// Cells of a CSV text (RFC 4180 quoting), row by row.
func csvRows(_ text: String) -> [[String]] {
    var rows: [[String]] = [], row: [String] = [], cell = ""
    var quoted = false, i = text.startIndex
    let s = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
    i = s.startIndex
    while i < s.endIndex {
        let c = s[i]
        if quoted {
            if c == "\"" {
                let n = s.index(after: i)
                if n < s.endIndex && s[n] == "\"" { cell.append("\""); i = s.index(after: n); continue }
                quoted = false
            } else { cell.append(c) }
        } else if c == "\"" { quoted = true }
        else if c == "," { row.append(cell); cell = "" }
        else if c == "\n" || c == "\r\n" { row.append(cell); rows.append(row); row = []; cell = "" }
        else if c != "\r" { cell.append(c) }
        i = s.index(after: i)
    }
    if !cell.isEmpty || !row.isEmpty { row.append(cell); rows.append(row) }
    return rows
}

/// Issue 14, defect 2: names that a spreadsheet would run as formulas come out inert in every CSV.
@Suite("Formulas in every CSV")
struct FormulaOutputTests {
    static let evil = ["=HYPERLINK(\"http://x\",\"点我\")", "+1+1", "-2+3", "@SUM(1,1)"]

    @Test func everyHumanCSVNeutralisesFormulaNames() throws {
        let dir = try temporaryDirectory()
        let db = dir.appendingPathComponent("r.sqlite").path
        #expect(try Binary.run(["--db", db, "import-dir", countyFixture]).status == 0)
        var teachers = "staff_no,name,gender,birth_date,hired_on,establishment,school_code,school_since,post,stage,education\n"
        var training = "staff_no,title,level,start_date,end_date,hours,status\n"
        for (i, name) in Self.evil.enumerated() {
            let quoted = "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            teachers += "F00\(i),\(quoted),女,1990-01-0\(i + 1),2015-09-01,在编,S001,2015-09-01,专任教师,高中,本科\n"
            training += "F00\(i),\(quoted),county,2025-03-01,2025-03-02,8,approved\n"
        }
        try teachers.write(to: dir.appendingPathComponent("teachers.csv"), atomically: true, encoding: .utf8)
        try training.write(to: dir.appendingPathComponent("training.csv"), atomically: true, encoding: .utf8)
        let t = try Binary.run(["--db", db, "import", "teachers", dir.appendingPathComponent("teachers.csv").path])
        #expect(t.status == 0, "\(t.stderr)")
        let tr = try Binary.run(["--db", db, "import", "training", dir.appendingPathComponent("training.csv").path])
        #expect(tr.status == 0, "\(tr.stderr)")
        for args in [["compliance", "--school", "S001", "--format", "csv"], ["compliance", "--school", "S001", "--format", "csv", "--lang", "en"],
                     ["training", "list", "--format", "csv", "--limit", "0"], ["export", "teachers"], ["export", "training"],
                     ["rotation", "--year", "2025", "--format", "csv"], ["report", "--year", "2025", "--format", "csv"]] {
            let r = try Binary.run(["--db", db] + args)
            #expect(r.status == 0, "\(args): \(r.stderr)")
            for row in csvRows(r.stdout) {
                for cell in row {
                    #expect(!(cell.first.map { "=+-@".contains($0) } ?? false) || Double(cell) != nil,
                            "\(args.joined(separator: " ")): the cell \(cell) would run as a formula")
                }
            }
            if args[0] == "compliance" || args[0] == "training" || args[0] == "export" {
                #expect(r.stdout.contains("'+1+1") || r.stdout.contains("'=HYPERLINK"), "\(args): the names are there, made inert")
            }
        }
    }
}
