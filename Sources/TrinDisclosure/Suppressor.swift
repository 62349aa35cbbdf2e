/// Primary and secondary cell suppression for one table, designed so that an
/// attacker who knows this method cannot undo it.
///
/// Primary: every count from 1 to k − 1 is suppressed (zero is not).
///
/// Secondary: the choice of further cells depends on the table's structure and
/// on which cells are primary, not on the hidden values. Each equation's parts
/// are split, in table order, into fixed **protection groups** of two (three for
/// the last of an odd number; a lone part goes with the equation's total). A
/// suppressed cell suppresses every group it belongs to, and a suppressed total
/// whose parts are all published suppresses its equation's first group. This
/// closure is repeated until nothing changes. Any subset of a closed pattern's
/// cells that still holds a primary cell closes to the same pattern, so an
/// attacker who re-runs the method on every table consistent with what was
/// published cannot tell which of the suppressed cells were the small ones.
///
/// A table whose grand total is below k is suppressed whole. Otherwise a
/// suppressed total below k hides every part of its equation.
///
/// Two facts the attacker can read off the published figures shape it further:
/// - a published zero total pins every cell of its equation to zero, so those
///   cells are never chosen (suppressing them would protect nothing);
/// - a pattern that is still solvable exactly (the rank test, or only one
///   non-negative solution, `SuppressionAudit`) is widened group by group in
///   table order until no suppressed cell is determined.
public struct Suppressor: Sendable {
    public let threshold: DisclosureThreshold

    public init(threshold: DisclosureThreshold = .standard) { self.threshold = threshold }

    /// The suppression pattern of `table`. Deterministic.
    ///
    /// - Parameter alsoPrimary: cells to treat as primary whatever their value
    ///   (a republished cell whose count changed by 1 to k − 1).
    public func suppress(_ table: SuppressionTable, alsoPrimary: [Bool]? = nil) -> SuppressionPattern {
        let count = table.values.count
        let groups = ProtectionGroups(table)
        var primary = table.values.map { threshold.isSmall($0) }
        if let alsoPrimary {
            for i in 0..<count where alsoPrimary[i] && !groups.pinnedZero[i] { primary[i] = true }
        }
        var suppressed = primary
        // A small grand total hides the whole table; one that only changed by less than k
        // (a republication) is protected like any other suppressed total.
        if let grand = table.grandTotal, threshold.isSmall(table.values[grand]) {
            return SuppressionPattern(suppressed: [Bool](repeating: true, count: count), primary: primary)
        }
        groups.close(&suppressed, values: table.values, k: threshold.k)
        let isTotal = SuppressionAudit.totals(of: table)
        while true {
            let exposed = SuppressionAudit.exposedCells(table, suppressed: suppressed, isTotal: isTotal)
            guard let first = exposed.first, groups.widen(&suppressed, around: first) else { break }
            groups.close(&suppressed, values: table.values, k: threshold.k)
        }
        return SuppressionPattern(suppressed: suppressed, primary: primary)
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
