import Foundation
import TrinFetch
import Testing
import TrinDisclosure
import TrinService
import TrinSample
import TrinStore
import TrinTestSupport
import TrinMetrics

/// `kill -9` in the middle of a run, and two runs at once.
@Suite(.serialized) struct RunCrashAndLockTests {
    /// A workspace with one large forloeb export as a file:// source.
    func largeWorkspace(rows: Int) throws -> (RunWorkspace, String) {
        let w = try RunWorkspace(citizens: 0, label: "trin-crash")
        let file = w.exports + "/forloeb-large.csv"
        try SampleGenerator.writeLargeForloeb(rows: rows, seed: 4, to: file)
        try w.writeConfig([.init(name: "large", url: "file://\(file)", mapping: "forloeb")])
        return (w, file)
    }

    @Test func killedRunsThenOneCompleteRunEqualACleanRun() throws {
        let (clean, _) = try largeWorkspace(rows: 40_000)
        let cleanStart = Date()
        #expect(try clean.run().status == 0)
        let cleanSeconds = Date().timeIntervalSince(cleanStart)
        let cleanDump = try clean.store().canonicalDump()
        let cleanCount = try clean.store().eventCount()
        #expect(cleanCount > 35_000)

        let (w, _) = try largeWorkspace(rows: 40_000)
        // Same key: pseudonyms must match for the stores to be comparable.
        try FileManager.default.removeItem(atPath: w.key)
        try FileManager.default.copyItem(atPath: clean.key, toPath: w.key)
        // Kill points by progress, not by wall clock, so that debug and release builds both
        // hit them: as the run starts, as the import starts, and halfway through the import.
        var killedMidRun = 0, journals = 0
        for (event, extra) in [("run_started", 0.0), ("source_fetched", 0.0), ("source_fetched", cleanSeconds * 0.5)] {
            func seen() -> Int { w.logText().components(separatedBy: "\"event\":\"\(event)\"").count - 1 }
            let before = seen()
            let p = try TrinBinary.start(["run", "--config", w.config])
            _ = eventually(timeout: 20) { seen() > before || !p.isRunning }
            usleep(UInt32(extra * 1_000_000))
            if p.isRunning {
                kill(p.processIdentifier, SIGKILL)
                killedMidRun += 1
            }
            #expect(p.waitForExit(timeout: 10))
            // check-config reads the store without touching a killed import's journal (rolling
            // it back is the next run's to do). A journal SQLite would roll back (its header's
            // magic written: the store file may hold the import's pages) leaves the key
            // unchecked; one it would not (the magic still zero: the store file is as it was)
            // is read past.
            let journal = w.storePath + "-journal"
            if let before = try? Data(contentsOf: URL(fileURLWithPath: journal)), !before.isEmpty {
                journals += 1
                let hot = before.prefix(8).contains { $0 != 0 }
                let check = try TrinBinary.run(["check-config", "--config", w.config])
                let said = hot ? "key not checked (an interrupted import's journal" : "matches"
                #expect(check.status == 0 && check.stdout.contains(said), "hot journal: \(hot); \(check.output)")
                #expect(try Data(contentsOf: URL(fileURLWithPath: journal)) == before)
            }
            // A file's records commit together or not at all.
            let count = try w.store().eventCount()
            #expect(count == 0 || count == cleanCount, "after a kill at \(event) + \(extra) s: \(count) events")
        }
        #expect(killedMidRun >= 2)  // the kills did interrupt runs
        #expect(journals >= 1)  // and one of them an import's transaction
        let final = try w.run()
        #expect(final.status == 0, "\(final.output)")
        #expect(try w.store().canonicalDump() == cleanDump)

        // Imported exactly once, whatever the kills interrupted; the fetch state says so.
        let imported = try w.allOutcomes().filter { $0.status == .imported }
        #expect(imported.count == 1, "\(imported)")
        #expect(try w.store().fetchState(source: "large")?.lastSuccessAt != nil)
        // No downloaded body was left behind.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: w.dir + "/store").filter { $0.hasPrefix(".trin-fetch-") }
        #expect(leftovers.isEmpty)
        // A further run changes nothing; it removes a body of its own store left behind, and
        // leaves alone one of another store in the same folder (its run may be fetching it).
        let ownPrefix = HTTPFetcher.temporaryPrefix(for: w.storePath)
        let own = w.dir + "/store/" + ownPrefix + "left00", unowned = w.dir + "/store/.trin-fetch-Ab12Cd"
        // Another store whose name starts like this one's (trin.sqlite-test beside trin.sqlite).
        let other = w.dir + "/store/" + HTTPFetcher.temporaryPrefix(for: w.storePath + "-test") + "busy00"
        #expect(!other.hasPrefix(w.dir + "/store/" + ownPrefix))
        for path in [own, unowned, other] { try "body".write(toFile: path, atomically: true, encoding: .utf8) }
        #expect(try w.run().status == 0)
        #expect(try w.lastRun()["large"]?.status == .unchanged)
        #expect(!FileManager.default.fileExists(atPath: own) && !FileManager.default.fileExists(atPath: unowned))
        #expect(FileManager.default.fileExists(atPath: other))
    }

    @Test func aSecondRunExitsWithCode3NamingTheLockAndItsHolderOrWaits() throws {
        let (w, _) = try largeWorkspace(rows: 2_000)
        // This process holds the lock, as a run in progress does.
        let lock = try RunLock.acquire(path: RunLock.path(forStore: w.storePath), wait: false)
        let second = try w.run()
        #expect(second.status == 3, "\(second.output)")
        #expect(second.stderr.contains(lock.path))
        #expect(second.stderr.contains("PID \(getpid())"))
        let waiting = try TrinBinary.start(["run", "--config", w.config, "--wait"])
        defer { if waiting.isRunning { kill(waiting.processIdentifier, SIGKILL) } }
        #expect(eventually(timeout: 30) { isWaitingForLock(pid: waiting.processIdentifier, path: lock.path) })
        // Waiting, it has recorded nothing.
        #expect(try w.store().recentRuns(limit: 1).isEmpty)
        lock.release()
        #expect(waiting.waitForExit(timeout: 60))
        #expect(waiting.terminationStatus == 0, "\(waiting.standardErrorText)")
        #expect(try w.allOutcomes().map(\.status) == [.imported])
        #expect(try w.store().eventCount() == 2_000)
    }

    @Test("trin report reads the whole store, so it waits for a run in progress (which its reading would hold up)")
    func reportWaitsForTheRunLock() throws {
        let w = try RunWorkspace(citizens: 80, label: "trin-report-lock")
        try w.writeConfig(["forloeb", "haendelser", "virksomheder"].compactMap { prefix in
            w.files(prefix).first.map { .init(name: prefix, url: "file://\(w.exports)/\($0)", mapping: prefix) }
        })
        #expect(try w.run().status == 0)
        let year = try #require(try MetricsJob.compute(store: w.store()).years.last)
        let out = w.dir + "/report.html"
        let lock = try RunLock.acquire(path: RunLock.path(forStore: w.storePath), wait: false)
        let report = try TrinBinary.start(["report", "--config", w.config, "--year", "\(year)", "--out", out])
        #expect(eventually(timeout: 30) { isWaitingForLock(pid: report.processIdentifier, path: lock.path) },
                "the report did not wait for the run lock")
        #expect(!FileManager.default.fileExists(atPath: out))
        lock.release()
        #expect(report.waitForExit(timeout: 30))
        #expect(report.terminationStatus == 0, "\(report.standardErrorText)")
        #expect(FileManager.default.fileExists(atPath: out))
    }

    @Test func sigtermLetsTheFileInProgressFinishAndStartsNoOther() throws {
        let w = try RunWorkspace(citizens: 0, label: "trin-term")
        for name in ["a", "b"] {
            try SampleGenerator.writeLargeForloeb(rows: 20_000, seed: name == "a" ? 5 : 6, to: w.exports + "/\(name).csv")
        }
        try w.writeConfig(["a", "b"].map { .init(name: $0, url: "file://\(w.exports)/\($0).csv", mapping: "forloeb") })
        let daemon = try TrinBinary.start(["daemon", "--config", w.config, "--run-now"])
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        // Wait until source a is being imported, then ask the daemon to stop.
        #expect(eventually(timeout: 20) { w.logText().contains("\"event\":\"source_fetched\"") })
        kill(daemon.processIdentifier, SIGTERM)
        #expect(daemon.waitForExit(timeout: 30))
        #expect(daemon.terminationStatus == 0)
        let run = try #require(try w.store().recentRuns(limit: 1).first)
        #expect(run.status == "interrupted")
        let outcomes = try w.lastRun()
        #expect(outcomes["a"]?.status == .imported)  // finished, committed
        #expect(outcomes["b"] == nil)                // never started
        #expect(try w.store().fetchState(source: "b") == nil)
        #expect(w.logText().contains("\"event\":\"run_interrupted\""))
    }
}
