public import TrinCore

/// When a set of figures is "as of", and what each year may show
/// (docs/metrics.md, "Releases").
///
/// A set counts only records that start on or before its as-of date, so that
/// nightly runs change nothing until a month closes. The as-of date's year is
/// open and shows headline figures only; a year's full tables follow once the
/// as-of date has reached the last day of February after it, when late records
/// have arrived.
public struct ReleasePolicy: Sendable, Hashable {
    /// The last day counted.
    public let asOf: Day

    public init(asOf: Day) { self.asOf = asOf }

    /// The default as-of date for a run on `today` (Danish date): the last day
    /// of the month before.
    public static func lastCompleteMonth(before today: Day) -> ReleasePolicy {
        let c = today.components
        return ReleasePolicy(asOf: Day(year: c.year, month: c.month, day: 1)!.adding(days: -1))
    }

    /// How year `year` is published in this set.
    public func status(of year: Int) -> YearStatus {
        if year >= asOf.year { return .open }
        let lastOfFebruary = Day(year: year + 1, month: 3, day: 1)!.adding(days: -1)
        return asOf >= lastOfFebruary ? .closed : .provisional
    }

    /// The record as it stood on the as-of date: nil if it starts later; an end
    /// date after the as-of date is read as no end (the course was running).
    public func visible(_ record: ProgressRecord) -> ProgressRecord? {
        guard record.start <= asOf else { return nil }
        guard let end = record.end, end > asOf else { return record }
        var r = record
        r.end = nil
        return r
    }

    /// Whether `visible` hides `record` or changes it.
    public func changes(_ record: ProgressRecord) -> Bool {
        record.start > asOf || record.end.map { $0 > asOf } ?? false
    }

    /// The register entry as it stood on the as-of date.
    public func visible(_ enterprise: EnterpriseRecord) -> EnterpriseRecord? {
        guard enterprise.start <= asOf else { return nil }
        guard let end = enterprise.end, end > asOf else { return enterprise }
        var e = enterprise
        e.end = nil
        return e
    }
}

/// How much of a year a set publishes.
public enum YearStatus: String, Sendable, Hashable, CaseIterable {
    /// The as-of date's year: headline figures only.
    case open
    /// A past year before the end of February after it: headline figures only, as the open year.
    case provisional
    /// Every table.
    case closed
}
