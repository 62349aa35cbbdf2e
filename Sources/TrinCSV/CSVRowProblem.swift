public import TrinCore

/// Why a row cannot be mapped. Only the first problem is reported, in the
/// order of docs/definitions.md: a byte invalid in the encoding wins over a
/// structural problem.
public enum CSVRowProblem: Sendable, Hashable, CustomStringConvertible {
    /// A byte of the row is not valid in the encoding in force. `field` is the
    /// index of the first field holding one (nil when the row's fields could
    /// not be split, e.g. it also has an unclosed quote).
    case badEncoding(field: Int?)
    /// The row has another number of fields than the header (after dropping
    /// the trailing empty field when the header ends in one).
    case fieldCount(expected: Int, found: Int)
    /// A quoted field is still open at the end of the file (a file cut off
    /// mid-row, or a quote never closed). The row is reported as its first
    /// physical line and reading resumes on the next line.
    case unclosedQuote
    /// The row is longer than the reader's limit; reading resumes on the next
    /// physical line after the row's first.
    case rowTooLong(limit: Int)

    /// The reason the quarantine records: `bad_encoding`, or `field_count` for
    /// every structural problem (docs/definitions.md counts a file cut off mid-row
    /// as `field_count`).
    public var rejectReason: RejectReason {
        switch self {
        case .badEncoding: return .badEncoding
        case .fieldCount, .unclosedQuote, .rowTooLong: return .fieldCount
        }
    }

    public var description: String {
        switch self {
        case .badEncoding(let f): return f.map { "byte not valid in the encoding (field \($0 + 1))" } ?? "byte not valid in the encoding"
        case .fieldCount(let e, let f): return "expected \(e) fields, found \(f)"
        case .unclosedQuote: return "quoted field not closed (not on its line, and not cleanly on a later one)"
        case .rowTooLong(let limit): return "row longer than \(limit) bytes"
        }
    }
}
