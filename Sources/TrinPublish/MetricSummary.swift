import TrinCore
import TrinDisclosure
import TrinMetrics

extension DisclosedMetrics {
    /// A plain-text overview of one year for the terminal (`trin metrics --year Y`).
    /// Suppressed figures show as `..`, as in the CSV files.
    public func summary(year: Int) -> String {
        func n(_ c: Disclosed<Int>) -> String { c.value.map(String.init) ?? ".." }
        func goal(_ met: Bool) -> String { met ? "goal met" : "goal not met" }
        guard years.contains(year) else {
            let range = years.isEmpty ? "none" : "\(years.first!)–\(years.last!)"
            return "No figures for \(year) (years with data: \(range)).\n"
        }
        var out = "trin metrics \(year) (k = \(k); .. = suppressed)\n\n"
        if let e = employment.first(where: { $0.year == year }) {
            out += "Employment: \(n(e.table.total)) citizens entered employment (norm \(e.goal)) — \(goal(e.goalMet))\n"
            for (i, label) in e.table.rowLabels.enumerated() where e.table.rowTotals[i] != .value(0) {
                out += "  " + label.padding(toLength: 18, withPad: " ", startingAt: 0) + n(e.table.rowTotals[i]) + "\n"
            }
        }
        let agreements = progression.filter { $0.year == year }
        out += "\nProgression: \(agreements.count) agreement(s) with courses started\n"
        for a in agreements {
            let share = a.movedUpShare.value.map { String(Int(($0 * 100).rounded())) + " %" } ?? ".."
            out += "  \(a.agreement)\(a.enterprise.map { " (CVR \($0))" } ?? ""): started \(n(a.started)), "
                + "ended \(n(a.ended)), moved up \(n(a.movedUp)) (\(share))\n"
        }
        if let y = youth.first(where: { $0.year == year }) {
            out += "\nYouth (under 30): \(n(y.table.total))"
            out += zip(y.table.rowLabels, y.table.rowTotals).map { " — \($0): \(n($1))" }.joined() + "\n"
        }
        if let e = enterprises.first(where: { $0.year == year }) {
            out += "\nEnterprises active: \(e.activeTotal); with all three bottom lines: \(e.threeBottomLinesTotal)"
                + " (goal \(Metrics.enterpriseGoal)) — \(goal(e.goalMet))\n"
            for (i, t) in EnterpriseType.allCases.enumerated() {
                out += "  " + t.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0)
                    + "\(e.active[i]) active, \(e.threeBottomLines[i]) three bottom lines\n"
            }
        }
        return out
    }
}
