/// A decoded, validated event that still carries the CPR number: the output of
/// a decoder, the input of the pseudonymiser. It lives only in memory, for one record.
public struct SourceEvent: Sendable {
    public var cpr: CPRNumber
    public var ageBand: AgeBand
    public var agreement: String?
    public var enterprise: String?
    public var targetGroup: TargetGroup
    public var stage: Stage
    public var start: Day
    public var end: Day?
    public var hoursPerWeek: Double?
    public var recordedAt: Instant
    public var sourceRecordID: String

    public init(cpr: CPRNumber, ageBand: AgeBand, agreement: String?, enterprise: String?,
                targetGroup: TargetGroup, stage: Stage, start: Day, end: Day?, hoursPerWeek: Double?,
                recordedAt: Instant, sourceRecordID: String) {
        self.cpr = cpr; self.ageBand = ageBand; self.agreement = agreement; self.enterprise = enterprise
        self.targetGroup = targetGroup; self.stage = stage; self.start = start; self.end = end
        self.hoursPerWeek = hoursPerWeek; self.recordedAt = recordedAt; self.sourceRecordID = sourceRecordID
    }
}
