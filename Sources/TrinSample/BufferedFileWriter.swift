import Foundation

/// Appends bytes to a file through a 1 MiB buffer: constant memory for exports
/// of any size, and one system call per MiB.
final class BufferedFileWriter {
    private let handle: FileHandle
    private let path: String
    /// Callers append to this directly and then call `flushIfFull()`.
    var buffer: [UInt8] = []
    private(set) var flushedBytes = 0
    static let capacity = 1 << 20

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path)
        else { throw SampleError.cannotWrite(path: path, reason: "cannot create file") }
        self.handle = handle
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
            try handle.write(contentsOf: buffer)
        } catch {
            throw SampleError.cannotWrite(path: path, reason: "\(error)")
        }
        flushedBytes += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        try flush()
        do { try handle.close() } catch { throw SampleError.cannotWrite(path: path, reason: "\(error)") }
    }
}
