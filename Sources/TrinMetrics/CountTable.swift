import TrinDisclosure

/// A two-way table of citizen counts with row, column and grand totals.
///
/// The totals are derived, never stored, so they always add up.
public struct CountTable: Sendable, Equatable {
    public let rowLabels: [String]
    public let columnLabels: [String]
    /// counts[row][column].
    public private(set) var counts: [[Int]]

    public init(rowLabels: [String], columnLabels: [String]) {
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        counts = Array(repeating: Array(repeating: 0, count: columnLabels.count), count: rowLabels.count)
    }

    public mutating func add(row: Int, column: Int, _ n: Int = 1) { counts[row][column] += n }

    public func count(row: Int, column: Int) -> Int { counts[row][column] }
    public var rowTotals: [Int] { counts.map { $0.reduce(0, +) } }
    public var columnTotals: [Int] { columnLabels.indices.map { c in counts.reduce(0) { $0 + $1[c] } } }
    public var total: Int { rowTotals.reduce(0, +) }

    /// Interior cells row by row, then row totals, column totals and the grand
    /// total, with one equation per margin and two for the grand total.
    func suppressionTable() -> SuppressionTable {
        let r = rowLabels.count, c = columnLabels.count
        let rowTotal = { (i: Int) in r * c + i }
        let columnTotal = { (j: Int) in r * c + r + j }
        let grand = r * c + r + c
        var equations: [Equation] = []
        for i in 0..<r { equations.append(Equation(total: rowTotal(i), parts: (0..<c).map { i * c + $0 })) }
        for j in 0..<c { equations.append(Equation(total: columnTotal(j), parts: (0..<r).map { $0 * c + j })) }
        equations.append(Equation(total: grand, parts: (0..<r).map(rowTotal)))
        equations.append(Equation(total: grand, parts: (0..<c).map(columnTotal)))
        // Indices are in range by construction.
        return try! SuppressionTable(values: counts.flatMap { $0 } + rowTotals + columnTotals + [total],
                                     equations: equations)
    }

    /// The table after primary and secondary suppression.
    public func disclosed(by suppressor: Suppressor) -> DisclosedCountTable {
        let r = rowLabels.count, c = columnLabels.count
        let table = suppressionTable()
        let cells = suppressor.suppress(table).disclose(table.values)
        return DisclosedCountTable(
            rowLabels: rowLabels, columnLabels: columnLabels,
            cells: (0..<r).map { i in Array(cells[(i * c)..<(i * c + c)]) },
            rowTotals: Array(cells[(r * c)..<(r * c + r)]),
            columnTotals: Array(cells[(r * c + r)..<(r * c + r + c)]),
            total: cells[r * c + r + c])
    }
}

/// A `CountTable` as it may be published.
public struct DisclosedCountTable: Sendable, Equatable {
    public let rowLabels: [String]
    public let columnLabels: [String]
    /// cells[row][column].
    public let cells: [[Disclosed<Int>]]
    public let rowTotals: [Disclosed<Int>]
    public let columnTotals: [Disclosed<Int>]
    public let total: Disclosed<Int>
}
