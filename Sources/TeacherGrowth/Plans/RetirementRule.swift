/// The statutory retirement age (a plan policy value), used to leave out of the rotation planner
/// the teachers who would retire before a rotation ends. Since 2025 the age rises gradually
/// (全国人大常委会关于实施渐进式延迟法定退休年龄的决定, 2024): for people born from a given month
/// on, one month later per `monthsPerStep` months of birth, up to `maxDelayMonths`.
public struct RetirementRule: Sendable, Hashable {
    public struct Age: Sendable, Hashable {
        public var years: Int
        /// The first birth month whose retirement is delayed (nil: never delayed).
        public var delayFromBirth: (year: Int, month: Int)?
        public var monthsPerStep: Int
        public var maxDelayMonths: Int

        public static func == (a: Age, b: Age) -> Bool {
            a.years == b.years && a.delayFromBirth?.year == b.delayFromBirth?.year && a.delayFromBirth?.month == b.delayFromBirth?.month
                && a.monthsPerStep == b.monthsPerStep && a.maxDelayMonths == b.maxDelayMonths
        }

        public func hash(into h: inout Hasher) { h.combine(years); h.combine(monthsPerStep); h.combine(maxDelayMonths) }

        /// The months of delay for someone born in this month.
        func delayMonths(born: CivilDate) -> Int {
            guard let from = delayFromBirth, monthsPerStep > 0 else { return 0 }
            let months = (born.year - from.year) * 12 + (born.month - from.month)
            guard months >= 0 else { return 0 }
            return min(maxDelayMonths, months / monthsPerStep + 1)
        }
    }

    public var male: Age
    public var female: Age
    public var source: String

    /// The day the person reaches the statutory retirement age (nil when gender is unknown).
    public func retirementDate(born: CivilDate, gender: Gender?) -> CivilDate? {
        guard let gender else { return nil }
        let age = gender == .male ? male : female
        let reached = born.adding(years: age.years)
        return reached.adding(months: age.delayMonths(born: born))
    }

    struct File: Codable {
        struct AgeFile: Codable {
            var age: Int
            var delay_from_birth_month: String?
            var months_per_step: Int?
            var max_delay_months: Int?
        }
        var source: String?
        var male: AgeFile
        var female: AgeFile
    }

    init(file: File) throws {
        func age(_ a: File.AgeFile, _ field: String) throws -> Age {
            guard (40...75).contains(a.age) else {
                throw PlanError("policy.retirement.\(field).age 应在 40 至 75 之间", "policy.retirement.\(field).age must be from 40 to 75.")
            }
            var from: (Int, Int)?
            if let m = a.delay_from_birth_month {
                let parts = m.split(separator: "-")
                guard parts.count == 2, let y = Int(parts[0]), let mo = Int(parts[1]), (1...12).contains(mo) else {
                    throw PlanError("policy.retirement.\(field).delay_from_birth_month 应写成 YYYY-MM", "policy.retirement.\(field).delay_from_birth_month must be YYYY-MM.")
                }
                from = (y, mo)
            }
            return Age(years: a.age, delayFromBirth: from, monthsPerStep: a.months_per_step ?? 0, maxDelayMonths: a.max_delay_months ?? 0)
        }
        male = try age(file.male, "male")
        female = try age(file.female, "female")
        source = file.source ?? ""
    }

    func jsonText(indent: String) -> String {
        func age(_ a: Age) -> String {
            var s = "{ \"age\": \(a.years)"
            if let f = a.delayFromBirth {
                s += ", \"delay_from_birth_month\": \"\(f.year)-\(f.month < 10 ? "0" : "")\(f.month)\", \"months_per_step\": \(a.monthsPerStep), \"max_delay_months\": \(a.maxDelayMonths)"
            }
            return s + " }"
        }
        return "{\n\(indent)  \"source\": \(JSONText.string(source)),\n\(indent)  \"male\": \(age(male)),\n\(indent)  \"female\": \(age(female))\n\(indent)}"
    }
}

extension CivilDate {
    /// Whole months later; the day is clamped to the month's length.
    public func adding(months: Int) -> CivilDate {
        let p = parts
        let total = p.year * 12 + (p.month - 1) + months
        let y = total / 12, m = total % 12 + 1
        let d = min(p.day, CivilDate.daysInMonth(year: y, month: m))
        return CivilDate(year: y, month: m, day: d)!
    }

    /// Age in whole years on `d` of someone born on this day.
    public func age(on d: CivilDate) -> Int {
        var n = d.year - year
        if (d.month, d.day) < (month, day) { n -= 1 }
        return n
    }
}
