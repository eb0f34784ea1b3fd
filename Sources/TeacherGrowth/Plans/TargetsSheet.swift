/// A targets sheet (issue 13): rows of `metric, year, op, value, source` that set targets of a
/// plan. `value` is a fraction (0.95), a percent (95%) or a count (200); `metric` the SPEC key or
/// the report's Chinese label.
public struct TargetsSheet: Sendable {
    public struct Row: Sendable, Hashable {
        public var line: Int
        public var metric: MetricKey
        public var year: Int
        public var target: Plan.Target
    }

    public var rows: [Row]

    public init(rows: [Row]) { self.rows = rows }

    /// The header names each column accepts.
    public static let columns: [(name: String, aliases: [String])] = [
        ("metric", ["指标", "指标代码", "指标名称"]),
        ("year", ["年度", "年份", "年"]),
        ("op", ["比较", "运算符", "关系"]),
        ("value", ["目标值", "目标", "数值"]),
        ("source", ["来源", "依据", "目标来源"]),
    ]

    public struct Failure: Error, Sendable {
        public var line: Int
        public var message: LocalizedText
    }

    public struct Failures: Error, Sendable { public var items: [Failure] }

    /// Parses the rows after the header; `header` gives each column's position.
    public static func parse(header: [String], rows: [(line: Int, cells: [String])]) -> Result<TargetsSheet, Failures> {
        var index: [String: Int] = [:]
        for (i, raw) in header.enumerated() {
            let h = Text.fold(Text.trimmed(raw))
            for c in columns where c.name == h || c.aliases.contains(where: { Text.fold($0) == h }) { index[c.name] = i }
        }
        var failures: [Failure] = []
        for c in columns where c.name != "op" && c.name != "source" && index[c.name] == nil {
            failures.append(.init(line: 1, message: .init("缺少“\(c.aliases[0])”（\(c.name)）列；目标表的列为：指标、年度、比较、目标值、来源",
                                                          "the column \(c.name) is missing; a targets sheet has the columns metric, year, op, value, source")))
        }
        guard failures.isEmpty else { return .failure(Failures(items: failures)) }
        var out: [Row] = []
        var seen: Set<String> = []
        for (line, cells) in rows {
            func cell(_ name: String) -> String {
                guard let i = index[name], i < cells.count else { return "" }
                return Text.trimmed(cells[i])
            }
            if cells.allSatisfy({ Text.trimmed($0).isEmpty }) { continue }
            let metricText = cell("metric")
            guard let metric = MetricKey(rawValue: metricText) ?? MetricKey.allCases.first(where: { $0.label(.zh) == metricText }) else {
                failures.append(.init(line: line, message: .init("“\(metricText)”不是指标代码或指标名称（如 certificate_rate 或 专任教师持教师资格证上岗率）",
                                                                 "\"\(metricText)\" is not a metric key or name (such as certificate_rate)")))
                continue
            }
            let yearText = cell("year").replacingOccurrences(of: "年", with: "")
            guard let year = Int(yearText), (1990...2100).contains(year) else {
                failures.append(.init(line: line, message: .init("“\(cell("year"))”不是年份", "\"\(cell("year"))\" is not a year")))
                continue
            }
            let op = cell("op").isEmpty ? ">=" : cell("op").replacingOccurrences(of: "≥", with: ">=")
            guard op == ">=" else {
                failures.append(.init(line: line, message: .init("比较只能是 >=（≥），而不是“\(op)”", "op must be >=, not \"\(op)\"")))
                continue
            }
            var valueText = cell("value").replacingOccurrences(of: "≥", with: "")
            var percent = false
            if valueText.hasSuffix("%") || valueText.hasSuffix("％") { valueText.removeLast(); percent = true }
            guard var value = Fraction(decimal: Text.trimmed(valueText)), value.numerator >= 0 else {
                failures.append(.init(line: line, message: .init("目标值“\(cell("value"))”不是数字", "the value \"\(cell("value"))\" is not a number")))
                continue
            }
            if percent { value = Fraction(value.numerator, value.denominator * 100) }
            if metric.kind == .ratio && metric != .backbone_per_100_students && value > Fraction(1, 1) {
                failures.append(.init(line: line, message: .init("比率目标应写成小数或百分数（0.95 或 95%），而不是 \(cell("value"))",
                                                                 "a ratio target is a fraction or a percent (0.95 or 95%), not \(cell("value"))")))
                continue
            }
            let key = "\(metric.rawValue)|\(year)"
            guard seen.insert(key).inserted else {
                failures.append(.init(line: line, message: .init("\(metric.rawValue) 在 \(year) 年有两行目标；请保留一行", "\(metric.rawValue) has two targets for \(year); keep one")))
                continue
            }
            let source = cell("source").isEmpty ? "县教委目标表" : cell("source")
            out.append(Row(line: line, metric: metric, year: year, target: .init(op: op, value: value, source: source, isNationalStandard: false)))
        }
        return failures.isEmpty ? .success(TargetsSheet(rows: out)) : .failure(Failures(items: failures))
    }

    /// The plan with these rows' targets set (each row replaces the target of its metric and year).
    public func applied(to plan: Plan) throws -> Plan {
        var p = plan
        for r in rows {
            guard plan.years.contains(r.year) else {
                throw PlanError("第 \(r.line) 行：\(r.year) 年不在规划 \(plan.id)（\(plan.firstYear)–\(plan.lastYear)）的期内",
                                "line \(r.line): \(r.year) is not in the period of plan \(plan.id) (\(plan.firstYear)–\(plan.lastYear))")
            }
            p.targets[r.metric, default: [:]][r.year] = r.target
        }
        return p
    }
}
