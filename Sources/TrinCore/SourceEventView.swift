/// A decoded, validated event whose texts are lent by the decoder rather than copied into
/// strings: valid only until the decoder reads the next record.
///
/// Why: an import packs millions of events for the store, and a record id longer than
/// fifteen bytes would cost a string allocation, copies and reference counting per record.
/// `owned` gives the `SourceEvent` with the same content.
public struct SourceEventView {
    public var cpr: CPRNumber
    public var ageBand: AgeBand
    /// nil when absent; otherwise never empty.
    public var agreement: UnsafeBufferPointer<UInt8>?
    /// The CVR number's eight digits; nil when absent.
    public var enterprise: UnsafeBufferPointer<UInt8>?
    public var targetGroup: TargetGroup
    public var stage: Stage
    public var start: Day
    public var end: Day?
    public var hoursPerWeek: Double?
    public var recordedAt: Instant
    public var sourceRecordID: UnsafeBufferPointer<UInt8>

    public init(cpr: CPRNumber, ageBand: AgeBand, agreement: UnsafeBufferPointer<UInt8>?, enterprise: UnsafeBufferPointer<UInt8>?,
                targetGroup: TargetGroup, stage: Stage, start: Day, end: Day?, hoursPerWeek: Double?,
                recordedAt: Instant, sourceRecordID: UnsafeBufferPointer<UInt8>) {
        self.cpr = cpr; self.ageBand = ageBand; self.agreement = agreement; self.enterprise = enterprise
        self.targetGroup = targetGroup; self.stage = stage; self.start = start; self.end = end
        self.hoursPerWeek = hoursPerWeek; self.recordedAt = recordedAt; self.sourceRecordID = sourceRecordID
    }

    /// The same event with its own copies of the texts.
    public var owned: SourceEvent {
        SourceEvent(cpr: cpr, ageBand: ageBand, agreement: agreement.map { String(decoding: $0, as: UTF8.self) },
                    enterprise: enterprise.map { String(decoding: $0, as: UTF8.self) }, targetGroup: targetGroup,
                    stage: stage, start: start, end: end, hoursPerWeek: hoursPerWeek, recordedAt: recordedAt,
                    sourceRecordID: String(decoding: sourceRecordID, as: UTF8.self))
    }
}
