/// A mapping that cannot be used, or a file that does not fit its mapping.
/// Every message names the mapping file, and the line where that applies.
public enum MappingError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The mapping file is wrong: names the file, line and the problem.
    case invalid(file: String, line: Int, message: String)
    case unreadable(file: String, message: String)
    /// A file lacks a column/path that a required field is bound to: the whole file is refused.
    case missingInFile(mapping: String, field: String, location: String)

    public var description: String {
        switch self {
        case .invalid(let f, let l, let m): "\(f):\(l): \(m)"
        case .unreadable(let f, let m): "\(f): \(m)"
        case .missingInFile(let m, let field, let loc):
            "the file has no \"\(loc)\", which mapping \(m) requires for \(field): file refused"
        }
    }
}
