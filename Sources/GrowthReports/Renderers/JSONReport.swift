import TeacherGrowth

/// A tiny ordered JSON writer: reports keep SPEC §6 key order and exact numbers.
public indirect enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    /// A number written as given (e.g. a target `0.95`).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public func render(indent: Int = 0, pretty: Bool = true) -> String {
        let pad = pretty ? String(repeating: "  ", count: indent) : ""
        let inner = pretty ? String(repeating: "  ", count: indent + 1) : ""
        let nl = pretty ? "\n" : ""
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return d.isFinite ? "\(d)" : "null"
        case .number(let s): return s
        case .string(let s): return JSONValue.quote(s)
        case .array(let items):
            if items.isEmpty { return "[]" }
            return "[" + nl + items.map { inner + $0.render(indent: indent + 1, pretty: pretty) }.joined(separator: "," + nl) + nl + pad + "]"
        case .object(let fields):
            if fields.isEmpty { return "{}" }
            let sep = pretty ? ": " : ":"
            return "{" + nl + fields.map { inner + JSONValue.quote($0.0) + sep + $0.1.render(indent: indent + 1, pretty: pretty) }
                .joined(separator: "," + nl) + nl + pad + "}"
        }
    }

    static func quote(_ s: String) -> String { JSONText.string(s) }
}

/// `report --format json` (SPEC §6): ratio values and targets are fractions, not percents.
public enum JSONReport {
    public static func render(_ report: GrowthReport, language: Language = .zh) -> String {
        let p = report.plan
        var scope: [(String, JSONValue)] = []
        switch report.scope {
        case .registry: break
        case .county(let c): scope = [("scope", .object([("kind", .string("county")), ("county", .string(c))]))]
        case .municipal(let cs): scope = [("scope", .object([("kind", .string("municipal")), ("counties", .array(cs.map { .string($0) }))]))]
        }
        let doc: JSONValue = .object(scope + [
            ("plan", .object([
                ("id", .string(p.id)), ("name", .string(p.name.text(language))), ("county", .string(p.county.text(language))),
                ("period", .object([("start", .int(p.firstYear)), ("end", .int(p.lastYear))])),
                ("status", .string(p.status.rawValue)),
            ])),
            ("year", .int(report.year)),
            ("demo_data", .bool(report.isDemoData)),
            ("as_of", .string(report.asOf.description)),
            ("cycle", cycle(report.current.cycle)),
            ("in_progress", .bool(report.inProgress)),
            ("metrics", .array(report.current.metrics.map { m in
                var json = metric(m, plan: p, language: language, breakdowns: true)
                if case .object(var fields) = json, let pr = report.projections[m.key] {
                    fields.append(("projection", projection(pr, year: report.year)))
                    json = .object(fields)
                }
                return json
            })),
            ("history", .array(report.history.map { y in
                .object([("year", .int(y.year)), ("as_of", .string(y.asOf.description)), ("cycle", cycle(y.cycle)),
                         ("metrics", .array(y.metrics.map { metric($0, plan: p, language: language, breakdowns: false) }))])
            })),
        ])
        return doc.render() + "\n"
    }

    static func projection(_ p: Projection, year: Int) -> JSONValue {
        let r = p.result
        return .object([
            ("as_of", .string(CivilDate.lastDay(of: year).description)),
            ("value", r.value.map { r.kind == .count ? .int(r.numerator) : .double($0) } ?? .null),
            ("numerator", r.kind == .ratio ? .int(r.tally.numerator) : .null),
            ("denominator", r.kind == .ratio ? .int(r.tally.denominator) : .null),
            ("method", .string(p.method.rawValue)),
            ("status", .string(r.status.rawValue)),
        ])
    }

    static func cycle(_ c: TrainingCycle) -> JSONValue {
        .object([("start", .string(c.start.description)), ("end", .string(c.end.description))])
    }

    static func fractionNumber(_ f: Fraction) -> JSONValue { .double(f.doubleValue) }

    public static func metric(_ m: MetricResult, plan: Plan, language: Language, breakdowns: Bool) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("key", .string(m.key.rawValue)),
            ("kind", .string(m.kind.rawValue)),
            ("label", .string(m.key.label(language))),
            ("value", m.value.map { m.kind == .count ? .int(m.numerator) : .double($0) } ?? .null),
            ("numerator", m.kind == .ratio ? .int(m.tally.numerator) : .null),
            ("denominator", m.kind == .ratio ? .int(m.tally.denominator) : .null),
            ("target", m.target.map { t in
                .object([("op", .string(t.op)), ("value", fractionNumber(t.value)), ("source", .string(t.source)),
                         ("national_standard", .bool(t.isNationalStandard))])
            } ?? .null),
            ("status", .string(m.status.rawValue)),
            ("gap", m.status == .not_met
                ? .object([("k", m.gap.map { .int($0) } ?? .null), ("text", ReportText.gap(m, plan: plan, language).map { .string($0) } ?? .null)])
                : .null),
        ]
        if breakdowns && m.kind == .ratio {
            func group(_ label: String?, _ p: MetricTally.Pair) -> JSONValue {
                .object([("group", label.map { .string($0) } ?? .null), ("numerator", .int(p.numerator)), ("denominator", .int(p.denominator)),
                         ("value", p.denominator == 0 ? .null : .double(Double(p.numerator) / Double(p.denominator)))])
            }
            fields.append(("breakdowns", .object([
                ("school_type", .array(m.tally.typeRows.map { group($0.0?.rawValue, $0.1) })),
                ("area", .array(m.tally.areaRows.map { group($0.0?.rawValue, $0.1) })),
            ])))
        }
        if let stages = m.tally.byStage, breakdowns {
            fields.append(("by_stage", .array(stages.enumerated().compactMap { i, n in
                n == 0 ? nil : .object([("stage", i < Stage.allCases.count ? .string(Stage.allCases[i].rawValue) : .null), ("count", .int(n))])
            })))
        }
        return .object(fields)
    }
}
