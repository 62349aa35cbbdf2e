/// How a CSV export is written: the part of a mapping that the reader needs.
///
/// The delimiter and quote are single ASCII bytes (the scan works on bytes,
/// never on characters). Line ends may be CRLF or LF in any file.
public struct CSVDialect: Sendable, Hashable {
    /// The field separator, e.g. `;` for the case system, `,` for the register.
    public var delimiter: UInt8
    /// The quote byte; a quote inside a quoted field is doubled.
    public var quote: UInt8
    /// The declared encoding of the file.
    public var encoding: TextEncoding
    /// Read the file as UTF-8 when it starts with a UTF-8 byte order mark, even
    /// if `encoding` says Windows-1252 (some systems switch without warning).
    /// The BOM itself is always skipped.
    public var utf8WhenBOM: Bool
    /// Whether the first row names the columns. Without a header no field
    /// count is checked and no trailing field is dropped.
    public var hasHeader: Bool

    public init(
        delimiter: UInt8 = UInt8(ascii: ","),
        quote: UInt8 = UInt8(ascii: "\""),
        encoding: TextEncoding = .utf8,
        utf8WhenBOM: Bool = true,
        hasHeader: Bool = true
    ) {
        self.delimiter = delimiter
        self.quote = quote
        self.encoding = encoding
        self.utf8WhenBOM = utf8WhenBOM
        self.hasHeader = hasHeader
    }

    /// The case system's course export (`forloeb`): `;`, Windows-1252 unless a BOM says UTF-8.
    public static let forloeb = CSVDialect(delimiter: UInt8(ascii: ";"), encoding: .windows1252, utf8WhenBOM: true)
    /// The enterprise register (`virksomheder`): `,`, UTF-8 (with a BOM).
    public static let virksomheder = CSVDialect(delimiter: UInt8(ascii: ","), encoding: .utf8)

    /// Why the dialect cannot be scanned, or nil when it can.
    var invalidReason: String? {
        let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        if delimiter >= 0x80 || quote >= 0x80 { return "delimiter and quote must be ASCII" }
        if delimiter == quote { return "delimiter and quote must differ" }
        if [cr, lf].contains(delimiter) || [cr, lf].contains(quote) { return "delimiter and quote cannot be a line break" }
        return nil
    }
}
