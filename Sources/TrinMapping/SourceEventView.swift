public import TrinCore

/// A decoded, validated event whose texts are lent by the decoder rather than copied into
/// strings: valid only until the decoder reads the next record.
///
/// Why: an import packs millions of events for the store, and a record id longer than
/// fifteen bytes would cost a string allocation, copies and reference counting per record.
/// `owned` gives the `SourceEvent` with the same content. A view read after its lender
/// reused the bytes traps in a debug build (`LendingGeneration`).
public struct SourceEventView {
    // Stored in an order that leaves little padding: at 120 bytes a copy is a few moves
    // inline, where 136 bytes cost a call to `memcpy` at each of the hand-overs between the
    // decoder and the store's packing (a CSV or XML import makes four per record).
    private let lentAgreement: UnsafeBufferPointer<UInt8>?
    public var ageBand: AgeBand
    public var targetGroup: TargetGroup
    public var stage: Stage
    public var start: Day
    private let lentEnterprise: UnsafeBufferPointer<UInt8>?
    public var end: Day?
    public var hoursPerWeek: Double?
    public var cpr: CPRNumber
    /// The lender's generation when the texts were lent (its low bits: the check only tells
    /// one record's texts from the next ones').
    private let lentIn: UInt32
    public var recordedAt: Instant
    private let lentSourceRecordID: UnsafeBufferPointer<UInt8>
    /// Who lent the texts.
    private unowned(unsafe) let lender: LendingGeneration

    /// nil when absent; otherwise never empty.
    public var agreement: UnsafeBufferPointer<UInt8>? { checked(); return lentAgreement }
    /// The CVR number's eight digits; nil when absent.
    public var enterprise: UnsafeBufferPointer<UInt8>? { checked(); return lentEnterprise }
    /// The source's id of the record; empty when the row gave none.
    public var sourceRecordID: UnsafeBufferPointer<UInt8> { checked(); return lentSourceRecordID }

    /// `lender` lent the texts in its current generation: they are valid until it advances.
    public init(cpr: CPRNumber, ageBand: AgeBand, agreement: UnsafeBufferPointer<UInt8>?, enterprise: UnsafeBufferPointer<UInt8>?,
                targetGroup: TargetGroup, stage: Stage, start: Day, end: Day?, hoursPerWeek: Double?,
                recordedAt: Instant, sourceRecordID: UnsafeBufferPointer<UInt8>, lender: LendingGeneration) {
        self.cpr = cpr; self.ageBand = ageBand; lentAgreement = agreement; lentEnterprise = enterprise
        self.targetGroup = targetGroup; self.stage = stage; self.start = start; self.end = end
        self.hoursPerWeek = hoursPerWeek; self.recordedAt = recordedAt; lentSourceRecordID = sourceRecordID
        self.lender = lender
        lentIn = UInt32(truncatingIfNeeded: lender.value)
    }

    /// Traps in a debug build when the lender has reused the bytes since the view was made.
    @inline(__always)
    private func checked() {
        assert(UInt32(truncatingIfNeeded: lender.value) == lentIn, "a SourceEventView was read after the record it lends from was replaced")
    }

    /// The same event with its own copies of the texts.
    public var owned: SourceEvent {
        SourceEvent(cpr: cpr, ageBand: ageBand, agreement: agreement.map { String(decoding: $0, as: UTF8.self) },
                    enterprise: enterprise.map { String(decoding: $0, as: UTF8.self) }, targetGroup: targetGroup,
                    stage: stage, start: start, end: end, hoursPerWeek: hoursPerWeek, recordedAt: recordedAt,
                    sourceRecordID: String(decoding: sourceRecordID, as: UTF8.self))
    }
}
