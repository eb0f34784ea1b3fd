/// The one JSON string quoter and the one CSV field writer every module uses.
public enum JSONText {
    public static func string(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}

/// RFC 4180 output: a field with a comma, quote or line break is quoted, quotes doubled.
public enum CSVText {
    // Bytes, not Characters: "\r\n" is one Character in Swift and equals neither "\r" nor "\n"
    // (the fuzz test found a field starting with CRLF written unquoted).
    public static func field(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One record with a CRLF line end (what Excel writes).
    public static func line(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") + "\r\n" }

    /// Characters that make a spreadsheet read a cell as a formula (`=`, `+`, `-`, `@`), or that
    /// Excel strips before doing so (tab, carriage return).
    public static let formulaTriggers: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    /// Text a spreadsheet will show as text: a leading formula character gets a `'` before it
    /// (`=HYPERLINK(…)` → `'=HYPERLINK(…)`), which Excel hides and import removes again.
    public static func neutralised(_ s: String) -> String {
        guard let first = s.first, formulaTriggers.contains(first) else { return s }
        return "'" + s
    }

    /// The reverse of `neutralised`: one leading `'` before a formula character is dropped.
    public static func unneutralised(_ s: String) -> String {
        guard s.hasPrefix("'"), let second = s.dropFirst().first, formulaTriggers.contains(second) else { return s }
        return String(s.dropFirst())
    }
}
