/// A sentence in both languages the product speaks: Chinese first (the default for every user),
/// English with `--lang en`, `?lang=en` or `Accept-Language: en`.
public struct LocalizedText: Sendable, Hashable, CustomStringConvertible {
    public var zh: String
    public var en: String

    public init(_ zh: String, _ en: String) {
        self.zh = zh
        self.en = en
    }

    /// The same text in both languages (numbers, codes, names).
    public init(verbatim s: String) { self.init(s, s) }

    public func text(_ language: Language) -> String { language == .zh ? zh : en }

    /// Chinese: what a county user reads by default.
    public var description: String { zh }

    public static func + (a: LocalizedText, b: LocalizedText) -> LocalizedText { .init(a.zh + b.zh, a.en + b.en) }

    /// Joins sentences: `；` in Chinese, `; ` in English.
    public static func joined(_ parts: [LocalizedText]) -> LocalizedText {
        .init(parts.map(\.zh).joined(separator: "；"), parts.map(\.en).joined(separator: "; "))
    }
}

extension Language {
    /// The language an HTTP client asks for: `?lang=` wins, then the first supported tag of
    /// `Accept-Language` (`en-US,en;q=0.9` → en), else Chinese.
    public static func negotiate(query: String?, acceptLanguage: String?) -> Language {
        if let q = query, let l = Language(rawValue: q.lowercased()) { return l }
        guard let header = acceptLanguage else { return .zh }
        var best: (Language, Double)?
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingSpaces }
            guard let tag = pieces.first?.lowercased(), !tag.isEmpty else { continue }
            var q = 1.0
            for p in pieces.dropFirst() where p.hasPrefix("q=") { q = Double(p.dropFirst(2)) ?? 0 }
            let primary = tag.split(separator: "-").first.map(String.init) ?? tag
            guard let l = Language(rawValue: primary), q > 0 else { continue }
            if best.map({ q > $0.1 }) ?? true { best = (l, q) }
        }
        return best?.0 ?? .zh
    }
}

extension Substring {
    var trimmingSpaces: String {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
