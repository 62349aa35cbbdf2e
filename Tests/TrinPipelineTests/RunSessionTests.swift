import Foundation
import Synchronization
import Logging
import Testing
import TrinCore
import TrinMapping
import TrinMetrics
import TrinService
import TrinPseudonym
import TrinStore
import TrinTestSupport

/// The front door of a run, driven in process: what `trin run` and `trin import` do, with
/// no process spawned (the binary tests keep the command line honest).
@Suite struct RunSessionTests {
    @Test func aPassImportsPublishesWritesTheTextfileAndFinishesTheRun() throws {
        let w = try RunWorkspace(citizens: 40, seed: 12, label: "trin-session")
        let file = try #require(w.files("forloeb").first)
        try w.writeConfig([
            .init(name: "forloeb", url: "file://\(w.exports)/\(file)", mapping: "forloeb"),
            .init(name: "virksomheder", url: "file://\(w.exports)/virksomheder.csv", mapping: "virksomheder"),
        ])
        let loaded = try LoadedConfiguration.load(path: w.config)
        let key = try PseudonymKey.load(path: loaded.configuration.keyFile)
        let session = try RunSession.open(store: .sqlite(path: w.storePath), key: key, logPath: w.log, command: "run", consoleLevel: .critical,
                                          locking: .forTheSession(wait: false))
        defer { session.close() }
        let result = try #require(try session.pass(loaded, sources: loaded.sources, dryRun: false))
        #expect(result.succeeded && result.outputFailures.isEmpty)
        #expect(result.outcomes.map(\.status) == [.imported, .imported])
        #expect(try session.store.recentRuns(limit: 1).first?.status == "succeeded")
        #expect(FileManager.default.fileExists(atPath: w.dir + "/out/current/manifest.json"))
        // When the data last changed: the latest record time of the store, read with the figures.
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: w.dir + "/out/current/manifest.json")))
        let changed = try #require((manifest as? [String: Any])?["dataChangedAt"] as? String)
        var latest = Instant(secondsSinceEpoch: 0)
        try session.store.forEachCitizen { for r in $0 where r.recordedAt > latest { latest = r.recordedAt } }
        #expect(changed == latest.description)
        #expect(try String(contentsOfFile: w.prometheus, encoding: .utf8).contains("trin_last_run_ok 1"))
        // The same pass again: nothing new, the set kept, the run still a success.
        let again = try #require(try session.pass(loaded, sources: loaded.sources, dryRun: false))
        #expect(again.succeeded && again.outcomes.map(\.status) == [.unchanged, .unchanged])
        #expect(w.logText().contains("\"event\":\"metrics_unchanged\""))
    }

    /// A run that changed the store but no figure keeps the current set (at the real size most
    /// changes are such: versions of records that differ in no counted field, a purge of
    /// records of kept years); a run that changed a figure publishes.
    @Test func aRunWhoseChangesMoveNoFigureKeepsTheCurrentSet() throws {
        let w = try RunWorkspace(citizens: 40, seed: 14, label: "trin-same-figures")
        let files = w.files("forloeb")
        try #require(files.count >= 2)
        // The first export again from a source named later, each row under another id of the
        // source's own: every record is replaced by a greater version (the source's name decides
        // between versions of one time), and no figure counts either.
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: w.exports + "/" + files[0])))
        var again: [UInt8] = []
        var i = 0
        while i < original.count {
            if original[i...].starts(with: Array(";F-20".utf8)) {
                again += Array(";G-20".utf8)
                i += 5
            } else {
                again.append(original[i])
                i += 1
            }
        }
        try Data(again).write(to: URL(fileURLWithPath: w.exports + "/again.csv"))
        let key = try PseudonymKey.load(path: w.key)
        let session = try RunSession.open(store: .sqlite(path: w.storePath), key: key, logPath: w.log, command: "run", consoleLevel: .critical,
                                          locking: .forTheSession(wait: false))
        defer { session.close() }
        // One source per file: a file:// export of the same modification time under the same
        // source name would be unchanged to the conditional fetch.
        func pass(_ file: String, source: String) throws -> RunResult {
            try w.writeConfig([.init(name: source, url: "file://\(w.exports)/\(file)", mapping: "forloeb")])
            let loaded = try LoadedConfiguration.load(path: w.config)
            return try #require(try session.pass(loaded, sources: loaded.sources, dryRun: false))
        }
        func current() throws -> String { try FileManager.default.destinationOfSymbolicLink(atPath: w.dir + "/out/current") }
        func lastMetricsLine() -> String {
            w.logText().split(separator: "\n").last { $0.contains("\"event\":\"metrics_") }.map(String.init) ?? ""
        }
        #expect(try pass(files[0], source: "a-first").succeeded)
        let first = try current()
        let versionBefore = try session.store.contentVersion()
        let replaced = try pass("again.csv", source: "b-again")
        #expect(replaced.succeeded && replaced.outcomes.first?.inserted == 0 && (replaced.outcomes.first?.updated ?? 0) > 0, "\(replaced.outcomes.map { "\($0.status) \($0.message ?? "") read=\($0.rowsRead) new=\($0.inserted) upd=\($0.updated) same=\($0.duplicates)" })")
        #expect(try session.store.contentVersion() > versionBefore, "the store changed")
        #expect(try current() == first)
        #expect(lastMetricsLine().contains("\"event\":\"metrics_unchanged\"") && lastMetricsLine().contains("\"recomputed\":true"),
                "\(lastMetricsLine())")
        // Nothing changed since: kept without computing.
        #expect(try pass("again.csv", source: "b-again").succeeded)
        #expect(lastMetricsLine().contains("\"recomputed\":false"), "\(lastMetricsLine())")
        // A source that fails (no year may be kept in that run), and its recovery the run after,
        // change nothing a set holds: the set stays.
        let failed = try pass("no-such-export.csv", source: "b-again")
        #expect(!failed.succeeded)
        #expect(try current() == first)
        #expect(lastMetricsLine().contains("\"event\":\"metrics_unchanged\""), "\(lastMetricsLine())")
        #expect(try pass("again.csv", source: "b-again").succeeded)
        #expect(try current() == first)
        #expect(lastMetricsLine().contains("\"event\":\"metrics_unchanged\""), "\(lastMetricsLine())")
        // New records move figures: a new set.
        #expect(try pass(files[1], source: "c-second").succeeded)
        #expect(try current() != first)
        #expect(lastMetricsLine().contains("\"event\":\"metrics_published\""), "\(lastMetricsLine())")
    }

    @Test func importFilesRecordsOneRunAndADryRunKeepsNothing() throws {
        let w = try RunWorkspace(citizens: 40, seed: 13, label: "trin-session-import")
        let file = w.exports + "/" + (try #require(w.files("forloeb").first))
        let key = try PseudonymKey(bytes: Array(repeating: 9, count: 32))
        let mapping = try MappingLoader.load(path: RunWorkspace.mappings + "/forloeb.yaml")
        let session = try RunSession.open(store: .sqlite(path: w.storePath), key: key, logPath: nil, command: "import", consoleLevel: .critical,
                                          locking: .forTheSession(wait: false))
        defer { session.close() }
        let dry = try session.importFiles([file], mapping: mapping, source: nil, dryRun: true)
        #expect(dry.outcomes.first?.status == .dryRun && (dry.outcomes.first?.inserted ?? 0) > 0)
        #expect(try session.store.eventCount() == 0)
        let real = try session.importFiles([file], mapping: mapping, source: nil, dryRun: false)
        #expect(real.status == .succeeded && real.outcomes.first?.inserted == dry.outcomes.first?.inserted)
        #expect(try session.store.eventCount() == real.outcomes.first?.inserted)
        #expect(try session.store.recentRuns(limit: 5).map(\.status) == ["succeeded", "succeeded"])
    }

    @Test func aCommandsSessionHoldsTheLockUntilClosedAndTheDaemonsWaitsPerPass() throws {
        let w = try RunWorkspace(citizens: 20, seed: 14, label: "trin-session-lock")
        let file = try #require(w.files("forloeb").first)
        try w.writeConfig([.init(name: "forloeb", url: "file://\(w.exports)/\(file)", mapping: "forloeb")])
        let loaded = try LoadedConfiguration.load(path: w.config)
        let key = try PseudonymKey.load(path: loaded.configuration.keyFile)
        let first = try RunSession.open(store: .sqlite(path: w.storePath), key: key, logPath: nil, command: "run", consoleLevel: .critical,
                                        locking: .forTheSession(wait: false))
        // A second command is refused at once, naming the holder, before it opens anything.
        #expect {
            _ = try RunSession.open(store: .sqlite(path: w.storePath), key: key, logPath: w.log, command: "run", consoleLevel: .critical,
                                    locking: .forTheSession(wait: false))
        } throws: { error in
            guard case .locked(.held(_, let pid))? = error as? RunSessionError else { return false }
            return pid == getpid()
        }
        #expect(!FileManager.default.fileExists(atPath: w.log))
        #expect {
            _ = try RunSession.openExisting(store: .sqlite(path: w.storePath), command: "metrics", wait: false)
        } throws: { error in
            if case .locked(.held)? = error as? RunSessionError { return true } else { return false }
        }
        // The daemon's session opens, but its pass waits for the lock and gives up when told to stop.
        let daemon = try RunSession.open(store: .sqlite(path: w.storePath), key: key, logPath: nil, command: "daemon", consoleLevel: .critical,
                                         locking: .perPass)
        let asked = Mutex(0)
        let stopped = try daemon.pass(loaded, sources: loaded.sources, dryRun: false, shouldStop: {
            asked.withLock { $0 += 1; return $0 > 1 }
        })
        #expect(stopped == nil)
        #expect(try daemon.store.recentRuns(limit: 1).isEmpty)
        first.close()
        // A closed session no longer holds the lock: it refuses to run rather than run without it.
        #expect { _ = try first.pass(loaded, sources: loaded.sources, dryRun: false) } throws: { error in
            if case .closed? = error as? RunSessionError { return true } else { return false }
        }
        let result = try #require(try daemon.pass(loaded, sources: loaded.sources, dryRun: false))
        #expect(result.succeeded && result.outcomes.map(\.status) == [.imported])
        // The pass let go of the lock: a command takes it at once.
        let next = try RunSession.open(store: .sqlite(path: w.storePath), key: key, logPath: nil, command: "run", consoleLevel: .critical,
                                       locking: .forTheSession(wait: false))
        next.close()
        // A session opened for publishing has no key: it cannot import.
        let publishing = try RunSession.openExisting(store: .sqlite(path: w.storePath), command: "metrics", wait: false)
        defer { publishing.close() }
        #expect(throws: RunSessionError.self) { _ = try publishing.pass(loaded, sources: loaded.sources, dryRun: false) }
    }
}

/// What a metric set says about its data: when it last changed at the source.
@Suite struct DataChangedAtTests {
    /// The latest record time of every stored record, read with the figures: here on a
    /// citizen in the second half of the pseudonyms (the second reader's), in a record that
    /// starts after the as-of date (no figure counts it; the data still changed then).
    @Test func theSetSaysWhenAnyStoredRecordLastChanged() throws {
        let dir = NSTemporaryDirectory() + "trin-changed-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: dir + "/trin.sqlite")
        var records = (0..<60).map { i in record(UInt64(i) << 58, .praktik, "2024-03-01", recordedAt: 1_700_000_000 + Int64(i)) }
        records.append(record(0xF0 << 56, .job, "2026-12-15", recordedAt: 1_800_000_000))
        try store.importRecords(records)
        _ = try MetricsJob.publish(store: store, k: 5, policy: ReleasePolicy(asOf: try #require(Day(iso: "2026-11-30"))), unitName: "Test",
                                   outputDirectory: dir + "/out", runID: "r1")
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/out/current/manifest.json")))
        #expect((manifest as? [String: Any])?["dataChangedAt"] as? String == Instant(secondsSinceEpoch: 1_800_000_000).description)
    }
}

/// What the publishing stage refuses to republish, whoever calls it: an open year, and any
/// year while retention deletes records (its kept figures would be replaced by figures
/// computed without them). Nothing is published then.
@Suite struct RepublicationRulesTests {
    @Test func anOpenYearAndAnyYearWhileRetentionDeletesRecordsAreNotRepublished() throws {
        let dir = NSTemporaryDirectory() + "trin-republish-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: dir + "/trin.sqlite")
        let policy = ReleasePolicy(asOf: try #require(Day(iso: "2026-11-30")))
        let now = Instant(secondsSinceEpoch: 1_796_000_000)  // 2026-11-30, 01:53 Danish time
        func publish(_ year: Int, retention: Retention?) throws {
            _ = try MetricsJob.publish(store: store, k: 5, policy: policy, unitName: "Test", outputDirectory: dir + "/out", runID: "r",
                                       publishedAt: now, republish: [year], retention: retention)
        }
        func refusal(_ year: Int, retention: Retention?) -> String? {
            do { try publish(year, retention: retention); return nil } catch let e as MetricsJobError {
                guard case .cannotRepublish(let y, _) = e, y == year else { return "other: \(e)" }
                return "\(e)"
            } catch { return "other: \(error)" }
        }
        #expect(refusal(2026, retention: nil)?.contains("only a closed year can be republished; as of 2026-11-30, 2026 is open") == true)
        // While retention deletes old records, no year is republished: a year's figures depend
        // on earlier years' records too (a citizen's first job), whatever the cutoff.
        for retention in [Retention(eventDays: 4 * 365), Retention(eventDays: 40 * 365)] {
            for year in [2021, 2022, 2023] {
                #expect(refusal(year, retention: retention)?.contains("retention (`retention.events`) deletes old records, and \(year)'s figures depend on") == true)
            }
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/out/current"), "nothing was published")
        // Retention of rejected rows and runs alone deletes no record.
        #expect(refusal(2022, retention: Retention(rejectedRowDays: 30, runDays: 365)) == nil)
        #expect(refusal(2022, retention: nil) == nil)
        #expect(FileManager.default.fileExists(atPath: dir + "/out/current"))
    }
}
