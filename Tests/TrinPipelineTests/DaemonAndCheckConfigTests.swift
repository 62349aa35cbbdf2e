import Foundation
import GRDB
import TrinCore
import Testing
import TrinService
import TrinStore
import TrinTestSupport
import TrinMapping

/// `trin daemon` under signals, and `trin check-config`.
@Suite(.serialized) struct DaemonAndCheckConfigTests {
    @Test func daemonRunsReloadsKeepsAGoodConfigAndStopsOnSIGTERM() throws {
        let w = try RunWorkspace()
        let server = try TestHTTPServer(root: w.exports)
        let forloeb = try #require(w.files("forloeb").first)
        let haendelser = try #require(w.files("haendelser").first)
        try w.writeConfig([
            .init(name: "forloeb", url: server.url("/files/\(forloeb)"), mapping: "forloeb", schedule: "0 2 * * *"),
            .init(name: "virksomheder", url: server.url("/files/virksomheder.csv"), mapping: "virksomheder", schedule: "0 2 * * *"),
            // No schedule: only `--run-now`'s first pass runs it; it has no next run.
            .init(name: "haendelser", url: server.url("/files/\(haendelser)"), mapping: "haendelser"),
        ])
        let daemon = try TrinBinary.start(["daemon", "--config", w.config, "--run-now"])
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }

        // The first pass completes and is recorded.
        #expect(eventually(timeout: 20) {
            (try? w.store().recentRuns(limit: 1).first?.finishedAt) != nil
        }, "daemon \(daemon.isRunning ? "running" : "exited: \(daemon.standardErrorText)"); log:\n\(w.logText())")
        let run = try #require(try w.store().recentRuns(limit: 1).first)
        #expect(run.command == "daemon")
        #expect(run.status == "succeeded")
        #expect(Set(try w.lastRun().values.map(\.status)) == [.imported])
        #expect(try w.lastRun().keys.sorted() == ["forloeb", "haendelser", "virksomheder"], "--run-now runs every source once")
        // Both scheduled sources fire at 02:00: the log names both, not one of them, and not
        // the source without a schedule.
        #expect(eventually(timeout: 10) {
            w.logText().split(separator: "\n").contains { $0.contains("\"event\":\"next_run\"") && $0.contains("\"sources\":\"forloeb,virksomheder\"") }
        }, "\(w.logText())")

        // A broken configuration on SIGHUP is refused, and the daemon keeps running.
        let good = try String(contentsOfFile: w.config, encoding: .utf8)
        try (good + "  - name: [broken\n").write(toFile: w.config, atomically: true, encoding: .utf8)
        kill(daemon.processIdentifier, SIGHUP)
        #expect(eventually(timeout: 10) { w.logText().contains("\"event\":\"config_reload_failed\"") })
        #expect(daemon.isRunning)
        // A good one is taken.
        try good.write(toFile: w.config, atomically: true, encoding: .utf8)
        kill(daemon.processIdentifier, SIGHUP)
        #expect(eventually(timeout: 10) { w.logText().contains("\"event\":\"config_reloaded\"") })

        // SIGTERM: a prompt, clean exit.
        kill(daemon.processIdentifier, SIGTERM)
        #expect(daemon.waitForExit(timeout: 10))
        #expect(daemon.terminationStatus == 0)
        #expect(daemon.terminationReason == .exit)
        #expect(w.logText().contains("\"event\":\"daemon_stopped\""))
        // The store is consistent: every run finished; nothing half-imported.
        let runs = try w.store().recentRuns(limit: 10)
        #expect(runs.count == 1 && runs.allSatisfy { $0.finishedAt != nil })
        #expect(try w.store().eventCount() > 0)
        // The daemon let go of the lock: a run can take it.
        #expect(try w.run().status == 0)
    }

    /// At start, a source that missed a firing since its last success runs at once; one whose
    /// next firing is still ahead waits for it (docs/operations.md, `trin daemon`).
    @Test func atStartOnlyASourceThatMissedAFiringRuns() throws {
        let w = try RunWorkspace()
        let forloeb = try #require(w.files("forloeb").first)
        // A daily firing twelve hours from now (Danish time): none falls inside the test.
        var danish = Calendar(identifier: .gregorian)
        danish.timeZone = try #require(TimeZone(identifier: "Europe/Copenhagen"))
        let schedule = "0 \((danish.component(.hour, from: Date()) + 12) % 24) * * *"
        try w.writeConfig([
            .init(name: "late", url: "file://\(w.exports)/\(forloeb)", mapping: "forloeb", schedule: schedule),
            .init(name: "recent", url: "file://\(w.exports)/virksomheder.csv", mapping: "virksomheder", schedule: schedule),
        ])
        try #require(try w.run().status == 0)
        // `late` last succeeded two days ago: a firing was missed since.
        let twoDaysAgo = Int64(Date().timeIntervalSince1970) - 2 * 86_400
        let queue = try DatabaseQueue(path: w.storePath)
        try queue.write { try $0.execute(sql: "UPDATE fetch_state SET last_success_at = ? WHERE source = 'late'", arguments: [twoDaysAgo]) }
        try queue.close()

        let daemon = try TrinBinary.start(["daemon", "--config", w.config])
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        #expect(eventually(timeout: 20) { (try? w.store().recentRuns(limit: 1).first?.command) == "daemon" },
                "no daemon run; log:\n\(w.logText().suffix(1500))")
        #expect(eventually(timeout: 10) { (try? w.store().recentRuns(limit: 1).first?.finishedAt) != nil })
        #expect(Set(try w.lastRun().keys) == ["late"])
        kill(daemon.processIdentifier, SIGTERM)
        #expect(daemon.waitForExit(timeout: 10))
        // `recent` was not run: one daemon run, of `late` alone.
        #expect(try w.store().recentRuns(limit: 10).filter { $0.command == "daemon" }.count == 1)
    }

    @Test func checkConfigNamesEveryProblemWithFileAndLine() throws {
        let w = try RunWorkspace(citizens: 0)
        // A mapping with an unknown key on line 3.
        let badMapping = w.dir + "/bad-mapping.yaml"
        try "mapping: bad\nrecord: event\nnonsense: 1\n".write(toFile: badMapping, atomically: true, encoding: .utf8)
        let text = """
            store: store/trin.sqlite
            keyFile: key
            output: out
            sources:
              - name: a
                url: "http://user:pa55word@127.0.0.1:1/x-{date:yyyy-QQ}.csv?api_key=S3CRET"
                mapping: \(RunWorkspace.mappings)/forloeb.yaml
                schedule: "61 * * * *"
              - name: b
                url: "http://127.0.0.1:1/b.csv"
                mapping: \(badMapping)
                auth: { bearerTokenFile: missing-token }

            """
        try text.write(toFile: w.config, atomically: true, encoding: .utf8)
        let result = try TrinBinary.run(["check-config", "--config", w.config])
        #expect(result.status == 2, "\(result.output)")
        let out = result.stderr
        #expect(out.contains("\(w.config):5:") && out.contains("minute"))        // schedule of source a
        #expect(out.contains("\(w.config):5:") && out.contains("QQ"))            // URL template of source a
        #expect(!result.output.contains("pa55word") && !result.output.contains("S3CRET"), "the URL's secrets are never printed")
        #expect(out.contains("\(badMapping):3:") && out.contains("nonsense"))    // the mapping, its line
        #expect(out.contains("\(w.config):9:") && out.contains("missing-token")) // secret file of source b
        #expect(out.contains("4 problems"))
        // `trin run` refuses the same configuration with exit 2 before fetching.
        let run = try w.run()
        #expect(run.status == 2)
        #expect(run.stderr.contains("\(badMapping):3:"))

        // A syntax error in the configuration itself: its line.
        try "store: x\nkeyFile: key\noutput: out\nsources: [\n".write(toFile: w.config, atomically: true, encoding: .utf8)
        let broken = try TrinBinary.run(["check-config", "--config", w.config])
        #expect(broken.status == 2)
        #expect(broken.stderr.contains("\(w.config):"))
    }

    @Test func checkConfigAcceptsAGoodConfigurationAndChecksTheKey() throws {
        let w = try RunWorkspace()
        try "token\n".write(toFile: w.dir + "/token", atomically: true, encoding: .utf8)
        try w.writeConfig([
            .init(name: "forloeb", url: "https://example.invalid/forloeb-{date:yyyy-MM-dd}.csv", mapping: "forloeb",
                  schedule: "30 2 * * mon-fri", extra: "    auth: { bearerTokenFile: token }\n"),
            .init(name: "virksomheder", url: "file://\(w.exports)/virksomheder.csv", mapping: "virksomheder"),
        ])
        let ok = try TrinBinary.run(["check-config", "--config", w.config])
        #expect(ok.status == 0, "\(ok.output)")
        #expect(ok.stdout.contains("forloeb") && ok.stdout.contains("02:30"))
        // Nothing was fetched or created.
        #expect(!FileManager.default.fileExists(atPath: w.storePath))
        // A key readable by others is a problem.
        chmod(w.key, 0o644)
        let open = try TrinBinary.run(["check-config", "--config", w.config])
        #expect(open.status == 2)
        #expect(open.stderr.contains("chmod 600"))
        chmod(w.key, 0o600)
        #expect(ok.stdout.contains("store \(w.storePath): made at the first run"), "\(ok.stdout)")
    }

    /// A key file replaced or restored from the wrong backup: every run would be refused, so
    /// the check says so, as it does for a server store.
    @Test func checkConfigRefusesAKeyTheStoreWasNotMadeWith() throws {
        let w = try RunWorkspace()
        let file = try #require(w.files("forloeb").first)
        try w.writeConfig([.init(name: "forloeb", url: "file://\(w.exports)/\(file)", mapping: "forloeb")])
        let before = try TrinBinary.run(["check-config", "--config", w.config])
        #expect(before.status == 0 && before.stdout.contains("made at the first run"), "\(before.output)")
        #expect(try w.run().status == 0)
        let same = try TrinBinary.run(["check-config", "--config", w.config])
        #expect(same.status == 0 && same.stdout.contains("matches"), "\(same.output)")

        let other = w.dir + "/other.key"
        try #require(try TrinBinary.run(["keygen", other]).status == 0)
        let wrong = try TrinBinary.run(["check-config", "--config", w.config, "--key", other])
        #expect(wrong.status == 2, "\(wrong.output)")
        #expect(wrong.stderr.contains("its pseudonyms were made with key") && wrong.stderr.contains("every run would be refused"),
                "\(wrong.stderr)")
        // And the run it foretells is refused as it says.
        #expect(try w.run(["--key", other]).status == 2)

        // A store that can never be one is a problem too, as the run would fail on it (exit 4).
        let folder = try TrinBinary.run(["check-config", "--config", w.config, "--store", w.dir])
        #expect(folder.status == 2 && folder.stderr.contains("a folder, not a store file"), "\(folder.output)")
        let notADatabase = try TrinBinary.run(["check-config", "--config", w.config, "--store", w.key])
        #expect(notADatabase.status == 2 && notADatabase.stderr.contains("not a database"), "\(notADatabase.output)")
    }

    /// check-config reads an existing store without changing it (not a byte, no file made
    /// beside it), and says what a run would meet: a schema a newer trin wrote is a problem
    /// (every run would be refused); a store an older trin left in WAL mode is not read.
    @Test func checkConfigLeavesTheStoreAsItIsAndForetellsANewerSchema() throws {
        let w = try RunWorkspace()
        let file = try #require(w.files("forloeb").first)
        try w.writeConfig([.init(name: "forloeb", url: "file://\(w.exports)/\(file)", mapping: "forloeb")])
        #expect(try w.run().status == 0)
        let folder = URL(fileURLWithPath: w.storePath).deletingLastPathComponent().path
        func snapshot() throws -> [String: Data] {
            var files: [String: Data] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name.hasPrefix(URL(fileURLWithPath: w.storePath).lastPathComponent) {
                files[name] = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
            }
            return files
        }
        let before = try snapshot()
        let ok = try TrinBinary.run(["check-config", "--config", w.config])
        #expect(ok.status == 0 && ok.stdout.contains("matches"), "\(ok.output)")
        #expect(try snapshot() == before, "check-config changed the store or made a file beside it")

        try DatabaseQueue(path: w.storePath).write { try $0.execute(sql: "INSERT INTO grdb_migrations(identifier) VALUES ('v99')") }
        let newer = try TrinBinary.run(["check-config", "--config", w.config])
        #expect(newer.status == 2 && newer.stderr.contains("newer than this trin knows"), "\(newer.output)")
        #expect(try w.run().status == 4, "the run it foretells is refused")
        try DatabaseQueue(path: w.storePath).write { try $0.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v99'") }

        _ = try DatabaseQueue(path: w.storePath).writeWithoutTransaction { try String.fetchOne($0, sql: "PRAGMA journal_mode = WAL") }
        let wal = try snapshot()
        let inWAL = try TrinBinary.run(["check-config", "--config", w.config])
        #expect(inWAL.status == 0 && inWAL.stdout.contains("key not checked (it is in an older trin's WAL mode"), "\(inWAL.output)")
        #expect(try snapshot() == wal)
        #expect(try w.run().status == 0)
        let converted = try TrinBinary.run(["check-config", "--config", w.config])
        #expect(converted.status == 0 && converted.stdout.contains("matches"), "\(converted.output)")

        // A store whose import was cut off after SQLite began writing into it: its journal is
        // hot, and only the next writer may roll it back. The files copied mid-transaction
        // are what a crash leaves.
        let crashed = w.dir + "/crashed.sqlite"
        try DatabaseQueue(path: w.storePath).writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA cache_size = 1")
            try db.execute(sql: "BEGIN IMMEDIATE")
            for i in 0..<2000 {
                try db.execute(sql: "INSERT INTO meta(key, value) VALUES (?, ?)", arguments: ["filler\(i)", String(repeating: "x", count: 500)])
            }
            try FileManager.default.copyItem(atPath: w.storePath, toPath: crashed)
            try FileManager.default.copyItem(atPath: w.storePath + "-journal", toPath: crashed + "-journal")
            try db.execute(sql: "ROLLBACK")
        }
        let journal = try Data(contentsOf: URL(fileURLWithPath: crashed + "-journal"))
        try #require(journal.prefix(8).contains { $0 != 0 }, "the journal's header is written: SQLite would roll it back")
        let hot = try TrinBinary.run(["check-config", "--config", w.config, "--store", crashed])
        #expect(hot.status == 0 && hot.stdout.contains("key not checked (an interrupted import's journal"), "\(hot.output)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: crashed + "-journal")) == journal, "left for the next run to roll back")

        // A store a run holds locked as it commits: check-config waits (5 s), then says so.
        try DatabaseQueue(path: w.storePath).writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN EXCLUSIVE")
            let busy = try TrinBinary.run(["check-config", "--config", w.config])
            try db.execute(sql: "ROLLBACK")
            #expect(busy.status == 0 && busy.stdout.contains("key not checked (a run is writing it)"), "\(busy.output)")
        }
    }

    /// A store in a folder that does not exist: the message says so, not that a lock file
    /// could not be opened.
    @Test func aStoreInAMissingFolderIsNamedAsSuch() throws {
        let w = try RunWorkspace()
        let file = try #require(w.files("forloeb").first)
        try w.writeConfig([.init(name: "forloeb", url: "file://\(w.exports)/\(file)", mapping: "forloeb")])
        let missing = w.dir + "/no-such-folder/trin.sqlite"
        let r = try w.run(["--store", missing])
        #expect(r.status == 2, "\(r.output)")
        #expect(r.stderr.contains("the store's folder \(w.dir)/no-such-folder does not exist"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: w.dir + "/no-such-folder"))
    }

    @Test func theExampleConfigurationLoadsWithItsMappings() throws {
        let loaded = try LoadedConfiguration.load(path: TrinBinary.repositoryRoot + "/examples/trin.yaml", environment: [:])
        #expect(loaded.sources.map(\.name) == ["forloeb", "haendelser", "virksomheder"])
        #expect(loaded.schedules.count == 3)
        #expect(loaded.mappings["haendelser"]?.name == "haendelser")
        #expect(loaded.configuration.unitName == "Socialøkonomisk enhed, Jobcenter Slagelse")
        #expect(loaded.configuration.asOf == nil)
        #expect(loaded.configuration.retention == Retention(rejectedRowDays: 90, runDays: 730, eventDays: nil))
    }

    @Test func publicationAsOfIsADateOrAClearError() throws {
        let dir = TrinBinary.temporaryDirectory("trin-config-asof")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let base = "store: s.sqlite\nkeyFile: k\noutput: out\n"
        try (base + "publication:\n  unit: Enheden\n  asOf: 2025-12-31\n").write(toFile: dir + "/good.yaml", atomically: true, encoding: .utf8)
        let good = try Configuration.load(path: dir + "/good.yaml", environment: [:])
        #expect(good.unitName == "Enheden" && good.asOf == Day(iso: "2025-12-31"))
        try (base + "publication:\n  asOf: 31-12-2025\n").write(toFile: dir + "/bad.yaml", atomically: true, encoding: .utf8)
        #expect(throws: ConfigurationError.self) { try Configuration.load(path: dir + "/bad.yaml", environment: [:]) }
        do { _ = try Configuration.load(path: dir + "/bad.yaml", environment: [:]) } catch {
            #expect("\(error)".contains("asOf") && "\(error)".contains("bad.yaml"))
        }
    }
}

/// A shutdown is not held up by a source that is waiting to retry.
@Suite(.serialized) struct DaemonShutdownDuringRetryTests {
    @Test func sigtermCutsARetryDelayShort() throws {
        let w = try RunWorkspace(citizens: 0, label: "trin-daemon-retry")
        // A port nobody listens on: every attempt is refused and retried after 60 s.
        let socket = try LoopbackListener()
        let port = socket.port
        socket.stop()
        try """
            store: store/trin.sqlite
            keyFile: key
            output: out
            log: logs/import.log
            sources:
              - name: forloeb
                url: "http://127.0.0.1:\(port)/forloeb.csv"
                mapping: \(RunWorkspace.mappings)/forloeb.yaml
                schedule: "0 2 * * *"
                retry: { attempts: 5, baseDelay: 60, maxDelay: 300 }
            """.write(toFile: w.config, atomically: true, encoding: .utf8)
        let daemon = try TrinBinary.start(["daemon", "--config", w.config, "--run-now"])
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        #expect(eventually(timeout: 20) { w.logText().contains("retrying fetch") })
        let signalled = Date()
        kill(daemon.processIdentifier, SIGTERM)
        #expect(daemon.waitForExit(timeout: 10))
        #expect(Date().timeIntervalSince(signalled) < 5, "the daemon waited out the retry delay")
        #expect(daemon.terminationStatus == 0)
        #expect(w.logText().contains("no more retries: shutting down"))
        let runs = try w.store().recentRuns(limit: 5)
        #expect(runs.count == 1 && runs.allSatisfy { $0.finishedAt != nil })
    }
}
