extension Plan {
    /// What changed from `old` to this plan, one sentence each, for the change log.
    public func differences(from old: Plan) -> [LocalizedText] {
        var out: [LocalizedText] = []
        if name != old.name { out.append(.init("名称：\(old.name.zh) → \(name.zh)", "name: \(old.name.en) → \(name.en)")) }
        if status != old.status { out.append(.init("状态：\(old.status.rawValue) → \(status.rawValue)", "status: \(old.status.rawValue) → \(status.rawValue)")) }
        if years != old.years {
            out.append(.init("规划期：\(old.firstYear)–\(old.lastYear) → \(firstYear)–\(lastYear)", "period: \(old.firstYear)–\(old.lastYear) → \(firstYear)–\(lastYear)"))
        }
        if policy != old.policy { out.append(.init("政策有改动", "the policy changed")) }
        for key in MetricKey.allCases {
            let years = Set((targets[key] ?? [:]).keys).union((old.targets[key] ?? [:]).keys).sorted()
            for y in years {
                let a = old.targets[key]?[y], b = targets[key]?[y]
                guard a?.value != b?.value || a?.source != b?.source else { continue }
                let before = a.map { "≥\($0.value.decimalText)" } ?? "—"
                let after = b.map { "≥\($0.value.decimalText)" } ?? "—"
                out.append(.init("\(key.rawValue) \(y)：\(before) → \(after)", "\(key.rawValue) \(y): \(before) → \(after)"))
            }
        }
        for key in MetricKey.allCases where nationalStandards[key]?.value != old.nationalStandards[key]?.value {
            out.append(.init("\(key.rawValue) 国家标准：\(old.nationalStandards[key].map { $0.value.decimalText } ?? "—") → \(nationalStandards[key].map { $0.value.decimalText } ?? "—")",
                             "\(key.rawValue) national standard: \(old.nationalStandards[key].map { $0.value.decimalText } ?? "—") → \(nationalStandards[key].map { $0.value.decimalText } ?? "—")"))
        }
        return out
    }
}
