import Testing
import TrinTestSupport
@testable import TrinDisclosure


/// Counts skewed towards small values, where suppression matters.
func randomCount(_ g: inout SplitMix) -> Int {
    switch Int.random(in: 0..<10, using: &g) {
    case 0..<3: 0
    case 3..<7: Int.random(in: 1...4, using: &g)
    default: Int.random(in: 5...30, using: &g)
    }
}

/// A progression-like system: started = Σ a = Σ b, ended = Σ b without its last part.
func linkedSystem(_ g: inout SplitMix) throws -> SuppressionTable {
    let n = Int.random(in: 2...4, using: &g)
    let a = (0..<n).map { _ in randomCount(&g) }
    let started = a.reduce(0, +)
    // Split `started` randomly into n + 1 parts for b.
    var b = [Int](repeating: 0, count: n + 1)
    for _ in 0..<started { b[Int.random(in: 0...n, using: &g)] += 1 }
    let ended = b.dropLast().reduce(0, +)
    let values = [started] + a + b + [ended]
    let aIdx = Array(1...n), bIdx = Array((n + 1)...(2 * n + 1))
    return try SuppressionTable(values: values, equations: [
        Equation(total: 0, parts: aIdx), Equation(total: 0, parts: bIdx),
        Equation(total: 2 * n + 2, parts: Array(bIdx.dropLast())),
    ])
}

/// Checks a published pattern the way a reader would attack it.
func checkProperty(_ table: SuppressionTable, _ pattern: SuppressionPattern, k: Int) throws {
    for (i, v) in table.values.enumerated() where !pattern.suppressed[i] {
        #expect(v == 0 || v >= k, "published small count \(v) at \(i)")
    }
    for i in table.values.indices where pattern.suppressed[i] {
        #expect(!SuppressionAudit.isDetermined(cell: i, in: table, suppressed: pattern.suppressed))
        // Verify the witness here, not by trusting the module.
        let alt = try #require(SuppressionAudit.alternativeSolution(for: i, in: table, suppressed: pattern.suppressed))
        #expect(alt[i] != table.values[i])
        #expect(alt.allSatisfy { $0 >= 0 })
        for j in table.values.indices where !pattern.suppressed[j] { #expect(alt[j] == table.values[j]) }
        for eq in table.equations { #expect(alt[eq.total] == eq.parts.reduce(0) { $0 + alt[$1] }) }
    }
}

@Suite("Suppression properties over random tables")
struct SuppressionPropertyTests {
    @Test("two-way tables with margins, k = 3 and 5")
    func marginTables() throws {
        var g = SplitMix(seed: 20_250_101)
        for n in 0..<300 {
            let k = n % 2 == 0 ? 5 : 3
            let r = Int.random(in: 1...5, using: &g), c = Int.random(in: 1...6, using: &g)
            let interior = (0..<r).map { _ in (0..<c).map { _ in randomCount(&g) } }
            let table = try marginTable(interior)
            try checkProperty(table, Suppressor(threshold: try DisclosureThreshold(k: k)).suppress(table), k: k)
        }
    }

    @Test("employment-sized tables (8 × 7 with margins)")
    func employmentSized() throws {
        var g = SplitMix(seed: 99)
        for _ in 0..<20 {
            let interior = (0..<8).map { _ in (0..<7).map { _ in randomCount(&g) } }
            let table = try marginTable(interior)
            try checkProperty(table, Suppressor().suppress(table), k: 5)
        }
    }

    @Test("linked systems of one agreement-year")
    func linked() throws {
        var g = SplitMix(seed: 7)
        for _ in 0..<300 {
            let table = try linkedSystem(&g)
            try checkProperty(table, Suppressor().suppress(table), k: 5)
        }
    }

    @Test("brute force on tiny tables: every suppressed cell has two possible values")
    func bruteForce() throws {
        var g = SplitMix(seed: 42)
        for _ in 0..<100 {
            let c = Int.random(in: 2...3, using: &g)
            let interior = (0..<2).map { _ in (0..<c).map { _ in Int.random(in: 0...5, using: &g) } }
            let table = try marginTable(interior)
            let pattern = Suppressor().suppress(table)
            // Enumerate every 2×c table with interior cells in 0...6 that agrees
            // with the published cells; collect the values each suppressed cell takes.
            let free = (0..<(2 * c)).filter { pattern.suppressed[$0] }
            var x = interior.flatMap { $0 }
            var seen = [Set<Int>](repeating: [], count: table.values.count)
            var values = [Int](repeating: 0, count: table.values.count)
            func visit(_ n: Int) {
                if n < free.count {
                    for v in 0...6 { x[free[n]] = v; visit(n + 1) }
                    return
                }
                // Same layout as marginTable: interior, row totals, column totals, grand.
                for i in 0..<(2 * c) { values[i] = x[i] }
                values[2 * c] = x[0..<c].reduce(0, +)
                values[2 * c + 1] = x[c..<(2 * c)].reduce(0, +)
                for j in 0..<c { values[2 * c + 2 + j] = x[j] + x[c + j] }
                values[3 * c + 2] = values[2 * c] + values[2 * c + 1]
                for j in values.indices where !pattern.suppressed[j] && values[j] != table.values[j] { return }
                for j in values.indices where pattern.suppressed[j] { seen[j].insert(values[j]) }
            }
            visit(0)
            for j in table.values.indices where pattern.suppressed[j] {
                #expect(seen[j].count >= 2, "cell \(j) of \(interior) is determined")
            }
        }
    }
}
