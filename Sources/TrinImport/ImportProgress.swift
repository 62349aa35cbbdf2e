import Synchronization

/// How far the import of one file has come, handed to `Importer.progress` after each
/// batch the store has written: what a progress line on a terminal shows.
public struct ImportProgress: Sendable {
    public var source: String
    /// The file's display name (a source URL, not a temporary download).
    public var file: String
    public var rowsRead: Int
    /// Bytes read by the decoder so far, and the file's size (0 when unknown).
    public var bytesRead: Int
    public var totalBytes: Int
    public var elapsedMilliseconds: Int
    /// The file is done (imported, skipped or failed): a progress line clears itself.
    public var finished: Bool

    /// Share of the file read, 0 … 1; nil when the size is unknown.
    public var fraction: Double? {
        totalBytes > 0 ? min(1, Double(bytesRead) / Double(totalBytes)) : nil
    }
}

/// A count shared between a decoding thread that adds to it and the thread that reports it.
final class SharedCount: Sendable {
    private let value = Atomic<Int>(0)
    func store(_ n: Int) { value.store(n, ordering: .relaxed) }
    var current: Int { value.load(ordering: .relaxed) }
}
