import Foundation
import TrinCore

/// Writes a deterministic synthetic sample of the three exports of docs/exports.md
/// into a directory, for the demo, the tests and the benchmarks.
///
/// Every citizen is invented (random CPR numbers that are valid under the
/// century rule); the same arguments always give the same bytes. With
/// `dirtyFraction > 0` the files also carry bad rows of every kind docs/exports.md
/// lists, each breaking exactly one rule, and the returned manifest (also
/// written as `sample-manifest.json`) says how many of each every file holds.
///
/// Layout (dates are the extract days; `L` is the last year):
/// - `forloeb-(L)-11-06.csv` Windows-1252; `forloeb-(L)-12-06.csv` UTF-8 with
///   BOM; `forloeb-(L+1)-01-05.csv` Windows-1252 with a trailing `;` on every line
/// - `haendelser-(L)-12-06.xml`, `haendelser-(L+1)-01-05.xml`
/// - `virksomheder.csv`
/// - dirty only: `forloeb-truncated-….csv` (cut off inside a quoted field),
///   `haendelser-truncated-….xml`, `haendelser-entities-….xml`,
///   `haendelser-external-….xml`, `haendelser-namespace-….xml` (each refused whole)
/// - `sample-manifest.json`
///
/// The world's size and shape come from a `SampleProfile`: the standard one
/// (`init(citizens:seed:…)`) or a named one such as `SampleProfile.kommune`.
public struct SampleGenerator: Sendable {
    public let profile: SampleProfile
    public let seed: UInt64
    public let dirtyFraction: Double
    public var citizens: Int { profile.citizens }
    public var firstYear: Int { profile.firstYear }
    public var years: Int { profile.years }

    /// - Parameters:
    ///   - citizens: synthetic citizens; a few hundred meet the yearly norm of 30.
    ///   - seed: the only source of randomness.
    ///   - dirtyFraction: bad rows per good row of each file (at least one of every kind when > 0).
    ///   - firstYear, years: the calendar years the course starts spread over.
    public init(citizens: Int, seed: UInt64, dirtyFraction: Double = 0, firstYear: Int = 2022, years: Int = 3) {
        self.init(profile: .standard(citizens: citizens, firstYear: firstYear, years: years), seed: seed,
                  dirtyFraction: dirtyFraction)
    }

    /// A sample of the world `profile` describes, e.g. `SampleProfile.kommune`.
    public init(profile: SampleProfile, seed: UInt64, dirtyFraction: Double = 0) {
        precondition(dirtyFraction >= 0)
        profile.validate()
        self.profile = profile
        self.seed = seed
        self.dirtyFraction = dirtyFraction
    }

    /// The name of the manifest file written next to the exports.
    public static let manifestName = "sample-manifest.json"

    /// Writes every file into `directory` (created if missing) and returns the manifest.
    public func write(to directory: String) throws -> SampleManifest {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw SampleError.cannotWrite(path: directory, reason: "\(error)")
        }
        let world = SampleWorld(profile: profile, seed: seed)
        var rng = SampleRandom(seed: seed, stream: 3)
        var out = SampleOutput(directory: directory, dirty: dirtyFraction > 0, dirtyFraction: dirtyFraction)
        try out.writeForloeb(world, &rng)
        try out.writeHaendelser(world, &rng)
        try out.writeRegister(world, &rng)
        let manifest = SampleManifest(
            seed: seed, citizens: citizens, dirtyFraction: dirtyFraction, firstYear: firstYear, years: years,
            enterprises: world.enterprises.count, agreements: world.agreements.count,
            distinctRecords: SampleGenerator.distinctRecords(world), files: out.files, profile: profile.name,
            yearly: profile.name == nil ? nil : world.yearFigures())
        try SampleOutput.write(try manifest.jsonData(), to: directory + "/" + SampleGenerator.manifestName)
        return manifest
    }

    /// Identities (citizen, agreement, stage, start) of every activity some file shows.
    static func distinctRecords(_ world: SampleWorld) -> Int {
        struct Identity: Hashable { var citizen: Int; var agreement: Int; var stage: Stage; var start: Day }
        var seen = Set<Identity>()
        for a in world.activities where world.isShown(a) {
            let agreement = a.course.map { world.courses[$0].agreement } ?? -1
            seen.insert(Identity(citizen: a.citizen, agreement: agreement, stage: a.stage, start: a.start))
        }
        return seen.count
    }
}

/// Why the sample could not be written.
public enum SampleError: Error, Sendable, CustomStringConvertible {
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotWrite(path, reason): "cannot write sample file \(path): \(reason)"
        }
    }
}
