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
        do {
            let file = try FileDescriptor(opening: url.path, O_WRONLY | O_CREAT | O_TRUNC, mode: 0o644)
            try FileDescriptor.rethrowing { failure in
                data.withUnsafeBytes { bytes in
                    do throws(FileIOError) { try file.write(bytes) } catch { failure = error }
                }
            }
            try file.sync()
            try file.close()
        } catch {
            throw .io(operation: error.operation, path: url.path, errno: error.errno)
        }
    }

    /// fsync on a directory makes its entries (new names, renames) durable.
    static func syncDirectory(_ url: URL) throws(PublishError) {
        do {
            try FileDescriptor(opening: url.path, O_RDONLY | O_DIRECTORY).sync()
        } catch {
            throw .io(operation: error.operation, path: url.path, errno: error.errno)
        }
    }

    static func rename(_ from: URL, to: URL) throws(PublishError) {
        guard Foundation.rename(from.path, to.path) == 0 else { throw .io(operation: "rename", path: from.path, errno: errno) }
    }
}
