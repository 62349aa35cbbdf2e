import Foundation
import Testing
import TrinTestSupport
import TrinStore

/// A run whose outputs cannot be written is not a success: it exits 5 with the
/// reason, though its records are imported (and the next run writes the outputs).
@Suite(.serialized) struct OutputFailureTests {
    @Test func unwritableMetricFolderOrTextfileExitsFive() throws {
        let w = try RunWorkspace(citizens: 30, seed: 3, label: "trin-output-failure")
        let file = try #require(w.files("forloeb").first)
        try w.writeConfig([.init(name: "forloeb", url: "file://\(w.exports)/\(file)", mapping: "forloeb")])
        // The output folder is a plain file: no metric set can be published there.
        try "not a folder".write(toFile: w.dir + "/out", atomically: true, encoding: .utf8)
        let first = try w.run()
        #expect(first.status == 5, "\(first.output)")
        #expect(first.stderr.contains("the metric set was not published"), "\(first.stderr)")
        #expect(try w.lastRun()["forloeb"]?.status == .imported, "the records are kept")
        // The run history, the log's last line of the run and the textfile say the run was not a success.
        #expect(try w.store().recentRuns(limit: 1).first?.status == "partial")
        let finished = w.logText().split(separator: "\n").filter { $0.contains("\"event\":\"run_finished\"") }
        #expect(finished.count == 1 && finished[0].contains("\"status\":\"partial\""), "\(finished)")
        #expect(try String(contentsOfFile: w.prometheus, encoding: .utf8).contains("trin_last_run_ok 0"))

        // Output folder fixed, the textfile's folder gone: still 5, now for the textfile.
        try FileManager.default.removeItem(atPath: w.dir + "/out")
        try FileManager.default.removeItem(atPath: w.dir + "/prom")
        let second = try w.run()
        #expect(second.status == 5, "\(second.output)")
        #expect(second.stderr.contains("cannot write the Prometheus textfile"), "\(second.stderr)")
        #expect(second.stderr.contains("cannot create a temporary file in \(w.dir)/prom: No such file or directory"), "\(second.stderr)")
        #expect(!second.stderr.contains("NSCocoaErrorDomain") && !first.stderr.contains("NSCocoaErrorDomain"))
        #expect(FileManager.default.fileExists(atPath: w.dir + "/out/current"), "the metric set was published")

        try FileManager.default.createDirectory(atPath: w.dir + "/prom", withIntermediateDirectories: true)
        #expect(try w.run().status == 0)
        #expect(try w.store().recentRuns(limit: 1).first?.status == "succeeded")
        #expect(try String(contentsOfFile: w.prometheus, encoding: .utf8).contains("trin_last_run_ok 1"))

        // The annual report into a folder that is not there: the path and the reason, exit 2.
        let report = try TrinBinary.run(["report", "--store", w.storePath, "--year", "2023", "--out", w.dir + "/nowhere/r.html"])
        #expect(report.status == 2)
        #expect(report.stderr.contains("cannot write the report to \(w.dir)/nowhere/r.html: the folder \(w.dir)/nowhere does not exist"),
                "\(report.stderr)")
    }

    /// A failed source outranks a failed output: exit 1, and the output's failure is still said.
    @Test func aFailedSourceAndAnUnwritableMetricFolderExitOne() throws {
        let w = try RunWorkspace(citizens: 30, seed: 3, label: "trin-output-and-source")
        let file = try #require(w.files("forloeb").first)
        try w.writeConfig([
            .init(name: "forloeb", url: "file://\(w.exports)/\(file)", mapping: "forloeb"),
            .init(name: "missing", url: "file://\(w.exports)/no-such-export.csv", mapping: "forloeb"),
        ])
        try "not a folder".write(toFile: w.dir + "/out", atomically: true, encoding: .utf8)
        let r = try w.run()
        #expect(r.status == 1, "\(r.output)")
        #expect(r.stderr.contains("the metric set was not published"), "\(r.stderr)")
        #expect(try w.lastRun()["forloeb"]?.status == .imported && w.lastRun()["missing"]?.status == .failed)
        #expect(try w.store().recentRuns(limit: 1).first?.status == "partial")
    }

    /// The daemon has no exit code per run: a run whose metric set could not be published is
    /// kept as partial, logged as an error, and the textfile's `trin_last_run_ok` is 0.
    @Test func theDaemonMarksARunWithoutItsOutputsAsPartial() throws {
        let w = try RunWorkspace(citizens: 30, seed: 3, label: "trin-daemon-output")
        let file = try #require(w.files("forloeb").first)
        try w.writeConfig([.init(name: "forloeb", url: "file://\(w.exports)/\(file)", mapping: "forloeb", schedule: "0 2 * * *")])
        try "not a folder".write(toFile: w.dir + "/out", atomically: true, encoding: .utf8)
        let daemon = try TrinBinary.start(["daemon", "--config", w.config, "--run-now"])
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        #expect(eventually(timeout: 20) { w.logText().contains("\"event\":\"run_outputs_failed\"") })
        #if os(Linux)
        // No core dump: it would hold export rows and the key.
        let limits = try String(contentsOfFile: "/proc/\(daemon.processIdentifier)/limits", encoding: .utf8)
        #expect(limits.split(separator: "\n").contains { $0.hasPrefix("Max core file size") && $0.split(separator: " ").suffix(3).prefix(2) == ["0", "0"] },
                "\(limits)")
        #endif
        kill(daemon.processIdentifier, SIGTERM)
        #expect(daemon.waitForExit(timeout: 10))
        #expect(try w.store().recentRuns(limit: 1).first?.status == "partial")
        #expect(try w.lastRun()["forloeb"]?.status == .imported)
        #expect(try String(contentsOfFile: w.prometheus, encoding: .utf8).contains("trin_last_run_ok 0"))
        #expect(w.logText().contains("the metric set was not published"))
    }
}
