import Crypto
import Foundation
import Testing
import TrinCore
import TrinSample
import TrinStore
import TrinTestSupport

/// `trin import` run as a process on generated exports, checked against the
/// generator's manifest and against itself in other orders.
@Suite(.serialized) struct ImportEndToEndTests {
    let mappings = TrinBinary.repositoryRoot + "/mappings"

    struct Workspace {
        let dir: String
        let exports: String
        let key: String
        let manifest: SampleManifest
        func store(_ name: String = "trin.sqlite") -> String { dir + "/" + name }
        func files(_ prefix: String) -> [String] {
            manifest.files.map(\.name).filter { $0.hasPrefix(prefix) }.sorted().map { exports + "/" + $0 }
        }
    }

    func workspace(citizens: Int = 150, dirty: Double, seed: UInt64 = 7) throws -> Workspace {
        let dir = TrinBinary.temporaryDirectory("trin-e2e")
        let exports = dir + "/exports"
        let manifest = try SampleGenerator(citizens: citizens, seed: seed, dirtyFraction: dirty).write(to: exports)
        let key = dir + "/key"
        try #require(try TrinBinary.run(["keygen", key]).status == 0)
        return Workspace(dir: dir, exports: exports, key: key, manifest: manifest)
    }

    func importFiles(_ w: Workspace, _ files: [String], mapping: String, store: String, log: String? = nil) throws -> TrinBinary.Result {
        var args = ["import", "--store", store, "--key", w.key, "--mapping", "\(mappings)/\(mapping).yaml"]
        if let log { args += ["--log", log] }
        return try TrinBinary.run(args + files)
    }

    @Test func everyGoodRowIsImportedAndEachBadRowRejectedWithItsReasonAndLine() throws {
        let w = try workspace(dirty: 0.06)
        let result = try importFiles(w, w.files("forloeb"), mapping: "forloeb", store: w.store())
        #expect(result.status == 0, "\(result.output)")
        let store = try SQLiteStore(path: w.store())
        let run = try #require(try store.recentRuns(limit: 1).first)
        let outcomes = try store.files(ofRun: run.id)
        let rejections = try store.rejectionExamples(ofRun: run.id, perReason: 1_000_000)
        for outcome in outcomes {
            let name = URL(fileURLWithPath: outcome.file).lastPathComponent
            let expected = try #require(w.manifest.file(named: name))
            #expect(outcome.status == .imported, "\(name)")
            #expect(outcome.inserted + outcome.updated + outcome.duplicates == expected.goodRecords, "\(name)")
            #expect(outcome.rejectedByReason == expected.rejected, "\(name)")
            let lines = rejections.filter { $0.file == outcome.file }.map { "\($0.line):\($0.reason)" }.sorted()
            #expect(lines == expected.rejectedLines.map { "\($0.line):\($0.reason)" }.sorted(), "\(name)")
        }
        #expect(Set(outcomes.map(\.file)) == Set(w.files("forloeb")))
        #expect(Set(rejections.map(\.reason)).isSuperset(of: [
            "bad_encoding", "field_count", "cpr_malformed", "cpr_invalid_date", "unknown_target_group", "unknown_activity",
            "invalid_date", "end_before_start", "invalid_hours", "hours_out_of_range", "invalid_timestamp", "invalid_cvr",
            "birth_after_event",
        ]))
    }

    @Test func anyOrderAndAgainGivesTheSameStore() throws {
        let w = try workspace(dirty: 0.03, seed: 11)
        let files = w.files("forloeb")
        var generator = SplitMix(seed: 3)
        var dumps: [String] = []
        for attempt in 0..<3 {
            let store = w.store("order-\(attempt).sqlite")
            // One process per file, in a shuffled order: also across runs.
            for file in files.shuffled(using: &generator) {
                _ = try importFiles(w, [file], mapping: "forloeb", store: store)
            }
            _ = try importFiles(w, [w.exports + "/virksomheder.csv"], mapping: "virksomheder", store: store)
            if attempt == 0 {  // and the same exports again
                _ = try importFiles(w, files.reversed(), mapping: "forloeb", store: store)
            }
            dumps.append(try SQLiteStore(path: store).canonicalDump())
        }
        #expect(dumps[0].split(separator: "\n").count > 300)
        #expect(dumps[1] == dumps[0])
        #expect(dumps[2] == dumps[0])
    }

    /// A file named after a citizen: its name is kept and logged with the number masked.
    @Test func aCPRNumberInAFileNameIsMasked() throws {
        let w = try workspace(citizens: 20, dirty: 0.2, seed: 3)
        let named = w.dir + "/borger-010190-1234.csv"
        try FileManager.default.copyItem(atPath: try #require(w.files("forloeb").first), toPath: named)
        let log = w.dir + "/named.log"
        let r = try importFiles(w, [named], mapping: "forloeb", store: w.store(), log: log)
        #expect(r.status == 0, "\(r.output)")
        let runs = try TrinBinary.run(["runs", "show", "1", "--store", w.store()])
        #expect(runs.stdout.contains("borger-XXXXXX-XXXX.csv"), "\(runs.stdout.prefix(600))")
        for (name, text) in [("output", r.output), ("runs", runs.output), ("log", try String(contentsOfFile: log, encoding: .utf8)),
                             ("store", String(decoding: try Data(contentsOf: URL(fileURLWithPath: w.store())), as: UTF8.self))] {
            #expect(!text.contains("010190-1234") && !text.contains("0101901234"), "\(name)")
        }
    }

    @Test func noCPRNumberLeavesThePipeline() throws {
        let w = try workspace(dirty: 0.08, seed: 5)
        let log = w.dir + "/import.log"
        let inputs = w.manifest.files.map { w.exports + "/" + $0.name }
        let scan = try PrivacyScan(inputs: inputs)
        #expect(scan.cprs.count > 100)
        var printed: [TrinBinary.Result] = []
        printed.append(try importFiles(w, w.files("forloeb"), mapping: "forloeb", store: w.store(), log: log))
        printed.append(try importFiles(w, [w.exports + "/virksomheder.csv"], mapping: "virksomheder", store: w.store(), log: log))
        printed.append(try TrinBinary.run(["runs", "--store", w.store()]))
        for id in 1...2 { printed.append(try TrinBinary.run(["runs", "show", "\(id)", "--store", w.store()])) }
        #expect(printed[3].stdout.contains("XXXXXX-XXXX"))  // rejected rows are shown, masked
        var leaks: [String] = []
        for file in [w.store(), log] { leaks += try scan.leaks(in: file) }
        for file in [w.store() + "-journal", w.store() + "-wal"] { leaks += try scan.leaks(in: file, mayBeMissing: true) }
        for (i, p) in printed.enumerated() { leaks += scan.leaks(in: Data(p.output.utf8), name: "output \(i)") }
        #expect(leaks.isEmpty, "\(leaks.prefix(5))")
        // The scan itself finds a number, and its unkeyed hashes, when they are there.
        let cpr = try #require(scan.cprs.first)
        #expect(!scan.leaks(in: Data("x;\(cpr);y".utf8), name: "probe").isEmpty)
        for digest in [Array(SHA256.hash(data: Array(("dk-cpr:v1:" + cpr).utf8))), Array(Insecure.MD5.hash(data: Array(cpr.utf8)))] {
            let hex = digest.map { String(format: "%02X", $0) }.joined()
            #expect(!scan.leaks(in: Data("id=\(hex);".utf8), name: "probe").isEmpty, "\(hex)")
            #expect(!scan.leaks(in: Data([1, 2] + digest), name: "probe").isEmpty)
        }
    }
}

