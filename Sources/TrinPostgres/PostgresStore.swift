public import Logging
public import TrinCore
import PostgresNIO
import NIOSSL

/// The store in a PostgreSQL server that several trin instances share: one tenant's
/// records (a municipality's), deduplicated by the same rules as the SQLite store.
///
/// What is here so far is the part every other part stands on: the connection (libpq's
/// URL, password sources and TLS modes), versioned schema migrations applied at open, a
/// tenant's run lock (an advisory lock on the server), and
/// one file's records merged in one transaction — copied into a staging table and merged
/// by one statement, so that the stored version of each identity is the greatest by the
/// version order whatever the import order. The rest of the store (runs, fetch state,
/// rejected rows, metrics) is still the SQLite store's alone.
public final class PostgresStore: Sendable {
    public let url: PostgresURL
    /// Every row carries it; every statement is scoped by it.
    public let tenant: String
    let connection: PostgresConnection
    let logger: Logger

    /// The schema this trin writes; a store with a newer one is refused.
    public static let schemaVersion = Migrations.all.count

    private init(url: PostgresURL, tenant: String, connection: PostgresConnection, logger: Logger) {
        self.url = url
        self.tenant = tenant
        self.connection = connection
        self.logger = logger
    }

    /// Connects, and applies the migrations the store lacks (`migrate`). `environment`,
    /// `home` and `readFile` are where the password may come from (`PostgresURL.resolvedPassword`).
    public static func open(url: PostgresURL, tenant: String, environment: [String: String], home: String?,
                            readFile: @Sendable (String) -> String?, logger: Logger) async throws(PostgresStoreError) -> PostgresStore {
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
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        } catch {
            throw .cannotConnect(url: "\(url)", message: Self.message(error))
        }
        let store = PostgresStore(url: url, tenant: tenant, connection: connection, logger: logger)
        do {
            try await store.migrate()
        } catch {
            try? await connection.close()
            throw error
        }
        return store
    }

    /// Closes the connection.
    public func close() async {
        try? await connection.close()
    }

    /// The schema version the store has (0: none yet).
    public func storedSchemaVersion() async throws(PostgresStoreError) -> Int {
        try await run {
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
    func migrate() async throws(PostgresStoreError) {
        let applied: ClosedRange<Int>? = try await run {
            try await connection.withTransaction(logger: logger) { c in
                try await c.query("SELECT pg_advisory_xact_lock(\(Migrations.lockKey))", logger: logger)
                try await c.query("CREATE TABLE IF NOT EXISTS trin_schema (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                                  logger: logger)
                let found = try await c.query("SELECT coalesce(max(version), 0) FROM trin_schema", logger: logger)
                    .collect().first?.decode(Int.self) ?? 0
                if found > Self.schemaVersion { throw PostgresStoreError.schemaTooNew(url: "\(url)", found: found, known: Self.schemaVersion) }
                guard found < Self.schemaVersion else { return nil }
                for version in found..<Self.schemaVersion {
                    for statement in Migrations.all[version] { try await c.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
                    try await c.query("INSERT INTO trin_schema(version) VALUES (\(version + 1))", logger: logger)
                }
                return (found + 1)...Self.schemaVersion
            }
        }
        if let applied {
            logger.notice("store schema migrated", metadata: ["event": "store_migrated", "store": "\(url)",
                                                               "versions": "\(applied.lowerBound)-\(applied.upperBound)"])
        }
    }

    /// What merging one file's records did.
    public struct MergeCounts: Sendable, Equatable {
        public var inserted = 0
        public var updated = 0
        /// Records not stored: a greater or equal version was there, or came in the same file.
        public var duplicates = 0

        public init(inserted: Int = 0, updated: Int = 0, duplicates: Int = 0) {
            self.inserted = inserted
            self.updated = updated
            self.duplicates = duplicates
        }
    }

    /// Merges one file's records in one transaction: copied into a staging table, then one
    /// statement keeps, per identity, the greatest version of the file's and the stored one.
    /// Nothing of the file remains when anything fails.
    public func importRecords(_ records: some Sequence<ProgressRecord> & Sendable) async throws(PostgresStoreError) -> MergeCounts {
        try await run {
            try await connection.withTransaction(logger: logger) { c in
                // The merge sorts the file's records by identity: in memory, not in temporary files.
                try await c.query("SET LOCAL work_mem = '256MB'", logger: logger)
                try await c.query(PostgresQuery(unsafeSQL: Migrations.stagingTable), logger: logger)
                var copied = 0
                // Streamed a megabyte at a time: memory stays flat whatever the file's size.
                try await c.copyFrom(table: "trin_staging", columns: Migrations.stagingColumns, logger: logger) { writer in
                    var buffer = ByteBuffer()
                    buffer.reserveCapacity(1 << 20 + 4096)
                    for r in records {
                        CopyText.append(r, to: &buffer)
                        copied += 1
                        if buffer.readableBytes >= 1 << 20 {
                            try await writer.write(buffer)
                            buffer.clear()
                        }
                    }
                    if buffer.readableBytes > 0 { try await writer.write(buffer) }
                }
                let row = try await c.query(PostgresQuery(unsafeSQL: Migrations.merge, binds: try Self.binds(tenant)), logger: logger)
                    .collect().first
                let (inserted, updated) = try row?.decode((Int, Int).self) ?? (0, 0)
                return MergeCounts(inserted: inserted, updated: updated, duplicates: copied - inserted - updated)
            }
        }
    }

    /// Takes this tenant's run lock on the server (a session advisory lock, keyed by the
    /// tenant), unless another instance holds it: false then. Two instances of one tenant
    /// never import at once; instances of different tenants never wait for each other. The
    /// server lets go when this connection ends, however it ends.
    public func tryLockTenant() async throws(PostgresStoreError) -> Bool {
        try await run {
            try await connection.query("SELECT pg_try_advisory_lock(hashtextextended('trin run ' || \(tenant), 0))", logger: logger)
                .collect().first?.decode(Bool.self) ?? false
        }
    }

    /// Lets go of this tenant's run lock.
    public func unlockTenant() async throws(PostgresStoreError) {
        _ = try await run {
            try await connection.query("SELECT pg_advisory_unlock(hashtextextended('trin run ' || \(tenant), 0))", logger: logger)
        }
    }

    /// Runs one statement as written, for administration and tests (never with data in it).
    public func execute(unsafeSQL sql: String) async throws(PostgresStoreError) {
        _ = try await run { try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) }
    }

    /// The bytes a record takes in the COPY text sent to the server (for the benchmark).
    public static func copyTextBytes(_ r: ProgressRecord) -> Int {
        var b = ByteBuffer()
        CopyText.append(r, to: &b)
        return b.readableBytes
    }

    /// Records stored for this tenant.
    public func eventCount() async throws(PostgresStoreError) -> Int {
        try await run {
            try await connection.query("SELECT count(*) FROM event WHERE tenant = \(tenant)", logger: logger)
                .collect().first?.decode(Int.self) ?? 0
        }
    }

    /// The tenant's records in the SQLite store's canonical dump format (`Store.canonicalDump`,
    /// events only), in identity order: equal dumps, equal stores.
    public func canonicalEventDump() async throws(PostgresStoreError) -> String {
        try await run {
            var lines: [String] = []
            let rows = try await connection.query("""
                SELECT pseudonym, age_band, agreement, enterprise, target_group, stage, start_day, end_day, hours, recorded_at,
                       source, source_record_id
                FROM event WHERE tenant = \(tenant) ORDER BY pseudonym, start_day, stage, agreement
                """, logger: logger)
            for try await (pseudonym, age, agreement, enterprise, group, stage, start, end, hours, recorded, source, id)
                in rows.decode((ByteBuffer, String, String, String?, String, String, Int32, Int32?, Double?, Int64, String, String).self) {
                let p = Pseudonym(bytes: Array(buffer: pseudonym))
                lines.append([p.description, age, agreement, enterprise ?? "", group, stage, Day(daysSinceEpoch: start).description,
                              end.map { Day(daysSinceEpoch: $0).description } ?? "", hours.map { "\($0)" } ?? "",
                              Instant(secondsSinceEpoch: recorded).description, source, id].joined(separator: "|"))
            }
            return lines.joined(separator: "\n")
        }
    }

    private static func binds(_ tenant: String) throws -> PostgresBindings {
        var b = PostgresBindings()
        b.append(tenant)
        return b
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
        if let e = error as? PSQLError {
            if let m = e.serverInfo?[.message] { return m }
            if let underlying = e.underlying { return "\(underlying)" }
            return "\(e.code)"
        }
        return "\(error)"
    }
}
