#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Why a publication could not be written or read.
public enum PublishError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A system call failed on a path (errno kept for the operator).
    case io(operation: String, path: String, errno: Int32)
    /// `current` is missing or does not point into `sets/`.
    case noCurrentSet(path: String)
    /// A set's manifest is missing, unreadable, or lists a file whose bytes differ.
    case inconsistentSet(path: String, file: String, reason: String)

    public var description: String {
        switch self {
        case .io(let op, let path, let e): "\(op) failed on \(path): \(String(cString: strerror(e))) (errno \(e))"
        case .noCurrentSet(let path): "no published set at \(path)"
        case .inconsistentSet(let path, let file, let reason): "set \(path): \(file): \(reason)"
        }
    }
}
