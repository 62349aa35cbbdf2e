import TrinDisclosure

/// The figures of one disclosure-control system: cells that equations tie
/// together, possibly spread over several published tables (a year's value
/// chain and its agreements form one system, since the agreements sum to it).
struct FigureSystem {
    struct Slot {
        let cell: Int
        let table: FigureTableName
        let coordinates: [String]
        let level: DetailLevel
    }

    private(set) var values: [Int] = []
    private(set) var equations: [Equation] = []
    private(set) var slots: [Slot] = []
    /// The cell every other adds up to; the whole system is suppressed when it is below k.
    var grandTotal: Int?
    /// movedUp cell → started cell, for shares.
    private var shares: [Int: Int] = [:]
    /// Cell → what a reader knows it to be at least (`atLeast`).
    private var lowerBounds: [Int: Int] = [:]

    /// A new cell, published at `coordinates` of `table`.
    mutating func cell(_ value: Int, _ table: FigureTableName, _ coordinates: [String], _ level: DetailLevel) -> Int {
        values.append(value)
        slots.append(Slot(cell: values.count - 1, table: table, coordinates: coordinates, level: level))
        return values.count - 1
    }

    /// The same cell published once more under other coordinates (e.g. `none`
    /// both as a stage and as a step).
    mutating func alias(_ cell: Int, _ table: FigureTableName, _ coordinates: [String], _ level: DetailLevel) {
        slots.append(Slot(cell: cell, table: table, coordinates: coordinates, level: level))
    }

    mutating func equation(_ total: Int, _ parts: [Int]) {
        equations.append(Equation(total: total, parts: parts))
    }

    /// Marks `movedUp` as a count whose share of `started` is published.
    mutating func share(_ movedUp: Int, of started: Int) { shares[movedUp] = started }

    /// States what a reader knows `cell` to be at least, from the publication's own rules.
    mutating func atLeast(_ cell: Int, _ bound: Int) { lowerBounds[cell] = max(lowerBounds[cell] ?? 0, bound) }

    /// Suppresses the system and returns its published cells, table by table,
    /// and each with its true count (for freezing a closed year).
    ///
    /// - Parameter previous: for a republication, the true counts of every version of the
    ///   year published before, by `FrozenYear.Key.comparable`; a cell whose count differs
    ///   from any of them by 1 to k − 1 (a cell a version did not have counts as 0) is
    ///   suppressed as if it were small, so that no two publications show a count below k
    ///   by their difference.
    ///   - parts: for a combined publication, what its parts published (`PublishedParts`):
    ///     a cell they do not already show is suppressed as if it were small.
    func disclose(_ suppressor: Suppressor, previous: [FrozenYear.Key: Set<Int>]? = nil, parts: PublishedParts? = nil, year: Int = 0)
        -> (cells: [FigureTableName: [FigureCell]], pattern: SuppressionPattern, frozen: [FrozenYear.Cell]) {
        // Equations name only cells of this system.
        var bounds = [Int](repeating: 0, count: values.count)
        for (cell, bound) in lowerBounds { bounds[cell] = min(bound, values[cell]) }
        let table = try! SuppressionTable(values: values, equations: equations, grandTotal: grandTotal, lowerBounds: bounds)
        // Per slot, the true counts of the earlier versions (a cell a version lacked: 0).
        let earlier = previous.map { p in slots.map { p[FrozenYear.Key(table: $0.table.rawValue, coordinates: $0.coordinates).comparable] ?? [0] } }
        var changed: [Bool]?
        if previous != nil || parts != nil {
            var flags = [Bool](repeating: false, count: values.count)
            for (n, s) in slots.enumerated() {
                if let before = earlier?[n], before.contains(where: { suppressor.threshold.isSmall(abs(values[s.cell] - $0)) }) {
                    flags[s.cell] = true
                }
                if let parts, parts.hides(s.table, year: year, level: s.level, coordinates: s.coordinates, value: values[s.cell],
                                          k: suppressor.threshold.k) {
                    flags[s.cell] = true
                }
            }
            changed = flags
        }
        let pattern = suppressor.suppress(table, alsoPrimary: changed)
        let disclosed = pattern.disclose(values)
        var out: [FigureTableName: [FigureCell]] = [:]
        var frozen: [FrozenYear.Cell] = []
        for (n, s) in slots.enumerated() {
            let share = shares[s.cell].map {
                ShareRule.disclose(numerator: disclosed[s.cell], denominator: disclosed[$0], threshold: suppressor.threshold)
            }
            out[s.table, default: []].append(FigureCell(coordinates: s.coordinates, level: s.level,
                                                         value: disclosed[s.cell], share: share))
            frozen.append(FrozenYear.Cell(table: s.table.rawValue, coordinates: s.coordinates, level: s.level.rawValue,
                                          truth: values[s.cell], suppressed: pattern.suppressed[s.cell],
                                          share: share?.value, shareSuppressed: share.map { $0.isSuppressed },
                                          earlier: earlier.map { $0[n].sorted() }))
        }
        return (out, pattern, frozen)
    }

    /// Per table: distinct cells with a true count above zero, how many of them are suppressed, and how many for being small.
    func loss(_ pattern: SuppressionPattern) -> [FigureTableName: (nonZero: Int, suppressed: Int, primary: Int)] {
        var seen = Set<Int>()
        var out: [FigureTableName: (nonZero: Int, suppressed: Int, primary: Int)] = [:]
        for s in slots where seen.insert(s.cell).inserted {
            var entry = out[s.table] ?? (0, 0, 0)
            if values[s.cell] > 0 {
                entry.nonZero += 1
                if pattern.suppressed[s.cell] { entry.suppressed += 1 }
                if pattern.primary[s.cell] { entry.primary += 1 }
            }
            out[s.table] = entry
        }
        return out
    }
}
