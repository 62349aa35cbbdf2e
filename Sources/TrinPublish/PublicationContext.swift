public import TrinCore

/// What every file of a set says about itself: the as-of date, which years are
/// closed, when the set was published and when its data last changed.
public struct PublicationContext: Sendable, Equatable {
    /// The unit that publishes (the report's and the data package's title).
    public var unitName: String
    /// The latest `recordedAt` in the store: the data's own cut-off.
    public var dataChangedAt: Instant
    /// When the set was written (wall clock).
    public var publishedAt: Instant

    public init(unitName: String = "Socialøkonomisk enhed", dataChangedAt: Instant, publishedAt: Instant) {
        self.unitName = unitName
        self.dataChangedAt = dataChangedAt
        self.publishedAt = publishedAt
    }
}
