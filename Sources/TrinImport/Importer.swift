public import Logging
import TrinCore
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
    public let store: any Store
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
    /// Whether an XML export into a store that writes best in one pass (a SQLite store with no
    /// records yet) holds its records back in sorted runs until it is read, where the disk has
    /// room for them (twice the file's size free): measured on two cores, the same wall time
    /// or less and 0.6 CPU seconds less per million records than writing them as they come
    /// (docs/benchmarks.md). Off only to compare the two.
    public var writesInOnePass = true
    /// Whether an export skips, undecoded, the CSV rows or XML records its source's last export
    /// contributed (`KnownRows`): the nightly full export then costs little more than reading it.
    /// Off only to compare with the full path.
    public var skipsKnownRows = true
    /// Called on the importing thread after each batch the store has written, and once when
    /// a file is done: for a progress line on a terminal. Nil: no reports.
    public var progress: (@Sendable (ImportProgress) -> Void)?

    public init(store: any Store, pseudonymiser: Pseudonymiser, logger: Logger) throws(StoreError) {
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
        let file = FileUnderImport(path: path, name: displayName ?? path, source: source ?? mapping.name, mapping: mapping,
                                   runID: runID, commit: commit, fetchState: fetchState, httpStatus: httpStatus, importer: self)
        defer { file.digest.finish() }
        var outcome: FileOutcome
        do {
            switch try readAndStore(file) {
            case .stored(let stored): outcome = stored
            case .importedBefore: outcome = try skip(file)
            }
        } catch {
            outcome = failed(file, error)
        }
        report(file, outcome, finished: true)
        log(outcome)
        return outcome
    }

    /// What reading a file into its transaction came to.
    private enum Reading {
        /// Imported (or counted, in a dry run).
        case stored(FileOutcome)
        /// Its content was imported before: the transaction was rolled back.
        case importedBefore
    }

    /// One file's transaction: the decode and store stages, then the digest's verdict. The
    /// transaction is abandoned (by throwing `AlreadyImported`) as soon as the digest shows a
    /// file imported before.
    private func readAndStore(_ f: FileUnderImport) throws -> Reading {
        do {
            let outcome = try store.importFile(commit: f.commit) { transaction in
                var outcome = f.emptyOutcome
                // Asked once, as soon as the digest is in (it cannot change in this transaction).
                var knownAsked = false
                let spill = SpillSwitch(directory: runDirectory ?? store.workDirectory)
                var isCSV: Bool { if case .csv = f.mapping.format { true } else { false } }
                // Reading XML takes two threads (libxml2's and the decoder's): on two cores the
                // store's thread takes its CPU from them, so where one pass at the end costs the
                // store much less, records wait for it in sorted runs. A CSV file is decoded on one
                // thread, and the store writing on the other core as records come is faster.
                // The runs hold about 70 % of the file's size until the commit, beside the store it
                // makes: only where the disk has room for both (unknown room: try, and a full disk
                // fails the file as any write would).
                var room: Bool { f.identity.map { file in DiskSpace.available(at: spill.directory).map { $0 >= 2 * file.size } ?? true } ?? true }
                let onePass = try !isCSV && writesInOnePass && transaction.writesBestInOnePass() && room
                // Known rows: every CSV import keeps its rows' digests for the next export. An XML
                // import into an empty store keeps none: there the digests would take a fifth more
                // time from the decoding thread, which shares the cores with libxml2 (the next
                // export is then read in full, and keeps them for the one after). It removes an
                // older set of the source (one a purge of every record left behind).
                let digester = skipsKnownRows && !onePass ? pseudonymiser.rowDigester : nil
                let decode = DecodeStage(path: f.path, mapping: f.mapping, source: f.source, pseudonymiser: pseudonymiser,
                                         digester: digester, known: digester == nil ? nil : try transaction.knownRows(source: f.source),
                                         eventBatches: eventBatches, spill: spill, forgetsKnownRows: skipsKnownRows && onePass)
                var storeStage = try StoreStage(file: transaction, runID: f.runID, source: f.source, name: f.name, logger: logger,
                                                loggedRejections: loggedRejectionsPerFile, runsPerMerge: runsPerMerge,
                                                spillAboveBytes: spillAboveBytes, spill: spill, onePass: onePass)
                // A superset export, shown by rows skipped as known: the store's upkeep runs while
                // the decoder skips the rest (not before the file is known not to be one imported
                // before: that would be undone).
                var upkeepDone = false
                try HandOffQueue<ImportBatch>.run(capacity: Self.queuedBatches, name: "trin-decode") { queue in
                    try decode.run(into: queue)
                    f.digest.begin()
                } consume: { batch, producerFinished in
                    if !knownAsked, let d = f.digest.ifDone {
                        knownAsked = true
                        if try transaction.hasImported(f.key(d)) { throw AlreadyImported() }
                    }
                    if !upkeepDone && batch.knownRows > 0 && (!f.mayBeKnown || knownAsked) {
                        upkeepDone = true
                        try transaction.beforeSupersetExport()
                    }
                    try storeStage.take(batch, producerFinished: producerFinished())
                    report(f, rows: storeStage.rows, bytes: batch.bytesRead)
                }
                try storeStage.finish(into: &outcome)
                let d = try f.digest.wait()
                // The records read and the digest must be of one and the same content.
                guard let identity = f.identity, FileIdentity.of(path: f.path) == identity, d.bytes == identity.size else {
                    throw ImportError.changedWhileReading(file: f.path)
                }
                if !knownAsked, try transaction.hasImported(f.key(d)) { throw AlreadyImported() }
                outcome.bytes = d.bytes
                outcome.status = f.commit ? .imported : .dryRun
                outcome.durationMilliseconds = SystemClock.milliseconds(since: f.started)
                try transaction.complete(outcome, key: f.key(d), at: SystemClock.nowInstant())
                if let fetchState = f.fetchState { try transaction.saveFetchState(fetchState) }
                return outcome
            }
            // A dry run's transaction was rolled back, its outcome with it: kept on its own, so
            // that `trin runs show` of a dry run lists what it met (no record, no rejected row).
            if !f.commit { try? store.recordFileOutcome(outcome) }
            return .stored(outcome)
        } catch is AlreadyImported {
            return .importedBefore
        } catch {
            // A file imported before is skipped, even when reading it again went wrong before
            // the digest was known (the old file's records are in the store). A file of a size
            // never imported cannot be one: it is not hashed at all.
            guard f.mayBeKnown, (try? store.hasImported(f.key(f.digest.wait()))) == true else { throw error }
            return .importedBefore
        }
    }

    /// The file is one imported before: nothing of this reading is kept but its fetch state
    /// (the source answered, with content trin has) and its outcome.
    private func skip(_ f: FileUnderImport) throws -> FileOutcome {
        var outcome = f.emptyOutcome
        outcome.bytes = try f.digest.wait().bytes
        outcome.status = .skippedIdentical
        outcome.durationMilliseconds = SystemClock.milliseconds(since: f.started)
        if f.commit, let fetchState = f.fetchState {
            try store.importFile { file in try file.saveFetchState(fetchState) }
        }
        try store.recordFileOutcome(outcome)
        return outcome
    }

    /// A failed file: no counts (nothing of it was kept), the error as operations read it.
    private func failed(_ f: FileUnderImport, _ error: any Error) -> FileOutcome {
        var outcome = f.emptyOutcome
        outcome.bytes = f.digest.ifDone?.bytes ?? f.identity?.size ?? 0
        outcome.message = Self.message(error, path: f.path, name: f.name)
        outcome.durationMilliseconds = SystemClock.milliseconds(since: f.started)
        try? store.recordFileOutcome(outcome)
        return outcome
    }

    private func report(_ f: FileUnderImport, rows: Int, bytes: Int) {
        progress?(ImportProgress(source: f.source, file: f.name, rowsRead: rows, bytesRead: bytes, totalBytes: f.identity?.size ?? 0,
                                 elapsedMilliseconds: SystemClock.milliseconds(since: f.started), finished: false))
    }

    private func report(_ f: FileUnderImport, _ o: FileOutcome, finished: Bool) {
        progress?(ImportProgress(source: f.source, file: f.name, rowsRead: o.rowsRead, bytesRead: o.bytes, totalBytes: f.identity?.size ?? 0,
                                 elapsedMilliseconds: SystemClock.milliseconds(since: f.started), finished: finished))
    }

    /// Sorted batches queued between the decode and store stages, by weight (`ImportBatch.weight`).
    static let queuedBatches = 16

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

/// The digest shows the file was imported before: the transaction is rolled back and the
/// file reported as skipped.
struct AlreadyImported: Error {}

/// One file on its way in: what it is, where its digest stands, and the outcome it starts from.
struct FileUnderImport {
    let path: String
    /// The display name (a source URL, not a temporary download).
    let name: String
    let source: String
    let mapping: Mapping
    let runID: Int64
    let commit: Bool
    let fetchState: FetchState?
    let started: timespec
    let identity: FileIdentity?
    /// A file of a size imported before may be one imported before.
    let mayBeKnown: Bool
    let digest: FileDigest.Running
    /// The outcome before anything is read: failed, no counts.
    let emptyOutcome: FileOutcome

    init(path: String, name: String, source: String, mapping: Mapping, runID: Int64, commit: Bool, fetchState: FetchState?,
         httpStatus: Int?, importer: Importer) {
        self.path = path
        // A file named after a citizen (`borger-010190-1234.csv`) is kept and logged masked.
        self.name = PersonalDataMask.maskValidCPRNumbers(name)
        self.source = source
        self.mapping = mapping
        self.runID = runID
        self.commit = commit
        self.fetchState = fetchState
        started = SystemClock.now()
        emptyOutcome = FileOutcome(runID: runID, source: source, file: self.name, status: .failed, httpStatus: httpStatus)
        // The digest that recognises an export imported before is computed beside the import,
        // not before it; the import stops as soon as the digest shows the file is known. A
        // file of a size never imported cannot be known: its digest waits for a free core.
        identity = FileIdentity.of(path: path)
        let store = importer.store
        mayBeKnown = identity.map { (try? store.hasImportedFile(ofBytes: $0.size)) ?? true } ?? true
        // A source with known rows sends mostly rows it sent before: reading them is light, and
        // the digest has the other core to itself from the start.
        let mostlyKnown = importer.skipsKnownRows && ((try? store.hasKnownRows(source: source)) ?? false)
        digest = FileDigest.start(path: path, urgency: mayBeKnown || mostlyKnown ? .mayBeKnown : .atTheEnd)
    }

    /// What the store knows an import of this content by.
    func key(_ digest: (hex: String, bytes: Int)) -> ImportKey {
        ImportKey(contentHash: digest.hex, source: source, mappingFingerprint: mapping.fingerprint)
    }
}

