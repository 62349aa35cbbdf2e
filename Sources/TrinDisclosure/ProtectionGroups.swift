/// The fixed groups in which cells of a table are suppressed together.
///
/// Built from the table's equations and from which totals are published as
/// zero, never from any other value, so the groups are the same for every
/// table an attacker can imagine behind a publication.
struct ProtectionGroups {
    /// Cells of an equation whose total is zero: all zero, and known to be.
    let pinnedZero: [Bool]
    /// Per equation, its groups (each of two or more cells), in table order.
    let byEquation: [[[Int]]]
    /// cell → the groups it is in, as (equation, group) positions.
    let ofCell: [[(Int, Int)]]
    let equations: [Equation]

    init(_ table: SuppressionTable) {
        var pinned = [Bool](repeating: false, count: table.values.count)
        for eq in table.equations where table.values[eq.total] == 0 {
            for c in eq.cells { pinned[c] = true }
        }
        var byEquation: [[[Int]]] = []
        var ofCell = [[(Int, Int)]](repeating: [], count: table.values.count)
        for (e, eq) in table.equations.enumerated() {
            let eligible = eq.parts.filter { !pinned[$0] }
            var groups: [[Int]] = []
            if eligible.count == 1 {
                groups = [[eligible[0], eq.total]]
            } else if eligible.count > 1 {
                var i = 0
                while i < eligible.count {
                    let size = eligible.count - i == 3 ? 3 : 2
                    groups.append(Array(eligible[i..<(i + size)]))
                    i += size
                }
            }
            for (g, group) in groups.enumerated() { for c in group { ofCell[c].append((e, g)) } }
            byEquation.append(groups)
        }
        pinnedZero = pinned
        self.byEquation = byEquation
        self.ofCell = ofCell
        equations = table.equations
    }

    /// Suppresses whole groups until every suppressed cell's groups are
    /// suppressed and no suppressed total stands over only published parts.
    /// A suppressed total below k hides every part of its equation that no
    /// published zero pins: its parts are all small, so which are zero must not show.
    func close(_ suppressed: inout [Bool], values: [Int], k: Int) {
        var changed = true
        while changed {
            changed = false
            for eq in equations where suppressed[eq.total] && values[eq.total] < k {
                for c in eq.parts where !suppressed[c] && !pinnedZero[c] { suppressed[c] = true; changed = true }
            }
            for c in suppressed.indices where suppressed[c] {
                for (e, g) in ofCell[c] {
                    for other in byEquation[e][g] where !suppressed[other] {
                        suppressed[other] = true
                        changed = true
                    }
                }
            }
            for (e, eq) in equations.enumerated() where suppressed[eq.total] {
                guard !eq.parts.contains(where: { suppressed[$0] }), let first = byEquation[e].first else { continue }
                for c in first where !suppressed[c] { suppressed[c] = true; changed = true }
            }
        }
    }

    /// Suppresses one more group near `cell` (still determined after closing):
    /// the first group not yet suppressed of the first equation holding the
    /// cell; failing that, the published total of an equation in which it is a
    /// part; failing that, the first unsuppressed group of any equation that
    /// holds a suppressed cell. False when nothing is left to suppress.
    func widen(_ suppressed: inout [Bool], around cell: Int) -> Bool {
        func take(_ group: [Int]) -> Bool {
            guard group.contains(where: { !suppressed[$0] && !pinnedZero[$0] }) else { return false }
            for c in group where !pinnedZero[c] { suppressed[c] = true }
            return true
        }
        for (e, eq) in equations.enumerated() where eq.cells.contains(cell) {
            for group in byEquation[e] where take(group) { return true }
        }
        for eq in equations where eq.parts.contains(cell) && take([eq.total]) { return true }
        for (e, eq) in equations.enumerated() where eq.cells.contains(where: { suppressed[$0] }) {
            for group in byEquation[e] where take(group) { return true }
        }
        return false
    }
}
