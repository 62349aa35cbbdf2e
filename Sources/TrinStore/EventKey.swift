import TrinCore

/// Byte encodings that make SQLite's BLOB comparison (memcmp) do the dedup rules.
///
/// `identity` packs (pseudonym, start, stage, agreement): a primary key that sorts by
/// citizen. `version` packs (recordedAt, source, sourceRecordID, then the remaining
/// fields ageBand, enterprise, targetGroup, end, hoursPerWeek) so that the greater
/// blob is the version definitions.md keeps: a total order, whatever the import order.
enum EventKey {
    static func identity(_ r: ProgressRecord) -> [UInt8] {
        var out = r.pseudonym.bytes
        out.reserveCapacity(16 + 4 + 1 + (r.agreement?.utf8.count ?? 0))
        appendDay(&out, r.start)
        out.append(r.stage.code)
        if let a = r.agreement { out.append(contentsOf: a.utf8) }
        return out
    }

    static func version(_ r: ProgressRecord) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(64)
        appendInt64(&out, r.recordedAt.secondsSinceEpoch)
        appendString(&out, r.source)
        appendString(&out, r.sourceRecordID)
        appendString(&out, r.ageBand.rawValue)
        appendOptionalString(&out, r.enterprise)
        appendString(&out, r.targetGroup.rawValue)
        if let e = r.end { out.append(1); appendDay(&out, e) } else { out.append(0) }
        if let h = r.hoursPerWeek { out.append(1); appendDouble(&out, h) } else { out.append(0) }
        return out
    }

    /// Strings end in 0x00, so that a prefix sorts before its extensions (code-point order).
    static func appendString(_ out: inout [UInt8], _ s: String) {
        out.append(contentsOf: s.utf8)
        out.append(0)
    }

    /// Absent sorts before any present value.
    static func appendOptionalString(_ out: inout [UInt8], _ s: String?) {
        if let s { out.append(1); appendString(&out, s) } else { out.append(0) }
    }

    static func appendDay(_ out: inout [UInt8], _ d: Day) {
        let v = UInt32(bitPattern: d.daysSinceEpoch) ^ 0x8000_0000
        for shift in stride(from: 24, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: v >> UInt32(shift))) }
    }

    static func appendInt64(_ out: inout [UInt8], _ i: Int64) {
        let v = UInt64(bitPattern: i) ^ 0x8000_0000_0000_0000
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: v >> UInt64(shift))) }
    }

    /// IEEE 754 bits made byte-comparable (flip all bits of negatives, the sign of positives).
    static func appendDouble(_ out: inout [UInt8], _ d: Double) {
        let bits = d.bitPattern
        let v = bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: v >> UInt64(shift))) }
    }
}

/// The order-independent rule for the register across files: the greatest of
/// (end date, absent lowest; start; name; type; bottom lines) is kept, so a closure
/// seen in any export stays recorded.
enum EnterpriseKey {
    static func version(_ e: EnterpriseRecord) -> [UInt8] {
        var out = [UInt8]()
        if let end = e.end { out.append(1); EventKey.appendDay(&out, end) } else { out.append(0) }
        EventKey.appendDay(&out, e.start)
        EventKey.appendString(&out, e.name)
        EventKey.appendString(&out, e.type.rawValue)
        out.append(contentsOf: [e.socialBottomLine, e.localBottomLine, e.economicBottomLine].map { $0 ? 1 : 0 })
        return out
    }
}
