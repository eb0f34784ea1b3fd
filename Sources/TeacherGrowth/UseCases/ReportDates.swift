/// The one owner of the year and as-of rules every report, view and route applies (SPEC §6, §10;
/// issue 13): a year is a whole number from 1990 to 2100; an as-of date lies in its year; without
/// one, a past year is reported as of Dec 31 and the current year as of today (in progress).
public enum ReportDates {
    public static let years = 1990...2100

    public static func isValidYear(_ y: Int) -> Bool { years.contains(y) }

    /// The as-of day for year Y.
    public static func asOf(year: Int, asOf: CivilDate?, today: CivilDate?) throws -> CivilDate {
        guard isValidYear(year) else {
            throw PlanError("年份 \(year) 不在 1990–2100 之间；请给出如 2025 这样的年份", "The year \(year) is outside 1990–2100; give a year such as 2025.")
        }
        if let asOf {
            guard asOf.year == year else {
                throw PlanError("截至日期 \(asOf) 不在 \(year) 年内；请给出 \(year)-01-01 至 \(year)-12-31 之间的日期",
                                "--as-of \(asOf) is not in \(year); give a date from \(year)-01-01 to \(year)-12-31.")
            }
            return asOf
        }
        if let today, today.year == year { return today }
        return CivilDate.lastDay(of: year)
    }

    /// Whether year Y as of D is still in progress (D is before Y's Dec 31 and Y is the current year).
    public static func isInProgress(year: Int, asOf: CivilDate, today: CivilDate?) -> Bool {
        guard let today, today.year == year else { return false }
        return asOf < CivilDate.lastDay(of: year)
    }

    /// `2021-2025` (also `2021–2025`, `2021至2025`) → 2021...2025.
    public static func period(_ text: String) -> ClosedRange<Int>? {
        let t = text.replacingOccurrences(of: "–", with: "-").replacingOccurrences(of: "—", with: "-").replacingOccurrences(of: "至", with: "-")
        let parts = t.split(separator: "-")
        guard parts.count == 2, let a = Int(parts[0]), let b = Int(parts[1]), isValidYear(a), isValidYear(b), a <= b else { return nil }
        return a...b
    }
}
