import Dispatch
import Foundation
public import Logging
public import ServiceLifecycle
import TrinCore
import TrinSchedule
import TrinStore
import UnixSignals

/// `trin daemon`: runs each source when its schedule fires (Europe/Copenhagen),
/// with the same lock as `trin run` taken per pass.
///
/// - SIGTERM / SIGINT: the source in progress finishes (its file's transaction
///   commits, or rolls back on failure), the rest are not started, and the daemon exits 0.
/// - SIGHUP: the configuration and its mappings are loaded again; a bad new
///   configuration is logged and the old one kept. Store, key and log paths need a restart.
///
/// On start, a scheduled source that missed a firing since its last success (or
/// never succeeded) runs at once; after any attempt, the next one is the schedule's
/// next firing, so a failing source is retried at its next slot, not in a loop.
public struct DaemonService: Service {
    public let configPath: String
    public let initial: LoadedConfiguration
    /// The front door each pass goes through (fetch, import, retention, metrics, textfile).
    public let session: RunSession
    public let lockPath: String
    public var logger: Logger { session.logger }
    /// Run every source once at start, then follow the schedules (`--run-now`).
    public let runNow: Bool
    /// Longest sleep between checks for reload and shutdown.
    public var tick: Duration = .seconds(1)
    /// The session's runner: its clock for schedules, its store for the last successes.
    var runner: Runner { Runner(store: session.store, importer: session.importer, logger: session.logger) }

    public init(configPath: String, initial: LoadedConfiguration, session: RunSession, lockPath: String, runNow: Bool) {
        self.configPath = configPath
        self.initial = initial
        self.session = session
        self.lockPath = lockPath
        self.runNow = runNow
    }

    /// Runs the daemon in a service group that turns SIGTERM and SIGINT into a
    /// graceful shutdown; returns when it is done.
    public func runUntilShutdown() async throws {
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [self], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    public func run() async throws {
        let stop = SignalFlag()
        let reload = SignalFlag()
        // SIGHUP asks for a reload; the loop acts on it between passes.
        signal(SIGHUP, SIG_IGN)
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        hangup.setEventHandler { reload.set() }
        hangup.resume()
        defer { hangup.cancel() }
        await withGracefulShutdownHandler {
            await loop(stop: stop, reload: reload)
        } onGracefulShutdown: {
            stop.set()
        }
        logger.notice("daemon stopped", metadata: ["event": "daemon_stopped"])
    }

    func loop(stop: SignalFlag, reload: SignalFlag) async {
        var loaded = initial
        var next = initialFireTimes(loaded)
        logger.notice("daemon started", metadata: ["event": "daemon_started", "config": "\(configPath)", "pid": "\(getpid())",
                                                  "sources": "\(loaded.sources.map(\.name).joined(separator: ","))"])
        logSchedule(next)
        while !stop.isSet {
            if reload.take() {
                if let fresh = self.reload(current: loaded) {
                    // Keep a source's next firing unless its schedule changed.
                    var updated: [String: Instant] = [:]
                    let now = runner.now()
                    for s in fresh.sources {
                        guard let schedule = fresh.schedules[s.name] else { continue }
                        if loaded.schedules[s.name] == schedule, let t = next[s.name] { updated[s.name] = t } else {
                            updated[s.name] = dueTime(s, schedule, now: now)
                        }
                    }
                    loaded = fresh
                    next = updated
                    logSchedule(next)
                }
            }
            let now = runner.now()
            let due = loaded.sources.filter { next[$0.name].map { $0 <= now } ?? false }
            if due.isEmpty {
                // Sleep in short steps, so that a reload or shutdown is noticed promptly.
                let seconds = next.values.min().map { $0.secondsSinceEpoch - now.secondsSinceEpoch } ?? 3600
                try? await Task.sleep(for: min(tick, .seconds(max(1, min(seconds, 3600)))))
                continue
            }
            guard let lock = await takeLock(stop: stop) else { break }
            let current = loaded
            // Metrics and the Prometheus file are written under the lock too (`RunSession.pass`),
            // so that a `trin run` in between can never have its newer set replaced by an older one.
            let result: RunResult? = await Self.offThePool { [session, logger] in
                do {
                    return try session.pass(current, sources: due, dryRun: false, shouldStop: { stop.isSet })
                } catch {
                    logger.error("run could not be recorded", metadata: ["event": "run_error", "error": "\(error)"])
                    return nil
                }
            }
            if let result, !result.outputFailures.isEmpty {
                // No exit code per pass: the run history, the textfile and this line say it.
                logger.error("run ended without its outputs", metadata: [
                    "event": "run_outputs_failed", "run": "\(result.runID)", "status": "\(result.status.rawValue)",
                    "failures": .array(result.outputFailures.map { "\($0)" })])
            }
            lock.release()
            let after = runner.now()
            for s in due {
                if result?.notAttempted.contains(s.name) == true { continue }
                next[s.name] = current.schedules[s.name].map { $0.nextFire(after: after) }
            }
            logSchedule(next)
        }
    }

    /// When each scheduled source runs first: at once if it never succeeded or
    /// missed a firing since its last success (or with `--run-now`), else at its next firing.
    func initialFireTimes(_ loaded: LoadedConfiguration) -> [String: Instant] {
        let now = runner.now()
        var next: [String: Instant] = [:]
        for s in loaded.sources {
            if runNow {
                next[s.name] = now
            } else if let schedule = loaded.schedules[s.name] {
                next[s.name] = dueTime(s, schedule, now: now)
            }
        }
        return next
    }

    func dueTime(_ source: SourceConfig, _ schedule: CronSchedule, now: Instant) -> Instant {
        guard let last = try? runner.store.fetchState(source: source.name)?.lastSuccessAt else { return now }
        let fire = schedule.nextFire(after: last)
        return fire <= now ? now : fire
    }

    func reload(current: LoadedConfiguration) -> LoadedConfiguration? {
        do {
            let fresh = try LoadedConfiguration.load(path: configPath)
            let (a, b) = (current.configuration, fresh.configuration)
            if a.store != b.store || a.keyFile != b.keyFile || a.log != b.log {
                logger.warning("store, keyFile and log changes take effect after a restart; the old ones stay in use",
                               metadata: ["event": "config_reload_partial"])
            }
            logger.notice("configuration reloaded", metadata: ["event": "config_reloaded", "config": "\(configPath)",
                                                              "sources": "\(fresh.sources.map(\.name).joined(separator: ","))"])
            return fresh
        } catch {
            logger.error("configuration not reloaded: the old one stays in use", metadata: [
                "event": "config_reload_failed", "config": "\(configPath)", "error": "\(error)"])
            return nil
        }
    }

    /// Waits for the run lock (a `trin run` from cron may hold it), checking for shutdown.
    func takeLock(stop: SignalFlag) async -> RunLock? {
        var logged = false
        while !stop.isSet {
            do {
                if let lock = try RunLock.tryAcquire(path: lockPath) { return lock }
            } catch {
                logger.error("cannot take the run lock", metadata: ["event": "lock_error", "error": "\(error)"])
            }
            if !logged {
                logged = true
                logger.notice("waiting for the run lock", metadata: [
                    "event": "lock_wait", "lock": "\(lockPath)", "holder_pid": "\(RunLock.holderPID(path: lockPath).map { "\($0)" } ?? "?")"])
            }
            try? await Task.sleep(for: tick)
        }
        return nil
    }

    func logSchedule(_ next: [String: Instant]) {
        guard let (name, time) = next.min(by: { $0.value < $1.value }) else {
            logger.notice("no scheduled sources: idle until stopped or reloaded", metadata: ["event": "daemon_idle"])
            return
        }
        logger.info("next run", metadata: ["event": "next_run", "source": "\(name)", "at": "\(time)"])
    }

    /// Runs blocking work (libcurl, SQLite) on its own thread, not on the
    /// cooperative pool the signal handling needs.
    static func offThePool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: body()) }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}

/// A thread-safe flag set by signal handlers and read between sources.
public final class SignalFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    public init() {}
    public var isSet: Bool { lock.withLock { value } }
    public func set() { lock.withLock { value = true } }
    /// Whether it was set; clears it.
    public func take() -> Bool { lock.withLock { defer { value = false }; return value } }
}
