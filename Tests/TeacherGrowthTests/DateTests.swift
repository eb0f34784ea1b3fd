import Testing
@testable import TeacherGrowth


@Suite("Calendar dates")
struct CivilDateTests {
    @Test func roundTripsEveryDayOfALeapCentury() {
        var date = d("1999-12-25")
        for _ in 0..<(366 * 30) {
            let next = date.adding(days: 1)
            #expect(CivilDate(iso: next.description) == next)
            #expect(next.dayNumber == date.dayNumber + 1)
            date = next
        }
        #expect(d("1970-01-01").dayNumber == 0)
        #expect(d("2000-03-01").dayNumber - d("2000-02-28").dayNumber == 2)
        #expect(d("2100-03-01").dayNumber - d("2100-02-28").dayNumber == 1)
    }

    @Test(arguments: [
        ("2024-02-29", 1, "2025-02-28"), ("2024-02-29", -1, "2023-02-28"), ("2024-02-29", 4, "2028-02-29"),
        ("2023-09-01", 5, "2028-09-01"), ("2021-01-01", -3, "2018-01-01"), ("2023-12-31", 1, "2024-12-31"),
    ])
    func addingYears(start: String, years: Int, expected: String) {
        #expect(d(start).adding(years: years) == d(expected))
    }

    @Test func rejectsImpossibleDays() {
        #expect(CivilDate(year: 2023, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 2024, month: 2, day: 29) != nil)
        #expect(CivilDate(year: 2023, month: 4, day: 31) == nil)
        #expect(CivilDate(year: 2023, month: 13, day: 1) == nil)
        #expect(CivilDate(iso: "2023-9-01") == nil)
    }
}

@Suite("Date input forms (SPEC §3)")
struct DateInputTests {
    @Test(arguments: [
        ("2023-09-01", "2023-09-01"), ("2023/9/1", "2023-09-01"), ("2023.9.1", "2023-09-01"),
        ("2023-9-1", "2023-09-01"), ("2023/09/01", "2023-09-01"), ("20230901", "2023-09-01"),
        ("2023年9月1日", "2023-09-01"), ("2023年09月01日", "2023-09-01"), ("2023/9/1 0:00:00", "2023-09-01"),
        ("2023-09-01 23:59", "2023-09-01"), ("2023年9月1日 8:05", "2023-09-01"), ("20240229", "2024-02-29"),
        ("2023.12.31 12:00:59", "2023-12-31"),
    ])
    func accepts(input: String, expected: String) throws {
        #expect(try DateInput.parse(input).get() == d(expected))
    }

    @Test(arguments: [
        "45170", "2023-02-30", "2023-13-01", "2023/9/1 24:00", "2023/9/1 0:60", "2023/9/1 0:0", "23-9-1",
        "2023-9", "2023/9-1", "Sept 1 2023", "2023年9月", "2023-09-01T00:00", "2023/9/1  0:00", "", "2023-001-01",
        "20230230", "1899-12-31",
    ])
    func rejects(input: String) {
        #expect(throws: DateInput.Failure.self) { try DateInput.parse(input).get() }
    }

    @Test func explainsExcelSerialNumbers() {
        guard case .failure(let f) = DateInput.parse("45170") else { Issue.record("accepted"); return }
        #expect(f == .serialNumber("45170"))
        #expect(f.description.contains("format the column as a date"))
    }
}

@Suite("Hours and money are exact")
struct QuantityTests {
    @Test(arguments: [("24", 240), ("24.5", 245), ("0.1", 1), ("2000", 20000), ("007", 70)])
    func parsesHours(text: String, tenths: Int) { #expect(Hours(parsing: text)?.tenths == tenths) }

    @Test(arguments: ["24.55", "-3", "2o", "1,200", "", ".5", "5.", "1e3", "+4", "24 5"])
    func rejectsHours(text: String) { #expect(Hours(parsing: text) == nil) }

    @Test func sumsWithoutFloatingPoint() {
        let total = (0..<10).map { _ in Hours(parsing: "0.1")! }.reduce(Hours.zero, +)
        #expect(total == Hours(tenths: 10))
        #expect(total.description == "1")
        #expect(Hours(tenths: 245).oneDecimal == "24.5")
        #expect(Yuan(parsing: "29999.99")?.fen == 2_999_999)
        #expect(Yuan(parsing: "30000.5")?.fen == 3_000_050)
        #expect(Yuan(parsing: "1.234") == nil)
    }
}

@Suite("National identity numbers")
struct NationalIDTests {
    @Test func acceptsValidCheckDigits() throws {
        let r = try NationalID.validate("500242198503121234").get()
        #expect(r.birthDate == d("1985-03-12"))
        #expect(try NationalID.validate("11010519491231002x").get().id == "11010519491231002X")
    }

    @Test(arguments: ["500242198503121235", "50024219850312123", "5002421985031212345", "50024219850312123A",
                      "500242198502301237", "５00242198503121234"])
    func rejects(id: String) {
        #expect(throws: NationalID.Failure.self) { try NationalID.validate(id).get() }
    }

    @Test func masks() {
        #expect(NationalID.masked("500242198503121234") == "500242********1234")
    }
}
