import TeacherGrowth

/// `report --format html` and the dashboard: one standalone page (no external assets, no scripts),
/// printable on A4, with inline SVG charts — target vs actual per metric, and a trend per metric.
public enum HTMLReport {
    /// Links shown at the top of the page (the dashboard's other years and formats).
    public struct Links: Sendable {
        public var years: [(year: Int, href: String)]
        public var formats: [(name: String, href: String)]
        public var languages: [(name: String, href: String)]
        /// Other pages one click away (the last completed year, a closed plan's final review).
        public var extra: [(name: String, href: String)]
        public init(years: [(year: Int, href: String)], formats: [(name: String, href: String)], languages: [(name: String, href: String)],
                    extra: [(name: String, href: String)] = []) {
            self.years = years; self.formats = formats; self.languages = languages; self.extra = extra
        }
    }

    /// The links above a report: years, formats, other pages, languages.
    public static func nav(_ links: Links, current year: Int?, language: Language) -> String {
        let zh = language == .zh
        var h = "<nav>"
        if !links.years.isEmpty {
            h += "<span>\(zh ? "年度" : "Year")：" + links.years.map { y in
                y.year == year ? "<b>\(y.year)</b>" : "<a href=\"\(esc(y.href))\">\(y.year)</a>"
            }.joined(separator: " ") + "</span>"
        }
        if !links.extra.isEmpty {
            h += "<span>" + links.extra.map { "<a href=\"\(esc($0.href))\">\(esc($0.name))</a>" }.joined(separator: " ") + "</span>"
        }
        if !links.formats.isEmpty {
            h += "<span>\(zh ? "格式" : "Format")：" + links.formats.map { "<a href=\"\(esc($0.href))\">\(esc($0.name))</a>" }.joined(separator: " ") + "</span>"
        }
        h += "<span>" + links.languages.map { "<a href=\"\(esc($0.href))\">\(esc($0.name))</a>" }.joined(separator: " ") + "</span>"
        return h + "</nav>\n"
    }

    public static func render(_ report: GrowthReport, language: Language = .zh, links: Links? = nil) -> String {
        let zh = language == .zh
        let title = ReportText.title(report, language)
        return """
        <!DOCTYPE html>
        <html lang="\(zh ? "zh-CN" : "en")">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(esc(title))</title>
        <style>\(css)</style>
        </head>
        <body>

        """ + body(report, language: language, links: links) + "</body>\n</html>\n"
    }

    /// The report without the page around it (for the web application's dashboard, whose layout
    /// links the same styles as /assets/report.css). Everything shown is escaped.
    public static func body(_ report: GrowthReport, language: Language = .zh, links: Links? = nil) -> String {
        let zh = language == .zh
        let title = ReportText.title(report, language)
        let metrics = report.current.metrics
        let counts = Dictionary(grouping: metrics, by: \.status).mapValues(\.count)
        var h = """
        <header>
        <h1>\(esc(title))</h1>
        <p class="sub">\(esc(ReportText.subtitle(report, language)))</p>

        """
        if let links { h += nav(links, current: report.year, language: language) }
        h += "<div class=\"cards\">"
        for (status, cls) in [(MetricStatus.met, "met"), (.not_met, "not_met"), (.no_target, "no_target"), (.no_data, "no_data")] {
            h += "<div class=\"card \(cls)\"><span class=\"n\">\(counts[status] ?? 0)</span><span>\(esc(ReportText.status(status, language)))</span></div>"
        }
        h += "</div>\n</header>\n"

        // Target vs actual.
        h += "<section>\n<h2>\(zh ? "目标与实际" : "Target vs actual")</h2>\n<table class=\"metrics\">\n<thead><tr>"
        var headers = [zh ? "指标" : "Metric", zh ? "目标与实际" : "Target vs actual", zh ? (report.inProgress ? "目前" : "实际") : (report.inProgress ? "So far" : "Actual"),
                       zh ? "目标" : "Target", zh ? "分子/分母" : "Num/Den", zh ? "状态" : "Status"]
        if report.inProgress { headers += [zh ? "预计年底" : "Projected", zh ? "预计状态" : "Proj. status"] }
        h += headers.map { "<th>\(esc($0))</th>" }.joined()
        h += "</tr></thead>\n<tbody>\n"
        for m in metrics {
            h += "<tr class=\"\(m.status.rawValue)\"><td class=\"label\">\(esc(m.key.label(language)))"
            if let t = m.target { h += "<small>\(esc(t.source))\(t.isNationalStandard ? (zh ? "（国家标准）" : " (national standard)") : "")</small>" }
            h += "</td><td class=\"bar\">\(bar(m))</td><td class=\"num\">\(esc(ReportText.value(m)))</td>"
            h += "<td class=\"num\">\(esc(ReportText.target(m)))</td><td class=\"num\">\(esc(ReportText.fraction(m)))</td>"
            h += "<td><span class=\"badge \(m.status.rawValue)\">\(esc(ReportText.status(m.status, language)))</span></td>"
            if report.inProgress {
                if let p = report.projections[m.key] {
                    h += "<td class=\"num\" title=\"\(esc(ReportText.method(p, language)))\">\(esc(ReportText.projection(p)))\(p.method == .pace ? "†" : "")</td>"
                    h += "<td><span class=\"badge \(p.status.rawValue)\">\(esc(ReportText.status(p, language)))</span></td>"
                } else {
                    h += "<td></td><td></td>"
                }
            }
            h += "</tr>\n"
        }
        h += "</tbody>\n</table>\n"
        if report.inProgress {
            h += "<p class=\"note\">\(esc(ReportText.projectionNote(report, language)))\(zh ? "（† 含按速度推算）" : " († includes pace)")</p>\n"
        }
        h += "</section>\n"

        let gaps = metrics.compactMap { m in ReportText.gap(m, plan: report.plan, language).map { (m, $0) } }
        if !gaps.isEmpty {
            h += "<section>\n<h2>\(zh ? "差距" : "Gaps")</h2>\n<ul class=\"gaps\">\n"
            for (m, g) in gaps { h += "<li><b>\(esc(m.key.label(language)))</b>\(zh ? "：" : ": ")\(esc(g))</li>\n" }
            h += "</ul>\n</section>\n"
        }

        let years = report.history + [report.current]
        if years.count > 1 {
            h += "<section>\n<h2>\(zh ? "趋势（各年12月31日）" : "Trend (each year's Dec 31)")</h2>\n<div class=\"trends\">\n"
            for key in MetricKey.allCases {
                h += "<figure><figcaption>\(esc(key.label(language)))</figcaption>\(trend(key, years: years, plan: report.plan, language: language))</figure>\n"
            }
            h += "</div>\n<p class=\"legend\"><svg width=\"24\" height=\"8\"><line x1=\"0\" y1=\"4\" x2=\"24\" y2=\"4\" class=\"actual\"/></svg> \(zh ? "实际" : "actual")"
            h += " <svg width=\"24\" height=\"8\"><line x1=\"0\" y1=\"4\" x2=\"24\" y2=\"4\" class=\"target\"/></svg> \(zh ? "目标" : "target")</p>\n</section>\n"
        }

        h += "<section class=\"breakdowns\">\n<h2>\(zh ? "分类统计" : "Breakdowns")</h2>\n"
        for m in metrics where m.kind == .ratio && m.tally.denominator > 0 {
            h += "<table class=\"breakdown\"><caption>\(esc(m.key.label(language)))</caption><tbody>"
            for (t, p) in m.tally.typeRows {
                h += "<tr><th>\(esc(ReportText.groupLabel(t, language)))</th><td class=\"num\">\(esc(ReportText.pair(m.key, p)))</td></tr>"
            }
            for (a, p) in m.tally.areaRows {
                h += "<tr class=\"area\"><th>\(esc(ReportText.groupLabel(a, language)))</th><td class=\"num\">\(esc(ReportText.pair(m.key, p)))</td></tr>"
            }
            h += "</tbody></table>\n"
        }
        h += "</section>\n<footer>teacher-registry · \(esc(report.plan.id)) · \(zh ? "统计口径见 SPEC §6；个人信息不在本报告中" : "definitions: SPEC §6; no personal data in this report")</footer>\n"
        return h
    }

    /// Fraction of the scale a value takes, for bars and trends.
    static func scaleMax(_ key: MetricKey, values: [Double], targets: [Double]) -> Double {
        if key.kind == .ratio && key != .backbone_per_100_students { return 1 }
        return max(1, (values + targets).max() ?? 1) * 1.15
    }

    static func bar(_ m: MetricResult) -> String {
        let w = 150.0, hgt = 16.0
        let value = m.value ?? 0
        let target = m.target?.value.doubleValue
        let top = scaleMax(m.key, values: [value], targets: target.map { [$0] } ?? [])
        let x = max(0, min(1, value / top)) * w
        var s = "<svg class=\"barchart\" width=\"\(Int(w))\" height=\"\(Int(hgt))\" viewBox=\"0 0 \(Int(w)) \(Int(hgt))\" role=\"img\">"
        s += "<rect x=\"0\" y=\"3\" width=\"\(Int(w))\" height=\"10\" class=\"track\"/>"
        if m.value != nil { s += "<rect x=\"0\" y=\"3\" width=\"\(fmt(x))\" height=\"10\" class=\"fill \(m.status.rawValue)\"/>" }
        if let target {
            let tx = max(0, min(1, target / top)) * w
            s += "<line x1=\"\(fmt(tx))\" y1=\"0\" x2=\"\(fmt(tx))\" y2=\"\(Int(hgt))\" class=\"goal\"/>"
        }
        return s + "</svg>"
    }

    public static func trend(_ key: MetricKey, years: [YearMetrics], plan: Plan, language: Language) -> String {
        let w = 200.0, hgt = 90.0, left = 30.0, right = 8.0, top = 8.0, bottom = 18.0
        let values = years.map { $0[key].value }
        let targets = years.map { plan.target(key, year: $0.year)?.value.doubleValue }
        let hi = scaleMax(key, values: values.compactMap { $0 }, targets: targets.compactMap { $0 })
        let lo = min(0, values.compactMap { $0 }.min() ?? 0)
        func px(_ i: Int) -> Double { years.count == 1 ? left : left + Double(i) * (w - left - right) / Double(years.count - 1) }
        func py(_ v: Double) -> Double { top + (1 - (v - lo) / (hi - lo)) * (hgt - top - bottom) }
        let isPercent = key.kind == .ratio && key != .backbone_per_100_students
        func axis(_ v: Double) -> String {
            isPercent ? "\(Int((v * 100).rounded()))%" : (hi < 10 ? fmt(v) : "\(Int(v.rounded()))")
        }
        var s = "<svg class=\"trend\" width=\"\(Int(w))\" height=\"\(Int(hgt))\" viewBox=\"0 0 \(Int(w)) \(Int(hgt))\" role=\"img\">"
        for v in [lo, (lo + hi) / 2, hi] {
            s += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(py(v)))\" x2=\"\(fmt(w - right))\" y2=\"\(fmt(py(v)))\" class=\"grid\"/>"
            s += "<text x=\"\(fmt(left - 3))\" y=\"\(fmt(py(v) + 3))\" class=\"axis\" text-anchor=\"end\">\(esc(axis(v)))</text>"
        }
        for (i, y) in years.enumerated() {
            s += "<text x=\"\(fmt(px(i)))\" y=\"\(fmt(hgt - 5))\" class=\"axis\" text-anchor=\"middle\">\(y.year)</text>"
        }
        let targetPoints = targets.enumerated().compactMap { i, t in t.map { "\(fmt(px(i))),\(fmt(py($0)))" } }
        if targetPoints.count > 1 { s += "<polyline points=\"\(targetPoints.joined(separator: " "))\" class=\"target\"/>" }
        for (i, t) in targets.enumerated() { if let t { s += "<circle cx=\"\(fmt(px(i)))\" cy=\"\(fmt(py(t)))\" r=\"2.2\" class=\"targetdot\"/>" } }
        let actual = values.enumerated().compactMap { i, v in v.map { "\(fmt(px(i))),\(fmt(py($0)))" } }
        if actual.count > 1 { s += "<polyline points=\"\(actual.joined(separator: " "))\" class=\"actual\"/>" }
        for (i, v) in values.enumerated() {
            if let v { s += "<circle cx=\"\(fmt(px(i)))\" cy=\"\(fmt(py(v)))\" r=\"2.6\" class=\"actualdot \(years[i][key].status.rawValue)\"/>" }
        }
        return s + "</svg>"
    }

    static func fmt(_ d: Double) -> String {
        let r = (d * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    public static func esc(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    public static let css = """
    @page { size: A4; margin: 12mm; }
    * { box-sizing: border-box; }
    body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif;
           color: #1f2933; margin: 0 auto; padding: 8mm 6mm; max-width: 190mm; font-size: 10pt; line-height: 1.45; background: #fff; }
    h1 { font-size: 16pt; margin: 0 0 2mm; color: #12355b; }
    h2 { font-size: 12pt; margin: 6mm 0 2mm; color: #12355b; border-bottom: 1px solid #cfd8e3; padding-bottom: 1mm; }
    .sub { margin: 0 0 3mm; color: #52606d; }
    nav { display: flex; flex-wrap: wrap; gap: 4mm; margin-bottom: 3mm; font-size: 9.5pt; }
    nav a { color: #1d5fa8; text-decoration: none; margin-right: 1.5mm; }
    .cards { display: flex; gap: 3mm; }
    .card { flex: 1; border-radius: 2mm; padding: 2mm 3mm; background: #f0f4f8; display: flex; align-items: baseline; gap: 2mm; }
    .card .n { font-size: 16pt; font-weight: 700; }
    .card.met { background: #e3f4e8; color: #1e6b3a; } .card.not_met { background: #fde8e4; color: #a1301c; }
    .card.no_target { background: #eef1f5; color: #52606d; } .card.no_data { background: #fff6db; color: #8a6100; }
    table { border-collapse: collapse; width: 100%; }
    .scroll { overflow-x: auto; }
    table.metrics th { text-align: left; font-weight: 600; font-size: 9pt; color: #52606d; border-bottom: 1px solid #cfd8e3; padding: 1mm; }
    table.metrics td { border-bottom: 1px solid #edf0f4; padding: 1mm; vertical-align: middle; }
    tr { page-break-inside: avoid; }
    td.label small { display: block; color: #7b8794; font-size: 8pt; }
    td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    .badge { border-radius: 1mm; padding: 0 1.5mm; font-size: 8.5pt; white-space: nowrap; }
    .badge.met { background: #e3f4e8; color: #1e6b3a; } .badge.not_met { background: #fde8e4; color: #a1301c; }
    .badge.no_target { background: #eef1f5; color: #52606d; } .badge.no_data { background: #fff6db; color: #8a6100; }
    svg .track { fill: #edf0f4; } svg .fill.met { fill: #3c9d5d; } svg .fill.not_met { fill: #d9583b; }
    svg .fill.no_target, svg .fill.no_data { fill: #7b93b0; } svg .goal { stroke: #12355b; stroke-width: 2; }
    .gaps li { margin-bottom: 1mm; }
    .note { font-size: 8.5pt; color: #52606d; }
    .trends { display: grid; grid-template-columns: repeat(3, 1fr); gap: 2mm 4mm; }
    figure { margin: 0; page-break-inside: avoid; break-inside: avoid; }
    figcaption { font-size: 8.5pt; color: #323f4b; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    svg.trend { width: 100%; height: auto; }
    svg .grid { stroke: #e4e7eb; stroke-width: 1; } svg .axis { font-size: 8px; fill: #7b8794; }
    svg .actual { fill: none; stroke: #1d5fa8; stroke-width: 2; } svg .target { fill: none; stroke: #d9583b; stroke-width: 1.5; stroke-dasharray: 4 3; }
    svg .actualdot { fill: #1d5fa8; } svg .actualdot.not_met { fill: #d9583b; } svg .actualdot.met { fill: #3c9d5d; }
    svg .targetdot { fill: #fff; stroke: #d9583b; stroke-width: 1.2; }
    svg line.actual { stroke: #1d5fa8; } svg line.target { stroke: #d9583b; }
    .legend { font-size: 8.5pt; color: #52606d; }
    .breakdowns { columns: 2; column-gap: 6mm; }
    .breakdowns h2 { column-span: all; }
    table.breakdown { margin-bottom: 3mm; break-inside: avoid; font-size: 8.5pt; }
    table.breakdown caption { text-align: left; font-weight: 600; padding: 1mm 0; }
    table.breakdown th { text-align: left; font-weight: 400; color: #52606d; padding: 0.3mm 1mm; }
    table.breakdown tr.area th { color: #1d5fa8; }
    footer { margin-top: 6mm; font-size: 8pt; color: #9aa5b1; }
    @media print { body { padding: 0; max-width: none; } nav { display: none; } }
    """
}
