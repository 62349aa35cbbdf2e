import TrinCore
import TrinMapping

/// One entry read from a source file: a decoded record (or the rule it broke),
/// or a row that could not be split into fields at all.
enum DecodedItem {
    case outcome(RecordDecoder.Outcome, line: Int, path: String?)
    case unreadable(RejectReason, line: Int, detail: String)
}

/// Reads one file of one format and decodes every record through the shared decoder.
protocol FileDecoder {
    /// Calls `body` for each item; `maskedRow` gives the current row with personal
    /// ids masked (only asked for when the row is rejected).
    func decode(_ body: (DecodedItem, _ maskedRow: () -> String) throws -> Void) throws
}
