import Foundation

/// How CSV files are written. The default suits Danish Excel: `;` between
/// fields, decimal comma, UTF-8 with a byte-order mark, CRLF line ends.
public struct PublishedCSVDialect: Sendable, Equatable {
    public var delimiter: Character
    public var decimalSeparator: Character
    /// Written for a suppressed figure (Statistics Denmark's mark).
    public var suppressedMarker: String
    public var byteOrderMark: Bool
    public var lineEnding: String

    public init(delimiter: Character = ";", decimalSeparator: Character = ",", suppressedMarker: String = "..",
                byteOrderMark: Bool = true, lineEnding: String = "\r\n") {
        self.delimiter = delimiter; self.decimalSeparator = decimalSeparator
        self.suppressedMarker = suppressedMarker; self.byteOrderMark = byteOrderMark; self.lineEnding = lineEnding
    }

    /// `;`, decimal comma, `..` for suppressed, BOM, CRLF.
    public static let danish = PublishedCSVDialect()
    /// `,`, decimal point, `..` for suppressed, BOM, CRLF.
    public static let international = PublishedCSVDialect(delimiter: ",", decimalSeparator: ".")

    /// One field: neutralised against formula injection, then quoted when needed.
    public func field(_ raw: String) -> String {
        var text = raw
        // A spreadsheet runs a cell starting with one of these as a formula.
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { text = "'" + text }
        let needsQuotes = text.contains(delimiter) || text.contains("\"") || text.contains("\n") || text.contains("\r")
        return needsQuotes ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    /// A whole file: header and rows, with the byte-order mark if configured.
    public func render(header: [String], rows: [[String]]) -> String {
        var out = byteOrderMark ? "\u{FEFF}" : ""
        for line in [header] + rows {
            out += line.map(field).joined(separator: String(delimiter)) + lineEnding
        }
        return out
    }

    /// A decimal number with the dialect's separator, up to six decimals, no trailing zeros.
    public func decimal(_ value: Double) -> String {
        var s = String(format: "%.6f", value)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s.replacingOccurrences(of: ".", with: String(decimalSeparator))
    }
}
