/// The canonical citizen-progress record: one step of one citizen, pseudonymised.
///
/// Every source, whatever its format, becomes this. It holds no personal
/// identifier: the CPR number has been replaced by `pseudonym` and reduced to `ageBand`.
public struct ProgressRecord: Sendable, Hashable {
    public var pseudonym: Pseudonym
    public var ageBand: AgeBand
    /// Cooperation agreement (samarbejdsaftale) id; nil when none.
    public var agreement: String?
    /// CVR number of the enterprise; nil when none.
    public var enterprise: String?
    public var targetGroup: TargetGroup
    public var stage: Stage
    public var start: Day
    public var end: Day?
    /// Weekly hours, 0 ... 80.
    public var hoursPerWeek: Double?
    /// When the source last changed the record.
    public var recordedAt: Instant
    /// The source's name (provenance) and its own id of the record (never personal).
    public var source: String
    public var sourceRecordID: String

    public init(pseudonym: Pseudonym, ageBand: AgeBand, agreement: String?, enterprise: String?,
                targetGroup: TargetGroup, stage: Stage, start: Day, end: Day?, hoursPerWeek: Double?,
                recordedAt: Instant, source: String, sourceRecordID: String) {
        self.pseudonym = pseudonym; self.ageBand = ageBand; self.agreement = agreement
        self.enterprise = enterprise; self.targetGroup = targetGroup; self.stage = stage
        self.start = start; self.end = end; self.hoursPerWeek = hoursPerWeek
        self.recordedAt = recordedAt; self.source = source; self.sourceRecordID = sourceRecordID
    }
}
