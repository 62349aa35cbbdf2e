import Foundation
import GRDB
public import TrinCore

/// What happened to one file (or one fetch) in a run: the line operations read.
public struct FileOutcome: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Codable {
        /// Read and committed.
        case imported
        /// Same content as a file imported before: not read again.
        case skippedIdentical = "skipped_identical"
        /// The server said 304: nothing fetched.
        case unchanged
        /// Refused (fetch, document or store error): nothing of it committed.
        case failed
        /// Read and counted, but rolled back on purpose (`--dry-run`).
        case dryRun = "dry_run"
    }

    public var runID: Int64
    public var source: String
    public var file: String
    public var status: Status
    public var httpStatus: Int?
    public var bytes: Int
    public var durationMilliseconds: Int
    public var rowsRead: Int
    public var inserted: Int
    public var updated: Int
    public var duplicates: Int
    public var rejectedByReason: [String: Int]
    /// Rows skipped undecoded because the source's last export had them (`KnownRows`); they
    /// are counted in `duplicates` too. Logged, not kept in the run history.
    public var knownRows = 0
    /// Codes no mapping rule knew, most frequent first (at most `UnknownCode.Tally.keptLimit`).
    public var unknownCodes: [UnknownCode] = []
    public var message: String?

    public var rejected: Int { rejectedByReason.values.reduce(0, +) }

    public init(runID: Int64, source: String, file: String, status: Status, httpStatus: Int? = nil, bytes: Int = 0,
                durationMilliseconds: Int = 0, rowsRead: Int = 0, inserted: Int = 0, updated: Int = 0,
                duplicates: Int = 0, rejectedByReason: [String: Int] = [:], message: String? = nil) {
        self.runID = runID; self.source = source; self.file = file; self.status = status; self.httpStatus = httpStatus
        self.bytes = bytes; self.durationMilliseconds = durationMilliseconds; self.rowsRead = rowsRead
        self.inserted = inserted; self.updated = updated; self.duplicates = duplicates
        self.rejectedByReason = rejectedByReason; self.message = message
    }

    /// The rejected rows by reason as the run history keeps them: `{"reason":n,…}`, sorted.
    package var rejectedByReasonText: String {
        "{" + rejectedByReason.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
    }

    /// Reads `rejectedByReasonText` back.
    package static func reasons(_ text: String) -> [String: Int] {
        var out: [String: Int] = [:]
        for part in text.dropFirst().dropLast().split(separator: ",") {
            let kv = part.split(separator: ":")
            if kv.count == 2, let n = Int(kv[1]) { out[String(kv[0].dropFirst().dropLast())] = n }
        }
        return out
    }

    func insert(_ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO run_file(run_id, source, file, status, http_status, bytes, duration_ms, rows_read, inserted,
                                 updated, duplicates, rejected, rejected_by_reason, message, unknown_codes)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [runID, source, file, status.rawValue, httpStatus, bytes, durationMilliseconds, rowsRead,
                             inserted, updated, duplicates, rejected, rejectedByReasonText, message, Self.encode(unknownCodes)])
    }

    /// The unknown codes as the `run_file.unknown_codes` column holds them (JSON; NULL when none).
    package static func encode(_ codes: [UnknownCode]) -> String? {
        guard !codes.isEmpty, let data = try? JSONEncoder().encode(codes) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    package static func decodeCodes(_ text: String?) -> [UnknownCode] {
        guard let text, let codes = try? JSONDecoder().decode([UnknownCode].self, from: Data(text.utf8)) else { return [] }
        return codes
    }
}

/// A source's fetch state: what the last imported export was.
public struct FetchState: Sendable, Hashable {
    public var source: String
    public var etag: String?
    public var lastModified: String?
    public var contentHash: String?
    public var lastSuccessAt: Instant?

    public init(source: String, etag: String?, lastModified: String?, contentHash: String?, lastSuccessAt: Instant?) {
        self.source = source; self.etag = etag; self.lastModified = lastModified
        self.contentHash = contentHash; self.lastSuccessAt = lastSuccessAt
    }
}

/// What makes an import the same as one before: the same content (SHA-256), for the
/// same source, read through the same mapping. A file refused or partly rejected under
/// one mapping can be imported again once the mapping is corrected.
public struct ImportKey: Sendable, Hashable {
    public var contentHash: String
    public var source: String
    public var mappingFingerprint: String

    public init(contentHash: String, source: String, mappingFingerprint: String) {
        self.contentHash = contentHash; self.source = source; self.mappingFingerprint = mappingFingerprint
    }

    /// The one text the store keys an import by.
    package var text: String { contentHash + " " + mappingFingerprint + " " + source }
}
