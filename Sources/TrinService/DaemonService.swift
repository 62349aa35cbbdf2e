import Foundation
public import Logging
public import ServiceLifecycle
import TrinCore
import TrinImport
import TrinSchedule
import TrinStore
import UnixSignals

/// `trin daemon`: runs each source when its schedule fires (Europe/Copenhagen),
/// with the same lock as `trin run` taken per pass. Between passes it sleeps until the
/// next firing; SIGHUP and shutdown wake it.
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
    /// The front door each pass goes through (lock, fetch, import, retention, metrics,
    /// textfile); opened with `.perPass` locking.
    public let session: RunSession
    public var logger: Logger { session.logger }
    /// Run every source once at start, then follow the schedules (`--run-now`).
    public let runNow: Bool
    /// The longest sleep before the wall clock is read again: a firing is computed in wall
    /// time, a sleep runs on the monotonic clock, and the two drift apart when the clock is set.
    public var longestSleep: Duration = .seconds(3600)

    public init(configPath: String, initial: LoadedConfiguration, session: RunSession, runNow: Bool) {
        self.configPath = configPath
        self.initial = initial
        self.session = session
        self.runNow = runNow
    }

    /// Runs the daemon in a service group that turns SIGTERM and SIGINT into a
    /// graceful shutdown; returns when it is done.
    public func runUntilShutdown() async throws {
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [self], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// What ends a wait between passes.
    enum Wake: Sendable {
        /// A firing time came.
        case due
        /// SIGHUP: load the configuration again.
        case reload
        /// Graceful shutdown (SIGTERM, SIGINT).
        case stop
    }

    public func run() async throws {
        let stop = SignalFlag()
        let (wakes, wake) = AsyncStream.makeStream(of: Wake.self)
        // SIGHUP asks for a reload, acted on between passes; registered before the loop starts.
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in hangups { wake.yield(.reload) }
            }
            await withGracefulShutdownHandler {
                await loop(stop: stop, wakes: wakes, wake: wake)
            } onGracefulShutdown: {
                stop.set()
                wake.yield(.stop)
            }
            group.cancelAll()
        }
        logger.notice("daemon stopped", metadata: ["event": "daemon_stopped"])
    }

    func loop(stop: SignalFlag, wakes: AsyncStream<Wake>, wake: AsyncStream<Wake>.Continuation) async {
        var loaded = initial
        var next = initialFireTimes(loaded)
        var events = wakes.makeAsyncIterator()
        logger.notice("daemon started", metadata: ["event": "daemon_started", "config": "\(configPath)", "pid": "\(getpid())",
                                                  "sources": "\(loaded.sources.map(\.name).joined(separator: ","))"])
        logSchedule(next)
        while !stop.isSet {
            let now = SystemClock.nowInstant()
            let due = loaded.sources.filter { next[$0.name].map { $0 <= now } ?? false }
            if due.isEmpty {
                // Sleep until the next firing, or until a reload or shutdown wakes the loop.
                let timer = next.values.min().map { first in
                    let seconds = min(Duration.seconds(first.secondsSinceEpoch - now.secondsSinceEpoch), longestSleep)
                    return Task {
                        do { try await Task.sleep(until: .now + seconds, clock: .continuous) } catch { return }
                        wake.yield(.due)
                    }
                }
                let event = await events.next()
                timer?.cancel()
                switch event {
                case .reload?:
                    guard let fresh = reload(current: loaded) else { continue }
                    next = fireTimes(after: fresh, keeping: next, from: loaded)
                    loaded = fresh
                    logSchedule(next)
                case .due?:
                    continue
                case .stop?, nil:
                    return
                }
                continue
            }
            let current = loaded
            // The pass waits for the run lock (a `trin run` from cron may hold it); metrics and
            // the Prometheus file are written under it too, so that a `trin run` in between can
            // never have its newer set replaced by an older one.
            let pass: PassEnd = await Self.offThePool { [session, logger] in
                do {
                    guard let result = try session.pass(current, sources: due, dryRun: false, shouldStop: { stop.isSet }) else {
                        return .stoppedWaitingForTheLock
                    }
                    return .ran(result)
                } catch {
                    logger.error("run could not be recorded", metadata: ["event": "run_error", "error": "\(error)"])
                    return .failed
                }
            }
            let result: RunResult?
            switch pass {
            case .stoppedWaitingForTheLock: return
            case .ran(let r): result = r
            case .failed: result = nil
            }
            if let result, !result.outputFailures.isEmpty {
                // No exit code per pass: the run history, the textfile and this line say it.
                logger.error("run ended without its outputs", metadata: [
                    "event": "run_outputs_failed", "run": "\(result.runID)", "status": "\(result.status.rawValue)",
                    "failures": .array(result.outputFailures.map { "\($0)" })])
            }
            let after = SystemClock.nowInstant()
            for s in due {
                if result?.notAttempted.contains(s.name) == true { continue }
                next[s.name] = current.schedules[s.name].map { $0.nextFire(after: after) }
            }
            logSchedule(next)
        }
    }

    /// How a pass ended.
    enum PassEnd: Sendable {
        case ran(RunResult)
        /// Shutdown came while another run held the lock: nothing was done.
        case stoppedWaitingForTheLock
        /// The run could not be recorded (the store failed); logged.
        case failed
    }

    /// The next firings after a reload: a source keeps its next firing unless its schedule changed.
    func fireTimes(after fresh: LoadedConfiguration, keeping next: [String: Instant], from old: LoadedConfiguration) -> [String: Instant] {
        var updated: [String: Instant] = [:]
        let now = SystemClock.nowInstant()
        for s in fresh.sources {
            guard let schedule = fresh.schedules[s.name] else { continue }
            if old.schedules[s.name] == schedule, let t = next[s.name] { updated[s.name] = t } else {
                updated[s.name] = dueTime(s, schedule, now: now)
            }
        }
        return updated
    }

    /// When each source runs first: with `--run-now` every source at once (a source without a
    /// schedule then once only); else a scheduled source at once if it never succeeded or
    /// missed a firing since its last success, else at its next firing.
    func initialFireTimes(_ loaded: LoadedConfiguration) -> [String: Instant] {
        let now = SystemClock.nowInstant()
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
        guard let last = try? session.store.fetchState(source: source.name)?.lastSuccessAt else { return now }
        let fire = schedule.nextFire(after: last)
        return fire <= now ? now : fire
    }

    func reload(current: LoadedConfiguration) -> LoadedConfiguration? {
        do {
            let fresh = try LoadedConfiguration.load(path: configPath)
            let (a, b) = (current.configuration, fresh.configuration)
            if a.store != b.store || a.tenant != b.tenant || a.workDirectory != b.workDirectory || a.keyFile != b.keyFile || a.log != b.log {
                logger.warning("store, tenant, workDirectory, keyFile and log changes take effect after a restart; the old ones stay in use",
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

    func logSchedule(_ next: [String: Instant]) {
        guard let time = next.values.min() else {
            logger.notice("no scheduled sources: idle until stopped or reloaded", metadata: ["event": "daemon_idle"])
            return
        }
        // Every source that fires then (sources often share a schedule), in name order.
        let names = next.filter { $0.value == time }.keys.sorted()
        logger.info("next run", metadata: ["event": "next_run", "source": "\(names[0])", "sources": "\(names.joined(separator: ","))",
                                           "at": "\(time)"])
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

/// A thread-safe flag set by the shutdown handler and read between sources.
public final class SignalFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    public init() {}
    public var isSet: Bool { lock.withLock { value } }
    public func set() { lock.withLock { value = true } }
}
