import Testing
import TrinTestSupport
@testable import TrinDisclosure

/// An attacker who knows the method (docs/metrics.md, "Suppression"): given a
/// published table, list every completion consistent with the published cells
/// and the equations, re-run the same suppression on each, and keep those that
/// give the published pattern. What the kept completions agree on is disclosed.
struct Attacker {
    let table: SuppressionTable
    let pattern: SuppressionPattern
    let suppressor: Suppressor
    /// The largest value tried for a suppressed cell (cells under a published
    /// total are bounded by it anyway).
    let bound: Int

    /// Every non-negative completion within `bound`: published cells as published, every equation holding.
    /// An equation with one unknown cell left fixes it; otherwise the next unknown cell is tried at each value.
    func completions() -> [[Int]] {
        var values = table.values
        var assigned = table.values.indices.map { !pattern.suppressed[$0] }
        var out: [[Int]] = []
        func visit() {
            var open: Int?
            for eq in table.equations {
                let unknown = eq.cells.filter { !assigned[$0] }
                let parts = eq.parts.reduce(0) { $0 + (assigned[$1] ? values[$1] : 0) }
                if unknown.isEmpty {
                    if values[eq.total] != parts { return }
                } else if assigned[eq.total] && parts > values[eq.total] {
                    return
                } else if unknown.count == 1 {
                    open = unknown[0]
                    let v = unknown[0] == eq.total ? parts : values[eq.total] - parts
                    guard (0...bound).contains(v) else { return }
                    assigned[unknown[0]] = true
                    values[unknown[0]] = v
                    visit()
                    assigned[unknown[0]] = false
                    return
                }
            }
            guard let next = open ?? values.indices.first(where: { !assigned[$0] }) else { out.append(values); return }
            assigned[next] = true
            for v in 0...bound {
                values[next] = v
                visit()
            }
            assigned[next] = false
        }
        visit()
        return out
    }

    struct Finding: CustomStringConvertible {
        let cell: Int
        let problem: String
        var description: String { "cell \(cell): \(problem)" }
    }

    /// What the attacker learns beyond what the method must allow: a suppressed
    /// cell left with one value, or a primary cell losing a value in 1…k − 1
    /// that the equations alone allow.
    func findings() -> [Finding] {
        let all = completions()
        let kept = all.filter {
            suppressor.suppress(try! SuppressionTable(values: $0, equations: table.equations, grandTotal: table.grandTotal))
                .suppressed == pattern.suppressed
        }
        var findings: [Finding] = []
        for c in table.values.indices where pattern.suppressed[c] {
            let seen = Set(kept.map { $0[c] })
            if seen.count < 2 { findings.append(Finding(cell: c, problem: "pinned to \(seen.sorted())")) }
            if pattern.primary[c] {
                let allowed = Set(all.map { $0[c] }).filter { suppressor.threshold.isSmall($0) }
                let lost = allowed.subtracting(seen)
                if !lost.isEmpty { findings.append(Finding(cell: c, problem: "primary values \(lost.sorted()) ruled out")) }
            }
        }
        return findings
    }
}

/// Small counts, as at a municipality's real size: many zeros and many below k.
func smallCount(_ g: inout SplitMix, k: Int) -> Int {
    switch Int.random(in: 0..<10, using: &g) {
    case 0..<3: 0
    case 3..<7: Int.random(in: 1..<k, using: &g)
    default: Int.random(in: k...(2 * k + 2), using: &g)
    }
}

/// total = Σ parts.
func oneWay(_ parts: [Int]) throws -> SuppressionTable {
    try SuppressionTable(values: parts + [parts.reduce(0, +)],
                         equations: [Equation(total: parts.count, parts: Array(parts.indices))], grandTotal: parts.count)
}

/// Two breakdowns of one total (employment by target group and by age).
func twoBreakdowns(_ a: [Int], splitInto n: Int, _ g: inout SplitMix) throws -> SuppressionTable {
    var b = [Int](repeating: 0, count: n)
    for _ in 0..<a.reduce(0, +) { b[Int.random(in: 0..<n, using: &g)] += 1 }
    let total = a.count + b.count
    return try SuppressionTable(values: a + b + [a.reduce(0, +)], equations: [
        Equation(total: total, parts: Array(0..<a.count)),
        Equation(total: total, parts: Array(a.count..<total)),
    ], grandTotal: total)
}

@Suite("Suppression against an attacker who knows the method")
struct AttackerEnumerationTests {
    func attack(_ table: SuppressionTable, k: Int, label: String) throws {
        let suppressor = Suppressor(threshold: try DisclosureThreshold(k: k))
        let pattern = suppressor.suppress(table)
        for (i, v) in table.values.enumerated() where !pattern.suppressed[i] {
            #expect(!suppressor.threshold.isSmall(v), "\(label): published small count \(v)")
        }
        guard pattern.suppressedCount > 0 else { return }
        let attacker = Attacker(table: table, pattern: pattern, suppressor: suppressor,
                                bound: (table.values.max() ?? 0) + k)
        let findings = attacker.findings()
        #expect(findings.isEmpty, "\(label) values \(table.values) pattern \(pattern.suppressed.map { $0 ? 1 : 0 }): \(findings)")
    }

    @Test("one-way tables with a total, k = 3 and 5", arguments: [3, 5])
    func oneWayTables(k: Int) throws {
        var g = SplitMix(seed: 1_000 + UInt64(k))
        for n in 0..<80 {
            let parts = (0..<Int.random(in: 2...5, using: &g)).map { _ in smallCount(&g, k: k) }
            try attack(try oneWay(parts), k: k, label: "one-way #\(n)")
        }
    }

    @Test("two-way tables with margins, k = 3 and 5", arguments: [3, 5])
    func twoWayTables(k: Int) throws {
        var g = SplitMix(seed: 2_000 + UInt64(k))
        for n in 0..<40 {
            let r = Int.random(in: 2...3, using: &g), c = 2
            let interior = (0..<r).map { _ in (0..<c).map { _ in smallCount(&g, k: k) } }
            var table = try marginTable(interior)
            table.grandTotal = table.values.count - 1
            try attack(table, k: k, label: "two-way #\(n) \(interior)")
        }
    }

    @Test("two breakdowns of one total, k = 3 and 5", arguments: [3, 5])
    func twoBreakdownTables(k: Int) throws {
        var g = SplitMix(seed: 3_000 + UInt64(k))
        for n in 0..<50 {
            let a = (0..<Int.random(in: 2...4, using: &g)).map { _ in smallCount(&g, k: k) }
            try attack(try twoBreakdowns(a, splitInto: Int.random(in: 2...3, using: &g), &g), k: k, label: "breakdowns #\(n)")
        }
    }

    @Test("linked agreement-year systems, k = 3 and 5", arguments: [3, 5])
    func linkedSystems(k: Int) throws {
        var g = SplitMix(seed: 4_000 + UInt64(k))
        for n in 0..<40 {
            // started = Σ highest (3) = Σ end (3) = ended + running, ended = Σ end without `running` (the last).
            let highest = (0..<3).map { _ in smallCount(&g, k: k) }
            let started = highest.reduce(0, +)
            var end = [0, 0, 0]
            for _ in 0..<started { end[Int.random(in: 0..<3, using: &g)] += 1 }
            let table = try SuppressionTable(values: [started] + highest + end + [end[0] + end[1]], equations: [
                Equation(total: 0, parts: [1, 2, 3]), Equation(total: 0, parts: [4, 5, 6]), Equation(total: 7, parts: [4, 5]),
                Equation(total: 0, parts: [7, 6]),  // started = ended + running
            ], grandTotal: 0)
            try attack(table, k: k, label: "linked #\(n)")
        }
    }

    @Test("agreement rows with their complements, linked by column sums, k = 3 and 5", arguments: [3, 5])
    func agreementRows(k: Int) throws {
        var g = SplitMix(seed: 5_000 + UInt64(k))
        for n in 0..<40 {
            // Per row: started = movedUp + notMovedUp = goal + notGoal. Columns: the value chain's
            // started, movedUp, notMovedUp, goal and notGoal = Σ over the rows (as Release builds it).
            let rows = 2
            var values: [Int] = [0, 0, 0, 0, 0]  // the value chain: started, movedUp, notMovedUp, goal, notGoal
            var equations: [Equation] = [Equation(total: 0, parts: [1, 2]), Equation(total: 0, parts: [3, 4])]
            var columns: [[Int]] = [[], [], [], [], []]
            for _ in 0..<rows {
                let moved = smallCount(&g, k: k), notMoved = smallCount(&g, k: k)
                let started = moved + notMoved
                let goal = Int.random(in: 0...started, using: &g)
                let base = values.count
                let row = [started, moved, notMoved, goal, started - goal]
                values += row
                equations.append(Equation(total: base, parts: [base + 1, base + 2]))
                equations.append(Equation(total: base, parts: [base + 3, base + 4]))
                for c in 0..<5 { columns[c].append(base + c); values[c] += row[c] }
            }
            for c in 0..<5 { equations.append(Equation(total: c, parts: columns[c])) }
            try attack(try SuppressionTable(values: values, equations: equations, grandTotal: 0), k: k, label: "rows #\(n)")
        }
    }

    @Test("the attacker finds what the previous value-driven choice leaked")
    func attackerIsRealistic() throws {
        // Sanity check of the attacker itself: a pattern chosen by looking at the
        // hidden values (suppress the smallest other cell) pins cells, and the
        // attacker must see it. Parts 1, 3, 9 with total 13 at k = 3: a method
        // "primary 1, then the smallest published part" hides 1 and 3; re-run on
        // the completion (3, 1) it would hide the same two, but on (2, 2) both
        // are primary, and (0, 4) publishes the 0. The attacker with the real
        // method must still see at least two values per hidden cell.
        let table = try oneWay([1, 3, 9])
        let suppressor = Suppressor(threshold: try DisclosureThreshold(k: 3))
        let pattern = suppressor.suppress(table)
        let attacker = Attacker(table: table, pattern: pattern, suppressor: suppressor, bound: 16)
        #expect(attacker.completions().count >= 2)
        // A made-up pattern that hides one cell only is fully undone by the attacker.
        let lonely = SuppressionPattern(suppressed: [true, false, false, false], primary: [true, false, false, false])
        let undone = Attacker(table: table, pattern: lonely, suppressor: suppressor, bound: 16)
        #expect(undone.completions().map { $0[0] } == [1])
    }
}
