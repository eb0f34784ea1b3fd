import TeacherGrowth

/// `report --format text`: a terminal report within 100 columns, aligned for Chinese.
public enum TextReport {
    public static let width = 100

    public static func render(_ report: GrowthReport, language: Language = .zh) -> String {
        let zh = language == .zh
        var out = wrap(ReportText.title(report, language), indent: "") + wrap(ReportText.subtitle(report, language), indent: "") + "\n"

        if report.inProgress {
            var table = TextTable(
                headers: zh ? ["指标", "目标", "目前", "分子/分母", "状态", "预计年底", "预计状态"]
                            : ["Metric", "Target", "So far", "Num/Den", "Status", "Projected", "Proj. status"],
                alignments: [.left, .right, .right, .right, .left, .right, .left], maxColumnWidth: 30)
            for m in report.current.metrics {
                let p = report.projections[m.key]
                table.add([m.key.label(language), ReportText.target(m), ReportText.value(m), ReportText.fraction(m),
                           ReportText.status(m.status, language), p.map { ReportText.projection($0) + ($0.method == .pace ? "†" : "") } ?? "",
                           p.map { ReportText.status($0, language) } ?? ""])
            }
            out += table.render()
            out += "\n" + wrap(ReportText.projectionNote(report, language) + (zh ? "（† 含按速度推算）" : " († includes pace)"), indent: "")
        } else {
            var table = TextTable(
                headers: zh ? ["指标", "目标", "实际", "分子/分母", "状态", "目标来源"] : ["Metric", "Target", "Actual", "Num/Den", "Status", "Source"],
                alignments: [.left, .right, .right, .right, .left, .left], maxColumnWidth: 30)
            for m in report.current.metrics {
                table.add([m.key.label(language), ReportText.target(m), ReportText.value(m), ReportText.fraction(m),
                           ReportText.status(m.status, language), DisplayWidth.truncate(ReportText.source(m, language), to: 20)])
            }
            out += table.render()
        }

        let counts = Dictionary(grouping: report.current.metrics, by: \.status).mapValues(\.count)
        out += "\n" + (zh
            ? "达标 \(counts[.met] ?? 0) 项，未达标 \(counts[.not_met] ?? 0) 项，无目标 \(counts[.no_target] ?? 0) 项，无数据 \(counts[.no_data] ?? 0) 项。"
            : "\(counts[.met] ?? 0) met, \(counts[.not_met] ?? 0) not met, \(counts[.no_target] ?? 0) without a target, \(counts[.no_data] ?? 0) without data.") + "\n"

        let gaps = report.current.metrics.compactMap { m in ReportText.gap(m, plan: report.plan, language).map { (m, $0) } }
        if !gaps.isEmpty {
            out += "\n" + (zh ? "差距" : "Gaps") + "\n"
            for (m, g) in gaps { out += wrap("· \(m.key.label(language))\(zh ? "：" : ": ")\(g)", indent: "  ") }
        }

        if !report.history.isEmpty {
            out += "\n" + (zh ? "趋势（各年12月31日）" : "Trend (each year's Dec 31)") + "\n"
            let years = report.history + [report.current]
            var trend = TextTable(headers: [zh ? "指标" : "Metric"] + years.map { $0.asOf == CivilDate.lastDay(of: $0.year) ? "\($0.year)" : "\($0.year)*" },
                                  alignments: [.left] + years.map { _ in .right }, maxColumnWidth: 30)
            for key in MetricKey.allCases {
                trend.add([key.label(language)] + years.map { ReportText.value($0[key]) })
            }
            out += trend.render()
            if report.current.asOf != CivilDate.lastDay(of: report.year) {
                out += (zh ? "* 截至 \(report.asOf)" : "* as of \(report.asOf)") + "\n"
            }
        }

        out += "\n" + (zh ? "分类统计" : "Breakdowns") + "\n"
        for m in report.current.metrics where m.kind == .ratio && m.tally.denominator > 0 {
            out += "  " + m.key.label(language) + "\n"
            let types = m.tally.typeRows.map { "\(ReportText.groupLabel($0.0, language)) \(ReportText.pair(m.key, $0.1))" }
            let areas = m.tally.areaRows.map { "\(ReportText.groupLabel($0.0, language)) \(ReportText.pair(m.key, $0.1))" }
            out += wrap((zh ? "学校类型：" : "by school type: ") + types.joined(separator: " · "), indent: "    ")
            out += wrap((zh ? "城乡：" : "by area: ") + areas.joined(separator: " · "), indent: "    ")
        }
        let classHead = report.current[.class_head_studios]
        if let stages = classHead.tally.byStage, classHead.numerator > 0 {
            let parts = stages.enumerated().compactMap { i, n in n == 0 ? nil : "\(ReportText.stageLabel(i, language)) \(n)" }
            out += "  " + MetricKey.class_head_studios.label(language) + "\n"
            out += wrap((zh ? "学段：" : "by stage: ") + parts.joined(separator: " · "), indent: "    ")
        }
        return out
    }

    /// Wraps at " · " separators (or anywhere, for a long run) to fit `width` columns.
    public static func wrap(_ text: String, indent: String) -> String {
        let limit = width - DisplayWidth.of(indent)
        var lines: [String] = []
        var line = ""
        for (i, part) in text.components(separatedBy: " · ").enumerated() {
            let piece = i == 0 ? part : " · " + part
            if !line.isEmpty && DisplayWidth.of(line + piece) > limit {
                lines.append(line)
                line = "  " + part
            } else {
                line += piece
            }
        }
        lines.append(line)
        var out: [String] = []
        for l in lines {
            var rest = l
            while DisplayWidth.of(rest) > limit {
                var head = "", w = 0
                var idx = rest.startIndex
                while idx < rest.endIndex {
                    let cw = DisplayWidth.of(String(rest[idx]))
                    if w + cw > limit { break }
                    head.append(rest[idx]); w += cw
                    idx = rest.index(after: idx)
                }
                out.append(head)
                rest = "  " + String(rest[idx...])
            }
            out.append(rest)
        }
        return out.map { indent + $0 }.joined(separator: "\n") + "\n"
    }
}
