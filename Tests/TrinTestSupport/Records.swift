public import TrinCore

/// A record of citizen `citizen` (its pseudonym's high half) with the fields store tests vary.
public func record(_ citizen: UInt64, _ stage: Stage, _ start: String, agreement: String? = "SA-1", recordedAt: Int64 = 1000,
            source: String = "forloeb", id: String = "F-1", end: String? = nil, hours: Double? = nil) -> ProgressRecord {
    ProgressRecord(pseudonym: Pseudonym(high: citizen, low: 0), ageBand: .from25to29, agreement: agreement,
                   enterprise: "12345674", targetGroup: .kontanthjaelp, stage: stage, start: Day(iso: start)!,
                   end: end.flatMap { Day(iso: $0) }, hoursPerWeek: hours,
                   recordedAt: Instant(secondsSinceEpoch: recordedAt), source: source, sourceRecordID: id)
}
