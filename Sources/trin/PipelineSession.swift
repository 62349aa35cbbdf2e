import ArgumentParser
import Logging
import TrinCore
import TrinPipeline
import TrinPseudonym
import TrinStore

/// The opened store, key and log of one command.
struct PipelineSession {
    let store: Store
    let importer: Importer
    let logger: Logger
    let command: String
    /// The JSON-lines log, when one is configured (to report lines it could not write).
    let logFile: JSONLinesLogHandler?

    /// Opens the session with a key already loaded (`loadKey`, before the lock is taken).
    /// `progress`: a progress line for long imports when standard error is a terminal.
    static func open(storePath: String, key: PseudonymKey, logPath: String?, command: String,
                     progress: Bool = true) throws -> PipelineSession {
        let (logger, logFile) = try makeLogger(logPath: logPath)
        do {
            let store = try Store(path: storePath)
            var importer = try Importer(store: store, pseudonymiser: Pseudonymiser(key: key), logger: logger)
            if progress, let line = ProgressLine.onTerminal() { importer.progress = { line.report($0) } }
            // For benchmarks (docs/benchmarks.md): the full path, every row decoded.
            if environment["TRIN_SKIP_KNOWN_ROWS"] == "0" { importer.skipsKnownRows = false }
            return PipelineSession(store: store, importer: importer, logger: logger, command: command, logFile: logFile)
        } catch {
            throw fail("\(error)", TrinExit.configuration)
        }
    }

    func beginRun(dryRun: Bool) throws -> Int64 {
        let id = try store.beginRun(command: command, startedAt: wallClock(), dryRun: dryRun)
        logger.info("run started", metadata: ["event": "run_started", "run": "\(id)", "command": "\(command)", "dry_run": "\(dryRun)"])
        return id
    }

    func finishRun(id: Int64, status: RunStatus) throws {
        try store.finishRun(id: id, finishedAt: wallClock(), status: status)
        logger.info("run finished", metadata: ["event": "run_finished", "run": "\(id)", "status": "\(status.rawValue)"])
    }
}

/// Console logs are human-readable (stderr); with a log path, JSON lines go there too.
func makeLogger(logPath: String?) throws -> (Logger, JSONLinesLogHandler?) {
    var handlers: [any LogHandler] = []
    var file: JSONLinesLogHandler?
    var console = StreamLogHandler.standardError(label: "trin")
    // The terminal (and cron's mail) gets errors only: the summary table says the rest,
    // and the JSON-lines log has every event. TRIN_LOG_LEVEL=info shows more.
    console.logLevel = environment["TRIN_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .error
    handlers.append(console)
    if let logPath {
        do {
            let opened = try JSONLinesLogHandler.open(path: logPath)
            handlers.append(opened)
            file = opened
        } catch {
            throw fail("cannot open log \(logPath): \(error)", TrinExit.configuration)
        }
    }
    return (Logger(label: "trin", factory: { _ in MultiplexLogHandler(handlers) }), file)
}

#if canImport(Glibc)
import Glibc
#endif

func wallClock() -> Instant {
    var t = timespec()
    clock_gettime(CLOCK_REALTIME, &t)
    return Instant(secondsSinceEpoch: Int64(t.tv_sec))
}
