import Foundation
import Testing
import TrinDisclosure
import TrinMetrics
import TrinService
import TrinSample
import TrinStore
import TrinTestSupport

/// The published files of a real run, read as a downstream tool reads them: no count
/// of citizens from 1 to k−1 anywhere, published totals true, no breakdown with a
/// single suppressed part under a published total, shares only from published counts.
/// (The method's guarantee against an informed attacker is tested in TrinDisclosureTests.)
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
        let truth = try MetricsJob.compute(store: SQLiteStore(path: store))

        func json(_ name: String) throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(output)/current/\(name)"))) as! [String: Any]
        }
        var suppressedSeen = 0, publishedSeen = 0
        for file in ["employment.json", "youth.json", "value_chain.json", "progression.json"] {
            let doc = try json(file)
            #expect(doc["k"] as? Int == k)
            #expect(doc["closedYears"] as? [Int] == [2022, 2023, 2024], "\(file): every sample year is closed today")
            for year in doc["years"] as! [[String: Any]] {
                let y = year["year"] as! Int
                let cells = year["cells"] as! [[String: Any]]
                for cell in cells {
                    if cell["suppressed"] as? Bool == true {
                        suppressedSeen += 1
                        #expect(cell["value"] == nil, "\(file) \(y): a suppressed cell with a value")
                        #expect(cell["share"] == nil, "\(file) \(y): a share of a suppressed count")
                        continue
                    }
                    publishedSeen += 1
                    let v = try #require(cell["value"] as? Int, "\(file) \(y): a cell with neither value nor mark")
                    #expect(v == 0 || v >= k, "\(file) \(y) \(cell): \(v) is published below k = \(k)")
                }
                func value(_ match: [String: String]) -> Int?? {
                    guard let c = cells.first(where: { c in match.allSatisfy { c[$0.key] as? String == $0.value } }) else { return .none }
                    return .some(c["value"] as? Int)
                }
                // Published totals are the true totals.
                let i = truth.years.firstIndex(of: y)!
                if file == "employment.json", case .some(.some(let t)) = value(["targetGroup": "total", "ageBand": "total"]) {
                    #expect(t == truth.employment[i].table.total)
                    // Coarse: two breakdowns of the total; one suppressed part alone would be determined.
                    let byGroup = cells.filter { ($0["ageBand"] as? String) == "total" && ($0["targetGroup"] as? String) != "total" }
                    #expect(byGroup.filter { $0["suppressed"] as? Bool == true }.count != 1, "\(file) \(y): one suppressed target group")
                    let byAge = cells.filter { ($0["targetGroup"] as? String) == "total" && ($0["ageBand"] as? String) != "total" }
                    #expect(byAge.filter { $0["suppressed"] as? Bool == true }.count != 1, "\(file) \(y): one suppressed age group")
                }
                if file == "youth.json", case .some(.some(let t)) = value(["outcome": "total", "ageBand": "total"]) {
                    #expect(t == truth.youth[i].table.total)
                }
                if file == "value_chain.json", case .some(.some(let t)) = value(["measure": "started", "stage": "total"]) {
                    #expect(t == truth.progression.filter { $0.year == y }.reduce(0) { $0 + $1.started })
                }
                // A share only where its counts are published and started ≥ k.
                for cell in cells where cell["share"] != nil {
                    let agreement = cell["agreement"] as? String
                    let started = cells.first { ($0["measure"] as? String) == "started" && ($0["agreement"] as? String) == agreement }
                    let n = started?["value"] as? Int
                    #expect(n != nil && n! >= k && cell["value"] != nil, "\(file) \(y): share from unpublished or small counts")
                }
            }
        }
        #expect(suppressedSeen > 0 && publishedSeen > 0)
        // The CSV files say the same: no small number in a value column, and a mark on every empty value.
        for name in ["employment.csv", "youth.csv", "value_chain.csv", "progression.csv"] {
            let csv = try String(contentsOfFile: "\(output)/current/\(name)", encoding: .utf8)
            let lines = csv.split(separator: "\r\n")
            let header = lines[0].split(separator: ";", omittingEmptySubsequences: false).map(String.init)
            let valueColumn = try #require(header.firstIndex(of: "value")), flagColumn = try #require(header.firstIndex(of: "suppressed"))
            for line in lines.dropFirst() {
                let fields = line.split(separator: ";", omittingEmptySubsequences: false)
                if let v = Int(fields[valueColumn]) {
                    #expect(v == 0 || v >= k, "\(name): \(line)")
                    #expect(fields[flagColumn] == "false", "\(name): \(line)")
                } else {
                    #expect(fields[valueColumn].isEmpty && fields[flagColumn] == "true", "\(name): \(line)")
                }
            }
        }
    }
}
