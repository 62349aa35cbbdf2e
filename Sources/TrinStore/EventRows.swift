public import TrinCore

/// Pseudonymised records of one source, packed the way the store binds them: fixed-size
/// rows plus one byte buffer for the packed identities and texts.
///
/// The decoding stage of an import packs records on its own thread and hands whole
/// `EventRows` to the store, which sorts and writes them without a string, a retain or a
/// copy per record: that keeps the store's thread, the slowest stage, to SQLite's own work.
public struct EventRows: Sendable {
    /// The source every row came from (stored with each row, bound once).
    public let source: String
    var bytes: [UInt8] = []
    var rows: [Row] = []
    /// Row indices in identity order, once `sort()` ran (and nothing was appended since).
    var order: [Int32]?

    struct Row: Sendable {
        /// The identity's leading bytes as integers, to sort without touching `bytes`:
        /// pseudonym high and low, then the sign-flipped start day and the stage code.
        var key0: UInt64
        var key1: UInt64
        var key2: UInt64
        /// The packed identity (see `EventKey`) in `bytes`.
        var identityStart: Int32
        var identityLength: Int32
        /// CVR text in `bytes`; length -1 when absent.
        var enterpriseStart: Int32
        var enterpriseLength: Int32
        var sourceRecordIDStart: Int32
        var sourceRecordIDLength: Int32
        var ageBand: Int32
        var targetGroup: Int32
        var end: Int32
        var hasEnd: Bool
        var hasHours: Bool
        var hours: Double
        var recordedAt: Int64
    }

    public init(source: String) {
        self.source = source
    }

    public var count: Int { rows.count }
    public var isEmpty: Bool { rows.isEmpty }

    public mutating func reserveCapacity(_ count: Int) {
        rows.reserveCapacity(count)
        bytes.reserveCapacity(count * 64)
    }

    /// Puts the rows in identity order (the order the store writes them in) without moving
    /// them. Equal identities keep their file order, so the counts of inserted, updated and
    /// unchanged rows do not depend on how a sort breaks ties. Done by whichever of an
    /// import's two threads has time to spare: the store's for a batch in memory, the
    /// decoding stage's for one written to a run file.
    public mutating func sort() {
        struct Entry {
            var key0: UInt64, key1: UInt64, key2: UInt64
            var row: Int32
        }
        order = bytes.withUnsafeBufferPointer { bytes in
            rows.withUnsafeBufferPointer { rows in
                var entries = rows.indices.map { i in Entry(key0: rows[i].key0, key1: rows[i].key1, key2: rows[i].key2, row: Int32(i)) }
                entries.sort { a, b in
                    // The keys are copied next to each other, so most comparisons stay in them.
                    if a.key0 != b.key0 { return a.key0 < b.key0 }
                    let order = Self.compare(rows[Int(a.row)], bytes, rows[Int(b.row)], bytes)
                    return order != 0 ? order < 0 : a.row < b.row
                }
                return entries.map(\.row)
            }
        }
    }

    /// The identity order of two rows (negative, zero, positive), each read from its own
    /// buffer: the order of the identities' bytes, without building them.
    static func compare(_ a: Row, _ aBytes: UnsafeBufferPointer<UInt8>, _ b: Row, _ bBytes: UnsafeBufferPointer<UInt8>) -> Int {
        if a.key0 != b.key0 { return a.key0 < b.key0 ? -1 : 1 }
        if a.key1 != b.key1 { return a.key1 < b.key1 ? -1 : 1 }
        if a.key2 != b.key2 { return a.key2 < b.key2 ? -1 : 1 }
        // Same citizen, start and stage: the agreement (the identity's tail) decides.
        let tailA = UnsafeBufferPointer(rebasing: aBytes[Int(a.identityStart) + EventKey.agreementOffset ..< Int(a.identityStart + a.identityLength)])
        let tailB = UnsafeBufferPointer(rebasing: bBytes[Int(b.identityStart) + EventKey.agreementOffset ..< Int(b.identityStart + b.identityLength)])
        if tailA.elementsEqual(tailB) { return 0 }
        return tailA.lexicographicallyPrecedes(tailB) ? -1 : 1
    }

    /// Adds a packed row whose texts are in `payload` (a run file's record), copying them.
    mutating func append(copying row: Row, _ payload: UnsafeBufferPointer<UInt8>) {
        order = nil
        let offset = Int32(bytes.count)
        bytes.append(contentsOf: payload)
        var row = row
        row.identityStart += offset
        row.enterpriseStart += offset
        row.sourceRecordIDStart += offset
        rows.append(row)
    }

    /// Empties the rows, keeping their memory.
    mutating func removeAll() {
        order = nil
        rows.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
    }

    /// Packs a record. Its `source` must be this batch's.
    public mutating func append(_ r: ProgressRecord) {
        precondition(r.source == source, "one EventRows per source")
        var agreement = r.agreement, enterprise = r.enterprise, id = r.sourceRecordID
        func utf8<R>(_ s: inout String?, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
            guard s != nil else { return body(nil) }
            return s!.withUTF8 { body($0) }
        }
        utf8(&agreement) { agreement in
            utf8(&enterprise) { enterprise in
                id.withUTF8 { id in
                    append(pseudonym: r.pseudonym, start: r.start, stage: r.stage, agreement: agreement, ageBand: r.ageBand,
                           enterprise: enterprise, targetGroup: r.targetGroup, end: r.end, hoursPerWeek: r.hoursPerWeek,
                           recordedAt: r.recordedAt, sourceRecordID: id)
                }
            }
        }
    }

    /// Packs one pseudonymised record from its fields: the import's packing API. The texts
    /// (agreement id, CVR digits, source record id) are borrowed for this call only and
    /// copied into the batch, so a decoder can lend them from its own buffers: no string is
    /// made per record.
    public mutating func append(pseudonym: Pseudonym, start: Day, stage: Stage, agreement: UnsafeBufferPointer<UInt8>?,
                                 ageBand: AgeBand, enterprise: UnsafeBufferPointer<UInt8>?, targetGroup: TargetGroup,
                                 end: Day?, hoursPerWeek: Double?, recordedAt: Instant,
                                 sourceRecordID: UnsafeBufferPointer<UInt8>) {
        order = nil
        let identityStart = Int32(bytes.count)
        EventKey.appendIdentity(pseudonym: pseudonym, start: start, stage: stage, agreement: agreement, to: &bytes)
        let identityLength = Int32(bytes.count) - identityStart
        var enterpriseStart: Int32 = 0, enterpriseLength: Int32 = -1
        if let enterprise {
            enterpriseStart = Int32(bytes.count)
            bytes.append(contentsOf: enterprise)
            enterpriseLength = Int32(enterprise.count)
        }
        let idStart = Int32(bytes.count)
        bytes.append(contentsOf: sourceRecordID)
        rows.append(Row(
            key0: pseudonym.high, key1: pseudonym.low,
            key2: UInt64(EventKey.dayBits(start)) << 8 | UInt64(stage.code),
            identityStart: identityStart, identityLength: identityLength,
            enterpriseStart: enterpriseStart, enterpriseLength: enterpriseLength,
            sourceRecordIDStart: idStart, sourceRecordIDLength: Int32(sourceRecordID.count),
            ageBand: StoreCode.code(ageBand), targetGroup: StoreCode.code(targetGroup),
            end: end?.daysSinceEpoch ?? 0, hasEnd: end != nil,
            hasHours: hoursPerWeek != nil, hours: hoursPerWeek ?? 0,
            recordedAt: recordedAt.secondsSinceEpoch))
    }
}
