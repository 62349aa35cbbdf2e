import Foundation
import Testing
import TrinDisclosure
import TrinMetrics
import TrinPipeline
import TrinSample
import TrinStore
import TrinTestSupport

/// The published files of a real run, read as a downstream tool reads them: no count
/// of citizens from 1 to k−1 anywhere, every published count true, and no suppressed
/// cell of a two-way table recoverable from the published cells and totals.
@Suite(.serialized) struct PublishedSuppressionTests {
    @Test(arguments: [5, 3])
    func publishedFilesKeepEverySmallCountSecret(k: Int) throws {
        let dir = TrinBinary.temporaryDirectory("trin-published")
        let exports = dir + "/exports"
        let manifest = try SampleGenerator(citizens: 160, seed: 17, dirtyFraction: 0.04).write(to: exports)
        let key = dir + "/key", store = dir + "/trin.sqlite", output = dir + "/out"
        try #require(try TrinBinary.run(["keygen", key]).status == 0)
        for file in manifest.files {
            _ = try TrinBinary.run(["import", "--store", store, "--key", key, "--mapping",
                                    "\(TrinBinary.repositoryRoot)/mappings/\(file.kind).yaml", exports + "/" + file.name])
        }
        try #require(try TrinBinary.run(["metrics", "--store", store, "--output", output, "--k", "\(k)"]).status == 0)
        let truth = try MetricsJob.compute(store: Store(path: store))

        func json(_ name: String) throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(output)/current/\(name)"))) as! [String: Any]
        }
        /// A published citizen count: its value, or nil when suppressed. Never small.
        func count(_ cell: Any?, _ context: String) -> Int?? {
            guard let c = cell as? [String: Any] else { Issue.record("\(context): not a count cell"); return .none }
            if c["suppressed"] as? Bool == true { return .some(nil) }
            guard let v = c["value"] as? Int else { Issue.record("\(context): no value"); return .none }
            #expect(v == 0 || v >= k, "\(context): \(v) is published below k = \(k)")
            return .some(v)
        }
        var suppressedSeen = 0
        for (file, tables) in [("employment.json", truth.employment.map { ($0.year, $0.table) }),
                               ("youth.json", truth.youth.map { ($0.year, $0.table) })] {
            let doc = try json(file)
            #expect(doc["k"] as? Int == k)
            for year in doc["years"] as! [[String: Any]] {
                let y = year["year"] as! Int
                let table = try #require(tables.first { $0.0 == y }?.1)
                let rows = year["rows"] as! [[String: Any]]
                let (r, c) = (table.rowLabels.count, table.columnLabels.count)
                #expect(rows.count == r)
                // Cells row by row, then row totals, column totals, grand total.
                var published: [Int?] = []
                var truthValues: [Int] = []
                for (i, row) in rows.enumerated() {
                    let cells = row["cells"] as! [String: Any]
                    for (j, band) in table.columnLabels.enumerated() {
                        published.append(count(cells[band], "\(file) \(y) \(table.rowLabels[i])/\(band)") ?? nil)
                        truthValues.append(table.count(row: i, column: j))
                    }
                }
                for (i, row) in rows.enumerated() {
                    published.append(count(row["total"], "\(file) \(y) row \(i) total") ?? nil)
                    truthValues.append(table.rowTotals[i])
                }
                let columnTotals = year["columnTotals"] as! [String: Any]
                for (j, band) in table.columnLabels.enumerated() {
                    published.append(count(columnTotals[band], "\(file) \(y) column \(band) total") ?? nil)
                    truthValues.append(table.columnTotals[j])
                }
                published.append(count(year["total"], "\(file) \(y) total") ?? nil)
                truthValues.append(table.total)
                // Every published count is the true count.
                for (p, t) in zip(published, truthValues) where p != nil { #expect(p == t, "\(file) \(y)") }
                // No suppressed cell is determined by the published ones (exact rank test), and
                // another non-negative table fits every published figure with it changed.
                let rowTotal = { (i: Int) in r * c + i }, columnTotal = { (j: Int) in r * c + r + j }, grand = r * c + r + c
                var equations = (0..<r).map { i in Equation(total: rowTotal(i), parts: (0..<c).map { i * c + $0 }) }
                equations += (0..<c).map { j in Equation(total: columnTotal(j), parts: (0..<r).map { $0 * c + j }) }
                equations += [Equation(total: grand, parts: (0..<r).map(rowTotal)), Equation(total: grand, parts: (0..<c).map(columnTotal))]
                let system = try SuppressionTable(values: truthValues, equations: equations)
                let mask = published.map { $0 == nil }
                for cell in mask.indices where mask[cell] {
                    suppressedSeen += 1
                    #expect(!SuppressionAudit.isDetermined(cell: cell, in: system, suppressed: mask), "\(file) \(y) cell \(cell)")
                    #expect(SuppressionAudit.alternativeSolution(for: cell, in: system, suppressed: mask) != nil, "\(file) \(y) cell \(cell)")
                }
            }
        }
        #expect(suppressedSeen > 0)
        // Progression: every count is safe; a share only where its counts are published and started ≥ k.
        for year in try json("progression.json")["years"] as! [[String: Any]] {
            for a in year["agreements"] as! [[String: Any]] {
                let context = "progression \(year["year"]!) \(a["agreement"]!)"
                let started = count(a["started"], context) ?? nil
                let moved = count(a["movedUp"], context) ?? nil
                _ = count(a["ended"], context)
                for group in ["highestStage", "endStage"] {
                    for (_, cell) in a[group] as! [String: Any] { _ = count(cell, "\(context) \(group)") }
                }
                if let share = a["movedUpShare"] as? [String: Any], share["value"] != nil {
                    #expect(started.map { $0 >= k } == true && moved != nil, "\(context): share from unpublished or small counts")
                }
            }
        }
        // The CSV files say the same: no small number in a count column.
        let csv = try String(contentsOfFile: "\(output)/current/employment.csv", encoding: .utf8)
        for line in csv.split(separator: "\n").dropFirst() {
            for field in line.split(separator: ";").dropFirst(2) {
                if let v = Int(field.trimmingCharacters(in: .whitespacesAndNewlines)) { #expect(v == 0 || v >= k, "employment.csv: \(line)") }
            }
        }
    }
}
