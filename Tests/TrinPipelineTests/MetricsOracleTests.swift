import Foundation
import Testing
import TrinCore
import TrinMetrics
import TrinSample
import TrinStore
import TrinTestSupport

/// Differential test: every unsuppressed figure trin computes from exports imported
/// by the real binary (one process per file, shuffled) must equal the figure an
/// independent reading of docs/definitions.md computes from the same files
/// (`Tests/Support/metrics_oracle.py`, standard-library python3).
@Suite(.serialized) struct MetricsOracleTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let citizens: Int
        let seed: UInt64
        let dirty: Double
        var testDescription: String { "\(citizens) citizens, seed \(seed), dirty \(dirty)" }
    }

    static let cases: [Case] = [
        Case(citizens: 120, seed: 1, dirty: 0),
        Case(citizens: 150, seed: 2, dirty: 0.05),
        Case(citizens: 300, seed: 3, dirty: 0.05),
        Case(citizens: 200, seed: 4, dirty: 0.1),
    ]

    let root = TrinBinary.repositoryRoot

    @Test(arguments: cases) func trinAgreesWithTheIndependentOracle(_ c: Case) throws {
        let dir = TrinBinary.temporaryDirectory("trin-oracle")
        defer { Self.cleanUp(dir) }
        let manifest = try SampleGenerator(citizens: c.citizens, seed: c.seed, dirtyFraction: c.dirty).write(to: dir + "/exports")
        let refused = Set(manifest.files.filter { $0.wholeFileRejected != nil }.map(\.name))
        try compare(dir: dir, files: manifest.files.map(\.name), refused: refused, seed: c.seed, label: c.testDescription,
                    minimumFigures: 100)
    }

    /// Hand-made exports probing the rules the generator rarely exercises (OracleEdgeCases), in two orders.
    @Test func trinAgreesWithTheOracleOnEdgeCases() throws {
        for seed: UInt64 in [1, 2] {
            let dir = TrinBinary.temporaryDirectory("trin-oracle-edge")
            defer { Self.cleanUp(dir) }
            let files = try OracleEdgeCases.write(to: dir + "/exports")
            try compare(dir: dir, files: files, refused: [], seed: seed, label: "edge cases, order \(seed)", minimumFigures: 60)
        }
        // Only the register: the years come from its start years (docs/metrics.md choice 7).
        let dir = TrinBinary.temporaryDirectory("trin-oracle-register")
        defer { Self.cleanUp(dir) }
        var files: [String] = []
        for name in try OracleEdgeCases.write(to: dir + "/exports") {  // the oracle reads the whole folder
            if name.hasPrefix("virksomheder") { files.append(name) } else { try FileManager.default.removeItem(atPath: dir + "/exports/" + name) }
        }
        try compare(dir: dir, files: files, refused: [], seed: 3, label: "register only", minimumFigures: 30)
    }

    /// Imports `files` of `dir/exports` with the real binary, one process per file in a shuffled
    /// order, then compares trin's figures with the oracle's.
    func compare(dir: String, files: [String], refused: Set<String>, seed: UInt64, label: String, minimumFigures: Int) throws {
        let exports = dir + "/exports", store = dir + "/trin.sqlite", key = dir + "/key"
        try #require(try TrinBinary.run(["keygen", key]).status == 0)
        var generator = SplitMix(seed: seed &* 31 &+ 7)
        for name in files.shuffled(using: &generator) {
            let mapping = try #require(["forloeb", "haendelser", "virksomheder"].first { name.hasPrefix($0) })
            let result = try TrinBinary.run(["import", "--store", store, "--key", key,
                                             "--mapping", "\(root)/mappings/\(mapping).yaml", exports + "/" + name])
            // A refused file (bad XML) may end with a failure status; the others must not.
            #expect(refused.contains(name) || result.status == 0, "\(name): \(result.output)")
        }
        // The set `trin metrics` publishes, every year closed (as of a date past them all).
        let output = dir + "/out"
        let published = try TrinBinary.run(["metrics", "--store", store, "--output", output, "--as-of", "2035-06-30"])
        #expect(published.status == 0, "\(published.output)")
        let trin = try trinFigures(store: store)
        let (oracle, publishedCheck) = try oracleFigures(exports: exports, published: output + "/current")
        let differences = Self.differences(trin: trin, oracle: oracle)
        #expect(differences.count == 0, """
            \(differences.count) figure(s) differ (\(label), \(dir)); first ones:
            \(differences.prefix(25).joined(separator: "\n"))
            """)
        #expect(trin.count > minimumFigures, "too few figures compared: \(trin.count)")
        // Every figure of the published files, as a reader gets it, against the oracle too.
        #expect(publishedCheck.wrong.isEmpty, "published figures differ (\(label)):\n\(publishedCheck.wrong.prefix(25).joined(separator: "\n"))")
        #expect(publishedCheck.checked > minimumFigures / 2, "too few published figures checked: \(publishedCheck.checked)")
        // A set as of mid-2024: 2024 open (headline figures by step), the earlier years closed
        // and computed as of that date (an earlier date than the years kept above).
        let midYear = dir + "/out-2024"
        let open = try TrinBinary.run(["metrics", "--store", store, "--output", midYear, "--as-of", "2024-06-30"])
        #expect(open.status == 0, "\(open.output)")
        let (_, openCheck) = try oracleFigures(exports: exports, published: midYear + "/current", asOf: "2024-06-30")
        #expect(openCheck.wrong.isEmpty, "published figures as of 2024-06-30 differ (\(label)):\n\(openCheck.wrong.prefix(25).joined(separator: "\n"))")
        #expect(openCheck.checked > 0)
    }

    /// Removes a work folder unless TRIN_ORACLE_KEEP is set (to inspect the exports after a failure).
    static func cleanUp(_ dir: String) {
        if ProcessInfo.processInfo.environment["TRIN_ORACLE_KEEP"] == nil { try? FileManager.default.removeItem(atPath: dir) }
    }

    // MARK: trin's side

    /// trin's unsuppressed metrics, flattened to `path → value` in the oracle's shape.
    func trinFigures(store path: String) throws -> [String: String] {
        let store = try SQLiteStore(path: path)
        var calculator = MetricsCalculator()
        var records = 0
        try store.forEachCitizen { citizen in
            records += citizen.count
            calculator.add(citizen: citizen)
        }
        let metrics = calculator.finish(enterprises: try store.enterprises())
        var out: [String: String] = ["records": "\(records)", "years": metrics.years.map(String.init).joined(separator: ",")]
        func table(_ prefix: String, _ t: CountTable) {
            for (r, row) in t.rowLabels.enumerated() {
                for (c, column) in t.columnLabels.enumerated() {
                    out["\(prefix).cells.\(row)|\(column)"] = "\(t.count(row: r, column: c))"
                }
                out["\(prefix).rows.\(row)"] = "\(t.rowTotals[r])"
            }
            for (c, column) in t.columnLabels.enumerated() { out["\(prefix).columns.\(column)"] = "\(t.columnTotals[c])" }
            out["\(prefix).total"] = "\(t.total)"
        }
        for e in metrics.employment { table("employment.\(e.year)", e.table) }
        for y in metrics.youth { table("youth.\(y.year)", y.table) }
        for p in metrics.progression {
            let prefix = "progression.\(p.agreement)|\(p.year)"
            out["\(prefix).started"] = "\(p.started)"
            out["\(prefix).ended"] = "\(p.ended)"
            out["\(prefix).movedUp"] = "\(p.movedUp)"
            out["\(prefix).movedUpShare"] = p.movedUpShare.map(Self.share) ?? "null"
            out["\(prefix).enterprise"] = p.enterprise ?? "null"
            for s in HighestStage.allCases { out["\(prefix).highestStage.\(s.rawValue)"] = "\(p.count(s))" }
            for s in EndStage.allCases { out["\(prefix).endStage.\(s.rawValue)"] = "\(p.count(s))" }
        }
        for e in metrics.enterprises {
            for (i, type) in EnterpriseType.allCases.enumerated() {
                out["enterprises.\(e.year).byType.\(type.rawValue).active"] = "\(e.active[i])"
                out["enterprises.\(e.year).byType.\(type.rawValue).threeBottomLines"] = "\(e.threeBottomLines[i])"
            }
            out["enterprises.\(e.year).active"] = "\(e.activeTotal)"
            out["enterprises.\(e.year).threeBottomLines"] = "\(e.threeBottomLinesTotal)"
        }
        // Each file's outcome (one run per file): good records and rejected rows by reason.
        for run in try store.recentRuns(limit: 1000) {
            for file in try store.files(ofRun: run.id) {
                let name = "files." + URL(fileURLWithPath: file.file).lastPathComponent
                switch file.status {
                case .failed: out[name + ".refused"] = "yes"
                default:
                    // rows read − rejected: the register folds a repeated CVR without counting it
                    // as inserted, updated or duplicate, so that sum can be one short.
                    out[name + ".good"] = "\(file.rowsRead - file.rejected)"
                    for (reason, n) in file.rejectedByReason { out[name + ".rejected.\(reason)"] = "\(n)" }
                }
            }
        }
        return out.filter { $0.value != "0" }  // absent means zero on both sides
    }

    static func share(_ x: Double) -> String { String(format: "%.9f", x) }

    // MARK: the oracle's side

    /// Runs the oracle (which also checks its own reading against the sample manifest).
    /// With `published`, also its check of that set's files: the figures it compared, and those that differ.
    func oracleFigures(exports: String, published: String, asOf: String? = nil) throws -> ([String: String], (checked: Int, wrong: [String])) {
        let oracle = try TrinBinary.run(["python3", root + "/Tests/Support/metrics_oracle.py", exports, "--check-manifest",
                                         "--published", published] + (asOf.map { ["--as-of", $0] } ?? []), executable: "/usr/bin/env")
        try #require(oracle.status == 0, "oracle failed: \(oracle.stderr)")
        let outData = Data(oracle.stdout.utf8)
        var json = try #require(try JSONSerialization.jsonObject(with: outData) as? [String: Any])
        let check = try #require(json.removeValue(forKey: "published") as? [String: Any])
        let publishedCheck = (checked: check["checked"] as? Int ?? 0, wrong: check["wrong"] as? [String] ?? ["no list of differences"])
        var flat: [String: String] = [:]
        func walk(_ path: String, _ value: Any) {
            switch value {
            case let d as [String: Any]: for (k, v) in d { walk(path.isEmpty ? k : "\(path).\(k)", v) }
            case let a as [Any]: flat[path] = a.map { "\($0)" }.joined(separator: ",")
            case let s as String: flat[path] = s
            case let n as NSNumber: flat[path] = path.hasSuffix(".movedUpShare") ? Self.share(n.doubleValue) : "\(n.intValue)"
            case is NSNull: flat[path] = "null"
            default: flat[path] = "\(value)"
            }
        }
        walk("", json)
        for key in flat.keys where key.hasPrefix("files.") && key.hasSuffix(".refused") { flat[key] = "yes" }
        return (flat.filter { $0.value != "0" }, publishedCheck)
    }

    /// Each figure on which the two disagree: `figure: trin=… oracle=…`, sorted.
    static func differences(trin: [String: String], oracle: [String: String]) -> [String] {
        Set(trin.keys).union(oracle.keys).sorted().compactMap { key in
            let t = trin[key] ?? "0", o = oracle[key] ?? "0"
            return t == o ? nil : "\(key): trin=\(t) oracle=\(o)"
        }
    }
}
