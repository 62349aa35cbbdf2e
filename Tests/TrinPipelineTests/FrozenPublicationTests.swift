import Foundation
import Testing
import TrinService
import TrinSample
import TrinTestSupport

/// Closed years through the binary: `trin metrics` keeps them as first published, a
/// later import does not change them, and `--republish` shows no change of 1 to k−1.
@Suite(.serialized) struct FrozenPublicationTests {
    @Test func closedYearsAreFrozenAndRepublishedSafely() throws {
        let dir = TrinBinary.temporaryDirectory("trin-frozen")
        let key = dir + "/key", store = dir + "/trin.sqlite", output = dir + "/out"
        try #require(try TrinBinary.run(["keygen", key]).status == 0)
        func importAll(_ generator: SampleGenerator, _ folder: String) throws {
            let manifest = try generator.write(to: folder)
            for file in manifest.files {
                _ = try TrinBinary.run(["import", "--store", store, "--key", key, "--mapping",
                                        "\(TrinBinary.repositoryRoot)/mappings/\(file.kind).yaml", folder + "/" + file.name])
            }
        }
        func metrics(_ extra: [String] = []) throws -> (status: Int32, output: String) {
            let r = try TrinBinary.run(["metrics", "--store", store, "--output", output, "--as-of", "2026-11-30"] + extra)
            return (r.status, r.stdout + r.stderr)
        }
        /// Every long-CSV figure of the current set: key → value ("" when suppressed).
        func figures() throws -> [String: String] {
            var out: [String: String] = [:]
            for name in ["employment", "youth", "value_chain", "progression"] {
                let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: "\(output)/current/\(name).csv")), as: UTF8.self)
                let lines = text.split(separator: "\r\n").dropFirst()
                for line in lines {
                    let fields = line.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
                    let valueAt = name == "progression" ? 8 : 6
                    out[name + ":" + fields[0] + ":" + fields[4..<valueAt].joined(separator: "|")] = fields[valueAt]
                }
            }
            return out
        }

        try importAll(SampleGenerator(citizens: 160, seed: 17, dirtyFraction: 0), dir + "/exports")
        try #require(try metrics().status == 0)
        let first = try figures()
        #expect(!first.isEmpty)

        // New citizens in every year arrive later: the closed years stay as they were.
        try importAll(SampleGenerator(citizens: 40, seed: 99, dirtyFraction: 0), dir + "/late")
        try #require(try metrics().status == 0)
        #expect(try figures() == first)

        // Only a closed year can be republished.
        let open = try metrics(["--republish", "2026"])
        #expect(open.status == 2 && open.output.contains("only a closed year can be republished"))

        let republished = try metrics(["--republish", "2023"])
        try #require(republished.status == 0, "\(republished.output)")
        let after = try figures()
        var changed = 0
        for (key, value) in after where key.contains(":2023:") {
            guard let new = Int(value), let old = first[key].flatMap({ Int($0) }) else { continue }
            if new != old { changed += 1 }
            #expect(!(1...4).contains(abs(new - old)), "\(key): \(old) → \(new) shows a change below k")
        }
        #expect(changed > 0, "40 more citizens change some 2023 figure by k or more")
        // Other years are untouched, and the next set repeats the republished year.
        #expect(after.filter { !$0.key.contains(":2023:") } == first.filter { !$0.key.contains(":2023:") })
        #expect(try metrics().status == 0)
        #expect(try figures() == after)
    }
}
