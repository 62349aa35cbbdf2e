public import TrinCore

/// A classic five-field cron schedule (`minute hour day-of-month month day-of-week`)
/// evaluated on Europe/Copenhagen wall-clock time.
///
/// Syntax: `*`, numbers, lists (`1,15`), ranges (`1-5`), steps (`*/15`, `8-18/2`),
/// month names `jan`…`dec` and day names `sun`…`sat` (any case); day-of-week 0 and
/// 7 are both Sunday (a range may end on Sunday: `fri-sun`). Macros: `@yearly` (`@annually`), `@monthly`, `@weekly`,
/// `@daily` (`@midnight`), `@hourly`.
///
/// Day rule (Vixie cron): when both day-of-month and day-of-week are restricted
/// (neither field starts with `*`), a day matches if *either* matches; otherwise
/// both must match. So `0 6 13 * fri` fires on every 13th and every Friday, while
/// `0 6 */2 * fri` fires on Fridays with an odd day of the month.
///
/// Daylight saving time, as cronie does for jobs at fixed times:
/// - a wall-clock time skipped in spring (02:00–02:59 on the last Sunday of March)
///   fires at the first instant after the gap, 03:00 CEST (01:00 UTC); several
///   skipped times collapse into that one firing;
/// - a wall-clock time repeated in autumn (02:00–02:59 on the last Sunday of
///   October) fires once, at its first occurrence (CEST). This holds for `*` in
///   the hour field too: `0 * * * *` fires at 02:00 CEST and next at 03:00 CET,
///   two real hours later.
public struct CronSchedule: Sendable, Hashable, CustomStringConvertible {
    /// The expression as written.
    public let expression: String
    private let minutes: UInt64      // bit n: minute n
    private let hours: UInt32        // bit n: hour n
    private let daysOfMonth: UInt32  // bit n: day n (1...31)
    private let months: UInt16       // bit n: month n (1...12)
    private let daysOfWeek: UInt8    // bit n: weekday n, 0 = Sunday
    private let dayOfMonthRestricted: Bool
    private let dayOfWeekRestricted: Bool

    /// Parses `expression`; the error names the field and the reason.
    public init(parsing expression: String) throws(CronParseError) {
        self.expression = expression
        var text = expression.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        if text.count == 1, let macro = text.first, macro.hasPrefix("@") {
            guard let expansion = Self.macros[macro.lowercased()] else {
                throw CronParseError(expression: expression, field: nil, reason:
                    "unknown macro \(macro) (known: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)")
            }
            text = expansion.split(separator: " ").map(String.init)
        }
        guard text.count == 5 else {
            throw CronParseError(expression: expression, field: nil, reason:
                "expected 5 fields (minute hour day-of-month month day-of-week), found \(text.count)")
        }
        let fieldParser = CronFieldParser(expression: expression)
        minutes = try fieldParser.parse(text[0], as: .minute)
        hours = UInt32(try fieldParser.parse(text[1], as: .hour))
        daysOfMonth = UInt32(try fieldParser.parse(text[2], as: .dayOfMonth))
        months = UInt16(try fieldParser.parse(text[3], as: .month))
        let weekBits = try fieldParser.parse(text[4], as: .dayOfWeek)
        daysOfWeek = UInt8((weekBits | (weekBits >> 7)) & 0x7F)  // 7 is Sunday, as 0
        dayOfMonthRestricted = !text[2].hasPrefix("*")
        dayOfWeekRestricted = !text[4].hasPrefix("*")

        // A day of month that no listed month has (30 February) would never fire; with
        // both day fields restricted the day-of-week alone can still fire.
        if !dayOfWeekRestricted {
            var longestMonth = 0
            for month in 1...12 where months & (1 << month) != 0 {
                longestMonth = max(longestMonth, month == 2 ? 29 : Day.daysInMonth(year: 2001, month: month))
            }
            var earliestDay = 32
            for day in (1...31).reversed() where daysOfMonth & (1 << day) != 0 { earliestDay = day }
            if earliestDay > longestMonth {
                throw CronParseError(expression: expression, field: .dayOfMonth, reason:
                    "day \(earliestDay) never occurs in the months given, so the schedule would never fire")
            }
        }
    }

    private static let macros: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    public var description: String { expression }

    /// The first firing strictly after `instant`, as an instant (see the type's notes on DST).
    public func nextFire(after instant: Instant) -> Instant {
        let firstDay = DanishTime.day(at: instant)
        // A valid schedule matches a day within one 400-year Gregorian cycle (usually
        // within days; "1 February, if a Monday" can take 11 years).
        for offset in 0...(400 * 366) {
            let day = firstDay.adding(days: offset)
            guard matches(day) else { continue }
            for hour in 0..<24 where hours & (1 << hour) != 0 {
                for minute in 0..<60 where minutes & (1 << minute) != 0 {
                    let candidate = Self.instant(day: day, hour: hour, minute: minute)
                    if candidate > instant { return candidate }
                }
            }
        }
        preconditionFailure("cron schedule \(expression) matches no day; init should have refused it")
    }

    /// Whether the schedule fires on a Danish calendar day.
    public func matches(_ day: Day) -> Bool {
        let (_, month, dayOfMonth) = day.components
        guard months & (1 << month) != 0 else { return false }
        let domMatch = daysOfMonth & (1 << dayOfMonth) != 0
        let dowMatch = daysOfWeek & (1 << ((day.weekday + 1) % 7)) != 0  // Day.weekday: 0 = Monday
        if dayOfMonthRestricted && dayOfWeekRestricted { return domMatch || dowMatch }
        return domMatch && dowMatch
    }

    /// The instant of a Danish wall-clock time: the first occurrence of a repeated
    /// time; for a skipped time, the end of the gap.
    static func instant(day: Day, hour: Int, minute: Int) -> Instant {
        let reading = DanishTime.instant(day: day, hour: hour, minute: minute, second: 0)
        let wall = reading.secondsSinceEpoch + Int64(DanishTime.offset(at: reading))
        let wanted = Int64(day.daysSinceEpoch) * 86_400 + Int64(hour * 3600 + minute * 60)
        if wall == wanted { return reading }
        // Skipped: the Danish gap is one whole hour, so it ends at the next whole hour.
        return DanishTime.instant(day: day, hour: hour + 1, minute: 0, second: 0)
    }
}

/// Parses one field into a bit set, reporting errors against the whole expression.
private struct CronFieldParser {
    let expression: String

    func parse(_ text: String, as field: CronField) throws(CronParseError) -> UInt64 {
        func fail(_ reason: String) -> CronParseError {
            CronParseError(expression: expression, field: field, reason: reason)
        }
        let bounds = field.bounds
        var bits: UInt64 = 0
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else { throw fail("empty element in the list \"\(text)\"") }
            let parts = item.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { throw fail("more than one step in \"\(item)\"") }
            var step = 1
            if parts.count == 2 {
                guard let value = Int(parts[1]), value >= 1 else {
                    throw fail("step must be a whole number of at least 1, got \"\(parts[1])\"")
                }
                step = value
            }
            let range: ClosedRange<Int>
            if parts[0] == "*" {
                range = field == .dayOfWeek ? 0...6 : bounds
            } else {
                let ends = parts[0].split(separator: "-", omittingEmptySubsequences: false)
                guard ends.count <= 2 else { throw fail("\"\(parts[0])\" is not a value or a range") }
                let low = try value(ends[0], field, fail)
                var high = ends.count == 2 ? try value(ends[1], field, fail) : low
                if field == .dayOfWeek, high == 0, low > 0 { high = 7 }  // fri-sun: Sunday as 7
                guard low <= high else { throw fail("range \(parts[0]) goes backwards") }
                if ends.count == 1 && parts.count == 2 {
                    throw fail("a step needs * or a range, as in */\(step) or \(low)-\(bounds.upperBound)/\(step)")
                }
                range = low...high
            }
            for value in stride(from: range.lowerBound, through: range.upperBound, by: step) {
                bits |= 1 << UInt64(value)
            }
        }
        return bits
    }

    private func value(_ text: Substring, _ field: CronField, _ fail: (String) -> CronParseError)
        throws(CronParseError) -> Int {
        if let number = Int(text), text.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard field.bounds.contains(number) else {
                throw fail("\(number) is out of range \(field.bounds.lowerBound)-\(field.bounds.upperBound)")
            }
            return number
        }
        if let index = field.names.firstIndex(of: text.lowercased()) { return index + field.firstNameValue }
        if text.isEmpty { throw fail("missing value") }
        switch field {
        case .month: throw fail("\"\(text)\" is not a number or a month name (jan-dec)")
        case .dayOfWeek: throw fail("\"\(text)\" is not a number or a day name (sun-sat)")
        default: throw fail("\"\(text)\" is not a number")
        }
    }
}
