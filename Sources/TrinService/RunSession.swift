#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import Logging
import TrinCore
public import TrinMapping
public import TrinMetrics
public import TrinPseudonym
public import TrinPublish
public import TrinStore
public import TrinImport
import TrinPostgres

/// The one way into a run, for `trin run`, `trin import`, `trin metrics` and each daemon
/// pass alike: the run lock, the opened store, importer and log, the run's bookkeeping
/// (begin, finish, status), the pass over sources, and what every run ends with (retention,
/// the metric set, the Prometheus textfile). The command line only parses, opens a session,
/// calls it and maps the result to an exit code; tests drive a whole run in process the
/// same way.
///
/// Nothing here runs without the run lock (`RunLock`, one per real store path): a command's
/// session takes it before the store is opened and holds it until `close()`; the daemon's
/// takes it for each pass.
public struct RunSession: Sendable {
    public let store: any Store
    /// The import's engine; nil in a session opened without a key (`openExisting`).
    public var importer: Importer?
    public let logger: Logger
    /// The JSON-lines log, when one is configured (a line it could not write fails the run).
    public let logFile: JSONLinesLogHandler?
    /// The command recorded with each run (`run`, `import`, `daemon`).
    public let command: String
    /// What the run lock is, for messages: `<store's real path>.lock`, or the tenant on its server.
    public let lockName: String
    /// The lock held for the whole session; nil when each pass takes it.
    let heldLock: (any HeldRunLock)?
    /// Takes the run lock if it is free (nil when another run holds it).
    let tryLock: @Sendable () throws(RunLockError) -> (any HeldRunLock)?

    /// When a session holds the run lock.
    public enum Locking: Sendable {
        /// A command: taken before the store is opened, held until `close()`. With `wait`, a
        /// run in progress is waited for; without, `RunSessionError.locked` at once.
        case forTheSession(wait: Bool)
        /// The daemon: each pass waits for it, and gives up when asked to stop.
        case perPass
    }

    /// Opens a session that imports: the lock (per `locking`), the store (created when new)
    /// bound to the key, and the log: JSON lines at `logPath` when given, and human-readable
    /// lines on standard error from `consoleLevel` up.
    public static func open(store location: StoreLocation, key: PseudonymKey, logPath: String?, command: String,
                            consoleLevel: Logger.Level = .error, locking: Locking) throws(RunSessionError) -> RunSession {
        let opened = try openLocked(location, locking: locking) { () throws(RunSessionError) in
            try openLog(logPath: logPath, consoleLevel: consoleLevel)
        }
        do {
            let importer = try Importer(store: opened.store, pseudonymiser: Pseudonymiser(key: key), logger: opened.logger)
            return RunSession(store: opened.store, importer: importer, logger: opened.logger, logFile: opened.logFile, command: command,
                              lockName: opened.lockName, heldLock: opened.lock, tryLock: opened.tryLock)
        } catch {
            opened.lock?.release()
            throw .store(error)
        }
    }

    /// Opens a session on a store that exists, for the commands that read it whole or keep it
    /// (`trin metrics`, `report`, `disclosure`, `purge`): no key, no log, nothing created. The
    /// lock is held until `close()`: a publication never interleaves with a run's, and reading
    /// the whole store never holds up a run's import (a rollback-journal store's writer waits
    /// for its readers).
    public static func openExisting(store location: StoreLocation, command: String, wait: Bool) throws(RunSessionError) -> RunSession {
        let opened = try openLocked(location, locking: .forTheSession(wait: wait)) { () throws(RunSessionError) in
            (Logger(label: "trin"), nil)
        }
        return RunSession(store: opened.store, importer: nil, logger: opened.logger, logFile: nil, command: command, lockName: opened.lockName,
                          heldLock: opened.lock, tryLock: opened.tryLock)
    }

    private struct Opened {
        var store: any Store
        var logger: Logger
        var logFile: JSONLinesLogHandler?
        var lock: (any HeldRunLock)?
        var lockName: String
        var tryLock: @Sendable () throws(RunLockError) -> (any HeldRunLock)?
    }

    /// The store, the log and, for a command, the run lock. A SQLite store's lock is a file
    /// beside it, taken before anything is opened (a run that finds it held creates nothing); a
    /// server store's is its tenant's advisory lock, taken on the store's connection once it is
    /// open (a migration at open is safe without it).
    /// A store that cannot be opened leaves a line in the log operations read: no run is
    /// recorded, so the log is the only trace of the attempt. Only there: the command says the
    /// same on standard error itself. A work directory that is not trin's own is the
    /// configuration's problem (exit 2), which `check-config` names; it is not logged here.
    private static func logUnavailable(_ error: StoreError, _ logFile: JSONLinesLogHandler?) {
        if case .workDirectory = error { return }
        guard let logFile else { return }
        Logger(label: "trin", factory: { _ in logFile })
            .error("the store cannot be opened", metadata: ["event": "store_unavailable", "error": "\(error)"])
    }

    private static func openLocked(_ location: StoreLocation, locking: Locking,
                                   openLog: () throws(RunSessionError) -> (Logger, JSONLinesLogHandler?)) throws(RunSessionError) -> Opened {
        switch location {
        case .sqlite(let path):
            // A folder named as the store is said to be one before a lock file is made beside it.
            do { try SQLiteStore.refuseFolder(path) } catch {
                logUnavailable(error, try? openLog().1)
                throw .store(error)
            }
            let lockPath = RunLock.path(forStore: path)
            let tryLock: @Sendable () throws(RunLockError) -> (any HeldRunLock)? = { () throws(RunLockError) in
                try RunLock.tryAcquire(path: lockPath)
            }
            var lock: RunLock?
            if case .forTheSession(let wait) = locking {
                do { lock = try RunLock.acquire(path: lockPath, wait: wait) } catch { throw .locked(error) }
            }
            let log: (Logger, JSONLinesLogHandler?)
            do { log = try openLog() } catch {
                lock?.release()
                throw error
            }
            do {
                return Opened(store: try location.open(logger: log.0), logger: log.0, logFile: log.1, lock: lock, lockName: lockPath,
                              tryLock: tryLock)
            } catch {
                lock?.release()
                logUnavailable(error, log.1)
                throw .store(error)
            }
        case .postgres, .combined:
            let (logger, logFile) = try openLog()
            let store: any Store
            do { store = try location.open(logger: logger) } catch {
                logUnavailable(error, logFile)
                throw .store(error)
            }
            guard let server = store as? PostgresStore else { preconditionFailure("a postgres location opens a PostgresStore") }
            let tryLock: @Sendable () throws(RunLockError) -> (any HeldRunLock)? = { () throws(RunLockError) in
                try TenantLock.tryAcquire(server)
            }
            guard case .forTheSession(let wait) = locking else {
                return Opened(store: store, logger: logger, logFile: logFile, lock: nil, lockName: store.location, tryLock: tryLock)
            }
            do throws(RunLockError) {
                while true {
                    if let lock = try tryLock() {
                        return Opened(store: store, logger: logger, logFile: logFile, lock: lock, lockName: store.location, tryLock: tryLock)
                    }
                    guard wait else { throw RunLockError.held(path: store.location, pid: nil) }
                    sleep(1)
                }
            } catch {
                server.close()
                throw .locked(error)
            }
        }
    }

    private static func openLog(logPath: String?, consoleLevel: Logger.Level) throws(RunSessionError) -> (Logger, JSONLinesLogHandler?) {
        var console = StreamLogHandler.standardError(label: "trin")
        console.logLevel = consoleLevel
        var handlers: [any LogHandler] = [console]
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
        return (Logger(label: "trin", factory: { _ in MultiplexLogHandler(handlers) }), logFile)
    }

    /// Marks the store's runs still `running` as interrupted when nobody holds the run lock
    /// (they were stopped: Ctrl-C, a crash); with the lock held by a live run, nothing changes.
    /// For the commands that read the run history without a session.
    public static func settleAbandonedRuns(_ store: any Store, _ location: StoreLocation) {
        let lock: (any HeldRunLock)?
        switch location {
        case .sqlite(let path): lock = try? RunLock.tryAcquire(path: RunLock.path(forStore: path))
        case .postgres, .combined: lock = (store as? PostgresStore).flatMap { try? TenantLock.tryAcquire($0) }
        }
        guard let lock else { return }
        defer { lock.release() }
        _ = try? store.markAbandonedRunsInterrupted()
    }

    /// Lets go of the run lock a command's session holds (also done when the last copy of
    /// the session goes, and when the process ends).
    public func close() { heldLock?.release() }

    /// Records the start of a run of `source`'s files (`trin import`).
    func beginRun(dryRun: Bool, source: String) throws(StoreError) -> Int64 {
        let id = try store.beginRun(command: command, startedAt: SystemClock.nowInstant(), dryRun: dryRun)
        logger.info("run started", metadata: ["event": "run_started", "run": "\(id)", "command": "\(command)", "dry_run": "\(dryRun)",
                                              "sources": "\(source)"])
        return id
    }

    /// `trin import`: one run over export files given by hand, each in its own transaction.
    /// A log line that could not be written makes the run partial.
    public func importFiles(_ files: [String], mapping: Mapping, source: String?, dryRun: Bool) throws(RunSessionError) -> RunResult {
        let importer = try requireImporter()
        do {
            // Never asked to stop, the wait ends only with the lock: nil cannot come back.
            guard let result = try underTheLock(shouldStop: { false }, {
                try importFiles(files, importer: importer, mapping: mapping, source: source, dryRun: dryRun)
            }) else { preconditionFailure("a wait that is never stopped returned without the lock") }
            return result
        } catch let error as RunSessionError {
            throw error
        } catch let error as StoreError {
            throw .store(error)
        } catch {
            throw .store(.database(path: store.location, message: "\(error)"))
        }
    }

    private func importFiles(_ files: [String], importer: Importer, mapping: Mapping, source: String?, dryRun: Bool) throws(StoreError) -> RunResult {
        do {
            let runID = try beginRun(dryRun: dryRun, source: source ?? mapping.name)
            let outcomes = files.map { importer.importFile(path: $0, mapping: mapping, source: source, runID: runID, commit: !dryRun) }
            var result = RunResult(runID: runID, dryRun: dryRun, outcomes: outcomes, status: RunStatus(outcomes: outcomes), notAttempted: [])
            noteLogFailure(&result)
            try store.finishRun(id: runID, finishedAt: SystemClock.nowInstant(), status: result.status, reason: result.reason)
            logFinished(&result)
            return result
        }
    }

    /// A log line the run could not write: the run was not a success (`trin run` and
    /// `trin import` exit 5; a real run is `partial`). Returns whether there was one.
    @discardableResult
    private func noteLogFailure(_ result: inout RunResult) -> Bool {
        guard let failure = logFile?.takeWriteFailure() else { return false }
        // The same log failing again (its `run_finished` line after an earlier one) is said once.
        if !result.outputFailures.contains(failure) { result.outputFailures.append(failure) }
        if !result.dryRun { result.status = result.status.withOutputFailure }
        return true
    }

    /// The run's last line, `run_finished`, with the status kept; should that line itself
    /// not be written, the store is told too.
    private func logFinished(_ result: inout RunResult) {
        Runner.logFinished(result, logger)
        if noteLogFailure(&result), !result.dryRun {
            try? store.finishRun(id: result.runID, finishedAt: SystemClock.nowInstant(), status: result.status, reason: result.reason)
        }
    }

    /// `trin run` and each daemon pass: fetch and import the sources, then (unless a dry run)
    /// apply retention, publish the metric set and write the textfile (`RunOutputs`). A
    /// daemon's session first waits for the run lock; nil when `shouldStop` said to stop
    /// before it was free.
    public func pass(_ loaded: LoadedConfiguration, sources: [SourceConfig], dryRun: Bool,
                     shouldStop: @escaping @Sendable () -> Bool = { false }) throws -> RunResult? {
        let importer = try requireImporter()
        return try underTheLock(shouldStop: shouldStop) {
            if !dryRun {
                // A longer retention than the last purge's brings deleted records back from this
                // run's exports. Should this fail, the purge after the imports forgets the known
                // rows instead, and the records come back a run later.
                do { try loaded.configuration.retention.prepareImports(in: store, now: SystemClock.nowInstant()) } catch {
                    logger.warning("known rows could not be checked against retention",
                                   metadata: ["event": "retention_error", "error": "\(error)"])
                }
            }
            let runner = Runner(store: store, importer: importer, logger: logger)
            var result = try runner.pass(loaded, sources: sources, command: dryRun ? command + " --dry-run" : command,
                                         dryRun: dryRun, shouldStop: shouldStop)
            if dryRun {
                // A dry run writes no outputs, but its log lines must have been written.
                noteLogFailure(&result)
            } else {
                result = RunOutputs.afterPass(loaded, store, result, logger, logFile: logFile)
            }
            logFinished(&result)
            return result
        }
    }

    /// Runs `body` holding the run lock: the session's own (which must still be held), or,
    /// in a daemon's session, one taken for this call; nil when `shouldStop` said to stop
    /// while waiting for it.
    private func underTheLock<T>(shouldStop: () -> Bool, _ body: () throws -> T) throws -> T? {
        if let heldLock {
            guard heldLock.isHeld else { throw RunSessionError.closed(command: command) }
            return try body()
        }
        guard let lock = waitForLock(shouldStop: shouldStop) else { return nil }
        defer { lock.release() }
        return try body()
    }

    /// The sources whose schedule fired since their last success.
    public func dueSources(_ loaded: LoadedConfiguration) throws -> [SourceConfig] {
        try Runner(store: store, importer: try requireImporter(), logger: logger).dueSources(loaded, at: SystemClock.nowInstant())
    }

    /// `trin metrics`: a new set of metric files from the store, published under the lock.
    /// `figureTables`: whether a server store's BI tables take this set (the configured output's).
    public func publishMetrics(k: Int, policy: ReleasePolicy, unitName: String, outputDirectory: String,
                               dialect: PublishedCSVDialect, republish: Set<Int>, retention: Retention? = nil,
                               figureTables: Bool = true) throws -> PublishedSet {
        try MetricsJob.publish(store: store, k: k, policy: policy, unitName: unitName, outputDirectory: outputDirectory,
                               runID: command, dialect: dialect, publishedAt: SystemClock.nowInstant(), republish: republish,
                               retention: retention, figureTables: figureTables)
    }

    /// The figures as they would be published (`trin metrics --year`, `trin report`,
    /// `trin disclosure`), read under the lock.
    /// The figures as a set would publish them now, without publishing or keeping anything.
    /// `keepsNewYears` false (the annual report): a closed year that no set has kept yet is
    /// shown as provisional, since the set that keeps it may differ from it by late records.
    public func releasedFigures(k: Int, policy: ReleasePolicy, keepsNewYears: Bool = true) throws -> ReleasedFigures {
        try MetricsJob.release(store: store, k: k, policy: policy, keepsNewYears: keepsNewYears)
    }

    /// `trin purge`: the configured retention, applied now under the lock (every run applies
    /// it too, after importing).
    public func applyRetention(_ retention: Retention) throws -> PurgeCounts {
        try retention.apply(to: store, now: SystemClock.nowInstant())
    }

    private func requireImporter() throws(RunSessionError) -> Importer {
        guard let importer else { throw .cannotImport(command: command) }
        return importer
    }

    /// Waits for the run lock (a `trin run` from cron may hold it), once a second, until
    /// `shouldStop` says to stop: `flock` cannot be awaited, and a wait is rare and short. A
    /// lock file that cannot be opened is logged and tried again, not given up on: the
    /// sources would otherwise wait for their next firing.
    private func waitForLock(shouldStop: () -> Bool) -> (any HeldRunLock)? {
        var logged = false
        var loggedError = false
        while !shouldStop() {
            do {
                if let lock = try tryLock() { return lock }
                if !logged {
                    logged = true
                    var wait: Logger.Metadata = ["event": "lock_wait", "lock": "\(lockName)"]
                    if let pid = RunLock.holderPID(path: lockName) { wait["holder_pid"] = "\(pid)" }
                    logger.notice("waiting for the run lock", metadata: wait)
                }
            } catch {
                if !loggedError {
                    loggedError = true
                    logger.error("cannot take the run lock", metadata: ["event": "lock_error", "lock": "\(lockName)", "error": "\(error)"])
                }
            }
            sleep(1)
        }
        return nil
    }
}

/// Why a session could not be opened or used.
public enum RunSessionError: Error, Sendable, CustomStringConvertible {
    /// The run lock: another run holds it (and the session was not to wait), or its file cannot be opened.
    case locked(RunLockError)
    case cannotOpenLog(path: String, message: String)
    case store(StoreError)
    /// A session opened without a key (`openExisting`) was asked to import.
    case cannotImport(command: String)
    /// The session was closed (its lock let go) and then used.
    case closed(command: String)

    public var description: String {
        switch self {
        case .locked(let error): "\(error)"
        case .cannotOpenLog(let path, let message): "cannot open log \(path): \(message)"
        case .store(let error): "\(error)"
        case .cannotImport(let command): "the \(command) session was opened without a key: it cannot import"
        case .closed(let command): "the \(command) session was closed: it no longer holds the run lock"
        }
    }
}
