public import TrinCore
public import TrinStore

/// How long the store keeps data it need not keep for ever (GDPR storage
/// limitation; docs/operations.md, "Retention"). An age of nil keeps for ever.
public struct Retention: Sendable, Equatable {
    /// Masked rejected rows, by the start of the run that rejected them. Default 90 days:
    /// long enough to correct an export, no longer.
    public var rejectedRowDays: Int?
    /// Run history (runs and their file outcomes). Default: kept.
    public var runDays: Int?
    /// Progress records whose end (or start, when open) lies further back. Default: kept,
    /// since every published figure is computed from them.
    public var eventDays: Int?

    public init(rejectedRowDays: Int? = 90, runDays: Int? = nil, eventDays: Int? = nil) {
        self.rejectedRowDays = rejectedRowDays
        self.runDays = runDays
        self.eventDays = eventDays
    }

    /// `90d`, `26w`, `2y` (365 days a year) or `none`; nil when not an age.
    public static func days(_ text: String) -> Int?? {
        let t = Substring(text)  // a YAML scalar: no surrounding white space
        if t == "none" { return .some(nil) }
        guard let unit = t.last, let n = Int(t.dropLast()), n > 0 else { return nil }
        switch unit {
        case "d": return .some(n)
        case "w": return .some(n * 7)
        case "y": return .some(n * 365)
        default: return nil
        }
    }

    /// Deletes what is older than its age, as of `now`, in one transaction.
    public func apply(to store: Store, now: Instant) throws -> PurgeCounts {
        func before(_ days: Int?) -> Instant? { days.map { Instant(secondsSinceEpoch: now.secondsSinceEpoch - Int64($0) * 86_400) } }
        return try store.purge(rejectedRowsBefore: before(rejectedRowDays), runsBefore: before(runDays),
                               eventsEndedBefore: eventsCutoff(now: now))
    }

    /// Before a run's imports: the sources' known rows are forgotten when this retention would
    /// keep records an earlier, shorter one deleted (`Store.prepareImports`).
    public func prepareImports(in store: Store, now: Instant) throws {
        try store.prepareImports(eventsEndedBefore: eventsCutoff(now: now))
    }

    /// Whether progress records are deleted once old (`events`): then no year can be computed
    /// afresh as it was first published (`MetricsJob.checkRepublication`).
    public var deletesRecords: Bool { eventDays != nil }

    /// The first day whose records are kept; nil when they are kept for ever.
    func eventsCutoff(now: Instant) -> Day? { eventDays.map { DanishTime.day(at: now).adding(days: -$0) } }
}
