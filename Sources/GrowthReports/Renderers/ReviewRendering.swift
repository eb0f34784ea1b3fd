import Foundation
import Spreadsheets
import TeacherGrowth

/// The final review of a plan (终期评估, `report --period 2021-2025`) in every report format.
public enum ReviewRendering {
    public static func title(_ r: PlanReview, _ language: Language) -> String {
        language == .zh ? "\(r.plan.name.zh) · 终期评估（\(r.plan.firstYear)–\(r.plan.lastYear)）"
            : "Final review \(r.plan.firstYear)–\(r.plan.lastYear) · \(r.plan.name.en)"
    }

    public static func subtitle(_ r: PlanReview, _ language: Language) -> String {
        let zh = language == .zh
        var parts = [r.plan.county.text(language)]
        if let last = r.years.last {
            parts.append(zh ? "截至 \(last.asOf)" : "as of \(last.asOf)")
        }
        if !r.complete { parts.append(zh ? "规划期尚未结束" : "the period is not over") }
        if r.plan.isDraft { parts.append(zh ? "规划草案" : "draft plan") }
        if let b = r.plan.baseline {
            parts.append(zh ? "基期 \(b.year) 年：学校 \(b.schools) 所、学生 \(b.students) 人、教职工 \(b.staff) 人"
                            : "baseline \(b.year): \(b.schools) schools, \(b.students) students, \(b.staff) staff")
        }
        if r.isDemoData { parts.append(zh ? "演示数据（虚构）" : "synthetic demo data") }
        return parts.joined(separator: " · ")
    }

    static func endTarget(_ r: PlanReview, _ key: MetricKey) -> String {
        r.end(key).map { ReportText.target($0) } ?? ""
    }

    static func yearCell(_ y: YearMetrics, _ key: MetricKey, _ language: Language) -> String {
        let m = y[key]
        let mark = m.status == .met ? "✓" : (m.status == .not_met ? "✗" : "")
        return ReportText.value(m) + mark
    }

    // MARK: text and Markdown

    public static func text(_ r: PlanReview, language: Language = .zh) -> String {
        let zh = language == .zh
        var out = TextReport.wrap(title(r, language), indent: "") + TextReport.wrap(subtitle(r, language), indent: "") + "\n"
        out += (zh ? "期末达成" : "End of the period") + "\n"
        var t = TextTable(headers: zh ? ["指标", "基期（\(r.baseline.year)）", "期末实际", "期末目标", "状态", "各年达标"]
                                      : ["Metric", "Baseline (\(r.baseline.year))", "End value", "End target", "Status", "Years met"],
                          alignments: [.left, .right, .right, .right, .left, .right], maxColumnWidth: 30)
        for key in MetricKey.allCases {
            guard let e = r.end(key) else { continue }
            let (met, rated) = r.yearsMet(key)
            t.add([key.label(language), ReportText.value(r.baseline[key]), ReportText.value(e), ReportText.target(e),
                   ReportText.status(e.status, language), rated == 0 ? "—" : "\(met)/\(rated)"])
        }
        out += t.render()
        let gaps = MetricKey.allCases.compactMap { key in r.end(key).flatMap { e in ReportText.gap(e, plan: r.plan, language).map { (e, $0) } } }
        if !gaps.isEmpty {
            out += "\n" + (zh ? "期末差距" : "Gaps at the end") + "\n"
            for (m, g) in gaps { out += TextReport.wrap("· \(m.key.label(language))\(zh ? "：" : ": ")\(g)", indent: "  ") }
        }
        out += "\n" + (zh ? "逐年（实际，✓ 达标，✗ 未达标）" : "Each year (actual; ✓ met, ✗ not met)") + "\n"
        var y = TextTable(headers: [zh ? "指标" : "Metric"] + r.years.map { $0.asOf == CivilDate.lastDay(of: $0.year) ? "\($0.year)" : "\($0.year)*" },
                          alignments: [.left] + r.years.map { _ in .right }, maxColumnWidth: 30)
        for key in MetricKey.allCases { y.add([key.label(language)] + r.years.map { yearCell($0, key, language) }) }
        out += y.render()
        if let last = r.years.last, last.asOf != CivilDate.lastDay(of: last.year) {
            out += (zh ? "* 截至 \(last.asOf)" : "* as of \(last.asOf)") + "\n"
        }
        out += "\n" + TextReport.wrap(zh ? "基期为规划开始前一天（\(r.baseline.asOf)）按登记数据计算的值；各年为当年 12 月 31 日的值，与当年年度报告相同。"
                                          : "The baseline is computed from the registry's data on the day before the plan (\(r.baseline.asOf)); each year is as of its Dec 31, as in that year's report.",
                                      indent: "")
        return out
    }

    public static func markdown(_ r: PlanReview, language: Language = .zh) -> String {
        let zh = language == .zh
        func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
        var out = "# \(title(r, language))\n\n\(subtitle(r, language))\n\n## \(zh ? "期末达成" : "End of the period")\n\n"
        out += zh ? "| 指标 | 基期（\(r.baseline.year)） | 期末实际 | 期末目标 | 状态 | 差距 |\n" : "| Metric | Baseline (\(r.baseline.year)) | End value | End target | Status | Gap |\n"
        out += "|---|---:|---:|---:|---|---|\n"
        for key in MetricKey.allCases {
            guard let e = r.end(key) else { continue }
            out += "| \(cell(key.label(language))) | \(ReportText.value(r.baseline[key])) | \(ReportText.value(e)) | \(ReportText.target(e)) | "
                + "\(ReportText.status(e.status, language)) | \(cell(ReportText.gap(e, plan: r.plan, language) ?? "")) |\n"
        }
        out += "\n## \(zh ? "逐年" : "Each year")\n\n| \(zh ? "指标" : "Metric") | " + r.years.map { "\($0.year)" }.joined(separator: " | ") + " |\n"
        out += "|---|" + r.years.map { _ in "---:" }.joined(separator: "|") + "|\n"
        for key in MetricKey.allCases {
            out += "| \(cell(key.label(language))) | " + r.years.map { y in
                let m = y[key]
                return ReportText.value(m) + (m.target.map { " (\(ReportText.target(MetricResult(key: key, tally: m.tally, target: $0))))" } ?? "")
            }.joined(separator: " | ") + " |\n"
        }
        return out
    }

    // MARK: tables (CSV, Excel) and JSON

    public static func tables(_ r: PlanReview, language: Language = .zh) -> [ReportTable] {
        let zh = language == .zh
        var end = ReportTable(name: zh ? "期末达成" : "end of period", headers: zh
            ? ["指标代码", "指标", "基期", "期末实际", "分子", "分母", "期末目标", "状态", "差距", "各年达标", "有目标的年数", "目标来源"]
            : ["key", "metric", "baseline", "end value", "numerator", "denominator", "end target", "status", "gap", "years met", "years with a target", "source"])
        for key in MetricKey.allCases {
            guard let e = r.end(key) else { continue }
            let (met, rated) = r.yearsMet(key)
            end.rows.append([.text(key.rawValue), .text(key.label(language)), XLSXReport.valueCell(r.baseline[key]), XLSXReport.valueCell(e),
                             e.kind == .ratio ? .integer(e.numerator) : .empty, e.kind == .ratio ? .integer(e.tally.denominator) : .empty,
                             XLSXReport.targetCell(e), .text(ReportText.status(e.status, language)), .text(ReportText.gap(e, plan: r.plan, language) ?? ""),
                             .integer(met), .integer(rated), .text(ReportText.source(e, language))])
        }
        var years = ReportTable(name: zh ? "逐年" : "each year", headers: zh
            ? ["年度", "截至", "指标代码", "指标", "实际", "分子", "分母", "目标", "状态"]
            : ["year", "as of", "key", "metric", "value", "numerator", "denominator", "target", "status"])
        for y in r.years {
            for m in y.metrics {
                years.rows.append([.integer(y.year), .date(y.asOf), .text(m.key.rawValue), .text(m.key.label(language)), XLSXReport.valueCell(m),
                                   m.kind == .ratio ? .integer(m.numerator) : .empty, m.kind == .ratio ? .integer(m.tally.denominator) : .empty,
                                   XLSXReport.targetCell(m), .text(ReportText.status(m.status, language))])
            }
        }
        return [end, years]
    }

    public static func csv(_ r: PlanReview, language: Language = .zh) -> String {
        tables(r, language: language).map { TableOutput.csv($0, language: language) }.joined(separator: "\r\n")
    }

    public static func workbook(_ r: PlanReview, language: Language = .zh) throws -> Data {
        try TableOutput.workbook(tables(r, language: language))
    }

    public static func json(_ r: PlanReview, language: Language = .zh) -> String {
        let p = r.plan
        func small(_ m: MetricResult) -> JSONValue {
            .object([("key", .string(m.key.rawValue)), ("value", m.value.map { m.kind == .count ? .int(m.numerator) : .double($0) } ?? .null),
                     ("numerator", m.kind == .ratio ? .int(m.tally.numerator) : .null), ("denominator", m.kind == .ratio ? .int(m.tally.denominator) : .null)])
        }
        let doc: JSONValue = .object([
            ("plan", .object([
                ("id", .string(p.id)), ("name", .string(p.name.text(language))), ("county", .string(p.county.text(language))),
                ("status", .string(p.status.rawValue)),
                ("baseline", p.baseline.map { b in
                    .object([("year", .int(b.year)), ("schools", .int(b.schools)), ("students", .int(b.students)), ("staff", .int(b.staff))])
                } ?? .null),
            ])),
            ("period", .object([("start", .int(p.firstYear)), ("end", .int(p.lastYear))])),
            ("complete", .bool(r.complete)),
            ("demo_data", .bool(r.isDemoData)),
            ("baseline", .object([("as_of", .string(r.baseline.asOf.description)), ("metrics", .array(r.baseline.metrics.map(small)))])),
            ("years", .array(r.years.map { y in
                .object([("year", .int(y.year)), ("as_of", .string(y.asOf.description)),
                         ("metrics", .array(y.metrics.map { JSONReport.metric($0, plan: p, language: language, breakdowns: false) }))])
            })),
            ("end", .array(MetricKey.allCases.compactMap { key in
                r.end(key).map { e in
                    let (met, rated) = r.yearsMet(key)
                    var j = JSONReport.metric(e, plan: p, language: language, breakdowns: false)
                    if case .object(var f) = j {
                        f.append(("baseline", small(r.baseline[key])))
                        f.append(("years_met", .int(met)))
                        f.append(("years_with_target", .int(rated)))
                        j = .object(f)
                    }
                    return j
                }
            })),
        ])
        return doc.render() + "\n"
    }

    // MARK: HTML

    public static func html(_ r: PlanReview, language: Language = .zh, links: HTMLReport.Links? = nil) -> String {
        let zh = language == .zh
        let esc = HTMLReport.esc
        let ends = MetricKey.allCases.compactMap { r.end($0) }
        let counts = Dictionary(grouping: ends, by: \.status).mapValues(\.count)
        var h = """
        <!DOCTYPE html>
        <html lang="\(zh ? "zh-CN" : "en")">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(esc(title(r, language)))</title>
        <style>\(HTMLReport.css)</style>
        </head>
        <body>
        <header>
        <h1>\(esc(title(r, language)))</h1>
        <p class="sub">\(esc(subtitle(r, language)))</p>

        """
        if let links { h += HTMLReport.nav(links, current: nil, language: language) }
        h += "<div class=\"cards\">"
        for (status, cls) in [(MetricStatus.met, "met"), (.not_met, "not_met"), (.no_target, "no_target"), (.no_data, "no_data")] {
            h += "<div class=\"card \(cls)\"><span class=\"n\">\(counts[status] ?? 0)</span><span>\(esc(ReportText.status(status, language)))</span></div>"
        }
        h += "</div>\n</header>\n<section>\n<h2>\(zh ? "期末达成" : "End of the period")</h2>\n<div class=\"scroll\"><table class=\"metrics\">\n<thead><tr>"
        h += [zh ? "指标" : "Metric", zh ? "基期" : "Baseline", zh ? "期末实际" : "End value", zh ? "期末目标" : "End target", zh ? "状态" : "Status",
              zh ? "各年达标" : "Years met"].map { "<th>\(esc($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for e in ends {
            let (met, rated) = r.yearsMet(e.key)
            h += "<tr class=\"\(e.status.rawValue)\"><td class=\"label\">\(esc(e.key.label(language)))"
            if let g = ReportText.gap(e, plan: r.plan, language) { h += "<small>\(esc(g))</small>" }
            h += "</td><td class=\"num\">\(esc(ReportText.value(r.baseline[e.key])))</td><td class=\"num\">\(esc(ReportText.value(e)))</td>"
            h += "<td class=\"num\">\(esc(ReportText.target(e)))</td><td><span class=\"badge \(e.status.rawValue)\">\(esc(ReportText.status(e.status, language)))</span></td>"
            h += "<td class=\"num\">\(rated == 0 ? "—" : "\(met)/\(rated)")</td></tr>\n"
        }
        h += "</tbody>\n</table></div>\n</section>\n"
        if r.years.count > 1 {
            h += "<section>\n<h2>\(zh ? "逐年趋势（各年12月31日）" : "Trend (each year's Dec 31)")</h2>\n<div class=\"trends\">\n"
            for key in MetricKey.allCases {
                h += "<figure><figcaption>\(esc(key.label(language)))</figcaption>\(HTMLReport.trend(key, years: r.years, plan: r.plan, language: language))</figure>\n"
            }
            h += "</div>\n</section>\n"
        }
        h += "<footer>teacher-registry · \(esc(r.plan.id)) · \(zh ? "基期为规划开始前一天按登记数据计算的值；各年数值与当年年度报告相同" : "baseline computed from the registry on the day before the plan; each year as in its annual report")</footer>\n</body>\n</html>\n"
        return h
    }
}
