#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TrinCore

/// Appends bytes to a file through a 1 MiB buffer: constant memory for exports
/// of any size, and one system call per MiB.
final class BufferedFileWriter {
    /// The file; nil once closed.
    private var file: FileDescriptor?
    private let path: String
    /// Callers append to this directly and then call `flushIfFull()`.
    var buffer: [UInt8] = []
    private(set) var flushedBytes = 0
    static let capacity = 1 << 20

    /// Creates the file (or empties it).
    init(path: String) throws {
        do { file = try FileDescriptor(opening: path, O_WRONLY | O_CREAT | O_TRUNC, mode: 0o644, operation: "create") } catch {
            throw SampleError.cannotWrite(path: path, reason: "\(error)")
        }
        self.path = path
        buffer.reserveCapacity(BufferedFileWriter.capacity + 4096)
    }

    /// Bytes written so far, buffered or not.
    var count: Int { flushedBytes + buffer.count }

    @inline(__always)
    func flushIfFull() throws {
        if buffer.count >= BufferedFileWriter.capacity { try flush() }
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        do {
            guard file != nil else { throw FileIOError("write after closing", path: path, errno: EBADF) }
            try file?.write(buffer)
        } catch {
            throw SampleError.cannotWrite(path: path, reason: "\(error)")
        }
        flushedBytes += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        try flush()
        do { try file.take()?.close() } catch { throw SampleError.cannotWrite(path: path, reason: "\(error)") }
    }
}
