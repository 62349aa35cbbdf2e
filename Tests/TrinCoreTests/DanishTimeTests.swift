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

    @Test func summerTimeTableAgreesWithTheRule() {
        // The bounds come from a table for the years exports hold; the year a reader passes
        // in gives the same instant as the one worked out from the day.
        for year in 1890...2210 {
            #expect(DanishTime.summerTimeBounds(year: year) == DanishTime.computedBounds(year: year))
            let first = Day(year: year, month: 1, day: 1)!.daysSinceEpoch
            for day in stride(from: first, to: first + 366, by: 3) {
                let d = Day(daysSinceEpoch: day)
                for hour in [0, 2, 23] {
                    #expect(DanishTime.instant(day: d, year: d.year, hour: hour, minute: 30, second: 0)
                            == DanishTime.instant(day: d, hour: hour, minute: 30, second: 0))
                }
            }
        }
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

    @Test("the band read from the day count is the band of the whole years, at every band's edge")
    func bandFromDaysIsTheBandOfTheAge() {
        var checked = 0, nearEdges = 0
        // Births over a century, leap days among them; dates around each birthday that
        // moves someone into another band (±3 days), and some in between.
        for birthDays in stride(from: -25_000, to: 15_000, by: 37) + [day("2000-02-29").daysSinceEpoch, day("1996-02-29").daysSinceEpoch].map(Int.init) {
            let birth = Day(daysSinceEpoch: Int32(birthDays))
            let c = birth.components
            for edge in [18, 25, 30, 40, 50, 60] {
                let birthday = Day(year: c.year + edge, month: c.month, day: c.day) ?? Day(year: c.year + edge, month: 3, day: 1)!
                for offset in -3...3 {
                    let date = birthday.adding(days: offset)
                    #expect(AgeBand.band(birth: birth, at: date) == AgeBand(age: AgeBand.age(birth: birth, at: date)), "\(birth) \(date)")
                    nearEdges += 1
                }
            }
            for years in stride(from: 0, to: 95, by: 7) {
                let date = birth.adding(days: years * 365 + birthDays % 300)
                #expect(AgeBand.band(birth: birth, at: date) == AgeBand(age: AgeBand.age(birth: birth, at: date)), "\(birth) \(date)")
                checked += 1
            }
        }
        #expect(checked > 10_000 && nearEdges > 30_000)
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

    @Test func maskHidesCPRNumbersInAnyUnicodeSpelling() {
        // Full-width and Arabic-Indic digits, the Unicode hyphen, minus sign and figure dash,
        // no-break and thin spaces: each reads as its ASCII counterpart, and is masked.
        for spelling in ["０１０１９０‐１２３４", "010190\u{2010}1234", "010190\u{2212}1234", "010190\u{2012}1234",
                         "٠١٠١٩٠-١٢٣٤", "01\u{2009}01\u{2009}90\u{202F}1234", "０１０１９０１２３４", "Café 010190\u{2011}1234"] {
            let masked = PersonalDataMask.mask("Kontakt \(spelling) ø")
            #expect(masked.unicodeScalars.filter { $0.properties.numericType == .decimal }.isEmpty, "\(spelling) → \(masked)")
            #expect(masked.hasPrefix("Kontakt ") && masked.hasSuffix(" ø"))
        }
        #expect(PersonalDataMask.mask("Kontakt ０１０１９０‐１２３４") == "Kontakt XXXXXX‐XXXX")
        // Non-ASCII text keeps its dates, short numbers and letters.
        #expect(PersonalDataMask.mask("Café Ø 03-01-2023 14:22:05 ８ timer") == "Café Ø 03-01-2023 14:22:05 ８ timer")
    }

    @Test func maskHidesCPRShapesButKeepsDates() {
        let masked = PersonalDataMask.mask("010190-1234;03-01-2023;01 01 90 1234;x0101901234;03-01-2023 14:22:05")
        #expect(masked == "XXXXXX-XXXX;03-01-2023;XX XX XX XXXX;xXXXXXXXXXX;03-01-2023 14:22:05")
        #expect(PersonalDataMask.mask("12-010190-1234").contains("XXXXXX-XXXX"))
        // Every spelling the parser accepts, and those a person would recognise.
        for spelling in ["010190\u{00A0}1234", "010190\t1234", "01-01-90-1234", "01.01.90-1234", "010190\u{2013}1234",
                         "01019-01234", "2023-01-03 0101901234", "0101901234/praktik"] {
            #expect(!PersonalDataMask.mask("a;\(spelling);b").contains("1234"), "\(spelling)")
        }
        // Dates, timestamps, short numbers and CVR numbers stay readable.
        #expect(PersonalDataMask.mask("2023-01-03T14:22:05+01:00;12345674;12,5") == "2023-01-03T14:22:05+01:00;12345674;12,5")
        #expect(PersonalDataMask.mask("31-12-2023 23:59:59") == "31-12-2023 23:59:59")
        // Identifiers keep every number that is not a valid CPR number.
        #expect(PersonalDataMask.maskValidCPRNumbers("F-2023-0004711") == "F-2023-0004711")
        #expect(PersonalDataMask.maskValidCPRNumbers("P-0101901234/praktik/2023-01-03") == "P-XXXXXXXXXX/praktik/2023-01-03")
        #expect(PersonalDataMask.maskValidCPRNumbers("2023 010190-1234") == "2023 XXXXXX-XXXX")
        #expect(PersonalDataMask.maskValidCPRNumbers("id 3202901234") == "id 3202901234")   // not a real date
    }
}
