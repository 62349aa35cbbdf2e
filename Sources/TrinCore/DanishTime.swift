/// Europe/Copenhagen civil time: CET (+01:00) and CEST (+02:00).
///
/// Summer time runs from 01:00 UTC on the last Sunday of March to 01:00 UTC on
/// the last Sunday of October (the EU rule, in force since 1996). Written as a
/// rule rather than through the tz database so that it is fast on the hot path
/// and says exactly what docs/definitions.md says, including the ambiguous hours.
public enum DanishTime {
    /// Whether summer time is in force at an instant.
    public static func isSummerTime(_ instant: Instant) -> Bool {
        isSummerTime(instant, year: instant.utcDay.year)
    }

    /// Whether summer time is in force at an instant of `year` (its UTC year, or its Danish
    /// one: they differ only around New Year, in winter time either way).
    static func isSummerTime(_ instant: Instant, year: Int) -> Bool {
        let (start, end) = summerTimeBounds(year: year)
        return instant.secondsSinceEpoch >= start && instant.secondsSinceEpoch < end
    }

    /// The offset from UTC in seconds at an instant.
    public static func offset(at instant: Instant) -> Int { isSummerTime(instant) ? 7200 : 3600 }

    /// The Danish calendar date at an instant (a `…T22:00:00Z` end date is the next day here).
    public static func day(at instant: Instant) -> Day {
        Instant(secondsSinceEpoch: instant.secondsSinceEpoch + Int64(offset(at: instant))).utcDay
    }

    /// The instant of a Danish wall-clock time. The repeated hour in October is read
    /// as its first occurrence (summer time); a time in the skipped hour in March as +01:00.
    public static func instant(day: Day, hour: Int, minute: Int, second: Int) -> Instant {
        instant(day: day, year: day.year, hour: hour, minute: minute, second: second)
    }

    /// `instant(day:hour:minute:second:)` for a reader that knows the day's year already
    /// (a parser of `dd-MM-yyyy HH:mm:ss`), which saves working it out once per timestamp.
    public static func instant(day: Day, year: Int, hour: Int, minute: Int, second: Int) -> Instant {
        let summer = Instant(day: day, hour: hour, minute: minute, second: second, offsetSeconds: 7200)
        if isSummerTime(summer, year: year) { return summer }
        return Instant(day: day, hour: hour, minute: minute, second: second, offsetSeconds: 3600)
    }

    /// Start and end of summer time in `year`, in seconds since the epoch (UTC); from a
    /// table for the years exports hold, since every timestamp read needs them.
    static func summerTimeBounds(year: Int) -> (Int64, Int64) {
        let i = year - tableYears.lowerBound
        if i >= 0 && i < boundsTable.count { return boundsTable[i] }
        return computedBounds(year: year)
    }

    private static let tableYears = 1900...2199
    private static let boundsTable: [(Int64, Int64)] = tableYears.map(computedBounds)

    static func computedBounds(year: Int) -> (Int64, Int64) {
        func lastSunday(month: Int) -> Day {
            let last = Day(year: year, month: month, day: 31)!
            return last.adding(days: -((last.weekday + 1) % 7))
        }
        let start = Int64(lastSunday(month: 3).daysSinceEpoch) * 86_400 + 3600
        let end = Int64(lastSunday(month: 10).daysSinceEpoch) * 86_400 + 3600
        return (start, end)
    }
}
