import Foundation
import TrinCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few POSIX calls atomic publication needs, with errors that name the path.
enum FileIO {
    static func makeDirectory(_ url: URL) throws(PublishError) {
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
        catch { throw .io(operation: "mkdir", path: url.path, errno: EIO) }
    }

    /// Writes all bytes, then fsyncs the file before closing it.
    static func writeSynced(_ data: Data, to url: URL) throws(PublishError) {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(operation: "open", path: url.path, errno: errno) }
        defer { close(fd) }
        if let failure = data.withUnsafeBytes({ writeAll(fd, $0) }) { throw .io(operation: "write", path: url.path, errno: failure) }
        guard fsync(fd) == 0 else { throw .io(operation: "fsync", path: url.path, errno: errno) }
    }

    /// fsync on a directory makes its entries (new names, renames) durable.
    static func syncDirectory(_ url: URL) throws(PublishError) {
        let fd = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(operation: "open", path: url.path, errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .io(operation: "fsync", path: url.path, errno: errno) }
    }

    static func rename(_ from: URL, to: URL) throws(PublishError) {
        guard Foundation.rename(from.path, to.path) == 0 else { throw .io(operation: "rename", path: from.path, errno: errno) }
    }
}
