import Crypto
public import Foundation
public import TrinCore
import TrinDisclosure
public import TrinMetrics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes the metric files as one set and switches readers to it atomically.
///
/// Layout under the output directory:
///
///     sets/<yyyyMMddTHHmmssZ>-<runID>/   one complete, immutable set
///     current -> sets/<name>              the set readers use
///
/// A set is written into `sets/.partial-<name>/`, every file and the directory
/// fsynced, renamed to `sets/<name>/`, and only then is `current` replaced by
/// rename(2) of a new symlink. A crash at any point leaves `current` on the
/// previous complete set. Readers resolve `current` once and read every file
/// from that one directory (see docs/metric-files.md).
public struct MetricPublisher: Sendable {
    public var dialect: PublishedCSVDialect
    /// Complete sets kept, the current one included; older ones are removed.
    public var keepSets: Int

    public init(dialect: PublishedCSVDialect = .danish, keepSets: Int = 5) {
        self.dialect = dialect
        self.keepSets = max(1, keepSets)
    }

    /// A set written to its partial directory, not yet visible to readers.
    public struct StagedSet: Sendable {
        public let outputDirectory: URL
        public let name: String
        public let partialDirectory: URL
        public let manifest: Manifest
    }

    /// Renders, stages and commits a released set in one go.
    ///
    /// The figure files depend only on the figures, the as-of date and
    /// `context`; the CSV files carry no publication time, so two sets of the
    /// same month from the same store have byte-identical CSV files.
    public func publish(_ released: ReleasedFigures, context: PublicationContext, outputDirectory: URL,
                        runID: String) throws(PublishError) -> PublishedSet {
        let staged = try stage(files: render(released, context: context), released: released, context: context,
                               outputDirectory: outputDirectory, runID: runID)
        return try commit(staged)
    }

    /// Every file of a set except the manifest, in a fixed order: JSON, CSV, datapackage.json.
    public func render(_ released: ReleasedFigures, context: PublicationContext) -> [(name: String, data: Data)] {
        let tables = MetricTables.files(released, dialect: dialect)
        return MetricDocuments.documents(released, context: context).map { ($0.0, Data($0.1.serialized().utf8)) }
            + tables.map { ($0.name, Data($0.render(dialect).utf8)) }
            + [(DataPackage.fileName,
                Data(DataPackage.document(tables, released, context: context, dialect: dialect).serialized().utf8))]
    }

    /// SHA-256 over every file of the set `render` makes (names, sizes and bytes), the time of
    /// publication in `context` left out: equal for two sets that differ only in when they
    /// were made, so that a run can tell whether its set would tell readers anything new.
    public func figuresDigest(_ released: ReleasedFigures, context: PublicationContext) -> String {
        var timeless = context
        timeless.publishedAt = Instant(secondsSinceEpoch: 0)
        var hash = SHA256()
        for file in render(released, context: timeless) {
            hash.update(data: Data("\(file.name)\n\(file.data.count)\n".utf8))
            hash.update(data: file.data)
        }
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Step 1: writes the files and the manifest into `sets/.partial-<name>/`, fsynced.
    public func stage(files: [(name: String, data: Data)], released: ReleasedFigures, context: PublicationContext,
                      outputDirectory: URL, runID: String) throws(PublishError) -> StagedSet {
        let publishedAt = context.publishedAt
        let sets = outputDirectory.appendingPathComponent("sets")
        try FileIO.makeDirectory(outputDirectory)
        try FileIO.makeDirectory(sets)
        var name = MetricPublisher.setName(publishedAt: publishedAt, runID: runID)
        var n = 2
        let base = name
        while FileManager.default.fileExists(atPath: sets.appendingPathComponent(name).path) {
            name = base + "-" + String(n); n += 1
        }
        let partial = sets.appendingPathComponent(".partial-" + name)
        try? FileManager.default.removeItem(at: partial)
        try FileIO.makeDirectory(partial)
        var entries: [Manifest.Entry] = []
        for file in files {
            try FileIO.writeSynced(file.data, to: partial.appendingPathComponent(file.name))
            entries.append(Manifest.entry(name: file.name, data: file.data))
        }
        let manifest = Manifest(runID: runID, k: released.k, asOf: released.asOf.description,
                                dataChangedAt: context.dataChangedAt.description,
                                publishedAt: publishedAt.description, files: entries)
        try FileIO.writeSynced(Data(manifest.json.serialized().utf8), to: partial.appendingPathComponent(Manifest.fileName))
        try FileIO.syncDirectory(partial)
        return StagedSet(outputDirectory: outputDirectory, name: name, partialDirectory: partial, manifest: manifest)
    }

    /// Step 2: makes a staged set complete and current, then prunes old sets.
    public func commit(_ staged: StagedSet) throws(PublishError) -> PublishedSet {
        let sets = staged.outputDirectory.appendingPathComponent("sets")
        let final = sets.appendingPathComponent(staged.name)
        try FileIO.rename(staged.partialDirectory, to: final)
        try FileIO.syncDirectory(sets)
        let temporary = staged.outputDirectory.appendingPathComponent(".current.tmp")
        unlink(temporary.path)
        guard symlink("sets/" + staged.name, temporary.path) == 0 else {
            throw .io(operation: "symlink", path: temporary.path, errno: errno)
        }
        try FileIO.rename(temporary, to: staged.outputDirectory.appendingPathComponent("current"))
        try FileIO.syncDirectory(staged.outputDirectory)
        prune(sets: sets, keeping: staged.name)
        return PublishedSet(directory: final, name: staged.name, manifest: staged.manifest)
    }

    /// Removes complete sets beyond `keepSets` (oldest first, never the current)
    /// and partial sets left by interrupted runs.
    func prune(sets: URL, keeping current: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: sets.path) else { return }
        for partial in names where partial.hasPrefix(".partial-") {
            try? FileManager.default.removeItem(at: sets.appendingPathComponent(partial))
        }
        let complete = names.filter { !$0.hasPrefix(".") && $0 != current }.sorted()
        for old in complete.dropLast(keepSets - 1) {
            try? FileManager.default.removeItem(at: sets.appendingPathComponent(old))
        }
    }

    /// `yyyyMMddTHHmmssZ-<runID>`, with the run id reduced to `[A-Za-z0-9._-]`.
    static func setName(publishedAt: Instant, runID: String) -> String {
        let stamp = publishedAt.description.filter { $0 != "-" && $0 != ":" }
        let safe = String(runID.unicodeScalars.map { s -> Character in
            (("0"..."9").contains(s) || ("a"..."z").contains(s) || ("A"..."Z").contains(s) || "._-".unicodeScalars.contains(s))
                ? Character(s) : "_"
        }.prefix(64))
        return safe.isEmpty ? stamp : stamp + "-" + safe
    }

    /// The set `current` points to, with every file checked against its manifest.
    public static func readCurrent(outputDirectory: URL) throws(PublishError) -> PublishedSet {
        let link = outputDirectory.appendingPathComponent("current")
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: link.path),
              target.hasPrefix("sets/"), !target.dropFirst(5).contains("/")
        else { throw .noCurrentSet(path: link.path) }
        let directory = outputDirectory.appendingPathComponent(target)
        return PublishedSet(directory: directory, name: String(target.dropFirst(5)), manifest: try verify(setDirectory: directory))
    }

    /// Checks every file listed in a set's manifest: present, same size, same SHA-256.
    public static func verify(setDirectory: URL) throws(PublishError) -> Manifest {
        let path = setDirectory.path
        guard let data = FileManager.default.contents(atPath: setDirectory.appendingPathComponent(Manifest.fileName).path)
        else { throw .inconsistentSet(path: path, file: Manifest.fileName, reason: "missing") }
        let manifest = try Manifest.read(data, path: path)
        for entry in manifest.files {
            guard let bytes = FileManager.default.contents(atPath: setDirectory.appendingPathComponent(entry.name).path)
            else { throw .inconsistentSet(path: path, file: entry.name, reason: "missing") }
            guard Manifest.entry(name: entry.name, data: bytes) == entry
            else { throw .inconsistentSet(path: path, file: entry.name, reason: "checksum differs from manifest") }
        }
        return manifest
    }
}

/// A committed, current set.
public struct PublishedSet: Sendable, Equatable {
    public let directory: URL
    public let name: String
    public let manifest: Manifest
}

extension Instant {
    /// The wall clock, to the second.
    public static var now: Instant { Instant(secondsSinceEpoch: Int64(Date().timeIntervalSince1970)) }
}
