/// Primary and secondary cell suppression for one table.
///
/// Primary: every count from 1 to k − 1 is suppressed (zero is not).
/// Secondary: while some suppressed cell could be worked out from the published
/// cells through the table's equations, one more cell is suppressed. A
/// suppressed cell counts as protected only when the system, with the published
/// cells fixed, has another non-negative integer solution in which that cell has
/// a different value; this is stronger than the rank test (`SuppressionAudit`),
/// which ignores that counts cannot be negative.
public struct Suppressor: Sendable {
    public let threshold: DisclosureThreshold

    public init(threshold: DisclosureThreshold = .standard) { self.threshold = threshold }

    /// The suppression pattern of `table`. Deterministic: the same table gives the same pattern.
    public func suppress(_ table: SuppressionTable) -> SuppressionPattern {
        let primary = table.values.map { threshold.isSmall($0) }
        var suppressed = primary
        let isTotal = SuppressionAudit.totals(of: table)
        while true {
            let exposed = SuppressionAudit.exposedCells(table, suppressed: suppressed, isTotal: isTotal)
            guard !exposed.isEmpty,
                  let extra = complement(for: exposed, table: table, suppressed: suppressed, isTotal: isTotal)
            else { break }  // nothing exposed, or nothing left to suppress
            suppressed[extra] = true
        }
        return SuppressionPattern(suppressed: suppressed, primary: primary)
    }

    /// The published cell to suppress next so that an exposed cell gets room to
    /// move. First a cell of an equation in which an exposed cell is the only
    /// suppressed one (that equation pins it outright); then one sharing any
    /// equation with the first exposed cell; then one in any equation with a
    /// suppressed cell; then any published cell in an equation. Among
    /// candidates: non-zero first (a suppressed zero beside a published zero
    /// total stays known), then cells that are no margin, then the smallest
    /// value, then the first.
    func complement(for exposed: [Int], table: SuppressionTable, suppressed: [Bool], isTotal: [Bool]) -> Int? {
        func best(_ candidates: [Int]) -> Int? {
            candidates.filter { !suppressed[$0] }.min { a, b in
                let ka = (table.values[a] == 0 ? 1 : 0, isTotal[a] ? 1 : 0, table.values[a], a)
                let kb = (table.values[b] == 0 ? 1 : 0, isTotal[b] ? 1 : 0, table.values[b], b)
                return ka < kb
            }
        }
        for cell in exposed {
            let pinning = table.equations.filter { eq in
                eq.cells.contains(cell) && eq.cells.allSatisfy { $0 == cell || !suppressed[$0] }
            }
            if let c = best(pinning.flatMap(\.cells)) { return c }
        }
        let first = exposed[0]
        if let c = best(table.equations.filter { $0.cells.contains(first) }.flatMap(\.cells)) { return c }
        let touched = table.equations.filter { $0.cells.contains { suppressed[$0] } }.flatMap(\.cells)
        if let c = best(touched) { return c }
        return best(table.equations.flatMap(\.cells))
    }
}

/// Which cells of a table are suppressed, and which of them for being small.
public struct SuppressionPattern: Sendable, Equatable {
    public let suppressed: [Bool]
    /// Suppressed because the count itself is from 1 to k − 1.
    public let primary: [Bool]

    /// The cells as they may be published.
    public func disclose(_ values: [Int]) -> [Disclosed<Int>] {
        zip(values, suppressed).map { $1 ? .suppressed : .value($0) }
    }

    public var suppressedCount: Int { suppressed.filter { $0 }.count }
}
