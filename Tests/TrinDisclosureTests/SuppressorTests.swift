import Testing
@testable import TrinDisclosure

/// A 2-way table with margins, laid out like TrinMetrics' CountTable:
/// interior row by row, row totals, column totals, grand total.
func marginTable(_ interior: [[Int]]) throws -> SuppressionTable {
    let r = interior.count, c = interior[0].count
    let rowTotals = interior.map { $0.reduce(0, +) }
    let colTotals = (0..<c).map { j in interior.reduce(0) { $0 + $1[j] } }
    var eqs: [Equation] = []
    for i in 0..<r { eqs.append(Equation(total: r * c + i, parts: (0..<c).map { i * c + $0 })) }
    for j in 0..<c { eqs.append(Equation(total: r * c + r + j, parts: (0..<r).map { $0 * c + j })) }
    eqs.append(Equation(total: r * c + r + c, parts: (0..<r).map { r * c + $0 }))
    eqs.append(Equation(total: r * c + r + c, parts: (0..<c).map { r * c + r + $0 }))
    return try SuppressionTable(values: interior.flatMap { $0 } + rowTotals + colTotals + [rowTotals.reduce(0, +)],
                                equations: eqs)
}

@Suite("Suppression")
struct SuppressorTests {
    @Test("k below 3 is refused, 3 and more accepted")
    func threshold() throws {
        #expect(throws: DisclosureError.thresholdBelowFloor(k: 2, floor: 3)) { try DisclosureThreshold(k: 2) }
        #expect(throws: DisclosureError.self) { try DisclosureThreshold(k: 0) }
        #expect(try DisclosureThreshold(k: 3).k == 3)
        #expect(DisclosureThreshold.standard.k == 5)
    }

    @Test("primary: 1…k−1 suppressed, 0 and k published")
    func primary() throws {
        // No equations: only primary suppression applies.
        let table = try SuppressionTable(values: [0, 1, 4, 5, 17], equations: [])
        let cells = Suppressor().suppress(table).disclose(table.values)
        #expect(cells == [.value(0), .suppressed, .suppressed, .value(5), .value(17)])
    }

    @Test("an equation naming a missing cell is refused")
    func badEquation() {
        #expect(throws: DisclosureError.cellOutOfRange(equation: 0, cell: 3, cellCount: 2)) {
            try SuppressionTable(values: [1, 2], equations: [Equation(total: 3, parts: [0])])
        }
    }

    @Test("one small interior cell takes its protection group's block: a rectangle chosen by position, not by value")
    func rectangle() throws {
        // 3 at (0,0) is primary. Rows pair columns (0,1),(2,3) and columns pair rows
        // (0,1),(2,3), so the 2 × 2 block at the top left is suppressed, whatever
        // the values of its other three cells (here large, and not the smallest).
        let table = try marginTable([[3, 90, 20, 20], [80, 70, 40, 40], [50, 60, 70, 10], [5, 6, 7, 8]])
        let pattern = Suppressor().suppress(table)
        #expect(pattern.primary.filter { $0 }.count == 1)
        let interiorSuppressed = (0..<16).filter { pattern.suppressed[$0] }
        #expect(interiorSuppressed == [0, 1, 4, 5])
        for cell in interiorSuppressed {
            #expect(!SuppressionAudit.isDetermined(cell: cell, in: table, suppressed: pattern.suppressed))
        }
        // The margins stay published: 3 + 90 is known, but not how it splits.
        #expect(!pattern.suppressed[16..<25].contains(true))
        // The same block for a table that differs only in the hidden values.
        let other = try marginTable([[4, 89, 20, 20], [79, 71, 40, 40], [50, 60, 70, 10], [5, 6, 7, 8]])
        #expect(Suppressor().suppress(other).suppressed == pattern.suppressed)
    }

    @Test("a small cell among zeros still gets protection that counts cannot undo")
    func zeroNeighbours() throws {
        // Row 0 is [0, 0, 2 | 2]: the 2 and its row total are primary. Published
        // zeros pin whatever they share an equation with, so protection must come
        // from elsewhere; every suppressed cell must still have another
        // non-negative solution.
        let table = try marginTable([[0, 0, 2], [7, 8, 9]])
        let pattern = Suppressor().suppress(table)
        for c in table.values.indices where pattern.suppressed[c] {
            let alt = try #require(SuppressionAudit.alternativeSolution(for: c, in: table, suppressed: pattern.suppressed))
            #expect(alt[c] != table.values[c])
        }
        #expect(pattern.suppressed[2])
    }

    @Test("an exposed cell by non-negativity is detected: 0 = x + y")
    func nonNegativity() throws {
        // Total 0 published, both parts suppressed: the rank test says "not
        // determined", but counts cannot be negative, so both are 0.
        let table = try SuppressionTable(values: [0, 0, 0], equations: [Equation(total: 0, parts: [1, 2])])
        let suppressed = [false, true, true]
        #expect(!SuppressionAudit.isDetermined(cell: 1, in: table, suppressed: suppressed))
        #expect(SuppressionAudit.alternativeSolution(for: 1, in: table, suppressed: suppressed) == nil)
    }

    @Test("shares need a denominator of at least k and both counts published")
    func shares() throws {
        let k5 = DisclosureThreshold.standard
        #expect(ShareRule.disclose(numerator: .value(2), denominator: .value(8), threshold: k5) == .value(0.25))
        #expect(ShareRule.disclose(numerator: .value(2), denominator: .value(4), threshold: k5) == .suppressed)
        #expect(ShareRule.disclose(numerator: .suppressed, denominator: .value(40), threshold: k5) == .suppressed)
        #expect(ShareRule.disclose(numerator: .value(0), denominator: .suppressed, threshold: k5) == .suppressed)
    }
}
