/// A homogeneous linear system in reduced row echelon form, over exact fractions.
///
/// Disclosure control uses it on the equations restricted to the suppressed
/// cells: the published cells are constants, so the suppressed cells can move
/// exactly along the null space of this restriction.
struct ReducedSystem {
    /// Rows in reduced row echelon form (zero rows dropped).
    let rows: [[Fraction]]
    /// The pivot column of each row.
    let pivots: [Int]
    let columnCount: Int

    init(_ matrix: [[Int]], columnCount: Int) {
        var m = matrix.map { $0.map { Fraction($0) } }
        var pivots: [Int] = []
        var r = 0
        for c in 0..<columnCount where r < m.count {
            guard let p = (r..<m.count).first(where: { !m[$0][c].isZero }) else { continue }
            m.swapAt(r, p)
            let lead = m[r][c]
            m[r] = m[r].map { $0 / lead }
            for i in 0..<m.count where i != r && !m[i][c].isZero {
                let f = m[i][c]
                for j in 0..<columnCount where !m[r][j].isZero { m[i][j] = m[i][j] - f * m[r][j] }
            }
            pivots.append(c)
            r += 1
        }
        self.rows = Array(m.prefix(r))
        self.pivots = pivots
        self.columnCount = columnCount
    }

    var rank: Int { pivots.count }

    /// A basis of the null space, each vector scaled to coprime integers.
    func nullSpaceBasis() -> [[Int]] {
        let pivotSet = Set(pivots)
        return (0..<columnCount).filter { !pivotSet.contains($0) }.map { free in
            var v = [Fraction](repeating: .zero, count: columnCount)
            v[free] = Fraction(1)
            for (row, p) in zip(rows, pivots) { v[p] = Fraction(0) - row[free] }
            return ReducedSystem.integerVector(v)
        }
    }

    /// Multiplies by the common denominator and divides by the common factor.
    static func integerVector(_ v: [Fraction]) -> [Int] {
        var lcm = 1
        for x in v where !x.isZero { lcm = lcm / Fraction.gcd(lcm, x.den) * x.den }
        var ints = v.map { $0.num * (lcm / $0.den) }
        let g = ints.reduce(0) { Fraction.gcd($0, $1) }
        if g > 1 { ints = ints.map { $0 / g } }
        return ints
    }
}
