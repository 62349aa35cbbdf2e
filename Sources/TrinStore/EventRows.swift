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
        order = bytes.withUnsafeBufferPointer { bytes in
            rows.withUnsafeBufferPointer { rows in Self.identityOrder(rows, bytes) }
        }
    }

    /// Row indices in identity order, equal identities in row order.
    ///
    /// A pseudonym is a keyed hash, so the leading bits of `key0` spread evenly: the rows are
    /// dealt into buckets by those bits (one counting pass and one stable scatter, as many
    /// buckets as rows up to 65,536), and each bucket, a citizen's few rows or a few
    /// citizens, is put in order by comparison. A bucket of more than `bucketSortedByMerge`
    /// rows (one citizen with hundreds of rows in a batch) goes through the library's sort.
    /// It takes 15 % of the instructions of the comparison sort it replaced (callgrind, a
    /// 200,000-row import; docs/benchmarks.md).
    static func identityOrder(_ rows: UnsafeBufferPointer<Row>, _ bytes: UnsafeBufferPointer<UInt8>) -> [Int32] {
        let n = rows.count
        guard n > 1, let base = rows.baseAddress else { return n == 1 ? [0] : [] }
        let bits = min(16, max(1, Int.bitWidth - (n - 1).leadingZeroBitCount))
        let shift = UInt64(64 - bits)
        var starts = [Int32](repeating: 0, count: (1 << bits) + 1)
        var order = [Int32](repeating: 0, count: n)
        starts.withUnsafeMutableBufferPointer { starts in
            for i in 0..<n { starts[Int(base[i].key0 >> shift) + 1] += 1 }
            for b in 1..<starts.count { starts[b] += starts[b - 1] }
            order.withUnsafeMutableBufferPointer { order in
                var next = Array(starts.dropLast())
                next.withUnsafeMutableBufferPointer { next in
                    for i in 0..<n {
                        let b = Int(base[i].key0 >> shift)
                        order[Int(next[b])] = Int32(i)
                        next[b] += 1
                    }
                }
                for b in 0..<(starts.count - 1) {
                    let lower = Int(starts[b]), upper = Int(starts[b + 1])
                    guard upper - lower > 1 else { continue }
                    var bucket = UnsafeMutableBufferPointer(rebasing: order[lower..<upper])
                    if bucket.count <= bucketSortedByMerge {
                        insertionSort(bucket, base, bytes)
                    } else {
                        bucket.sort { precedes(base + Int($0), $0, base + Int($1), $1, bytes) }
                    }
                }
            }
        }
        return order
    }

    /// Largest bucket `identityOrder` sorts by insertion (it is quadratic in the bucket).
    static let bucketSortedByMerge = 32

    /// Sorts row indices in place by identity, then index (so the sort is stable).
    private static func insertionSort(_ order: UnsafeMutableBufferPointer<Int32>, _ base: UnsafePointer<Row>,
                                      _ bytes: UnsafeBufferPointer<UInt8>) {
        for i in 1..<order.count {
            let row = order[i]
            var j = i
            while j > 0, precedes(base + Int(row), row, base + Int(order[j - 1]), order[j - 1], bytes) {
                order[j] = order[j - 1]
                j -= 1
            }
            order[j] = row
        }
    }

    /// Whether row `ia` (at `a`) comes before row `ib` (at `b`): identity order, then index.
    @inline(__always)
    private static func precedes(_ a: UnsafePointer<Row>, _ ia: Int32, _ b: UnsafePointer<Row>, _ ib: Int32,
                                 _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if a.pointee.key0 != b.pointee.key0 { return a.pointee.key0 < b.pointee.key0 }
        if a.pointee.key1 != b.pointee.key1 { return a.pointee.key1 < b.pointee.key1 }
        if a.pointee.key2 != b.pointee.key2 { return a.pointee.key2 < b.pointee.key2 }
        let order = compare(a.pointee, bytes, b.pointee, bytes)
        return order != 0 ? order < 0 : ia < ib
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
        // The identity, the CVR and the record id are written next to each other on the stack
        // and appended in one go: one uniqueness and capacity check instead of seven.
        let identityStart = Int32(bytes.count)
        let identityLength = Int32(EventKey.agreementOffset + (agreement?.count ?? 0))
        var enterpriseStart: Int32 = 0, enterpriseLength: Int32 = -1
        if let enterprise {
            enterpriseStart = identityStart + identityLength
            enterpriseLength = Int32(enterprise.count)
        }
        let idStart = identityStart + identityLength + max(enterpriseLength, 0)
        let total = Int(idStart - identityStart) + sourceRecordID.count
        withUnsafeTemporaryAllocation(byteCount: total, alignment: 1) { scratch in
            let out = scratch.baseAddress!
            _ = EventKey.writeIdentity(pseudonym: pseudonym, start: start, stage: stage, agreement: agreement, to: out)
            if let enterprise, let source = enterprise.baseAddress {
                (out + Int(enterpriseStart - identityStart)).copyMemory(from: source, byteCount: enterprise.count)
            }
            if let source = sourceRecordID.baseAddress {
                (out + Int(idStart - identityStart)).copyMemory(from: source, byteCount: sourceRecordID.count)
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(scratch))
        }
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
