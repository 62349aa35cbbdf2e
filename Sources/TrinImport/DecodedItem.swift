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
}

/// What the decoding stage hands to the store, in file order: pseudonymised records packed
/// for the store, register rows, and rejected rows (already masked, so no personal id
/// crosses between the stages).
struct ImportBatch: Sendable {
    /// Records sorted for the store, in memory or in a run file; or none.
    var events: EventRows?
    var run: SortedRun?
    var enterprises: [EnterpriseRecord] = []
    var rejections: [Rejection] = []
    /// Rows of the file read since the previous batch (kept, rejected or not).
    var rowsRead = 0
    /// Bytes of the file read when the batch was handed over.
    var bytesRead = 0
    /// Rows skipped as known from the source's last export.
    var knownRows = 0
    /// With the last batch: the rows to know in the source's next export.
    var knownRowsForNext: KnownRows?
}
