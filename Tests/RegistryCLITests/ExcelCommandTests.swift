import Foundation
import Spreadsheets
import Testing
import RegistryStore

/// Whether python3 with openpyxl is on this machine (`.ci/run` installs it).
enum Python {
    static let hasOpenpyxl: Bool = {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import openpyxl"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }()

    static func run(_ script: String, _ args: [String]) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script] + args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

@Suite("Excel from the command line")
struct ExcelCommandTests {
    func loaded() throws -> (URL, String) {
        let dir = try temporaryDirectory()
        let db = dir.appendingPathComponent("r.sqlite").path
        #expect(try Binary.run(["--db", db, "import-dir", countyFixture]).status == 0)
        return (dir, db)
    }

    func sheets(_ path: String) throws -> [String: [[String]]] {
        let wb = try Workbook(path: path)
        var out: [String: [[String]]] = [:]
        for s in wb.sheets {
            var rows: [[String]] = []
            try wb.forEachRow(of: s) { r in rows.append(r.fields); return true }
            out[s.name] = rows
        }
        return out
    }

    @Test func reportComplianceRotationAndExportWriteWorkbooks() throws {
        let (dir, db) = try loaded()
        let report = dir.appendingPathComponent("报告.xlsx").path
        #expect(try Binary.run(["--db", db, "report", "--year", "2025", "--format", "xlsx", "--output", report]).status == 0)
        let r = try sheets(report)
        #expect(Set(r.keys) == ["2025年指标", "趋势", "分类统计"])
        #expect(r["2025年指标"]?.first?.prefix(3) == ["指标", "实际", "分子"])
        #expect(r["2025年指标"]?.count == 24)
        let compliance = dir.appendingPathComponent("合规.xlsx").path
        #expect(try Binary.run(["--db", db, "compliance", "--as-of", "2025-12-31", "--format", "xlsx", "--output", compliance]).status == 0)
        let c = try sheets(compliance)
        #expect(c["教师合规明细"]?.first?.first == "工号")
        #expect(c["学校汇总"] != nil)
        let rotation = dir.appendingPathComponent("轮岗.xlsx").path
        #expect(try Binary.run(["--db", db, "rotation", "--year", "2025", "--format", "xlsx", "--output", rotation]).status == 0)
        #expect(Set(try sheets(rotation).keys) == ["交流轮岗指标", "各校", "流向", "候选骨干教师"])
        // Files that may carry names are the owner's only.
        for path in [report, compliance, rotation] {
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(path)")
        }
        // A workbook is not sent to a terminal; to a pipe it is.
        let piped = try Binary.run(["--db", db, "export", "schools", "--format", "xlsx"])
        #expect(piped.status == 0)
        #expect(piped.stdout.utf8.starts(with: [0x50, 0x4B]))
    }

    @Test func humanCSVIsChineseByDefaultAndEnglishOnRequest() throws {
        let (_, db) = try loaded()
        let zh = try Binary.run(["--db", db, "compliance", "--as-of", "2025-12-31", "--format", "csv"])
        #expect(zh.stdout.hasPrefix("\u{FEFF}工号,姓名,学校代码,学校,任教学段"))
        #expect(zh.stdout.contains(",是,") || zh.stdout.contains(",否,"))
        let en = try Binary.run(["--db", db, "compliance", "--as-of", "2025-12-31", "--format", "csv", "--lang", "en"])
        #expect(en.stdout.hasPrefix("\u{FEFF}staff_no,name,school_code,stage,cycle_hours"))
        let list = try Binary.run(["--db", db, "training", "list", "--format", "csv"])
        #expect(list.stdout.hasPrefix("\u{FEFF}记录编号,工号,培训项目名称"))
        let report = try Binary.run(["--db", db, "report", "--year", "2025", "--format", "csv"])
        #expect(report.stdout.contains("达标") || report.stdout.contains("未达标"))
        #expect(report.stdout.contains("%"))
    }

    @Test(.enabled(if: Python.hasOpenpyxl))
    func openpyxlOpensTheExportAndItEqualsTheCSVCellByCell() throws {
        let (dir, db) = try loaded()
        for kind in ["teachers", "training", "certificates", "studio_budgets"] {
            let xlsx = dir.appendingPathComponent("\(kind).xlsx").path
            let csv = dir.appendingPathComponent("\(kind).csv").path
            #expect(try Binary.run(["--db", db, "export", kind, "--format", "xlsx", "--output", xlsx]).status == 0)
            #expect(try Binary.run(["--db", db, "export", kind, "--output", csv]).status == 0)
            let (status, out) = try Python.run("""
                import csv, datetime, sys, openpyxl
                wb = openpyxl.load_workbook(sys.argv[1])
                ws = wb.worksheets[0]
                assert ws.freeze_panes == "A2", ws.freeze_panes
                def norm(v):
                    if v is None: return ""
                    if isinstance(v, datetime.datetime): return v.date().isoformat()
                    if isinstance(v, float) and v.is_integer(): return str(int(v))
                    return str(v)
                rows = [[norm(v) for v in r] for r in ws.iter_rows(values_only=True)]
                with open(sys.argv[2], encoding="utf-8-sig", newline="") as f:
                    want = list(csv.reader(f))
                assert len(rows) == len(want), (len(rows), len(want))
                for a, b in zip(rows, want):
                    a = a + [""] * (len(b) - len(a))
                    assert a == b, (a, b)
                print("ok", len(rows))
                """, [xlsx, csv])
            #expect(status == 0, "\(kind): \(out)")
        }
    }
}
