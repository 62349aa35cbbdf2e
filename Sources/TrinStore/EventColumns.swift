import Foundation
import GRDB
import TrinCore

/// Reading a stored event back into a `ProgressRecord`.
enum EventColumns {
    static let select = "substr(identity, 1, 16), age_band, agreement, enterprise, target_group, stage, start_day, end_day, hours, recorded_at, source, source_record_id"

    static func record(_ row: Row) throws -> ProgressRecord {
        let bytes: Data = row[0]
        guard let ageBand = AgeBand(rawValue: row[1]), let group = TargetGroup(rawValue: row[4]),
              let stage = Stage(rawValue: row[5])
        else { throw StoreError.database(path: "", message: "corrupt event row") }
        return ProgressRecord(
            pseudonym: Pseudonym(bytes: bytes), ageBand: ageBand, agreement: row[2], enterprise: row[3],
            targetGroup: group, stage: stage, start: Day(daysSinceEpoch: row[6]), end: (row[7] as Int32?).map(Day.init(daysSinceEpoch:)),
            hoursPerWeek: row[8], recordedAt: Instant(secondsSinceEpoch: row[9]), source: row[10], sourceRecordID: row[11])
    }
}
