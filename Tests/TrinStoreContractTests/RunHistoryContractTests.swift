import Foundation
import Testing
import TrinCore
import TrinStore
import TrinTestSupport

/// What a run leaves besides records — its history, file outcomes, rejected rows, import
/// keys, fetch state and known rows — committed with the file's records or not at all, the
/// same in both back ends.
@Suite struct RunHistoryContractTests {
    func outcome(_ run: Int64, _ source: String, _ status: FileOutcome.Status, inserted: Int = 0, rejected: [String: Int] = [:]) -> FileOutcome {
        var o = FileOutcome(runID: run, source: source, file: "\(source).csv", status: status, httpStatus: status == .unchanged ? 304 : 200,
                            bytes: 1234, durationMilliseconds: 56, rowsRead: 10, inserted: inserted, updated: 1, duplicates: 2,
                            rejectedByReason: rejected, message: status == .failed ? "line 3: bad date" : nil)
        o.unknownCodes = rejected.isEmpty ? [] : [UnknownCode(reason: "unknown_activity", field: "aktivitet", value: "Yoga", rows: 2)]
        return o
    }

    @Test(arguments: Backend.available)
    func aFilesHistoryFetchStateAndKnownRowsCommitWithItsRecords(_ backend: Backend) throws {
        let store = try backend.makeStore()
        let run = try store.beginRun(command: "run", startedAt: Instant(secondsSinceEpoch: 1_000), dryRun: false)
        let key = ImportKey(contentHash: "abc", source: "forloeb", mappingFingerprint: "m1")
        let state = FetchState(source: "forloeb", etag: "\"v1\"", lastModified: "Mon, 01 Dec 2025 00:00:00 GMT", contentHash: "abc",
                               lastSuccessAt: Instant(secondsSinceEpoch: 1_010))
        var known = KnownRows(context: "mapping m1")
        for d: UInt64 in [5, 1 << 63, 42] { known.keep(d) }

        // A file that fails leaves nothing: no records, no outcome, no key, no fetch state, no known rows.
        struct Failure: Error {}
        #expect(throws: Failure.self) {
            try store.importFile { file in
                try file.add(record(1, .job, "2024-01-01"))
                try file.reject(Rejection(line: 3, reason: .unknownActivity, field: "aktivitet", maskedRow: "XXXXXX-XXXX;Yoga"), runID: run,
                                source: "forloeb", file: "forloeb.csv")
                try file.saveKnownRows(source: "forloeb", known)
                try file.complete(outcome(run, "forloeb", .imported, inserted: 1), key: key, at: Instant(secondsSinceEpoch: 1_010))
                try file.saveFetchState(state)
                throw Failure()
            }
        }
        #expect(try store.eventCount() == 0)
        #expect(try !store.hasImported(key) && !store.hasImportedFile(ofBytes: 1234) && !store.hasKnownRows(source: "forloeb"))
        #expect(try store.fetchState(source: "forloeb") == nil && store.files(ofRun: run).isEmpty)

        // A dry run reads and counts, and keeps nothing either.
        let dry = try store.importFile(commit: false) { file in
            try file.add(record(1, .job, "2024-01-01"))
            try file.flush()
            return file.inserted
        }
        #expect(dry == 1)
        #expect(try store.eventCount() == 0 && store.contentVersion() == 0)

        // The same file committed: everything at once.
        try store.importFile { file in
            try file.add(record(1, .job, "2024-01-01"))
            try file.reject(Rejection(line: 3, reason: .unknownActivity, field: "aktivitet", maskedRow: "XXXXXX-XXXX;Yoga"), runID: run,
                            source: "forloeb", file: "forloeb.csv")
            try file.saveKnownRows(source: "forloeb", known)
            #expect(try !file.hasImported(key))
            try file.complete(outcome(run, "forloeb", .imported, inserted: 1, rejected: ["unknown_activity": 1]), key: key,
                              at: Instant(secondsSinceEpoch: 1_010))
            try file.saveFetchState(state)
            #expect(try file.hasImported(key), "seen from inside the transaction")
        }
        try store.recordFileOutcome(outcome(run, "ydelser", .failed))
        try store.recordFileOutcome(outcome(run, "haendelser", .unchanged))
        try store.finishRun(id: run, finishedAt: Instant(secondsSinceEpoch: 1_020), status: .partial)

        let reopened = try backend.reopen(store)
        #expect(try reopened.eventCount() == 1 && reopened.contentVersion() == 1)
        #expect(try reopened.hasImported(key) && reopened.hasImportedFile(ofBytes: 1234) && reopened.hasKnownRows(source: "forloeb"))
        #expect(try !reopened.hasImported(ImportKey(contentHash: "abc", source: "forloeb", mappingFingerprint: "m2")))
        #expect(try reopened.fetchState(source: "forloeb") == state)
        let loaded = try reopened.importFile(commit: false) { try $0.knownRows(source: "forloeb") }
        #expect(loaded?.context == "mapping m1" && loaded?.count == 3)

        let files = try reopened.files(ofRun: run)
        #expect(files == [outcome(run, "forloeb", .imported, inserted: 1, rejected: ["unknown_activity": 1]), outcome(run, "ydelser", .failed),
                          outcome(run, "haendelser", .unchanged)])
        #expect(try reopened.run(id: run) == RunSummary(id: run, command: "run", startedAt: Instant(secondsSinceEpoch: 1_000),
                                                         finishedAt: Instant(secondsSinceEpoch: 1_020), status: "partial", dryRun: false,
                                                         sourcesOK: 2, sourcesFailed: 1, records: 4, rejected: 1))
        #expect(try reopened.rejectionExamples(ofRun: run) == [RejectionExample(source: "forloeb", file: "forloeb.csv", line: 3, path: nil,
                                                                                 reason: "unknown_activity", field: "aktivitet",
                                                                                 maskedRow: "XXXXXX-XXXX;Yoga")])
        #expect(try reopened.sourceStatus().map(\.source) == ["forloeb", "haendelser", "ydelser"])
        #expect(try reopened.sourceStatus().first == SourceStatus(source: "forloeb", lastSuccess: Instant(secondsSinceEpoch: 1_020),
                                                                 lastStatus: "imported", records: 2, rejected: 1, rowsRead: 10))
        let totals = try reopened.monitoringTotals()
        #expect(totals.runsByStatus == ["partial": 1] && totals.lastRunSeconds == 20)
        #expect(totals.sources.first { $0.source == "forloeb" }?.rejectedByReason == ["unknown_activity": 1])
        // A dry run's outcomes, failed or unchanged as a real run's may be, never become a
        // source's last status (what the Prometheus textfile reports), nor a new source.
        let before = try reopened.sourceStatus()
        let dryRun = try reopened.beginRun(command: "run", startedAt: Instant(secondsSinceEpoch: 1_100), dryRun: true)
        try reopened.recordFileOutcome(outcome(dryRun, "forloeb", .failed))
        try reopened.recordFileOutcome(outcome(dryRun, "haendelser", .imported))
        try reopened.recordFileOutcome(outcome(dryRun, "nyt", .unchanged))
        try reopened.finishRun(id: dryRun, finishedAt: Instant(secondsSinceEpoch: 1_110), status: .partial)
        #expect(try reopened.sourceStatus() == before)
        #expect(try reopened.recentRuns(limit: 5, source: "ydelser").map(\.id) == [run])
        #expect(try reopened.recentRuns(limit: 5, source: "nowhere").isEmpty)

        // A run left `running` by a process that died is marked interrupted by the next.
        let abandoned = try reopened.beginRun(command: "daemon", startedAt: Instant(secondsSinceEpoch: 2_000), dryRun: false)
        let next = try reopened.beginRun(command: "run", startedAt: Instant(secondsSinceEpoch: 3_000), dryRun: false)
        #expect(try reopened.run(id: abandoned)?.status == "interrupted" && reopened.run(id: next)?.status == "running")
        #expect(try reopened.markAbandonedRunsInterrupted() == 1)
        #expect(try reopened.recentRuns(limit: 2).map(\.id) == [next, abandoned])

        // A run killed after a source's import was committed never finishes: the source's
        // success still counts, from when the run started.
        let killed = try reopened.beginRun(command: "run", startedAt: Instant(secondsSinceEpoch: 4_000), dryRun: false)
        try reopened.recordFileOutcome(outcome(killed, "haendelser", .imported))
        #expect(try reopened.sourceStatus().first { $0.source == "haendelser" }?.lastSuccess == Instant(secondsSinceEpoch: 4_000))
    }
}
