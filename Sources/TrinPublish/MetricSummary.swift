import TrinCore
import TrinDisclosure
public import TrinMetrics
import Foundation

extension ReleasedFigures {
    /// A plain-text overview of one year for the terminal (`trin metrics --year Y`),
    /// as published: suppressed figures show as `..`.
    public func summary(year: Int) -> String {
        func n(_ c: Disclosed<Int>?) -> String { c?.value.map(String.init) ?? ".." }
        func goal(_ met: Bool) -> String { met ? "met" : "not met" }
        guard let y = years.first(where: { $0.year == year }) else {
            let range = years.isEmpty ? "none" : "\(years.first!.year)–\(years.last!.year)"
            return "No figures for \(year) as of \(asOf) (years with data: \(range)).\n"
        }
        let total = totalCoordinate
        var out = "trin metrics \(year) as of \(asOf): \(y.status.rawValue) (k = \(k); .. = suppressed)\n"
        if y.status != .closed { out += "Headline figures only: the full tables follow once the year has closed (end of February after it).\n" }
        out += "\nEmployment: \(n(y.employment.value(total, total))) citizens entered employment (norm \(Metrics.employmentGoal)) — \(goal(y.employmentGoalMet))\n"
        for c in y.employment.cells where c.coordinates[1] == total && c.coordinates[0] != total && c.value != .value(0) {
            out += "  " + c.coordinates[0].padding(toLength: 20, withPad: " ", startingAt: 0) + n(c.value) + "\n"
        }
        for c in y.employment.cells where c.coordinates[0] == total && c.coordinates[1] != total && c.level == .coarse {
            out += "  age " + c.coordinates[1].padding(toLength: 16, withPad: " ", startingAt: 0) + n(c.value) + "\n"
        }
        out += "\nValue chain, all agreements: \(n(y.valueChain.value("started", total))) courses started, "
            + "\(n(y.valueChain.value("movedUp", total))) moved up\n"
        // The highest step reached (every year), and for a closed year the stage.
        for measure in ["highestStep", "highestStage"] {
            for c in y.valueChain.cells where c.coordinates[0] == measure {
                out += "  highest " + (measure == "highestStep" ? "step " : "") + c.coordinates[1].padding(toLength: 16, withPad: " ", startingAt: 0)
                    + n(c.value) + "\n"
            }
        }
        var agreements: [String] = []
        for c in y.progression.cells where !agreements.contains(c.coordinates[0]) { agreements.append(c.coordinates[0]) }
        if !agreements.isEmpty { out += "\nProgression per agreement (coarse):\n" }
        for a in agreements {
            let cells = y.progression.cells.filter { $0.coordinates[0] == a }
            func v(_ m: String, _ stage: String = total) -> FigureCell? { cells.first { $0.coordinates[2] == m && $0.coordinates[3] == stage } }
            let share = v("movedUp")?.share?.value.map { String(Int(($0 * 100).rounded())) + " %" } ?? ".."
            let name = a == pooledAgreementsCoordinate ? " (\(y.pooledAgreements) agreements pooled)"
                : enterprise(cvr: cells.first?.coordinates[1]).map { " (\($0.name))" } ?? ""
            out += "  \(a)\(name): started \(n(v("started")?.value)), moved up \(n(v("movedUp")?.value)) (\(share)), "
                + "ended at the goal \(n(v("endStep", "goal")?.value))\n"
        }
        out += "\nYouth (under 30): \(n(y.youth.value(total, total)))"
        for c in y.youth.cells where c.coordinates[1] == total && c.coordinates[0] != total {
            out += " — \(c.coordinates[0]): \(n(c.value))"
        }
        out += "\n"
        if let e = enterprises.first(where: { $0.year == year }) {
            out += "\nEnterprises active: \(e.activeTotal); with all three bottom lines: \(e.threeBottomLinesTotal)"
                + " (goal \(Metrics.enterpriseGoal)) — \(goal(e.goalMet))\n"
        }
        return out
    }
}
