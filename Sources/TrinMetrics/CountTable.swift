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
}
