import Foundation
import Testing
import TrinTestSupport
import TrinSample
import TrinStore
import TrinService

/// The Prometheus textfile of whole runs (in process, through the front door `trin run` uses), read as Prometheus reads it, and the shipped
/// alerting rules under `promtool test rules`.
@Suite(.serialized) struct MonitoringTests {
    static let promtool = TestTools.path(of: "promtool")

    @Test func theTextfileHasCountersDurationsBuildInfoAndSchedules() throws {
        let w = try RunWorkspace(citizens: 60, seed: 4, dirty: 0.1, label: "trin-monitoring")
        let forloeb = try #require(w.files("forloeb").first)
        try w.writeConfig([
            .init(name: "forloeb", url: "file://\(w.exports)/\(forloeb)", mapping: "forloeb", schedule: "0 2 * * *"),
            .init(name: "virksomheder", url: "file://\(w.exports)/virksomheder.csv", mapping: "virksomheder", schedule: "30 6 * * 1"),
        ])
        #expect(try w.runInProcess().succeeded)
        let first = try String(contentsOfFile: w.prometheus, encoding: .utf8)
        #expect(try w.runInProcess().succeeded)  // unchanged: the counters stay, the runs counter grows
        let text = try String(contentsOfFile: w.prometheus, encoding: .utf8)
        func value(_ series: String, in t: String) -> Double? {
            t.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last!) }
        }
        let manifest = try #require(w.manifest?.file(named: forloeb))
        let stored = try w.allOutcomes().filter { $0.source == "forloeb" }.reduce(0) { $0 + $1.inserted + $1.updated }
        #expect(stored > 0)
        #expect(value("trin_source_records_imported_total{source=\"forloeb\"}", in: text) == Double(stored))
        #expect(value("trin_runs_total{status=\"succeeded\"}", in: first) == 1)
        #expect(value("trin_runs_total{status=\"succeeded\"}", in: text) == 2)
        let rejected = text.split(separator: "\n").filter { $0.hasPrefix("trin_source_rows_rejected_total{source=\"forloeb\",reason=") }
        #expect(rejected.compactMap { Double($0.split(separator: " ").last!) }.reduce(0, +) == Double(manifest.rejectedTotal))
        #expect((value("trin_source_bytes_fetched_total{source=\"forloeb\"}", in: text) ?? 0) > 0)
        #expect(text.contains("# TYPE trin_source_records_imported_total counter"))
        #expect(text.contains("trin_build_info{version=\""))
        #expect(value("trin_last_run_duration_seconds", in: text) != nil)
        #expect(value("trin_source_last_duration_seconds{source=\"forloeb\"}", in: text) != nil)
        #expect(value("trin_source_rows_read{source=\"forloeb\"}", in: first) == Double(manifest.goodRecords + manifest.rejectedTotal))
        #expect(value("trin_source_rows_read{source=\"forloeb\"}", in: text) == 0, "the second attempt found the file unchanged")
        // Daily and weekly schedules: their intervals, and a next run within one of them.
        #expect(value("trin_source_expected_interval_seconds{source=\"forloeb\"}", in: text) == 86_400)
        #expect(value("trin_source_expected_interval_seconds{source=\"virksomheder\"}", in: text) == 604_800)
        let next = try #require(value("trin_source_next_run_timestamp_seconds{source=\"virksomheder\"}", in: text))
        let now = Date().timeIntervalSince1970
        #expect(next > now && next <= now + 604_800)

        if let promtool = Self.promtool {
            let check = try TrinBinary.run(["-c", "'\(promtool)' check metrics < '\(w.prometheus)'"], executable: "/bin/sh")
            #expect(check.status == 0, "promtool check metrics: \(check.output)")
        }
    }

    @Test(.enabled(if: promtool != nil, "needs promtool (make deps installs the binary from Debian's prometheus package)"))
    func theAlertingRulesPassTheirTests() throws {
        let cron = TrinBinary.repositoryRoot + "/cron"
        let check = try TrinBinary.run(["check", "rules", cron + "/trin.rules.yml"], executable: Self.promtool!)
        #expect(check.status == 0 && check.output.contains("SUCCESS: 3 rules found"), "\(check.output)")
        let tests = try TrinBinary.run(["test", "rules", "trin.rules.test.yml", "trin.rules.history.test.yml"], currentDirectory: cron,
                                       executable: Self.promtool!)
        #expect(tests.status == 0 && tests.output.components(separatedBy: "SUCCESS").count == 3, "\(tests.output)")
    }
}
