import Foundation
import GRDB
import GRDBSQLite
import TrinCore

/// One file's import, inside the store transaction that holds all its effects.
///
/// Events are buffered, sorted by identity and written in batches: sorted keys
/// touch each B-tree page once, which is what makes upserts on random pseudonyms fast.
/// Statements are prepared once per file and stepped through SQLite's C API.
public final class FileImport {
    let db: Database
    private var pending: [ProgressRecord] = []
    private var identity: [UInt8] = []
    private var enterprisesInFile: [String: EnterpriseRecord] = [:]
    private let batchSize = 262_144

    /// Counts so far: new identities, identities whose stored version was replaced by
    /// a greater one, and records that changed nothing (same or older version).
    public private(set) var inserted = 0
    public private(set) var updated = 0
    public private(set) var duplicates = 0

    private let insertEvent: OpaquePointer
    private let updateEvent: OpaquePointer

    init(db: Database) throws {
        self.db = db
        let columns = "identity, age_band, enterprise, target_group, start_day, end_day, hours, recorded_at, source, source_record_id"
        insertEvent = try Self.prepare(db, "INSERT OR IGNORE INTO event(\(columns)) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)")
        // The version order of definitions.md as an SQL row value; an absent value sorts
        // below every present one (no enterprise is empty text, no end day or hours is negative).
        updateEvent = try Self.prepare(db, """
            UPDATE event SET age_band=?2, enterprise=?3, target_group=?4, end_day=?6, hours=?7, recorded_at=?8,
                source=?9, source_record_id=?10
            WHERE identity=?1
              AND (?8, ?9, ?10, ?2, coalesce(?3, ''), ?4, coalesce(?6, -2147483648), coalesce(?7, -1.0))
                > (recorded_at, source, source_record_id, age_band, coalesce(enterprise, ''), target_group,
                   coalesce(end_day, -2147483648), coalesce(hours, -1.0))
            """)
    }

    deinit {
        sqlite3_finalize(insertEvent)
        sqlite3_finalize(updateEvent)
    }

    /// Adds a pseudonymised record; it is stored if its identity is new or its version greater.
    public func add(_ record: ProgressRecord) throws {
        pending.append(record)
        if pending.count >= batchSize { try flushEvents() }
    }

    /// Adds an enterprise from the register. Within a file the later row for a CVR wins;
    /// across files the greatest version (see `EnterpriseKey`) wins, whatever the order.
    public func add(_ enterprise: EnterpriseRecord) {
        // A CVR listed again in the same file: the later row wins, the earlier one counts as a duplicate.
        if enterprisesInFile.updateValue(enterprise, forKey: enterprise.cvr) != nil { duplicates += 1 }
    }

    /// Keeps a rejected row (already masked) for inspection.
    public func reject(_ rejection: Rejection, runID: Int64, source: String, file: String) throws {
        try db.execute(sql: """
            INSERT INTO rejection(run_id, source, file, line, path, reason, field, masked_row)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [runID, source, file, rejection.line, rejection.path, rejection.reason.rawValue,
                             rejection.field, rejection.maskedRow])
    }

    /// Records the file's outcome, and its import key so an identical file is skipped next time.
    public func complete(_ outcome: FileOutcome, key: ImportKey, at time: Instant) throws {
        try flush()
        try outcome.insert(db)
        try db.execute(sql: """
            INSERT OR REPLACE INTO imported_file(import_key, content_sha256, mapping_fingerprint, source, file, bytes, run_id, imported_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [key.text, key.contentHash, key.mappingFingerprint, outcome.source, outcome.file, outcome.bytes,
                             outcome.runID, time.secondsSinceEpoch])
    }

    /// Saves a source's fetch state in the same transaction as the records it brought.
    public func saveFetchState(_ state: FetchState) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO fetch_state(source, etag, last_modified, content_sha256, last_success_at)
            VALUES (?, ?, ?, ?, ?)
            """, arguments: [state.source, state.etag, state.lastModified, state.contentHash,
                             state.lastSuccessAt?.secondsSinceEpoch])
    }

    /// Writes what is buffered; counts are final after this.
    public func flush() throws {
        try flushEvents()
        try flushEnterprises()
    }

    private func flushEvents() throws {
        guard !pending.isEmpty else { return }
        // Sort small keys, not the records: moving a record means retaining its strings.
        var order = pending.indices.map { i in
            let r = pending[i]
            return (r.pseudonym.high, r.pseudonym.low, UInt64(UInt32(bitPattern: r.start.daysSinceEpoch) ^ 0x8000_0000) << 8 | UInt64(r.stage.code), Int32(i))
        }
        order.sort { a, b in
            if a.0 != b.0 { return a.0 < b.0 }
            if a.1 != b.1 { return a.1 < b.1 }
            if a.2 != b.2 { return a.2 < b.2 }
            return EventKey.precedes(pending[Int(a.3)], pending[Int(b.3)])
        }
        for key in order {
            let item = pending[Int(key.3)]
            try bind(insertEvent, item)
            if try step(insertEvent) {
                inserted += 1
                continue
            }
            try bind(updateEvent, item)
            if try step(updateEvent) { updated += 1 } else { duplicates += 1 }
        }
        pending.removeAll(keepingCapacity: true)
    }

    private func flushEnterprises() throws {
        for e in enterprisesInFile.values.sorted(by: { $0.cvr < $1.cvr }) {
            let version = EnterpriseKey.version(e)
            let stored = try Data.fetchOne(db, sql: "SELECT version FROM enterprise WHERE cvr = ?", arguments: [e.cvr])
            if let stored, !Array(stored).lexicographicallyPrecedes(version) {
                duplicates += 1
                continue
            }
            if stored == nil { inserted += 1 } else { updated += 1 }
            try db.execute(sql: """
                INSERT OR REPLACE INTO enterprise(cvr, version, name, type, social, local, economic, start, end_date)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [e.cvr, Data(version), e.name, e.type.rawValue, e.socialBottomLine, e.localBottomLine,
                                 e.economicBottomLine, e.start.description, e.end?.description])
        }
        enterprisesInFile.removeAll()
    }

    // MARK: SQLite C API

    private static func prepare(_ db: Database, _ sql: String) throws -> OpaquePointer {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(db.sqliteConnection, sql, -1, &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
        }
        return statement
    }

    private func bind(_ s: OpaquePointer, _ r: ProgressRecord) throws {
        sqlite3_reset(s)
        EventKey.identity(r, into: &identity)
        bindBlob(s, 1, identity)
        sqlite3_bind_int(s, 2, StoreCode.code(r.ageBand))
        bindText(s, 3, r.enterprise)
        sqlite3_bind_int(s, 4, StoreCode.code(r.targetGroup))
        sqlite3_bind_int(s, 5, r.start.daysSinceEpoch)
        if let e = r.end { sqlite3_bind_int(s, 6, e.daysSinceEpoch) } else { sqlite3_bind_null(s, 6) }
        if let h = r.hoursPerWeek { sqlite3_bind_double(s, 7, h) } else { sqlite3_bind_null(s, 7) }
        sqlite3_bind_int64(s, 8, r.recordedAt.secondsSinceEpoch)
        bindText(s, 9, r.source)
        bindText(s, 10, r.sourceRecordID)
    }

    /// Steps a write statement; returns whether it changed a row.
    private func step(_ s: OpaquePointer) throws -> Bool {
        let code = sqlite3_step(s)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
        return sqlite3_changes(db.sqliteConnection) > 0
    }

    private func bindBlob(_ s: OpaquePointer, _ i: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { _ = sqlite3_bind_blob(s, i, $0.baseAddress, Int32($0.count), Self.transient) }
    }

    private func bindText(_ s: OpaquePointer, _ i: Int32, _ text: String?) {
        guard let text else { sqlite3_bind_null(s, i); return }
        var t = text
        t.withUTF8 { _ = sqlite3_bind_text(s, i, UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), Int32($0.count), Self.transient) }
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
