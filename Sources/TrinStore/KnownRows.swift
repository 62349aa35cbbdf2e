import GRDB

/// The rows a source's last imported export contributed, as keyed digests
/// (`RowDigester`) in file order, so that the next night's export — the same rows again,
/// a few changed, a few new — skips the rows the store already holds without decoding them.
///
/// Skipping such a row is exact: the store keeps, per identity, the greatest version of
/// every record applied, so applying a record applied before changes nothing (a record
/// retention deleted since stays deleted instead: `RetentionCutoff`). That holds
/// only for the same bytes read the same way: a set is used only when its `context`
/// (source, mapping fingerprint, header, encoding, version of trin) is the import's. A purge
/// by a retention cutoff that moves forward keeps it (a known row's deleted record stays
/// deleted); one whose cutoff moves back, or the end of retention, forgets every set, so
/// that deleted records an export still has come back (`RetentionCutoff`). Only rows that
/// decoded into a record are kept: a rejected row is read, rejected and counted every night.
///
/// Matching follows the file: a case system writes its rows in the same order every night,
/// so today's row is compared with the row after the last one matched, then with the few
/// after it (rows that left the export), and after a run of misses the set is searched
/// further ahead. A row not matched is simply decoded, which is always correct: a miss
/// costs time, never a figure. Memory: 8 bytes per row of yesterday's set; today's goes to
/// an unlinked temporary file (`DigestSpill`) in chunks. An export of more than
/// `maximumRows` rows keeps no set (its next import reads every row).
public struct KnownRows: Sendable {
    /// What the rows were read as; a set is used only by an import of the same context.
    public let context: String
    private let previous: [UInt64]
    private var cursor = 0
    private var misses = 0
    private var nextSearchAfter = Self.missesBeforeSearch
    private var kept: [UInt64] = []
    /// Where today's rows go once `kept` holds a chunk; nil: all in `kept` so far.
    private var spill: DigestSpill?
    /// Folder for the temporary file; nil keeps today's set in memory.
    public var spillDirectory: String?
    /// More rows than `maximumRows`, or the temporary file failed: nothing is kept for the next export.
    public private(set) var overflowed = false

    /// The most rows a set holds: yesterday's takes 8 bytes a row in memory (64 MiB at most).
    public static let maximumRows = 8 << 20
    /// Today's rows held in memory before they go to the temporary file.
    static let chunk = 1 << 16
    /// Rows after the expected one compared on a miss.
    static let window = 8
    /// Misses in a row before the set is searched further ahead, and how far.
    static let missesBeforeSearch = 16
    static let searchReach = 1 << 16

    /// The digests of an export's rows, in file order, read under `context`.
    public init(context: String, digests: [UInt64], limit: Int = KnownRows.maximumRows) {
        self.context = context
        previous = digests
        self.limit = limit
    }

    /// An empty set: nothing is skipped, every accepted row is gathered.
    public init(context: String, limit: Int = KnownRows.maximumRows) { self.init(context: context, digests: [], limit: limit) }

    /// A set that keeps nothing: saved, it removes the source's last one (an import that keeps
    /// no digests must not leave an older export's set for the next import to use).
    public static func keepingNone() -> KnownRows {
        var rows = KnownRows(context: "")
        rows.drop()
        return rows
    }

    /// The most rows this set keeps for the next export.
    private let limit: Int

    /// Rows in the set (yesterday's).
    public var count: Int { previous.count }

    /// Whether the row was in the last export's set; if so, it is kept for the next one.
    @inline(__always)
    public mutating func containsAndKeep(_ digest: UInt64) -> Bool {
        let found: Int? = previous.withUnsafeBufferPointer { p in
            if cursor < p.count, p[cursor] == digest { return cursor }
            var j = cursor + 1
            let end = min(p.count, cursor + Self.window)
            while j < end {
                if p[j] == digest { return j }
                j += 1
            }
            return nil
        } ?? searchAhead(digest)
        guard let found else { return false }
        cursor = found + 1
        misses = 0
        nextSearchAfter = Self.missesBeforeSearch
        keep(digest)
        return true
    }

    /// After a run of misses (a block of rows left the export, or rows moved), looks for the
    /// row further ahead; each search that finds nothing doubles the misses before the next.
    private mutating func searchAhead(_ digest: UInt64) -> Int? {
        misses += 1
        guard misses >= nextSearchAfter, cursor < previous.count else { return nil }
        let hit: Int? = previous.withUnsafeBufferPointer { p in
            var j = cursor + Self.window
            let end = min(p.count, cursor + Self.searchReach)
            while j < end {
                if p[j] == digest { return j }
                j += 1
            }
            return nil
        }
        if hit == nil { nextSearchAfter = misses * 2 }
        return hit
    }

    /// A row this export added (decoded into a record): kept for the next one.
    @inline(__always)
    public mutating func keep(_ digest: UInt64) {
        guard !overflowed else { return }
        guard keptCount < limit else {
            drop()
            return
        }
        kept.append(digest)
        if kept.count == Self.chunk, let directory = spillDirectory {
            do {
                if spill == nil { spill = try DigestSpill(directory: directory) }
                try spill!.append(kept)
                kept.removeAll(keepingCapacity: true)
            } catch {
                drop()  // no set is always correct: the next export is read in full
            }
        }
    }

    private mutating func drop() {
        overflowed = true
        kept = []
        spill = nil
    }

    /// Today's rows so far, in the temporary file and in memory.
    private var keptCount: Int { (spill?.count ?? 0) + kept.count }

    /// How many rows the next export will know; nil when there were too many to keep.
    public var nextCount: Int? { overflowed ? nil : keptCount }

    /// The set for the next export, in file order, a chunk at a time; false when there
    /// were too many rows to keep (then `body` is not called).
    public func forEachNextChunk(_ body: (UnsafeBufferPointer<UInt64>) throws -> Void) throws -> Bool {
        guard !overflowed else { return false }
        try spill?.forEachChunk(body)
        try kept.withUnsafeBufferPointer { try body($0) }
        return true
    }

    /// The set for the next export, in file order (in memory); nil when there were too many.
    public var next: [UInt64]? {
        guard !overflowed else { return nil }
        var all: [UInt64] = []
        _ = try? forEachNextChunk { all += $0 }
        return all
    }
}

extension SQLiteStore {
    /// Whether the source has a set of known rows (`KnownRows`): its next export will be
    /// mostly skipped, so the import leaves a core idle from the start.
    public func hasKnownRows(source: String) throws(StoreError) -> Bool {
        try read { db in try Bool.fetchOne(db, sql: "SELECT 1 FROM known_rows WHERE source = ?", arguments: [source]) ?? false }
    }
}
