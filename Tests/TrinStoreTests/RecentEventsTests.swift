import Foundation
import GRDB
import Synchronization
import Testing
import TrinCore
@testable import TrinStore

/// Records changed or added after the first import go into `event_recent` until it outgrows
/// its share of `event`, then it is folded in. Where records went must never show: the
/// stored records, the counts of every file, what the readers read and what a purge deletes
/// are checked against a store that writes everything into `event`.
@Suite struct RecentEventsTests {
    typealias Outcome = (counts: [String], rows: [String], citizens: [String], figures: [String], eventCount: Int)

    /// Imports the files into a new store with `limit`, each as one batch or as three runs.
    static func importAll(_ files: [[ProgressRecord]], limit: RecentEvents.Limit, throughRuns: Bool = false,
                          inspect: (SQLiteStore, Int) throws -> Void = { _, _ in }) throws -> (SQLiteStore, Outcome) {
        let store = try tempStore(recentLimit: limit)
        var counts: [String] = []
        for (n, records) in files.enumerated() {
            counts.append(try ChunkedWriteTests.importFile(records, into: store, throughRuns: throughRuns))
            try checkInvariant(store)
            try inspect(store, n)
        }
        return (store, try outcome(store, counts))
    }

    static let firstDay = Day(daysSinceEpoch: 19_000)

    /// A course of citizen `citizen` starting `day` days after `firstDay`, recorded `recorded`
    /// seconds after the first import's records, ending `end` days after its start.
    static func record(_ citizen: Int, day: Int32 = 0, recorded: Int64 = 0, end: Int? = nil) -> ProgressRecord {
        let start = firstDay.adding(days: Int(day))
        return ProgressRecord(pseudonym: Pseudonym(high: UInt64(citizen) &* 0x9E37_79B9_7F4A_7C15, low: 1), ageBand: .from30to39,
                              agreement: "SA-1", enterprise: nil, targetGroup: .kontanthjaelp, stage: .praktik, start: start,
                              end: end.map { start.adding(days: $0) }, hoursPerWeek: nil,
                              recordedAt: Instant(secondsSinceEpoch: 1_700_000_000 + recorded), source: "forloeb",
                              sourceRecordID: "F-\(citizen)-\(day)")
    }

    static func outcome(_ store: SQLiteStore, _ counts: [String]) throws -> Outcome {
        // Two readers: each merges its own range of both tables.
        func read(_ fields: RecordFields) throws -> [String] {
            let citizens = Mutex<[String]>([])
            try store.forEachCitizenBatch(readers: 2, citizensPerBatch: 3, fields: fields) { batch in
                citizens.withLock { $0 += batch.map { "\($0)" } }
            }
            return citizens.withLock { $0 }.sorted()
        }
        return (counts, try ChunkedWriteTests.storedRows(store), try read(.all), try read(.figures), try store.eventCount())
    }

    /// What makes the two tables one store: a row of `event_recent` has a row in `event` exactly
    /// when `in_event` says so, and is greater than it; the row-count hint is exact.
    static func checkInvariant(_ store: SQLiteStore, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (missing, extra, notGreater, hint, rows) = try store.queue.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM event_recent r WHERE in_event = 1 AND NOT EXISTS (SELECT 1 FROM event e WHERE e.identity = r.identity)")!,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM event_recent r WHERE in_event = 0 AND EXISTS (SELECT 1 FROM event e WHERE e.identity = r.identity)")!,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM event_recent r JOIN event e USING (identity) WHERE NOT (\(SQLiteFileImport.greater(new: "r.", stored: "e.")))")!,
             try RecentEvents.mainRows(db), try Int.fetchOne(db, sql: "SELECT count(*) FROM event")!)
        }
        #expect(missing == 0 && extra == 0 && notGreater == 0, "in_event wrong: \(missing) + \(extra), not greater: \(notGreater)", sourceLocation: sourceLocation)
        #expect(hint == rows, sourceLocation: sourceLocation)
    }

    static func rowCounts(_ store: SQLiteStore) throws -> (event: Int, recent: Int, hint: Int) {
        try store.queue.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM event")!, try RecentEvents.count(db), try RecentEvents.mainRows(db))
        }
    }

    /// Day one: 800 courses.
    static let dayOne = (0..<800).map { record($0) }

    /// Night `n` after day one: 40 records of day one recorded again with an end (greater),
    /// 10 older copies (smaller: recorded earlier), 10 new courses.
    static func night(_ n: Int) -> [ProgressRecord] {
        (0..<40).map { record(n * 40 + $0, recorded: Int64(n), end: 30) }
            + (0..<10).map { record(700 + $0, recorded: -1) }
            + (0..<10).map { record($0, day: Int32(100 + n)) }
    }

    /// Per part of the key space (`RecentEvents.parts`): `event`'s rows (identity and
    /// version), and `event_recent`'s count.
    static func parts(_ db: Database) throws -> (event: [[String]], recent: [Int]) {
        let width = 256 / RecentEvents.parts
        var event = Array(repeating: [String](), count: RecentEvents.parts), recent = Array(repeating: 0, count: RecentEvents.parts)
        for row in try Row.fetchAll(db, sql: "SELECT identity, recorded_at, end_day FROM event") {
            let identity = row[0] as Data
            event[Int(identity[0]) / width].append("\(identity.map { $0 })\(row[1] as Int)\(row[2] as Int? ?? -1)")
        }
        for identity in try Data.fetchAll(db, sql: "SELECT identity FROM event_recent") { recent[Int(identity[0]) / width] += 1 }
        return (event, recent)
    }

    @Test("stored records, counts and reads are the same wherever the records went", arguments: [false, true])
    func sameAsOneTable(throughRuns: Bool) throws {
        for seed in [UInt64(4), 5, 6] {
            let files = ChunkedWriteTests.files(seed: seed, count: 8, rowsPerFile: 200)
            let (_, plain) = try Self.importAll(files, limit: .off, throughRuns: throughRuns)
            var usedRecent = false
            for limit in [RecentEvents.Limit.store, .shareOf(2), .shareOf(1), .unlimited] {
                let (store, other) = try Self.importAll(files, limit: limit, throughRuns: throughRuns) { store, _ in
                    if try Self.rowCounts(store).recent > 0 { usedRecent = true }
                }
                #expect(other.counts == plain.counts, "\(limit)")
                #expect(other.rows == plain.rows, "\(limit)")
                // Compared citizen by citizen: a failure names the first that differs, not all of them.
                let differing = other.citizens.indices.first { $0 < plain.citizens.count && other.citizens[$0] != plain.citizens[$0] }
                #expect(other.citizens.count == plain.citizens.count && differing == nil,
                        "\(limit): citizen \(differing.map { plain.citizens[$0] } ?? "-") read differently")
                #expect(other.figures == plain.figures, "\(limit)")
                #expect(other.eventCount == plain.eventCount, "\(limit)")
                _ = store
            }
            #expect(usedRecent)
            // The files mix new identities, greater versions and smaller ones.
            #expect(plain.counts.dropFirst().allSatisfy { !$0.contains("updated=0") && !$0.contains("same=0") }, "\(plain.counts)")
            #expect(plain.rows.count > 100)
        }
    }

    @Test("the stored records do not depend on the order of the files")
    func orderIndependent() throws {
        let files = ChunkedWriteTests.files(seed: 11, count: 8, rowsPerFile: 150)
        let (_, forward) = try Self.importAll(files, limit: .store)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3 {
            let (_, shuffled) = try Self.importAll(files.shuffled(using: &generator), limit: .store)
            #expect(shuffled.rows == forward.rows)
            #expect(shuffled.citizens == forward.citizens)
        }
        let (_, backward) = try Self.importAll(files.reversed(), limit: .unlimited)
        #expect(backward.rows == forward.rows)
    }

    /// A large first import, then small nights: they go into `event_recent` and leave
    /// `event` as it was, until the table holds more than half its limit (a quarter of
    /// `event`); then each night folds one eighth of the key space, and leaves the pages of
    /// the other seven eighths as they were. A night that takes it past the limit folds it all.
    @Test("nights fold an eighth of the key space at a time, a large one all of it")
    func nightsThenFold() throws {
        let first = Self.dayOne
        // Four nights (`night`), then one that changes 150.
        let nights = (1...4).map(Self.night) + [(0..<150).map { Self.record(300 + $0, recorded: 9, end: 60) }]
        let parts = RecentEvents.parts
        struct Snapshot { var event: [[String]]; var recent: [Int]; var eventRows: Int; var hint: Int }
        var snapshots: [Snapshot] = []
        let (store, outcome) = try Self.importAll([first] + nights, limit: .store) { store, _ in
            snapshots.append(try store.queue.read { db in
                let (event, recent) = try Self.parts(db)
                return Snapshot(event: event, recent: recent, eventRows: event.map(\.count).reduce(0, +), hint: try RecentEvents.mainRows(db))
            })
        }
        #expect(snapshots.map(\.hint) == snapshots.map(\.eventRows))
        // Nights one and two leave 50 and 100 rows in event_recent (not above half of 200):
        // event as it was.
        #expect(snapshots[1].event == snapshots[0].event && snapshots[1].recent.reduce(0, +) == 50)
        #expect(snapshots[2].event == snapshots[0].event && snapshots[2].recent.reduce(0, +) == 100)
        // Nights three and four take it above 100 and fold parts 0 and 1 in turn.
        for (night, part) in [(3, 0), (4, 1)] {
            let (before, after) = (snapshots[night - 1], snapshots[night])
            #expect(after.recent[part] == 0, "night \(night)")
            #expect(after.event[part] != before.event[part], "night \(night)")
            for other in 0..<parts where other != part {
                #expect(after.event[other] == before.event[other], "night \(night), part \(other)")
                #expect(after.recent[other] >= before.recent[other], "night \(night), part \(other)")
            }
        }
        // The large night takes it past 200: all of it folded.
        #expect(snapshots[4].recent.reduce(0, +) + 150 > 200)
        #expect(snapshots[5].recent == Array(repeating: 0, count: parts))
        #expect(outcome.counts == ["new=800 updated=0 same=0"] + Array(repeating: "new=10 updated=40 same=10", count: 4)
                + ["new=0 updated=150 same=0"])
        #expect(outcome.eventCount == 840)
        let (_, plain) = try Self.importAll([first] + nights, limit: .off)
        #expect(outcome.rows == plain.rows && outcome.citizens == plain.citizens)
        // event_view shows the stored records, each once, also while event_recent holds some.
        let (plainStore, _) = try Self.importAll([first] + nights.prefix(3), limit: .off)
        let (partial, _) = try Self.importAll([first] + nights.prefix(3), limit: .store)
        #expect(try Self.rowCounts(partial).recent > 0)
        let view = "SELECT * FROM event_view ORDER BY pseudonym, start, stage, agreement"
        let viewRows = try partial.queue.read { db in try Row.fetchAll(db, sql: view).map { "\($0)" } }
        #expect(viewRows == (try plainStore.queue.read { db in try Row.fetchAll(db, sql: view).map { "\($0)" } }))
        #expect(viewRows.count == 830)
        _ = store
    }

    /// A nightly export (one with known rows) folds its part of the key space before its
    /// records come, while the store's thread would wait: past a quarter of the limit, judged
    /// on the table as the night finds it. Then it folds nothing more at its end, however
    /// often it is flushed; what is stored and counted is what a one-table store holds.
    @Test("a nightly export folds its part before its records, once")
    func foldAheadOfANight() throws {
        let first = Self.dayOne
        let nights = (1...5).map(Self.night)
        let parts = Self.parts
        let store = try tempStore(recentLimit: .store)
        var counts = [try ChunkedWriteTests.importFile(first, into: store, throughRuns: false)]
        var folded: [Int?] = []
        for records in nights {
            counts.append(try store.importFile { file -> String in
                let session = try #require(file as? SQLiteFileImport)
                let (before, recentBefore) = (try parts(session.db), try RecentEvents.count(session.db))
                try session.beforeSupersetExport()
                try session.beforeSupersetExport()
                let ahead = try parts(session.db)
                let changed = (0..<RecentEvents.parts).filter { ahead.event[$0] != before.event[$0] || ahead.recent[$0] != before.recent[$0] }
                // Past a quarter of the limit (800 / 4 / 4 = 50 rows), exactly one part moved, all of it.
                #expect(changed.count == (recentBefore > 50 ? 1 : 0), "\(recentBefore) rows before: parts \(changed) changed")
                if let part = changed.first { #expect(ahead.recent[part] == 0 && before.recent[part] > 0) }
                folded.append(changed.first)
                var rows = EventRows(source: "forloeb")
                for r in records { rows.append(r) }
                try session.write(rows)
                let written = try parts(session.db)
                try session.flush()
                try session.flush()
                // Nothing more folded at the end, although the table is past half its limit.
                #expect(try parts(session.db).event == written.event)
                return "new=\(session.inserted) updated=\(session.updated) same=\(session.duplicates)"
            })
            try Self.checkInvariant(store)
        }
        // Nights one and two find 0 and 50 rows: no fold. Three, four and five fold parts 0, 1, 2.
        #expect(folded == [nil, nil, 0, 1, 2])
        let (_, plain) = try Self.importAll([first] + nights, limit: .off)
        #expect(counts == plain.counts)
        let outcome = try Self.outcome(store, counts)
        #expect(outcome.rows == plain.rows && outcome.citizens == plain.citizens && outcome.eventCount == plain.eventCount)
    }

    /// With its known rows forgotten (a longer retention, another mapping or version of trin),
    /// a nightly export is read in full: its records
    /// are mostly the stored ones again, which land nowhere. Only the changed ones count
    /// against the table's limit, so `event` stays as it was.
    @Test("an export read again in full lands only its changes in event_recent")
    func exportReadAgainInFull() throws {
        let first = (0..<800).map { Self.record($0) }
        // All 800 again, 30 of them recorded later with an end: 800 records offered, 30 land.
        let again = (0..<800).map { $0 < 30 ? Self.record($0, recorded: 1, end: 20) : Self.record($0) }
        var eventRows: [[String]] = []
        let (_, outcome) = try Self.importAll([first, again], limit: .store) { store, _ in
            eventRows.append(try store.queue.read { db in
                try String.fetchAll(db, sql: "SELECT hex(identity) || recorded_at FROM event ORDER BY identity")
            })
        }
        #expect(outcome.counts == ["new=800 updated=0 same=0", "new=0 updated=30 same=770"])
        #expect(eventRows[1] == eventRows[0], "the export read again left event as it was")
        let (_, plain) = try Self.importAll([first, again], limit: .off)
        #expect(outcome.rows == plain.rows && outcome.citizens == plain.citizens)
    }

    @Test("a purge deletes what a one-table store deletes, without folding", arguments: [RecentEvents.Limit.shareOf(1), .unlimited])
    func purgeAfterRecent(limit: RecentEvents.Limit) throws {
        let files = ChunkedWriteTests.files(seed: 21, count: 6, rowsPerFile: 200)
        for cutoff in [19_020, 19_040, 19_060].map(Day.init(daysSinceEpoch:)) {
            let (plainStore, _) = try Self.importAll(files, limit: .off)
            let (store, _) = try Self.importAll(files, limit: limit)
            let recentBefore = try Self.rowCounts(store).recent
            #expect(recentBefore > 0)
            let plainCounts = try plainStore.purge(rejectedRowsBefore: nil, runsBefore: nil, eventsEndedBefore: cutoff)
            let counts = try store.purge(rejectedRowsBefore: nil, runsBefore: nil, eventsEndedBefore: cutoff)
            #expect(counts == plainCounts)
            #expect(counts.events > 0)
            #expect(try Self.rowCounts(store).recent > 0, "a purge does not fold")
            try Self.checkInvariant(store)
            #expect(try ChunkedWriteTests.storedRows(store) == (try ChunkedWriteTests.storedRows(plainStore)))
            #expect(try store.eventCount() == (try plainStore.eventCount()))
            // What stays imports on by the same rules.
            let more = ChunkedWriteTests.files(seed: 22, count: 2, rowsPerFile: 200)
            for records in more {
                for s in [store, plainStore] {
                    try s.importFile { file in
                        var rows = EventRows(source: "forloeb")
                        for r in records { rows.append(r) }
                        try file.write(rows)
                    }
                }
                try Self.checkInvariant(store)
            }
            #expect(try ChunkedWriteTests.storedRows(store) == (try ChunkedWriteTests.storedRows(plainStore)))
        }
    }

    /// An identity whose row in `event` is old enough to go, under a row of `event_recent`
    /// that stays: the record stays (it is the later version), the earlier version goes, and
    /// the identity no longer has a row in `event`.
    @Test("a purge takes an old earlier version from under a later one that stays")
    func purgeUnderAStayingRow() throws {
        let start = Self.firstDay
        let first = [Self.record(1, end: 10)] + (2...16).map { Self.record($0, end: 5_000) }
        let later = [Self.record(1, recorded: 5, end: 1_000)]
        let (plain, _) = try Self.importAll([first, later], limit: .off)
        let (store, _) = try Self.importAll([first, later], limit: .shareOf(1))
        #expect(try Self.rowCounts(store).recent == 1)
        let cutoff = start.adding(days: 100)
        let counts = try store.purge(rejectedRowsBefore: nil, runsBefore: nil, eventsEndedBefore: cutoff)
        #expect(counts == (try plain.purge(rejectedRowsBefore: nil, runsBefore: nil, eventsEndedBefore: cutoff)))
        #expect(counts.events == 0)
        try Self.checkInvariant(store)
        let (inEvent, eventRows) = try store.queue.read { db in
            (try Int.fetchOne(db, sql: "SELECT in_event FROM event_recent")!, try Int.fetchOne(db, sql: "SELECT count(*) FROM event")!)
        }
        #expect(inEvent == 0 && eventRows == 15)
        #expect(try store.eventCount() == 16)
        let stored = try ChunkedWriteTests.storedRows(store)
        #expect(stored == (try ChunkedWriteTests.storedRows(plain)))
        // Folded later, the identity is new to `event` again.
        try store.queue.write { db in
            let (moved, new) = try RecentEvents.fold(db)
            #expect(moved == 1 && new == 1)
            try RecentEvents.setMainRows(try RecentEvents.mainRows(db) + new, db)
        }
        try Self.checkInvariant(store)
        #expect(try ChunkedWriteTests.storedRows(store) == stored)
    }

    /// A file written in three batches, as the importer writes a large one. By the limit, the
    /// file stays in the table, takes it past its limit (a fold once the file is written), or
    /// lands more rows than the limit by itself (a fold then, mid-batch, the rest into `event`).
    @Test("a file that moves from event_recent to event halfway gives the one-table counts and rows")
    func switchWithinAFile() throws {
        let files = ChunkedWriteTests.files(seed: 41, count: 6, rowsPerFile: 240)
        func run(_ limit: RecentEvents.Limit) throws -> (counts: [String], rows: [String], parts: [String]) {
            let store = try tempStore(recentLimit: limit)
            var counts: [String] = [], parts: [String] = []
            for (n, records) in files.enumerated() {
                // The first file alone; later files in batches of 40, 60 and the rest.
                let cuts = n == 0 ? [records.count] : [40, 100, records.count]
                counts.append(try store.importFile { file -> String in
                    let session = try #require(file as? SQLiteFileImport)
                    var start = 0
                    for cut in cuts {
                        var rows = EventRows(source: "forloeb")
                        for r in records[start..<cut] { rows.append(r) }
                        try session.write(rows)
                        start = cut
                    }
                    // The importer flushes more than once; a part is folded once.
                    try session.flush()
                    try session.flush()
                    return "new=\(session.inserted) updated=\(session.updated) same=\(session.duplicates)"
                })
                try Self.checkInvariant(store)
                parts.append(try store.queue.read { db in
                    "\(try RecentEvents.count(db)) \(try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [RecentEvents.nextPartKey]) ?? "-")"
                })
            }
            return (counts, try ChunkedWriteTests.storedRows(store), parts)
        }
        let plain = try run(.off)
        for limit in [RecentEvents.Limit.store, .shareOf(1), .shareOf(2)] {
            let other = try run(limit)
            #expect(other.counts == plain.counts, "\(limit)")
            #expect(other.rows == plain.rows, "\(limit)")
        }
        // With the whole of `event` as the limit, the table is used and parts are folded one a file.
        let whole = try run(.shareOf(1))
        #expect(whole.parts.contains { !$0.hasPrefix("0 ") }, "\(whole.parts)")
        let rotations = whole.parts.compactMap { $0.split(separator: " ").last.flatMap { Int($0) } }
        #expect(zip(rotations, rotations.dropFirst()).allSatisfy { ($0 + 1) % RecentEvents.parts == $1 || $0 == $1 }, "\(whole.parts)")
    }

    @Test("a dry run leaves both tables and the fold's state as they were", arguments: [RecentEvents.Limit.unlimited, .shareOf(1), .store])
    func dryRunLeavesNothing(limit: RecentEvents.Limit) throws {
        let files = ChunkedWriteTests.files(seed: 31, count: 5, rowsPerFile: 200)
        let (store, _) = try Self.importAll(Array(files.prefix(4)), limit: limit)
        func state() throws -> [String] {
            let stored = try ChunkedWriteTests.storedRows(store)
            return try store.queue.read { db in
                let main = try String.fetchAll(db, sql: "SELECT hex(identity) || recorded_at FROM event ORDER BY identity")
                let recent = try String.fetchAll(db, sql: "SELECT hex(identity) || recorded_at FROM event_recent ORDER BY identity")
                let meta = try String.fetchAll(db, sql: "SELECT key || value FROM meta ORDER BY key")
                return stored + main + recent + meta
            }
        }
        let before = try state()
        try store.importFile(commit: false) { file in
            var rows = EventRows(source: "forloeb")
            for r in files[4] { rows.append(r) }
            try file.write(rows)
        }
        #expect(try state() == before)
        // The same as a nightly export that folds ahead: its part goes back with the rest.
        var foldedAhead = false
        try store.importFile(commit: false) { file in
            let session = try #require(file as? SQLiteFileImport)
            let recent = try RecentEvents.count(session.db)
            try session.beforeSupersetExport()
            foldedAhead = try RecentEvents.count(session.db) < recent
            var rows = EventRows(source: "forloeb")
            for r in files[4] { rows.append(r) }
            try file.write(rows)
        }
        #expect(try state() == before)
        if limit == .shareOf(1) { #expect(foldedAhead) }
    }
}
