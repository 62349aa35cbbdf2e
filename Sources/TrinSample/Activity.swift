import TrinCore

/// A Danish wall-clock time, as the case system writes `Registreret`.
struct LocalTime: Sendable, Comparable {
    var day: Day
    /// Seconds since local midnight.
    var second: Int

    static func < (a: LocalTime, b: LocalTime) -> Bool { (a.day, a.second) < (b.day, b.second) }

    /// The nightly extract of `day` runs at 02:00.
    static func extract(_ day: Day) -> LocalTime { LocalTime(day: day, second: 2 * 3600) }

    var instant: Instant {
        DanishTime.instant(day: day, hour: second / 3600, minute: second / 60 % 60, second: second % 60)
    }
}

/// One state of an activity as a source shows it from `at` on.
struct Version: Sendable {
    var at: LocalTime
    var end: Day?
    /// Weekly hours in half hours (25 = 12,5); nil when the source leaves it empty.
    var halfHours: Int?
}

/// A cooperation agreement with a social-economy enterprise.
struct Agreement: Sendable {
    var id: String
    var enterprise: Int
    /// Whether the enterprise reports through the partner portal (XML).
    var onPortal: Bool
}

/// All activities of one citizen under one agreement.
struct Course: Sendable {
    var citizen: Int
    var agreement: Int
    var group: Int
    /// The partner portal's `Forloeb id`.
    var portalID: String
}

/// One activity of a citizen: one row in the case system and/or one `Haendelse`
/// in the partner portal, each with its own history of versions.
struct Activity: Sendable {
    var sourceID: String
    var citizen: Int
    /// Index into `courses`; nil for an activity under no agreement.
    var course: Int?
    var group: Int
    var stage: Stage
    /// The case system's `Aktivitet` value.
    var activityName: String
    var start: Day
    /// Versions in the case system (empty: not recorded there), oldest first.
    var csv: [Version]
    /// Versions in the partner portal (empty: not reported there), oldest first.
    var xml: [Version]
    /// Whether the portal writes this event's `registreret` in UTC.
    var xmlInUTC: Bool

    /// The version a full extract taken at `time` shows, if any.
    static func visible(_ versions: [Version], at time: LocalTime) -> Version? {
        versions.last { $0.at < time }
    }
}
