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

    /// Suppresses the system and returns its published cells, table by table.
    func disclose(_ suppressor: Suppressor) -> (cells: [FigureTableName: [FigureCell]], pattern: SuppressionPattern) {
        // Equations name only cells of this system.
        let table = try! SuppressionTable(values: values, equations: equations, grandTotal: grandTotal)
        let pattern = suppressor.suppress(table)
        let disclosed = pattern.disclose(values)
        var out: [FigureTableName: [FigureCell]] = [:]
        for s in slots {
            let share = shares[s.cell].map {
                ShareRule.disclose(numerator: disclosed[s.cell], denominator: disclosed[$0], threshold: suppressor.threshold)
            }
            out[s.table, default: []].append(FigureCell(coordinates: s.coordinates, level: s.level,
                                                         value: disclosed[s.cell], share: share))
        }
        return (out, pattern)
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
