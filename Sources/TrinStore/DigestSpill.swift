#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import TrinCore

/// An unlinked temporary file of 64-bit digests, appended in order and read back once:
/// where today's known rows go while an import runs, so that they take no memory however
/// large the export (`KnownRows`). Nothing is left behind, even after a crash.
final class DigestSpill: @unchecked Sendable {
    // @unchecked: used by one thread at a time (the decoding stage, then the store's).
    private let fd: Int32
    /// Digests written so far.
    private(set) var count = 0

    init(directory: String) throws(StoreError) {
        switch unlinkedTemporaryFile(in: directory, prefix: ".trin-rows-", kind: "file of known rows") {
        case .success(let opened): fd = opened
        case .failure(let error): throw .database(path: directory, message: "\(error)")
        }
    }

    deinit { close(fd) }

    /// Appends `digests` (native byte order: the file never leaves this process).
    func append(_ digests: [UInt64]) throws(StoreError) {
        if let e = digests.withUnsafeBytes({ writeAll(fd, $0) }) {
            throw .database(path: "", message: "cannot write a temporary file: \(String(cString: strerror(e)))")
        }
        count += digests.count
    }

    /// Calls `body` with the digests in order, a chunk at a time.
    func forEachChunk(_ body: (UnsafeBufferPointer<UInt64>) throws -> Void) throws {
        let chunk = 1 << 17
        var buffer = [UInt64](repeating: 0, count: chunk)
        var done = 0
        while done < count {
            let want = min(chunk, count - done)
            if let e = buffer.withUnsafeMutableBytes({ readAll(fd, into: UnsafeMutableRawBufferPointer(rebasing: $0.prefix(want * 8)), at: done * 8) }) {
                throw StoreError.database(path: "", message: "cannot read a temporary file: \(String(cString: strerror(e)))")
            }
            try buffer.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0.prefix(want))) }
            done += want
        }
    }
}
