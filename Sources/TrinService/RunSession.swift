public import Logging
import TrinCore
public import TrinMapping
public import TrinPseudonym
public import TrinStore
public import TrinImport

/// The one way into a run, for `trin run`, `trin import` and each daemon pass alike: the
/// opened store, importer and log, the run's bookkeeping (begin, finish, status), the pass
/// over sources, and what every run ends with (retention, the metric set, the Prometheus
/// textfile). The command line only parses, opens a session, calls it and maps the result
/// to an exit code; tests drive a whole run in process the same way.
///
/// The caller holds the run lock (`RunLock`) while it calls `pass` or `importFiles`: the
/// command line for the whole command, the daemon for each pass.
public struct RunSession: Sendable {
    public let store: Store
    public var importer: Importer
    public let logger: Logger
    /// The JSON-lines log, when one is configured (a line it could not write fails the run).
    public let logFile: JSONLinesLogHandler?
    /// The command recorded with each run (`run`, `import`, `daemon`).
    public let command: String

    /// Opens the store (creating it), binds it to the key, and opens the log: JSON lines at
    /// `logPath` when given, and human-readable lines on standard error from `consoleLevel` up.
    public static func open(storePath: String, key: PseudonymKey, logPath: String?, command: String,
                            consoleLevel: Logger.Level = .error) throws(RunSessionError) -> RunSession {
        var handlers: [any LogHandler] = []
        var console = StreamLogHandler.standardError(label: "trin")
        console.logLevel = consoleLevel
        handlers.append(console)
        var logFile: JSONLinesLogHandler?
        if let logPath {
            do {
                let opened = try JSONLinesLogHandler.open(path: logPath)
                handlers.append(opened)
                logFile = opened
            } catch {
                throw .cannotOpenLog(path: logPath, message: "\(error)")
            }
        }
        let logger = Logger(label: "trin", factory: { _ in MultiplexLogHandler(handlers) })
        do {
            let store = try Store(path: storePath)
            let importer = try Importer(store: store, pseudonymiser: Pseudonymiser(key: key), logger: logger)
            return RunSession(store: store, importer: importer, logger: logger, logFile: logFile, command: command)
        } catch {
            throw .store(error)
        }
    }

    /// Records the start of a run.
    public func beginRun(dryRun: Bool) throws(StoreError) -> Int64 {
        let id = try store.beginRun(command: command, startedAt: SystemClock.nowInstant(), dryRun: dryRun)
        logger.info("run started", metadata: ["event": "run_started", "run": "\(id)", "command": "\(command)", "dry_run": "\(dryRun)"])
        return id
    }

    /// Records the end of a run with its status.
    public func finishRun(id: Int64, status: RunStatus) throws(StoreError) {
        try store.finishRun(id: id, finishedAt: SystemClock.nowInstant(), status: status)
        logger.info("run finished", metadata: ["event": "run_finished", "run": "\(id)", "status": "\(status.rawValue)"])
    }

    /// `trin import`: one run over export files given by hand, each in its own transaction.
    /// A log line that could not be written makes the run partial.
    public func importFiles(_ files: [String], mapping: Mapping, source: String?, dryRun: Bool) throws(StoreError) -> RunResult {
        let runID = try beginRun(dryRun: dryRun)
        let outcomes = files.map { importer.importFile(path: $0, mapping: mapping, source: source, runID: runID, commit: !dryRun) }
        var result = RunResult(runID: runID, dryRun: dryRun, outcomes: outcomes, status: RunStatus(outcomes: outcomes), notAttempted: [])
        if let failure = logFile?.takeWriteFailure() {
            result.outputFailures = [failure]
            if result.status == .succeeded { result.status = .partial }
        }
        try finishRun(id: runID, status: result.status)
        return result
    }

    /// `trin run` and each daemon pass: fetch and import the sources, then (unless a dry run)
    /// apply retention, publish the metric set and write the textfile (`RunOutputs`).
    public func pass(_ loaded: LoadedConfiguration, sources: [SourceConfig], dryRun: Bool,
                     shouldStop: @escaping @Sendable () -> Bool = { false }) throws -> RunResult {
        let runner = Runner(store: store, importer: importer, logger: logger)
        let result = try runner.pass(loaded, sources: sources, command: command + (dryRun && command == "run" ? " --dry-run" : ""),
                                     dryRun: dryRun, shouldStop: shouldStop)
        return dryRun ? result : RunOutputs.afterPass(loaded, store, result, logger, logFile: logFile)
    }

    /// The sources whose schedule fired since their last success.
    public func dueSources(_ loaded: LoadedConfiguration) throws -> [SourceConfig] {
        try Runner(store: store, importer: importer, logger: logger).dueSources(loaded, at: SystemClock.nowInstant())
    }
}

/// Why a session could not be opened.
public enum RunSessionError: Error, Sendable, CustomStringConvertible {
    case cannotOpenLog(path: String, message: String)
    case store(StoreError)

    public var description: String {
        switch self {
        case .cannotOpenLog(let path, let message): "cannot open log \(path): \(message)"
        case .store(let error): "\(error)"
        }
    }
}
