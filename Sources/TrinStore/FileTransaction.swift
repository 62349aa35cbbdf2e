public import TrinCore

/// One file's import, inside the store transaction that holds all its effects
/// (`Store.importFile`). The import's store stage writes through it in file order.
///
/// Records come packed and sorted by identity (`EventRows`, or sorted runs of them); each
/// back end keeps, per identity, the greatest version by the version order
/// (docs/definitions.md), whatever the order the files come in. The counts say what the
/// file did: new identities, replaced versions, and records that changed nothing.
public protocol FileTransaction: AnyObject {
    var inserted: Int { get }
    var updated: Int { get }
    var duplicates: Int { get }

    /// Writes one pseudonymised record (for a few records; an import writes batches).
    func add(_ record: ProgressRecord) throws
    /// Writes packed records (sorted first if they are not); equal identities in file order.
    func write(_ rows: EventRows) throws
    /// Writes sorted runs merged into one identity order (an earlier run wins a tie). The
    /// runs are spent: each file is emptied once it has been read.
    func write(merging runs: [SortedRun]) throws
    /// Adds an enterprise from the register: the later row for a CVR wins within a file,
    /// the greatest version (`EnterpriseKey`) across files.
    func add(_ enterprise: EnterpriseRecord)
    /// Keeps a rejected row (already masked) for inspection.
    func reject(_ rejection: Rejection, runID: Int64, source: String, file: String) throws
    /// The store's size in bytes now, where that decides how an import writes (a SQLite store
    /// outgrowing its page cache spills sorted runs); 0 where it does not.
    func databaseBytes() throws -> Int
    /// Whether a file with this key was imported before (seen from inside this transaction).
    func hasImported(_ key: ImportKey) throws -> Bool
    /// The rows the source's last export contributed, with what they were read as.
    func knownRows(source: String) throws -> KnownRows?
    /// Keeps the rows this export contributed for the source's next export; a set too large
    /// to keep removes the last one.
    func saveKnownRows(source: String, _ rows: KnownRows) throws
    /// Rows skipped as known: counted as records that changed nothing.
    func countKnown(_ rows: Int)
    /// Records the file's outcome and its import key, so an identical file is skipped next time.
    func complete(_ outcome: FileOutcome, key: ImportKey, at time: Instant) throws
    /// Saves a source's fetch state with the records it brought.
    func saveFetchState(_ state: FetchState) throws
    /// Writes what is gathered (register rows; for a server store, the records copied so
    /// far); the counts are final after this.
    func flush() throws
    /// Does now the upkeep the file's records would otherwise wait for at the end. Called at
    /// most once, when the file shows itself a source's next superset export (rows of the
    /// last one skipped as known), before that batch is stored: its records come late, so
    /// the store's thread is idle while the decoding thread skips the rows it knows.
    func beforeSupersetExport() throws
    /// Whether holding all of the file's records back in sorted runs, to write them in one
    /// pass once it is read, costs this store much less than writing them as they come (asked
    /// once, before the first batch). A SQLite store with no records yet: one sorted pass only
    /// appends to its tree, at about a third of the CPU of inserting batch after batch.
    func writesBestInOnePass() throws -> Bool
}

extension FileTransaction {
    /// Nothing to do before a file: the default.
    public func beforeSupersetExport() throws {}

    /// Records are written as they come: the default.
    public func writesBestInOnePass() throws -> Bool { false }

    /// Writes one record now, as a batch of one.
    public func add(_ record: ProgressRecord) throws {
        var rows = EventRows(source: record.source)
        rows.append(record)
        try write(rows)
    }
}
