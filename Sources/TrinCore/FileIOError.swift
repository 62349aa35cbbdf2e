#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A system call on a file failed (`FileDescriptor`): what was being done, to which path,
/// and the system's reason. The message names the path and the reason, never an internal
/// error domain.
public struct FileIOError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    /// What was being done, e.g. "create a temporary file in", "write", "rename to".
    public let operation: String
    public let errno: Int32

    public init(_ operation: String, path: String, errno: Int32) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }

    public var description: String { "cannot \(operation) \(path): \(String(cString: strerror(errno)))" }
}
