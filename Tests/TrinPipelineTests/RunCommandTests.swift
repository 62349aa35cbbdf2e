import Foundation
import GRDB
import Testing
import TrinSample
import TrinStore
import TrinTestSupport

/// `trin run` as cron runs it: a real process, a real HTTP server on 127.0.0.1.
@Suite(.serialized) struct RunCommandTests {
    @Test func importsOverHTTPThenTheSecondRunIsAConditional304() throws {
        let w = try RunWorkspace()
        let server = try TestHTTPServer(root: w.exports)
        let forloeb = try #require(w.files("forloeb").first)
        let haendelser = try #require(w.files("haendelser").first)
        try w.writeConfig([
            .init(name: "forloeb", url: server.url("/files/\(forloeb)"), mapping: "forloeb"),
            .init(name: "haendelser", url: server.url("/files/\(haendelser)"), mapping: "haendelser"),
            .init(name: "virksomheder", url: server.url("/files/virksomheder.csv"), mapping: "virksomheder"),
        ])

        let first = try w.run()
        #expect(first.status == 0, "\(first.output)")
        let firstRun = try w.lastRun()
        for name in ["forloeb", "haendelser", "virksomheder"] {
            let o = try #require(firstRun[name], "\(name)")
            #expect(o.status == .imported, "\(name): \(o)")
            #expect(o.httpStatus == 200)
            #expect(o.inserted > 0)
            #expect(!o.file.isEmpty && first.stdout.contains(o.file))
        }
        let expected = try #require(w.manifest?.file(named: forloeb))
        #expect(firstRun["forloeb"].map { $0.inserted + $0.updated + $0.duplicates } == expected.goodRecords)
        let records = try w.store().eventCount()
        let state = try #require(try w.store().fetchState(source: "forloeb"))
        #expect(state.etag != nil && state.lastSuccessAt != nil)

        let second = try w.run()
        #expect(second.status == 0, "\(second.output)")
        for (name, o) in try w.lastRun() {
            #expect(o.status == .unchanged, "\(name)")
            #expect(o.httpStatus == 304, "\(name)")
        }
        // The server saw the validators it gave out.
        let requests = server.requests(path: "/files/\(forloeb)")
        #expect(requests.count == 2)
        #expect(requests.first?.headers["if-none-match"] == nil)
        #expect(requests.last?.headers["if-none-match"] == state.etag)
        #expect(try w.store().eventCount() == records)
        // The log says per source what happened, with the HTTP status.
        let unchangedLines = w.logText().split(separator: "\n").filter { $0.contains("\"event\":\"source_unchanged\"") }
        #expect(unchangedLines.count == 3)
        #expect(unchangedLines.allSatisfy { $0.contains("\"http_status\":304") })
        // And the Prometheus textfile says when each source last succeeded.
        let prom = try String(contentsOfFile: w.prometheus, encoding: .utf8)
        #expect(prom.contains("trin_source_last_success_timestamp_seconds{source=\"forloeb\"} "))
        #expect(prom.contains("trin_source_last_status{source=\"forloeb\",status=\"unchanged\"} 1"))
        #expect(prom.contains("trin_last_run_ok 1"))
    }

    @Test func anHTMLPageFailsItsSourceOnlyAndA500IsRetried() throws {
        let w = try RunWorkspace()
        let server = try TestHTTPServer(root: w.exports)
        let forloeb = try #require(w.files("forloeb").first)
        try w.writeConfig([
            .init(name: "portal", url: server.url("/html-error"), mapping: "forloeb"),
            .init(name: "flaky", url: server.url("/files/\(forloeb)?fail=1"), mapping: "forloeb"),
            .init(name: "virksomheder", url: server.url("/files/virksomheder.csv"), mapping: "virksomheder"),
        ])
        let result = try w.run()
        #expect(result.status == 1, "\(result.output)")
        let run = try w.lastRun()
        #expect(run["portal"]?.status == .failed)
        #expect(run["portal"]?.message?.contains("HTML") == true, "\(String(describing: run["portal"]?.message))")
        #expect(run["portal"]?.rowsRead == 0)
        #expect(run["flaky"]?.status == .imported)
        #expect(run["virksomheder"]?.status == .imported)
        #expect(server.requests(path: "/files/\(forloeb)").count == 2)  // 500, then 200
        #expect(result.stdout.contains("HTML"))
        // The failed source has no fetch state, so the next run tries it again.
        #expect(try w.store().fetchState(source: "portal") == nil)
        #expect(try w.store().fetchState(source: "flaky")?.etag != nil)
        let prom = try String(contentsOfFile: w.prometheus, encoding: .utf8)
        #expect(prom.contains("trin_source_last_ok{source=\"portal\"} 0"))
        #expect(prom.contains("trin_last_run_ok 0"))
    }

    @Test func dryRunReadsAndCountsButChangesNothing() throws {
        let w = try RunWorkspace()
        let server = try TestHTTPServer(root: w.exports)
        let forloeb = try #require(w.files("forloeb").first)
        try w.writeConfig([.init(name: "forloeb", url: server.url("/files/\(forloeb)"), mapping: "forloeb")])
        let dry = try w.run(["--dry-run"])
        #expect(dry.status == 0, "\(dry.output)")
        #expect(dry.stdout.contains("dry_run"))
        #expect(try w.store().eventCount() == 0)
        #expect(try w.store().fetchState(source: "forloeb") == nil)
        #expect(!FileManager.default.fileExists(atPath: w.prometheus))
        // The real run then imports everything (a dry run left no validators to send).
        let real = try w.run()
        #expect(real.status == 0, "\(real.output)")
        #expect(try w.lastRun()["forloeb"]?.status == .imported)
        #expect(server.requests(path: "/files/\(forloeb)").allSatisfy { $0.headers["if-none-match"] == nil })
    }

    @Test func aDryRunListsTheUnknownCodesByValueAndRunsShowKeepsWhatItMet() throws {
        let w = try RunWorkspace(citizens: 300, seed: 4, dirty: 0.08)
        let forloeb = try #require(w.files("forloeb").first)
        try w.writeConfig([.init(name: "forloeb", url: "file://\(w.exports)/\(forloeb)", mapping: "forloeb")])
        let dry = try w.run(["--dry-run"])
        #expect(dry.status == 0, "\(dry.output)")
        let file = try #require(w.manifest?.file(named: forloeb))
        // The listing: one line per source, field and value, with its rows; per field the rows add
        // up to the rows the generator made bad with an unknown code.
        let listing = try #require(dry.stdout.components(separatedBy: "Codes the mapping does not know").last)
        func rows(field prefix: String) -> [String: Int] {
            var out: [String: Int] = [:]
            for line in listing.split(separator: "\n") where line.contains(prefix) {
                let parts = line.split(separator: "\"")
                guard parts.count == 3, let n = Int(parts[2].trimmingCharacters(in: .whitespaces)) else { continue }
                out[String(parts[1])] = n
            }
            return out
        }
        let stages = rows(field: "stage (Aktivitet)"), groups = rows(field: "targetGroup (Målgruppe)")
        #expect(stages.values.reduce(0, +) == file.rejected["unknown_activity"] ?? 0, "\(dry.stdout)")
        #expect(groups.values.reduce(0, +) == file.rejected["unknown_target_group"] ?? 0, "\(dry.stdout)")
        #expect((file.rejected["unknown_activity"] ?? 0) > 0 && !stages.isEmpty)
        for known in ["Virksomhedspraktik", "Løntilskud", "Ordinært job"] { #expect(stages[known] == nil) }
        // Nothing kept but what the run met: its files, their counts and codes, for `trin runs show`.
        #expect(try w.store().eventCount() == 0)
        let runID = try #require(try w.store().recentRuns(limit: 1).first?.id)
        #expect(try w.store().rejectionExamples(ofRun: runID).isEmpty)
        let shown = try TrinBinary.run(["runs", "show", "\(runID)", "--store", w.storePath])
        #expect(shown.status == 0, "\(shown.output)")
        #expect(shown.stdout.contains("dry run") && shown.stdout.contains("dry_run"))
        for (value, n) in stages { #expect(shown.stdout.contains("\"\(value)\""), "\(value) ×\(n)") }
        // A dry run is never a source's last outcome, nor counted by monitoring.
        #expect(try w.store().sourceStatus().isEmpty)
        #expect(try w.store().monitoringTotals().sources.isEmpty)
    }

    /// A run that brought nothing new keeps the set it published, computing nothing; new
    /// records, or a set that is no longer current, make the next run publish again.
    @Test func aRunThatChangedNothingKeepsTheCurrentSet() throws {
        let w = try RunWorkspace(citizens: 60, seed: 8, label: "trin-unchanged-set")
        let files = w.files("forloeb")
        try #require(files.count >= 2)
        try w.writeConfig([.init(name: "forloeb", url: "file://\(w.exports)/\(files[0])", mapping: "forloeb")])
        func current() throws -> String { try FileManager.default.destinationOfSymbolicLink(atPath: w.dir + "/out/current") }
        func events() -> [String] {
            w.logText().split(separator: "\n").compactMap { line in
                ["metrics_published", "metrics_unchanged"].first { line.contains("\"event\":\"\($0)\"") }
            }
        }
        #expect(try w.run().status == 0)
        let first = try current()
        // The same export again (unchanged, 0 records): the same set stays current, and the log says why.
        #expect(try w.run().status == 0)
        #expect(try current() == first)
        #expect(events() == ["metrics_published", "metrics_unchanged"])
        // Another source brings records: a new set. (Under the same name, a file:// export of the
        // same modification time would be "unchanged" to the conditional fetch.)
        try w.writeConfig([.init(name: "forloeb-next", url: "file://\(w.exports)/\(files[1])", mapping: "forloeb")])
        #expect(try w.run().status == 0)
        let second = try current()
        #expect(second != first)
        #expect(events().last == "metrics_published")
        // A set that is no longer current (an operator pointed `current` elsewhere) is not trusted.
        try FileManager.default.removeItem(atPath: w.dir + "/out/current")
        try FileManager.default.createSymbolicLink(atPath: w.dir + "/out/current", withDestinationPath: first)
        #expect(try w.run().status == 0)
        #expect(events().last == "metrics_published")
        #expect(try current() != first)
    }

    /// A store this trin cannot open (here: one a newer trin migrated) fails the run with exit
    /// 4, says why on stderr, and leaves a line in the log, the only trace of the attempt.
    @Test func aStoreThatCannotBeOpenedExits4AndIsLogged() throws {
        let w = try RunWorkspace()
        try w.writeConfig([.init(name: "virksomheder", url: "file://\(w.exports)/virksomheder.csv", mapping: "virksomheder")])
        try #require(try w.run().status == 0)
        let queue = try DatabaseQueue(path: w.storePath)
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations(identifier) VALUES ('v99')") }
        try queue.close()
        let r = try w.run()
        #expect(r.status == 4, "\(r.output)")
        #expect(r.stderr.contains("newer than this trin knows"), "\(r.stderr)")
        #expect(w.logText().contains("\"event\":\"store_unavailable\""), "\(w.logText().suffix(400))")
        // The wrong key stays a configuration error.
        let otherKey = w.dir + "/other.key"
        try #require(try TrinBinary.run(["keygen", otherKey]).status == 0)
        let fresh = w.dir + "/fresh.sqlite"
        try #require(try TrinBinary.run(["import", "--store", fresh, "--key", w.key, "--mapping", RunWorkspace.mappings + "/virksomheder.yaml",
                                         w.exports + "/virksomheder.csv"]).status == 0)
        let wrongKey = try TrinBinary.run(["import", "--store", fresh, "--key", otherKey, "--mapping", RunWorkspace.mappings + "/virksomheder.yaml",
                                           w.exports + "/virksomheder.csv"])
        #expect(wrongKey.status == 2, "\(wrongKey.output)")
    }

    @Test func dueRunsOnlySourcesWhoseScheduleFiredAndNamedSourcesRunAlone() throws {
        let w = try RunWorkspace()
        let forloeb = try #require(w.files("forloeb").first)
        // A firing twelve hours from now (Danish time), so that the runs below never straddle it.
        var danish = Calendar(identifier: .gregorian)
        danish.timeZone = try #require(TimeZone(identifier: "Europe/Copenhagen"))
        let hour = (danish.component(.hour, from: Date()) + 12) % 24
        try w.writeConfig([
            .init(name: "nightly", url: "file://\(w.exports)/\(forloeb)", mapping: "forloeb", schedule: "0 \(hour) * * *"),
            .init(name: "manual", url: "file://\(w.exports)/virksomheder.csv", mapping: "virksomheder"),
        ])
        let unknown = try w.run(["--source", "nope"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("nope"))

        let first = try w.run(["--due"])  // never run: due; no schedule: not due
        #expect(first.status == 0, "\(first.output)")
        #expect(Set(try w.lastRun().keys) == ["nightly"])
        let again = try w.run(["--due"])  // succeeded just now: not due until its next firing
        #expect(again.status == 0)
        #expect(again.stdout.contains("no sources due"))
        #expect(try w.store().recentRuns(limit: 10).count == 1)
        let named = try w.run(["--source", "manual"])
        #expect(named.status == 0)
        #expect(Set(try w.lastRun().keys) == ["manual"])
    }

    @Test func noCPRNumberInTheLogOrTheRunsOutput() throws {
        let w = try RunWorkspace(citizens: 150, seed: 9, dirty: 0.05)
        let server = try TestHTTPServer(root: w.exports)
        let names = w.files("forloeb") + w.files("haendelser")
        var sources: [RunWorkspace.Source] = names.enumerated().map { i, name in
            .init(name: "s\(i)", url: server.url("/files/\(name)"), mapping: name.hasPrefix("forloeb") ? "forloeb" : "haendelser")
        }
        sources.append(.init(name: "virksomheder", url: server.url("/files/virksomheder.csv"), mapping: "virksomheder"))
        try w.writeConfig(sources)
        let scan = try PrivacyScan(inputs: (names + ["virksomheder.csv"]).map { w.exports + "/" + $0 })
        #expect(scan.cprs.count > 100)

        var printed = [try w.run()]
        #expect(try w.allOutcomes().reduce(0) { $0 + $1.rejected } > 0)  // dirty rows were met
        printed.append(try TrinBinary.run(["runs", "--config", w.config]))
        printed.append(try TrinBinary.run(["runs", "show", "1", "--config", w.config]))
        #expect(printed[2].stdout.contains("XXXXXX-XXXX"))
        // What else prints figures: the report, a year's summary, the disclosure check.
        let report = w.dir + "/report.html"
        printed.append(try TrinBinary.run(["report", "--config", w.config, "--year", "2023", "--out", report]))
        printed.append(try TrinBinary.run(["metrics", "--config", w.config, "--year", "2023"]))
        printed.append(try TrinBinary.run(["disclosure", "--config", w.config]))
        for p in printed.suffix(3) { #expect(p.status == 0, "\(p.output)") }
        var leaks: [String] = []
        for file in [w.log, w.storePath, w.prometheus, report] { leaks += try scan.leaks(in: file) }
        for file in [w.storePath + "-journal", w.storePath + "-wal"] { leaks += try scan.leaks(in: file, mayBeMissing: true) }
        // Every published file: each set's tables, register, data package and manifest.
        leaks += try scan.leaks(under: w.dir + "/out")
        for (i, p) in printed.enumerated() { leaks += scan.leaks(in: Data(p.output.utf8), name: "output \(i)") }
        #expect(leaks.isEmpty, "\(leaks.prefix(5))")
        #expect(w.logText().contains("\"event\":\"row_rejected\""))
    }

    @Test func secretsComeFromFilesAndNeverReachTheLog() throws {
        let w = try RunWorkspace(citizens: 0)
        let server = try TestHTTPServer()
        try (TestHTTPServer.bearerToken + "\n").write(toFile: w.dir + "/token", atomically: true, encoding: .utf8)
        try (TestHTTPServer.basicPassword + "\n").write(toFile: w.dir + "/password", atomically: true, encoding: .utf8)
        // The scenarios serve a tiny CSV; the forloeb mapping refuses it, which is fine:
        // what matters here is that the server accepted the credentials (no 401).
        try w.writeConfig([
            .init(name: "bearer", url: server.url("/bearer"), mapping: "forloeb", extra: "    auth: { bearerTokenFile: token }\n"),
            .init(name: "basic", url: server.url("/basic"), mapping: "forloeb",
                  extra: "    auth: { basicUser: \(TestHTTPServer.basicUser), basicPasswordFile: password }\n"),
        ])
        let result = try w.run()
        let run = try w.lastRun()
        for name in ["bearer", "basic"] {
            #expect(run[name]?.httpStatus == 200, "\(name): \(String(describing: run[name]))")
        }
        for text in [w.logText(), result.output] {
            #expect(!text.contains(TestHTTPServer.bearerToken))
            #expect(!text.contains(TestHTTPServer.basicPassword))
        }
    }
}
