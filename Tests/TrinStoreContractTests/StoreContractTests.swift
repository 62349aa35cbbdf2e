import Foundation
import Testing
import TrinCore
import TrinStore
import TrinTestSupport

// The rules every store keeps (`Store`), each test run against both back ends: the SQLite
// store, and a fresh tenant of the PostgreSQL server `make test` starts.

@Suite struct StoreContractTests {
    @Test("records of several sources in one transaction keep their own source, through every kind of write", arguments: Backend.available)
    func sourcesInOneTransaction(_ backend: Backend) throws {
        let store = try backend.makeStore()
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

    @Test(arguments: Backend.available) func latestRecordedAtWinsAndCountsSayWhatHappened(_ backend: Backend) throws {
        let store = try backend.makeStore()
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

    @Test(arguments: Backend.available) func tiesAreBrokenBySourceThenIdThenFields(_ backend: Backend) throws {
        let a = record(1, .job, "2023-01-01", source: "forloeb", id: "F-9")
        let b = record(1, .job, "2023-01-01", source: "haendelser", id: "A-1")
        let c = record(1, .job, "2023-01-01", source: "haendelser", id: "A-1", hours: 10)
        var dumps = Set<String>()
        for order in [[a, b, c], [c, b, a], [b, a, c], [c, a, b]] {
            let store = try backend.makeStore()
            for r in order { try store.importFile { try $0.add(r) } }
            dumps.insert(try store.canonicalDump())
        }
        #expect(dumps.count == 1)
        #expect(dumps.first!.contains("|10.0|"))   // source "haendelser" > "forloeb", then hours present > absent
    }

    /// Versions that tie on (recordedAt, source, sourceRecordID) are ordered by the remaining
    /// fields in the rule book's order: end date, hours, target group, age band, enterprise.
    @Test("remaining fields decide in the order end date, hours, target group, age band, enterprise", arguments: Backend.available)
    func remainingFieldsOrder(_ backend: Backend) throws {
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
                let separate = try backend.makeStore()
                for r in order { try separate.importFile { try $0.add(r) } }
                dumps.insert(try separate.canonicalDump())
                let together = try backend.makeStore()
                try together.importFile { file in
                    var rows = EventRows(source: "forloeb")
                    for r in order { rows.append(r) }
                    try file.write(rows)
                }
                dumps.insert(try together.canonicalDump())
            }
            let expected = try backend.makeStore()
            try expected.importFile { try $0.add(winner) }
            #expect(dumps == [try expected.canonicalDump()], "\(rule)")
        }
    }

    @Test(arguments: Backend.available) func aThrowingFileLeavesNothing(_ backend: Backend) throws {
        struct Crash: Error {}
        let store = try backend.makeStore()
        try store.importFile { try $0.add(record(1, .job, "2023-01-01")) }
        #expect(throws: Crash.self) {
            try store.importFile { file in
                for i in 0..<100_000 { try file.add(record(UInt64(i + 10), .praktik, "2023-02-01")) }
                throw Crash()
            }
        }
        #expect(try store.eventCount() == 1)
    }

    @Test(arguments: Backend.available) func theStoreRemembersItsKey(_ backend: Backend) throws {
        let store = try backend.makeStore()
        try store.bind(keyID: "aaaa", scheme: "s")
        try store.bind(keyID: "aaaa", scheme: "s")
        #expect { try store.bind(keyID: "bbbb", scheme: "s") } throws: { "\($0)".contains("new pseudonym domain") }
    }

    @Test(arguments: Backend.available) func enterprisesKeepTheGreatestVersionWhateverTheOrder(_ backend: Backend) throws {
        let open = EnterpriseRecord(cvr: "12345674", name: "Café", type: .virksomhed, socialBottomLine: true,
                                    localBottomLine: true, economicBottomLine: true, start: Day(iso: "2016-03-01")!, end: nil)
        var closed = open
        closed.end = Day(iso: "2023-06-30")
        var dumps = Set<String>()
        for order in [[open, closed], [closed, open]] {
            let store = try backend.makeStore()
            for e in order { try store.importFile { $0.add(e) } }
            dumps.insert(try store.canonicalDump())
        }
        #expect(dumps == ["E|12345674|Café|virksomhed|true|true|true|2016-03-01|2023-06-30"])
    }
}


@Suite struct FrozenYearStoreTests {
    @Test("a kept year stays as first kept unless a republication replaces it; per k; survives reopening", arguments: Backend.available)
    func keepOnce(_ backend: Backend) throws {
        let store = try backend.makeStore()
        #expect(try store.frozenYears(k: 5).isEmpty)
        let first = FrozenYearRow(year: 2023, k: 5, asOf: "2024-03-31", frozenAt: Instant(secondsSinceEpoch: 1), figures: "{\"a\":1}")
        try store.freeze([first, FrozenYearRow(year: 2023, k: 3, asOf: "2024-03-31", frozenAt: Instant(secondsSinceEpoch: 1), figures: "{}")])
        let later = FrozenYearRow(year: 2023, k: 5, asOf: "2024-04-30", frozenAt: Instant(secondsSinceEpoch: 2), figures: "{\"a\":2}")
        try store.freeze([later])
        #expect(try store.frozenYears(k: 5) == [first])
        try store.freeze([later], replacing: [2023])
        let reopened = try backend.reopen(store)
        #expect(try reopened.frozenYears(k: 5) == [later])
        #expect(try reopened.frozenYears(k: 3).map(\.figures) == ["{}"])
        // Every k's, by year then k (what a set with another k is compared with).
        #expect(try reopened.frozenYears(k: nil).map(\.k) == [3, 5])
    }
}


@Suite struct PurgeTests {
    @Test("purge deletes rejected rows, runs and ended events older than their ages, and nothing else", arguments: Backend.available)
    func purgeByAge(_ backend: Backend) throws {
        let store = try backend.makeStore()
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

    /// A purge whose cutoff moves forward keeps the sources' known rows (a known row's deleted
    /// record stays deleted); one whose cutoff moves back, or the end of retention, forgets
    /// them, so that deleted records an export still has come back (`RetentionCutoff`).
    @Test("known rows outlast a cutoff that moves forward, not one that moves back or ends", arguments: Backend.available)
    func knownRowsAndTheCutoff(_ backend: Backend) throws {
        let store = try backend.makeStore()
        var citizen: UInt64 = 10
        /// A file with one record that ended on day 59, and known rows for the next export.
        func know() throws {
            var known = KnownRows(context: "mapping m1")
            for d: UInt64 in [5, 42] { known.keep(d) }
            citizen += 1
            try store.importFile { file in
                try file.add(record(citizen, .praktik, "1970-02-01", end: "1970-03-01"))
                try file.saveKnownRows(source: "forloeb", known)
            }
        }
        func purge(_ day: Int32?) throws -> PurgeCounts {
            try store.purge(rejectedRowsBefore: nil, runsBefore: nil, eventsEndedBefore: day.map { Day(daysSinceEpoch: $0) })
        }
        try know()
        #expect(try purge(100).events == 1)                    // the first cutoff
        #expect(try store.hasKnownRows(source: "forloeb"))
        try know()
        #expect(try purge(101).events == 1 && purge(101).events == 0)   // forward, then the same
        #expect(try store.hasKnownRows(source: "forloeb"))
        #expect(try purge(90).events == 0)                     // back: a longer retention
        #expect(try !store.hasKnownRows(source: "forloeb"))
        try know()
        #expect(try purge(95).events == 1)                     // forward from the new cutoff
        #expect(try store.hasKnownRows(source: "forloeb"))
        _ = try purge(nil)                                      // retention of records switched off
        #expect(try !store.hasKnownRows(source: "forloeb"))
        try know()
        _ = try purge(nil)                                      // and kept off: nothing to forget
        #expect(try store.hasKnownRows(source: "forloeb"))
        #expect(try purge(200).events == 1)                    // on again: a first cutoff
        #expect(try store.hasKnownRows(source: "forloeb"))
        // Before a run's imports, a longer retention forgets them at once; the run's own purge,
        // with the same cutoff, then keeps the rows that run's imports know anew.
        try store.prepareImports(eventsEndedBefore: Day(daysSinceEpoch: 210))
        #expect(try store.hasKnownRows(source: "forloeb"), "a later cutoff forgets nothing")
        try store.prepareImports(eventsEndedBefore: Day(daysSinceEpoch: 150))
        #expect(try !store.hasKnownRows(source: "forloeb"))
        try know()
        #expect(try purge(150).events == 1)
        #expect(try store.hasKnownRows(source: "forloeb"))
        try store.prepareImports(eventsEndedBefore: nil)
        #expect(try !store.hasKnownRows(source: "forloeb"))
        try know()
        _ = try purge(nil)
        #expect(try store.hasKnownRows(source: "forloeb"))
    }
}

@Suite struct ContentVersionTests {
    /// The version moves exactly when what the figures are made from changes: a file that
    /// inserted or updated, a purge that deleted records; not a file of duplicates, a dry
    /// run, or a failed file.
    @Test(arguments: Backend.available) func movesOnlyWhenRecordsChange(_ backend: Backend) throws {
        let store = try backend.makeStore()
        #expect(try store.contentVersion() == 0)
        try store.importFile { try $0.add(record(1, .praktik, "2023-01-03")) }
        #expect(try store.contentVersion() == 1)
        try store.importFile { try $0.add(record(1, .praktik, "2023-01-03")) }            // the same version again
        #expect(try store.contentVersion() == 1)
        try store.importFile(commit: false) { try $0.add(record(2, .job, "2023-05-01")) }  // a dry run
        struct Failure: Error {}
        #expect(throws: Failure.self) {  // a failed file
            _ = try store.importFile { file in
                try file.add(record(3, .job, "2023-05-01"))
                throw Failure()
            }
        }
        #expect(try store.contentVersion() == 1)
        try store.importFile { try $0.add(record(1, .praktik, "2023-01-03", recordedAt: 2000)) }  // a greater version
        #expect(try store.contentVersion() == 2)
        _ = try store.purge(rejectedRowsBefore: nil, runsBefore: nil, eventsEndedBefore: Day(iso: "2022-01-01")!)  // deletes none
        #expect(try store.contentVersion() == 2)
        _ = try store.purge(rejectedRowsBefore: nil, runsBefore: nil, eventsEndedBefore: Day(iso: "2024-01-01")!)
        #expect(try store.contentVersion() == 3)
    }
}
