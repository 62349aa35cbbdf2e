import ArgumentParser
import TrinSample

struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Write synthetic, deterministic sample exports (forloeb CSV, haendelser XML, virksomheder CSV).",
        discussion: """
            The same seed gives the same bytes. With --dirty, bad rows of every kind in exports.md are injected, and
            sample-manifest.json says how many per file and reason. No real person's data: every citizen is synthetic.
            --forloeb-rows / --haendelser-bytes write one large file for benchmarks instead.
            """)

    @Option(help: "Number of synthetic citizens.") var citizens = 400
    @Option(help: "Seed of the generator.") var seed: UInt64 = 1
    @Option(help: "Fraction of rows made bad (0 … 1).") var dirty = 0.0
    @Option(help: "First year of activity.") var firstYear = 2022
    @Option(help: "Number of years.") var years = 3
    @Option(help: "Folder to write to.") var out: String
    @Option(help: "Benchmark: write one forloeb file of this many rows.") var forloebRows: Int?
    @Option(help: "Benchmark: write one haendelser file of about this many bytes.") var haendelserBytes: Int?

    func run() throws {
        do {
            try makeDirectory(out)
            if let rows = forloebRows {
                try SampleGenerator.writeLargeForloeb(rows: rows, seed: seed, to: out + "/forloeb-bench-\(rows).csv")
                return
            }
            if let bytes = haendelserBytes {
                try SampleGenerator.writeLargeHaendelser(approximateBytes: bytes, seed: seed, to: out + "/haendelser-bench-\(bytes).xml")
                return
            }
            guard (0...1).contains(dirty) else { throw fail("--dirty must be between 0 and 1", TrinExit.configuration) }
            let manifest = try SampleGenerator(citizens: citizens, seed: seed, dirtyFraction: dirty, firstYear: firstYear, years: years)
                .write(to: out)
            var rows: [[String]] = [["file", "kind", "good records", "bad rows"]]
            for f in manifest.files {
                rows.append([f.name, f.kind, "\(f.goodRecords)", f.wholeFileRejected.map { "whole file: \($0)" } ?? "\(f.rejectedTotal)"])
            }
            FileHandleOutput.standardOutput("wrote \(manifest.files.count) files to \(out) (\(citizens) citizens, seed \(seed))\n" + RunReport.format(rows))
        } catch let e as ExitCode {
            throw e
        } catch {
            throw fail("\(error)", TrinExit.configuration)
        }
    }
}

import Foundation

func makeDirectory(_ path: String) throws {
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
}
