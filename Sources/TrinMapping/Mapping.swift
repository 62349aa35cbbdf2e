import TrinCore

/// A declarative description of one export layout: how to read the file (format
/// and dialect), and where each canonical field lives, with its type, code list
/// and rules. One YAML file per layout under `mappings/`; a new layout is a new
/// file, never a new Swift type. See docs/mappings.md.
public struct Mapping: Sendable {
    /// The layout's name; also the default source name of its records.
    public var name: String
    /// The file the mapping was loaded from (for messages).
    public var file: String
    public var record: RecordKind
    public var format: Format
    /// The bound fields by canonical name.
    public var fields: [String: FieldRule]
    /// A fingerprint of the mapping file's text (FNV-1a, 64 bits): a changed mapping may
    /// import a file again that the old one already read.
    public var fingerprint: String = ""

    /// What one source record becomes.
    public enum RecordKind: String, Sendable {
        /// A citizen-progress event (`ProgressRecord`).
        case event
        /// A row of the enterprise register (`EnterpriseRecord`).
        case enterprise

        /// The canonical fields of this kind, and whether each must be bound.
        public var canonicalFields: [(name: String, required: Bool)] {
            switch self {
            case .event:
                [("cpr", true), ("sourceRecordID", true), ("agreement", false), ("enterprise", false),
                 ("targetGroup", true), ("stage", true), ("start", true), ("end", false),
                 ("hoursPerWeek", false), ("recordedAt", true)]
            case .enterprise:
                [("cvr", true), ("name", false), ("type", true), ("socialBottomLine", true),
                 ("localBottomLine", true), ("economicBottomLine", true), ("start", true), ("end", false)]
            }
        }
    }

    /// How the file is read.
    public enum Format: Sendable {
        case csv(CSVLayout)
        case xml(XMLLayout)
    }
}

/// The CSV dialect of a layout, and optionally the columns it is known to have.
public struct CSVLayout: Sendable {
    public var delimiter: UInt8
    public var quote: UInt8
    public var encoding: Encoding
    /// A file that starts with a UTF-8 byte-order mark is read as UTF-8 whatever `encoding` says.
    public var utf8WhenBOM: Bool
    /// The layout's column names, when declared: every `from` must name one of them.
    public var columns: [String]?

    public enum Encoding: String, Sendable { case utf8 = "utf-8", windows1252 = "windows-1252" }
}

/// Where the records of an XML layout are: namespaces, the root, the record element.
public struct XMLLayout: Sendable {
    /// Prefix → namespace URI, as used in the mapping's paths (not the document's prefixes).
    public var namespaces: [String: String]
    /// The expected root element, `prefix:Name`.
    public var root: String
    /// The record element's path from the root, e.g. `f:Forloebsudtraek/f:Forloeb/f:Haendelser/f:Haendelse`.
    public var record: String
}

/// Where one canonical field lives and how its text becomes a value.
public struct FieldRule: Sendable {
    /// Where the value lives: CSV column names or XML paths. Several are joined with `separator`.
    public var from: [String]
    public var separator: String
    /// A fixed value instead of `from`.
    public var constant: String?
    public var type: FieldType
    /// Whether an empty or absent value breaks the rule of the field.
    public var required: Bool
    /// Another place to read when this one is empty (e.g. a code attribute).
    public var fallback: Box<FieldRule>?
    /// The mapping file's line that binds this field (for messages).
    public var line: Int

    public init(from: [String], separator: String = "/", constant: String? = nil, type: FieldType,
                required: Bool, fallback: FieldRule? = nil, line: Int) {
        self.from = from; self.separator = separator; self.constant = constant; self.type = type
        self.required = required; self.fallback = fallback.map(Box.init); self.line = line
    }
}

/// A reference box so that a rule can hold a fallback rule.
public final class Box<T: Sendable>: Sendable {
    public let value: T
    public init(_ value: T) { self.value = value }
}

/// The type of a field's text, with its format.
public enum FieldType: Sendable {
    case string
    case cpr
    case cvr
    /// A calendar date in a pattern (`dd-MM-yyyy`), or `iso8601` (a date, or a timestamp
    /// converted to the Danish date).
    case date(DatePattern)
    /// A moment: a pattern read as Danish local time, or `iso8601` with or without offset.
    case timestamp(DatePattern)
    case decimal(separator: UInt8)
    /// A code mapped to a canonical value; unknown codes reject the row, or map to a value.
    case code(CodeList)
    /// Yes/no words.
    case bool(trueWords: Set<[UInt8]>, falseWords: Set<[UInt8]>)
}

/// Source codes → canonical values of one field.
public struct CodeList: Sendable {
    public var values: [[UInt8]: String]
    /// nil: reject an unknown code; else the canonical value it maps to.
    public var unknownAs: String?
    /// The same pairs in a fixed order: the decoder flattens them into one table per file.
    let pairs: [([UInt8], String)]

    public init(values: [[UInt8]: String], unknownAs: String?) {
        self.values = values
        self.unknownAs = unknownAs
        pairs = values.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map { ($0.key, $0.value) }
    }
}
