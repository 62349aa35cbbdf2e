import Logging
import Synchronization
import TrinCore
import TrinMapping
import TrinPseudonym
import TrinStore

// The stages of one import, in the order the data flows. Each runs on a thread of its own,
// joined by a bounded queue (`HandOffQueue`), so that one file keeps both cores busy and
// memory stays flat:
//
// 1. parse (XML only): libxml2 on its own thread, inside `XMLFileDecoder`;
// 2. decode (`DecodeStage`): rows through the mapping, the keyed hash, packing for the
//    store (`EventRows`, an API TrinStore owns), and sorting when a batch goes to a run file;
//    a CPR number goes in, a CPR-free `ImportBatch` comes out;
// 3. store (`StoreStage`): each batch sorted and written into the file's transaction, in
//    file order, on the calling thread.

/// What the decode stage hands to the store stage, in file order: pseudonymised records
/// packed for the store, register rows, and rejected rows (already masked, so no personal
/// id crosses between the stages).
struct ImportBatch: Sendable {
    /// Records for the store, in memory (sorted by the store's thread) or sorted in a run file; or none.
    var events: EventRows?
    var run: SortedRun?
    var enterprises: [EnterpriseRecord] = []
    var rejections: [Rejection] = []
    /// Rows of the file read since the previous batch (kept, rejected or not).
    var rowsRead = 0
    /// Bytes of the file read when the batch was handed over.
    var bytesRead = 0
    /// Rows skipped as known from the source's last export.
    var knownRows = 0
    /// With the last batch: the rows to know in the source's next export.
    var knownRowsForNext: KnownRows?

    /// Queue weight: two sorted batches in memory (waiting while the store writes a third
    /// keeps both cores busy), or sixteen run files (a merge ahead: the decode stage need
    /// not wait for a merge). A batch of counts alone (rows skipped as known) holds no
    /// memory to bound, and weighs nothing: the decode stage goes on skipping known rows
    /// while the store's thread does its upkeep (`FileTransaction.beforeSupersetExport`).
    var weight: Int {
        if events != nil { return 8 }
        return run != nil || !enterprises.isEmpty || !rejections.isEmpty || knownRowsForNext != nil ? 1 : 0
    }
}

/// Stage 2: every row of one file, decoded, pseudonymised and packed, handed over in file order.
struct DecodeStage: Sendable {
    var path: String
    var mapping: Mapping
    var source: String
    var pseudonymiser: Pseudonymiser
    /// Known rows: the digester of rows, and the rows the source's last export contributed.
    var digester: RowDigester?
    var known: KnownRows?
    var eventBatches: ClosedRange<Int>
    var spill: SpillSwitch
    /// Keeps no digests and removes the source's last set (an XML one pass into an empty store).
    var forgetsKnownRows = false

    /// Rejected and register rows per hand-over.
    static let itemsPerBatch = 2048

    func run(into queue: HandOffQueue<ImportBatch>) throws {
        let decoder: any FileDecoder
        switch mapping.format {
        case .csv(let layout):
            decoder = try CSVFileDecoder(path: path, mapping: mapping, layout: layout, source: source, digester: digester, known: known,
                                         spillDirectory: spill.directory)
        case .xml(let layout):
            decoder = try XMLFileDecoder(path: path, mapping: mapping, layout: layout, source: source, digester: digester, known: known,
                                         spillDirectory: spill.directory)
        }
        var batch = ImportBatch()
        var events = EventRows(source: source)
        // A superset export's records are the few rows that changed: each sorted batch is a
        // pass over the event tree, so they go in as few batches as memory allows (starting
        // small only gets a fresh import's store going while the file is still being read).
        var eventTarget = decoder.skipsKnownRows ? eventBatches.upperBound : eventBatches.lowerBound
        events.reserveCapacity(eventTarget)
        // Exports list a citizen's records together (an XML Forloeb holds several events):
        // one remembered pseudonym saves most keyed hashes there.
        var lastCPR: CPRNumber?
        var lastPseudonym = Pseudonym(high: 0, low: 0)
        /// Puts the records gathered so far into the batch: in memory, where the store's thread
        /// sorts them (it has the time to spare: decoding is the longer stage), or sorted into a
        /// run file.
        func attachEvents() throws {
            if spill.isOn {
                events.sort()
                batch.run = try SortedRun(events, directory: spill.directory)
            } else {
                batch.events = events
            }
        }
        /// Hands the batch over, stamped with how far the file has been read.
        func send() throws {
            batch.bytesRead = decoder.bytesRead
            try queue.send(batch, weight: batch.weight)
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
            if batch.enterprises.count + batch.rejections.count + batch.knownRows / 32 >= Self.itemsPerBatch {
                try send()
                batch = ImportBatch()
            }
        }
        if !events.isEmpty { try attachEvents() }
        batch.knownRowsForNext = decoder.knownRowsForNext ?? (forgetsKnownRows ? .keepingNone() : nil)
        if batch.rowsRead > 0 || batch.knownRowsForNext != nil { try send() }
    }
}

/// Stage 3: each batch into the file's transaction, in file order, with the tallies the
/// file's outcome reports. Rejected rows are kept (masked) and the first few logged.
struct StoreStage {
    let file: any FileTransaction
    let runID: Int64
    let source: String
    let name: String
    let logger: Logger
    let loggedRejections: Int
    /// Runs gathered before they are merged into the store (many more when the file's records
    /// are held back for one pass at the end).
    let runsPerMerge: Int
    let spillAboveBytes: Int
    let spill: SpillSwitch
    /// Most runs held back for one pass at the end: 128 runs hold 8 M records or more, and
    /// their reading buffers take 8 MiB together (`RunMerge`).
    static let mostRunsInOnePass = 128

    private(set) var rows = 0
    private(set) var known = 0
    private var rejected: [String: Int] = [:]
    private var unknownCodes = UnknownCode.Tally()
    private var logged = 0
    private var runs: [SortedRun] = []
    private var knownForNext: KnownRows?

    /// `onePass`: every record goes to a sorted run, and the runs into the store once the file
    /// is read (up to `mostRunsInOnePass` at a time).
    init(file: any FileTransaction, runID: Int64, source: String, name: String, logger: Logger, loggedRejections: Int, runsPerMerge: Int,
         spillAboveBytes: Int, spill: SpillSwitch, onePass: Bool) throws {
        self.file = file
        self.runID = runID
        self.source = source
        self.name = name
        self.logger = logger
        self.loggedRejections = loggedRejections
        self.runsPerMerge = onePass ? Self.mostRunsInOnePass : runsPerMerge
        self.spillAboveBytes = spillAboveBytes
        self.spill = spill
        if try onePass || file.databaseBytes() > spillAboveBytes { spill.turnOn() }
    }

    /// Stores one batch. `producerFinished` says whether the decode stage is done, so that
    /// the run files still to come are all queued.
    mutating func take(_ batch: ImportBatch, producerFinished: Bool) throws {
        rows += batch.rowsRead
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
            // Once the file is read, the runs still to come are all queued: one last merge of
            // everything costs one pass over the tree instead of several.
            if runs.count >= runsPerMerge && !producerFinished { try file.write(merging: runs); runs.removeAll() }
        }
        for enterprise in batch.enterprises { file.add(enterprise) }
        for rejection in batch.rejections { try reject(rejection) }
    }

    private mutating func reject(_ rejection: Rejection) throws {
        rejected[rejection.reason.rawValue, default: 0] += 1
        if let value = rejection.value { unknownCodes.count(rejection.reason.rawValue, field: rejection.field ?? "", value: value) }
        try file.reject(rejection, runID: runID, source: source, file: name)
        guard logged < loggedRejections else { return }
        logged += 1
        var meta: Logger.Metadata = ["event": "row_rejected", "run": "\(runID)", "source": "\(source)", "file": "\(name)",
                                     "line": "\(rejection.line)", "reason": "\(rejection.reason.rawValue)"]
        if let path = rejection.path { meta["element"] = "\(path)" }
        if let field = rejection.field { meta["field"] = "\(field)" }
        // A notice, not a warning: rejected rows are expected data quality, counted per file
        // and source; a run with them is a successful run.
        logger.notice("rejected row", metadata: meta)
    }

    /// After the last batch: the runs still held, the known rows for the next export, and
    /// the tallies into `outcome`.
    mutating func finish(into outcome: inout FileOutcome) throws {
        if !runs.isEmpty { try file.write(merging: runs); runs.removeAll() }
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
}

/// Whether the decode stage writes sorted batches to run files (set by the store stage once
/// the database outgrows `Importer.spillAboveBytes`), and where.
final class SpillSwitch: Sendable {
    let directory: String
    private let on = Atomic<Bool>(false)

    init(directory: String) { self.directory = directory }

    var isOn: Bool { on.load(ordering: .relaxed) }
    func turnOn() { on.store(true, ordering: .relaxed) }
}

extension EventRows {
    /// Packs a decoded event under its pseudonym through the store's packing API, while its
    /// lent texts are still valid (the decode stage calls it before the next record is read).
    mutating func append(_ e: SourceEventView, pseudonym: Pseudonym) {
        append(pseudonym: pseudonym, start: e.start, stage: e.stage, agreement: e.agreement, ageBand: e.ageBand,
               enterprise: e.enterprise, targetGroup: e.targetGroup, end: e.end, hoursPerWeek: e.hoursPerWeek,
               recordedAt: e.recordedAt, sourceRecordID: e.sourceRecordID)
    }
}
