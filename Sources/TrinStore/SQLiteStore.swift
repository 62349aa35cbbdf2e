import CSQLiteShims
import Foundation
import GRDB
import GRDBSQLite
public import TrinCore

/// The embedded store: deduplicated events, the enterprise register, what was
/// imported, every run and every rejected row (masked). SQLite through GRDB.
///
/// All effects of one file commit in one transaction (see `importFile`), so a
/// crash mid-file leaves the store as it was before that file.
public final class SQLiteStore: Store {
    public let path: String
    public var location: String { path }
    /// The store's own directory: run files and downloads stay on its file system.
    public var workDirectory: String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
    let queue: DatabaseQueue
    /// How large `event_recent` may grow before an import folds it into `event`.
    let recentLimit: RecentEvents.Limit

    /// SQLite's rollback journal, not its write-ahead log. A first or large import is one
    /// transaction that rewrites most pages of the event tree (a nightly one, an eighth of
    /// them: `RecentEvents`); a rollback journal writes each page into the database once (and
    /// its old content, if any, to the journal), where the WAL writes every page twice, once
    /// into the log and once more at the checkpoint that must follow the commit: 9 % of a
    /// 200 MB import and 15 % of a 1 GB one
    /// (docs/benchmarks.md). The price: a command that reads the store while a large file's
    /// transaction is being written waits for that file (`busyTimeout`) instead of reading
    /// the state before it. A store left in WAL mode by an older trin is converted when it
    /// is opened with no other connection to it (leaving WAL needs the file alone); until
    /// then it works on in WAL mode.
    static let journalMode = "DELETE"
    /// How long a command waits for another's transaction, in seconds: longer than one
    /// large file's import (a 1 GB export takes about 10 s here).
    static let busyTimeout: Double = 300

    /// SQLite's process-wide settings, made once before the first connection: connections
    /// without a mutex per call (GRDB serialises each one) and no memory statistics, which
    /// cost a global mutex per allocation (3 % of an import's store thread) and are never
    /// read. When SQLite is already in use, its defaults stay, which work as well.
    static let processConfigured: Bool = trin_sqlite_configure_process() == SQLITE_OK

    /// Opens (creating and migrating as needed) the store at `path`.
    public convenience init(path: String) throws(StoreError) {
        try self.init(path: path, recentLimit: .store)
    }

    /// Tests choose where records go with `recentLimit`.
    init(path: String, recentLimit: RecentEvents.Limit) throws(StoreError) {
        _ = Self.processConfigured
        try Self.refuseFolder(path)
        self.path = path
        self.recentLimit = recentLimit
        var config = Configuration()
        // A reader waits while a file's transaction writes (see `journalMode`).
        config.busyMode = .timeout(Self.busyTimeout)
        config.prepareDatabase { db in
            // secure_delete: what a retention purge deletes is overwritten with zeros in the
            // file, not left in free space. Set here because it is only a compile-time default
            // of SQLite (on in Debian's build, off in others). It costs about 3 % of the store
            // thread's instructions on an import (docs/benchmarks.md).
            try db.execute(sql: "PRAGMA page_size = 65536; PRAGMA synchronous = FULL; PRAGMA cache_size = -32768; PRAGMA temp_store = MEMORY; "
                + "PRAGMA secure_delete = ON")
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
            try queue.writeWithoutTransaction { db in
                do {
                    try db.execute(sql: "PRAGMA journal_mode = \(Self.journalMode)")
                } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
                    // A WAL store another process has open (an older daemon, a backup): it stays
                    // in WAL mode, which works as well, until an open finds it alone.
                }
            }
            try Self.migrate(queue)
        } catch {
            throw .cannotOpen(path: path, message: "\(error)")
        }
    }

    /// Applies the migrations this store lacks. GRDB reads which are applied, then applies
    /// each in a transaction of its own; two processes opening a new store together (cron's
    /// `run` and a `metrics`, a daemon and an operator) can both read "none" and the second
    /// then fails on a table the first created. A migration that fails after another
    /// connection applied one is therefore tried again from what is applied now; a failure
    /// with nothing applied meanwhile is a real one.
    static func migrate(_ queue: DatabaseQueue) throws {
        let migrator = StoreSchema.migrator
        let applied = { (db: Database) throws -> Set<String> in
            try db.tableExists("grdb_migrations") ? migrator.appliedIdentifiers(db) : []
        }
        while true {
            let before = try queue.read(applied)
            try refuseNewerSchema(applied: before)
            do {
                try migrator.migrate(queue)
                return
            } catch {
                let after = try queue.read(applied)
                if after == before { throw error }
            }
        }
    }

    /// The store has migrations this trin does not know.
    /// A store a newer trin migrated: this one would read it without the newer tables (and
    /// write it as if they were not there). Refused, as the PostgreSQL store is.
    static func refuseNewerSchema(applied: Set<String>) throws {
        let unknown = applied.subtracting(StoreSchema.migrator.migrations)
        guard unknown.isEmpty else { throw NewerSchema(migrations: unknown.sorted()) }
    }

    struct NewerSchema: Error, CustomStringConvertible {
        let migrations: [String]
        var description: String {
            "the store has schema version \(migrations.joined(separator: ", ")), newer than this trin knows: "
                + "a newer trin wrote it; run that version (or restore the backup taken before the upgrade)"
        }
    }

    /// Binds the store to one pseudonym key, or checks that it is bound to this one.
    /// A store whose pseudonyms were made with another key refuses to mix them.
    public func bind(keyID: String, scheme: String) throws(StoreError) {
        try write { db in
            if let stored = try Self.boundKeyID(db) {
                guard stored == keyID else { throw StoreError.keyMismatch(path: self.path, storeKeyID: stored, keyID: keyID) }
            } else {
                try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('key_id', ?), ('pseudonym_scheme', ?)",
                               arguments: [keyID, scheme])
            }
        }
    }

    /// A store path that names a folder is refused with what to write instead (SQLite would
    /// say only "unable to open database file").
    public static func refuseFolder(_ path: String) throws(StoreError) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else { return }
        throw .database(path: path, message: "a folder, not a store file: `store` names the SQLite file "
                        + "(e.g. \((path as NSString).appendingPathComponent("trin.sqlite")))")
    }

    /// What a store file says of its key, read for a check of the configuration.
    public enum StoredKey: Sendable, Equatable {
        /// No pseudonym yet (a store made, nothing imported).
        case none
        /// The key id its pseudonyms were made with.
        case key(String)
        /// Not readable just now, for a reason the next run settles: a run is writing it, or
        /// a crashed import's journal waits to be rolled back by the next writer.
        case notNow(String)
    }

    /// The key a store file's pseudonyms were made with, read without opening it as a store:
    /// nothing is migrated, and no lock is taken but SQLite's own for the read (it waits up to
    /// `timeoutSeconds` for a writer's commit). Throws for a file that can never be a store
    /// (a folder, not a database).
    public static func storedKey(ofFile path: String, timeoutSeconds: Double = 5) throws(StoreError) -> StoredKey {
        _ = Self.processConfigured
        try refuseFolder(path)
        // A store an older trin left in WAL mode: even a read-only connection would make (and
        // leave) its -wal and -shm files, or fail where the folder is not writable. The next
        // run converts it to the rollback journal; until then it is not read here.
        if Self.isInWALMode(path) { return .notNow("it is in an older trin's WAL mode, which the next run converts") }
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(timeoutSeconds)
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            return try queue.read { db in
                // Every run would refuse it (`migrate`).
                try refuseNewerSchema(applied: StoreSchema.migrator.appliedIdentifiers(db))
                guard try db.tableExists("meta") else { return .none }
                return try Self.boundKeyID(db).map { .key($0) } ?? .none
            }
        } catch let error as DatabaseError where [.SQLITE_BUSY, .SQLITE_LOCKED].contains(error.resultCode) {
            return .notNow("a run is writing it")
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_READONLY_ROLLBACK {
            return .notNow("an interrupted import's journal is rolled back by the next run")
        } catch {
            throw .database(path: path, message: "\(error)")
        }
    }

    /// Whether the file is a SQLite database in WAL mode: its header's read and write
    /// versions (bytes 18 and 19) are 2.
    static func isInWALMode(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        guard let header = try? handle.read(upToCount: 20), header.count == 20,
              header.prefix(16).elementsEqual("SQLite format 3\u{0}".utf8) else { return false }
        return header[header.startIndex + 18] == 2 && header[header.startIndex + 19] == 2
    }

    /// The key id the store's pseudonyms were made with, if bound.
    public func keyID() throws(StoreError) -> String? {
        try read { db in try Self.boundKeyID(db) }
    }

    /// The key id kept in `meta` (`bind`), if any.
    private static func boundKeyID(_ db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'key_id'")
    }

    // MARK: Runs

    /// Records the start of a run and returns its id. Callers hold the run lock, so a run
    /// still marked `running` belongs to a process that died: it is marked `interrupted`.
    public func beginRun(command: String, startedAt: Instant, dryRun: Bool) throws(StoreError) -> Int64 {
        try write { db in
            try db.execute(sql: "UPDATE run SET status = 'interrupted' WHERE status = 'running'")
            try db.execute(sql: "INSERT INTO run(started_at, command, status, dry_run) VALUES (?, ?, 'running', ?)",
                           arguments: [startedAt.secondsSinceEpoch, command, dryRun])
            return db.lastInsertedRowID
        }
    }

    public func finishRun(id: Int64, finishedAt: Instant, status: RunStatus, reason: String?) throws(StoreError) {
        try write { db in
            try db.execute(sql: "UPDATE run SET finished_at = ?, status = ?, reason = ? WHERE id = ?",
                           arguments: [finishedAt.secondsSinceEpoch, status.rawValue, reason, id])
        }
    }

    /// Records a file outcome that changed nothing else (failed, skipped, unchanged).
    public func recordFileOutcome(_ outcome: FileOutcome) throws(StoreError) {
        try write { db in try outcome.insert(db) }
    }

    // MARK: Import

    /// Whether a file of this size was imported before (for any source): if not, a file
    /// cannot be one imported before, whatever its content.
    public func hasImportedFile(ofBytes bytes: Int) throws(StoreError) -> Bool {
        try read { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM imported_file WHERE bytes = ? LIMIT 1", arguments: [bytes]) ?? false
        }
    }

    /// Whether this content was imported before for this source through this mapping.
    public func hasImported(_ key: ImportKey) throws(StoreError) -> Bool {
        try read { db in try SQLiteFileImport.hasImported(key, in: db) }
    }

    /// Runs `body` in one transaction that holds all of one file's effects: its
    /// events, enterprises, rejections, outcome and fetch state. If `body` throws,
    /// or `commit` is false (a dry run), nothing of the file remains.
    public func importFile<T>(commit: Bool, _ body: (any FileTransaction) throws -> T) throws -> T {
        var result: T?
        try queue.inTransaction { db in
            let session = try SQLiteFileImport(db: db, recentLimit: recentLimit)
            result = try body(session)
            try session.flush()
            if commit, session.inserted + session.updated > 0 { try Self.bumpContentVersion(db) }
            return commit ? .commit : .rollback
        }
        return result!
    }

    // MARK: Reading

    /// Calls `body` once per citizen with all of that citizen's stored records,
    /// streaming in pseudonym order: memory holds one citizen at a time.
    public func forEachCitizen(_ body: ([ProgressRecord]) throws -> Void) throws {
        try queue.read { db in try Self.readCitizens(db, from: nil, to: nil, fields: .all, body) }
    }

    /// Reads the citizens on `readers` connections at once, each on a thread of its own over
    /// one range of pseudonyms (keyed hashes, so the ranges hold about as many citizens each),
    /// when they can all read one state of the store (`ReaderAgreement`); on this connection
    /// alone when they cannot.
    public func forEachCitizenBatch(readers: Int, citizensPerBatch: Int, fields: RecordFields,
                                    _ body: @escaping @Sendable ([[ProgressRecord]]) throws -> Void) throws {
        try forEachCitizenBatch(readers: readers, citizensPerBatch: citizensPerBatch, fields: fields, beforeArriving: { _, _ in }, body)
    }

    /// `beforeArriving(reader, db)` runs in each reader's transaction before it reads the
    /// store's version: tests change the store there.
    func forEachCitizenBatch(readers: Int, citizensPerBatch: Int, fields: RecordFields,
                             beforeArriving: @escaping @Sendable (Int, Database) throws -> Void,
                             _ body: @escaping @Sendable ([[ProgressRecord]]) throws -> Void) throws {
        let readers = max(1, readers)
        // Range i holds the pseudonyms whose first byte is at least bounds[i] and below bounds[i + 1].
        let bounds: [UInt8?] = (0...readers).map { i in i == 0 || i == readers ? nil : UInt8(i * 256 / readers) }
        let agreement = ReaderAgreement(readers: readers)
        let path = self.path
        /// Reader `reader` (from 1) on a connection and a thread of its own.
        func startReader(_ reader: Int) {
            let thread = Thread {
                defer { agreement.end() }
                var arrived = false, sharing = false
                do {
                    let connection = try DatabaseQueue(path: path, configuration: Self.secondReaderConfiguration)
                    try connection.read { db in
                        try beforeArriving(reader, db)
                        let version = try Self.contentVersion(db)
                        arrived = true
                        guard agreement.arrive(reader, version: version) else { return }
                        sharing = true
                        try Self.readCitizenBatches(db, from: bounds[reader], to: bounds[reader + 1], fields: fields,
                                                    citizensPerBatch: citizensPerBatch, agreement: agreement, body)
                    }
                } catch {
                    // A reader that never started its range leaves it to the first: only a
                    // failure while reading one fails the whole read.
                    if sharing { agreement.fail(error) } else if !arrived { _ = agreement.arrive(reader, version: nil) }
                }
            }
            thread.name = "trin-store-read"
            thread.stackSize = 8 << 20
            thread.start()
        }
        var started = 0
        let read = Result<Void, any Error> {
            try queue.read { db in
                try beforeArriving(0, db)
                let version = try Self.contentVersion(db)
                // The others begin only now that this reader holds its read lock (in WAL mode,
                // its snapshot): this one then never waits for a lock while one of them holds
                // one. A writer about to commit makes them fail at once and leave their ranges
                // here; had one of them locked first, this one would wait for the writer, the
                // writer for it, and it for this one.
                for reader in 1..<readers {
                    startReader(reader)
                    started += 1
                }
                let shared = agreement.arrive(0, version: version)
                try Self.readCitizenBatches(db, from: nil, to: shared ? bounds[1] : nil, fields: fields,
                                            citizensPerBatch: citizensPerBatch, agreement: agreement, body)
            }
        }
        // The others stop at their next batch; none is still reading when this returns.
        if case .failure(let error) = read { agreement.fail(error) }
        agreement.waitForEnded(started)
        try read.get()
        if let failure = agreement.firstFailure { throw failure }
    }

    /// A connection that only reads, for the other readers of `forEachCitizenBatch`: it never
    /// waits for a lock (a writer about to commit makes it give its range to the first reader),
    /// and has a small page cache, as it reads each page once.
    static let secondReaderConfiguration: Configuration = {
        var config = Configuration()
        config.readonly = true
        config.busyMode = .immediateError
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA cache_size = -4096") }
        return config
    }()

    /// `readCitizens` a batch of citizens at a time; stops at the next batch once another
    /// reader has failed.
    static func readCitizenBatches(_ db: Database, from lower: UInt8?, to upper: UInt8?, fields: RecordFields, citizensPerBatch: Int,
                                   agreement: ReaderAgreement, _ body: ([[ProgressRecord]]) throws -> Void) throws {
        try batchingCitizens(citizensPerBatch, { try readCitizens(db, from: lower, to: upper, fields: fields, $0) }) { batch in
            if let failure = agreement.firstFailure { throw failure }
            try body(batch)
        }
    }

    /// Calls `body` once per citizen whose pseudonym's first byte is at least `lower` and
    /// below `upper` (nil: no bound), in pseudonym order. With `.figures`, the columns no
    /// figure reads are not selected: SQLite then decodes seven columns of ten per row.
    static func readCitizens(_ db: Database, from lower: UInt8?, to upper: UInt8?, fields: RecordFields,
                             _ body: ([ProgressRecord]) throws -> Void) throws {
        // Stepped through SQLite's C API and decoded from the column pointers: the metrics
        // read every stored record on every publication, so no per-row wrapper is made.
        var conditions: [String] = [], arguments: [Data] = []
        if let lower { conditions.append("identity >= ?"); arguments.append(Data([lower])) }
        if let upper { conditions.append("identity < ?"); arguments.append(Data([upper])) }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        // `event` and `event_recent` are read side by side in identity order; where both hold
        // an identity, the row of `event_recent` supersedes the other (`RecentEvents`).
        let columns = fields == .all ? EventColumns.select : EventColumns.selectFigures
        let mainStatement = try db.makeStatement(sql: "SELECT \(columns) FROM event\(filter) ORDER BY identity")
        let recentStatement = try db.makeStatement(sql: "SELECT \(columns) FROM event_recent\(filter) ORDER BY identity")
        try mainStatement.setArguments(StatementArguments(arguments))
        try recentStatement.setArguments(StatementArguments(arguments))
        let main = mainStatement.sqliteStatement, recent = recentStatement.sqliteStatement
        func step(_ s: OpaquePointer) throws -> Bool {
            let code = sqlite3_step(s)
            if code == SQLITE_DONE { return false }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
            return true
        }
        var reader = EventColumns.Reader()
        var current: [ProgressRecord] = []
        var inMain = try step(main), inRecent = try step(recent)
        while inMain || inRecent {
            let order = inMain && inRecent ? Self.compareIdentities(main, recent) : (inMain ? -1 : 1)
            let record = try reader.record(order < 0 ? main : recent, fields: fields)
            if let first = current.first, first.pseudonym != record.pseudonym {
                try body(current)
                current.removeAll(keepingCapacity: true)
            }
            current.append(record)
            if order <= 0 { inMain = try step(main) }
            if order >= 0 { inRecent = try step(recent) }
        }
        if !current.isEmpty { try body(current) }
    }

    /// The order of the identities (column 0) two statements stand on, as SQLite orders
    /// blobs: bytes compared first, then the shorter first.
    static func compareIdentities(_ a: OpaquePointer, _ b: OpaquePointer) -> Int {
        let aCount = Int(sqlite3_column_bytes(a, 0)), bCount = Int(sqlite3_column_bytes(b, 0))
        let aBytes = sqlite3_column_blob(a, 0), bBytes = sqlite3_column_blob(b, 0)
        let common = min(aCount, bCount)
        if common > 0, let aBytes, let bBytes {
            let c = memcmp(aBytes, bBytes, common)
            if c != 0 { return Int(c) }
        }
        return aCount < bCount ? -1 : (aCount > bCount ? 1 : 0)
    }

    /// Every stored enterprise, by CVR.
    public func enterprises() throws(StoreError) -> [EnterpriseRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT cvr, name, type, social, local, economic, start, end_date FROM enterprise ORDER BY cvr")
                .map { row in
                    EnterpriseRecord(cvr: row[0], name: row[1], type: EnterpriseType(rawValue: row[2]) ?? .virksomhed,
                                     socialBottomLine: row[3], localBottomLine: row[4], economicBottomLine: row[5],
                                     start: Day(iso: row[6] as String)!, end: (row[7] as String?).flatMap { Day(iso: $0) })
                }
        }
    }

    public func eventCount() throws(StoreError) -> Int {
        try read { db in
            try Int.fetchOne(db, sql: "SELECT (SELECT count(*) FROM event) + (SELECT count(*) FROM event_recent WHERE in_event = 0)") ?? 0
        }
    }

    // MARK: Plumbing

    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try queue.read(body) } catch { throw StoreError.wrap(error, path: path) }
    }

    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try queue.write(body) } catch { throw StoreError.wrap(error, path: path) }
    }
}
