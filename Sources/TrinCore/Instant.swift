/// A moment in time: whole seconds since 1970-01-01T00:00:00Z.
///
/// `recordedAt` is compared as an instant, whatever offset the source wrote.
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let secondsSinceEpoch: Int64

    public init(secondsSinceEpoch: Int64) { self.secondsSinceEpoch = secondsSinceEpoch }

    /// The instant of a wall-clock time at a fixed offset from UTC.
    public init(day: Day, hour: Int, minute: Int, second: Int, offsetSeconds: Int) {
        self.secondsSinceEpoch = Int64(day.daysSinceEpoch) * 86_400
            + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
    }

    /// The UTC day this instant falls on.
    public var utcDay: Day {
        let d = secondsSinceEpoch >= 0 ? secondsSinceEpoch / 86_400 : (secondsSinceEpoch - 86_399) / 86_400
        return Day(daysSinceEpoch: Int32(d))
    }

    /// ISO 8601 in UTC, `yyyy-MM-ddTHH:mm:ssZ`.
    public var description: String {
        let day = utcDay
        let rest = Int(secondsSinceEpoch - Int64(day.daysSinceEpoch) * 86_400)
        return day.description + "T" + Day.pad(rest / 3600, 2) + ":" + Day.pad(rest / 60 % 60, 2) + ":"
            + Day.pad(rest % 60, 2) + "Z"
    }

    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.secondsSinceEpoch < rhs.secondsSinceEpoch }
}
