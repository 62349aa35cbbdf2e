import GRDB
public import TrinCore

/// What a purge deleted.
public struct PurgeCounts: Sendable, Equatable {
    public var rejectedRows = 0
    public var runs = 0
    public var events = 0

    public init(rejectedRows: Int = 0, runs: Int = 0, events: Int = 0) {
        self.rejectedRows = rejectedRows; self.runs = runs; self.events = events
    }
}

extension SQLiteStore {
    /// Deletes, in one transaction: rejected rows of runs started before
    /// `rejectedRowsBefore`; runs (with their file outcomes and rejected rows) started
    /// before `runsBefore`, never one still running; progress records whose end day
    /// (their start day when they have none) is before `eventsEndedBefore`. Nil keeps.
    public func purge(rejectedRowsBefore: Instant?, runsBefore: Instant?, eventsEndedBefore: Day?) throws(StoreError) -> PurgeCounts {
        try write { db in
            var counts = PurgeCounts()
            if let cutoff = rejectedRowsBefore {
                try db.execute(sql: "DELETE FROM rejection WHERE run_id IN (SELECT id FROM run WHERE started_at < ?)",
                               arguments: [cutoff.secondsSinceEpoch])
                counts.rejectedRows = db.changesCount
            }
            if let cutoff = runsBefore {
                let old = "SELECT id FROM run WHERE started_at < ? AND status != 'running'"
                try db.execute(sql: "DELETE FROM rejection WHERE run_id IN (\(old))", arguments: [cutoff.secondsSinceEpoch])
                counts.rejectedRows += db.changesCount
                try db.execute(sql: "DELETE FROM run_file WHERE run_id IN (\(old))", arguments: [cutoff.secondsSinceEpoch])
                try db.execute(sql: "DELETE FROM run WHERE started_at < ? AND status != 'running'", arguments: [cutoff.secondsSinceEpoch])
                counts.runs = db.changesCount
            }
            if let day = eventsEndedBefore {
                counts.events = try RecentEvents.purge(endedBefore: Int(day.daysSinceEpoch), db)
                // A deleted record must come back if an export still has it: no row is known any more.
                if counts.events > 0 {
                    try db.execute(sql: "DELETE FROM known_rows")
                    try Self.bumpContentVersion(db)
                }
            }
            return counts
        }
    }
}
