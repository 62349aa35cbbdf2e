import TrinCore
import TrinMapping
import TrinStore

/// One entry read from a source file: a decoded record (or the rule it broke),
/// or a row that could not be split into fields at all.
enum DecodedItem {
    /// An event's texts are lent: valid only while the item is being handled.
    case outcome(RecordDecoder.InPlaceOutcome, line: Int)
    case unreadable(RejectReason, line: Int, detail: String)
    /// A row the source's last export had too (`KnownRows`): skipped undecoded.
    case known(line: Int)
}

/// Reads one file of one format and decodes every record through the shared decoder.
protocol FileDecoder {
    /// Calls `body` for each item. `elementPath` (XML only) and `maskedRow` (the row with
    /// personal ids masked) describe the current row; they cost, so only a rejected row asks.
    func decode(_ body: (DecodedItem, _ elementPath: () -> String?, _ maskedRow: () -> String) throws -> Void) throws
    /// Bytes of the file read so far, for the progress line (XML: by the parser, a little ahead).
    var bytesRead: Int { get }
    /// After `decode`: the rows to know in the source's next export, when the format keeps them.
    var knownRowsForNext: KnownRows? { get }
    /// Whether rows of the source's last export are skipped (a set of its context, not empty).
    var skipsKnownRows: Bool { get }
}
