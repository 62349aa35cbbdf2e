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
    private var pending: [(identity: [UInt8], version: [UInt8], record: ProgressRecord)] = []
    private var enterprisesInFile: [String: EnterpriseRecord] = [:]
    private let batchSize = 65_536

    /// Counts so far: new identities, identities whose stored version was replaced by
    /// a greater one, and records that changed nothing (same or older version).
    public private(set) var inserted = 0
    public private(set) var updated = 0
    public private(set) var duplicates = 0

    private let insertEvent: OpaquePointer
    private let updateEvent: OpaquePointer

    init(db: Database) throws {
        self.db = db
        let columns = "identity, version, pseudonym, age_band, agreement, enterprise, target_group, stage, start, end_date, hours, recorded_at, source, source_record_id"
        insertEvent = try Self.prepare(db, "INSERT OR IGNORE INTO event(\(columns)) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)")
        updateEvent = try Self.prepare(db, """
            UPDATE event SET version=?2, age_band=?4, agreement=?5, enterprise=?6, target_group=?7,
            end_date=?10, hours=?11, recorded_at=?12, source=?13, source_record_id=?14
            WHERE identity=?1 AND version < ?2
            """)
    }

    deinit {
        sqlite3_finalize(insertEvent)
        sqlite3_finalize(updateEvent)
    }

    /// Adds a pseudonymised record; it is stored if its identity is new or its version greater.
    public func add(_ record: ProgressRecord) throws {
        pending.append((EventKey.identity(record), EventKey.version(record), record))
        if pending.count >= batchSize { try flushEvents() }
    }

    /// Adds an enterprise from the register. Within a file the later row for a CVR wins;
    /// across files the greatest version (see `EnterpriseKey`) wins, whatever the order.
    public func add(_ enterprise: EnterpriseRecord) {
        enterprisesInFile[enterprise.cvr] = enterprise
    }

    /// Keeps a rejected row (already masked) for inspection.
    public func reject(_ rejection: Rejection, runID: Int64, source: String, file: String) throws {
        try db.execute(sql: """
            INSERT INTO rejection(run_id, source, file, line, path, reason, field, masked_row)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [runID, source, file, rejection.line, rejection.path, rejection.reason.rawValue,
                             rejection.field, rejection.maskedRow])
    }

    /// Records the file's outcome, and its content hash so an identical file is skipped next time.
    public func complete(_ outcome: FileOutcome, contentHash: String, at time: Instant) throws {
        try flush()
        try outcome.insert(db)
        try db.execute(sql: """
            INSERT OR REPLACE INTO imported_file(content_sha256, source, file, bytes, run_id, imported_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [contentHash, outcome.source, outcome.file, outcome.bytes, outcome.runID, time.secondsSinceEpoch])
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
        pending.sort { $0.identity.lexicographicallyPrecedes($1.identity) }
        for item in pending {
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

    private func bind(_ s: OpaquePointer, _ item: (identity: [UInt8], version: [UInt8], record: ProgressRecord)) throws {
        sqlite3_reset(s)
        let r = item.record
        bindBlob(s, 1, item.identity)
        bindBlob(s, 2, item.version)
        bindBlob(s, 3, r.pseudonym.bytes)
        bindText(s, 4, r.ageBand.rawValue)
        bindText(s, 5, r.agreement)
        bindText(s, 6, r.enterprise)
        bindText(s, 7, r.targetGroup.rawValue)
        bindText(s, 8, r.stage.rawValue)
        bindText(s, 9, r.start.description)
        bindText(s, 10, r.end?.description)
        if let h = r.hoursPerWeek { sqlite3_bind_double(s, 11, h) } else { sqlite3_bind_null(s, 11) }
        sqlite3_bind_int64(s, 12, r.recordedAt.secondsSinceEpoch)
        bindText(s, 13, r.source)
        bindText(s, 14, r.sourceRecordID)
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
