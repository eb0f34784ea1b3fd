import Foundation
import Spreadsheets
import TeacherGrowth

/// `report --format xlsx`: the year's metrics, the trend over the plan years and the breakdowns,
/// a sheet each; and the same rows as the Chinese CSV.
public enum XLSXReport {
    public static func render(_ report: GrowthReport, language: Language = .zh) throws -> Data {
        try TableOutput.workbook([metricsTable(report, language), trendTable(report, language), breakdownTable(report, language)])
    }

    static func valueCell(_ m: MetricResult) -> CellValue {
        switch m.kind {
        case .count: return .integer(m.numerator)
        case .ratio:
            if m.tally.denominator == 0 { return .empty }
            if m.key == .backbone_per_100_students { return .number(ReportText.decimal2(m.tally.numerator, m.tally.denominator)) }
            return .fraction(m.tally.numerator, m.tally.denominator)
        }
    }

    static func targetCell(_ m: MetricResult) -> CellValue {
        guard let t = m.target else { return .empty }
        if m.kind == .ratio && m.key != .backbone_per_100_students { return .fraction(t.value.numerator, t.value.denominator) }
        return .number(ReportText.targetValue(m.key, t.value))
    }

    static func metricsTable(_ report: GrowthReport, _ language: Language) -> ReportTable {
        let zh = language == .zh
        var t = ReportTable(name: zh ? "\(report.year)年指标" : "metrics \(report.year)",
                            headers: zh ? ["指标", "实际", "分子", "分母", "目标", "状态", "差距", "目标来源", "截至"]
                                        : ["metric", "value", "numerator", "denominator", "target", "status", "gap", "source", "as of"])
        if report.inProgress { t.headers += zh ? ["预计年底", "推算方式", "预计状态"] : ["projected", "method", "projected status"] }
        for m in report.current.metrics {
            var row: [CellValue] = [.text(m.key.label(language)), valueCell(m), m.kind == .ratio ? .integer(m.numerator) : .empty,
                                    m.kind == .ratio ? .integer(m.tally.denominator) : .empty, targetCell(m), .text(ReportText.status(m.status, language)),
                                    .text(ReportText.gap(m, plan: report.plan, language) ?? ""), .text(ReportText.source(m, language)),
                                    .date(report.asOf)]
            if report.inProgress, let p = report.projections[m.key] {
                row += [valueCell(p.result), .text(ReportText.method(p, language)), .text(ReportText.status(p, language))]
            }
            t.rows.append(row)
        }
        return t
    }

    static func trendTable(_ report: GrowthReport, _ language: Language) -> ReportTable {
        let zh = language == .zh
        let years = report.history + [report.current]
        var t = ReportTable(name: zh ? "趋势" : "trend", headers: [zh ? "指标" : "metric"] + years.map { String($0.year) })
        for key in MetricKey.allCases {
            t.rows.append([.text(key.label(language))] + years.map { valueCell($0[key]) })
        }
        return t
    }

    static func breakdownTable(_ report: GrowthReport, _ language: Language) -> ReportTable {
        let zh = language == .zh
        var t = ReportTable(name: zh ? "分类统计" : "breakdowns",
                            headers: zh ? ["指标", "分组方式", "分组", "实际", "分子", "分母"] : ["metric", "group by", "group", "value", "numerator", "denominator"])
        for m in report.current.metrics where m.kind == .ratio {
            let groups = m.tally.typeRows.map { (zh ? "学校类型" : "school type", ReportText.groupLabel($0.0, language), $0.1) }
                + m.tally.areaRows.map { (zh ? "城乡类型" : "area", ReportText.groupLabel($0.0, language), $0.1) }
            for (by, g, p) in groups {
                let value: CellValue = p.denominator == 0 ? .empty
                    : (m.key == .backbone_per_100_students ? .number(ReportText.decimal2(p.numerator, p.denominator)) : .fraction(p.numerator, p.denominator))
                t.rows.append([.text(m.key.label(language)), .text(by), .text(g), value, .integer(p.numerator), .integer(p.denominator)])
            }
        }
        return t
    }

    /// The Chinese CSV: every metric of the year and of the trend years, then the breakdowns.
    static func combinedTable(_ report: GrowthReport) -> ReportTable {
        var t = ReportTable(name: "report", headers: ["年度", "截至", "指标代码", "指标", "分组方式", "分组", "实际", "分子", "分母", "目标", "状态", "差距", "目标来源"]
                            + (report.inProgress ? ["预计年底", "推算方式", "预计状态"] : []))
        func metricRow(_ y: YearMetrics, _ m: MetricResult) -> [CellValue] {
            let value: CellValue = m.kind == .count ? .integer(m.numerator)
                : (m.tally.denominator == 0 ? .empty : .text(ReportText.value(m)))
            return [.integer(y.year), .date(y.asOf), .text(m.key.rawValue), .text(m.key.label(.zh)), .empty, .empty, value,
                    m.kind == .ratio ? .integer(m.key == .backbone_per_100_students ? m.numerator / 100 : m.numerator) : .empty,
                    m.kind == .ratio ? .integer(m.tally.denominator) : .empty,
                    .text(ReportText.target(m)), .text(ReportText.status(m.status, .zh)), .text(ReportText.gap(m, plan: report.plan, .zh) ?? ""),
                    .text(ReportText.source(m, .zh))]
        }
        for m in report.current.metrics {
            var row = metricRow(report.current, m)
            if report.inProgress, let p = report.projections[m.key] {
                row += [.text(ReportText.projection(p)), .text(ReportText.method(p, .zh)), .text(ReportText.status(p, .zh))]
            }
            t.rows.append(row)
        }
        let pad: [CellValue] = report.inProgress ? [.empty, .empty, .empty] : []
        for y in report.history { for m in y.metrics { t.rows.append(metricRow(y, m) + pad) } }
        let y = report.current
        for m in y.metrics where m.kind == .ratio {
            let groups = m.tally.typeRows.map { ("学校类型", ReportText.groupLabel($0.0, .zh), $0.1) }
                + m.tally.areaRows.map { ("城乡类型", ReportText.groupLabel($0.0, .zh), $0.1) }
            for (by, g, p) in groups {
                let value: CellValue = p.denominator == 0 ? .empty : .text(m.key == .backbone_per_100_students
                    ? ReportText.decimal2(p.numerator, p.denominator) : ReportText.percent(p.numerator, p.denominator))
                t.rows.append([.integer(y.year), .date(y.asOf), .text(m.key.rawValue), .text(m.key.label(.zh)), .text(by), .text(g), value,
                               .integer(m.key == .backbone_per_100_students ? p.numerator / 100 : p.numerator), .integer(p.denominator),
                               .empty, .empty, .empty, .empty] + pad)
            }
        }
        return t
    }
}
