public import Foundation
public import TrinCore

/// What `SampleGenerator` wrote: per file its kind, dialect, how many rows or
/// events are good, and how many were injected bad, by the reason an importer
/// must give (TrinCore's `RejectReason` raw values). Holds no CPR number, so it
/// may be committed, logged or shown.
public struct SampleManifest: Codable, Sendable, Equatable {
    public var seed: UInt64
    public var citizens: Int
    public var dirtyFraction: Double
    public var firstYear: Int
    public var years: Int
    /// Distinct enterprises in the register (a CVR listed twice counts once).
    public var enterprises: Int
    /// Cooperation agreements the courses run under.
    public var agreements: Int
    /// Distinct record identities (citizen, agreement, stage, start) over all good
    /// rows and events of all files: what a deduplicating store ends up holding.
    public var distinctRecords: Int
    public var files: [File]
    /// The named profile the sample was drawn from (`kommune`); nil for a
    /// standard sample, whose manifest then reads exactly as it always did.
    public var profile: String? = nil
    /// With a profile: the world's true activity per year, for checking the
    /// sample's shape and for comparing with what trin computes.
    public var yearly: [Year]? = nil

    public struct File: Codable, Sendable, Equatable {
        /// File name inside the output directory.
        public var name: String
        /// `forloeb`, `haendelser` or `virksomheder`.
        public var kind: String
        /// `windows-1252` or `utf-8`.
        public var encoding: String
        /// Whether the file starts with a UTF-8 byte-order mark.
        public var bom: Bool
        /// Whether every line ends with an extra delimiter.
        public var trailingDelimiter: Bool
        /// Rows (CSV) or `Haendelse` events (XML) that must import.
        public var goodRecords: Int
        /// Injected bad rows or events by `RejectReason` raw value.
        public var rejected: [String: Int]
        /// Physical line (header = 1) and reason of each injected bad CSV row.
        public var rejectedLines: [RejectedLine]
        /// Set when the whole file must be refused: `truncated`, `dtd_entities`,
        /// `external_entity` or `other_namespace`.
        public var wholeFileRejected: String?

        /// Total bad rows or events injected.
        public var rejectedTotal: Int { rejected.values.reduce(0, +) }

        /// `rejected` keyed by the domain type.
        public var rejectedByReason: [RejectReason: Int] {
            var out: [RejectReason: Int] = [:]
            for (k, v) in rejected { if let r = RejectReason(rawValue: k) { out[r] = v } }
            return out
        }
    }

    /// One calendar year of the world behind a profile sample, counted from the
    /// true activities that some file shows (not read back from the files).
    public struct Year: Codable, Sendable, Equatable {
        public var year: Int
        /// Citizens with an activity under an agreement that runs in the year
        /// (an activity without an end date counts in its start year only).
        public var citizensInCourses: Int
        /// Of those, citizens under 30 on 1 January of the year.
        public var youngInCourses: Int
        /// Citizens whose first `loentimer` or `job` activity ever starts in the
        /// year (docs/metrics.md "first employment"; with or without agreement).
        public var firstEmployments: Int
        /// Courses that start in the year (their earliest activity does), by
        /// agreement id; agreements without a new course are left out.
        public var newCourses: [String: Int]
    }

    public struct RejectedLine: Codable, Sendable, Equatable {
        public var line: Int
        public var reason: String
    }

    public func file(named name: String) -> File? { files.first { $0.name == name } }

    /// Pretty, key-sorted JSON: stable bytes for the same sample.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}
