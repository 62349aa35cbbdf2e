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
        #expect(purge.stdout.contains("events: 0 deleted (kept (no age set))"))
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
}
