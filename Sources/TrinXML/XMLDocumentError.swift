/// Why a whole XML document was refused.
///
/// Any of these makes the file all-or-nothing bad (docs/definitions.md): a caller that
/// already consumed records from the same reader must discard them.
public struct XMLDocumentError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Not well-formed XML, including a truncated document and namespace errors.
        case notWellFormed
        /// The document has a DOCTYPE (internal or external subset): refused before it is parsed.
        case doctypeForbidden
        /// The document references an entity (other than the five predefined ones and character references).
        case entityForbidden
        /// The root element has another name or another namespace than the mapping expects.
        case unexpectedRoot(expected: XMLName, found: XMLName)
        /// An element on the record path has the expected name in another namespace: its
        /// records would silently not be read.
        case unexpectedNamespace(expected: XMLName, found: XMLName)
        /// The file could not be opened or read.
        case io
        /// One record group (the records of one ancestor whose fields may follow them) holds
        /// more values than the reader keeps in memory.
        case groupTooLarge
        /// A mapped element's text is longer than the reader accepts.
        case valueTooLong
        /// Elements nest deeper than the reader accepts.
        case tooDeep
    }

    public let kind: Kind
    /// The file the document was read from.
    public let file: String
    /// 1-based line of the problem; 0 when unknown.
    public let line: Int
    /// 1-based column of the problem; 0 when unknown.
    public let column: Int
    /// libxml2's message, or trin's own for refusals trin detects itself.
    public let message: String

    public init(kind: Kind, file: String, line: Int, column: Int, message: String) {
        self.kind = kind
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        var location = file
        if line > 0 { location += ":\(line)" }
        if column > 0 { location += ":\(column)" }
        return "\(location): \(kindLabel): \(message)"
    }

    private var kindLabel: String {
        switch kind {
        case .notWellFormed: "not well-formed XML"
        case .doctypeForbidden: "DOCTYPE forbidden"
        case .entityForbidden: "entity reference forbidden"
        case .unexpectedRoot: "unexpected root element"
        case .unexpectedNamespace: "element in another namespace"
        case .io: "I/O error"
        case .groupTooLarge: "record group too large"
        case .valueTooLong: "element text too long"
        case .tooDeep: "elements nested too deep"
        }
    }
}
