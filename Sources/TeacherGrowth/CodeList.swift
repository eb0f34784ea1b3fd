/// One entry of a SPEC §4 code list: the English code (the enum's raw value), the national numeric
/// code where one exists, the Chinese spellings as listed (the first is the display label), and
/// the English label.
public struct CodeEntry<Value: Sendable>: Sendable {
    public let value: Value
    public let nationalCode: String?
    /// The listed Chinese string, e.g. `中专/中师/幼师`; each part between `/` is also accepted.
    public let chinese: String
    public let english: String
    /// Spellings in everyday use beyond the listed ones (`面授`, `线上`, `国培` …), accepted alike.
    public let aliases: [String]

    public init(_ value: Value, _ national: String? = nil, _ chinese: String, _ english: String, aliases: [String] = []) {
        self.value = value
        self.nationalCode = national
        self.chinese = chinese
        self.english = english
        self.aliases = aliases
    }
}

extension CodeEntry where Value: RawRepresentable, Value.RawValue == String {
    /// Every accepted form: the English code, the listed string and each spelling, the national
    /// code and the everyday aliases.
    public var forms: [String] {
        var f = [value.rawValue, chinese]
        if let n = nationalCode { f.append(n) }
        f += chinese.split(separator: "/").map(String.init)
        f += aliases
        return f
    }
}

/// A value of a SPEC §4 code list. Accepts the English code in any letter case, the national
/// numeric code, the whole listed Chinese string or any one spelling between `/`, with full-width
/// and half-width brackets treated alike and the cell trimmed.
public protocol CodeListValue: RawRepresentable, CaseIterable, Hashable, Sendable, Codable
where RawValue == String, AllCases: Sendable {
    /// The list's name as used in messages ("school type").
    static var listName: String { get }
    static var entries: [CodeEntry<Self>] { get }
    /// Built once per list: `static let lookup = CodeLookup(Self.entries)`.
    static var lookup: CodeLookup<Self> { get }
}

public enum Language: String, Sendable, CaseIterable, Codable {
    case zh, en
}

extension CodeListValue {
    public static func parse(_ text: some StringProtocol) -> Self? { lookup.find(String(text)) }

    public var entry: CodeEntry<Self> { Self.lookup.entry(self) }
    public var code: String { rawValue }
    public var nationalCode: String? { entry.nationalCode }
    /// The first Chinese spelling (`初级中学/初中` → `初级中学`).
    public var chineseLabel: String {
        let c = entry.chinese
        return c.split(separator: "/").first.map(String.init) ?? c
    }
    public var englishLabel: String { entry.english }
    public func label(_ language: Language) -> String { language == .zh ? chineseLabel : englishLabel }

    /// The accepted forms, for an error message: `urban 城区, town 镇区, rural 乡村`.
    public static var acceptedForms: String {
        entries.map { "\($0.value.rawValue) \($0.chinese)" }.joined(separator: ", ")
    }

    /// The closest accepted spelling to an unknown value ("did you mean 县级?"), or nil.
    public static func suggestion(for text: String) -> String? { lookup.suggest(text) }
}

/// The lookup table of one code list. Exact spellings are found with one dictionary probe; other
/// forms (letter case, brackets) after normalising.
public struct CodeLookup<Value: Hashable & Sendable & RawRepresentable>: Sendable where Value.RawValue == String {
    private let exact: [String: Value]
    private let normalised: [String: Value]
    private let byValue: [Value: CodeEntry<Value>]

    public init(_ entries: [CodeEntry<Value>]) {
        var exact: [String: Value] = [:]
        var normalised: [String: Value] = [:]
        var byValue: [Value: CodeEntry<Value>] = [:]
        for e in entries {
            byValue[e.value] = e
            for f in e.forms {
                exact[f] = e.value
                normalised[Text.fold(f)] = e.value
            }
        }
        self.exact = exact
        self.normalised = normalised
        self.byValue = byValue
    }

    public func find(_ text: String) -> Value? {
        if let v = exact[text] { return v }
        let trimmed = Text.trimmed(text)
        if let v = exact[trimmed] { return v }
        return normalised[Text.fold(trimmed)]
    }

    func entry(_ value: Value) -> CodeEntry<Value> { byValue[value]! }

    /// The accepted spelling closest to `text`: one that the text contains or that contains it
    /// (`县级培训` → 县级), else one within a small edit distance (`countyy` → county, `县及` → 县级).
    /// Chinese spellings are preferred to codes of equal distance.
    public func suggest(_ text: String) -> String? {
        let t = Text.fold(Text.trimmed(text))
        guard !t.isEmpty, t.unicodeScalars.count <= 40 else { return nil }
        let forms = byValue.values.sorted { $0.value.rawValue < $1.value.rawValue }.flatMap { e in
            e.forms.filter { f in !f.allSatisfy(\.isNumber) }
        }
        var best: (form: String, score: Int)?
        for f in forms {
            let folded = Text.fold(f)
            let n = folded.unicodeScalars.count
            var score = Int.max
            if n >= 2 && (t.contains(folded) || folded.contains(t)) {
                score = abs(t.unicodeScalars.count - n)
            } else {
                let d = CodeLookup.distance(Array(t.unicodeScalars), Array(folded.unicodeScalars))
                let limit = n <= 3 ? 1 : 2
                if d <= limit && d < n { score = d * 10 }
            }
            let isChinese = f.unicodeScalars.contains { $0.value >= 0x3000 }
            let adjusted = score == Int.max ? score : score * 2 + (isChinese ? 0 : 1)
            if adjusted < (best?.score ?? Int.max) { best = (f, adjusted) }
        }
        return best?.form
    }

    /// Levenshtein distance over Unicode scalars.
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

/// Text helpers shared by the domain and the importers.
public enum Text {
    /// For comparing codes and headers: full-width brackets made half-width, spaces dropped,
    /// lower-cased (`长期脱产研修（一个月以上）` ≡ `长期脱产研修(一个月以上)`).
    public static func fold(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "（": out.unicodeScalars.append("(")
            case "）": out.unicodeScalars.append(")")
            case " ", "\u{3000}": continue
            default: out.unicodeScalars.append(ch)
            }
        }
        return out.lowercased()
    }

    /// Whether the text may start or end with white space (a cheap byte test; false means it cannot).
    /// A white-space scalar starts with an ASCII space or control, or one of the lead bytes C2, E1,
    /// E2, E3, and ends in an ASCII space or control, or one of a few continuation bytes.
    public static func mayNeedTrimming(_ s: String) -> Bool {
        let u = s.utf8
        guard let f = u.first, let l = u.last else { return false }
        return f <= 0x20 || f == 0xC2 || (f >= 0xE1 && f <= 0xE3)
            || l <= 0x20 || (l >= 0x80 && l <= 0x8A) || l == 0x9F || l == 0xA0 || l == 0xA8 || l == 0xA9 || l == 0xAF
    }

    /// Trims white space at both ends: ASCII, the ideographic space (U+3000), no-break spaces
    /// and the other Unicode spaces. Text with none is returned as it is, without a copy.
    public static func trimmed(_ s: String) -> String {
        guard mayNeedTrimming(s) else { return s }
        let scalars = s.unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return "" }
        if !isSpace(first) && !isSpace(last) { return s }
        guard let a = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        let b = scalars.lastIndex(where: { !isSpace($0) })!
        return String(scalars[a...b])
    }

    public static func trimmed(_ s: Substring) -> String { trimmed(String(s)) }

    private static func isSpace(_ u: Unicode.Scalar) -> Bool {
        if u.value < 0x80 { return u.value == 0x20 || (u.value >= 0x09 && u.value <= 0x0D) }
        return u.properties.isWhitespace
    }
}
