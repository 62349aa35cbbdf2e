import Foundation
import GRDB
import GRDBSQLite
public import TrinCore

/// One file's import, inside the store transaction that holds all its effects.
///
/// Events come packed and sorted by identity (`EventRows`, or runs of them): sorted keys
/// touch each B-tree page once, which is what makes upserts on random pseudonyms fast.
/// Statements are prepared once per file and stepped through SQLite's C API, binding
/// straight from the packed rows.
///
/// Records go into `event_recent` (`RecentEvents`) and `event` is only read. What decides is
/// the rows the file adds to that table, not the records read: a file that is read again in
/// full is mostly records that change nothing. Once the file is written, the table's rows in
/// the next eighth of the key space are folded into `event` when it holds more than half its
/// limit, all of them when the file took it past its limit. A file that by itself adds more
/// rows than the limit (a large new export) folds the table when it gets there and writes the
/// rest into `event`. A first import into an empty store goes into `event` from the start.
public final class SQLiteFileImport: FileTransaction {
    let db: Database
    private let recentLimit: RecentEvents.Limit
    /// Whether records go into `event_recent` now; a file starts there and may move to `event`.
    private var writesRecent = true
    /// Rows in `event_recent` (exact) and in `event` (the hint of `RecentEvents.mainRows`).
    private var recentRows: Int
    private var mainRows: Int
    /// The hint as `meta` holds it: written again at a flush only when `mainRows` moved.
    private var savedMainRows: Int
    /// Rows this file added to `event_recent`, and whether the table must be folded at the end.
    private var landedInRecent = 0
    private var foldsAtEnd = false
    /// Whether this file folded its part of the key space (`flush` may run more than once,
    /// and `beforeSupersetExport` folds it ahead): one part a file.
    private var foldedPart = false
    private var enterprisesInFile: [String: EnterpriseRecord] = [:]

    /// Counts so far: new identities, identities whose stored version was replaced by
    /// a greater one, and records that changed nothing (same or older version).
    public private(set) var inserted = 0
    public private(set) var updated = 0
    public private(set) var duplicates = 0

    private let insertEvent: OpaquePointer
    private let updateEvent: OpaquePointer
    /// Whether a record is greater than the identity's row in `event`: no row when there is none.
    private let compareEvent: OpaquePointer
    private let insertRecent: OpaquePointer
    private let updateRecent: OpaquePointer
    /// `chunkRows` rows in one statement: one step, one cursor and one statement start for
    /// them all instead of one each (the store's CPU on a fresh 1 M-row import fell from
    /// 2.4 to 1.7 s when it came in, docs/benchmarks.md).
    private let insertChunk: OpaquePointer
    static let chunkRows = 16
    /// Off: every row by itself, the plain path the chunked one is tested against.
    var writesInChunks = true
    private static let columnsPerRow: Int32 = 10

    init(db: Database, recentLimit: RecentEvents.Limit = .store) throws {
        self.db = db
        self.recentLimit = recentLimit
        recentRows = try RecentEvents.count(db)
        mainRows = try RecentEvents.mainRows(db)
        savedMainRows = mainRows
        // The stored columns in table order, as the metrics read them back; `bind` follows it.
        let columns = EventColumns.select
        insertEvent = try Self.prepare(db, "INSERT OR IGNORE INTO event(\(columns)) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)")
        let rows = (0..<Self.chunkRows).map { r in
            "(" + (1...Int(Self.columnsPerRow)).map { "?\(r * Int(Self.columnsPerRow) + $0)" }.joined(separator: ",") + ")"
        }
        insertChunk = try Self.prepare(db, "INSERT OR IGNORE INTO event(\(columns)) VALUES \(rows.joined(separator: ","))")
        // An identity's row is replaced only by a greater version (`greater`).
        updateEvent = try Self.prepare(db, Self.update("event"))
        compareEvent = try Self.prepare(db, "SELECT \(Self.greater) FROM event WHERE identity=?1")
        insertRecent = try Self.prepare(db, "INSERT OR IGNORE INTO event_recent(\(columns), in_event) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)")
        updateRecent = try Self.prepare(db, Self.update("event_recent"))
    }

    /// True when the bound record (`?1` … `?10`, the columns of `EventColumns.select` in
    /// order) is greater than the stored row by the version order (`VersionOrder`). The
    /// comparison reads the stored row's own columns at every import, so nothing derived from
    /// the order is stored, and a store needs no migration when it changes.
    static let greater = "\(VersionOrder.row { "?\(boundParameter($0))" }) > \(versionColumns(""))"

    /// The parameter a column of `EventColumns.select` is bound to (`bind` follows that order).
    static func boundParameter(_ column: String) -> Int {
        let columns = EventColumns.select.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let index = columns.firstIndex(of: column) else { preconditionFailure("\(column) is not an event column") }
        return index + 1
    }

    /// The version of a row whose columns are prefixed `prefix` (`excluded.`, a table name),
    /// as an SQL row value in the order of `greater`.
    static func versionColumns(_ prefix: String) -> String { VersionOrder.row(prefix: prefix) }

    /// True when the row prefixed `new` is greater than the row prefixed `stored`.
    static func greater(new: String, stored: String) -> String {
        "\(versionColumns(new)) > \(versionColumns(stored))"
    }

    /// Replaces the identity's row in `table` with the bound record when that is greater
    /// (every column but the identity and the start day it holds).
    static func update(_ table: String) -> String {
        let set = EventColumns.select.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0 != "identity" && $0 != "start_day" }
            .map { "\($0)=?\(boundParameter($0))" }.joined(separator: ", ")
        return "UPDATE \(table) SET \(set) WHERE identity=?\(boundParameter("identity")) AND \(greater)"
    }

    deinit {
        sqlite3_finalize(insertEvent)
        sqlite3_finalize(updateEvent)
        sqlite3_finalize(insertChunk)
        sqlite3_finalize(compareEvent)
        sqlite3_finalize(insertRecent)
        sqlite3_finalize(updateRecent)
    }

    /// Writes packed records now, in identity order (see `EventRows.sort()`, which the
    /// caller may already have run on another thread); equal identities in file order.
    /// A batch touches each B-tree page once, so bigger batches write faster.
    public func write(_ rows: EventRows) throws {
        guard !rows.isEmpty else { return }
        var rows = rows
        if rows.order == nil { rows.sort() }
        try write(sorted: rows)
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

    /// The database's size in bytes now (its pages, including this transaction's).
    public func databaseBytes() throws -> Int {
        let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
        let size = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0
        return pages * size
    }

    /// True when the store holds no records yet: the file's records then only append to the tree.
    public func writesBestInOnePass() throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM event) AND NOT EXISTS (SELECT 1 FROM event_recent)") ?? false
    }

    /// Whether a file with this key was imported before (seen from inside this transaction).
    public func hasImported(_ key: ImportKey) throws -> Bool {
        try Self.hasImported(key, in: db)
    }

    static func hasImported(_ key: ImportKey, in db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM imported_file WHERE import_key = ?", arguments: [key.text]) ?? false
    }

    /// The rows the source's last export contributed, with what they were read as. The
    /// digests are read straight into the set's memory (SQLite's incremental blob I/O): at
    /// 5 M rows a set is 40 MB, and reading it as a column had SQLite assemble a copy first
    /// and the array zero its memory, 0.3 s before the night's decoding could start.
    public func knownRows(source: String) throws -> KnownRows? {
        guard let row = try Row.fetchOne(db, sql: "SELECT rowid, context, length(digests) FROM known_rows WHERE source = ?",
                                         arguments: [source]) else { return nil }
        let rowID: Int64 = row[0], context: String = row[1], count = (row[2] as Int? ?? 0) / 8
        guard count > 0 else { return KnownRows(context: context, digests: []) }
        var blob: OpaquePointer?
        var code = sqlite3_blob_open(db.sqliteConnection, "main", "known_rows", "digests", rowID, 0, &blob)
        defer { sqlite3_blob_close(blob) }
        let digests = [UInt64](unsafeUninitializedCapacity: count) { buffer, initialized in
            let bytes = UnsafeMutableRawBufferPointer(buffer)
            var offset = 0
            while code == SQLITE_OK && offset < bytes.count {
                let n = min(1 << 20, bytes.count - offset)
                code = sqlite3_blob_read(blob, bytes.baseAddress! + offset, Int32(n), Int32(offset))
                offset += n
            }
            // Unread memory is never exposed: the set is thrown away below when a read failed.
            if code != SQLITE_OK { bytes.initializeMemory(as: UInt8.self, repeating: 0) }
            initialized = count
        }
        guard code == SQLITE_OK else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
        #if _endian(big)
        return KnownRows(context: context, digests: digests.map { UInt64(littleEndian: $0) })
        #else
        return KnownRows(context: context, digests: digests)
        #endif
    }

    /// Keeps the rows this export contributed for the source's next export, replacing the
    /// last set; a set too large to keep removes the last one. The digests are written into
    /// the blob a chunk at a time (SQLite's incremental blob I/O): no copy of the whole set.
    public func saveKnownRows(source: String, _ rows: KnownRows) throws {
        guard let count = rows.nextCount else {
            try db.execute(sql: "DELETE FROM known_rows WHERE source = ?", arguments: [source])
            return
        }
        try db.execute(sql: "INSERT OR REPLACE INTO known_rows(source, context, digests) VALUES (?, ?, zeroblob(?))",
                       arguments: [source, rows.context, count * 8])
        guard count > 0 else { return }
        var blob: OpaquePointer?
        let rowID = sqlite3_last_insert_rowid(db.sqliteConnection)
        var code = sqlite3_blob_open(db.sqliteConnection, "main", "known_rows", "digests", rowID, 1, &blob)
        defer { sqlite3_blob_close(blob) }
        var offset: Int32 = 0
        if code == SQLITE_OK {
            _ = try rows.forEachNextChunk { chunk in
                guard code == SQLITE_OK, !chunk.isEmpty else { return }
                #if _endian(big)
                let bytes = chunk.map(\.littleEndian)
                code = bytes.withUnsafeBytes { sqlite3_blob_write(blob, $0.baseAddress, Int32($0.count), offset) }
                #else
                code = sqlite3_blob_write(blob, UnsafeRawPointer(chunk.baseAddress!), Int32(chunk.count * 8), offset)
                #endif
                offset += Int32(chunk.count * 8)
            }
        }
        guard code == SQLITE_OK else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
    }

    /// Rows skipped as known: read, and counted as records that changed nothing.
    public func countKnown(_ rows: Int) { duplicates += rows }

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

    /// A nightly export's changed records come late, and the store's thread has nothing to
    /// do until then: the part of `event_recent` this file would fold at its end is folded
    /// now, while the decoding thread skips the rows it knows (at 5 M records the fold is
    /// about a sixth of a night). The file then folds no other part at its end.
    public func beforeSupersetExport() throws {
        guard writesRecent, !foldedPart, recentLimit.foldsPart(recent: recentRows, main: mainRows, ahead: true) else { return }
        try fold(part: try RecentEvents.takeNextPart(db))
        foldedPart = true
    }

    /// Writes the register rows gathered; counts are final after this.
    public func flush() throws {
        try flushEnterprises()
        if foldsAtEnd && !recentLimit.allows(recent: recentRows, main: mainRows) {
            try fold()
        } else if writesRecent && landedInRecent > 0 && !foldedPart && recentLimit.foldsPart(recent: recentRows, main: mainRows) {
            try fold(part: try RecentEvents.takeNextPart(db))
            foldedPart = true
        }
        foldsAtEnd = false
        landedInRecent = 0
        if mainRows != savedMainRows {
            try RecentEvents.setMainRows(mainRows, db)
            savedMainRows = mainRows
        }
    }

    /// Before records are written: a store with no records yet (a first import), or one kept
    /// in `event` alone, takes them straight into `event`.
    private func chooseTable() throws {
        guard writesRecent, recentLimit == .off || (mainRows == 0 && recentRows == 0) else { return }
        try switchToEvent()
    }

    /// After a row landed in `event_recent`: past its limit, the table is folded at the end
    /// of the file, or now when this file's own rows are past it (then the rest of the file
    /// goes into `event`).
    private func landed() throws {
        recentRows += 1
        landedInRecent += 1
        guard !recentLimit.allows(recent: recentRows, main: mainRows) else { return }
        if recentLimit.allows(recent: landedInRecent, main: mainRows) {
            foldsAtEnd = true
        } else {
            try switchToEvent()
        }
    }

    private func switchToEvent() throws {
        try fold()
        foldsAtEnd = false
        writesRecent = false
    }

    private func fold(part: Int? = nil) throws {
        guard recentRows > 0 else { return }
        let (moved, new) = try RecentEvents.fold(db, part: part)
        mainRows += new
        recentRows -= moved
    }

    /// Merges sorted runs (in file order: an earlier run wins a tie) and writes them in one
    /// pass over the tree; the same rules and counts as writing them one by one. The merge
    /// (reading the runs, picking the next record) runs on a thread of its own, so that this
    /// one does SQLite's work alone: after a file is read, that is all that is left to wait for.
    public func write(merging runs: [SortedRun]) throws {
        try chooseTable()
        defer { clearBindings() }
        var boundSource: String?
        try HandOffQueue<EventRows>.run(capacity: 8, name: "trin-merge") { queue in
            var merge = try RunMerge(runs)
            while let rows = try merge.next(limit: Self.mergedChunk) { try queue.send(rows) }
        } consume: { rows, _ in
            if rows.source != boundSource {
                bindSource(rows.source)
                boundSource = rows.source
            }
            try writeOrdered(rows)
        }
    }

    /// Records per hand-over from the merging thread.
    static let mergedChunk = 4096

    /// Inserts a row, or replaces the stored version when this one is greater.
    @inline(__always)
    private func writeRow(_ row: EventRows.Row, _ bytes: UnsafeBufferPointer<UInt8>) throws {
        bind(insertEvent, row, bytes)
        if try step(insertEvent) {
            inserted += 1
            mainRows += 1
            return
        }
        bind(updateEvent, row, bytes)
        if try step(updateEvent) { updated += 1 } else { duplicates += 1 }
    }

    /// Writes a record into `event_recent` when it is greater than the identity's row in
    /// `event` (or there is none), by the same rules and counts as `writeRow`: a record that
    /// supersedes a row of `event` counts as an update, one `event` lacks as new (unless
    /// `event_recent` has the identity already).
    @inline(__always)
    private func writeRecentRow(_ row: EventRows.Row, _ bytes: UnsafeBufferPointer<UInt8>) throws {
        bind(compareEvent, row, bytes)
        let code = sqlite3_step(compareEvent)
        let inEvent = code == SQLITE_ROW
        let isGreater = inEvent && sqlite3_column_int(compareEvent, 0) != 0
        sqlite3_reset(compareEvent)
        guard code == SQLITE_ROW || code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
        // Not greater than the row of `event`, so not greater than a row of `event_recent`,
        // which supersedes that one.
        if inEvent && !isGreater {
            duplicates += 1
            return
        }
        bind(insertRecent, row, bytes)
        sqlite3_bind_int(insertRecent, 11, inEvent ? 1 : 0)
        if try step(insertRecent) {
            if inEvent { updated += 1 } else { inserted += 1 }
            try landed()
            return
        }
        bind(updateRecent, row, bytes)
        if try step(updateRecent) { updated += 1 } else { duplicates += 1 }
    }

    private func write(sorted rows: EventRows) throws {
        try chooseTable()
        defer { clearBindings() }
        bindSource(rows.source)
        try writeOrdered(rows)
    }

    /// Writes rows in their identity order (`rows.order`), `chunkRows` of different
    /// identities at a time where they are, else one by one; the source is bound already.
    private func writeOrdered(_ rows: EventRows) throws {
        let chunk = Self.chunkRows
        try rows.bytes.withUnsafeBufferPointer { bytes in
            try rows.rows.withUnsafeBufferPointer { packed in
                try rows.order!.withUnsafeBufferPointer { order in
                    var i = 0
                    // Into `event_recent` until the file moves to `event`, possibly mid-batch.
                    while i < order.count && writesRecent {
                        try writeRecentRow(packed[Int(order[i])], bytes)
                        i += 1
                    }
                    while i < order.count {
                        if writesInChunks && i + chunk <= order.count && Self.distinct(order[i..<(i + chunk)], packed, bytes) {
                            try writeChunk(order[i..<(i + chunk)], packed, bytes)
                            i += chunk
                        } else {
                            try writeRow(packed[Int(order[i])], bytes)
                            i += 1
                        }
                    }
                }
            }
        }
    }

    /// Whether sorted rows are all of different identities (equal ones sit next to each other).
    private static func distinct(_ run: Slice<UnsafeBufferPointer<Int32>>, _ packed: UnsafeBufferPointer<EventRows.Row>,
                                 _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for k in (run.startIndex + 1)..<run.endIndex
        where EventRows.compare(packed[Int(run[k - 1])], bytes, packed[Int(run[k])], bytes) == 0 {
            return false
        }
        return true
    }

    /// Writes rows of different identities by the same rules and counts as `writeRow`: one
    /// statement inserts the new ones; when some identity was stored already, each row is
    /// then offered as an update. A row the chunk inserted is not greater than itself, so
    /// its update changes nothing: inserted, updated and unchanged stay apart.
    private func writeChunk(_ run: Slice<UnsafeBufferPointer<Int32>>, _ packed: UnsafeBufferPointer<EventRows.Row>,
                            _ bytes: UnsafeBufferPointer<UInt8>) throws {
        sqlite3_reset(insertChunk)
        for (r, index) in run.enumerated() {
            bind(insertChunk, packed[Int(index)], bytes, first: Int32(r) * Self.columnsPerRow)
        }
        let code = sqlite3_step(insertChunk)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
        let new = Int(sqlite3_changes(db.sqliteConnection))
        inserted += new
        mainRows += new
        guard new < run.count else { return }
        var changed = 0
        for index in run {
            bind(updateEvent, packed[Int(index)], bytes)
            if try step(updateEvent) { changed += 1 }
        }
        updated += changed
        duplicates += run.count - new - changed
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

    /// Binds the source, which stays bound for the rows that follow. A statement takes
    /// bindings only once reset (a bind after its last step fails), so reset first.
    private func bindSource(_ source: String) {
        for s in [insertEvent, updateEvent, compareEvent, insertRecent, updateRecent] {
            sqlite3_reset(s)
            bindText(s, 9, source)
        }
        sqlite3_reset(insertChunk)
        for r in 0..<Int32(Self.chunkRows) { bindText(insertChunk, r * Self.columnsPerRow + 9, source) }
    }

    /// Drops the pointers bound with SQLITE_STATIC once the memory behind them may go.
    private func clearBindings() {
        sqlite3_clear_bindings(insertEvent)
        sqlite3_clear_bindings(updateEvent)
        sqlite3_clear_bindings(insertChunk)
        sqlite3_clear_bindings(compareEvent)
        sqlite3_clear_bindings(insertRecent)
        sqlite3_clear_bindings(updateRecent)
    }

    /// Binds a packed row to parameters `first + 1 …`. The pointers are SQLITE_STATIC:
    /// `bytes` outlives the step. The statement must be reset already when `first` > 0.
    private func bind(_ s: OpaquePointer, _ r: EventRows.Row, _ bytes: UnsafeBufferPointer<UInt8>, first: Int32 = 0) {
        if first == 0 { sqlite3_reset(s) }
        let base = bytes.baseAddress!
        sqlite3_bind_blob(s, first + 1, base + Int(r.identityStart), r.identityLength, nil)
        sqlite3_bind_int(s, first + 2, r.ageBand)
        if r.enterpriseLength >= 0 {
            UnsafeRawPointer(base + Int(r.enterpriseStart)).withMemoryRebound(to: CChar.self, capacity: Int(r.enterpriseLength)) {
                _ = sqlite3_bind_text(s, first + 3, $0, r.enterpriseLength, nil)
            }
        } else {
            sqlite3_bind_null(s, first + 3)
        }
        sqlite3_bind_int(s, first + 4, r.targetGroup)
        sqlite3_bind_int(s, first + 5, EventKey.daysSinceEpoch(dayBits: UInt32(truncatingIfNeeded: r.key2 >> 8)))
        if r.hasEnd { sqlite3_bind_int(s, first + 6, r.end) } else { sqlite3_bind_null(s, first + 6) }
        if r.hasHours { sqlite3_bind_double(s, first + 7, r.hours) } else { sqlite3_bind_null(s, first + 7) }
        sqlite3_bind_int64(s, first + 8, r.recordedAt)
        UnsafeRawPointer(base + Int(r.sourceRecordIDStart)).withMemoryRebound(to: CChar.self, capacity: Int(r.sourceRecordIDLength)) {
            _ = sqlite3_bind_text(s, first + 10, $0, r.sourceRecordIDLength, nil)
        }
    }

    /// Steps a write statement; returns whether it changed a row.
    private func step(_ s: OpaquePointer) throws -> Bool {
        let code = sqlite3_step(s)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
        return sqlite3_changes(db.sqliteConnection) > 0
    }

    private func bindText(_ s: OpaquePointer, _ i: Int32, _ text: String?) {
        guard let text else { sqlite3_bind_null(s, i); return }
        var t = text
        t.withUTF8 { _ = sqlite3_bind_text(s, i, UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), Int32($0.count), Self.transient) }
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
