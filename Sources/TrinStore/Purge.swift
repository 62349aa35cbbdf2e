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
                if counts.events > 0 { try Self.bumpContentVersion(db) }
            }
            try Self.keepCutoff(eventsEndedBefore.map { Int($0.daysSinceEpoch) }, db)
            return counts
        }
    }

    public func prepareImports(eventsEndedBefore: Day?) throws(StoreError) {
        let now = eventsEndedBefore.map { Int($0.daysSinceEpoch) }
        guard RetentionCutoff.forgetsKnownRows(last: try read { db in try Self.lastCutoff(db) }, now: now) else { return }
        try write { db in try Self.keepCutoff(now, db) }
    }

    static func lastCutoff(_ db: Database) throws -> Int? {
        try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [RetentionCutoff.metaKey]).flatMap { Int($0) }
    }

    /// Keeps the purge's cutoff for records, and forgets the known rows when records deleted
    /// before may have to come back (`RetentionCutoff`).
    static func keepCutoff(_ now: Int?, _ db: Database) throws {
        let key = RetentionCutoff.metaKey
        let last = try lastCutoff(db)
        if RetentionCutoff.forgetsKnownRows(last: last, now: now) { try db.execute(sql: "DELETE FROM known_rows") }
        guard now != last else { return }
        if let now {
            try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", arguments: [key, String(now)])
        } else {
            try db.execute(sql: "DELETE FROM meta WHERE key = ?", arguments: [key])
        }
    }
}
