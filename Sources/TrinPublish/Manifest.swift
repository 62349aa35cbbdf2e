import Crypto
import Foundation
import TrinCore

/// The list of a set's files with their SHA-256, written last into the set.
public struct Manifest: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let bytes: Int
        /// Lowercase hex.
        public let sha256: String
    }

    public let runID: String
    public let k: Int
    /// The as-of date of the figures (yyyy-MM-dd).
    public let asOf: String
    /// The latest change in the data the figures were computed from.
    public let dataChangedAt: String
    public let publishedAt: String
    public let files: [Entry]

    public static let fileName = "manifest.json"

    static func entry(name: String, data: Data) -> Entry {
        Entry(name: name, bytes: data.count, sha256: SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined())
    }

    var json: JSONValue {
        .object([
            ("schemaVersion", .int(MetricDocuments.schemaVersion)),
            ("definitionsVersion", .string(MetricDocuments.definitionsVersion)),
            ("runID", .string(runID)),
            ("k", .int(k)),
            ("asOf", .string(asOf)),
            ("dataChangedAt", .string(dataChangedAt)),
            ("publishedAt", .string(publishedAt)),
            ("files", .array(files.map {
                .object([("name", .string($0.name)), ("bytes", .int($0.bytes)), ("sha256", .string($0.sha256))])
            })),
        ])
    }

    /// Reads a manifest back (through Foundation's parser; not on a hot path).
    static func read(_ data: Data, path: String) throws(PublishError) -> Manifest {
        guard let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let runID = o["runID"] as? String, let k = o["k"] as? Int,
              let asOf = o["asOf"] as? String, let dataChangedAt = o["dataChangedAt"] as? String, let publishedAt = o["publishedAt"] as? String,
              let files = o["files"] as? [[String: Any]]
        else { throw .inconsistentSet(path: path, file: fileName, reason: "not a manifest") }
        var entries: [Entry] = []
        for f in files {
            guard let name = f["name"] as? String, let bytes = f["bytes"] as? Int, let sha = f["sha256"] as? String
            else { throw .inconsistentSet(path: path, file: fileName, reason: "bad file entry") }
            entries.append(Entry(name: name, bytes: bytes, sha256: sha))
        }
        return Manifest(runID: runID, k: k, asOf: asOf, dataChangedAt: dataChangedAt, publishedAt: publishedAt, files: entries)
    }
}
