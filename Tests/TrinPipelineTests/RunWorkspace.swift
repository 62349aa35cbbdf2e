import Foundation
import Testing
import Logging
import TrinPseudonym
import TrinSample
import TrinService
import TrinStore
import TrinTestSupport

/// A folder with generated exports, a key and a `trin.yaml`, for tests that run
/// `trin run` / `trin daemon` as processes.
struct RunWorkspace {
    let dir: String
    let exports: String
    let key: String
    let manifest: SampleManifest?
    var config: String { dir + "/trin.yaml" }
    var storePath: String { dir + "/store/trin.sqlite" }
    var log: String { dir + "/logs/import.log" }
    var prometheus: String { dir + "/prom/trin.prom" }
    static let mappings = TrinBinary.repositoryRoot + "/mappings"

    /// One source in the generated config.
    struct Source {
        var name: String
        var url: String
        var mapping: String
        var schedule: String? = nil
        var extra: String = ""
    }

    init(citizens: Int = 80, seed: UInt64 = 1, dirty: Double = 0, label: String = "trin-run") throws {
        dir = TrinBinary.temporaryDirectory(label)
        exports = dir + "/exports"
        manifest = citizens > 0
            ? try SampleGenerator(citizens: citizens, seed: seed, dirtyFraction: dirty).write(to: exports) : nil
        try FileManager.default.createDirectory(atPath: exports, withIntermediateDirectories: true)
        key = dir + "/key"
        for sub in ["store", "prom"] { try FileManager.default.createDirectory(atPath: dir + "/" + sub, withIntermediateDirectories: true) }
        try #require(try TrinBinary.run(["keygen", key]).status == 0)
    }

    /// The names of the generated files starting with `prefix`, sorted.
    func files(_ prefix: String) -> [String] {
        (manifest?.files.map(\.name) ?? []).filter { $0.hasPrefix(prefix) }.sorted()
    }

    /// Writes `trin.yaml` with these sources.
    func writeConfig(_ sources: [Source], to path: String? = nil) throws {
        var text = """
            # written by the test
            store: store/trin.sqlite
            keyFile: key
            output: out
            log: logs/import.log
            prometheus: prom/trin.prom
            sources:

            """
        for s in sources {
            text += "  - name: \(s.name)\n    url: \"\(s.url)\"\n    mapping: \(Self.mappings)/\(s.mapping).yaml\n"
            if let schedule = s.schedule { text += "    schedule: \"\(schedule)\"\n" }
            text += "    retry: { attempts: 3, baseDelay: 0.1, maxDelay: 1 }\n"
            if !s.extra.isEmpty { text += s.extra }
        }
        try text.write(toFile: path ?? config, atomically: true, encoding: .utf8)
    }

    func run(_ arguments: [String] = []) throws -> TrinBinary.Result {
        try TrinBinary.run(["run", "--config", config] + arguments)
    }

    func store() throws -> Store { try SQLiteStore(path: storePath) }

    /// `trin run` in process, through the front door the command uses (`RunSession`): for
    /// tests whose point is what a run does, not what the command prints or exits with.
    func runInProcess() throws -> RunResult {
        let loaded = try LoadedConfiguration.load(path: config)
        let session = try RunSession.open(store: .sqlite(path: loaded.configuration.store), key: try PseudonymKey.load(path: loaded.configuration.keyFile),
                                          logPath: loaded.configuration.log, command: "run", consoleLevel: .critical,
                                          locking: .forTheSession(wait: false))
        defer { session.close() }
        return try #require(try session.pass(loaded, sources: loaded.sources, dryRun: false))
    }

    /// Every file outcome of every run, oldest first.
    func allOutcomes() throws -> [FileOutcome] {
        let s = try store()
        return try s.recentRuns(limit: 1000).reversed().flatMap { try s.files(ofRun: $0.id) }
    }

    /// The outcomes of the most recent run, by source.
    func lastRun() throws -> [String: FileOutcome] {
        let s = try store()
        let run = try #require(try s.recentRuns(limit: 1).first)
        return Dictionary(try s.files(ofRun: run.id).map { ($0.source, $0) }, uniquingKeysWith: { a, _ in a })
    }

    func logText() -> String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
}

/// Waits until `condition` holds or `timeout` passes; returns whether it held.
func eventually(timeout: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let end = Date().addingTimeInterval(timeout)
    while Date() < end {
        if try condition() { return true }
        usleep(20_000)
    }
    return try condition()
}

/// Whether process `pid` is blocked waiting for the `flock` on `path`: the kernel lists a
/// blocked request in /proc/locks with "->" before it. A handshake, where a test would
/// otherwise sleep and hope the other process got that far.
func isWaitingForLock(pid: Int32, path: String) -> Bool {
    var info = stat()
    guard stat(path, &info) == 0, let locks = try? String(contentsOfFile: "/proc/locks", encoding: .utf8) else { return false }
    // "1: -> FLOCK  ADVISORY  WRITE 4321 fe:00:16221809 0 EOF": pid, then device:inode.
    return locks.split(separator: "\n").contains { line in
        let fields = line.split(separator: " ")
        guard fields.count >= 7, fields[1] == "->", fields[2] == "FLOCK", fields[5] == "\(pid)" else { return false }
        return fields[6].split(separator: ":").last == "\(info.st_ino)"
    }
}

extension Process {
    /// Waits for the process to end, up to `timeout` seconds; returns whether it ended.
    func waitForExit(timeout: Double) -> Bool {
        eventually(timeout: timeout) { !isRunning }
    }

    /// Everything the process wrote to standard error (after it ended).
    var standardErrorText: String {
        String(decoding: (standardError as! Pipe).fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }
}
