import Foundation
import Synchronization
import GRDB
import Spreadsheets
import TeacherGrowth

/// What a plan import did.
public struct PlanSaveOutcome: Sendable {
    public enum Kind: String, Sendable { case added, updated, unchanged }
    public var kind: Kind
    public var plan: Plan
    public var version: Int
    /// What changed, one sentence each (targets, policy, names).
    public var changes: [LocalizedText]
}

/// One imported version of a plan.
public struct PlanVersion: Sendable {
    public var version: Int
    public var at: String
    public var actor: String
    public var source: String?
    public var detail: String?
}

extension RegistryBackend {
    /// The plans this registry reports against: the bundled ones (十四五, the 十五五 draft), each
    /// replaced by an imported plan of the same id or of an overlapping period.
    public func planCatalog() throws -> PlanCatalog {
        PlanCatalog.merging(bundled: PlanCatalog.bundled.plans, stored: try storedPlans().filter { $0.scope == .county })
    }

    /// The imported municipal plans (`"scope": "municipal"`): the targets of the municipal roll-up;
    /// nil when none is loaded (the roll-up then shows figures only).
    public func municipalPlanCatalog() throws -> PlanCatalog? {
        let plans = try storedPlans().filter { $0.scope == .municipal }
        return plans.isEmpty ? nil : PlanCatalog(plans)
    }

    public func storedPlans() throws -> [Plan] {
        try sql.read { db in
            try db.texts("SELECT json FROM plans ORDER BY first_year").map(StoredPlans.decode)
        }
    }

    /// Stores a plan (a new one, or a new version of one with the same id), as a recorded change.
    /// A plan whose period overlaps another imported plan is refused.
    public func savePlan(_ plan: Plan, actor: String, command: String = "plan import", source: String? = nil) throws -> PlanSaveOutcome {
        let json = plan.jsonText()
        return try sql.write { db in
            let others = try db.rows("SELECT id, first_year, last_year, json FROM plans WHERE id <> ?", plan.id)
            // An adopted plan may take the place of a stored draft; otherwise periods must not overlap.
            for o in others {
                let (id, first, last) = (o.string(0), Int(o.integer(1)), Int(o.integer(2)))
                let other = try? Plan(json: Data(o.string(3).utf8))
                // County and municipal plans run side by side over the same years.
                if let other, other.scope != plan.scope { continue }
                let isDraft = other?.status == .draft
                guard first <= plan.lastYear && plan.firstYear <= last && !(plan.status == .adopted && isDraft) else { continue }
                throw RegistryError.invalid(.init(
                    "规划 \(plan.id)（\(plan.firstYear)–\(plan.lastYear)）与已导入的规划 \(id)（\(first)–\(last)）期间重叠；请用同一个编号更新它，或调整规划期",
                    "Plan \(plan.id) (\(plan.firstYear)–\(plan.lastYear)) overlaps the imported plan \(id) (\(first)–\(last)); update that plan under its id, or change the period."))
            }
            let existing = try db.row("SELECT json, version FROM plans WHERE id = ?", plan.id)
            let previous = try existing.map { try Plan(json: Data($0.string(0).utf8)) }
                ?? PlanCatalog.bundled.plans.first { $0.id == plan.id || (plan.scope == .county && $0.overlaps(plan)) }
            let changes = previous.map { plan.differences(from: $0) } ?? []
            if let existing, existing.string(0) == json {
                return PlanSaveOutcome(kind: .unchanged, plan: plan, version: Int(existing.integer(1)), changes: [])
            }
            let version = Int(existing?.integer(1) ?? 0) + 1
            let batch = try db.beginBatch(actor: actor, command: command, source: source, facts: true)
            if existing == nil {
                try db.execute("INSERT INTO plans (id, first_year, last_year, json, version) VALUES (?, ?, ?, ?, ?)",
                               plan.id, plan.firstYear, plan.lastYear, json, version)
            } else {
                try db.execute("UPDATE plans SET first_year = ?, last_year = ?, json = ?, version = ? WHERE id = ?",
                               plan.firstYear, plan.lastYear, json, version, plan.id)
            }
            try db.execute("INSERT INTO plan_versions (plan_id, version, json, batch_id) VALUES (?, ?, ?, ?)", plan.id, version, json, batch)
            let detail = changes.isEmpty ? nil : changes.map(\.zh).joined(separator: "；")
            try db.logChange(batch: batch, action: existing == nil ? "add" : "update", entity: "plans", entityID: Int64(version), entityKey: plan.id,
                             staffNo: nil, detail: detail)
            return PlanSaveOutcome(kind: existing == nil ? .added : .updated, plan: plan, version: version, changes: changes)
        }
    }

    /// Every imported version of a plan, oldest first.
    public func planVersions(_ id: String) throws -> [PlanVersion] {
        try sql.read { db in
            try db.rows("""
                SELECT v.version, b.at, b.actor, b.source, l.detail FROM plan_versions v JOIN change_batches b ON b.id = v.batch_id
                LEFT JOIN change_log l ON l.batch_id = v.batch_id AND l.entity = 'plans' AND l.entity_key = v.plan_id
                WHERE v.plan_id = ? ORDER BY v.version
                """, id).map { r in
                PlanVersion(version: Int(r.integer(0)), at: r.string(1), actor: r.string(2), source: r.text(3), detail: r.text(4))
            }
        }
    }
}

/// What a plan file holds: a whole plan (JSON), or sheets (a targets sheet as CSV or .xlsx,
/// perhaps with info, policy and national-standard sheets).
public enum PlanInput: Sendable {
    case plan(Plan)
    case sheets(info: [String: String]?, policy: [String: String]?, targets: [TargetsSheet.Row], standards: [(MetricKey, Plan.Target)]?)
}

extension Registry {
    /// Reads a plan file: `.json` (a plan), `.csv` (a targets sheet) or `.xlsx` (a targets sheet,
    /// with info and policy sheets when it is a whole plan).
    public static func readPlanInput(path: String) throws -> PlanInput {
        let name = (path as NSString).lastPathComponent
        func fail(_ line: Int?, _ m: LocalizedText) -> RegistryError {
            .invalid(.init("\(name)\(line.map { ":\($0)" } ?? "")：\(m.zh)", "\(name)\(line.map { ":\($0)" } ?? ""): \(m.en)"))
        }
        if isWorkbook(path) {
            let workbook = try openWorkbook(path)
            func rows(_ names: [String]) throws -> [InputRecord]? {
                guard let sheet = names.lazy.compactMap({ workbook.sheet(named: $0) }).first else { return nil }
                var out: [InputRecord] = []
                try workbook.forEachRow(of: sheet) { r in out.append(r); return true }
                return out.filter { !$0.isBlank }
            }
            func keyValues(_ records: [InputRecord]?) -> [String: String]? {
                guard let records else { return nil }
                var out: [String: String] = [:]
                for r in records where r.fields.count >= 1 {
                    let key = Text.trimmed(r.fields[0])
                    if key.isEmpty || key == "项目" || key == "key" { continue }
                    out[key] = r.fields.count > 1 ? r.fields[1] : ""
                }
                return out
            }
            let targetRecords = try rows(PlanSheets.targetNames) ?? {
                var out: [InputRecord] = []
                if let first = workbook.sheets.first(where: { !$0.hidden }) {
                    try workbook.forEachRow(of: first) { r in out.append(r); return true }
                }
                return out.filter { !$0.isBlank }
            }()
            guard let header = targetRecords.first else { throw fail(nil, .init("没有目标表（工作表“目标”）", "has no targets sheet (目标)")) }
            let targets: [TargetsSheet.Row]
            switch TargetsSheet.parse(header: header.fields, rows: targetRecords.dropFirst().map { ($0.line, $0.fields) }) {
            case .success(let s): targets = s.rows
            case .failure(let f): throw fail(f.items.first?.line, f.items.first?.message ?? .init("目标表有误", "the targets sheet is wrong"))
            }
            var standards: [(MetricKey, Plan.Target)]?
            if let records = try rows(PlanSheets.standardNames) {
                standards = try records.dropFirst().map { r in
                    let cells = r.fields + Array(repeating: "", count: max(0, 4 - r.fields.count))
                    guard let key = MetricKey(rawValue: Text.trimmed(cells[0])), let v = Fraction(decimal: Text.trimmed(cells[2])) else {
                        throw fail(r.line, .init("国家标准的指标或目标值有误", "a national standard's metric or value is wrong"))
                    }
                    return (key, Plan.Target(op: ">=", value: v, source: cells[3], isNationalStandard: true))
                }
            }
            return .sheets(info: keyValues(try rows(PlanSheets.infoNames)), policy: keyValues(try rows(PlanSheets.policyNames)),
                           targets: targets, standards: standards)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RegistryError.cannotRead(path: path, reason: .init("文件不存在或无法读取", "no such file, or not readable"))
        }
        if (path as NSString).pathExtension.lowercased() == "json" || data.first == UInt8(ascii: "{") {
            do { return .plan(try Plan(json: data)) } catch let e as PlanError { throw fail(nil, e.message) }
        }
        // A targets sheet as CSV.
        let bytes: [UInt8]
        switch TextDecoding.utf8Bytes([UInt8](data), encoding: nil) {
        case .success(let b): bytes = b
        case .failure(let f): throw fail(f.line, .init("文件", "the file ") + f.message)
        }
        var records: [InputRecord] = []
        var iterator = CSVReader(bytes: bytes).makeIterator()
        while let r = iterator.next() { if !r.isBlank { records.append(r) } }
        if let f = iterator.failure { throw fail(f.line, f.message) }
        guard let header = records.first else { throw fail(1, .init("是空的", "is empty")) }
        switch TargetsSheet.parse(header: header.fields, rows: records.dropFirst().map { ($0.line, $0.fields) }) {
        case .success(let s): return .sheets(info: nil, policy: nil, targets: s.rows, standards: nil)
        case .failure(let f): throw fail(f.items.first?.line, f.items.first?.message ?? .init("目标表有误", "the targets sheet is wrong"))
        }
    }

}

extension RegistryBackend {
    /// `plan import`: a plan, or a targets sheet applied to the plans whose periods cover its years
    /// (or to `planID`), each stored as a recorded change.
    public func importPlan(path: String, planID: String? = nil, actor: String) throws -> [PlanSaveOutcome] {
        let input = try Registry.readPlanInput(path: path)
        let source = (path as NSString).lastPathComponent
        let catalog = try planCatalog()
        do {
            switch input {
            case .plan(let plan):
                return [try savePlan(plan, actor: actor, source: source)]
            case .sheets(let info?, let policy, let targets, let standards):
                let start = info["start"].flatMap { Int(Text.trimmed($0)) } ?? 0
                let follows = catalog.plans.last { $0.lastYear < start }
                let plan = try PlanSheets.plan(info: info, policy: policy, follows: follows, targets: targets, standards: standards)
                return [try savePlan(plan, actor: actor, source: source)]
            case .sheets(nil, _, let targets, let standards):
                var byPlan: [String: (Plan, [TargetsSheet.Row])] = [:]
                for r in targets {
                    let plan: Plan
                    if let planID {
                        guard let p = catalog.plan(id: planID) else {
                            throw RegistryError.notFound(.init("没有编号为 \(planID) 的规划；可用 teacher-registry plan list 查看", "There is no plan \(planID); see teacher-registry plan list."))
                        }
                        plan = p
                    } else {
                        guard let p = catalog.covering(r.year) else {
                            throw RegistryError.invalid(.init(
                                "\(source):\(r.line)：\(r.year) 年不属于任何规划期；请用 --plan 指定规划，或先导入该期的规划",
                                "\(source):\(r.line): \(r.year) is in no plan's period; name the plan with --plan, or import that period's plan first"))
                        }
                        plan = p
                    }
                    byPlan[plan.id, default: (plan, [])].1.append(r)
                }
                var outcomes: [PlanSaveOutcome] = []
                for (_, (plan, rows)) in byPlan.sorted(by: { $0.value.0.firstYear < $1.value.0.firstYear }) {
                    var updated = try TargetsSheet(rows: rows).applied(to: plan)
                    if let standards {
                        updated.nationalStandards = Dictionary(standards, uniquingKeysWith: { a, _ in a })
                    }
                    outcomes.append(try savePlan(updated, actor: actor, source: source))
                }
                return outcomes
            }
        } catch let e as PlanError {
            throw RegistryError.invalid(.init("\(source)：\(e.message.zh)", "\(source): \(e.message.en)"))
        }
    }

}

extension Registry {
    /// `plan export --format xlsx`: the info, policy, targets and national-standards sheets.
    public static func planWorkbook(_ plan: Plan) throws -> Data {
        let info = SheetWriter(name: "规划", header: ["项目", "内容"])
        for (k, v) in PlanSheets.infoRows(plan) { info.add([.text(k), .text(v)]) }
        let policy = SheetWriter(name: "政策", header: ["项目", "内容"])
        for (k, v) in PlanSheets.policyRows(plan) { policy.add([.text(k), .text(v)]) }
        let targets = SheetWriter(name: "目标", header: PlanSheets.targetHeader)
        for r in PlanSheets.targetRows(plan) { targets.add([.text(r[0]), .integer(Int(r[1]) ?? 0), .text(r[2]), .number(r[3]), .text(r[4]), .text(r[5])]) }
        let standards = SheetWriter(name: "国家标准", header: PlanSheets.standardHeader)
        for r in PlanSheets.standardRows(plan) { standards.add([.text(r[0]), .text(r[1]), .number(r[2]), .text(r[3])]) }
        return try XLSXWriter.workbook([info, policy, targets, standards])
    }
}

/// Stored plans decoded once per text: every page and report asks for the catalog, and decoding a
/// plan's JSON each time cost more than serving a cached report.
enum StoredPlans {
    private static let decoded = Mutex<[String: Plan]>([:])

    static func decode(_ json: String) throws -> Plan {
        if let plan = decoded.withLock({ $0[json] }) { return plan }
        let plan = try Plan(json: Data(json.utf8))
        decoded.withLock { cache in
            // Plans are few; a registry that replaced many versions drops the old ones.
            if cache.count >= 64 { cache.removeAll() }
            cache[json] = plan
        }
        return plan
    }
}
