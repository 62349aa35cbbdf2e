import Testing
import TrinCore
import TrinSchedule

/// `2026-03-29T01:00Z` → Instant (tests write UTC instants; the schedule works in Danish time).
func utc(_ text: String) -> Instant {
    let day = Day(iso: text.prefix(10))!
    let time = text.dropFirst(11).dropLast().split(separator: ":").map { Int($0)! }
    return Instant(day: day, hour: time[0], minute: time[1], second: time.count > 2 ? time[2] : 0, offsetSeconds: 0)
}

@Suite("CronSchedule")
struct CronScheduleTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let expression: String
        let after: String
        let expected: [String]
        let note: String
        var testDescription: String { "\(expression) after \(after): \(note)" }
    }

    /// Each case: the next fire after `after`, then the one after that, and so on.
    static let cases: [Case] = [
        // Spring 2026 (29 March): 02:30 does not exist; it fires at the end of the gap.
        Case(expression: "30 2 * * *", after: "2026-03-27T12:00Z",
             expected: ["2026-03-28T01:30Z", "2026-03-29T01:00Z", "2026-03-30T00:30Z"],
             note: "02:30 CET, then 03:00 CEST (gap), then 02:30 CEST"),
        Case(expression: "30 2 * * *", after: "2025-03-29T12:00Z", expected: ["2025-03-30T01:00Z", "2025-03-31T00:30Z"],
             note: "spring 2025: 03:00 CEST, then 02:30 CEST"),
        // Autumn 2026 (25 October): 02:30 happens twice; it fires at the first one only.
        Case(expression: "30 2 * * *", after: "2026-10-24T12:00Z", expected: ["2026-10-25T00:30Z", "2026-10-26T01:30Z"],
             note: "02:30 CEST once, then 02:30 CET next day"),
        Case(expression: "30 2 * * *", after: "2026-10-25T00:30Z", expected: ["2026-10-26T01:30Z"],
             note: "no second firing in the repeated hour"),
        // Hourly through the repeated hour of 26 October 2025 and 25 October 2026.
        Case(expression: "0 * * * *", after: "2025-10-25T23:30Z",
             expected: ["2025-10-26T00:00Z", "2025-10-26T02:00Z", "2025-10-26T03:00Z"],
             note: "02:00 CEST, then 03:00 CET two real hours later"),
        Case(expression: "0 * * * *", after: "2026-10-24T22:59Z",
             expected: ["2026-10-24T23:00Z", "2026-10-25T00:00Z", "2026-10-25T02:00Z", "2026-10-25T03:00Z"],
             note: "01:00 CEST, 02:00 CEST, 03:00 CET, 04:00 CET"),
        // Hourly through the gap of 30 March 2025 and 29 March 2026.
        Case(expression: "0 * * * *", after: "2025-03-30T00:30Z", expected: ["2025-03-30T01:00Z", "2025-03-30T02:00Z"],
             note: "02:00 skipped collapses into 03:00 CEST"),
        Case(expression: "0 * * * *", after: "2026-03-28T23:59Z",
             expected: ["2026-03-29T00:00Z", "2026-03-29T01:00Z", "2026-03-29T02:00Z"],
             note: "01:00 CET, 03:00 CEST, 04:00 CEST"),
        // Every 15 minutes, plain and across both changes.
        Case(expression: "*/15 * * * *", after: "2026-06-01T10:07:30Z",
             expected: ["2026-06-01T10:15Z", "2026-06-01T10:30Z", "2026-06-01T10:45Z", "2026-06-01T11:00Z"],
             note: "strictly after, on quarter hours"),
        Case(expression: "*/15 * * * *", after: "2026-03-29T00:50Z", expected: ["2026-03-29T01:00Z", "2026-03-29T01:15Z"],
             note: "02:00-02:45 collapse into 03:00 CEST"),
        Case(expression: "*/15 * * * *", after: "2025-10-26T00:50Z", expected: ["2025-10-26T02:00Z"],
             note: "after 02:50 CEST, the repeated 02:00-02:45 CET do not fire again"),
        // A night job in winter and in summer: 03:15 Danish time.
        Case(expression: "15 3 * * *", after: "2026-01-15T00:00Z", expected: ["2026-01-15T02:15Z"], note: "CET"),
        Case(expression: "15 3 * * *", after: "2026-07-15T00:00Z", expected: ["2026-07-15T01:15Z"], note: "CEST"),
        // Day-of-week names and numbers.
        Case(expression: "0 6 * * mon-fri", after: "2026-01-09T06:00Z", expected: ["2026-01-12T05:00Z", "2026-01-13T05:00Z"],
             note: "Friday after 07:00 → Monday"),
        Case(expression: "0 6 * * SUN", after: "2026-01-05T00:00Z", expected: ["2026-01-11T05:00Z"], note: "name, any case"),
        Case(expression: "0 6 * * 7", after: "2026-01-05T00:00Z", expected: ["2026-01-11T05:00Z"], note: "7 is Sunday"),
        Case(expression: "0 6 * * 0", after: "2026-01-05T00:00Z", expected: ["2026-01-11T05:00Z"], note: "0 is Sunday"),
        Case(expression: "0 6 * * fri-sun", after: "2026-01-05T00:00Z",
             expected: ["2026-01-09T05:00Z", "2026-01-10T05:00Z", "2026-01-11T05:00Z", "2026-01-16T05:00Z"],
             note: "a range may end on Sunday by name"),
        // Both day fields restricted: either suffices.
        Case(expression: "0 12 13 * fri", after: "2026-04-10T12:00Z",
             expected: ["2026-04-13T10:00Z", "2026-04-17T10:00Z", "2026-04-24T10:00Z"],
             note: "Monday the 13th and every Friday"),
        // A day-of-month starting with * is unrestricted: both must match.
        Case(expression: "0 12 */2 * fri", after: "2026-04-01T00:00Z", expected: ["2026-04-03T10:00Z", "2026-04-17T10:00Z"],
             note: "Fridays on odd days only"),
        Case(expression: "0 12 13 * *", after: "2026-04-01T00:00Z", expected: ["2026-04-13T10:00Z", "2026-05-13T10:00Z"],
             note: "day of month alone"),
        // Months, lists, ranges with steps, year end, leap day, macros.
        Case(expression: "0 0 1 jan,jul *", after: "2026-02-01T00:00Z", expected: ["2026-06-30T22:00Z", "2026-12-31T23:00Z"],
             note: "midnight Danish time is the previous UTC day"),
        Case(expression: "5,35 8-18/5 * * *", after: "2026-02-02T08:00Z",
             expected: ["2026-02-02T12:05Z", "2026-02-02T12:35Z", "2026-02-02T17:05Z", "2026-02-02T17:35Z", "2026-02-03T07:05Z"],
             note: "hours 8, 13, 18"),
        Case(expression: "59 23 31 12 *", after: "2026-12-31T23:00Z", expected: ["2027-12-31T22:59Z"], note: "next year"),
        Case(expression: "0 0 29 2 *", after: "2025-01-01T00:00Z", expected: ["2028-02-28T23:00Z", "2032-02-28T23:00Z"],
             note: "leap day"),
        Case(expression: "@daily", after: "2026-05-05T12:00Z", expected: ["2026-05-05T22:00Z"], note: "macro"),
        Case(expression: "@hourly", after: "2026-05-05T12:00Z", expected: ["2026-05-05T13:00Z"], note: "macro"),
        Case(expression: "@weekly", after: "2026-05-05T12:00Z", expected: ["2026-05-09T22:00Z"], note: "Sunday 00:00"),
    ]

    @Test("Next fire times", arguments: cases)
    func nextFire(_ testCase: Case) throws {
        let schedule = try CronSchedule(parsing: testCase.expression)
        var instant = utc(testCase.after)
        var fires: [String] = []
        for _ in testCase.expected {
            instant = schedule.nextFire(after: instant)
            fires.append(instant.description)
        }
        #expect(fires == testCase.expected.map { utc($0).description })
    }

    @Test("Invalid expressions name the field and the reason", arguments: [
        ("* * * *", "expected 5 fields (minute hour day-of-month month day-of-week), found 4"),
        ("* * * * * *", "expected 5 fields (minute hour day-of-month month day-of-week), found 6"),
        ("60 * * * *", "minute: 60 is out of range 0-59"),
        ("* 24 * * *", "hour: 24 is out of range 0-23"),
        ("0 0 0 * *", "day-of-month: 0 is out of range 1-31"),
        ("0 0 * 13 *", "month: 13 is out of range 1-12"),
        ("0 0 * * 8", "day-of-week: 8 is out of range 0-7"),
        ("0 0 * foo *", "month: \"foo\" is not a number or a month name (jan-dec)"),
        ("0 0 * * monday", "day-of-week: \"monday\" is not a number or a day name (sun-sat)"),
        ("*/0 * * * *", "minute: step must be a whole number of at least 1, got \"0\""),
        ("5-1 * * * *", "minute: range 5-1 goes backwards"),
        ("1,,2 * * * *", "minute: empty element in the list \"1,,2\""),
        ("5/10 * * * *", "minute: a step needs * or a range, as in */10 or 5-59/10"),
        ("x * * * *", "minute: \"x\" is not a number"),
        ("-1 * * * *", "minute: missing value"),
        ("0 0 30 2 *", "day-of-month: day 30 never occurs in the months given, so the schedule would never fire"),
        ("@reboot", "unknown macro @reboot (known: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)"),
    ])
    func invalid(expression: String, message: String) {
        #expect(throws: CronParseError.self) { try CronSchedule(parsing: expression) }
        do {
            _ = try CronSchedule(parsing: expression)
        } catch {
            #expect(error.description == "cron expression \"\(expression)\": \(message)")
        }
    }

    @Test("30 February with a restricted day-of-week is valid: the weekday still fires")
    func impossibleDayWithWeekday() throws {
        let schedule = try CronSchedule(parsing: "0 0 30 2 mon")
        #expect(schedule.nextFire(after: utc("2026-01-01T00:00Z")) == utc("2026-02-01T23:00Z"))  // Monday 2 February
    }

    @Test("Fields may be separated by several spaces or tabs")
    func whitespace() throws {
        let a = try CronSchedule(parsing: "30  2\t* * *")
        let b = try CronSchedule(parsing: "30 2 * * *")
        let start = utc("2026-03-01T00:00Z")
        #expect(a.nextFire(after: start) == b.nextFire(after: start))
    }

    @Test("Over three years, fires strictly increase and each is a matching Danish wall time")
    func yearsOfFires() throws {
        let schedule = try CronSchedule(parsing: "*/20 1-3 * * *")
        var instant = utc("2024-12-31T23:59Z")  // 00:59 on 1 January 2025
        var previous = instant
        var count = 0
        while true {
            instant = schedule.nextFire(after: instant)
            if instant >= utc("2028-01-01T00:00Z") { break }
            #expect(instant > previous)
            previous = instant
            let wall = Int((instant.secondsSinceEpoch + Int64(DanishTime.offset(at: instant))) % 86_400)
            #expect(wall % 1200 == 0 && (3600...(3 * 3600 + 40 * 60)).contains(wall))
            count += 1
        }
        // 9 fires a day; each spring the three 02:xx fires collapse into the 03:00 one.
        #expect(count == 365 * 3 * 9 - 3 * 3)
    }
}
