public import TrinCore

/// Where trin keeps what it imported and did: the deduplicated records, the enterprise
/// register, every run, file outcome and rejected row (masked), fetch state, known rows, the
/// frozen years and the last publication.
///
/// Two back ends keep the same rules (docs/store.md): `SQLiteStore`, the embedded default
/// (one municipality, one file), and the PostgreSQL store of the TrinPostgres target (one
/// server shared by several municipalities, each a tenant). Every stage above the store —
/// import, runs, metrics, retention, monitoring — talks to this protocol only, so each rule
/// is tested against both (`StoreContractTests`).
///
/// Every write of one file happens in one transaction (`importFile`): a file that fails, a
/// dry run and a process killed mid-file leave the store as it was before the file.
public protocol Store: AnyObject, Sendable {
    /// What messages name the store by: the SQLite file's path, or the server's URL (without
    /// its password) and tenant.
    var location: String { get }
    /// A local directory for the files a run makes beside the store: downloads and run files
    /// (the same file system as a SQLite store; configured for a server store).
    var workDirectory: String { get }

    // MARK: Key

    /// Binds the store to one pseudonym key, or checks that it is bound to this one: records
    /// pseudonymised with two keys never mix.
    func bind(keyID: String, scheme: String) throws(StoreError)
    /// The key id the store's pseudonyms were made with, if bound.
    func keyID() throws(StoreError) -> String?

    // MARK: Runs

    /// Records the start of a run and returns its id. A run still marked `running` belongs to
    /// a process that died (callers hold the run lock): it is marked `interrupted`.
    func beginRun(command: String, startedAt: Instant, dryRun: Bool) throws(StoreError) -> Int64
    /// Records how a run ended, and why when it was not a success for reasons beyond its
    /// files' own messages (`reason`, shown by `trin runs show`; nil: none).
    func finishRun(id: Int64, finishedAt: Instant, status: RunStatus, reason: String?) throws(StoreError)
    /// Records a file outcome that changed nothing else (failed, skipped, unchanged, dry run).
    func recordFileOutcome(_ outcome: FileOutcome) throws(StoreError)
    /// Marks runs still `running` as `interrupted` (for a caller holding the run lock).
    @discardableResult func markAbandonedRunsInterrupted() throws(StoreError) -> Int
    /// The most recent runs, newest first; with `source`, those that touched it.
    func recentRuns(limit: Int, source: String?) throws(StoreError) -> [RunSummary]
    func run(id: Int64) throws(StoreError) -> RunSummary?
    /// The file outcomes of a run, in the order they happened.
    func files(ofRun id: Int64) throws(StoreError) -> [FileOutcome]
    /// Up to `perReason` examples of each reason a run rejected rows for.
    func rejectionExamples(ofRun id: Int64, perReason: Int) throws(StoreError) -> [RejectionExample]
    /// Per source: the last successful fetch or import, and the last outcome.
    func sourceStatus() throws(StoreError) -> [SourceStatus]
    /// Counters over the kept run history, for monitoring.
    func monitoringTotals() throws(StoreError) -> MonitoringTotals

    // MARK: Import

    /// Whether a file of this size was imported before (for any source).
    func hasImportedFile(ofBytes bytes: Int) throws(StoreError) -> Bool
    /// Whether this content was imported before for this source through this mapping.
    func hasImported(_ key: ImportKey) throws(StoreError) -> Bool
    /// Whether the source has a set of known rows (`KnownRows`).
    func hasKnownRows(source: String) throws(StoreError) -> Bool
    /// The fetch state of a source, if it was ever imported.
    func fetchState(source: String) throws(StoreError) -> FetchState?
    /// Runs `body` in one transaction that holds all of one file's effects: its records,
    /// register rows, rejected rows, outcome, import key, known rows and fetch state. If
    /// `body` throws, or `commit` is false (a dry run), nothing of the file remains.
    func importFile<T>(commit: Bool, _ body: (any FileTransaction) throws -> T) throws -> T

    // MARK: Reading

    /// Calls `body` once per citizen with all of that citizen's stored records, in pseudonym
    /// order, each citizen's records in identity order: memory holds one citizen at a time.
    func forEachCitizen(_ body: ([ProgressRecord]) throws -> Void) throws
    /// Hands every citizen's records to `body` as `forEachCitizen` does, up to
    /// `citizensPerBatch` citizens a call, read by up to `readers` threads at once, each over
    /// a range of pseudonyms of its own; whatever the number of readers, all read one state
    /// of the store. `body` may be called from several threads at once; each batch is in
    /// pseudonym order, but batches come in no order. Memory holds a batch per reader, besides
    /// what `body` keeps.
    /// `fields` says which fields the caller reads; a store may leave the others out.
    func forEachCitizenBatch(readers: Int, citizensPerBatch: Int, fields: RecordFields,
                             _ body: @escaping @Sendable ([[ProgressRecord]]) throws -> Void) throws
    /// Every stored enterprise, by CVR.
    func enterprises() throws(StoreError) -> [EnterpriseRecord]
    func eventCount() throws(StoreError) -> Int

    // MARK: Publication

    /// A counter that goes up with every committed change to records or the register.
    func contentVersion() throws(StoreError) -> Int
    /// What the last publication was made from, and the set it wrote.
    func lastPublication() throws(StoreError) -> (inputs: String, set: String)?
    func recordPublication(inputs: String, set: String) throws(StoreError)
    /// Every kept year for minimum cell size `k` (nil: for every k), by year.
    func frozenYears(k: Int?) throws(StoreError) -> [FrozenYearRow]
    /// Keeps `rows` in one transaction; a year already kept stays unless `replacing` names it.
    func freeze(_ rows: [FrozenYearRow], replacing: Set<Int>) throws(StoreError)

    // MARK: Retention

    /// Deletes, in one transaction: rejected rows of runs started before
    /// `rejectedRowsBefore`; runs (with their file outcomes and rejected rows) started before
    /// `runsBefore`, never one still running; records whose end day (their start day when they
    /// have none) is before `eventsEndedBefore`. Nil keeps.
    func purge(rejectedRowsBefore: Instant?, runsBefore: Instant?, eventsEndedBefore: Day?) throws(StoreError) -> PurgeCounts
    /// Before a run's imports: forgets every source's known rows when the purge after them,
    /// with this records cutoff, would (`RetentionCutoff`: a longer retention, or none), so
    /// that records deleted before come back from this run's exports, not a run later; and
    /// keeps the cutoff then, so that the run's purge keeps the rows its imports know anew.
    func prepareImports(eventsEndedBefore: Day?) throws(StoreError)
}

/// Per source, as `trin runs` and monitoring show it.
public struct SourceStatus: Sendable, Equatable {
    public var source: String
    public var lastSuccess: Instant?
    public var lastStatus: String
    public var records: Int
    public var rejected: Int
    public var rowsRead: Int

    public init(source: String, lastSuccess: Instant?, lastStatus: String, records: Int, rejected: Int, rowsRead: Int) {
        self.source = source; self.lastSuccess = lastSuccess; self.lastStatus = lastStatus
        self.records = records; self.rejected = rejected; self.rowsRead = rowsRead
    }
}

extension Store {
    /// `importFile(commit: true, body)`.
    public func importFile<T>(_ body: (any FileTransaction) throws -> T) throws -> T {
        try importFile(commit: true, body)
    }

    public func recentRuns(limit: Int = 20) throws(StoreError) -> [RunSummary] {
        try recentRuns(limit: limit, source: nil)
    }

    public func rejectionExamples(ofRun id: Int64) throws(StoreError) -> [RejectionExample] {
        try rejectionExamples(ofRun: id, perReason: 3)
    }

    /// `forEachCitizenBatch` for a store that reads on one connection: on the calling thread,
    /// every field.
    public func forEachCitizenBatch(readers: Int, citizensPerBatch: Int, fields: RecordFields,
                                    _ body: @escaping @Sendable ([[ProgressRecord]]) throws -> Void) throws {
        try batchingCitizens(citizensPerBatch, { try forEachCitizen($0) }, body)
    }

    public func freeze(_ rows: [FrozenYearRow]) throws(StoreError) {
        try freeze(rows, replacing: [])
    }

    /// A canonical text dump of the deduplicated contents (records and enterprises),
    /// independent of import order, run bookkeeping and back end: equal dumps, equal stores.
    public func canonicalDump() throws -> String {
        var lines: [String] = []
        try forEachCitizen { records in
            for r in records {
                lines.append([r.pseudonym.description, r.ageBand.rawValue, r.agreement ?? "", r.enterprise ?? "",
                              r.targetGroup.rawValue, r.stage.rawValue, r.start.description, r.end?.description ?? "",
                              r.hoursPerWeek.map { "\($0)" } ?? "", r.recordedAt.description, r.source,
                              r.sourceRecordID].joined(separator: "|"))
            }
        }
        for e in try enterprises() {
            lines.append(["E", e.cvr, e.name, e.type.rawValue, "\(e.socialBottomLine)", "\(e.localBottomLine)",
                          "\(e.economicBottomLine)", e.start.description, e.end?.description ?? ""].joined(separator: "|"))
        }
        return lines.joined(separator: "\n")
    }
}

/// What writing records did: new identities, replaced versions, records that changed nothing.
public struct WriteCounts: Sendable, Equatable {
    public var inserted = 0
    public var updated = 0
    public var duplicates = 0

    public init(inserted: Int = 0, updated: Int = 0, duplicates: Int = 0) {
        self.inserted = inserted; self.updated = updated; self.duplicates = duplicates
    }
}

extension Store {
    /// Imports records given as values in one transaction, packed a batch at a time (a new
    /// batch per source): for tools, tests and benchmarks. Memory holds one batch.
    @discardableResult
    public func importRecords(_ records: some Sequence<ProgressRecord>) throws -> WriteCounts {
        try importFile { file in
            var batch: EventRows?
            for r in records {
                if let b = batch, b.source != r.source || b.count >= 65_536 {
                    try file.write(b)
                    batch = nil
                }
                if batch == nil { batch = EventRows(source: r.source) }
                batch!.append(r)
            }
            if let batch { try file.write(batch) }
            try file.flush()
            return WriteCounts(inserted: file.inserted, updated: file.updated, duplicates: file.duplicates)
        }
    }
}

/// Hands the citizens `forEach` reads to `body` `size` at a time (the last batch may be
/// smaller): what every `forEachCitizenBatch` does with the citizens of one reader.
func batchingCitizens(_ size: Int, _ forEach: (([ProgressRecord]) throws -> Void) throws -> Void,
                      _ body: ([[ProgressRecord]]) throws -> Void) throws {
    var batch: [[ProgressRecord]] = []
    batch.reserveCapacity(size)
    // `body` is called only while this runs; Swift cannot see that through `forEach`.
    try withoutActuallyEscaping(body) { body in
        try forEach { records in
            batch.append(records)
            if batch.count == size {
                try body(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
    }
    if !batch.isEmpty { try body(batch) }
}

extension Store {
    /// Records how a run ended, with no reason beyond its files' messages.
    public func finishRun(id: Int64, finishedAt: Instant, status: RunStatus) throws(StoreError) {
        try finishRun(id: id, finishedAt: finishedAt, status: status, reason: nil)
    }
}
