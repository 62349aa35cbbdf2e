import ArgumentParser
import TrinSample

struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Write synthetic, deterministic sample exports (forloeb CSV, haendelser XML, virksomheder CSV).",
        discussion: """
            The same seed gives the same bytes. With --dirty, bad rows of every kind in docs/exports.md are injected, and \
            sample-manifest.json says how many per file and reason. No real person's data: every citizen is synthetic. \
            --profile kommune draws a municipality of real size (1,000 citizens, 48 enterprises, 40 agreements, \
            2022–2025) instead of the small standard world; the manifest then also has its true figures per year. \
            --forloeb-rows / --haendelser-bytes write one large file for benchmarks instead.
            """)

    @Option(help: "A named world instead of --citizens/--first-year/--years: kommune.") var profile: String?
    @Option(help: "Number of synthetic citizens (default: 400).") var citizens: Int?
    @Option(help: "Seed of the generator.") var seed: UInt64 = 1
    @Option(help: "Fraction of rows made bad (0 … 1).") var dirty = 0.0
    @Option(help: "First year of activity (default: 2022).") var firstYear: Int?
    @Option(help: "Number of years (default: 3).") var years: Int?
    @Option(help: "Folder to write to.") var out: String
    @Option(help: "Benchmark: write one forloeb file of this many rows.") var forloebRows: Int?
    @Option(help: "Benchmark: write one haendelser file of about this many bytes.") var haendelserBytes: Int?
    @Option(help: "Benchmark, with --forloeb-rows: this many rows per citizen under one CPR number (default: each row its own).")
    var rowsPerCitizen: Int?
    @Option(help: "Benchmark, with --haendelser-bytes: events per course, N or A-B (default: 1-6, stopping early).")
    var eventsPerCourse: String?

    func run() throws {
        do {
            try makeDirectory(out)
            if let rows = forloebRows {
                let name = rowsPerCitizen.map { "forloeb-bench-\(rows)-\($0)pc.csv" } ?? "forloeb-bench-\(rows).csv"
                try SampleGenerator.writeLargeForloeb(rows: rows, seed: seed, rowsPerCitizen: rowsPerCitizen, to: out + "/" + name)
                return
            }
            if let bytes = haendelserBytes {
                var range: ClosedRange<Int>?
                if let text = eventsPerCourse {
                    let parts = text.split(separator: "-").compactMap { Int($0) }
                    guard (1...2).contains(parts.count), parts.allSatisfy({ $0 >= 1 }), parts.first! <= parts.last! else {
                        throw fail("--events-per-course must be N or A-B with 1 <= A <= B", TrinExit.configuration)
                    }
                    range = parts.first!...parts.last!
                }
                let name = eventsPerCourse.map { "haendelser-bench-\(bytes)-\($0)epc.xml" } ?? "haendelser-bench-\(bytes).xml"
                try SampleGenerator.writeLargeHaendelser(approximateBytes: bytes, seed: seed, eventsPerCourse: range, to: out + "/" + name)
                return
            }
            guard (0...1).contains(dirty) else { throw fail("--dirty must be between 0 and 1", TrinExit.configuration) }
            let manifest = try SampleGenerator(profile: try chosenProfile(), seed: seed, dirtyFraction: dirty).write(to: out)
            var rows: [[String]] = [["file", "kind", "good records", "bad rows"]]
            for f in manifest.files {
                rows.append([f.name, f.kind, "\(f.goodRecords)", f.wholeFileRejected.map { "whole file: \($0)" } ?? "\(f.rejectedTotal)"])
            }
            let world = manifest.profile.map { "profile \($0): " } ?? ""
            FileHandleOutput.standardOutput(
                "wrote \(manifest.files.count) files to \(out) (\(world)\(manifest.citizens) citizens, seed \(seed))\n"
                    + RunReport.format(rows) + yearSummary(manifest))
        } catch let e as ExitCode {
            throw e
        } catch {
            throw fail("\(error)", TrinExit.configuration)
        }
    }

    /// The named profile, or the standard world of --citizens/--first-year/--years.
    func chosenProfile() throws -> SampleProfile {
        guard let profile else {
            return .standard(citizens: citizens ?? 400, firstYear: firstYear ?? 2022, years: years ?? 3)
        }
        guard let named = SampleProfile.named[profile] else {
            let known = SampleProfile.named.keys.sorted().joined(separator: ", ")
            throw fail("unknown profile \(profile) (known: \(known))", TrinExit.configuration)
        }
        guard citizens == nil, firstYear == nil, years == nil else {
            throw fail("--profile sets the citizens and years; leave out --citizens, --first-year and --years",
                       TrinExit.configuration)
        }
        return named
    }

    /// The profile's true figures per year, from the manifest (empty for a standard sample).
    func yearSummary(_ manifest: SampleManifest) -> String {
        guard let yearly = manifest.yearly else { return "" }
        var rows: [[String]] = [["year", "citizens in courses", "under 30", "first jobs", "new courses", "per agreement"]]
        for y in yearly {
            let sizes = y.newCourses.values.sorted()
            let spread = sizes.isEmpty ? "" : "\(sizes[0])–\(sizes[sizes.count - 1]), median \(sizes[sizes.count / 2])"
            rows.append(["\(y.year)", "\(y.citizensInCourses)", "\(y.youngInCourses)", "\(y.firstEmployments)",
                         "\(sizes.reduce(0, +))", spread])
        }
        return "\n\(manifest.enterprises) enterprises, \(manifest.agreements) agreements\n" + RunReport.format(rows)
    }
}

import Foundation

func makeDirectory(_ path: String) throws {
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
}
