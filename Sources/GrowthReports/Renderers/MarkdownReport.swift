import TeacherGrowth

/// `report --format markdown`.
public enum MarkdownReport {
    public static func render(_ report: GrowthReport, language: Language = .zh) -> String {
        let zh = language == .zh
        func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
        var out = "# \(ReportText.title(report, language))\n\n\(ReportText.subtitle(report, language))\n\n"
        if report.inProgress {
            out += zh ? "| 指标 | 目标 | 目前 | 分子/分母 | 状态 | 预计年底 | 推算方式 | 预计状态 |\n"
                      : "| Metric | Target | So far | Num/Den | Status | Projected | Method | Projected status |\n"
            out += "|---|---:|---:|---:|---|---:|---|---|\n"
            for m in report.current.metrics {
                let p = report.projections[m.key]
                out += "| \(cell(m.key.label(language))) | \(ReportText.target(m)) | \(ReportText.value(m)) | \(ReportText.fraction(m)) | "
                    + "\(ReportText.status(m.status, language)) | \(p.map(ReportText.projection) ?? "") | \(p.map { ReportText.method($0, language) } ?? "") | "
                    + "\(p.map { ReportText.status($0, language) } ?? "") |\n"
            }
            out += "\n" + ReportText.projectionNote(report, language) + "\n"
        } else {
            out += zh ? "| 指标 | 目标 | 实际 | 分子/分母 | 状态 | 目标来源 |\n" : "| Metric | Target | Actual | Num/Den | Status | Source |\n"
            out += "|---|---:|---:|---:|---|---|\n"
            for m in report.current.metrics {
                out += "| \(cell(m.key.label(language))) | \(ReportText.target(m)) | \(ReportText.value(m)) | \(ReportText.fraction(m)) | "
                    + "\(ReportText.status(m.status, language)) | \(cell(ReportText.source(m, language))) |\n"
            }
        }
        let gaps = report.current.metrics.compactMap { m in ReportText.gap(m, plan: report.plan, language).map { (m, $0) } }
        if !gaps.isEmpty {
            out += "\n## \(zh ? "差距" : "Gaps")\n\n"
            for (m, g) in gaps { out += "- **\(m.key.label(language))**\(zh ? "：" : ": ")\(g)\n" }
        }
        if !report.history.isEmpty {
            let years = report.history + [report.current]
            out += "\n## \(zh ? "趋势（各年12月31日）" : "Trend (each year's Dec 31)")\n\n"
            out += "| \(zh ? "指标" : "Metric") | " + years.map { "\($0.year)" }.joined(separator: " | ") + " |\n"
            out += "|---|" + years.map { _ in "---:" }.joined(separator: "|") + "|\n"
            for key in MetricKey.allCases {
                out += "| \(cell(key.label(language))) | " + years.map { ReportText.value($0[key]) }.joined(separator: " | ") + " |\n"
            }
        }
        out += "\n## \(zh ? "分类统计" : "Breakdowns")\n"
        for m in report.current.metrics where m.kind == .ratio && m.tally.denominator > 0 {
            out += "\n### \(m.key.label(language))\n\n| \(zh ? "分组" : "Group") | \(zh ? "实际" : "Actual") | \(zh ? "分子/分母" : "Num/Den") |\n|---|---:|---:|\n"
            for (t, p) in m.tally.typeRows {
                out += "| \(ReportText.groupLabel(t, language)) | \(value(m.key, p)) | \(p.numerator)/\(p.denominator) |\n"
            }
            for (a, p) in m.tally.areaRows {
                out += "| \(ReportText.groupLabel(a, language)) | \(value(m.key, p)) | \(p.numerator)/\(p.denominator) |\n"
            }
        }
        return out
    }

    static func value(_ key: MetricKey, _ p: MetricTally.Pair) -> String {
        key == .backbone_per_100_students ? ReportText.decimal2(p.numerator, p.denominator) : ReportText.percent(p.numerator, p.denominator)
    }
}

/// `report --format csv`: one row per metric and year, then one per breakdown group; UTF-8 with a BOM
/// so that Excel shows the Chinese. In Chinese (the default) it is written for people: Chinese
/// headers, percentages as people write them, 达标/未达标; in English, for scripts: metric keys,
/// fractions and status codes.
public enum CSVReport {
    public static func render(_ report: GrowthReport, language: Language = .zh) -> String {
        if language == .zh { return TableOutput.csv(XLSXReport.combinedTable(report), language: .zh) }
        var out = "\u{FEFF}" + line(["year", "as_of", "key", "label", "kind", "group_by", "group", "value", "numerator", "denominator",
                                       "target", "status", "source", "gap"] + (report.inProgress ? ["projection", "projection_method", "projection_status"] : []))
        func row(_ y: YearMetrics, _ m: MetricResult) -> [String] {
            [String(y.year), y.asOf.description, m.key.rawValue, m.key.label(language), m.kind.rawValue, "", "",
             m.value.map { m.kind == .count ? String(m.numerator) : "\($0)" } ?? "",
             m.kind == .ratio ? String(m.tally.numerator) : "", m.kind == .ratio ? String(m.tally.denominator) : "",
             m.target.map { "\($0.value.doubleValue)" } ?? "", m.status.rawValue, ReportText.source(m, language),
             ReportText.gap(m, plan: report.plan, language) ?? ""]
        }
        let pad = report.inProgress ? ["", "", ""] : []
        for m in report.current.metrics {
            var cells = row(report.current, m)
            if report.inProgress, let p = report.projections[m.key] {
                cells += [p.value.map { m.kind == .count ? String(p.result.numerator) : "\($0)" } ?? "", p.method.rawValue, p.status.rawValue]
            }
            out += line(cells)
        }
        for y in report.history { for m in y.metrics { out += line(row(y, m) + pad) } }
        let y = report.current
        for m in y.metrics where m.kind == .ratio {
            let groups = m.tally.typeRows.map { ("school_type", $0.0?.rawValue ?? "unspecified", $0.1) }
                + m.tally.areaRows.map { ("area", $0.0?.rawValue ?? "unspecified", $0.1) }
            for (by, g, p) in groups {
                out += line([String(y.year), y.asOf.description, m.key.rawValue, m.key.label(language), m.kind.rawValue, by, g,
                             p.denominator == 0 ? "" : "\(Double(p.numerator) / Double(p.denominator))",
                             String(p.numerator), String(p.denominator), "", "", "", ""] + pad)
            }
        }
        return out
    }

    static func line(_ cells: [String]) -> String { CSVText.line(cells) }
}
