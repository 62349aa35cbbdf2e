import Foundation
public import TrinCore
public import TrinSchedule
public import TrinStore

/// The Prometheus textfile node_exporter's textfile collector reads: per source,
/// the last success, the last status, records stored and rows rejected; and the
/// last run's time and status. Written atomically (temporary file, fsync, rename),
/// so the collector never reads half a file.
public enum PrometheusTextFile {
    /// The file's text for the store's current state and the run just finished.
    public static func render(store: any Store, lastRun: RunResult?, at instant: Instant,
                              schedules: [String: CronSchedule] = [:]) throws(StoreError) -> String {
        var out = ""
        func family(_ name: String, _ help: String, _ samples: [(labels: String, value: String)], type: String = "gauge") {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for s in samples { out += "\(name)\(s.labels) \(s.value)\n" }
        }
        family("trin_build_info", "1, with the version of trin that wrote this file.", [(labels(["version": TrinVersion.current]), "1")])
        let status = try store.sourceStatus()
        family("trin_source_last_success_timestamp_seconds",
               "Unix time of the last run that fetched, imported or found the source unchanged (0: never).",
               status.map { (labels(["source": $0.source]), "\($0.lastSuccess?.secondsSinceEpoch ?? 0)") })
        family("trin_source_last_status",
               "1 for the status of the source's most recent attempt in a run that was not a dry run (imported, skipped_identical, unchanged, failed).",
               status.map { (labels(["source": $0.source, "status": $0.lastStatus]), "1") })
        family("trin_source_last_ok", "1 if the source's most recent attempt succeeded, 0 if it failed.",
               status.map { (labels(["source": $0.source]), $0.lastStatus == "failed" ? "0" : "1") })
        family("trin_source_records", "Records stored (inserted or updated) by the source's most recent attempt.",
               status.map { (labels(["source": $0.source]), "\($0.records)") })
        family("trin_source_rejected_rows", "Rows rejected in the source's most recent attempt.",
               status.map { (labels(["source": $0.source]), "\($0.rejected)") })
        family("trin_source_rows_read", "Rows (or XML records) read in the source's most recent attempt.",
               status.map { (labels(["source": $0.source]), "\($0.rowsRead)") })
        // Counters over the run history the store keeps.
        let totals = try store.monitoringTotals()
        family("trin_source_records_imported_total", "Records inserted or updated from the source, over the kept run history.",
               totals.sources.map { (labels(["source": $0.source]), "\($0.records)") }, type: "counter")
        family("trin_source_rows_rejected_total", "Rows of the source rejected, by reason, over the kept run history.",
               totals.sources.flatMap { s in s.rejectedByReason.sorted { $0.key < $1.key }.map { (labels(["source": s.source, "reason": $0.key]), "\($0.value)") } },
               type: "counter")
        family("trin_source_bytes_fetched_total", "Bytes of the source's exports read, over the kept run history.",
               totals.sources.map { (labels(["source": $0.source]), "\($0.bytes)") }, type: "counter")
        family("trin_source_last_duration_seconds", "How long the source's most recent attempt took.",
               totals.sources.map { (labels(["source": $0.source]), seconds($0.lastDurationMilliseconds)) })
        family("trin_runs_total", "Runs by how they ended (dry runs excluded), over the kept run history.",
               totals.runsByStatus.sorted { $0.key < $1.key }.map { (labels(["status": $0.key]), "\($0.value)") }, type: "counter")
        if let seconds = totals.lastRunSeconds {
            family("trin_last_run_duration_seconds", "How long the most recent finished run took.", [("", "\(seconds)")])
        }
        // Schedules, so that one alert rule fits daily and weekly sources.
        let scheduled = schedules.sorted { $0.key < $1.key }
        family("trin_source_next_run_timestamp_seconds", "Unix time the source's schedule fires next.",
               scheduled.map { (labels(["source": $0.key]), "\($0.value.nextFire(after: instant).secondsSinceEpoch)") })
        family("trin_source_expected_interval_seconds", "The longest gap between two runs of the source's schedule.",
               scheduled.map { (labels(["source": $0.key]), "\(expectedInterval($0.value, from: instant))") })
        if let run = lastRun {
            family("trin_last_run_timestamp_seconds", "Unix time the last run finished.",
                   [("", "\(instant.secondsSinceEpoch)")])
            family("trin_last_run_ok", "1 if every source of the last run succeeded, 0 otherwise.",
                   [("", run.succeeded ? "1" : "0")])
            family("trin_last_run_sources_failed", "Sources that failed in the last run.",
                   [("", "\(run.outcomes.filter { $0.status == .failed }.count)")])
        }
        return out
    }

    /// Writes `text` to `path` atomically: a temporary file beside it, fsync, rename.
    public static func write(_ text: String, to path: String) throws {
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let file = try FileDescriptor(temporaryIn: dir, prefix: ".trin-prom-", unlinked: false)
        let temporary = file.path
        var ok = false
        defer { if !ok { unlink(temporary) } }
        do {
            try file.write(Array(text.utf8))
            // Readable by node_exporter, which usually runs as another user (a file system that
            // refuses modes is no reason to go without the file).
            try? file.setMode(0o644)
            try file.sync()
            try file.close()
        } catch {
            throw FileIOError(error.operation, path: path, errno: error.errno)
        }
        guard rename(temporary, path) == 0 else { throw FileIOError("replace", path: path, errno: errno) }
        ok = true
    }

    static func seconds(_ milliseconds: Int) -> String {
        String(format: "%.3f", Double(milliseconds) / 1000)
    }

    /// The longest gap between consecutive fires over the next eight (a schedule of
    /// weekdays only has a three-day gap over the weekend; a weekly one, seven days).
    static func expectedInterval(_ schedule: CronSchedule, from instant: Instant) -> Int64 {
        var previous = schedule.nextFire(after: instant)
        var longest: Int64 = 0
        for _ in 0..<8 {
            let next = schedule.nextFire(after: previous)
            longest = max(longest, next.secondsSinceEpoch - previous.secondsSinceEpoch)
            previous = next
        }
        return longest
    }

    /// `{a="x",b="y"}` with the values escaped as the exposition format requires.
    static func labels(_ pairs: KeyValuePairs<String, String>) -> String {
        "{" + pairs.map { "\($0.key)=\"\(escape($0.value))\"" }.joined(separator: ",") + "}"
    }

    static func escape(_ value: String) -> String {
        var out = ""
        for c in value {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }
}
