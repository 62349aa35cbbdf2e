import PostgresNIO
public import TrinCore
public import TrinStore

/// One file's import into the PostgreSQL store, inside the transaction `PostgresStore.importFile`
/// opened: records are copied (COPY) into the transaction's staging table as they come, and
/// merged into the tenant's records by one statement at `flush` — per identity the greatest
/// version of the file's and the stored one, by the version order (`Migrations.merge`).
///
/// A tenant's first records take a faster way (`FreshLoad`): the tenant has no records table
/// yet, so nothing stored can conflict with them. Each identity's first record in the file is
/// copied straight into a new table of the tenant's own, without an index; a record whose
/// identity came before in the file goes to the staging table. At `flush` the new table's key
/// is built in one sorted pass and the staged records are merged into it as any file's are (the
/// greatest version wins, as in every import); just before the commit the table is attached as
/// the tenant's partition of `event` (`attachFirstLoad`), which reuses the key.
///
/// The counts differ from the SQLite store's in one case only: an identity listed several
/// times within one merge's records is counted once (its greatest version; the others as
/// duplicates), where the SQLite store counts each row it writes. What is stored is the same.
public final class PostgresFileImport: FileTransaction {
    let store: PostgresStore
    public private(set) var inserted = 0
    public private(set) var updated = 0
    public private(set) var duplicates = 0
    /// Records copied into the staging table since the last merge.
    private var staged = 0
    private var enterprisesInFile: [String: EnterpriseRecord] = [:]
    private var rejections = CopyBytes()
    /// Records added one by one, copied as one batch before anything else is written.
    private var added: EventRows?
    /// The tenant's records table as SQL, the partition of `event` merges write into.
    let table: String
    /// Set when the tenant had no records table at the start of the file.
    private var fresh: FreshLoad?

    /// A tenant's first load (see the type's comment).
    struct FreshLoad {
        /// The tenant's records table to be (`Migrations.eventPartition`).
        let table: String
        /// The tenant and a tab, the first column of every line copied into `table`.
        let prefix: [UInt8]
        /// `mostIdentities`, or fewer in tests.
        let limit: Int
        /// Hashes of the identities copied into `table`. Two identities with one hash send
        /// the second to the staging table, which merges it as any record: never wrong.
        var seen = Set<Int>()
        var created = false
        var keyed = false
        var attached = false

        /// The identities a first load tells apart, for memory bounded whatever the file's size
        /// (about 16 bytes each): a file's records after that many go to the staging table,
        /// merged at the end as any file's are.
        static let mostIdentities = 1 << 21

        /// Whether `e` is the first record of its identity in this file (and so goes to `table`).
        mutating func isFirst(_ e: PackedEvent) -> Bool {
            guard seen.count < limit else { return false }
            var h = Hasher()
            h.combine(e.pseudonym.high)
            h.combine(e.pseudonym.low)
            h.combine(e.startDay)
            h.combine(e.stage)
            h.combine(bytes: UnsafeRawBufferPointer(e.agreement))
            return seen.insert(h.finalize()).inserted
        }
    }

    /// `existingTable`: the tenant's records table as SQL (`Migrations.tenantTable`), nil when
    /// this file is the tenant's first load, which makes `freshTable`.
    init(store: PostgresStore, existingTable: String?, freshTable: String) {
        self.store = store
        if let existingTable {
            table = existingTable
        } else {
            table = "\"" + freshTable + "\""
            var prefix = CopyBytes()
            CopyText.text(store.tenant, &prefix)
            CopyText.tab(&prefix)
            fresh = FreshLoad(table: freshTable, prefix: prefix.array, limit: store.firstLoadIdentities)
        }
    }

    /// Records added one at a time are gathered and copied as a batch: a statement each
    /// would cost a round trip to the server each.
    public func add(_ record: ProgressRecord) throws {
        if let batch = added, batch.source != record.source || batch.count >= 65_536 { try copyAdded() }
        if added == nil { added = EventRows(source: record.source) }
        added!.append(record)
    }

    private func copyAdded() throws {
        guard let batch = added else { return }
        added = nil
        try write(batch)
    }

    public func write(_ rows: EventRows) throws {
        try copyAdded()
        guard !rows.isEmpty else { return }
        var batch = Batch(records: rows.count, firstLoad: fresh != nil)
        rows.forEachPacked { batch.append($0, source: rows.source, fresh: &fresh) }
        try copy(batch)
    }

    public func write(merging runs: [SortedRun]) throws {
        try copyAdded()
        for run in runs {
            var batch = Batch(records: run.count, firstLoad: fresh != nil)
            try run.forEachPacked { batch.append($0, source: run.source, fresh: &fresh) }
            try copy(batch)
        }
    }

    /// One batch's records as COPY text: for the staging table, and for a first load's table.
    struct Batch {
        var staged: CopyBytes
        var stagedCount = 0
        var direct = CopyBytes()
        var directCount = 0
        let records: Int

        /// A first load's batch goes mostly to its table, its repeated identities (few) to staging.
        init(records: Int, firstLoad: Bool) {
            self.records = records
            staged = CopyBytes(capacity: firstLoad ? 0 : records * 160)
            if firstLoad { direct = CopyBytes(capacity: records * 170) }
        }

        mutating func append(_ e: PackedEvent, source: String, fresh: inout FreshLoad?) {
            if fresh?.isFirst(e) == true {
                direct.writeBytes(fresh!.prefix)
                CopyText.append(e, source: source, to: &direct)
                directCount += 1
            } else {
                CopyText.append(e, source: source, to: &staged)
                stagedCount += 1
            }
        }
    }

    private func copy(_ batch: Batch) throws {
        let store = store
        if batch.directCount > 0, var load = fresh {
            if !load.created {
                // LIKE copies the columns and their collations, not the key: it is built at the attach.
                // The CHECK lets the attach skip reading the table to prove its rows are the tenant's.
                try firstLoadDDL("CREATE TABLE %I (LIKE event INCLUDING DEFAULTS, CHECK (tenant = %L))")
                load.created = true
                fresh = load
            }
            let buffer = batch.direct.buffer
            try store.storeCall {
                try await store.connection.copyFrom(table: load.table, columns: ["tenant"] + Migrations.stagingColumns,
                                                    logger: store.logger) { writer in
                    try await writer.write(buffer)
                }
            }
            inserted += batch.directCount
        }
        if batch.stagedCount > 0 {
            let buffer = batch.staged.buffer
            try store.storeCall {
                try await store.connection.copyFrom(table: "trin_staging", columns: Migrations.stagingColumns, logger: store.logger) { writer in
                    try await writer.write(buffer)
                }
            }
            staged += batch.stagedCount
        }
    }

    /// A first load's table gets its key, in one sorted pass: a key written row by row while a
    /// million records are copied costs the server about three times as much (docs/benchmarks.md).
    /// Building it records the table's size for the planner; the server's autovacuum gathers
    /// the rest of its statistics (an ANALYZE here took 0.4 s of a 7 s import).
    private func keyFirstLoad() throws {
        guard var load = fresh, load.created, !load.keyed else { return }
        try firstLoadDDL("ALTER TABLE %I ADD PRIMARY KEY (\(Migrations.eventKey))")
        load.keyed = true
        fresh = load
    }

    /// Makes a first load's table the tenant's partition of `event`, reusing its key; called
    /// just before the commit. The attach locks `event` against another attach (another
    /// tenant's first load waits at its own) until the commit: a moment, not the file's import.
    func attachFirstLoad() throws {
        try keyFirstLoad()
        guard var load = fresh, load.created, !load.attached else { return }
        try firstLoadDDL("ALTER TABLE event ATTACH PARTITION %I FOR VALUES IN (%L)")
        load.attached = true
        fresh = load
    }

    /// Runs a statement on a first load's table, written by the server from `template`
    /// (`format`: `%I` the table's name, `%L` the tenant), so that both are quoted as SQL
    /// quotes them, not by hand.
    private func firstLoadDDL(_ template: String) throws {
        guard let table = fresh?.table else { return }
        var query = PostgresQuery(unsafeSQL: "SELECT format('\(template)', $1::text, $2::text)")
        query.binds.append(table)
        query.binds.append(store.tenant)
        let store = store
        try store.storeCall {
            let ddl = try await store.rows(query).first?.decode(String.self) ?? ""
            try await store.rows(PostgresQuery(unsafeSQL: ddl))
        }
    }

    public func add(_ enterprise: EnterpriseRecord) {
        // A CVR listed again in the same file: the later row wins, the earlier one counts as a duplicate.
        if enterprisesInFile.updateValue(enterprise, forKey: enterprise.cvr) != nil { duplicates += 1 }
    }

    public func reject(_ rejection: Rejection, runID: Int64, source: String, file: String) throws {
        CopyText.append(rejection, runID: runID, tenant: store.tenant, source: source, file: file, to: &rejections)
        if rejections.readableBytes >= 1 << 20 { try flushRejections() }
    }

    /// Nothing in how a server store is written depends on its size.
    public func databaseBytes() throws -> Int { 0 }

    public func hasImported(_ key: ImportKey) throws -> Bool {
        let store = store
        return try store.storeCall { try await store.hasImportedNow(key) }
    }

    public func knownRows(source: String) throws -> KnownRows? {
        let store = store
        return try store.storeCall {
            guard let row = try await store.rows("""
                SELECT context, digests FROM known_rows WHERE tenant = \(store.tenant) AND source = \(source)
                """).first else { return nil }
            var (context, digests) = try row.decode((String, ByteBuffer).self)
            var values = [UInt64]()
            values.reserveCapacity(digests.readableBytes / 8)
            while let v = digests.readInteger(endianness: .little, as: UInt64.self) { values.append(v) }
            return KnownRows(context: context, digests: values)
        }
    }

    public func saveKnownRows(source: String, _ rows: KnownRows) throws {
        let store = store
        guard let count = rows.nextCount else {
            try store.storeCall { try await store.rows("DELETE FROM known_rows WHERE tenant = \(store.tenant) AND source = \(source)") }
            return
        }
        var digests = ByteBuffer()
        digests.reserveCapacity(count * 8)
        _ = try rows.forEachNextChunk { chunk in
            for v in chunk { digests.writeInteger(v, endianness: .little) }
        }
        let context = rows.context
        try store.storeCall {
            try await store.rows("""
                INSERT INTO known_rows(tenant, source, context, digests) VALUES (\(store.tenant), \(source), \(context), \(digests))
                ON CONFLICT (tenant, source) DO UPDATE SET context = EXCLUDED.context, digests = EXCLUDED.digests
                """)
        }
    }

    public func countKnown(_ rows: Int) { duplicates += rows }

    public func complete(_ outcome: FileOutcome, key: ImportKey, at time: Instant) throws {
        try flush()
        let store = store
        try store.storeCall {
            try await store.insert(outcome)
            try await store.rows("""
                INSERT INTO imported_file(tenant, import_key, content_sha256, mapping_fingerprint, source, file, bytes, run_id, imported_at)
                VALUES (\(store.tenant), \(key.text), \(key.contentHash), \(key.mappingFingerprint), \(outcome.source), \(outcome.file),
                        \(outcome.bytes), \(outcome.runID), \(time.secondsSinceEpoch))
                ON CONFLICT (tenant, import_key) DO UPDATE SET file = EXCLUDED.file, bytes = EXCLUDED.bytes, run_id = EXCLUDED.run_id,
                    imported_at = EXCLUDED.imported_at
                """)
        }
    }

    public func saveFetchState(_ state: FetchState) throws {
        let store = store
        try store.storeCall {
            try await store.rows("""
                INSERT INTO fetch_state(tenant, source, etag, last_modified, content_sha256, last_success_at)
                VALUES (\(store.tenant), \(state.source), \(state.etag), \(state.lastModified), \(state.contentHash),
                        \(state.lastSuccessAt?.secondsSinceEpoch))
                ON CONFLICT (tenant, source) DO UPDATE SET etag = EXCLUDED.etag, last_modified = EXCLUDED.last_modified,
                    content_sha256 = EXCLUDED.content_sha256, last_success_at = EXCLUDED.last_success_at
                """)
        }
    }

    /// Merges the records staged so far, then the register rows and rejected rows gathered.
    public func flush() throws {
        try copyAdded()
        try mergeStaged()
        try flushEnterprises()
        try flushRejections()
    }

    /// Merges the staged records into the tenant's (`Migrations.merge`) and empties the staging table.
    private func mergeStaged() throws {
        try keyFirstLoad()
        let store = store
        let table = table
        if staged > 0 {
            let (i, u) = try store.storeCall {
                // The file's records are merged once, at its end, not batch by batch: in one sorted
                // pass the new keys go into the index in order (merged batch by batch, a million new
                // records took 17.6 s instead of 12.4 s: each batch touched pages all over the index).
                let bulk = staged >= store.bulkMergeFrom
                if bulk { try await store.rows("ANALYZE trin_staging") }  // the planner must know its size
                var merge = PostgresQuery(unsafeSQL: bulk ? Migrations.mergeInBulk(into: table) : Migrations.mergeByProbing(into: table))
                merge.binds.append(store.tenant)
                let counts = try await store.rows(merge).first?.decode((Int, Int).self) ?? (0, 0)
                try await store.rows("TRUNCATE trin_staging")
                return counts
            }
            inserted += i
            if fresh == nil {
                updated += u
                duplicates += staged - i - u
            } else {
                // An identity updated here came first in this same file: counted once, as inserted.
                duplicates += staged - i
            }
            staged = 0
        }
    }

    private func flushEnterprises() throws {
        guard !enterprisesInFile.isEmpty else { return }
        let store = store
        let tenant = store.tenant
        for e in enterprisesInFile.values.sorted(by: { $0.cvr < $1.cvr }) {
            var version = ByteBuffer()
            version.writeBytes(EnterpriseKey.version(e))
            // bytea compares byte by byte, a prefix first: the SQLite store's order of versions.
            let written = try store.storeCall {
                try await store.rows("""
                    INSERT INTO enterprise AS x (tenant, cvr, version, name, type, social, local, economic, start, end_date)
                    VALUES (\(tenant), \(e.cvr), \(version), \(e.name), \(e.type.rawValue), \(e.socialBottomLine), \(e.localBottomLine),
                            \(e.economicBottomLine), \(e.start.description), \(e.end?.description))
                    ON CONFLICT (tenant, cvr) DO UPDATE SET version = EXCLUDED.version, name = EXCLUDED.name, type = EXCLUDED.type,
                        social = EXCLUDED.social, local = EXCLUDED.local, economic = EXCLUDED.economic, start = EXCLUDED.start,
                        end_date = EXCLUDED.end_date
                    WHERE EXCLUDED.version > x.version
                    RETURNING (xmax = 0)
                    """).first?.decode(Bool.self)
            }
            switch written {
            case true?: inserted += 1
            case false?: updated += 1
            case nil: duplicates += 1
            }
        }
        enterprisesInFile.removeAll()
    }

    private func flushRejections() throws {
        guard rejections.readableBytes > 0 else { return }
        let store = store
        let buffer = rejections.buffer
        try store.storeCall {
            try await store.connection.copyFrom(table: "rejection", columns: CopyText.rejectionColumns, logger: store.logger) { writer in
                try await writer.write(buffer)
            }
        }
        rejections.clear()
    }
}
