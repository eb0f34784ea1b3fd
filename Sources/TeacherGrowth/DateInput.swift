/// Parsing of the date forms HR exports contain (SPEC §3):
/// `2023-09-01`, `2023/9/1`, `2023.9.1`, `20230901`, `2023年9月1日`, each optionally followed by a
/// space and a time of day (`2023/9/1 0:00:00`), which is ignored.
public enum DateInput {
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        /// A whole number that is not YYYYMMDD, such as an Excel serial number (45170).
        case serialNumber(String)
        /// The form is right but the day does not exist (2023-02-30).
        case notACalendarDate(String)
        /// Anything else.
        case unrecognised(String)

        /// The sentence in both languages.
        public var localized: LocalizedText {
            switch self {
            case .serialNumber(let s):
                return .init("“\(s)”是数字而不是日期（可能是 Excel 的日期序号）；请把这一列设为日期格式（YYYY-MM-DD）后重新导出",
                             "\"\(s)\" is a number, not a date (an Excel serial date?); format the column as a date (YYYY-MM-DD) and export again")
            case .notACalendarDate(let s):
                return .init("“\(s)”不是 1900 至 2100 年之间的有效日期；请检查年、月、日",
                             "\"\(s)\" is not a calendar date between 1900 and 2100; check the year, month and day")
            case .unrecognised(let s):
                return .init("“\(s)”不是日期；请写成 YYYY-MM-DD（如 2023-09-01）", "\"\(s)\" is not a date; write it as YYYY-MM-DD (e.g. 2023-09-01)")
            }
        }

        public var description: String {
            switch self {
            case .serialNumber(let s):
                return "\"\(s)\" is a number, not a date (an Excel serial date?); format the column as a date (YYYY-MM-DD) and export again"
            case .notACalendarDate(let s):
                return "\"\(s)\" is not a calendar date between 1900 and 2100; check the year, month and day"
            case .unrecognised(let s):
                return "\"\(s)\" is not a date; write it as YYYY-MM-DD (e.g. 2023-09-01)"
            }
        }
    }

    public static func parse(_ raw: some StringProtocol) -> Result<CivilDate, Failure> {
        // Fast path: the canonical form, as exports and the registry's own files write it.
        if raw.utf8.count == 10, let d = CivilDate(iso: raw) {
            return (1900...2100).contains(d.year) ? .success(d) : .failure(.notACalendarDate(String(raw)))
        }
        let text = String(raw)
        var scalars = Array(text.unicodeScalars)
        // A trailing time of day: " H:MM" or " H:MM:SS".
        if let space = scalars.lastIndex(of: " ") {
            guard isTimeOfDay(scalars[(space + 1)...]) else { return .failure(.unrecognised(text)) }
            scalars = Array(scalars[..<space])
        }
        if scalars.isEmpty { return .failure(.unrecognised(text)) }
        let allDigits = scalars.allSatisfy(isDigit)
        if allDigits {
            guard scalars.count == 8 else { return .failure(.serialNumber(text)) }
            let n = scalars.map { Int($0.value - 48) }
            return make(n[0] * 1000 + n[1] * 100 + n[2] * 10 + n[3], n[4] * 10 + n[5], n[6] * 10 + n[7], text)
        }
        // 2023年9月1日
        if scalars.last == "日" {
            let body = String(String.UnicodeScalarView(scalars.dropLast()))
            let a = body.split(separator: "年", omittingEmptySubsequences: false)
            guard a.count == 2 else { return .failure(.unrecognised(text)) }
            let b = a[1].split(separator: "月", omittingEmptySubsequences: false)
            guard b.count == 2, let y = digits(a[0], 4...4), let m = digits(b[0], 1...2),
                  let d = digits(b[1], 1...2) else { return .failure(.unrecognised(text)) }
            return make(y, m, d, text)
        }
        // Y-M-D with one of - / . used consistently.
        guard let sep = scalars.first(where: { $0 == "-" || $0 == "/" || $0 == "." }) else {
            return .failure(.unrecognised(text))
        }
        let parts = String(String.UnicodeScalarView(scalars)).split(separator: Character(sep), omittingEmptySubsequences: false)
        guard parts.count == 3, let y = digits(parts[0], 4...4), let m = digits(parts[1], 1...2),
              let d = digits(parts[2], 1...2) else { return .failure(.unrecognised(text)) }
        return make(y, m, d, text)
    }

    private static func make(_ y: Int, _ m: Int, _ d: Int, _ text: String) -> Result<CivilDate, Failure> {
        // Years outside 1900–2100 are typing errors in a teacher register, not facts.
        guard (1900...2100).contains(y), let date = CivilDate(year: y, month: m, day: d) else {
            return .failure(.notACalendarDate(text))
        }
        return .success(date)
    }

    private static func isDigit(_ s: Unicode.Scalar) -> Bool { s.value >= 48 && s.value <= 57 }

    private static func digits(_ s: Substring, _ width: ClosedRange<Int>) -> Int? {
        let u = s.unicodeScalars
        guard width.contains(u.count), u.allSatisfy(isDigit) else { return nil }
        return u.reduce(0) { $0 * 10 + Int($1.value - 48) }
    }

    private static func isTimeOfDay(_ s: ArraySlice<Unicode.Scalar>) -> Bool {
        let fields = String(String.UnicodeScalarView(s)).split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 2 || fields.count == 3,
              let h = digits(fields[0], 1...2), h <= 23 else { return false }
        for f in fields.dropFirst() {
            guard let v = digits(f, 2...2), v <= 59 else { return false }
        }
        return true
    }
}
