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
    typealias Outcome = (counts: [String], rows: [String], citizens: [String], eventCount: Int)

    /// Imports the files into a new store with `limit`, each as one batch or as three runs.
    static func importAll(_ files: [[ProgressRecord]], limit: RecentEvents.Limit, throughRuns: Bool = false,
                          inspect: (SQLiteStore, Int) throws -> Void = { _, _ in }) throws -> (SQLiteStore, Outcome) {
        let store = try tempStore(recentLimit: limit)
        var counts: [String] = []
        for (n, records) in files.enumerated() {
            counts.append(try store.importFile { file -> String in
                let session = try #require(file as? SQLiteFileImport)
                if throughRuns {
                    let size = records.count / 3 + 1
                    let runs = try stride(from: 0, to: records.count, by: size).map { i in
                        var rows = EventRows(source: "forloeb")
                        for r in records[i..<min(i + size, records.count)] { rows.append(r) }
                        rows.sort()
                        return try SortedRun(rows, directory: store.workDirectory)
                    }
                    try session.write(merging: runs)
                } else {
                    var rows = EventRows(source: "forloeb")
                    for r in records { rows.append(r) }
                    try session.write(rows)
                }
                return "new=\(session.inserted) updated=\(session.updated) same=\(session.duplicates)"
            })
            try inspect(store, n)
        }
        return (store, try outcome(store, counts))
    }

    static func outcome(_ store: SQLiteStore, _ counts: [String]) throws -> Outcome {
        // Two readers: each merges its own range of both tables.
        let citizens = Mutex<[String]>([])
        try store.forEachCitizenBatch(readers: 2, citizensPerBatch: 3, fields: .all) { batch in
            citizens.withLock { $0 += batch.map { "\($0)" } }
        }
        return (counts, try ChunkedWriteTests.storedRows(store), citizens.withLock { $0 }.sorted(), try store.eventCount())
    }

    static func rowCounts(_ store: SQLiteStore) throws -> (event: Int, recent: Int, hint: Int) {
        try store.queue.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM event")!, try RecentEvents.count(db), try RecentEvents.mainRows(db))
        }
    }

    @Test("stored records, counts and reads are the same wherever the records went", arguments: [false, true])
    func sameAsOneTable(throughRuns: Bool) throws {
        for seed in [UInt64(4), 5, 6] {
            let files = ChunkedWriteTests.files(seed: seed, count: 8, rowsPerFile: 200)
            let (_, plain) = try Self.importAll(files, limit: .none, throughRuns: throughRuns)
            var usedRecent = false
            for limit in [RecentEvents.Limit.store, .shareOf(2), .unlimited] {
                let (store, other) = try Self.importAll(files, limit: limit, throughRuns: throughRuns) { store, _ in
                    if try Self.rowCounts(store).recent > 0 { usedRecent = true }
                }
                #expect(other.counts == plain.counts, "\(limit)")
                #expect(other.rows == plain.rows, "\(limit)")
                // Compared citizen by citizen: a failure names the first that differs, not all of them.
                let differing = other.citizens.indices.first { $0 < plain.citizens.count && other.citizens[$0] != plain.citizens[$0] }
                #expect(other.citizens.count == plain.citizens.count && differing == nil,
                        "\(limit): citizen \(differing.map { plain.citizens[$0] } ?? "-") read differently")
                #expect(other.eventCount == plain.eventCount, "\(limit)")
                #expect(try Self.rowCounts(store).hint == (try store.queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM event")! }))
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
    /// `event`); then each night folds one quarter of the key space, and leaves the pages of
    /// the other three quarters as they were. A night that takes it past the limit folds it all.
    @Test("nights fold a quarter of the key space at a time, a large one all of it")
    func nightsThenFold() throws {
        func record(_ citizen: Int, day: Int32 = 0, recorded: Int64 = 0, end: Int? = nil) -> ProgressRecord {
            let start = Day(daysSinceEpoch: 19_000 + day)
            return ProgressRecord(pseudonym: Pseudonym(high: UInt64(citizen) &* 0x9E37_79B9_7F4A_7C15, low: 1), ageBand: .from30to39,
                                  agreement: "SA-1", enterprise: nil, targetGroup: .kontanthjaelp, stage: .praktik, start: start,
                                  end: end.map { start.adding(days: $0) }, hoursPerWeek: nil,
                                  recordedAt: Instant(secondsSinceEpoch: 1_700_000_000 + recorded), source: "forloeb",
                                  sourceRecordID: "F-\(citizen)-\(day)")
        }
        let first = (0..<800).map { record($0) }
        // Each night: 40 records of day one recorded again with an end (greater), 10 older
        // copies (smaller: recorded earlier), 10 new courses. The last night changes 150.
        let nights = (1...4).map { night in
            (0..<40).map { record(night * 40 + $0, recorded: Int64(night), end: 30) }
                + (0..<10).map { record(700 + $0, recorded: -1) }
                + (0..<10).map { record($0, day: Int32(100 + night)) }
        } + [(0..<150).map { record(300 + $0, recorded: 9, end: 60) }]
        /// Per quarter of the key space: `event`'s rows (identity and version) and `event_recent`'s count.
        struct Snapshot { var event: [[String]]; var recent: [Int]; var eventRows: Int; var hint: Int }
        var snapshots: [Snapshot] = []
        let (store, outcome) = try Self.importAll([first] + nights, limit: .store) { store, _ in
            snapshots.append(try store.queue.read { db in
                var snapshot = Snapshot(event: Array(repeating: [], count: 4), recent: [0, 0, 0, 0], eventRows: 0, hint: try RecentEvents.mainRows(db))
                for row in try Row.fetchAll(db, sql: "SELECT identity, recorded_at, end_day FROM event") {
                    let identity = row[0] as Data
                    snapshot.event[Int(identity[0]) / 64].append("\(identity.map { $0 })\(row[1] as Int)\(row[2] as Int? ?? -1)")
                    snapshot.eventRows += 1
                }
                for identity in try Data.fetchAll(db, sql: "SELECT identity FROM event_recent") { snapshot.recent[Int(identity[0]) / 64] += 1 }
                return snapshot
            })
        }
        #expect(snapshots.map(\.hint) == snapshots.map(\.eventRows))
        // Nights one and two leave 50 and 100 rows in event_recent (not above half of 200):
        // event as it was.
        #expect(snapshots[1].event == snapshots[0].event && snapshots[1].recent.reduce(0, +) == 50)
        #expect(snapshots[2].event == snapshots[0].event && snapshots[2].recent.reduce(0, +) == 100)
        // Nights three and four take it above 100 and fold quarters 0 and 1 in turn.
        for (night, part) in [(3, 0), (4, 1)] {
            let (before, after) = (snapshots[night - 1], snapshots[night])
            #expect(after.recent[part] == 0, "night \(night)")
            #expect(after.event[part] != before.event[part], "night \(night)")
            for other in 0..<4 where other != part {
                #expect(after.event[other] == before.event[other], "night \(night), quarter \(other)")
                #expect(after.recent[other] >= before.recent[other], "night \(night), quarter \(other)")
            }
        }
        // The large night takes it past 200: all of it folded.
        #expect(snapshots[4].recent.reduce(0, +) + 150 > 200)
        #expect(snapshots[5].recent == [0, 0, 0, 0])
        #expect(outcome.counts == ["new=800 updated=0 same=0"] + Array(repeating: "new=10 updated=40 same=10", count: 4)
                + ["new=0 updated=150 same=0"])
        #expect(outcome.eventCount == 840)
        let (_, plain) = try Self.importAll([first] + nights, limit: .none)
        #expect(outcome.rows == plain.rows && outcome.citizens == plain.citizens)
        // event_view shows the stored records, each once, also while event_recent holds some.
        let (plainStore, _) = try Self.importAll([first] + nights.prefix(3), limit: .none)
        let (partial, _) = try Self.importAll([first] + nights.prefix(3), limit: .store)
        #expect(try Self.rowCounts(partial).recent > 0)
        let view = "SELECT * FROM event_view ORDER BY pseudonym, start, stage, agreement"
        let viewRows = try partial.queue.read { db in try Row.fetchAll(db, sql: view).map { "\($0)" } }
        #expect(viewRows == (try plainStore.queue.read { db in try Row.fetchAll(db, sql: view).map { "\($0)" } }))
        #expect(viewRows.count == 830)
        _ = store
    }

    @Test("a purge folds first and deletes what a one-table store deletes")
    func purgeAfterRecent() throws {
        let files = ChunkedWriteTests.files(seed: 21, count: 6, rowsPerFile: 200)
        let (plainStore, _) = try Self.importAll(files, limit: .none)
        let (store, _) = try Self.importAll(files, limit: .unlimited)
        #expect(try Self.rowCounts(store).recent > 0)
        let cutoff = Day(daysSinceEpoch: 19_040)
        let plainCounts = try plainStore.purge(rejectedRowsBefore: nil, runsBefore: nil, eventsEndedBefore: cutoff)
        let counts = try store.purge(rejectedRowsBefore: nil, runsBefore: nil, eventsEndedBefore: cutoff)
        #expect(counts == plainCounts)
        #expect(counts.events > 0)
        #expect(try Self.rowCounts(store).recent == 0)
        #expect(try Self.rowCounts(store).hint == (try Self.rowCounts(store).event))
        #expect(try ChunkedWriteTests.storedRows(store) == (try ChunkedWriteTests.storedRows(plainStore)))
    }

    @Test("a dry run leaves event_recent as it was")
    func dryRunLeavesNothing() throws {
        let files = ChunkedWriteTests.files(seed: 31, count: 3, rowsPerFile: 200)
        let (store, _) = try Self.importAll(Array(files.prefix(2)), limit: .unlimited)
        let before = try ChunkedWriteTests.storedRows(store)
        let counts = try Self.rowCounts(store)
        try store.importFile(commit: false) { file in
            var rows = EventRows(source: "forloeb")
            for r in files[2] { rows.append(r) }
            try file.write(rows)
        }
        #expect(try ChunkedWriteTests.storedRows(store) == before)
        #expect(try Self.rowCounts(store) == counts)
    }
}
