#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A failure that stops a whole CSV file (a bad row is a `CSVRowProblem`
/// instead, and the reader goes on). Every case carries the file's path.
public enum CSVError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file could not be opened (`errno` from `open`).
    case cannotOpen(path: String, errno: Int32)
    /// Reading failed part-way (`errno` from `read`).
    case readFailed(path: String, errno: Int32)
    /// The file holds no header row (it is empty, or only blank lines / a BOM).
    case noHeader(path: String)
    /// The header row itself is broken: not valid in the encoding, an
    /// unclosed quote, or longer than the row limit.
    case badHeader(path: String, reason: String)
    /// The dialect cannot be scanned (e.g. a non-ASCII or line-break delimiter).
    case invalidDialect(path: String, reason: String)

    public var path: String {
        switch self {
        case .cannotOpen(let p, _), .readFailed(let p, _), .noHeader(let p),
             .badHeader(let p, _), .invalidDialect(let p, _):
            return p
        }
    }

    public var description: String {
        switch self {
        case .cannotOpen(let p, let e): return "\(p): cannot open: \(String(cString: strerror(e))) (errno \(e))"
        case .readFailed(let p, let e): return "\(p): read failed: \(String(cString: strerror(e))) (errno \(e))"
        case .noHeader(let p): return "\(p): no header row (empty file)"
        case .badHeader(let p, let r): return "\(p): line 1: bad header: \(r)"
        case .invalidDialect(let p, let r): return "\(p): invalid CSV dialect: \(r)"
        }
    }
}
