import Testing
@testable import TrinCore

@Suite struct DanishTimeTests {
    func day(_ s: String) -> Day { Day(iso: s)! }

    @Test func winterAndSummerOffsets() {
        #expect(DanishTime.instant(day: day("2023-01-03"), hour: 14, minute: 22, second: 5).description == "2023-01-03T13:22:05Z")
        #expect(DanishTime.instant(day: day("2023-07-03"), hour: 14, minute: 0, second: 0).description == "2023-07-03T12:00:00Z")
    }

    @Test func skippedHourInMarchIsReadAsWinterTime() {
        // 2023-03-26 02:30 does not exist in Copenhagen.
        #expect(DanishTime.instant(day: day("2023-03-26"), hour: 2, minute: 30, second: 0).description == "2023-03-26T01:30:00Z")
        #expect(DanishTime.instant(day: day("2023-03-26"), hour: 3, minute: 0, second: 0).description == "2023-03-26T01:00:00Z")
    }

    @Test func repeatedHourInOctoberIsItsFirstOccurrence() {
        #expect(DanishTime.instant(day: day("2023-10-29"), hour: 2, minute: 30, second: 0).description == "2023-10-29T00:30:00Z")
        #expect(DanishTime.instant(day: day("2023-10-29"), hour: 3, minute: 0, second: 0).description == "2023-10-29T02:00:00Z")
    }

    @Test func utcEndDateBecomesTheNextDanishDay() {
        let i = Instant(day: day("2023-03-30"), hour: 22, minute: 0, second: 0, offsetSeconds: 0)
        #expect(DanishTime.day(at: i) == day("2023-03-31"))
        let winter = Instant(day: day("2023-12-30"), hour: 23, minute: 0, second: 0, offsetSeconds: 0)
        #expect(DanishTime.day(at: winter) == day("2023-12-31"))
    }

    @Test func ageBandsCountLeapDayBirthdaysFromFirstOfMarch() {
        let birth = day("2000-02-29")
        #expect(AgeBand.age(birth: birth, at: day("2018-02-28")) == 17)
        #expect(AgeBand.age(birth: birth, at: day("2018-03-01")) == 18)
        #expect(AgeBand.age(birth: birth, at: day("2020-02-29")) == 20)
        #expect(AgeBand(age: 29) == .from25to29 && AgeBand(age: 30) == .from30to39)
    }

    @Test func daysRoundTrip() {
        for d in stride(from: -600_000, to: 2_900_000, by: 997) {
            let day = Day(daysSinceEpoch: Int32(d))
            let c = day.components
            #expect(Day(year: c.year, month: c.month, day: c.day) == day)
        }
        #expect(Day(year: 2023, month: 2, day: 31) == nil)
        #expect(day("1970-01-01").weekday == 3)
    }

    @Test func cvrModulus11() {
        #expect(CVRNumber("12345674") != nil)
        #expect(CVRNumber("12345675") == nil)
        #expect(CVRNumber("1234567") == nil)
        #expect(CVRNumber("1234567a") == nil)
    }

    @Test func maskHidesCPRShapesButKeepsDates() {
        let masked = PersonalDataMask.mask("010190-1234;03-01-2023;01 01 90 1234;x0101901234;03-01-2023 14:22:05")
        #expect(masked == "XXXXXX-XXXX;03-01-2023;XX XX XX XXXX;xXXXXXXXXXX;03-01-2023 14:22:05")
        #expect(PersonalDataMask.mask("12-010190-1234").contains("XXXX"))
        #expect(PersonalDataMask.mask("F-2023-0004711;01019-01234") == "F-2023-0004711;XXXXX-XXXXX")
    }
}
