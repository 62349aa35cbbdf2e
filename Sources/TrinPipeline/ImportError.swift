import TrinCSV
import TrinMapping
import TrinStore

/// Why a whole file was refused. Nothing of the file is committed; the message
/// names the file and, where there is one, the line or element.
public enum ImportError: Error, Sendable, CustomStringConvertible {
    case cannotRead(file: String, message: String)
    case csv(CSVError)
    case mapping(file: String, MappingError)
    /// The XML document is not well-formed, truncated, has a DOCTYPE or an unexpected root.
    case document(file: String, message: String)
    case store(StoreError)

    public var description: String {
        switch self {
        case .cannotRead(let f, let m): "\(f): cannot read: \(m)"
        case .csv(let e): "\(e)"
        case .mapping(let f, let e): "\(f): \(e)"
        case .document(let f, let m): m.hasPrefix(f) ? m : "\(f): \(m)"
        case .store(let e): "\(e)"
        }
    }
}
