import Crypto
import TrinCore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SHA-256 of a file's content, read in fixed-size chunks: how trin knows an
/// export it has already imported, whatever the file is called.
enum FileDigest {
    /// When the digest is wanted.
    enum Urgency: Sendable {
        /// The file may be one imported before (one of the same size was): hashing starts
        /// at once, at a lower priority, so that a known file is abandoned after a fraction
        /// of its import.
        case mayBeKnown
        /// No file of this size was imported, so the digest cannot match: it is needed only
        /// for the commit. Hashing starts when the import's reading stages are done (`begin`),
        /// on the core they leave idle while the store writes its last batches.
        case atTheEnd
    }

    /// Hashes `path` on a thread of its own, beside the import of the same file: the digest
    /// then costs no time on the import's critical path.
    static func start(path: String, urgency: Urgency = .mayBeKnown) -> Running {
        let running = Running(path: path)
        if urgency == .mayBeKnown { running.begin(lowerPriority: true) }
        return running
    }

    /// A digest being computed.
    final class Running: @unchecked Sendable {
        // @unchecked: `result` and `started` are guarded by `condition`.
        private let condition = NSCondition()
        private let path: String
        private var started = false
        private var result: Result<(hex: String, bytes: Int), ImportError>?

        fileprivate init(path: String) { self.path = path }

        /// Starts hashing, unless it has started.
        func begin(lowerPriority: Bool = false) {
            condition.lock()
            defer { condition.unlock() }
            guard !started else { return }
            started = true
            let path = self.path
            let thread = Thread {
                // On a busy machine the import's own stages go first. On Linux a nice value
                // belongs to the thread, and `0` names the calling one.
                if lowerPriority { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10) }
                self.set(Result { () throws(ImportError) in try sha256(path: path) })
            }
            thread.name = "trin-digest"
            thread.start()
        }

        private func set(_ value: Result<(hex: String, bytes: Int), ImportError>) {
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

        /// Waits for the hashing thread if it started, so that nothing reads the file after
        /// its import returns; one never started stays so.
        func finish() {
            condition.lock()
            defer { condition.unlock() }
            while started && result == nil { condition.wait() }
        }

        /// Waits for the digest (starting it, if it has not started).
        func wait() throws(ImportError) -> (hex: String, bytes: Int) {
            begin()
            condition.lock()
            defer { condition.unlock() }
            while result == nil { condition.wait() }
            return try result!.get()
        }
    }

    static func sha256(path: String) throws(ImportError) -> (hex: String, bytes: Int) {
        var hasher = SHA256()
        // 128 KiB, not more: a chunk that fits the core's L2 cache is hashed where `read`
        // copied it. With 1 MiB, copying a nightly export out of the page cache took as much
        // CPU as hashing it (perf: `_copy_to_iter` 16 % of a night's samples, now 2 %).
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 17, alignment: 16)
        defer { buffer.deallocate() }
        var total = 0
        do {
            let file = try FileDescriptor(opening: path, O_RDONLY)
            while case let n = try file.read(into: buffer), n > 0 {
                hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                total += n
            }
        } catch {
            throw .cannotRead(file: path, message: String(cString: strerror(error.errno)))
        }
        return (Hex.encode(hasher.finalize()), total)
    }
}
