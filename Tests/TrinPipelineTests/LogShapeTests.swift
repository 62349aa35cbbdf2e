import Foundation
import Testing
import TrinTestSupport
import TrinStore

/// The import log as a shipper (Vector, Logstash, journald) reads it, and stderr as cron mails it.
@Suite(.serialized) struct LogShapeTests {
    @Test func everyLineIsTypedAndNamesItsRunAndSource() throws {
        let w = try RunWorkspace(citizens: 60, seed: 12, dirty: 0.1, label: "trin-log-shape")
        let server = try TestHTTPServer(root: w.exports)
        defer { server.stop() }
        let forloeb = try #require(w.files("forloeb").first)
        try w.writeConfig([
            .init(name: "forloeb", url: server.url("/files/\(forloeb)?fail=1"), mapping: "forloeb"),  // a 500, then 200
            .init(name: "virksomheder", url: server.url("/files/virksomheder.csv"), mapping: "virksomheder"),
        ])
        // The shipped level (no TRIN_LOG_LEVEL: a test's process sees none of the caller's TRIN_
        // variables): a successful run with a retry and rejected rows prints its summary on
        // stdout and nothing on stderr, so cron sends no mail.
        let r = try TrinBinary.run(["run", "--config", w.config])
        #expect(r.status == 0, "\(r.output)")
        #expect(r.stderr.isEmpty, "stderr: \(r.stderr)")

        let lines = w.logText().split(separator: "\n")
        #expect(lines.count > 10)
        var events = Set<String>()
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
            let time = try #require(object["time"] as? String)
            #expect(time.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"#, options: .regularExpression) != nil, "time \(time)")
            #expect(["info", "notice", "warning", "error"].contains(object["level"] as? String ?? ""), "\(line)")
            let event = try #require(object["event"] as? String, "a line without event: \(line)")
            events.insert(event)
            #expect(object["run"] is Int, "a line without its run: \(line)")
            if event.hasPrefix("fetch") || event.hasPrefix("source_") || event.hasPrefix("file_") || event == "row_rejected" || event == "fetched" {
                #expect(object["source"] is String, "a line without its source: \(line)")
            }
            if let dryRun = object["dry_run"] { #expect(dryRun is Bool, "dry_run is not a boolean: \(line)") }
        }
        for expected in ["run_started", "fetch_attempt_failed", "fetch_retry", "fetched", "row_rejected", "file_imported", "run_finished"] {
            #expect(events.contains(expected), "no \(expected) line")
        }
        #expect(lines.contains { $0.contains("\"event\":\"fetch_attempt_failed\"") && $0.contains("\"level\":\"warning\"") })
    }

    @Test func aLogThatCannotBeWrittenFailsTheRun() throws {
        let w = try RunWorkspace(citizens: 20, seed: 2, label: "trin-log-full")
        let file = try #require(w.files("forloeb").first)
        try w.writeConfig([.init(name: "forloeb", url: "file://\(w.exports)/\(file)", mapping: "forloeb")])
        // /dev/full opens for appending and fails every write with ENOSPC, as a full disk does.
        let r = try TrinBinary.run(["run", "--config", w.config, "--log", "/dev/full"])
        #expect(r.status == 5, "\(r.output)")
        #expect(r.stderr.contains("cannot write the log /dev/full: No space left on device"), "\(r.stderr)")
        #expect(try w.lastRun()["forloeb"]?.status == .imported)
        // A dry run writes no outputs, but a log it could not write is said all the same.
        let dry = try TrinBinary.run(["run", "--config", w.config, "--log", "/dev/full", "--dry-run"])
        #expect(dry.status == 5, "\(dry.output)")
        #expect(dry.stderr.contains("cannot write the log /dev/full"), "\(dry.stderr)")
    }
}
