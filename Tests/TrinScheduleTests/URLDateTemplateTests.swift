import Testing
import TrinCore
import TrinSchedule

@Suite("URLDateTemplate")
struct URLDateTemplateTests {
    let day = Day(year: 2026, month: 3, day: 5)!

    @Test("Patterns and offsets expand to the Danish date", arguments: [
        ("https://h/e/forloeb-{date:yyyy-MM-dd}.csv", "https://h/e/forloeb-2026-03-05.csv"),
        ("https://h/e/{date:yyyyMMdd}.xml", "https://h/e/20260305.xml"),
        ("https://h/e?d={date:dd-MM-yyyy}", "https://h/e?d=05-03-2026"),
        ("https://h/{date:yyyy}/{date-5:yyyy-MM-dd}", "https://h/2026/2026-02-28"),
        ("https://h/{date+27:dd.MM.yyyy}", "https://h/01.04.2026"),
        ("file:///srv/plain.csv", "file:///srv/plain.csv"),
    ])
    func expands(template: String, expected: String) throws {
        #expect(try URLDateTemplate.expand(template, day: day) == expected)
    }

    @Test("The date is taken in Danish time: 23:30 UTC on 31 December is 1 January")
    func danishDate() throws {
        let instant = Instant(day: Day(year: 2025, month: 12, day: 31)!, hour: 23, minute: 30, second: 0, offsetSeconds: 0)
        #expect(try URLDateTemplate.expand("{date:yyyy-MM-dd}", at: instant) == "2026-01-01")
    }

    @Test("Malformed templates are refused with the reason", arguments: [
        ("https://h/{date:yyyy-MM-dd.csv", "unclosed \"{\""),
        ("https://h/{day:yyyy}", "unknown placeholder {day:yyyy}; use {date:yyyy-MM-dd}"),
        ("https://h/{date}", "placeholder {date} has no pattern"),
        ("https://h/{date:yy}", "unknown token at \"yy\" in date pattern \"yy\" (use yyyy, MM, dd and - . _ /)"),
        ("https://h/{date*2:yyyy}", "bad day offset in {date*2:yyyy}; use {date-1:…} or {date+1:…}"),
        ("https://h/x}", "unmatched \"}\""),
    ])
    func refuses(template: String, reason: String) {
        #expect(throws: URLDateTemplate.TemplateError(template: template, reason: reason)) {
            try URLDateTemplate.expand(template, day: day)
        }
    }
}
