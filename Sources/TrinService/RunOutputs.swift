public import Logging
import TrinCore
public import TrinStore
import TrinPublish
import TrinImport

/// What happens after every pass that changed something (`trin run`, each daemon pass).
public enum RunOutputs {
    /// Every run ends with a new, complete set of metric files (atomic switch of `current`).
    static func publishMetrics(_ loaded: LoadedConfiguration, _ store: any Store, _ result: RunResult, _ logger: Logger) throws {
        // A closed year is kept for good only from a run in which every source succeeded.
        switch try MetricsJob.publish(store: store, configuration: loaded.configuration, runID: "run-\(result.runID)",
                                      freeze: result.succeeded) {
        case .published(let set):
            logger.info("metrics published", metadata: ["event": "metrics_published", "run": "\(result.runID)",
                                                          "set": "\(set.name)", "files": "\(set.manifest.files.count)"])
        case .unchanged(let set):
            logger.info("metric set unchanged: nothing it is made from changed since it was published",
                        metadata: ["event": "metrics_unchanged", "run": "\(result.runID)", "set": "\(set)", "recomputed": "false"])
        case .sameFigures(let set):
            logger.info("metric set unchanged: the store changed, but no figure did",
                        metadata: ["event": "metrics_unchanged", "run": "\(result.runID)", "set": "\(set)", "recomputed": "true"])
        }
    }

    /// Applies retention, publishes the metric set and writes the Prometheus textfile. What
    /// failed is logged as an error, kept in the result's `outputFailures`, and makes the run
    /// `partial` in the store (failed when it was already): `trin run` exits 5, and for the
    /// daemon the run history and the textfile (`trin_last_run_ok 0`) say so.
    public static func afterPass(_ loaded: LoadedConfiguration, _ store: any Store, _ pass: RunResult, _ logger: Logger,
                                 logFile: JSONLinesLogHandler? = nil) -> RunResult {
        var result = pass
        var failures: [String] = []
        // Retention first, so that the textfile and the metric set describe the store as it is kept.
        do {
            let purged = try loaded.configuration.retention.apply(to: store, now: SystemClock.nowInstant())
            if purged != PurgeCounts() {
                logger.info("retention applied", metadata: ["event": "retention_applied", "run": "\(result.runID)",
                                                            "rejected_rows": "\(purged.rejectedRows)", "runs": "\(purged.runs)",
                                                            "events": "\(purged.events)"])
            }
        } catch {
            logger.error("retention could not be applied", metadata: ["event": "retention_error", "run": "\(result.runID)", "error": "\(error)"])
            failures.append("retention could not be applied: \(error)")
        }
        do { try publishMetrics(loaded, store, result, logger) } catch {
            logger.error("metric publication failed", metadata: ["event": "publish_error", "run": "\(result.runID)", "error": "\(error)"])
            failures.append("the metric set was not published to \(loaded.configuration.output): \(error)")
        }
        if let failure = logFile?.takeWriteFailure() { failures.append(failure) }
        if !failures.isEmpty {
            result.outputFailures = failures
            result.status = result.status.withOutputFailure
            try? store.finishRun(id: result.runID, finishedAt: SystemClock.nowInstant(), status: result.status, reason: result.reason)
        }
        // Last, so that it describes the run as it ended, outputs included.
        if let path = loaded.configuration.prometheus {
            do {
                try PrometheusTextFile.write(try PrometheusTextFile.render(store: store, lastRun: result, at: SystemClock.nowInstant(),
                                                                           schedules: loaded.schedules), to: path)
            } catch {
                logger.error("cannot write the Prometheus textfile", metadata: ["event": "prometheus_error", "run": "\(result.runID)",
                                                                                "file": "\(path)", "error": "\(error)"])
                result.outputFailures.append("cannot write the Prometheus textfile \(path): \(error)")
                result.status = result.status.withOutputFailure
                try? store.finishRun(id: result.runID, finishedAt: SystemClock.nowInstant(), status: result.status, reason: result.reason)
            }
        }
        return result
    }
}

extension RunStatus {
    /// The status of a run whose outputs could not all be written: a success becomes
    /// `partial`; a run that failed or was interrupted stays what it was.
    var withOutputFailure: RunStatus {
        switch self {
        case .failed, .interrupted: self
        default: .partial
        }
    }
}
