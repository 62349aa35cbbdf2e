import Foundation
import GRDB
import TrinCore

/// Reading a stored event back into a `ProgressRecord`: pseudonym, stage and
/// agreement come out of the packed identity.
enum EventColumns {
    static let select = "identity, age_band, enterprise, target_group, start_day, end_day, hours, recorded_at, source, source_record_id"

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
