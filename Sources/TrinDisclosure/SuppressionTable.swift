/// A table for disclosure control: its cells (all non-negative citizen counts)
/// and the linear equations that tie them.
///
/// The module knows nothing about what the cells mean: a caller flattens its
/// table (interior cells, margins, totals, linked figures) into `values` and
/// states each additive relation as an `Equation`.
public struct SuppressionTable: Sendable, Equatable {
    /// The true counts, each ≥ 0.
    public var values: [Int]
    /// Relations that a reader can use to work out a suppressed cell.
    public var equations: [Equation]
    /// The cell all others add up to, if the table has one. When it is below k
    /// the whole table is suppressed: every figure in it is small, and which of
    /// them are zero must not show.
    public var grandTotal: Int?
    /// What a reader knows each cell to be at least (0 unless the publication's own rules
    /// say more, e.g. "an agreement with a row of its own started at least 4k courses"):
    /// the exact check looks for another solution within these bounds, not only ≥ 0.
    public var lowerBounds: [Int]

    public init(values: [Int], equations: [Equation], grandTotal: Int? = nil, lowerBounds: [Int]? = nil) throws(DisclosureError) {
        for (e, eq) in equations.enumerated() {
            for c in [eq.total] + eq.parts where c < 0 || c >= values.count {
                throw .cellOutOfRange(equation: e, cell: c, cellCount: values.count)
            }
        }
        if let grandTotal, grandTotal < 0 || grandTotal >= values.count {
            throw .cellOutOfRange(equation: -1, cell: grandTotal, cellCount: values.count)
        }
        self.values = values
        self.equations = equations
        self.grandTotal = grandTotal
        self.lowerBounds = lowerBounds ?? [Int](repeating: 0, count: values.count)
        precondition(self.lowerBounds.count == values.count && zip(values, self.lowerBounds).allSatisfy { $0 >= $1 },
                     "a lower bound per cell, none above its value")
    }
}

/// `values[total] = Σ values[parts]`: a margin and its cells, or a count and the
/// figures it splits into.
public struct Equation: Sendable, Equatable {
    public var total: Int
    public var parts: [Int]

    public init(total: Int, parts: [Int]) {
        self.total = total
        self.parts = parts
    }

    /// The cells of the equation, total first.
    public var cells: [Int] { [total] + parts }
}
