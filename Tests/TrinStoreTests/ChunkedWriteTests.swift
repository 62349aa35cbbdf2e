import Foundation
import GRDB
import Testing
import TrinCore
@testable import TrinStore

/// The store writes sixteen rows of different identities in one statement and offers them
/// as updates only when some identity was stored already. Checked against writing every row
/// by itself, on files that mix new identities, stored ones with greater and smaller
/// versions, and the same identity several times in one file.
@Suite struct ChunkedWriteTests {
    /// Records over a small identity space, so that most files meet identities stored before.
    static func files(seed: UInt64, count: Int, rowsPerFile: Int) -> [[ProgressRecord]] {
        var state = seed
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % n
        }
        return (0..<count).map { _ in
            (0..<rowsPerFile).map { _ in
                let start = Day(daysSinceEpoch: 19_000 + Int32(next(3)))
                return ProgressRecord(pseudonym: Pseudonym(high: UInt64(next(40)) &* 0x9E37_79B9_7F4A_7C15, low: 7), ageBand: .from25to29,
                                      agreement: next(2) == 0 ? nil : "SA-\(next(2))", enterprise: next(3) == 0 ? nil : "1234567\(next(3))",
                                      targetGroup: .kontanthjaelp, stage: next(2) == 0 ? .praktik : .loentimer, start: start,
                                      end: next(2) == 0 ? nil : start.adding(days: next(90)), hoursPerWeek: next(2) == 0 ? nil : Double(next(30)),
                                      recordedAt: Instant(secondsSinceEpoch: 1_700_000_000 + Int64(next(5))), source: "forloeb",
                                      sourceRecordID: "F-\(next(4))")
            }
        }
    }

    /// Imports the files into a new store, each as one sorted batch or as three merged runs;
    /// returns every file's counts and the store's rows.
    static func importAll(_ files: [[ProgressRecord]], chunked: Bool, throughRuns: Bool,
                          recentLimit: RecentEvents.Limit = .off) throws -> (counts: [String], rows: [String]) {
        let store = try tempStore(recentLimit: recentLimit)
        var counts: [String] = []
        for records in files {
            counts.append(try importFile(records, into: store, throughRuns: throughRuns) { $0.writesInChunks = chunked })
        }
        return (counts, try storedRows(store))
    }

    /// Imports one file as one sorted batch or as three merged runs; returns its counts.
    static func importFile(_ records: [ProgressRecord], into store: SQLiteStore, throughRuns: Bool,
                           prepare: (SQLiteFileImport) -> Void = { _ in }) throws -> String {
        try store.importFile { file -> String in
            let session = try #require(file as? SQLiteFileImport)
            prepare(session)
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
        }
    }

    /// Every stored record (of `event`, or `event_recent` where it supersedes), one line each.
    static func storedRows(_ store: SQLiteStore) throws -> [String] {
        try store.queue.read { db in
            try String.fetchAll(db, sql: """
                SELECT hex(identity) || ' ' || age_band || ' ' || ifnull(enterprise, '-') || ' ' || ifnull(end_day, '-') || ' '
                    || ifnull(hours, '-') || ' ' || recorded_at || ' ' || source || ' ' || source_record_id
                FROM (\(RecentEvents.union(EventColumns.select))) ORDER BY identity
                """)
        }
    }

    @Test("chunks give the same store and counts as one row at a time", arguments: [false, true])
    func chunksAgreeWithSingleRows(throughRuns: Bool) throws {
        for seed in [UInt64(1), 2, 3] {
            let files = Self.files(seed: seed, count: 6, rowsPerFile: 300)
            let single = try Self.importAll(files, chunked: false, throughRuns: throughRuns)
            let chunked = try Self.importAll(files, chunked: true, throughRuns: throughRuns)
            #expect(chunked.counts == single.counts)
            #expect(chunked.rows == single.rows)
            // The files do mix what the chunks must tell apart.
            #expect(single.counts.dropFirst().allSatisfy { !$0.contains("updated=0") && !$0.contains("same=0") }, "\(single.counts)")
            #expect(single.rows.count > 100)
        }
    }
}
