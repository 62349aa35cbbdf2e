public import TrinCore
import TrinDisclosure

/// A closed year as first published in full, kept so that every later set
/// repeats it unchanged (docs/metrics.md, "Frozen years").
///
/// It holds each published cell with its true count: the published value is
/// what later sets repeat, the true count is what a requested republication
/// compares the new figures with. Stored in the store, never published as it is.
public struct FrozenYear: Codable, Sendable, Equatable {
    public let year: Int
    public let k: Int
    /// The as-of date of the set that first published (or last republished) the year.
    public let asOf: String
    public let employmentGoalMet: Bool
    public let pooledAgreements: Int
    public let cells: [Cell]
    public let loss: [Loss]
    /// Cells of the versions this one replaced that it does not have itself (a table
    /// published at another level since), with their true counts: the comparison of a later
    /// republication with every earlier version needs them too. Nil when there are none.
    public var retired: [Retired]? = nil

    /// A cell an earlier version had and this one does not, by `Key.comparable`.
    public struct Retired: Codable, Sendable, Equatable {
        public let table: String
        public let coordinates: [String]
        public let truths: [Int]
    }

    /// One published cell, with its true count.
    public struct Cell: Codable, Sendable, Equatable {
        public let table: String
        public let coordinates: [String]
        public let level: String
        public let truth: Int
        public let suppressed: Bool
        /// The published share of a `movedUp` cell; nil when it has none or it is suppressed.
        public let share: Double?
        public let shareSuppressed: Bool?
        /// The cell's true counts in every version of the year published before this one
        /// (under any k; 0 where a version had no such cell), so that a later republication
        /// is compared with all of them, not only with this one: two republications must not
        /// show by their difference what one would not. Nil in a first publication (and in
        /// years kept before trin 0.3.0).
        public var earlier: [Int]?
    }

    /// What suppression cost in one table of the year.
    public struct Loss: Codable, Sendable, Equatable {
        public let table: String
        public let nonZero: Int
        public let suppressed: Int
        public let primary: Int
    }

    /// The day of `asOf`.
    public var asOfDay: Day? { Day(iso: asOf) }

    /// The year as a later set publishes it: exactly as frozen.
    func released() -> (year: ReleasedYear, loss: [InformationLoss]) {
        func table(_ name: FigureTableName) -> FigureTable {
            FigureTable(name: name, dimensions: Metrics.dimensions(name), cells: cells.filter { $0.table == name.rawValue }.map { c in
                FigureCell(coordinates: c.coordinates, level: DetailLevel(rawValue: c.level) ?? .coarse,
                           value: c.suppressed ? .suppressed : .value(c.truth),
                           share: c.shareSuppressed == true ? .suppressed : c.share.map { .value($0) })
            })
        }
        let y = ReleasedYear(year: year, status: .closed, employmentGoalMet: employmentGoalMet,
                             employment: table(.employment), youth: table(.youth), valueChain: table(.valueChain),
                             progression: table(.progression), pooledAgreements: pooledAgreements)
        let loss = FigureTableName.allCases.map { name in
            let l = self.loss.first { $0.table == name.rawValue }
            return InformationLoss(year: year, table: name, status: .closed, nonZero: l?.nonZero ?? 0,
                                   suppressed: l?.suppressed ?? 0, primary: l?.primary ?? 0)
        }
        return (y, loss)
    }

    /// The true counts by table and coordinates, for the differences a republication must not reveal.
    func truths() -> [Key: Int] {
        var out: [Key: Int] = [:]
        for c in cells { out[Key(table: c.table, coordinates: c.coordinates)] = c.truth }
        return out
    }

    /// A cell's table and coordinates, equal to another's only when their bytes are (an
    /// agreement id compares by code point, `AgreementID`).
    struct Key: Hashable {
        let table: String
        let coordinates: [String]

        static func == (a: Key, b: Key) -> Bool {
            a.table == b.table && a.coordinates.count == b.coordinates.count
                && zip(a.coordinates, b.coordinates).allSatisfy { $0.utf8.elementsEqual($1.utf8) }
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(table)
            for c in coordinates { hasher.combine(AgreementID(c)) }
        }

        /// The key a republication compares a cell by: an agreement's row by the agreement
        /// alone, not by the enterprise it is published under, which is chosen from every
        /// year's records (later records can change it).
        var comparable: Key {
            guard table == FigureTableName.progression.rawValue, coordinates.count > 1 else { return self }
            var c = coordinates
            c[1] = ""
            return Key(table: table, coordinates: c)
        }
    }

    /// Every true count this version and the versions before it had, by `Key.comparable`.
    func comparableHistory() -> [Key: Set<Int>] {
        var out: [Key: Set<Int>] = [:]
        for c in cells { out[Key(table: c.table, coordinates: c.coordinates).comparable, default: []].formUnion([c.truth] + (c.earlier ?? [])) }
        for r in retired ?? [] { out[Key(table: r.table, coordinates: r.coordinates).comparable, default: []].formUnion(r.truths) }
        return out
    }

    /// The true counts of every kept version of a year (all k), by `Key.comparable`: what a
    /// new publication of the year must not differ from by 1 to k − 1. A cell a version did
    /// not have counts as 0 for it.
    static func history(_ versions: [FrozenYear]) -> [Key: Set<Int>] {
        var out: [Key: Set<Int>] = [:]
        for v in versions { out.merge(v.comparableHistory()) { $0.union($1) } }
        let keys = Set(out.keys)
        for v in versions {
            let own = Set(v.cells.map { Key(table: $0.table, coordinates: $0.coordinates).comparable })
                .union((v.retired ?? []).map { Key(table: $0.table, coordinates: $0.coordinates).comparable })
            for key in keys where !own.contains(key) { out[key, default: []].insert(0) }
        }
        return out
    }

    /// The agreements this publication gave a row of their own (not the pooled row).
    func agreementsWithOwnRow() -> Set<AgreementID> {
        Set(cells.filter { $0.table == FigureTableName.progression.rawValue && $0.coordinates.first != pooledAgreementsCoordinate }
            .compactMap { $0.coordinates.first.map(AgreementID.init) })
    }
}
