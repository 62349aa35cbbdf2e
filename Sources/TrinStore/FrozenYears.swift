import GRDB
public import TrinCore

/// One kept year.
public struct FrozenYearRow: Sendable, Equatable {
    public let year: Int
    public let k: Int
    /// The as-of date of the set that first published it, `yyyy-MM-dd`.
    public let asOf: String
    public let frozenAt: Instant
    public let figures: String

    public init(year: Int, k: Int, asOf: String, frozenAt: Instant, figures: String) {
        self.year = year; self.k = k; self.asOf = asOf; self.frozenAt = frozenAt; self.figures = figures
    }
}

/// The closed years kept as first published, so that later sets repeat them
/// (docs/metrics.md, "Frozen years"). The store keeps the figures as opaque
/// JSON text: what they mean belongs to the metrics stage.
extension SQLiteStore {
    /// Every kept year for minimum cell size `k`, by year.
    public func frozenYears(k: Int?) throws(StoreError) -> [FrozenYearRow] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT year, k, as_of, frozen_at, figures FROM frozen_year WHERE ?1 IS NULL OR k = ?1 ORDER BY year, k",
                             arguments: [k]).map { row in
                FrozenYearRow(year: row[0], k: row[1], asOf: row[2], frozenAt: Instant(secondsSinceEpoch: row[3]), figures: row[4])
            }
        }
    }

    /// Keeps `rows` in one transaction. A year already kept is left as it is
    /// unless `replacing` (a requested republication) names it.
    public func freeze(_ rows: [FrozenYearRow], replacing: Set<Int>) throws(StoreError) {
        guard !rows.isEmpty else { return }
        try write { db in
            for r in rows {
                let verb = replacing.contains(r.year) ? "INSERT OR REPLACE" : "INSERT OR IGNORE"
                try db.execute(sql: "\(verb) INTO frozen_year(year, k, as_of, frozen_at, figures) VALUES (?, ?, ?, ?, ?)",
                               arguments: [r.year, r.k, r.asOf, r.frozenAt.secondsSinceEpoch, r.figures])
            }
        }
    }
}
