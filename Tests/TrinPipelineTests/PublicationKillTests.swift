import Foundation
import Testing
import TrinPublish
import TrinSample
import TrinTestSupport

/// `trin metrics` killed (SIGKILL) at many points of its life: a reader of
/// `<output>/current` always gets one complete set whose checksums match.
@Suite(.serialized) struct PublicationKillTests {
    @Test func aKilledPublisherNeverLeavesAHalfSet() throws {
        let dir = TrinBinary.temporaryDirectory("trin-publish-kill")
        let exports = dir + "/exports"
        let manifest = try SampleGenerator(citizens: 400, seed: 9).write(to: exports)
        let key = dir + "/key", store = dir + "/trin.sqlite", output = dir + "/metrics"
        try #require(try TrinBinary.run(["keygen", key]).status == 0)
        for file in manifest.files {
            _ = try TrinBinary.run(["import", "--store", store, "--key", key, "--mapping",
                                    "\(TrinBinary.repositoryRoot)/mappings/\(file.kind).yaml", exports + "/" + file.name])
        }
        // A first complete set, and how long a whole publication takes.
        let started = Date()
        try #require(try TrinBinary.run(["metrics", "--store", store, "--output", output]).status == 0)
        let duration = Date().timeIntervalSince(started)
        let first = try MetricPublisher.readCurrent(outputDirectory: URL(fileURLWithPath: output))
        #expect(first.manifest.files.count == 19)
        var firstCSV: [String: Data] = [:]
        for entry in first.manifest.files where entry.name.hasSuffix(".csv") {
            firstCSV[entry.name] = try Data(contentsOf: first.directory.appendingPathComponent(entry.name))
        }

        var killed = 0
        var killedMidWrite = 0  // kills that left a half-written set behind
        for i in 0..<24 {
            // Spread the kills over the whole run, from start-up to the final rename.
            let delay = duration * Double(i) / 24.0
            let process = try TrinBinary.start(["metrics", "--store", store, "--output", output])
            if i % 2 == 0 {
                Thread.sleep(forTimeInterval: delay)
            } else {
                // Wait for the set being written, and kill in the middle of writing it.
                while process.isRunning, !((try? FileManager.default.contentsOfDirectory(atPath: output + "/sets")) ?? [])
                    .contains(where: { $0.hasPrefix(".partial-") }) { usleep(100) }
            }
            if process.isRunning { kill(process.processIdentifier, SIGKILL); killed += 1 }
            process.waitUntilExit()
            let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: output + "/sets")) ?? []
            if leftovers.contains(where: { $0.hasPrefix(".partial-") }) { killedMidWrite += 1 }
            // Whatever happened, `current` is one complete, verified set.
            let current = try MetricPublisher.readCurrent(outputDirectory: URL(fileURLWithPath: output))
            #expect(current.manifest.files.count == 19)
            #expect(current.manifest.files.map(\.name) == first.manifest.files.map(\.name))
            // The CSV files carry the as-of date and the data, not the wall clock: every set says the same.
            for entry in current.manifest.files where entry.name.hasSuffix(".csv") {
                let a = try Data(contentsOf: current.directory.appendingPathComponent(entry.name))
                #expect(a == firstCSV[entry.name], "\(entry.name)")
            }
        }
        #expect(killed > 12)
        #expect(killedMidWrite >= 3, "kills in the middle of writing a set: \(killedMidWrite)")
        // Partial sets left by the kills are cleaned up by the next complete publication.
        try #require(try TrinBinary.run(["metrics", "--store", store, "--output", output]).status == 0)
        let names = try FileManager.default.contentsOfDirectory(atPath: output + "/sets")
        #expect(!names.contains { $0.hasPrefix(".partial-") })
    }
}
