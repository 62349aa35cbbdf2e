import Foundation
import GRDB

/// The `event_recent` table: records changed or added since they were last folded into
/// `event`, so that a night's few changes do not rewrite the large tree they fall among.
///
/// A nightly export brings back almost every stored record unchanged (those are skipped as
/// known rows) and a few per cent changed or new. Their pseudonyms are spread over the
/// whole key range, so written into `event` they land on nearly every one of its pages,
/// and the transaction rewrites and journals the whole tree. Written into this small table
/// instead, they touch few pages; `event` is only read (to compare versions).
///
/// The stored record of an identity is its row in `event_recent` if there is one, else its
/// row in `event`. A row enters `event_recent` only when it is greater (by the version order)
/// than the identity's row in `event`, and `event` is written only while `event_recent` is
/// empty, so a row here always supersedes the one it shadows. Readers merge the two tables
/// (`SQLiteStore.readCitizens`, `event_view`).
///
/// Each import that writes into the table folds an eighth of the key space into `event`
/// once the table holds more than half its `Limit` share of `event`: a night then rewrites
/// the pages of an eighth of the tree instead of all of them, and no night pays for folding
/// everything. A nightly export folds its part before its records come instead, while the
/// store's thread waits for them (`SQLiteFileImport.beforeSupersetExport`). The whole table
/// is folded when an import takes it past its limit (at once when the rows the import itself
/// added are past it: then the rest goes into `event`). A purge deletes from both tables
/// without folding (`purge(endedBefore:_:)`).
enum RecentEvents {
    /// How large `event_recent` may grow against `event` before it is folded.
    enum Limit: Sendable, Equatable {
        /// Every record is written into `event` (the table stays empty).
        case off
        /// At most `event`'s rows divided by this many.
        case shareOf(Int)
        /// Never folded by an import (tests: every later file goes through the table).
        case unlimited

        /// The store's limit: a quarter of `event`. Folding a range costs about one pass over
        /// that range of `event` whatever the table holds there (with 64 KiB pages a night's
        /// changes touch every page); a larger table costs the nights that write into it, and
        /// the readers that merge it. With nights that change 3 % of the records, the table
        /// then stays between about 9 and 16 % of `event`, below the limit with room for
        /// larger nights.
        static let store = Limit.shareOf(4)

        /// Whether `recent` rows may be in the table while `event` holds `main`.
        func allows(recent: Int, main: Int) -> Bool {
            switch self {
            case .off: recent == 0
            case .shareOf(let divisor): recent <= main / divisor
            case .unlimited: true
            }
        }

        /// Whether a file should fold an eighth of the table (`parts`), the table holding
        /// `recent` rows. After a file that wrote into it: past half the limit; an eighth
        /// each night spreads the cost of folding evenly over the nights. `ahead`, for a
        /// nightly export before it writes: past a quarter of the limit, lower because it is
        /// decided before the night's rows land; the nights, which add about 3 % of `event`
        /// each, then keep the table near an eighth of it and fold a part every night, off
        /// the night's critical path.
        func foldsPart(recent: Int, main: Int, ahead: Bool = false) -> Bool {
            switch self {
            case .off, .unlimited: false
            case .shareOf(let divisor): recent > main / divisor / (ahead ? 4 : 2)
            }
        }
    }

    /// `event`'s row count, kept in `meta` to decide when to fold without counting a large
    /// tree. Only a hint: a wrong value changes when the table is folded, never what is stored.
    static let mainRowsKey = "event_main_rows"

    /// The hint, or `event`'s count where a store has none.
    static func mainRows(_ db: Database) throws -> Int {
        if let text = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [mainRowsKey]),
           let rows = Int(text) {
            return rows
        }
        return try Int.fetchOne(db, sql: "SELECT count(*) FROM event") ?? 0
    }

    /// Keeps the hint, in the transaction that changed `event`.
    static func setMainRows(_ rows: Int, _ db: Database) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", arguments: [mainRowsKey, String(max(0, rows))])
    }

    /// Rows in `event_recent` (a small table: counted, not kept).
    static func count(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM event_recent") ?? 0
    }

    /// The key space is folded an eighth at a time: the eighths of the pseudonym's first
    /// byte (a keyed hash, so each holds about an eighth of the rows). Folding a part costs
    /// about one pass over that part of `event`; the smaller the part, the more the table
    /// holds between folds, and a night's changes touch all of its pages. With a share f
    /// folded a night and a share c of the records changed a night, a night writes about
    /// f + c / (2f) of the tree, least near f = √(c/2): an eighth for c = 3 %.
    static let parts = 8
    static let nextPartKey = "event_recent_next_part"

    /// Moves the rows of `event_recent` in part `part` (of `parts`) of the key space (all rows when nil)
    /// into `event`, replacing the rows they supersede. Returns how many rows moved and how
    /// many identities were new to `event` (for the row-count hint). SQLite reads the table
    /// in identity order, so each page of `event` in the range is written once; the pages
    /// outside it are not touched.
    @discardableResult
    static func fold(_ db: Database, part: Int? = nil) throws -> (moved: Int, new: Int) {
        var filter = "", arguments: StatementArguments = []
        if let part {
            let lower = part * 256 / parts, upper = (part + 1) * 256 / parts
            filter = " AND identity >= ?"
            arguments += [Data([UInt8(lower)])]
            if upper < 256 {
                filter += " AND identity < ?"
                arguments += [Data([UInt8(upper)])]
            }
        }
        guard let counts = try Row.fetchOne(db, sql: "SELECT count(*), total(in_event = 0) FROM event_recent WHERE true\(filter)",
                                            arguments: arguments),
              let moved = counts[0] as Int?, moved > 0 else { return (0, 0) }
        let new = Int(counts[1] as Double)
        // Read in identity order, so that each page of `event` is written once. The update is
        // conditional although a row here always supersedes its row in `event`: should an older
        // trin still running have written `event` beside this table, the greater version stays.
        try db.execute(sql: """
            INSERT INTO event(\(EventColumns.select))
            SELECT \(EventColumns.select) FROM event_recent WHERE true\(filter) ORDER BY identity
            ON CONFLICT(identity) DO UPDATE SET \(foldAssignments)
            WHERE \(SQLiteFileImport.greater(new: "excluded.", stored: "event."))
            """, arguments: arguments)
        try db.execute(sql: "DELETE FROM event_recent WHERE true\(filter)", arguments: arguments)
        return (moved, new)
    }

    /// Every column but the identity taken from the row being folded in.
    private static let foldAssignments = EventColumns.select.split(separator: ",").dropFirst()
        .map { $0.drop { $0 == " " } }.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")

    /// The part to fold next, and moves the rotation on.
    static func takeNextPart(_ db: Database) throws -> Int {
        let part = (try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [nextPartKey])
            .flatMap { Int($0) } ?? 0) % parts
        try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", arguments: [nextPartKey, String((part + 1) % parts)])
        return part
    }

    /// Deletes the stored records whose end day (their start day when they have none) is
    /// before `day`, without folding: a record is deleted or kept whole, by its row in
    /// `event_recent` where there is one. Returns how many records were deleted.
    ///
    /// A row of `event` that a deleted row of `event_recent` shadowed goes with it. A row of
    /// `event` old enough to go but shadowed by a row of `event_recent` that stays goes too
    /// (it is an earlier version, and nothing reads it); that row then no longer has one in
    /// `event` (`in_event` = 0), and folding it later adds an identity to `event`.
    static func purge(endedBefore day: Int, _ db: Database) throws -> Int {
        let old = "coalesce(end_day, start_day) < ?"
        let mainBefore = try mainRows(db)
        try db.execute(sql: "DELETE FROM event WHERE identity IN (SELECT identity FROM event_recent WHERE in_event = 1 AND \(old))",
                       arguments: [day])
        let shadowedGone = db.changesCount
        try db.execute(sql: "DELETE FROM event_recent WHERE \(old)", arguments: [day])
        let recentGone = db.changesCount
        try db.execute(sql: "UPDATE event_recent SET in_event = 0 WHERE in_event = 1 AND identity IN (SELECT identity FROM event WHERE \(old))",
                       arguments: [day])
        let unshadowed = db.changesCount
        try db.execute(sql: "DELETE FROM event WHERE \(old)", arguments: [day])
        let mainGone = db.changesCount
        try setMainRows(mainBefore - shadowedGone - mainGone, db)
        return recentGone + mainGone - unshadowed
    }

    /// Both tables as one: the stored record of each identity, in the columns of `select`.
    static func union(_ select: String) -> String {
        """
        SELECT \(select) FROM event_recent
        UNION ALL
        SELECT \(select) FROM event WHERE identity NOT IN (SELECT identity FROM event_recent)
        """
    }
}
