import Foundation
public import Logging
public import TrinCore
import TrinFetch
public import TrinMapping
import TrinSchedule
public import TrinStore
public import TrinImport

/// What one pass over the sources did.
public struct RunResult: Sendable {
    public var runID: Int64
    public var dryRun: Bool
    /// One outcome per source attempted, in order.
    public var outcomes: [FileOutcome]
    public var status: RunStatus
    /// Sources not attempted because shutdown was requested.
    public var notAttempted: [String]
    /// Sources whose import rejected more than their `rejectedShareLimit` of the rows read.
    public var rejectionsAboveLimit: [RejectionsAboveLimit] = []
    /// What the run could not write after the pass (the metric set, retention, the textfile,
    /// the log): its records are kept, but the run is not a success.
    public var outputFailures: [String] = []

    /// Why the run was not a success beyond its files' own messages (kept with the run and
    /// shown by `trin runs show`): rejected rows above a limit, outputs not written, sources
    /// not attempted. Nil when there is nothing more to say.
    public var reason: String? {
        var parts = rejectionsAboveLimit.map { "rejected rows above the limit: \($0)" }
        parts += outputFailures
        if !notAttempted.isEmpty { parts.append("stopped before these sources: \(notAttempted.joined(separator: ", "))") }
        return parts.isEmpty ? nil : PersonalDataMask.mask(parts.joined(separator: "; "))
    }

    /// Whether every attempted source succeeded (imported, skipped as identical, unchanged)
    /// and every output was written.
    public var succeeded: Bool {
        !outcomes.contains { $0.status == .failed } && notAttempted.isEmpty && rejectionsAboveLimit.isEmpty && outputFailures.isEmpty
    }
}

/// A source whose import rejected more than its limit of the rows it read.
public struct RejectionsAboveLimit: Sendable, CustomStringConvertible {
    public var source: String
    public var rejected: Int
    public var rowsRead: Int
    public var limit: Double

    public var description: String {
        "\(source) rejected \(rejected) of \(rowsRead) rows (\(Int((100 * Double(rejected) / Double(max(rowsRead, 1))).rounded())) %, "
            + "limit \(Int((100 * limit).rounded())) %)"
    }
}

/// One pass over configured sources: for each, fetch (conditionally) and import.
///
/// The caller holds the run lock (`RunLock`) for the whole pass. Each source's
/// file is one transaction (see `Importer`); its fetch state (ETag, Last-Modified,
/// last success) commits with its records, so a crash at any point leaves the
/// store as it was before that file, and the next run fetches and imports it again.
public struct Runner: Sendable {
    public let store: any Store
    public let importer: Importer
    public let logger: Logger
    /// Clock for schedules, URL dates and last-success times; tests may fix it.
    public var now: @Sendable () -> Instant = { SystemClock.nowInstant() }

    public init(store: any Store, importer: Importer, logger: Logger) {
        self.store = store
        self.importer = importer
        self.logger = logger
    }

    /// The sources due by their schedules: a scheduled source is due when a firing
    /// time has passed since its last success, or when it never succeeded. Sources
    /// without a schedule run only when named or when all are run.
    public func dueSources(_ loaded: LoadedConfiguration, at instant: Instant) throws(StoreError) -> [SourceConfig] {
        var due: [SourceConfig] = []
        for source in loaded.sources {
            guard let schedule = loaded.schedules[source.name] else { continue }
            guard let last = try store.fetchState(source: source.name)?.lastSuccessAt else {
                due.append(source)
                continue
            }
            if schedule.nextFire(after: last) <= instant { due.append(source) }
        }
        return due
    }

    /// Runs `sources` one after another, recorded as one run. `shouldStop` is asked
    /// between sources (the daemon's shutdown); a source in progress always finishes.
    public func pass(_ loaded: LoadedConfiguration, sources: [SourceConfig], command: String, dryRun: Bool,
                     shouldStop: @escaping @Sendable () -> Bool = { false }) throws(StoreError) -> RunResult {
        removeStaleTemporaryFiles()
        let runID = try store.beginRun(command: command, startedAt: now(), dryRun: dryRun)
        logger.info("run started", metadata: ["event": "run_started", "run": "\(runID)", "command": "\(command)",
                                              "dry_run": "\(dryRun)", "sources": "\(sources.map(\.name).joined(separator: ","))"])
        var result = RunResult(runID: runID, dryRun: dryRun, outcomes: [], status: .running, notAttempted: [])
        for (i, source) in sources.enumerated() {
            if shouldStop() {
                result.notAttempted = sources[i...].map(\.name)
                logger.notice("shutdown requested: sources not attempted", metadata: [
                    "event": "run_interrupted", "run": "\(runID)", "sources": "\(result.notAttempted.joined(separator: ","))"])
                break
            }
            guard let mapping = loaded.mappings[source.name] else { continue }
            let outcome = runSource(source, mapping: mapping, runID: runID, dryRun: dryRun, shouldStop: shouldStop)
            result.outcomes.append(outcome)
            let limit = source.rejectedShareLimit ?? loaded.configuration.rejectedShareLimit
            if outcome.status != .failed, outcome.rowsRead > 0, Double(outcome.rejected) > limit * Double(outcome.rowsRead) {
                result.rejectionsAboveLimit.append(RejectionsAboveLimit(source: source.name, rejected: outcome.rejected,
                                                                        rowsRead: outcome.rowsRead, limit: limit))
                logger.warning("rejected share above the limit", metadata: [
                    "event": "source_rejections_high", "run": "\(runID)", "source": "\(source.name)",
                    "rejected": "\(outcome.rejected)", "rows_read": "\(outcome.rowsRead)", "limit": .stringConvertible(limit),
                    "rejected_by_reason": .dictionary(outcome.rejectedByReason.mapValues { .stringConvertible($0) }),
                ])
            }
        }
        result.status = !result.notAttempted.isEmpty ? .interrupted
            : result.rejectionsAboveLimit.isEmpty ? RunStatus(outcomes: result.outcomes) : .partial
        try store.finishRun(id: runID, finishedAt: now(), status: result.status, reason: result.reason)
        return result
    }

    /// The `run_finished` line, once the run's outputs are written too (`RunSession.pass`),
    /// so that its status is the one the store keeps.
    static func logFinished(_ result: RunResult, _ logger: Logger) {
        let failed = result.outcomes.filter { $0.status == .failed }.count
        var metadata: Logger.Metadata = ["event": "run_finished", "run": "\(result.runID)", "status": "\(result.status.rawValue)",
                                         "sources_failed": "\(failed)", "sources": .stringConvertible(result.outcomes.count)]
        if let reason = result.reason { metadata["reason"] = "\(reason)" }
        logger.info("run finished", metadata: metadata)
    }

    /// Fetches one source and imports what came. Never throws: a failure is an outcome.
    /// A shutdown (`shouldStop`) cuts retry delays short; a transfer or import in progress finishes.
    public func runSource(_ source: SourceConfig, mapping: Mapping, runID: Int64, dryRun: Bool,
                          shouldStop: @escaping @Sendable () -> Bool = { false }) -> FileOutcome {
        let started = ContinuousClock.now
        let at = now()
        var url = source.url
        var outcome = FileOutcome(runID: runID, source: source.name, file: URLRedaction.redact(source.url), status: .failed)
        func finish(_ o: FileOutcome, event: String, bytes: Int64 = 0, attempts: Int? = nil) -> FileOutcome {
            var meta: Logger.Metadata = ["event": "\(event)", "source": "\(source.name)", "url": "\(o.file)",
                                         "run": "\(runID)", "bytes": "\(bytes)",
                                         "duration_ms": "\(Self.milliseconds(ContinuousClock.now - started))"]
            if let s = o.httpStatus { meta["http_status"] = "\(s)" }
            if let attempts { meta["attempts"] = "\(attempts)" }
            if let m = o.message, o.status == .failed { meta["error"] = "\(m)" }
            if o.status == .failed { logger.error("source failed", metadata: meta) } else { logger.info("source \(event.dropFirst(7))", metadata: meta) }
            return o
        }
        func failed(_ message: String, httpStatus: Int? = nil, attempts: Int? = nil) -> FileOutcome {
            var o = outcome
            o.status = .failed
            o.httpStatus = httpStatus
            o.message = PersonalDataMask.mask(message)
            o.durationMilliseconds = Self.milliseconds(ContinuousClock.now - started)
            // A dry run keeps its outcomes too (only them): `trin runs show` of it says what it met.
            try? store.recordFileOutcome(o)
            return finish(o, event: "source_failed", attempts: attempts)
        }

        do { url = try URLDateTemplate.expand(source.url, at: at) } catch { return failed("\(error)") }
        outcome.file = URLRedaction.redact(url)

        let authentication: FetchAuthentication?
        do { authentication = try Self.authentication(source.auth) } catch { return failed(error.description) }
        let previous: FetchState?
        do { previous = try store.fetchState(source: source.name) } catch { return failed("\(error)") }

        let expected: ExpectedContent = switch mapping.format {
        case .csv: .csv
        case .xml: .xml
        }
        let request = FetchRequest(url: url, expectedContent: expected, previousETag: previous?.etag,
                                   previousLastModified: previous?.lastModified, authentication: authentication,
                                   headers: source.headers.sorted { $0.key < $1.key }.map { FetchHeader(name: $0.key, value: $0.value) })
        let fetched: FetchOutcome
        do {
            // The fetcher's lines carry the run and the source, as every other line of the run.
            var fetchLogger = logger
            fetchLogger[metadataKey: "run"] = "\(runID)"
            fetchLogger[metadataKey: "source"] = "\(source.name)"
            let fetcher = try HTTPFetcher(policy: Self.policy(source), logger: fetchLogger,
                                          environment: .interruptible(by: shouldStop))
            fetched = try fetcher.fetch(request, into: temporaryDirectory, prefix: HTTPFetcher.temporaryPrefix(for: store.location))
        } catch {
            return failed(error.description, httpStatus: error.httpStatus, attempts: error.attempts)
        }

        switch fetched {
        case .notModified(let n):
            var o = outcome
            o.status = .unchanged
            o.httpStatus = n.status == 0 ? nil : n.status
            o.durationMilliseconds = Self.milliseconds(ContinuousClock.now - started)
            if !dryRun {
                // The export is current: that is a success, so the schedule counts from now.
                let state = FetchState(source: source.name, etag: n.etag ?? previous?.etag,
                                       lastModified: n.lastModified ?? previous?.lastModified,
                                       contentHash: previous?.contentHash, lastSuccessAt: at)
                do {
                    try store.importFile { file in try file.saveFetchState(state) }
                    try store.recordFileOutcome(o)
                } catch {
                    return failed("\(error)", httpStatus: o.httpStatus)
                }
            } else {
                try? store.recordFileOutcome(o)
            }
            return finish(o, event: "source_unchanged", attempts: n.attempts)

        case .fetched(let file):
            defer { unlink(file.path) }
            let httpStatus = file.status == 0 ? nil : file.status
            logger.info("source fetched", metadata: [
                "event": "source_fetched", "source": "\(source.name)", "url": "\(outcome.file)", "run": "\(runID)",
                "http_status": "\(file.status)", "bytes": "\(file.bytes)", "attempts": "\(file.attempts)",
                "duration_ms": "\(Self.milliseconds(file.duration))",
            ])
            let state = FetchState(source: source.name, etag: file.etag, lastModified: file.lastModified,
                                   contentHash: nil, lastSuccessAt: at)
            var o = importer.importFile(path: file.path, displayName: outcome.file, mapping: mapping, source: source.name,
                                        runID: runID, commit: !dryRun, fetchState: state, httpStatus: httpStatus)
            o.durationMilliseconds = Self.milliseconds(ContinuousClock.now - started)
            return finish(o, event: o.status == .failed ? "source_failed" : "source_\(o.status.rawValue)",
                          bytes: file.bytes, attempts: file.attempts)
        }
    }

    /// Fetched bodies land beside the store (same file system, so a large export
    /// does not fill /tmp, and the disk the store needs is the one checked).
    var temporaryDirectory: String { store.workDirectory }

    /// Bodies left by a run that was killed mid-fetch or mid-import. Safe because the
    /// caller holds the run lock and the names carry the store's (`HTTPFetcher.temporaryPrefix`):
    /// no other run of this store can be writing one, and another store's in the same folder
    /// is left alone.
    func removeStaleTemporaryFiles() {
        let dir = temporaryDirectory
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
        let prefix = HTTPFetcher.temporaryPrefix(for: store.location)
        for name in names where name.hasPrefix(prefix) || HTTPFetcher.isUnownedTemporary(name) {
            unlink(dir + "/" + name)
            logger.info("removed a temporary file left by an interrupted run", metadata: ["event": "stale_temporary_removed", "file": "\(name)"])
        }
    }

    static func policy(_ s: SourceConfig) -> FetchPolicy {
        FetchPolicy(
            retry: RetryPolicy(maxAttempts: s.retryAttempts, baseDelay: .milliseconds(Int64(s.retryBaseDelay * 1000)),
                               maxDelay: .milliseconds(Int64(s.retryMaxDelay * 1000))),
            connectTimeout: .seconds(max(1, s.connectTimeout)), overallTimeout: .seconds(max(1, s.totalTimeout)),
            stallTime: .seconds(max(1, s.stallTimeout)), maxBytes: s.maxBytes, caFile: s.caFile,
            allowHTTPDowngrade: s.allowHTTPDowngrade)
    }

    /// Reads a source's secret from its file. A trailing newline (as `echo` writes) is
    /// not part of the secret. The secret is never logged or put in an error.
    static func authentication(_ auth: SourceConfig.Auth?) throws(SecretError) -> FetchAuthentication? {
        switch auth {
        case nil: return nil
        case .bearer(let file)?: return .bearer(token: try readSecret(file, what: "bearer token file"))
        case .basic(let user, let file)?: return .basic(user: user, password: try readSecret(file, what: "basic password file"))
        }
    }

    static func readSecret(_ path: String, what: String) throws(SecretError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw SecretError(path: path, what: what) }
        var bytes = [UInt8](data)
        while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
        let text = String(decoding: bytes, as: UTF8.self)
        guard !text.isEmpty else { throw SecretError(path: path, what: what, empty: true) }
        return text
    }

    static func milliseconds(_ d: Duration) -> Int {
        Int(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)
    }
}

/// A secret file that cannot be used. Names the file, never its content.
public struct SecretError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let what: String
    public var empty = false
    public var description: String { "\(what) \(path) " + (empty ? "is empty" : "does not exist or cannot be read") }
}
