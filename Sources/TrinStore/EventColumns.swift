import Foundation
import GRDB
import GRDBSQLite
import TrinCore

/// Reading a stored event back into a `ProgressRecord`: pseudonym, stage and
/// agreement come out of the packed identity.
enum EventColumns {
    /// Decodes rows of `select` straight from a stepped statement's columns. Texts that
    /// repeat from row to row (agreement, enterprise, source) are made once while they repeat.
    struct Reader {
        private var agreement: (bytes: [UInt8], text: String?) = ([], nil)
        private var enterprise: (bytes: [UInt8], text: String?) = ([], nil)
        private var source: (bytes: [UInt8], text: String) = ([], "")

        /// The record of the row `s` stands on, selected with `select` (`.all`) or `selectFigures`.
        mutating func record(_ s: OpaquePointer, fields: RecordFields = .all) throws -> ProgressRecord {
            let identityLength = Int(sqlite3_column_bytes(s, 0))
            guard identityLength >= EventKey.agreementOffset, let identity = sqlite3_column_blob(s, 0) else {
                throw StoreError.database(path: "", message: "corrupt event row")
            }
            let ageCode = Int(sqlite3_column_int(s, 1)), groupCode = Int(sqlite3_column_int(s, 3))
            let stageCode = Int(identity.load(fromByteOffset: EventKey.stageOffset, as: UInt8.self))
            guard StoreCode.ageBands.indices.contains(ageCode), StoreCode.targetGroups.indices.contains(groupCode),
                  stageCode < Stage.allCases.count
            else { throw StoreError.database(path: "", message: "corrupt event row") }
            let pseudonym = Pseudonym(high: UInt64(bigEndian: identity.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                                      low: UInt64(bigEndian: identity.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
            let agreementBytes = UnsafeRawBufferPointer(start: identity + EventKey.agreementOffset,
                                                        count: identityLength - EventKey.agreementOffset)
            if !Self.same(agreementBytes, agreement.bytes) {
                agreement = (Array(agreementBytes), agreementBytes.isEmpty ? nil : String(decoding: agreementBytes, as: UTF8.self))
            }
            let enterpriseText: String?
            if sqlite3_column_type(s, 2) == SQLITE_NULL {
                enterpriseText = nil
            } else {
                let bytes = Self.text(s, 2)
                if !Self.same(bytes, enterprise.bytes) || enterprise.text == nil {
                    enterprise = (Array(bytes), String(decoding: bytes, as: UTF8.self))
                }
                enterpriseText = enterprise.text
            }
            let start = Day(daysSinceEpoch: sqlite3_column_int(s, 4))
            let end = sqlite3_column_type(s, 5) == SQLITE_NULL ? nil : Day(daysSinceEpoch: sqlite3_column_int(s, 5))
            guard fields == .all else {
                return ProgressRecord(
                    pseudonym: pseudonym, ageBand: StoreCode.ageBands[ageCode], agreement: agreement.text, enterprise: enterpriseText,
                    targetGroup: StoreCode.targetGroups[groupCode], stage: Stage.allCases[stageCode], start: start, end: end,
                    hoursPerWeek: nil, recordedAt: Instant(secondsSinceEpoch: sqlite3_column_int64(s, 6)), source: "", sourceRecordID: "")
            }
            let sourceBytes = Self.text(s, 8)
            if !Self.same(sourceBytes, source.bytes) { source = (Array(sourceBytes), String(decoding: sourceBytes, as: UTF8.self)) }
            return ProgressRecord(
                pseudonym: pseudonym, ageBand: StoreCode.ageBands[ageCode], agreement: agreement.text, enterprise: enterpriseText,
                targetGroup: StoreCode.targetGroups[groupCode], stage: Stage.allCases[stageCode], start: start, end: end,
                hoursPerWeek: sqlite3_column_type(s, 6) == SQLITE_NULL ? nil : sqlite3_column_double(s, 6),
                recordedAt: Instant(secondsSinceEpoch: sqlite3_column_int64(s, 7)), source: source.text,
                sourceRecordID: String(decoding: Self.text(s, 9), as: UTF8.self))
        }

        /// Whether a column's bytes are those kept: one `memcmp`, where the generic
        /// `elementsEqual` stepped byte by byte through two iterators on every row.
        private static func same(_ bytes: UnsafeRawBufferPointer, _ kept: [UInt8]) -> Bool {
            guard bytes.count == kept.count else { return false }
            // Empty buffers may have no address at all.
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return true }
            return kept.withUnsafeBytes { memcmp(base, $0.baseAddress!, bytes.count) == 0 }
        }

        /// A text column's UTF-8 bytes, valid until the next step.
        private static func text(_ s: OpaquePointer, _ column: Int32) -> UnsafeRawBufferPointer {
            guard let p = sqlite3_column_text(s, column) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
            return UnsafeRawBufferPointer(start: p, count: Int(sqlite3_column_bytes(s, column)))
        }
    }

    static let select = "identity, age_band, enterprise, target_group, start_day, end_day, hours, recorded_at, source, source_record_id"
    /// What `RecordFields.figures` reads: the first six of `select`, then `recorded_at`.
    static let selectFigures = "identity, age_band, enterprise, target_group, start_day, end_day, recorded_at"

    static func record(_ row: Row) throws -> ProgressRecord {
        let identity: Data = row[0]
        let ageCode: Int = row[1], groupCode: Int = row[3]
        let stageAt = identity.startIndex + EventKey.stageOffset
        guard identity.count >= EventKey.agreementOffset, StoreCode.ageBands.indices.contains(ageCode),
              StoreCode.targetGroups.indices.contains(groupCode),
              Int(identity[stageAt]) < Stage.allCases.count
        else { throw StoreError.database(path: "", message: "corrupt event row") }
        let stage = Stage.allCases[Int(identity[stageAt])]
        let agreementBytes = identity.dropFirst(EventKey.agreementOffset)
        return ProgressRecord(
            pseudonym: Pseudonym(bytes: identity.prefix(16)), ageBand: StoreCode.ageBands[ageCode],
            agreement: agreementBytes.isEmpty ? nil : String(decoding: agreementBytes, as: UTF8.self), enterprise: row[2],
            targetGroup: StoreCode.targetGroups[groupCode], stage: stage, start: Day(daysSinceEpoch: row[4]),
            end: (row[5] as Int32?).map(Day.init(daysSinceEpoch:)), hoursPerWeek: row[6],
            recordedAt: Instant(secondsSinceEpoch: row[7]), source: row[8], sourceRecordID: row[9])
    }
}
