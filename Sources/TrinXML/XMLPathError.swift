/// A record, root or field path that cannot be used, found when an `XMLRecordSpec`
/// is built, before any document is read.
public struct XMLPathError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        case empty
        /// `a//b`, a trailing `/`, or a lone `@`.
        case emptyStep
        /// A step that is not an XML name (after its prefix).
        case invalidName(String)
        /// A prefix missing from the namespace table.
        case unknownPrefix(String)
        /// `@attr` anywhere but the last step.
        case attributeNotLast
        /// `..` after an element step, or `.` anywhere but alone.
        case misplacedParentStep
        /// More `..` than the record element has ancestors.
        case aboveRoot
        /// The record path does not start with the expected root element.
        case rootMismatch(expected: String)
        /// A field path asks for child elements of the root element, which could
        /// only be known after the whole document is buffered.
        case rootChildElement
        /// The record path must name at least one element below the root.
        case recordIsRoot
    }

    /// The offending path, as written in the mapping.
    public let path: String
    public let reason: Reason

    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    public var description: String {
        let why: String = switch reason {
        case .empty: "the path is empty"
        case .emptyStep: "the path has an empty step"
        case .invalidName(let step): "'\(step)' is not an XML name"
        case .unknownPrefix(let prefix): "prefix '\(prefix)' is not in the namespace table"
        case .attributeNotLast: "an attribute step (@name) may only be the last step"
        case .misplacedParentStep: "'..' may only lead a field path and '.' may only stand alone"
        case .aboveRoot: "the path climbs above the root element"
        case .rootMismatch(let expected): "the record path must start at the root element \(expected)"
        case .rootChildElement: "fields of the root element may only be attributes (its child elements would need the whole document in memory)"
        case .recordIsRoot: "the record path must name an element below the root"
        }
        return "XML path '\(path)': \(why)"
    }
}
