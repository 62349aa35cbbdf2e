import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SHA-256 of a file's content, read in fixed-size chunks: how trin knows an
/// export it has already imported, whatever the file is called.
enum FileDigest {
    /// Starts hashing `path` on a thread of its own, beside the import of the same file:
    /// the digest then costs no time on the import's critical path.
    static func start(path: String) -> Running {
        let running = Running()
        let thread = Thread {
            // A lower priority: on a busy machine the import's own stages go first, and the
            // digest fills the gaps (it is needed only to stop early, and at the end). On
            // Linux a nice value belongs to the thread, and `0` names the calling one.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
            running.set(Result { () throws(ImportError) in try sha256(path: path) })
        }
        thread.name = "trin-digest"
        thread.start()
        return running
    }

    /// A digest being computed.
    final class Running: @unchecked Sendable {
        // @unchecked: `result` is guarded by `condition`.
        private let condition = NSCondition()
        private var result: Result<(hex: String, bytes: Int), ImportError>?

        fileprivate func set(_ value: Result<(hex: String, bytes: Int), ImportError>) {
            condition.lock()
            result = value
            condition.broadcast()
            condition.unlock()
        }

        /// The digest if it is done (a failure reads as not done: `wait` reports it).
        var ifDone: (hex: String, bytes: Int)? {
            condition.lock()
            defer { condition.unlock() }
            return try? result?.get()
        }

        /// Waits for the digest.
        func wait() throws(ImportError) -> (hex: String, bytes: Int) {
            condition.lock()
            defer { condition.unlock() }
            while result == nil { condition.wait() }
            return try result!.get()
        }
    }

    static func sha256(path: String) throws(ImportError) -> (hex: String, bytes: Int) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .cannotRead(file: path, message: String(cString: strerror(errno))) }
        defer { close(fd) }
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var total = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .cannotRead(file: path, message: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            total += n
        }
        return (hasher.finalize().map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(), total)
    }
}
