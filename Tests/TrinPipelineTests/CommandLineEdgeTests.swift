import Foundation
import GRDB
import Testing
import TrinCore
import TrinTestSupport
import TrinSample
import TrinStore

/// Rough edges of the command line: documented exit codes and messages that name the
/// path and the reason.
@Suite struct CommandLineEdgeTests {
    @Test func usageErrorsExitTwoWithTheUsage() throws {
        let unknown = try TrinBinary.run(["runs", "--bogus"])
        #expect(unknown.status == 2, "\(unknown.output)")
        #expect(unknown.stderr.contains("Unknown option '--bogus'") && unknown.stderr.contains("Usage: trin runs"))
        let missing = try TrinBinary.run(["metrics", "--k"])
        #expect(missing.status == 2 && missing.stderr.contains("Missing value for '--k"), "\(missing.output)")
        #expect(try TrinBinary.run(["--help"]).status == 0)
    }

    @Test func readingCommandsDoNotCreateAStore() throws {
        let dir = TrinBinary.temporaryDirectory("trin-no-store")
        for command in [["runs"], ["runs", "show", "1"], ["metrics", "--year", "2024"], ["disclosure"], ["report", "--year", "2024", "--out", dir + "/r.html"]] {
            let r = try TrinBinary.run(command + ["--store", dir + "/typo.sqlite"])
            #expect(r.status == 2, "\(command): \(r.output)")
            #expect(r.stderr.contains("no store at \(dir)/typo.sqlite"), "\(command): \(r.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty, "nothing was created")
    }

    @Test("every command reads ./trin.yaml when no configuration is named, as trin run does")
    func theConfigurationInTheWorkingDirectoryServesEveryCommand() throws {
        let w = try RunWorkspace(citizens: 60)
        let server = try TestHTTPServer(root: w.exports)
        let forloeb = try #require(w.files("forloeb").first)
        try w.writeConfig([.init(name: "forloeb", url: server.url("/files/\(forloeb)"), mapping: "forloeb")])
        // No --config, no TRIN_CONFIG: the working directory's trin.yaml.
        let run = try TrinBinary.run(["run"], currentDirectory: w.dir)
        #expect(run.status == 0, "\(run.output)")
        let runs = try TrinBinary.run(["runs", "--json"], currentDirectory: w.dir)
        #expect(runs.status == 0 && runs.stdout.contains("\"status\""), "\(runs.output)")
        #expect(runs.stdout == (try TrinBinary.run(["runs", "--json", "--config", w.config])).stdout)
        let metrics = try TrinBinary.run(["metrics", "--year", "2024"], currentDirectory: w.dir)
        #expect(metrics.status == 0, "\(metrics.output)")
        #expect(FileManager.default.fileExists(atPath: w.dir + "/out/current"), "the metric set is in the configuration's output")
        // A broken one is refused with its problem, not ignored.
        try "store: [".write(toFile: w.config, atomically: true, encoding: .utf8)
        let broken = try TrinBinary.run(["runs"], currentDirectory: w.dir)
        #expect(broken.status == 2 && broken.stderr.contains("trin.yaml"), "\(broken.output)")
    }

    /// A folder with a key and a store into which `trin import` read every export of a sample.
    static func importedSample(_ label: String, citizens: Int) throws -> (dir: String, store: String) {
        let dir = TrinBinary.temporaryDirectory(label)
        let store = dir + "/s.sqlite", key = dir + "/key"
        try #require(try TrinBinary.run(["keygen", key]).status == 0)
        try #require(try TrinBinary.run(["sample", "--citizens", "\(citizens)", "--seed", "1", "--out", dir + "/ex"]).status == 0)
        for name in try FileManager.default.contentsOfDirectory(atPath: dir + "/ex") where !name.hasSuffix(".json") {
            let mapping = try #require(["forloeb", "haendelser", "virksomheder"].first { name.hasPrefix($0) })
            let r = try TrinBinary.run(["import", "--store", store, "--key", key, "--mapping",
                                        TrinBinary.repositoryRoot + "/mappings/\(mapping).yaml", dir + "/ex/" + name])
            try #require(r.status == 0, "\(name): \(r.output)")
        }
        return (dir, store)
    }

    @Test("a store that cannot be read exits 4 with the reason, not 1 (some sources failed) or 2 (configuration)")
    func anUnreadableStoreIsAnInternalError() throws {
        let (_, store) = try Self.importedSample("trin-damaged-store", citizens: 20)
        // Damaged behind trin's back: the table of rejected rows is gone.
        try DatabaseQueue(path: store).write { try $0.execute(sql: "DROP TABLE rejection") }
        let r = try TrinBinary.run(["runs", "show", "1", "--store", store])
        #expect(r.status == 4, "\(r.output)")
        #expect(r.stderr.contains("no such table: rejection"), "\(r.stderr)")
        // A folder named as the store: said so, not SQLite's "unable to open database file".
        let folder = URL(fileURLWithPath: store).deletingLastPathComponent().path
        let f = try TrinBinary.run(["runs", "--store", folder])
        #expect(f.status == 4, "\(f.output)")
        #expect(f.stderr.contains("a folder, not a store file") && f.stderr.contains("\(folder)/trin.sqlite"), "\(f.stderr)")
        // A command that takes the run lock says the same, and leaves no lock file beside the folder.
        let lockFile = folder + ".lock"
        try? FileManager.default.removeItem(atPath: lockFile)
        let i = try TrinBinary.run(["import", "--store", folder, "--key", folder + "/key", "--mapping",
                                    TrinBinary.repositoryRoot + "/mappings/forloeb.yaml", folder + "/none.csv"])
        #expect(i.status == 4 && i.stderr.contains("a folder, not a store file"), "\(i.output)")
        #expect(!FileManager.default.fileExists(atPath: lockFile))
    }

    @Test("the annual report shows a closed year in full only once a set has kept it")
    func theReportWaitsForTheKeptYear() throws {
        let (dir, store) = try Self.importedSample("trin-report-kept", citizens: 60)
        func report() throws -> String {
            let r = try TrinBinary.run(["report", "--store", store, "--year", "2023", "--as-of", "2030-12-31", "--out", dir + "/r.html"])
            try #require(r.status == 0, "\(r.output)")
            return try String(contentsOfFile: dir + "/r.html", encoding: .utf8)
        }
        // Not kept yet: the agreements wait, as in a provisional year.
        #expect(try report().contains("offentliggøres, når året er afsluttet"))
        try #require(try TrinBinary.run(["metrics", "--store", store, "--as-of", "2030-12-31", "--output", dir + "/out"]).status == 0)
        #expect(try !report().contains("offentliggøres, når året er afsluttet"), "kept by trin metrics: in full")
    }

    @Test func aMissingFileIsNamedWithTheReason() throws {
        let dir = TrinBinary.temporaryDirectory("trin-missing-file")
        try #require(try TrinBinary.run(["keygen", dir + "/key"]).status == 0)
        let r = try TrinBinary.run(["import", "--store", dir + "/s.sqlite", "--key", dir + "/key", "--mapping",
                                    TrinBinary.repositoryRoot + "/mappings/forloeb.yaml", dir + "/missing.csv"])
        #expect(r.status == 1)
        // (Not the whole path: the mask may hide digits of the temporary folder's random name.)
        #expect(r.stdout.contains("/missing.csv: cannot open: No such file or directory"), "\(r.output)")
        // A mapping given by name instead of path: the message says what `--mapping` takes.
        let byName = try TrinBinary.run(["import", "--store", dir + "/s.sqlite", "--key", dir + "/key", "--mapping", "forloeb", dir + "/missing.csv"])
        #expect(byName.status == 2)
        #expect(byName.stderr.contains("mapping forloeb: ") && byName.stderr.contains("--mapping takes the mapping file's path"), "\(byName.stderr)")
        // An XML export given to a CSV mapping: said so, not listed as the file's "columns".
        try "<?xml version=\"1.0\"?>\n<Forloebsudtraek/>\n".write(toFile: dir + "/export.csv", atomically: true, encoding: .utf8)
        let xml = try TrinBinary.run(["import", "--store", dir + "/s.sqlite", "--key", dir + "/key", "--mapping",
                                      TrinBinary.repositoryRoot + "/mappings/forloeb.yaml", dir + "/export.csv"])
        #expect(xml.status == 1)
        #expect(xml.stdout.contains("the file's first line is markup, not a CSV header"), "\(xml.output)")
    }
}

@Suite struct ProgressLineTests {
    /// A long import on a terminal (a pseudo-terminal made by util-linux `script`) shows where it
    /// is and clears the line when done; through a pipe, as cron runs it, nothing of it appears.
    @Test(.enabled(if: TestTools.path(of: "script") != nil))
    func aLongImportShowsAProgressLineOnATerminalOnly() throws {
        let dir = TrinBinary.temporaryDirectory("trin-progress")
        try #require(try TrinBinary.run(["keygen", dir + "/key"]).status == 0)
        // Large enough to take over a second in a debug build (the line waits 0.7 s).
        try #require(try TrinBinary.run(["sample", "--forloeb-rows", "60000", "--out", dir + "/x"]).status == 0)
        let file = dir + "/x/forloeb-bench-60000.csv"
        func importArguments(_ store: String) -> [String] {
            ["import", "--store", dir + "/" + store, "--key", dir + "/key", "--mapping",
             TrinBinary.repositoryRoot + "/mappings/forloeb.yaml", file]
        }
        let piped = try TrinBinary.run(importArguments("piped.sqlite"))
        #expect(piped.status == 0, "\(piped.output)")
        #expect(!piped.output.contains("\u{1B}") && !piped.output.contains("\r"), "no progress line without a terminal")

        let command = ([TrinBinary.path] + importArguments("tty.sqlite")).map { "'\($0)'" }.joined(separator: " ")
        let tty = try TrinBinary.run(["-qec", command, "/dev/null"], executable: try #require(TestTools.path(of: "script")))
        #expect(tty.status == 0, "\(tty.output)")
        let lines = tty.stdout.components(separatedBy: "\r\u{1B}[K").dropFirst().map { $0 }
        #expect(lines.count >= 2, "drawn, then cleared: \(tty.stdout.prefix(400))")
        #expect(lines.first?.hasPrefix("forloeb  forloeb-bench-60000.csv  ") == true, "\(lines)")
        #expect(lines.dropLast().allSatisfy { $0.contains(" rows  ") && $0.contains(" % of ") }, "\(lines)")
        // The line is cleared before the summary table, which starts the last piece.
        #expect(lines.last?.hasPrefix("source ") == true, "\(lines.last ?? "")")
        #expect(tty.stdout.contains("60000"))
    }
}

@Suite struct KeyErrorTests {
    @Test func aBadKeyLeavesNothingBehindAndAFolderIsNamedAsSuch() throws {
        let dir = TrinBinary.temporaryDirectory("trin-bad-key")
        try FileManager.default.createDirectory(atPath: dir + "/keys", withIntermediateDirectories: true)
        chmod(dir + "/keys", 0o700)
        let mapping = TrinBinary.repositoryRoot + "/mappings/forloeb.yaml"
        let folder = try TrinBinary.run(["import", "--store", dir + "/s.sqlite", "--key", dir + "/keys", "--mapping", mapping, dir + "/x.csv"])
        #expect(folder.status == 2)
        #expect(folder.stderr.contains("key file \(dir)/keys is a folder or a device, not a key file"), "\(folder.stderr)")
        let missing = try TrinBinary.run(["import", "--store", dir + "/s.sqlite", "--key", dir + "/nokey", "--mapping", mapping, dir + "/x.csv"])
        #expect(missing.status == 2 && missing.stderr.contains("does not exist"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["keys"], "no lock file, no store")
    }
}

@Suite(.serialized) struct RunsCommandTests {
    @Test func runsListsInDanishTimeAsJSONBySourceAndSettlesAbandonedRuns() throws {
        let w = try RunWorkspace(citizens: 20, seed: 6, label: "trin-runs-json")
        let file = try #require(w.files("forloeb").first)
        try w.writeConfig([
            .init(name: "forloeb", url: "file://\(w.exports)/\(file)", mapping: "forloeb"),
            .init(name: "virksomheder", url: "file://\(w.exports)/virksomheder.csv", mapping: "virksomheder"),
        ])
        #expect(try w.run().status == 0)
        #expect(try w.run(["--source", "virksomheder"]).status == 0)
        // A run left `running` by a process that was stopped (Ctrl-C, kill -9).
        let abandoned = try w.store().beginRun(command: "import", startedAt: TrinCore.Instant(secondsSinceEpoch: 1_780_000_000), dryRun: false)

        let table = try TrinBinary.run(["runs", "--store", w.storePath])
        #expect(table.status == 0)
        #expect(table.stdout.contains("started (Danish time)") && (table.stdout.contains(" +01:00") || table.stdout.contains(" +02:00")))
        #expect(try w.store().run(id: abandoned)?.status == "interrupted", "no process holds the lock: the run was stopped")

        let json = try TrinBinary.run(["runs", "--store", w.storePath, "--json"])
        let runs = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(runs.count == 3)
        #expect(runs.first?["status"] as? String == "interrupted" && runs.first?["dryRun"] as? Bool == false)
        #expect((runs.last?["startedAt"] as? String)?.hasSuffix("Z") == true && runs.last?["durationSeconds"] is Int)
        let bySource = try TrinBinary.run(["runs", "--store", w.storePath, "--json", "--source", "forloeb"])
        let forloebRuns = try #require(try JSONSerialization.jsonObject(with: Data(bySource.stdout.utf8)) as? [[String: Any]])
        #expect(forloebRuns.count == 1, "only the first run attempted forloeb")

        // The store's options before the subcommand, as operations type them after `trin runs --config X`.
        for arguments in [["runs", "--store", w.storePath, "show", "1"], ["runs", "show", "1", "--store", w.storePath],
                          ["runs", "--store", w.storePath, "list", "--limit", "1"]] {
            let shown = try TrinBinary.run(arguments)
            #expect(shown.status == 0, "\(arguments): \(shown.output)")
            #expect(shown.stdout.contains(arguments.contains("show") ? "run 1: run" : "interrupted"), "\(arguments): \(shown.stdout)")
        }
    }
}

@Suite(.serialized) struct RejectedShareLimitTests {
    @Test func aSourceRejectingMoreThanItsLimitFailsTheRunButKeepsItsRecords() throws {
        let w = try RunWorkspace(citizens: 60, seed: 21, dirty: 0.3, label: "trin-reject-limit")
        let file = try #require(w.files("forloeb").first)
        let manifest = try #require(w.manifest?.file(named: file))
        let share = Double(manifest.rejectedTotal) / Double(manifest.rejectedTotal + manifest.goodRecords)
        try #require(share > 0.1 && share < 0.9, "the dirty sample rejects a good part: \(share)")
        // Limit below the share: warned once, exit 1, records kept, the run partial.
        try w.writeConfig([.init(name: "forloeb", url: "file://\(w.exports)/\(file)", mapping: "forloeb", extra: "    rejectedShareLimit: 0.05\n")])
        let strict = try w.run()
        #expect(strict.status == 1, "\(strict.output)")
        #expect(strict.stderr.components(separatedBy: "trin: warning: forloeb rejected").count == 2, "\(strict.stderr)")
        #expect(try w.lastRun()["forloeb"]?.status == .imported)
        #expect(try w.store().recentRuns().first?.status == "partial")
        #expect(w.logText().contains("\"event\":\"source_rejections_high\""))
        // Why the run is partial, where operations look: `trin runs show`, `--json`, and `run_finished`.
        let show = try TrinBinary.run(["runs", "show", "1", "--config", w.config])
        #expect(show.stdout.contains("Why partial: rejected rows above the limit: forloeb rejected \(manifest.rejectedTotal) of"),
                "\(show.stdout.prefix(500))")
        #expect(show.stdout.contains("limit 5 %"))
        let json = try TrinBinary.run(["runs", "--json", "--config", w.config])
        #expect(json.stdout.contains("\"reason\":\"rejected rows above the limit: forloeb rejected"), "\(json.stdout)")
        let finished = try #require(w.logText().split(separator: "\n").last { $0.contains("\"event\":\"run_finished\"") })
        #expect(finished.contains("\"reason\":\"rejected rows above the limit"), "\(finished)")
        // A limit above the share (here 95 %, of a fresh copy): a success, with no reason.
        try w.writeConfig([.init(name: "forloeb", url: "file://\(w.exports)/\(file)", mapping: "forloeb", extra: "    rejectedShareLimit: 0.95\n")])
        try? FileManager.default.removeItem(atPath: w.storePath)
        let lenient = try w.run()
        #expect(lenient.status == 0 && lenient.stderr.isEmpty, "\(lenient.output)")
        #expect(try w.store().recentRuns().first?.reason == nil)
    }
}
