import GRDB
public import TrinCore

/// One run as operations see it in `trin runs`.
public struct RunSummary: Sendable, Hashable {
    public var id: Int64
    public var command: String
    public var startedAt: Instant
    public var finishedAt: Instant?
    public var status: String
    public var dryRun: Bool
    public var sourcesOK: Int
    public var sourcesFailed: Int
    public var records: Int
    public var rejected: Int
    /// Why the run was not a success beyond its files' own messages; nil when nothing more.
    public var reason: String?

    package init(id: Int64, command: String, startedAt: Instant, finishedAt: Instant?, status: String, dryRun: Bool, sourcesOK: Int,
                 sourcesFailed: Int, records: Int, rejected: Int, reason: String? = nil) {
        self.id = id; self.command = command; self.startedAt = startedAt; self.finishedAt = finishedAt; self.status = status
        self.dryRun = dryRun; self.sourcesOK = sourcesOK; self.sourcesFailed = sourcesFailed; self.records = records
        self.rejected = rejected; self.reason = reason
    }
}

/// A rejected row as shown to operations: where, why, and the row with personal ids masked.
public struct RejectionExample: Sendable, Hashable {
    public var source: String
    public var file: String
    public var line: Int
    public var path: String?
    public var reason: String
    public var field: String?
    public var maskedRow: String

    package init(source: String, file: String, line: Int, path: String?, reason: String, field: String?, maskedRow: String) {
        self.source = source; self.file = file; self.line = line; self.path = path; self.reason = reason; self.field = field
        self.maskedRow = maskedRow
    }
}

extension SQLiteStore {
    /// The most recent runs, newest first.
    public func recentRuns(limit: Int, source: String?) throws(StoreError) -> [RunSummary] {
        try read { db in
            if let source {
                return try Row.fetchAll(db, sql: Self.runSummarySQL
                                        + " WHERE EXISTS (SELECT 1 FROM run_file f WHERE f.run_id = r.id AND f.source = ?) ORDER BY r.id DESC LIMIT ?",
                                        arguments: [source, limit]).map(Self.summary)
            }
            return try Row.fetchAll(db, sql: Self.runSummarySQL + " ORDER BY r.id DESC LIMIT ?", arguments: [limit]).map(Self.summary)
        }
    }

    /// Marks runs still `running` as `interrupted`. Only for a caller holding the run lock:
    /// then no process is running them (it died, or was stopped with Ctrl-C).
    @discardableResult
    public func markAbandonedRunsInterrupted() throws(StoreError) -> Int {
        try write { db in
            try db.execute(sql: "UPDATE run SET status = 'interrupted' WHERE status = 'running'")
            return db.changesCount
        }
    }

    public func run(id: Int64) throws(StoreError) -> RunSummary? {
        try read { db in
            try Row.fetchOne(db, sql: Self.runSummarySQL + " WHERE r.id = ?", arguments: [id]).map(Self.summary)
        }
    }

    /// The file outcomes of a run, in the order they happened.
    public func files(ofRun id: Int64) throws(StoreError) -> [FileOutcome] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT run_id, source, file, status, http_status, bytes, duration_ms, rows_read, inserted, updated,
                       duplicates, rejected_by_reason, message, unknown_codes FROM run_file WHERE run_id = ? ORDER BY id
                """, arguments: [id]).map { r in
                var o = FileOutcome(runID: r[0], source: r[1], file: r[2], status: FileOutcome.Status(rawValue: r[3]) ?? .failed,
                                    httpStatus: r[4], bytes: r[5], durationMilliseconds: r[6], rowsRead: r[7], inserted: r[8],
                                    updated: r[9], duplicates: r[10], rejectedByReason: FileOutcome.reasons(r[11]), message: r[12])
                o.unknownCodes = FileOutcome.decodeCodes(r[13])
                return o
            }
        }
    }

    /// Up to `perReason` examples of each reason a run rejected rows for.
    public func rejectionExamples(ofRun id: Int64, perReason: Int) throws(StoreError) -> [RejectionExample] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT source, file, line, path, reason, field, masked_row FROM (
                  SELECT *, row_number() OVER (PARTITION BY reason ORDER BY id) AS n FROM rejection WHERE run_id = ?
                ) WHERE n <= ? ORDER BY reason, id
                """, arguments: [id, perReason]).map { r in
                RejectionExample(source: r[0], file: r[1], line: r[2], path: r[3], reason: r[4], field: r[5], maskedRow: r[6])
            }
        }
    }

    /// Per source: the last successful fetch or import (when its run finished; a run that
    /// never finished, killed after the source's import was committed, counts from its
    /// start), and the last outcome. A dry run's
    /// files never count, whatever their outcome (a dry run may fail or meet an unchanged
    /// export like a real one).
    public func sourceStatus() throws(StoreError) -> [SourceStatus] {
        try read { db in
            // The last outcome of a real run per source, by the file's id.
            let last = """
                SELECT g.id FROM run_file g JOIN run r ON r.id = g.run_id
                WHERE g.source = f.source AND r.dry_run = 0 ORDER BY g.id DESC LIMIT 1
                """
            return try Row.fetchAll(db, sql: """
                SELECT f.source,
                  (SELECT max(coalesce(r.finished_at, r.started_at)) FROM run_file g JOIN run r ON r.id = g.run_id
                     WHERE g.source = f.source AND g.status IN ('imported', 'skipped_identical', 'unchanged') AND r.dry_run = 0),
                  l.status, l.inserted + l.updated, l.rejected, l.rows_read
                FROM (SELECT DISTINCT g.source FROM run_file g JOIN run r ON r.id = g.run_id WHERE r.dry_run = 0) f
                JOIN run_file l ON l.id = (\(last))
                ORDER BY f.source
                """).map { r in
                SourceStatus(source: r[0], lastSuccess: (r[1] as Int64?).map(Instant.init(secondsSinceEpoch:)), lastStatus: r[2], records: r[3],
                             rejected: r[4], rowsRead: r[5])
            }
        }
    }

    /// The fetch state of a source, if it was ever imported.
    public func fetchState(source: String) throws(StoreError) -> FetchState? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT source, etag, last_modified, content_sha256, last_success_at FROM fetch_state WHERE source = ?",
                             arguments: [source]).map { r in
                FetchState(source: r[0], etag: r[1], lastModified: r[2], contentHash: r[3],
                           lastSuccessAt: (r[4] as Int64?).map(Instant.init(secondsSinceEpoch:)))
            }
        }
    }

    /// One row per run with its counts, read by `summary`.
    static let runSummarySQL = """
        SELECT r.id, r.command, r.started_at, r.finished_at, r.status, r.dry_run,
          (SELECT count(*) FROM run_file f WHERE f.run_id = r.id AND f.status != 'failed'),
          (SELECT count(*) FROM run_file f WHERE f.run_id = r.id AND f.status = 'failed'),
          (SELECT coalesce(sum(inserted + updated), 0) FROM run_file f WHERE f.run_id = r.id),
          (SELECT coalesce(sum(rejected), 0) FROM run_file f WHERE f.run_id = r.id),
          r.reason
        FROM run r
        """

    static func summary(_ r: Row) -> RunSummary {
        RunSummary(id: r[0], command: r[1], startedAt: Instant(secondsSinceEpoch: r[2]),
                   finishedAt: (r[3] as Int64?).map(Instant.init(secondsSinceEpoch:)), status: r[4], dryRun: r[5],
                   sourcesOK: r[6], sourcesFailed: r[7], records: r[8], rejected: r[9], reason: r[10])
    }
}

/// Totals over the run history the store keeps, for monitoring counters.
public struct MonitoringTotals: Sendable, Equatable {
    public struct Source: Sendable, Equatable {
        public var source: String
        /// Records inserted or updated, over every non-dry run.
        public var records = 0
        public var bytes = 0
        public var rejectedByReason: [String: Int] = [:]
        /// Duration of the source's most recent attempt, in milliseconds.
        public var lastDurationMilliseconds = 0

        package init(source: String) { self.source = source }
    }
    public var sources: [Source] = []
    /// Runs (dry runs excluded) by their status.
    public var runsByStatus: [String: Int] = [:]
    /// Duration of the most recent finished run, in seconds.
    public var lastRunSeconds: Int64?

    package init() {}
}

extension SQLiteStore {
    /// Counters over the kept run history (they drop when `retention.runs` deletes runs:
    /// Prometheus reads that as a counter reset).
    public func monitoringTotals() throws(StoreError) -> MonitoringTotals {
        try read { db in
            var totals = MonitoringTotals()
            var bySource: [String: MonitoringTotals.Source] = [:]
            let rows = try Row.fetchAll(db, sql: """
                SELECT f.source, f.inserted + f.updated, f.bytes, f.rejected_by_reason, f.duration_ms
                FROM run_file f JOIN run r ON r.id = f.run_id WHERE r.dry_run = 0 ORDER BY f.id
                """)
            for r in rows {
                let name: String = r[0]
                var s = bySource[name] ?? MonitoringTotals.Source(source: name)
                s.records += r[1] as Int
                s.bytes += r[2] as Int
                for (reason, n) in FileOutcome.reasons(r[3]) { s.rejectedByReason[reason, default: 0] += n }
                s.lastDurationMilliseconds = r[4]
                bySource[name] = s
            }
            totals.sources = bySource.values.sorted { $0.source < $1.source }
            for r in try Row.fetchAll(db, sql: "SELECT status, count(*) FROM run WHERE dry_run = 0 GROUP BY status ORDER BY status") {
                totals.runsByStatus[r[0]] = r[1]
            }
            totals.lastRunSeconds = try Int64.fetchOne(db, sql: """
                SELECT finished_at - started_at FROM run WHERE finished_at IS NOT NULL AND dry_run = 0 ORDER BY id DESC LIMIT 1
                """)
            return totals
        }
    }
}
