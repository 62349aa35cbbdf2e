/// Checks of what a reader can work out about suppressed cells.
public enum SuppressionAudit {
    /// The rank test: is `cell` uniquely determined, over the reals, by the
    /// published cells through the equations? True exactly when the unit vector
    /// of the cell lies in the row space of the equations restricted to the
    /// suppressed cells. A published cell is trivially determined.
    public static func isDetermined(cell: Int, in table: SuppressionTable, suppressed: [Bool]) -> Bool {
        guard suppressed[cell] else { return true }
        let columns = suppressedColumns(table, suppressed: suppressed, isTotal: totals(of: table))
        let matrix = restrictedMatrix(table, columns: columns)
        let rank = ReducedSystem(matrix, columnCount: columns.count).rank
        var unit = [Int](repeating: 0, count: columns.count)
        unit[columns.firstIndex(of: cell)!] = 1
        return ReducedSystem(matrix + [unit], columnCount: columns.count).rank == rank
    }

    /// Another non-negative integer solution of the table's equations with the
    /// published cells unchanged and `cell` changed, if one is found along a
    /// single null-space direction (or the sum or difference of two). Nil means
    /// none was found, which secondary suppression treats as "exposed".
    public static func alternativeSolution(for cell: Int, in table: SuppressionTable, suppressed: [Bool]) -> [Int]? {
        let columns = suppressedColumns(table, suppressed: suppressed, isTotal: totals(of: table))
        let basis = ReducedSystem(restrictedMatrix(table, columns: columns), columnCount: columns.count).nullSpaceBasis()
        guard let position = columns.firstIndex(of: cell),
              let move = feasibleMove(basis: basis, position: position, values: columns.map { table.values[$0] })
        else { return nil }
        var solution = table.values
        for (j, c) in columns.enumerated() { solution[c] += move[j] }
        return solution
    }

    /// The suppressed cells, in index order, for which no alternative solution is found.
    static func exposedCells(_ table: SuppressionTable, suppressed: [Bool], isTotal: [Bool]) -> [Int] {
        let columns = suppressedColumns(table, suppressed: suppressed, isTotal: isTotal)
        guard !columns.isEmpty else { return [] }
        let basis = ReducedSystem(restrictedMatrix(table, columns: columns), columnCount: columns.count).nullSpaceBasis()
        // A move must keep each cell at or above what a reader knows it to be at least.
        let values = columns.map { table.values[$0] - table.lowerBounds[$0] }
        return columns.indices.filter { feasibleMove(basis: basis, position: $0, values: values) == nil }
            .map { columns[$0] }.sorted()
    }

    /// A vector d in the span of `basis` with d[position] ≠ 0 and values + d ≥ 0.
    static func feasibleMove(basis: [[Int]], position: Int, values: [Int]) -> [Int]? {
        func fits(_ d: [Int]) -> [Int]? {
            guard d[position] != 0 else { return nil }
            if zip(values, d).allSatisfy({ $0 + $1 >= 0 }) { return d }
            if zip(values, d).allSatisfy({ $0 - $1 >= 0 }) { return d.map { -$0 } }
            return nil
        }
        for v in basis { if let d = fits(v) { return d } }
        // A sum or difference changes the cell only if one of the two does.
        for a in basis.indices where basis[a][position] != 0 {
            for b in basis.indices where b != a {
                for sign in [1, -1] {
                    let sum = zip(basis[a], basis[b]).map { $0 + sign * $1 }
                    let g = sum.reduce(0) { Fraction.gcd($0, $1) }
                    if let d = fits(sum.map { $0 / g }) { return d }
                }
            }
        }
        // Larger systems: start from a direction that moves the cell and repair, one
        // basis vector at a time, each entry it would drive below zero.
        for start in basis.indices where basis[start][position] != 0 {
            for sign in [1, -1] {
                var d = basis[start].map { sign * $0 }
                for _ in 0..<(2 * basis.count) {
                    guard let worst = d.indices.first(where: { values[$0] + d[$0] < 0 }) else { return d }
                    // A basis vector that raises the worst entry and leaves the cell's move alone.
                    guard let fix = basis.indices.first(where: { basis[$0][worst] != 0 && basis[$0][position] == 0 }) else { break }
                    let step = basis[fix][worst] > 0 ? 1 : -1
                    let needed = -(values[worst] + d[worst])
                    let times = (needed + abs(basis[fix][worst]) - 1) / abs(basis[fix][worst])
                    for i in d.indices { d[i] += step * times * basis[fix][i] }
                }
            }
        }
        return nil
    }

    /// Cells that are the total of some equation.
    static func totals(of table: SuppressionTable) -> [Bool] {
        var isTotal = [Bool](repeating: false, count: table.values.count)
        for eq in table.equations { isTotal[eq.total] = true }
        return isTotal
    }

    /// The suppressed cells, margins first: elimination then pivots on margins
    /// where it can, and the null-space basis moves interior cells, which keeps
    /// the basis vectors simple (mostly one interior cell and its margins).
    static func suppressedColumns(_ table: SuppressionTable, suppressed: [Bool], isTotal: [Bool]) -> [Int] {
        let cells = table.values.indices.filter { suppressed[$0] }
        return cells.filter { isTotal[$0] } + cells.filter { !isTotal[$0] }
    }

    /// Each equation as total − Σ parts = 0, restricted to `columns`.
    static func restrictedMatrix(_ table: SuppressionTable, columns: [Int]) -> [[Int]] {
        var position = [Int: Int]()
        for (j, c) in columns.enumerated() { position[c] = j }
        return table.equations.compactMap { eq in
            var row = [Int](repeating: 0, count: columns.count)
            if let j = position[eq.total] { row[j] += 1 }
            for p in eq.parts { if let j = position[p] { row[j] -= 1 } }
            return row.contains { $0 != 0 } ? row : nil
        }
    }
}
