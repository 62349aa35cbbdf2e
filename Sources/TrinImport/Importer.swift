public import Logging
import Synchronization
package import TrinCore
public import TrinMapping
public import TrinPseudonym
public import TrinStore
#if canImport(Glibc)
import Glibc
import Foundation
#endif

/// Imports export files into the store: decode through the mapping, pseudonymise,
/// deduplicate, keep rejected rows masked. One file, one transaction.
public struct Importer: Sendable {
    public let store: Store
    public let pseudonymiser: Pseudonymiser
    public let logger: Logger
    /// How many rejected rows of a file are named in the log (all are kept in the store).
    public var loggedRejectionsPerFile = 20
    /// Above this database size, sorted batches go to run files next to the store and are
    /// merged `runsPerMerge` at a time: each pass over a tree larger than the page cache
    /// rewrites most of it, so fewer, larger passes are faster; memory stays the same.
    public var spillAboveBytes = 128 << 20
    public var runsPerMerge = 16
    /// Where run files go; nil: the store's directory.
    public var runDirectory: String?
    /// Records per sorted write: the first writes are small, so the store starts while the
    /// file is still being read; then they double up to the largest (a write touches each
    /// page of the tree once, so bigger writes are faster, at the cost of memory).
    public var eventBatches = 4096...65_536
    /// Whether a CSV export skips, undecoded, the rows its source's last export contributed
    /// (`KnownRows`): the nightly full export then costs little more than reading it.
    /// Off only to compare with the full path.
    public var skipsKnownRows = true
    /// Called on the importing thread after each batch the store has written, and once when
    /// a file is done: for a progress line on a terminal. Nil: no reports.
    public var progress: (@Sendable (ImportProgress) -> Void)?

    public init(store: Store, pseudonymiser: Pseudonymiser, logger: Logger) throws(StoreError) {
        self.store = store
        self.pseudonymiser = pseudonymiser
        self.logger = logger
        try store.bind(keyID: pseudonymiser.keyID, scheme: Pseudonymiser.scheme)
    }

    /// Imports one file. Never throws for a bad file: the outcome says it failed and
    /// why, and nothing of it is committed. `commit: false` reads, counts and rolls back.
    /// `fetchState` is saved in the same transaction as the records it brought.
    public func importFile(path: String, displayName: String? = nil, mapping: Mapping, source: String? = nil,
                           runID: Int64, commit: Bool = true, fetchState: FetchState? = nil,
                           httpStatus: Int? = nil) -> FileOutcome {
        let name = displayName ?? path
        let sourceName = source ?? mapping.name
        let started = SystemClock.now()
        var outcome = FileOutcome(runID: runID, source: sourceName, file: name, status: .failed, httpStatus: httpStatus)
        // The digest that recognises an export imported before is computed beside the import,
        // not before it; the import stops as soon as the digest shows the file is known. A
        // file of a size never imported cannot be known: its digest waits for a free core.
        let identity = FileDigest.Identity.of(path: path)
        let mayBeKnown = identity.map { (try? store.hasImportedFile(ofBytes: $0.size)) ?? true } ?? true
        // A source with known rows sends mostly rows it sent before: reading them is light, and
        // the digest has the other core to itself from the start.
        let mostlyKnown = skipsKnownRows && ((try? store.hasKnownRows(source: sourceName)) ?? false)
        let digest = FileDigest.start(path: path, urgency: mayBeKnown || mostlyKnown ? .mayBeKnown : .atTheEnd)
        defer { digest.finish() }
        func importKey(_ d: (hex: String, bytes: Int)) -> ImportKey {
            ImportKey(contentHash: d.hex, source: sourceName, mappingFingerprint: mapping.fingerprint)
        }
        func report(_ rows: Int, _ bytes: Int, finished: Bool) {
            progress?(ImportProgress(source: sourceName, file: name, rowsRead: rows, bytesRead: bytes,
                                     totalBytes: identity?.size ?? 0, elapsedMilliseconds: SystemClock.milliseconds(since: started),
                                     finished: finished))
        }
        defer { report(outcome.rowsRead, outcome.bytes, finished: true) }
        /// The file is one imported before: nothing of this reading is kept.
        func skip() throws {
            outcome.bytes = try digest.wait().bytes
            outcome.status = .skippedIdentical
            outcome.durationMilliseconds = SystemClock.milliseconds(since: started)
            if commit, let fetchState {
                try store.importFile { file in try file.saveFetchState(fetchState) }
            }
            try store.recordFileOutcome(outcome)
        }
        do {
            do {
                outcome = try store.importFile(commit: commit) { file in
                    var o = outcome
                    // Asked once, as soon as the digest is in (it cannot change in this transaction).
                    var knownAsked = false
                    try decode(path: path, name: name, mapping: mapping, source: sourceName, runID: runID, into: file,
                               outcome: &o, readingDone: { digest.begin() }, progressed: { report($0, $1, finished: false) }) {
                        guard !knownAsked, let d = digest.ifDone else { return }
                        knownAsked = true
                        if try file.hasImported(importKey(d)) { throw AlreadyImported() }
                    }
                    let d = try digest.wait()
                    // The records read and the digest must be of one and the same content.
                    guard let identity, FileDigest.Identity.of(path: path) == identity, d.bytes == identity.size else {
                        throw ImportError.changedWhileReading(file: path)
                    }
                    let key = importKey(d)
                    if !knownAsked, try file.hasImported(key) { throw AlreadyImported() }
                    o.bytes = d.bytes
                    o.status = commit ? .imported : .dryRun
                    o.durationMilliseconds = SystemClock.milliseconds(since: started)
                    try file.complete(o, key: key, at: SystemClock.nowInstant())
                    if let fetchState { try file.saveFetchState(fetchState) }
                    return o
                }
                // A dry run's transaction was rolled back, its outcome with it: kept on its own, so
                // that `trin runs show` of a dry run lists what it met (no record, no rejected row).
                if !commit { try? store.recordFileOutcome(outcome) }
            } catch is AlreadyImported {
                try skip()
            } catch {
                // A file imported before is skipped, even when reading it again went wrong
                // before the digest was known (the old file's records are in the store). A
                // file of a size never imported cannot be one: it is not hashed at all.
                guard mayBeKnown, (try? store.hasImported(importKey(digest.wait()))) == true else { throw error }
                try skip()
            }
        } catch {
            outcome.bytes = digest.ifDone?.bytes ?? identity?.size ?? outcome.bytes
            outcome.status = .failed
            outcome.rowsRead = 0; outcome.inserted = 0; outcome.updated = 0; outcome.duplicates = 0
            outcome.rejectedByReason = [:]
            outcome.unknownCodes = []
            outcome.message = Self.message(error, path: path, name: name)
            outcome.durationMilliseconds = SystemClock.milliseconds(since: started)
            try? store.recordFileOutcome(outcome)
        }
        log(outcome)
        return outcome
    }

    /// The directory a file is in ("." for a bare name).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Reads, decodes and pseudonymises on a thread of its own (XML adds a third, the parser)
    /// while this thread stores: one file uses both cores, and the store never waits for the
    /// parser. Everything stays in file order, so the first rejections logged are the first.
    /// `stopIfKnown` runs between hand-overs and throws to abandon a file imported before;
    /// `readingDone` is called on the decoding thread once the whole file is read.
    private func decode(path: String, name: String, mapping: Mapping, source: String, runID: Int64,
                        into file: FileImport, outcome: inout FileOutcome, readingDone: @escaping @Sendable () -> Void,
                        progressed: (_ rows: Int, _ bytes: Int) -> Void,
                        stopIfKnown: () throws -> Void) throws {
        var rows = 0
        var rejected: [String: Int] = [:]
        var unknownCodes = UnknownCode.Tally()
        var logged = 0
        let pseudonymiser = self.pseudonymiser
        let eventBatches = self.eventBatches
        let spill = SpillSwitch(directory: runDirectory ?? Self.directory(of: store.path))
        var runs: [SortedRun] = []
        let digester = skipsKnownRows ? pseudonymiser.rowDigester : nil
        let stored = digester == nil ? nil : try file.knownRows(source: source)
        var knownForNext: KnownRows?
        var known = 0
        if try file.databaseBytes() > spillAboveBytes { spill.turnOn() }
        try HandOffQueue<ImportBatch>.run(capacity: Self.queuedBatches, name: "trin-decode") { queue in
            try Self.produceItems(path: path, mapping: mapping, source: source, pseudonymiser: pseudonymiser,
                                  digester: digester, known: stored, eventBatches: eventBatches, spill: spill, into: queue)
            readingDone()
        } consume: { batch, producerFinished in
            try stopIfKnown()
            rows += batch.rowsRead
            progressed(rows, batch.bytesRead)
            file.countKnown(batch.knownRows)
            known += batch.knownRows
            if let next = batch.knownRowsForNext { knownForNext = next }
            if let events = batch.events {
                // Runs hold earlier rows of the file: they go first.
                if !runs.isEmpty { try file.write(merging: runs); runs.removeAll() }
                try file.write(events)
                if !spill.isOn, try file.databaseBytes() > spillAboveBytes { spill.turnOn() }
            }
            if let run = batch.run {
                runs.append(run)
                // Once the file is read, the runs still to come are all queued: one last
                // merge of everything costs one pass over the tree instead of several.
                if runs.count >= runsPerMerge && !producerFinished() { try file.write(merging: runs); runs.removeAll() }
            }
            for enterprise in batch.enterprises { file.add(enterprise) }
            for rejection in batch.rejections {
                rejected[rejection.reason.rawValue, default: 0] += 1
                if let value = rejection.value { unknownCodes.count(rejection.reason.rawValue, field: rejection.field ?? "", value: value) }
                try file.reject(rejection, runID: runID, source: source, file: name)
                if logged < loggedRejectionsPerFile {
                    logged += 1
                    var meta: Logger.Metadata = ["event": "row_rejected", "run": "\(runID)", "source": "\(source)", "file": "\(name)",
                                                 "line": "\(rejection.line)", "reason": "\(rejection.reason.rawValue)"]
                    if let path = rejection.path { meta["element"] = "\(path)" }
                    if let field = rejection.field { meta["field"] = "\(field)" }
                    // A notice, not a warning: rejected rows are expected data quality, counted per
                    // file and source; a run with them is a successful run.
                    logger.notice("rejected row", metadata: meta)
                }
            }
        }
        if !runs.isEmpty { try file.write(merging: runs) }
        if let knownForNext { try file.saveKnownRows(source: source, knownForNext) }
        try file.flush()
        outcome.rowsRead = rows
        outcome.inserted = file.inserted
        outcome.updated = file.updated
        outcome.duplicates = file.duplicates
        outcome.rejectedByReason = rejected
        outcome.unknownCodes = unknownCodes.mostFrequent
        outcome.knownRows = known
    }

    /// Rejected and register rows per hand-over; hand-overs queued, by weight: two sorted
    /// batches in memory (waiting while the store writes a third keeps both cores busy), or
    /// sixteen run files (a merge ahead: the decoding stage need not wait for a merge).
    static let itemsPerBatch = 2048
    static let queuedBatches = 16
    static func weight(_ batch: ImportBatch) -> Int { batch.events != nil ? 8 : 1 }

    /// The producing stage: every row of the file as an item to store, in file order.
    private static func produceItems(path: String, mapping: Mapping, source: String, pseudonymiser: Pseudonymiser,
                                     digester: RowDigester?, known: KnownRows?, eventBatches: ClosedRange<Int>, spill: SpillSwitch,
                                     into queue: HandOffQueue<ImportBatch>) throws {
        let decoder: FileDecoder
        switch mapping.format {
        case .csv(let layout):
            decoder = try CSVFileDecoder(path: path, mapping: mapping, layout: layout, source: source, digester: digester, known: known,
                                         spillDirectory: spill.directory)
        case .xml(let layout): decoder = try XMLFileDecoder(path: path, mapping: mapping, layout: layout)
        }
        var batch = ImportBatch()
        var events = EventRows(source: source)
        var eventTarget = eventBatches.lowerBound
        events.reserveCapacity(eventTarget)
        // Exports list a citizen's records together (an XML Forloeb holds several events):
        // one remembered pseudonym saves most keyed hashes there.
        var lastCPR: CPRNumber?
        var lastPseudonym = Pseudonym(high: 0, low: 0)
        /// Sorts the records gathered so far and puts them into the batch, in memory or in a run file.
        func attachEvents() throws {
            events.sort()
            if spill.isOn { batch.run = try SortedRun(events, directory: spill.directory) } else { batch.events = events }
        }
        /// Hands the batch over, stamped with how far the file has been read.
        func send() throws {
            batch.bytesRead = decoder.bytesRead
            try queue.send(batch, weight: weight(batch))
        }
        try decoder.decode { item, elementPath, masked in
            batch.rowsRead += 1
            switch item {
            case .known:
                batch.knownRows += 1
            case .unreadable(let reason, let line, let detail):
                // The detail ("expected 11 fields, found 12") is what operations need here.
                batch.rejections.append(Rejection(line: line, path: nil, reason: reason, field: detail, maskedRow: masked()))
            case .outcome(.rejected(let reason, let field, let value), let line):
                batch.rejections.append(Rejection(line: line, path: elementPath(), reason: reason, field: field, maskedRow: masked(),
                                                  value: value))
            case .outcome(.event(let event), _):
                if event.cpr != lastCPR {
                    lastPseudonym = pseudonymiser.pseudonym(for: event.cpr)
                    lastCPR = event.cpr
                }
                events.append(event, pseudonym: lastPseudonym)
                if events.count >= eventTarget {
                    try attachEvents()
                    try send()
                    batch = ImportBatch()
                    eventTarget = min(eventTarget * 2, eventBatches.upperBound)
                    events = EventRows(source: source)
                    events.reserveCapacity(eventTarget)
                }
            case .outcome(.enterprise(let enterprise), _):
                batch.enterprises.append(enterprise)
            }
            // Known rows weigh little: a hand-over every 64 Ki of them keeps progress and the
            // imported-before check going when a night brings almost nothing new.
            if batch.enterprises.count + batch.rejections.count + batch.knownRows / 32 >= itemsPerBatch {
                try send()
                batch = ImportBatch()
            }
        }
        if !events.isEmpty { try attachEvents() }
        batch.knownRowsForNext = decoder.knownRowsForNext
        if batch.rowsRead > 0 || batch.knownRowsForNext != nil { try send() }
    }

    private func log(_ o: FileOutcome) {
        var meta: Logger.Metadata = [
            "event": "file_\(o.status.rawValue)", "run": "\(o.runID)", "source": "\(o.source)", "file": "\(o.file)", "bytes": "\(o.bytes)",
            "duration_ms": "\(o.durationMilliseconds)", "rows_read": "\(o.rowsRead)", "inserted": "\(o.inserted)",
            "updated": "\(o.updated)", "duplicates": "\(o.duplicates)", "rejected": "\(o.rejected)",
            "known_rows": "\(o.knownRows)",
        ]
        if !o.rejectedByReason.isEmpty {
            meta["rejected_by_reason"] = .dictionary(o.rejectedByReason.mapValues { .stringConvertible($0) })
        }
        if !o.unknownCodes.isEmpty {
            meta["unknown_codes"] = .array(o.unknownCodes.map {
                .dictionary(["field": "\($0.field)", "value": "\($0.value)", "rows": .stringConvertible($0.rows)])
            })
        }
        if let m = o.message { meta["error"] = "\(m)" }
        if let s = o.httpStatus { meta["http_status"] = "\(s)" }
        if o.status == .failed { logger.error("file failed", metadata: meta) } else { logger.info("file \(o.status.rawValue)", metadata: meta) }
    }

    /// The error as operations read it: named by the file's display name (the source URL,
    /// not a temporary download), and masked: an error text must never carry a CPR number
    /// (libxml2 may quote a few characters of the document).
    static func message(_ error: any Error, path: String, name: String) -> String {
        PersonalDataMask.mask("\(error)".replacingOccurrences(of: path, with: name))
    }
}

/// Whether the decoding stage writes sorted batches to run files (set by the store's thread
/// once the database outgrows `Importer.spillAboveBytes`), and where.
final class SpillSwitch: Sendable {
    let directory: String
    private let on = Atomic<Bool>(false)

    init(directory: String) { self.directory = directory }

    var isOn: Bool { on.load(ordering: .relaxed) }
    func turnOn() { on.store(true, ordering: .relaxed) }
}

/// The digest shows the file was imported before: the transaction is rolled back and the
/// file reported as skipped.
struct AlreadyImported: Error {}

/// Wall-clock readings for durations and timestamps (the service's too).
package enum SystemClock {
    static func now() -> timespec {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return t
    }

    static func milliseconds(since start: timespec) -> Int {
        let t = now()
        return (t.tv_sec - start.tv_sec) * 1000 + (t.tv_nsec - start.tv_nsec) / 1_000_000
    }

    package static func nowInstant() -> Instant {
        var t = timespec()
        clock_gettime(CLOCK_REALTIME, &t)
        return Instant(secondsSinceEpoch: Int64(t.tv_sec))
    }
}
