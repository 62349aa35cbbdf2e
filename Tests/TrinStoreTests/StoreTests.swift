import Foundation
import GRDB
import Testing
import TrinCore
@testable import TrinStore

func tempStore() throws -> SQLiteStore {
    let dir = NSTemporaryDirectory() + "trin-store-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return try SQLiteStore(path: dir + "/trin.sqlite")
}

func record(_ citizen: UInt64, _ stage: Stage, _ start: String, agreement: String? = "SA-1", recordedAt: Int64 = 1000,
            source: String = "forloeb", id: String = "F-1", end: String? = nil, hours: Double? = nil) -> ProgressRecord {
    ProgressRecord(pseudonym: Pseudonym(high: citizen, low: 0), ageBand: .from25to29, agreement: agreement,
                   enterprise: "12345674", targetGroup: .kontanthjaelp, stage: stage, start: Day(iso: start)!,
                   end: end.flatMap { Day(iso: $0) }, hoursPerWeek: hours,
                   recordedAt: Instant(secondsSinceEpoch: recordedAt), source: source, sourceRecordID: id)
}

@Suite struct StoreTests {
    @Test("records of several sources in one transaction keep their own source, through every kind of write")
    func sourcesInOneTransaction() throws {
        let store = try tempStore()
        try store.importFile { file in
            try file.add(record(1, .praktik, "2023-01-03", source: "forloeb"))
            try file.add(record(2, .praktik, "2023-01-03", source: "haendelser"))
            var rows = EventRows(source: "ydelser")
            rows.append(record(3, .job, "2023-05-01", source: "ydelser"))
            try file.write(rows)
            try file.add(record(4, .job, "2023-05-01", source: "forloeb"))
            try file.flush()
        }
        var stored: [UInt64: String] = [:]
        try store.forEachCitizen { for r in $0 { stored[r.pseudonym.high] = r.source } }
        #expect(stored == [1: "forloeb", 2: "haendelser", 3: "ydelser", 4: "forloeb"])
    }

    @Test func latestRecordedAtWinsAndCountsSayWhatHappened() throws {
        let store = try tempStore()
        let counts = try store.importFile { file in
            try file.add(record(1, .praktik, "2023-01-03", recordedAt: 1000))
            try file.add(record(1, .praktik, "2023-01-03", recordedAt: 2000, end: "2023-03-31"))   // newer: replaces
            try file.add(record(1, .praktik, "2023-01-03", recordedAt: 1500))                      // older: duplicate
            try file.add(record(1, .praktik, "2023-01-03", agreement: "SA-2"))                     // other identity
            try file.add(record(2, .job, "2023-05-01"))
            try file.flush()
            return (file.inserted, file.updated, file.duplicates)
        }
        // Within one batch the records are sorted by identity, not by arrival: the order
        // among versions of one identity decides inserted/updated/duplicate counts.
        #expect(counts.0 == 3)
        #expect(counts.1 + counts.2 == 2)
        var stored: [ProgressRecord] = []
        try store.forEachCitizen { stored += $0 }
        #expect(stored.count == 3)
        #expect(stored.first { $0.agreement == "SA-1" && $0.pseudonym.high == 1 }?.end == Day(iso: "2023-03-31"))
    }

    @Test func tiesAreBrokenBySourceThenIdThenFields() throws {
        let a = record(1, .job, "2023-01-01", source: "forloeb", id: "F-9")
        let b = record(1, .job, "2023-01-01", source: "haendelser", id: "A-1")
        let c = record(1, .job, "2023-01-01", source: "haendelser", id: "A-1", hours: 10)
        var dumps = Set<String>()
        for order in [[a, b, c], [c, b, a], [b, a, c], [c, a, b]] {
            let store = try tempStore()
            for r in order { try store.importFile { try $0.add(r) } }
            dumps.insert(try store.canonicalDump())
        }
        #expect(dumps.count == 1)
        #expect(dumps.first!.contains("|10.0|"))   // source "haendelser" > "forloeb", then hours present > absent
    }

    /// Versions that tie on (recordedAt, source, sourceRecordID) are ordered by the remaining
    /// fields in the rule book's order: end date, hours, target group, age band, enterprise.
    @Test("remaining fields decide in the order end date, hours, target group, age band, enterprise")
    func remainingFieldsOrder() throws {
        func version(end: String? = nil, hours: Double? = nil, group: TargetGroup = .kontanthjaelp,
                     band: AgeBand = .from25to29, cvr: String? = nil) -> ProgressRecord {
            ProgressRecord(pseudonym: Pseudonym(high: 7, low: 0), ageBand: band, agreement: "SA-1", enterprise: cvr,
                           targetGroup: group, stage: .job, start: Day(iso: "2023-01-01")!, end: end.flatMap { Day(iso: $0) },
                           hoursPerWeek: hours, recordedAt: Instant(secondsSinceEpoch: 1000), source: "forloeb",
                           sourceRecordID: "F-1")
        }
        // (winner, loser): each pair differs in two adjacent fields (or one), and the earlier field decides.
        let pairs: [(String, ProgressRecord, ProgressRecord)] = [
            ("an end date beats none, whatever the target group",
             version(end: "2023-02-01", group: .fleksjob), version(group: .sygedagpenge)),
            ("a later end date beats an earlier one, whatever the hours",
             version(end: "2023-03-01"), version(end: "2023-02-01", hours: 37)),
            ("hours beat none, whatever the target group",
             version(hours: 5, group: .fleksjob), version(group: .sygedagpenge)),
            ("more hours beat fewer, whatever the target group",
             version(hours: 10, group: .fleksjob), version(hours: 5, group: .sygedagpenge)),
            ("the target group that sorts last wins, whatever the age band",
             version(group: .sygedagpenge, band: .from18to24), version(group: .kontanthjaelp, band: .under18)),
            ("the target group decides before the enterprise",
             version(group: .sygedagpenge), version(group: .kontanthjaelp, cvr: "12345674")),
            ("the age band that sorts last wins (by code point, `<18` after `60+`), whatever the enterprise",
             version(band: .under18), version(band: .from60, cvr: "12345674")),
            ("an enterprise beats none", version(cvr: "12345674"), version()),
            ("the enterprise that sorts last wins", version(cvr: "87654321"), version(cvr: "12345674")),
        ]
        for (rule, winner, loser) in pairs {
            var dumps = Set<String>()
            for order in [[winner, loser], [loser, winner]] {
                // One file per version (the stored row is compared with the next), and both in one batch.
                let separate = try tempStore()
                for r in order { try separate.importFile { try $0.add(r) } }
                dumps.insert(try separate.canonicalDump())
                let together = try tempStore()
                try together.importFile { file in
                    var rows = EventRows(source: "forloeb")
                    for r in order { rows.append(r) }
                    try file.write(rows)
                }
                dumps.insert(try together.canonicalDump())
            }
            let expected = try tempStore()
            try expected.importFile { try $0.add(winner) }
            #expect(dumps == [try expected.canonicalDump()], "\(rule)")
        }
    }

    @Test func aThrowingFileLeavesNothing() throws {
        struct Crash: Error {}
        let store = try tempStore()
        try store.importFile { try $0.add(record(1, .job, "2023-01-01")) }
        #expect(throws: Crash.self) {
            try store.importFile { file in
                for i in 0..<100_000 { try file.add(record(UInt64(i + 10), .praktik, "2023-02-01")) }
                throw Crash()
            }
        }
        #expect(try store.eventCount() == 1)
    }

    @Test func theStoreRemembersItsKey() throws {
        let store = try tempStore()
        try store.bind(keyID: "aaaa", scheme: "s")
        try store.bind(keyID: "aaaa", scheme: "s")
        #expect { try store.bind(keyID: "bbbb", scheme: "s") } throws: { "\($0)".contains("new pseudonym domain") }
    }

    @Test func enterprisesKeepTheGreatestVersionWhateverTheOrder() throws {
        let open = EnterpriseRecord(cvr: "12345674", name: "Café", type: .virksomhed, socialBottomLine: true,
                                    localBottomLine: true, economicBottomLine: true, start: Day(iso: "2016-03-01")!, end: nil)
        var closed = open
        closed.end = Day(iso: "2023-06-30")
        var dumps = Set<String>()
        for order in [[open, closed], [closed, open]] {
            let store = try tempStore()
            for e in order { try store.importFile { $0.add(e) } }
            dumps.insert(try store.canonicalDump())
        }
        #expect(dumps == ["E|12345674|Café|virksomhed|true|true|true|2016-03-01|2023-06-30"])
    }
}

/// The store writes through a rollback journal (each page once: see `Store.journalMode`);
/// the price is that a reader waits while another process holds the write lock at a commit.
/// It must wait, not fail.
@Suite struct StoreLockingTests {
    @Test("a reader waits for another process's exclusive lock and then reads, instead of failing")
    func readerWaitsForACommit() throws {
        let store = try tempStore()
        try store.importFile { file in try file.add(record(1, .praktik, "2023-01-03")) }
        // Another process takes the exclusive lock (as a committing import does) for a while.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["python3", "-c", """
            import sqlite3, sys, time
            c = sqlite3.connect(sys.argv[1], isolation_level=None)
            assert c.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
            c.execute("BEGIN EXCLUSIVE")
            print("locked", flush=True)
            time.sleep(1.5)
            c.execute("COMMIT")
            """, store.path]
        let output = Pipe()
        holder.standardOutput = output
        try holder.run()
        defer { holder.waitUntilExit() }
        #expect(output.fileHandleForReading.availableData.starts(with: Data("locked".utf8)))
        let started = Date()
        #expect(try store.eventCount() == 1)
        #expect(Date().timeIntervalSince(started) > 0.5, "the read did not wait for the lock")
        holder.waitUntilExit()
        #expect(holder.terminationStatus == 0)
    }
}

extension StoreLockingTests {
    @Test("a store left in WAL mode is opened while another process has it open, and converted once it is alone")
    func walStoreOpenElsewhere() throws {
        let path = try tempStore().path
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["python3", "-c", """
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1], isolation_level=None)
            assert c.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal"
            c.execute("SELECT count(*) FROM event").fetchone()  # as a running older trin would
            print("open", flush=True)
            sys.stdin.read()
            """, path]
        let output = Pipe(), input = Pipe()
        holder.standardOutput = output
        holder.standardInput = input
        try holder.run()
        #expect(output.fileHandleForReading.availableData.starts(with: Data("open".utf8)))
        do {
            // Opened, written and read while the other process keeps the WAL store open.
            let store = try SQLiteStore(path: path)
            try store.importFile { file in try file.add(record(2, .praktik, "2023-01-03")) }
            #expect(try store.eventCount() == 1)
            let mode = try store.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
            #expect(mode == "wal", "\(mode ?? "nil")")
        }
        try input.fileHandleForWriting.close()
        holder.waitUntilExit()
        #expect(holder.terminationStatus == 0)
        let alone = try SQLiteStore(path: path)
        #expect(try alone.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "delete")
        #expect(try alone.eventCount() == 1)
    }
}

@Suite struct FrozenYearStoreTests {
    @Test("a kept year stays as first kept unless a republication replaces it; per k; survives reopening")
    func keepOnce() throws {
        let store = try tempStore()
        #expect(try store.frozenYears(k: 5).isEmpty)
        let first = FrozenYearRow(year: 2023, k: 5, asOf: "2024-03-31", frozenAt: Instant(secondsSinceEpoch: 1), figures: "{\"a\":1}")
        try store.freeze([first, FrozenYearRow(year: 2023, k: 3, asOf: "2024-03-31", frozenAt: Instant(secondsSinceEpoch: 1), figures: "{}")])
        let later = FrozenYearRow(year: 2023, k: 5, asOf: "2024-04-30", frozenAt: Instant(secondsSinceEpoch: 2), figures: "{\"a\":2}")
        try store.freeze([later])
        #expect(try store.frozenYears(k: 5) == [first])
        try store.freeze([later], replacing: [2023])
        let reopened = try SQLiteStore(path: store.path)
        #expect(try reopened.frozenYears(k: 5) == [later])
        #expect(try reopened.frozenYears(k: 3).map(\.figures) == ["{}"])
    }
}

@Suite struct PurgeTests {
    @Test("purge deletes rejected rows, runs and ended events older than their ages, and nothing else")
    func purgeByAge() throws {
        let store = try tempStore()
        let day: Int64 = 86_400
        let old = try store.beginRun(command: "import", startedAt: Instant(secondsSinceEpoch: 100 * day), dryRun: false)
        let recent = try store.beginRun(command: "import", startedAt: Instant(secondsSinceEpoch: 200 * day), dryRun: false)
        try store.finishRun(id: old, finishedAt: Instant(secondsSinceEpoch: 100 * day + 5), status: .succeeded)
        try store.importFile { file in
            for run in [old, recent] {
                try file.reject(Rejection(line: 2, reason: .unknownActivity, maskedRow: "XXXXXX-XXXX;Yoga"), runID: run, source: "forloeb", file: "f.csv")
            }
            try file.add(record(1, .praktik, "1970-02-01", end: "1970-03-01"))      // ended on day 59
            try file.add(record(2, .praktik, "1970-02-01"))                         // open since day 31
            try file.add(record(3, .praktik, "1970-02-01", end: "1970-12-31"))      // ended on day 364
        }
        // Nothing to purge: nothing changes.
        #expect(try store.purge(rejectedRowsBefore: nil, runsBefore: nil, eventsEndedBefore: nil) == PurgeCounts())
        // Rejected rows of runs before day 150: the old run's only; its run stays.
        var counts = try store.purge(rejectedRowsBefore: Instant(secondsSinceEpoch: 150 * day), runsBefore: nil, eventsEndedBefore: nil)
        #expect(counts == PurgeCounts(rejectedRows: 1))
        #expect(try store.rejectionExamples(ofRun: old).isEmpty)
        #expect(try store.rejectionExamples(ofRun: recent).count == 1)
        #expect(try store.recentRuns().count == 2)
        // Runs before day 150; a run still running is never deleted.
        let running = try store.beginRun(command: "run", startedAt: Instant(secondsSinceEpoch: 120 * day), dryRun: false)
        counts = try store.purge(rejectedRowsBefore: nil, runsBefore: Instant(secondsSinceEpoch: 150 * day), eventsEndedBefore: nil)
        #expect(counts.runs == 1)
        #expect(Set(try store.recentRuns().map(\.id)) == [recent, running])
        // Events that ended (or, open, started) before day 100: records 1 and 2.
        counts = try store.purge(rejectedRowsBefore: nil, runsBefore: nil, eventsEndedBefore: Day(daysSinceEpoch: 100))
        #expect(counts.events == 2)
        #expect(try store.eventCount() == 1)
    }
}
