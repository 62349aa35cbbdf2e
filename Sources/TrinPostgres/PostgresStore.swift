public import Logging
public import TrinCore
public import TrinStore
import PostgresNIO
import NIOSSL
import Synchronization

/// The store in a PostgreSQL server that several trin instances share: one tenant's view
/// (a municipality's) of tables that every tenant's rows live in, each row carrying its
/// tenant and every statement scoped by it. The same rules as the SQLite store
/// (`Store`): one transaction per file, the greatest version of each identity whatever the
/// import order, run history and fetch state committed with the records.
///
/// One connection per store, used by one thread at a time (as trin's stages use a store);
/// its calls run on a thread of their own (`ConnectionThread`) and the caller waits. The
/// tenant's run lock is a session advisory lock on this connection (`tryLockTenant`).
public final class PostgresStore: Store {
    public let url: PostgresURL
    /// Every row this store writes carries it; every statement is scoped by it.
    public let tenant: String
    /// The tenants whose records and register the metrics read: this tenant alone, or for a
    /// combined publication the tenants it combines (`openCombined`; it writes only its own
    /// bookkeeping: frozen years, the last publication, its figure tables).
    public let readTenants: [String]
    public let workDirectory: String
    /// Staged records from which a file is merged in bulk (`Migrations.mergeInBulk`); lower in tests.
    let bulkMergeFrom: Int
    /// The identities a tenant's first load tells apart (`PostgresFileImport.FreshLoad`); lower in tests.
    let firstLoadIdentities: Int
    /// The connection; replaced when the server dropped it (`ensureConnected`).
    private let current: Mutex<PostgresConnection>
    var connection: PostgresConnection { current.withLock { $0 } }
    /// Whether the server dropped the connection (or it was closed).
    var connectionIsClosed: Bool { connection.isClosed }
    /// Connects anew with the settings of the first connection.
    private let connectAgain: @Sendable () async throws(PostgresStoreError) -> PostgresConnection
    /// Whether the tenant's run lock is held on the connection, or a transaction is open on it:
    /// then a dropped connection is an error, not something to reconnect through.
    private let holdsLock = Atomic<Bool>(false)
    let inTransaction = Atomic<Bool>(false)
    let logger: Logger
    let thread: ConnectionThread

    /// The schema this trin writes; a store with a newer one is refused.
    public static let schemaVersion = Migrations.all.count

    public var location: String {
        readTenants == [tenant] ? "\(url) (tenant \(tenant))" : "\(url) (\(tenant) of tenants \(readTenants.joined(separator: ", ")))"
    }

    /// Whether this store reads several tenants for a combined publication (and imports nothing).
    public var isCombined: Bool { readTenants != [tenant] }

    private init(url: PostgresURL, tenant: String, readTenants: [String], workDirectory: String, bulkMergeFrom: Int, firstLoadIdentities: Int,
                 connection: PostgresConnection, connectAgain: @escaping @Sendable () async throws(PostgresStoreError) -> PostgresConnection,
                 logger: Logger, thread: ConnectionThread) {
        self.url = url
        self.current = Mutex(connection)
        self.connectAgain = connectAgain
        self.bulkMergeFrom = bulkMergeFrom
        self.firstLoadIdentities = firstLoadIdentities
        self.tenant = tenant
        self.readTenants = readTenants
        self.workDirectory = workDirectory
        self.logger = logger
        self.thread = thread
    }

    /// Set once the connection is being closed.
    private let closed = Atomic<Bool>(false)

    // Not `close()`: the last reference may go on the connection's own thread, which must not wait for itself.
    deinit {
        if !closed.exchange(true, ordering: .relaxed), !connection.isClosed {
            // The connection must outlive its closing: the callback holds it until then.
            let connection = connection
            (connection.close() as EventLoopFuture<Void>).whenComplete { _ in _ = connection }
        }
        thread.stop()
    }

    /// The logger postgres-nio is given: trin's, but never below notice, since at debug and
    /// trace levels the client logs the rows the server sends (pseudonyms).
    static func clientLogger(_ logger: Logger) -> Logger {
        var l = logger
        if l.logLevel < .notice { l.logLevel = .notice }
        return l
    }

    /// Connects, and applies the migrations the store lacks (`migrate`). `environment`,
    /// `home` and `readFile` are where the password may come from (`PostgresURL.resolvedPassword`).
    public static func open(url: PostgresURL, tenant: String, workDirectory: String, environment: [String: String], home: String?,
                            readFile: @escaping @Sendable (String) -> String?, logger: Logger) throws(PostgresStoreError) -> PostgresStore {
        try open(url: url, tenant: tenant, readTenants: [tenant], workDirectory: workDirectory, environment: environment, home: home,
                 readFile: readFile, logger: logger, schemaVersion: schemaVersion)
    }

    /// Opens the combined view of several tenants for one publication across them, named
    /// `name`: the metrics read every record of `tenants` (an identity found in two tenants,
    /// which only a shared pseudonym key makes, counts once, at its greatest version) and the
    /// register of all; its frozen years, last publication and figure tables are kept under
    /// `combined:<name>`. It imports nothing.
    public static func openCombined(url: PostgresURL, name: String, tenants: [String], workDirectory: String, environment: [String: String],
                                    home: String?, readFile: @escaping @Sendable (String) -> String?,
                                    logger: Logger) throws(PostgresStoreError) -> PostgresStore {
        guard !name.isEmpty, !tenants.isEmpty else { throw .badURL("a combined publication needs a name and at least one tenant") }
        return try open(url: url, tenant: "combined:" + name, readTenants: tenants.sorted(), workDirectory: workDirectory,
                        environment: environment, home: home, readFile: readFile, logger: logger, schemaVersion: schemaVersion)
    }

    /// `open`, migrating only up to `target` (tests of a migration from an older schema).
    static func open(url: PostgresURL, tenant: String, readTenants: [String]? = nil, workDirectory: String, environment: [String: String],
                     home: String?, readFile: @escaping @Sendable (String) -> String?, logger: Logger,
                     schemaVersion target: Int, bulkMergeFrom: Int = Migrations.bulkMergeFrom,
                     firstLoadIdentities: Int = PostgresFileImport.FreshLoad.mostIdentities) throws(PostgresStoreError) -> PostgresStore {
        guard !tenant.isEmpty else { throw .badURL("a PostgreSQL store needs a tenant (the municipality's code)") }
        let thread = ConnectionThread(name: "trin-postgres")
        do {
            return try thread.wait {
                let logger = clientLogger(logger)
                let connectAgain: @Sendable () async throws(PostgresStoreError) -> PostgresConnection = { () async throws(PostgresStoreError) in
                    try await connect(url: url, environment: environment, home: home, readFile: readFile, logger: logger)
                }
                let connection = try await connectAgain()
                let store = PostgresStore(url: url, tenant: tenant, readTenants: readTenants ?? [tenant], workDirectory: workDirectory,
                                          bulkMergeFrom: bulkMergeFrom, firstLoadIdentities: firstLoadIdentities, connection: connection, connectAgain: connectAgain, logger: logger,
                                          thread: thread)
                do { try await store.migrate(to: target) } catch {
                    await store.closeConnection()
                    throw error
                }
                return store
            }
        } catch {
            thread.stop()
            if let e = error as? PostgresStoreError { throw e }
            throw .cannotConnect(url: "\(url)", message: message(error))
        }
    }

    private static func connect(url: PostgresURL, environment: [String: String], home: String?, readFile: (String) -> String?,
                                logger: Logger) async throws(PostgresStoreError) -> PostgresConnection {
        let tls: PostgresConnection.Configuration.TLS
        do {
            switch url.tlsMode {
            case .disable: tls = .disable
            case .prefer, .require:
                var c = TLSConfiguration.makeClientConfiguration()
                c.certificateVerification = .none
                let context = try NIOSSLContext(configuration: c)
                tls = url.tlsMode == .prefer ? .prefer(context) : .require(context)
            case .verifyFull: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        } catch {
            throw .cannotConnect(url: "\(url)", message: "TLS: \(error)")
        }
        let configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user,
            password: url.resolvedPassword(environment: environment, home: home, readFile: readFile),
            database: url.database, tls: tls)
        do {
            return try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        } catch {
            throw .cannotConnect(url: "\(url)", message: Self.message(error))
        }
    }

    /// What `trin check-config` reports of a server store, read without changing it.
    public struct Inspection: Sendable, Equatable {
        /// The schema version the server's store has (0: none yet; migrated at the next run).
        public var schemaVersion: Int
        /// The key the tenant's pseudonyms were made with, if any were.
        public var keyID: String?
    }

    /// Connects, reads the schema version and the tenant's key id, and disconnects: no
    /// migration, no lock, nothing written.
    public static func inspect(url: PostgresURL, tenant: String, environment: [String: String], home: String?,
                               readFile: @escaping @Sendable (String) -> String?, logger: Logger) throws(PostgresStoreError) -> Inspection {
        let thread = ConnectionThread(name: "trin-postgres-check")
        defer { thread.stop() }
        do {
            return try thread.wait {
                let logger = clientLogger(logger)
                let connection = try await connect(url: url, environment: environment, home: home, readFile: readFile, logger: logger)
                do {
                    var found = Inspection(schemaVersion: 0, keyID: nil)
                    if try await connection.query("SELECT to_regclass('trin_schema') IS NOT NULL", logger: logger).collect().first?
                        .decode(Bool.self) == true {
                        found.schemaVersion = try await connection.query("SELECT coalesce(max(version), 0) FROM trin_schema", logger: logger)
                            .collect().first?.decode(Int.self) ?? 0
                    }
                    if found.schemaVersion >= 2 {
                        found.keyID = try await connection.query("SELECT value FROM meta WHERE tenant = \(tenant) AND key = 'key_id'", logger: logger)
                            .collect().first?.decode(String.self)
                    }
                    try await connection.close()
                    return found
                } catch {
                    try? await connection.close()
                    throw error
                }
            }
        } catch let e as PostgresStoreError {
            throw e
        } catch {
            throw .database(url: "\(url)", message: message(error))
        }
    }

    /// Closes the connection (and lets go of the tenant's run lock with it).
    public func close() {
        try? thread.wait { await closeConnection() }
    }

    private func closeConnection() async {
        guard !closed.exchange(true, ordering: .relaxed), !connection.isClosed else { return }
        try? await connection.close()
    }

    /// The schema version the store has (0: none yet).
    public func storedSchemaVersion() throws(PostgresStoreError) -> Int {
        try call {
            let exists = try await connection.query("SELECT to_regclass('trin_schema') IS NOT NULL", logger: logger)
                .collect().first?.decode(Bool.self) ?? false
            guard exists else { return 0 }
            return try await connection.query("SELECT coalesce(max(version), 0) FROM trin_schema", logger: logger)
                .collect().first?.decode(Int.self) ?? 0
        }
    }

    /// Applies the migrations the store lacks, all in one transaction under an advisory
    /// lock: instances that start at once wait for each other, and the second finds the
    /// schema current (`CREATE TABLE IF NOT EXISTS` alone is not safe against a concurrent
    /// one). PostgreSQL's DDL is transactional: a migration that fails leaves nothing.
    func migrate(to target: Int) async throws(PostgresStoreError) {
        let applied: ClosedRange<Int>? = try await run {
            try await connection.withTransaction(logger: logger) { c in
                try await c.query("SELECT pg_advisory_xact_lock(\(Migrations.lockKey))", logger: logger)
                try await c.query("CREATE TABLE IF NOT EXISTS trin_schema (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                                  logger: logger)
                let found = try await c.query("SELECT coalesce(max(version), 0) FROM trin_schema", logger: logger)
                    .collect().first?.decode(Int.self) ?? 0
                if found > Self.schemaVersion { throw PostgresStoreError.schemaTooNew(url: "\(url)", found: found, known: Self.schemaVersion) }
                guard found < target else { return nil }
                for version in found..<target {
                    for statement in Migrations.all[version] { try await c.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
                    try await c.query("INSERT INTO trin_schema(version) VALUES (\(version + 1))", logger: logger)
                }
                return (found + 1)...target
            }
        }
        if let applied {
            logger.notice("store schema migrated", metadata: ["event": "store_migrated", "store": "\(url)",
                                                               "versions": "\(applied.lowerBound)-\(applied.upperBound)"])
        }
    }

    // MARK: Run lock

    /// Takes this tenant's run lock on the server (a session advisory lock, keyed by the
    /// tenant), unless another instance holds it: false then. Two instances of one tenant
    /// never import at once; instances of different tenants never wait for each other. The
    /// server lets go when this connection ends, however it ends.
    public func tryLockTenant() throws(PostgresStoreError) -> Bool {
        let locked = try call {
            try await connection.query("SELECT pg_try_advisory_lock(hashtextextended('trin run ' || \(tenant), 0))", logger: logger)
                .collect().first?.decode(Bool.self) ?? false
        }
        if locked { holdsLock.store(true, ordering: .relaxed) }
        return locked
    }

    /// Lets go of this tenant's run lock.
    public func unlockTenant() throws(PostgresStoreError) {
        do {
            _ = try call {
                try await connection.query("SELECT pg_advisory_unlock(hashtextextended('trin run ' || \(tenant), 0))", logger: logger).collect()
            }
            holdsLock.store(false, ordering: .relaxed)
        } catch {
            // Not let go on a connection that is still there: drop the connection, and the server
            // lets go with it (the next call connects anew). Never a lock left behind for ever.
            if !connectionIsClosed {
                let connection = connection
                try? thread.wait { try await connection.close() }
            }
            holdsLock.store(false, ordering: .relaxed)
            throw error
        }
    }

    /// Runs one statement as written, for administration and tests (never with data in it).
    public func execute(unsafeSQL sql: String) throws(PostgresStoreError) {
        _ = try call { try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).collect() }
    }

    /// The bytes a record takes in the COPY text sent to the server (for the benchmark).
    public static func copyTextBytes(_ r: ProgressRecord) -> Int {
        var rows = EventRows(source: r.source)
        rows.append(r)
        var b = CopyBytes()
        rows.forEachPacked { CopyText.append($0, source: rows.source, to: &b) }
        return b.readableBytes
    }

    /// The first column of the first row of one statement as written, as an integer: for
    /// administration and tests (never with data in it).
    public func integer(unsafeSQL sql: String) throws(PostgresStoreError) -> Int? {
        try call { try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).collect().first?.decode(Int?.self) }
    }

    // MARK: Key

    public func bind(keyID: String, scheme: String) throws(StoreError) {
        try storeCall {
            try await transaction {
                if let stored = try await meta("key_id") {
                    guard stored == keyID else { throw StoreError.keyMismatch(path: location, storeKeyID: stored, keyID: keyID) }
                } else {
                    try await setMeta("key_id", keyID)
                    try await setMeta("pseudonym_scheme", scheme)
                }
            }
        }
    }

    public func keyID() throws(StoreError) -> String? {
        try storeCall { try await meta("key_id") }
    }

    // MARK: Runs

    public func beginRun(command: String, startedAt: Instant, dryRun: Bool) throws(StoreError) -> Int64 {
        try storeCall {
            try await rows("UPDATE run SET status = 'interrupted' WHERE tenant = \(tenant) AND status = 'running'")
            return try await rows("""
                INSERT INTO run(tenant, started_at, command, status, dry_run) VALUES (\(tenant), \(startedAt.secondsSinceEpoch), \(command),
                'running', \(dryRun)) RETURNING id
                """).first!.decode(Int64.self)
        }
    }

    public func finishRun(id: Int64, finishedAt: Instant, status: RunStatus, reason: String?) throws(StoreError) {
        try storeCall {
            try await rows("""
                UPDATE run SET finished_at = \(finishedAt.secondsSinceEpoch), status = \(status.rawValue), reason = \(reason)
                WHERE id = \(id) AND tenant = \(tenant)
                """)
        }
    }

    public func recordFileOutcome(_ outcome: FileOutcome) throws(StoreError) {
        try storeCall { try await insert(outcome) }
    }

    @discardableResult
    public func markAbandonedRunsInterrupted() throws(StoreError) -> Int {
        try storeCall {
            try await rows("UPDATE run SET status = 'interrupted' WHERE tenant = \(tenant) AND status = 'running' RETURNING id").count
        }
    }

    public func recentRuns(limit: Int, source: String?) throws(StoreError) -> [RunSummary] {
        try storeCall {
            var q = PostgresQuery(unsafeSQL: Self.runSummarySQL + " WHERE r.tenant = $1")
            q.binds.append(tenant)
            if let source {
                q.sql += " AND EXISTS (SELECT 1 FROM run_file f WHERE f.run_id = r.id AND f.source = $3)"
                q.binds.append(limit)
                q.binds.append(source)
            } else {
                q.binds.append(limit)
            }
            q.sql += " ORDER BY r.id DESC LIMIT $2"
            return try await rows(q).map(Self.summary)
        }
    }

    public func run(id: Int64) throws(StoreError) -> RunSummary? {
        try storeCall {
            var q = PostgresQuery(unsafeSQL: Self.runSummarySQL + " WHERE r.tenant = $1 AND r.id = $2")
            q.binds.append(tenant)
            q.binds.append(id)
            return try await rows(q).first.map(Self.summary)
        }
    }

    public func files(ofRun id: Int64) throws(StoreError) -> [FileOutcome] {
        try storeCall {
            try await rows("""
                SELECT run_id, source, file, status, http_status, bytes, duration_ms, rows_read, inserted, updated, duplicates,
                       rejected_by_reason, message, unknown_codes FROM run_file WHERE run_id = \(id) AND tenant = \(tenant) ORDER BY id
                """).map { r in
                let (runID, source, file, status, http, bytes, ms, read, ins, upd, dup) =
                    try r.decode((Int64, String, String, String, Int?, Int, Int, Int, Int, Int, Int).self)
                let cells = r.makeRandomAccess()
                var o = FileOutcome(runID: runID, source: source, file: file, status: FileOutcome.Status(rawValue: status) ?? .failed,
                                    httpStatus: http, bytes: bytes, durationMilliseconds: ms, rowsRead: read, inserted: ins, updated: upd,
                                    duplicates: dup, rejectedByReason: FileOutcome.reasons(try cells[11].decode(String.self)),
                                    message: try cells[12].decode(String?.self))
                o.unknownCodes = FileOutcome.decodeCodes(try cells[13].decode(String?.self))
                return o
            }
        }
    }

    public func rejectionExamples(ofRun id: Int64, perReason: Int) throws(StoreError) -> [RejectionExample] {
        try storeCall {
            try await rows("""
                SELECT source, file, line, path, reason, field, masked_row FROM (
                  SELECT *, row_number() OVER (PARTITION BY reason ORDER BY id) AS n FROM rejection WHERE run_id = \(id) AND tenant = \(tenant)
                ) r WHERE n <= \(perReason) ORDER BY reason, id
                """).map { r in
                let (source, file, line, path, reason, field, masked) = try r.decode((String, String, Int, String?, String, String?, String).self)
                return RejectionExample(source: source, file: file, line: line, path: path, reason: reason, field: field, maskedRow: masked)
            }
        }
    }

    public func sourceStatus() throws(StoreError) -> [SourceStatus] {
        try storeCall {
            try await rows("""
                SELECT f.source,
                  (SELECT max(coalesce(r.finished_at, r.started_at)) FROM run_file g JOIN run r ON r.id = g.run_id
                     WHERE g.tenant = f.tenant AND g.source = f.source AND g.status IN ('imported', 'skipped_identical', 'unchanged')
                       AND NOT r.dry_run),
                  l.status, l.inserted + l.updated, l.rejected, l.rows_read
                FROM (SELECT DISTINCT g.tenant, g.source FROM run_file g JOIN run r ON r.id = g.run_id
                      WHERE g.tenant = \(tenant) AND NOT r.dry_run) f
                CROSS JOIN LATERAL (SELECT g.status, g.inserted, g.updated, g.rejected, g.rows_read FROM run_file g
                                    JOIN run r ON r.id = g.run_id
                                    WHERE g.tenant = f.tenant AND g.source = f.source AND NOT r.dry_run ORDER BY g.id DESC LIMIT 1) l
                ORDER BY f.source
                """).map { r in
                let (source, last, status, records, rejected, read) = try r.decode((String, Int64?, String, Int, Int, Int).self)
                return SourceStatus(source: source, lastSuccess: last.map(Instant.init(secondsSinceEpoch:)), lastStatus: status,
                                    records: records, rejected: rejected, rowsRead: read)
            }
        }
    }

    public func monitoringTotals() throws(StoreError) -> MonitoringTotals {
        try storeCall {
            var totals = MonitoringTotals()
            var bySource: [String: MonitoringTotals.Source] = [:]
            for r in try await rows("""
                SELECT f.source, f.inserted + f.updated, f.bytes, f.rejected_by_reason, f.duration_ms
                FROM run_file f JOIN run r ON r.id = f.run_id WHERE f.tenant = \(tenant) AND NOT r.dry_run ORDER BY f.id
                """) {
                let (name, records, bytes, reasons, ms) = try r.decode((String, Int, Int, String, Int).self)
                var s = bySource[name] ?? MonitoringTotals.Source(source: name)
                s.records += records
                s.bytes += bytes
                for (reason, n) in FileOutcome.reasons(reasons) { s.rejectedByReason[reason, default: 0] += n }
                s.lastDurationMilliseconds = ms
                bySource[name] = s
            }
            totals.sources = bySource.values.sorted { $0.source < $1.source }
            for r in try await rows("SELECT status, count(*) FROM run WHERE tenant = \(tenant) AND NOT dry_run GROUP BY status ORDER BY status") {
                let (status, n) = try r.decode((String, Int).self)
                totals.runsByStatus[status] = n
            }
            totals.lastRunSeconds = try await rows("""
                SELECT finished_at - started_at FROM run WHERE tenant = \(tenant) AND finished_at IS NOT NULL AND NOT dry_run
                ORDER BY id DESC LIMIT 1
                """).first?.decode(Int64.self)
            return totals
        }
    }

    /// One row per run with its counts, read by `summary`.
    static let runSummarySQL = """
        SELECT r.id, r.command, r.started_at, r.finished_at, r.status, r.dry_run,
          (SELECT count(*) FROM run_file f WHERE f.run_id = r.id AND f.status != 'failed'),
          (SELECT count(*) FROM run_file f WHERE f.run_id = r.id AND f.status = 'failed'),
          (SELECT coalesce(sum(inserted + updated), 0)::bigint FROM run_file f WHERE f.run_id = r.id),
          (SELECT coalesce(sum(rejected), 0)::bigint FROM run_file f WHERE f.run_id = r.id),
          r.reason
        FROM run r
        """

    static func summary(_ r: PostgresRow) throws -> RunSummary {
        let (id, command, started, finished, status, dry, ok, failed, records, rejected, reason) =
            try r.decode((Int64, String, Int64, Int64?, String, Bool, Int, Int, Int, Int, String?).self)
        return RunSummary(id: id, command: command, startedAt: Instant(secondsSinceEpoch: started),
                          finishedAt: finished.map(Instant.init(secondsSinceEpoch:)), status: status, dryRun: dry, sourcesOK: ok,
                          sourcesFailed: failed, records: records, rejected: rejected, reason: reason)
    }

    // MARK: Import

    public func hasImportedFile(ofBytes bytes: Int) throws(StoreError) -> Bool {
        try storeCall { try await !rows("SELECT 1 FROM imported_file WHERE tenant = \(tenant) AND bytes = \(bytes) LIMIT 1").isEmpty }
    }

    public func hasImported(_ key: ImportKey) throws(StoreError) -> Bool {
        try storeCall { try await hasImportedNow(key) }
    }

    func hasImportedNow(_ key: ImportKey) async throws -> Bool {
        try await !rows("SELECT 1 FROM imported_file WHERE tenant = \(tenant) AND import_key = \(key.text)").isEmpty
    }

    public func hasKnownRows(source: String) throws(StoreError) -> Bool {
        try storeCall { try await !rows("SELECT 1 FROM known_rows WHERE tenant = \(tenant) AND source = \(source)").isEmpty }
    }

    public func fetchState(source: String) throws(StoreError) -> FetchState? {
        try storeCall {
            try await rows("""
                SELECT etag, last_modified, content_sha256, last_success_at FROM fetch_state WHERE tenant = \(tenant) AND source = \(source)
                """).first.map { r in
                let (etag, modified, hash, success) = try r.decode((String?, String?, String?, Int64?).self)
                return FetchState(source: source, etag: etag, lastModified: modified, contentHash: hash,
                                  lastSuccessAt: success.map(Instant.init(secondsSinceEpoch:)))
            }
        }
    }

    public func importFile<T>(commit: Bool, _ body: (any FileTransaction) throws -> T) throws -> T {
        guard !isCombined else { throw StoreError.database(path: location, message: "a combined publication's store imports nothing") }
        inTransaction.store(true, ordering: .relaxed)
        defer { inTransaction.store(false, ordering: .relaxed) }
        do {
            // A tenant without a records table yet loads its first file the fast way (PostgresFileImport).
            var partition = PostgresQuery(unsafeSQL: Migrations.tenantTable)
            partition.binds.append(tenant)
            let (existing, fresh) = try storeCall {
                try await rows("BEGIN")
                // The merge sorts a file's records by identity, and a first load builds its table's
                // key: both in memory, not in temporary files.
                try await rows("SET LOCAL work_mem = '256MB'")
                try await rows("SET LOCAL maintenance_work_mem = '256MB'")
                try await rows(PostgresQuery(unsafeSQL: Migrations.stagingTable))
                return try await rows(partition).first?.decode((String?, String).self) ?? (nil, "")
            }
            let file = PostgresFileImport(store: self, existingTable: existing, freshTable: fresh)
            let result = try body(file)
            try file.flush()
            if commit { try file.attachFirstLoad() }
            try storeCall {
                if commit, file.inserted + file.updated > 0 { try await bumpContentVersion() }
                try await rows(commit ? "COMMIT" : "ROLLBACK")
            }
            return result
        } catch {
            _ = try? storeCall { try await rows("ROLLBACK") }
            throw error
        }
    }

    // MARK: Reading

    public func forEachCitizen(_ body: ([ProgressRecord]) throws -> Void) throws {
        try passThrough {
            // Across tenants an identity may be stored twice (a shared key): its greatest version counts.
            let stageOrder = Migrations.stageOrder("e.stage")
            let rows = try await connection.query("""
                SELECT \(unescaped: isCombined ? "DISTINCT ON (e.pseudonym, e.start_day, \(stageOrder), e.agreement)" : "")
                       e.pseudonym, e.age_band, e.agreement, e.enterprise, e.target_group, e.stage, e.start_day, e.end_day, e.hours,
                       e.recorded_at, e.source, e.source_record_id
                FROM event e WHERE e.tenant = ANY(\(readTenants))
                ORDER BY e.pseudonym, e.start_day, \(unescaped: stageOrder), e.agreement
                         \(unescaped: isCombined ? ", " + Migrations.versionDescending("e") : "")
                """, logger: logger)
            var current: [ProgressRecord] = []
            for try await (pseudonym, age, agreement, enterprise, group, stage, start, end, hours, recorded, source, id)
                in rows.decode((ByteBuffer, String, String, String?, String, String, Int32, Int32?, Double?, Int64, String, String).self) {
                guard let ageBand = AgeBand(rawValue: age), let targetGroup = TargetGroup(rawValue: group), let stage = Stage(rawValue: stage),
                      pseudonym.readableBytes == 16
                else { throw StoreError.database(path: location, message: "corrupt event row") }
                let record = ProgressRecord(
                    pseudonym: Pseudonym(bytes: Array(buffer: pseudonym)), ageBand: ageBand, agreement: agreement.isEmpty ? nil : agreement,
                    enterprise: enterprise, targetGroup: targetGroup, stage: stage, start: Day(daysSinceEpoch: start),
                    end: end.map(Day.init(daysSinceEpoch:)), hoursPerWeek: hours, recordedAt: Instant(secondsSinceEpoch: recorded),
                    source: source, sourceRecordID: id)
                if let first = current.first, first.pseudonym != record.pseudonym {
                    try body(current)
                    current.removeAll(keepingCapacity: true)
                }
                current.append(record)
            }
            if !current.isEmpty { try body(current) }
        }
    }

    public func enterprises() throws(StoreError) -> [EnterpriseRecord] {
        try storeCall {
            try await rows("""
                SELECT DISTINCT ON (cvr) cvr, name, type, social, local, economic, start, end_date FROM enterprise
                WHERE tenant = ANY(\(readTenants)) ORDER BY cvr, version DESC
                """).map { r in
                let (cvr, name, type, social, local, economic, start, end) = try r.decode((String, String, String, Bool, Bool, Bool, String, String?).self)
                guard let startDay = Day(iso: start) else { throw StoreError.database(path: location, message: "corrupt enterprise row \(cvr)") }
                return EnterpriseRecord(cvr: cvr, name: name, type: EnterpriseType(rawValue: type) ?? .virksomhed, socialBottomLine: social,
                                        localBottomLine: local, economicBottomLine: economic, start: startDay, end: end.flatMap { Day(iso: $0) })
            }
        }
    }

    public func eventCount() throws(StoreError) -> Int {
        try storeCall { try await rows("SELECT count(*) FROM event WHERE tenant = ANY(\(readTenants))").first?.decode(Int.self) ?? 0 }
    }

    // MARK: Publication

    /// For a combined store, the sum of its tenants' versions: it goes up whenever one does.
    public func contentVersion() throws(StoreError) -> Int {
        try storeCall {
            try await rows("""
                SELECT coalesce(sum(value::bigint), 0)::bigint FROM meta WHERE tenant = ANY(\(readTenants)) AND key = 'content_version'
                """).first?.decode(Int.self) ?? 0
        }
    }

    func bumpContentVersion() async throws {
        try await setMeta("content_version", String((try await meta("content_version").flatMap { Int($0) } ?? 0) + 1))
    }

    public func lastPublication() throws(StoreError) -> (inputs: String, set: String)? {
        try storeCall {
            guard let text = try await meta("last_publication"), let newline = text.firstIndex(of: "\n") else { return nil }
            return (String(text[..<newline]), String(text[text.index(after: newline)...]))
        }
    }

    public func recordPublication(inputs: String, set: String) throws(StoreError) {
        try storeCall { try await setMeta("last_publication", inputs + "\n" + set) }
    }

    public func frozenYears(k: Int?) throws(StoreError) -> [FrozenYearRow] {
        try storeCall {
            try await rows("""
                SELECT year, k, as_of, frozen_at, figures FROM frozen_year
                WHERE tenant = \(tenant) AND (\(k)::integer IS NULL OR k = \(k)) ORDER BY year, k
                """)
                .map { r in
                    let (year, k, asOf, at, figures) = try r.decode((Int, Int, String, Int64, String).self)
                    return FrozenYearRow(year: year, k: k, asOf: asOf, frozenAt: Instant(secondsSinceEpoch: at), figures: figures)
                }
        }
    }

    public func freeze(_ rows: [FrozenYearRow], replacing: Set<Int>) throws(StoreError) {
        guard !rows.isEmpty else { return }
        try storeCall {
            try await transaction {
                for r in rows {
                    let onConflict = replacing.contains(r.year)
                        ? "DO UPDATE SET as_of = EXCLUDED.as_of, frozen_at = EXCLUDED.frozen_at, figures = EXCLUDED.figures" : "DO NOTHING"
                    try await self.rows("""
                        INSERT INTO frozen_year(tenant, year, k, as_of, frozen_at, figures)
                        VALUES (\(tenant), \(r.year), \(r.k), \(r.asOf), \(r.frozenAt.secondsSinceEpoch), \(r.figures))
                        ON CONFLICT (tenant, year, k) \(unescaped: onConflict)
                        """)
                }
            }
        }
    }

    // MARK: Retention

    public func purge(rejectedRowsBefore: Instant?, runsBefore: Instant?, eventsEndedBefore: Day?) throws(StoreError) -> PurgeCounts {
        try storeCall {
            try await transaction {
                var counts = PurgeCounts()
                if let cutoff = rejectedRowsBefore?.secondsSinceEpoch {
                    counts.rejectedRows = try await rows("""
                        DELETE FROM rejection WHERE tenant = \(tenant)
                        AND run_id IN (SELECT id FROM run WHERE tenant = \(tenant) AND started_at < \(cutoff)) RETURNING id
                        """).count
                }
                if let cutoff = runsBefore?.secondsSinceEpoch {
                    counts.rejectedRows += try await rows("""
                        DELETE FROM rejection WHERE tenant = \(tenant)
                        AND run_id IN (SELECT id FROM run WHERE tenant = \(tenant) AND started_at < \(cutoff) AND status != 'running') RETURNING id
                        """).count
                    try await rows("""
                        DELETE FROM run_file WHERE tenant = \(tenant)
                        AND run_id IN (SELECT id FROM run WHERE tenant = \(tenant) AND started_at < \(cutoff) AND status != 'running')
                        """)
                    counts.runs = try await rows("""
                        DELETE FROM run WHERE tenant = \(tenant) AND started_at < \(cutoff) AND status != 'running' RETURNING id
                        """).count
                }
                if let day = eventsEndedBefore {
                    counts.events = try await rows("""
                        WITH gone AS (DELETE FROM event WHERE tenant = \(tenant) AND coalesce(end_day, start_day) < \(day.daysSinceEpoch)
                                      RETURNING 1)
                        SELECT count(*) FROM gone
                        """).first?.decode(Int.self) ?? 0
                    if counts.events > 0 { try await bumpContentVersion() }
                }
                try await keepCutoff(eventsEndedBefore.map { Int($0.daysSinceEpoch) })
                return counts
            }
        }
    }

    public func prepareImports(eventsEndedBefore: Day?) throws(StoreError) {
        let now = eventsEndedBefore.map { Int($0.daysSinceEpoch) }
        try storeCall {
            guard RetentionCutoff.forgetsKnownRows(last: try await meta(RetentionCutoff.metaKey).flatMap { Int($0) }, now: now) else { return }
            try await transaction { try await keepCutoff(now) }
        }
    }

    /// Keeps a purge's cutoff for records, and forgets the tenant's known rows when records
    /// deleted before may have to come back (`RetentionCutoff`); inside a transaction.
    private func keepCutoff(_ now: Int?) async throws {
        let key = RetentionCutoff.metaKey
        let last = try await meta(key).flatMap { Int($0) }
        if RetentionCutoff.forgetsKnownRows(last: last, now: now) {
            try await rows("DELETE FROM known_rows WHERE tenant = \(tenant)")
        }
        guard now != last else { return }
        if let now {
            try await setMeta(key, String(now))
        } else {
            try await rows("DELETE FROM meta WHERE tenant = \(tenant) AND key = \(key)")
        }
    }

    // MARK: Plumbing

    func meta(_ key: String) async throws -> String? {
        try await rows("SELECT value FROM meta WHERE tenant = \(tenant) AND key = \(key)").first?.decode(String.self)
    }

    func setMeta(_ key: String, _ value: String) async throws {
        try await rows("""
            INSERT INTO meta(tenant, key, value) VALUES (\(tenant), \(key), \(value))
            ON CONFLICT (tenant, key) DO UPDATE SET value = EXCLUDED.value
            """)
    }

    func insert(_ o: FileOutcome) async throws {
        try await rows("""
            INSERT INTO run_file(run_id, tenant, source, file, status, http_status, bytes, duration_ms, rows_read, inserted, updated,
                                 duplicates, rejected, rejected_by_reason, message, unknown_codes)
            VALUES (\(o.runID), \(tenant), \(o.source), \(o.file), \(o.status.rawValue), \(o.httpStatus), \(o.bytes),
                    \(o.durationMilliseconds), \(o.rowsRead), \(o.inserted), \(o.updated), \(o.duplicates), \(o.rejected),
                    \(o.rejectedByReasonText), \(o.message), \(FileOutcome.encode(o.unknownCodes)))
            """)
    }

    /// Runs `body` in a transaction of its own (never inside a file's).
    func transaction<T>(_ body: () async throws -> T) async throws -> T {
        try await rows("BEGIN")
        do {
            let result = try await body()
            try await rows("COMMIT")
            return result
        } catch {
            _ = try? await rows("ROLLBACK")
            throw error
        }
    }

    /// One statement's rows, all read.
    @discardableResult
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await connection.query(query, logger: logger).collect()
    }

    /// Runs `body` on the connection's thread and waits, as a store call: a store error as it
    /// is, any other naming the store.
    @discardableResult
    func storeCall<T>(_ body: () async throws -> T) throws(StoreError) -> T {
        do { try ensureConnected() } catch { throw .database(path: location, message: "\(error)") }
        do { return try thread.wait(body) } catch let e as StoreError { throw e } catch let e as PostgresStoreError {
            throw .database(path: location, message: "\(e)")
        } catch {
            throw .database(path: location, message: Self.message(error))
        }
    }

    /// Runs `body` on the connection's thread and waits: the database's errors as store errors
    /// that name the store, the body's own as they are.
    func passThrough<T>(_ body: () async throws -> T) throws -> T {
        try ensureConnected()
        do { return try thread.wait(body) } catch let e as PSQLError {
            throw StoreError.database(path: location, message: Self.message(e))
        }
    }

    /// Runs `body` on the connection's thread and waits; errors name the server.
    func call<T>(_ body: () async throws -> T) throws(PostgresStoreError) -> T {
        try ensureConnected()
        do { return try thread.wait { try await self.run(body) } } catch let e as PostgresStoreError { throw e } catch {
            throw .database(url: "\(url)", message: Self.message(error))
        }
    }

    /// Connects anew when the server dropped the connection (a restart, a firewall closing an
    /// idle connection between nights) and nothing depended on it: no transaction open, no run
    /// lock held (a lock lost with its connection must end the run that held it, not be
    /// silently gone). A daemon's next pass then goes on.
    private func ensureConnected() throws(PostgresStoreError) {
        guard connection.isClosed else { return }
        if closed.load(ordering: .relaxed) { throw .database(url: "\(url)", message: "the store was closed") }
        // A query sent on a closed connection is never answered: say so instead of waiting.
        if holdsLock.load(ordering: .relaxed) || inTransaction.load(ordering: .relaxed) {
            throw .database(url: "\(url)", message: "the connection to the server was lost, and with it "
                            + (holdsLock.load(ordering: .relaxed) ? "the tenant's run lock" : "the open transaction"))
        }
        let connectAgain = connectAgain
        let fresh: PostgresConnection
        do { fresh = try thread.wait { try await connectAgain() } } catch let e as PostgresStoreError { throw e } catch {
            throw .cannotConnect(url: "\(url)", message: Self.message(error))
        }
        current.withLock { $0 = fresh }
        logger.notice("reconnected to the store", metadata: ["event": "store_reconnected", "store": "\(url)"])
    }

    /// Runs `body`, turning any error into one that names the store.
    private func run<T>(_ body: () async throws -> T) async throws(PostgresStoreError) -> T {
        do { return try await body() } catch let error as PostgresStoreError { throw error } catch let error as PostgresTransactionError {
            if let e = error.closureError as? PostgresStoreError { throw e }
            throw .database(url: "\(url)", message: Self.message(error.closureError ?? error.beginError ?? error.commitError ?? error))
        } catch {
            throw .database(url: "\(url)", message: Self.message(error))
        }
    }

    /// The server's own message where there is one (`PSQLError` describes itself vaguely on purpose).
    static func message(_ error: any Error) -> String {
        // A decoding error hides its details on purpose (a value could be personal); the column and types are not.
        if let e = error as? PostgresDecodingError {
            return "cannot read column \(e.columnName) (\(e.postgresType)) as \(e.targetType)"
        }
        if let e = error as? PSQLError {
            if let m = e.serverInfo?[.message] { return m }
            if let underlying = e.underlying { return "\(underlying)" }
            return "\(e.code)"
        }
        return "\(error)"
    }
}
