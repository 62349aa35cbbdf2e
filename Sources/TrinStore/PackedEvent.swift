public import TrinCore

/// One packed record read in place, for a store that copies records out rather than
/// binding them (the PostgreSQL store's COPY): no string is made per record.
package struct PackedEvent {
    let row: EventRows.Row
    /// The buffer `row`'s offsets point into (a batch's bytes, or a run record's payload).
    let bytes: UnsafeBufferPointer<UInt8>

    package var pseudonym: Pseudonym { Pseudonym(high: row.key0, low: row.key1) }
    package var startDay: Int32 { EventKey.daysSinceEpoch(dayBits: UInt32(truncatingIfNeeded: row.key2 >> 8)) }
    package var stage: Stage { Stage.allCases[Int(row.key2 & 0xFF)] }
    /// The agreement's UTF-8 bytes; empty when there is none.
    package var agreement: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[Int(row.identityStart) + EventKey.agreementOffset ..< Int(row.identityStart + row.identityLength)])
    }
    package var ageBand: AgeBand { StoreCode.ageBands[Int(row.ageBand)] }
    package var enterprise: UnsafeBufferPointer<UInt8>? {
        row.enterpriseLength < 0 ? nil
            : UnsafeBufferPointer(rebasing: bytes[Int(row.enterpriseStart) ..< Int(row.enterpriseStart + row.enterpriseLength)])
    }
    package var targetGroup: TargetGroup { StoreCode.targetGroups[Int(row.targetGroup)] }
    package var endDay: Int32? { row.hasEnd ? row.end : nil }
    package var hoursPerWeek: Double? { row.hasHours ? row.hours : nil }
    package var recordedAt: Int64 { row.recordedAt }
    package var sourceRecordID: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[Int(row.sourceRecordIDStart) ..< Int(row.sourceRecordIDStart + row.sourceRecordIDLength)])
    }
}

extension EventRows {
    /// Calls `body` with every record, in the order they were appended.
    package func forEachPacked(_ body: (PackedEvent) throws -> Void) rethrows {
        try bytes.withUnsafeBufferPointer { bytes in
            for row in rows { try body(PackedEvent(row: row, bytes: bytes)) }
        }
    }
}

extension SortedRun {
    /// Calls `body` with every record of the run, in identity order.
    package func forEachPacked(_ body: (PackedEvent) throws -> Void) throws {
        var cursor = RunCursor(self, bufferSize: 1 << 18)
        defer { cursor.deallocate() }
        while try cursor.advance() { try body(PackedEvent(row: cursor.row, bytes: cursor.payload)) }
    }
}
