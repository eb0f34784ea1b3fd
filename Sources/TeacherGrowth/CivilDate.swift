/// A calendar date with no time of day and no time zone (SPEC §3: "Dates are calendar dates").
///
/// Stored as a day number (days since 1970-01-01, proleptic Gregorian) so that comparison and
/// day arithmetic are integer operations. `description` is always `YYYY-MM-DD`.
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public let dayNumber: Int

    public init(dayNumber: Int) { self.dayNumber = dayNumber }

    /// A date from its parts, or nil when the parts are not a calendar date (2023-02-30).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= CivilDate.daysInMonth(year: year, month: month) else { return nil }
        self.dayNumber = CivilDate.days(year: year, month: month, day: day)
    }

    public var year: Int { parts.year }
    public var month: Int { parts.month }
    public var day: Int { parts.day }

    public var parts: (year: Int, month: Int, day: Int) {
        // Howard Hinnant's civil_from_days.
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public func adding(days: Int) -> CivilDate { CivilDate(dayNumber: dayNumber + days) }

    /// Whole years later (or earlier for a negative count); Feb 29 becomes Feb 28 in a non-leap year (SPEC §3).
    public func adding(years: Int) -> CivilDate {
        let p = parts
        let y = p.year + years
        let d = min(p.day, CivilDate.daysInMonth(year: y, month: p.month))
        return CivilDate(dayNumber: CivilDate.days(year: y, month: p.month, day: d))
    }

    /// Days from `self` to `other` (positive when `other` is later).
    public func days(until other: CivilDate) -> Int { other.dayNumber - dayNumber }

    public static func < (a: CivilDate, b: CivilDate) -> Bool { a.dayNumber < b.dayNumber }

    public var description: String {
        let p = parts
        return "\(CivilDate.pad(p.year, 4))-\(CivilDate.pad(p.month, 2))-\(CivilDate.pad(p.day, 2))"
    }

    /// Jan 1 and Dec 31 of a year.
    public static func firstDay(of year: Int) -> CivilDate { CivilDate(year: year, month: 1, day: 1)! }
    public static func lastDay(of year: Int) -> CivilDate { CivilDate(year: year, month: 12, day: 31)! }

    /// Parses the canonical `YYYY-MM-DD` form only (the database and JSON form).
    public init?(iso text: String) {
        // Straight over the bytes, no copies: an import parses millions of these.
        let ymd = text.utf8.withContiguousStorageIfAvailable(CivilDate.isoParts)
            ?? Array(text.utf8).withUnsafeBufferPointer(CivilDate.isoParts)
        guard let ymd else { return nil }
        self.init(year: ymd.0, month: ymd.1, day: ymd.2)
    }

    public init?(iso text: some StringProtocol) { self.init(iso: String(text)) }

    /// Parses `YYYY-MM-DD` from UTF-8 bytes (a database's own buffer).
    public init?(isoBytes bytes: UnsafeBufferPointer<UInt8>) {
        guard let ymd = CivilDate.isoParts(bytes) else { return nil }
        self.init(year: ymd.0, month: ymd.1, day: ymd.2)
    }

    private static func isoParts(_ u: UnsafeBufferPointer<UInt8>) -> (Int, Int, Int)? {
        guard u.count == 10, u[4] == 0x2D, u[7] == 0x2D else { return nil }
        func digits(_ range: Range<Int>) -> Int? {
            var n = 0
            for i in range {
                let b = u[i]
                guard b >= 0x30, b <= 0x39 else { return nil }
                n = n * 10 + Int(b &- 0x30)
            }
            return n
        }
        guard let y = digits(0..<4), let m = digits(5..<7), let d = digits(8..<10) else { return nil }
        return (y, m, d)
    }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func days(year: Int, month: Int, day: Int) -> Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

extension CivilDate: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = CivilDate(iso: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "\"\(text)\" is not a YYYY-MM-DD date"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// An inclusive range of days; `end == nil` means open-ended ("still holds").
public struct DateSpan: Hashable, Sendable {
    public var start: CivilDate
    public var end: CivilDate?
    public init(start: CivilDate, end: CivilDate?) { self.start = start; self.end = end }
    public func contains(_ d: CivilDate) -> Bool { start <= d && (end.map { d <= $0 } ?? true) }
}
