import Foundation
import Testing
import TrinCore
import TrinService
import TrinStore
import TrinTestSupport

/// Retention (GDPR storage limitation): ages in trin.yaml, applied by every run and by `trin purge`.
@Suite(.serialized) struct RetentionTests {
    @Test func agesParseAndBadOnesAreNamed() throws {
        #expect(Retention.days("90d") == .some(90) && Retention.days("26w") == .some(182) && Retention.days("2y") == .some(730))
        #expect(Retention.days("none") == .some(nil))
        #expect(Retention.days("90") == nil && Retention.days("0d") == nil && Retention.days("90 days") == nil)
        #expect(Retention() == Retention(rejectedRowDays: 90, runDays: nil, eventDays: nil), "defaults: 90 days, kept, kept")
    }

    /// An old run with one rejected row, written straight into the store.
    func addOldRejection(_ store: any Store, daysAgo: Int64) throws -> Int64 {
        let started = Instant(secondsSinceEpoch: Int64(Date().timeIntervalSince1970) - daysAgo * 86_400)
        let id = try store.beginRun(command: "import", startedAt: started, dryRun: false)
        try store.finishRun(id: id, finishedAt: started, status: .succeeded)
        try store.importFile { file in
            try file.reject(Rejection(line: 2, reason: .unknownActivity, maskedRow: "XXXXXX-XXXX;Yoga"), runID: id, source: "forloeb", file: "old.csv")
        }
        return id
    }

    @Test func everyRunAndTrinPurgeApplyTheConfiguredAges() throws {
        let w = try RunWorkspace(citizens: 40, seed: 9, dirty: 0.1, label: "trin-retention")
        let file = try #require(w.files("forloeb").first)
        try w.writeConfig([.init(name: "forloeb", url: "file://\(w.exports)/\(file)", mapping: "forloeb")])
        try String(contentsOfFile: w.config, encoding: .utf8).appending("retention:\n  rejectedRows: 30d\n  runs: 1y\n")
            .write(toFile: w.config, atomically: true, encoding: .utf8)
        let first = try w.runInProcess()
        try #require(first.succeeded, "\(first.outcomes.map { $0.message ?? "" })")
        let fresh = try #require(try w.store().recentRuns().first?.id)
        #expect(try !w.store().rejectionExamples(ofRun: fresh).isEmpty, "this run's rejected rows are young and kept")

        // A run 40 days old: its rejected rows go at the next run, the run itself stays (1y).
        let old = try addOldRejection(try w.store(), daysAgo: 40)
        #expect(try w.runInProcess().succeeded)
        #expect(try w.store().rejectionExamples(ofRun: old).isEmpty)
        #expect(try w.store().run(id: old) != nil)
        #expect(try !w.store().rejectionExamples(ofRun: fresh).isEmpty)
        let log = try String(contentsOfFile: w.log, encoding: .utf8)
        #expect(log.contains("\"event\":\"retention_applied\"") && log.contains("\"rejected_rows\":1"), "\(log.suffix(600))")

        // trin purge: a run 400 days old goes whole (run, outcomes, rejected rows).
        let ancient = try addOldRejection(try w.store(), daysAgo: 400)
        let purge = try TrinBinary.run(["purge", "--config", w.config])
        #expect(purge.status == 0, "\(purge.output)")
        #expect(purge.stdout.contains("rejected rows: 1 deleted (older than 30 days)") && purge.stdout.contains("runs: 1 deleted (older than 365 days)"),
                "\(purge.stdout)")
        #expect(try w.store().run(id: ancient) == nil)
        #expect(purge.stdout.contains("events: all kept (no retention age set)"), "\(purge.stdout)")

        // Rejected rows kept by their own age still go with their runs, and the output says so.
        let base = try String(contentsOfFile: w.config, encoding: .utf8)
        try base.replacingOccurrences(of: "rejectedRows: 30d", with: "rejectedRows: none")
            .write(toFile: w.config, atomically: true, encoding: .utf8)
        let older = try addOldRejection(try w.store(), daysAgo: 400)
        let purgeAgain = try TrinBinary.run(["purge", "--config", w.config])
        #expect(purgeAgain.status == 0, "\(purgeAgain.output)")
        #expect(try w.store().run(id: older) == nil)
        #expect(purgeAgain.stdout.contains("rejected rows: 1 deleted (older than 365 days)"), "\(purgeAgain.stdout)")
    }

    /// Records a shorter retention deleted come back, once a longer one is set, from the very
    /// next run's export, although its rows are known from the run before (a run forgets the
    /// known rows before its imports when its purge would: docs/operations.md).
    @Test func aLongerRetentionBringsDeletedRecordsBackInTheNextRun() throws {
        let w = try RunWorkspace(citizens: 60, seed: 12, label: "trin-retention-longer")
        let file = try #require(w.files("forloeb").first)
        let export = "\(w.exports)/\(file)"
        try w.writeConfig([.init(name: "forloeb", url: "file://\(export)", mapping: "forloeb")])
        let base = try String(contentsOfFile: w.config, encoding: .utf8)
        func retain(_ age: String) throws { try (base + "retention:\n  events: \(age)\n").write(toFile: w.config, atomically: true, encoding: .utf8) }
        // Ages counted from today to dates inside and before the sample's years (2022–2024),
        // so that the cutoffs fall where they should whatever year the test runs in.
        func days(since date: String) -> String {
            let day = ISO8601DateFormatter().date(from: date + "T00:00:00Z")!
            return "\(Int(Date().timeIntervalSince(day) / 86_400))d"
        }
        try retain(days(since: "2023-07-01"))
        try #require(try w.runInProcess().succeeded)
        let kept = try w.store().eventCount()
        #expect(try w.store().hasKnownRows(source: "forloeb"))
        // Tonight's export: last night's without its last row (the same rows, a new file), a
        // minute later (the fetch compares modification times).
        var bytes = try Data(contentsOf: URL(fileURLWithPath: export))
        bytes.removeLast()
        bytes.removeSubrange((bytes.lastIndex(of: 0x0A)! + 1)...)
        try bytes.write(to: URL(fileURLWithPath: export))
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(60)], ofItemAtPath: export)
        // What reading every row of it gives, onto a copy of the store.
        let copy = w.dir + "/every-row.sqlite"
        try FileManager.default.copyItem(atPath: w.storePath, toPath: copy)
        let everyRow = try TrinBinary.run(["import", "--store", copy, "--key", w.key, "--mapping", RunWorkspace.mappings + "/forloeb.yaml", export],
                                          environment: ["TRIN_SKIP_KNOWN_ROWS": "0"])
        try #require(everyRow.status == 0, "\(everyRow.output)")
        let expected = try SQLiteStore(path: copy).eventCount()
        try #require(kept > 0 && kept < expected, "a cutoff in mid-2023 kept \(kept), every row gives \(expected)")
        // A cutoff before the sample's first year keeps every record: those deleted come back tonight.
        try retain(days(since: "2020-01-01"))
        #expect(try w.runInProcess().succeeded)
        let (after, outcomes) = (try w.store().eventCount(), try w.lastRun())
        #expect(after == expected, "\(after) records, every row gives \(expected); \(outcomes)")
        #expect(try w.store().canonicalDump() == SQLiteStore(path: copy).canonicalDump())
        // The rows this run read are known to the next: its purge did not forget them again.
        #expect(try w.store().hasKnownRows(source: "forloeb"))
    }

    @Test func aBadAgeIsAConfigurationError() throws {
        let w = try RunWorkspace(citizens: 0, label: "trin-retention-bad")
        try w.writeConfig([])
        try String(contentsOfFile: w.config, encoding: .utf8).appending("retention:\n  rejectedRows: 90 days\n")
            .write(toFile: w.config, atomically: true, encoding: .utf8)
        let r = try TrinBinary.run(["check-config", "--config", w.config])
        #expect(r.status == 2)
        #expect(r.output.contains("`rejectedRows` must be an age like 90d"), "\(r.output)")
    }

    /// The night after retention deleted old records keeps the current set: the years those
    /// records count in are kept as first published, so no file of the set changes, and a new
    /// set would tell readers nothing (at the real size, most nights with a purge are such).
    @Test func aPurgeOfRecordsOfKeptYearsKeepsTheCurrentSet() throws {
        let w = try RunWorkspace(citizens: 40, seed: 21, label: "trin-retention-same-set")
        let file = try #require(w.files("forloeb").last)
        try w.writeConfig([.init(name: "forloeb", url: "file://\(w.exports)/\(file)", mapping: "forloeb")])
        try #require(try w.runInProcess().succeeded)
        func current() throws -> String { try FileManager.default.destinationOfSymbolicLink(atPath: w.dir + "/out/current") }
        let first = try current()
        let before = try w.store().eventCount()
        // A cutoff inside the sample's years (2022–2024), all closed and kept by the first run.
        let day = ISO8601DateFormatter().date(from: "2023-07-01T00:00:00Z")!
        let days = Int(Date().timeIntervalSince(day) / 86_400)
        try String(contentsOfFile: w.config, encoding: .utf8).appending("retention:\n  events: \(days)d\n")
            .write(toFile: w.config, atomically: true, encoding: .utf8)
        #expect(try w.runInProcess().succeeded)
        #expect(try w.store().eventCount() < before, "retention deleted records")
        #expect(try current() == first)
        let last = w.logText().split(separator: "\n").last { $0.contains("\"event\":\"metrics_") }.map(String.init) ?? ""
        #expect(last.contains("\"event\":\"metrics_unchanged\"") && last.contains("\"recomputed\":true"), "\(last)")
    }

    /// While retention deletes records, no year is republished: a republication would compute
    /// the year without them (its own, and earlier years' that it depends on). The kept year
    /// stays as it is.
    @Test func aYearRetentionThinnedIsNotRepublished() throws {
        let w = try RunWorkspace(citizens: 40, seed: 4, label: "trin-republish-thinned")
        try w.writeConfig([.init(name: "virksomheder", url: "file://\(w.exports)/virksomheder.csv", mapping: "virksomheder")])
        try #require(try w.run().status == 0)
        // Ages from today to a cutoff inside the sample's years (2022–2024).
        let day = ISO8601DateFormatter().date(from: "2023-07-01T00:00:00Z")!
        let days = Int(Date().timeIntervalSince(day) / 86_400)
        let base = try String(contentsOfFile: w.config, encoding: .utf8)
        try (base + "retention:\n  events: \(days)d\n").write(toFile: w.config, atomically: true, encoding: .utf8)
        // Every year, the cutoff's and later ones too: a year's figures depend on earlier years' records.
        for year in ["2022", "2023", "2024"] {
            let r = try TrinBinary.run(["metrics", "--config", w.config, "--republish", year, "--as-of", "2025-06-30"])
            #expect(r.status == 2 && r.stderr.contains("deletes old records, and \(year)'s figures depend on"), "\(r.output)")
        }
        // Refused before anything is opened: a store that is not there does not matter.
        try FileManager.default.moveItem(atPath: w.storePath, toPath: w.storePath + ".away")
        let early = try TrinBinary.run(["metrics", "--config", w.config, "--republish", "2024", "--as-of", "2025-06-30"])
        #expect(early.status == 2 && early.stderr.contains("deletes old records"), "\(early.output)")
        try FileManager.default.moveItem(atPath: w.storePath + ".away", toPath: w.storePath)
        // Without records retention, the year is republished (here: nothing kept yet, it is published).
        try base.write(toFile: w.config, atomically: true, encoding: .utf8)
        let allowed = try TrinBinary.run(["metrics", "--config", w.config, "--republish", "2024", "--as-of", "2025-06-30"])
        #expect(allowed.status == 0, "\(allowed.output)")
    }
}
