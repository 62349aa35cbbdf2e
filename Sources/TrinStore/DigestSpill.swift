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
    private let file: FileDescriptor
    /// Digests written so far.
    private(set) var count = 0

    init(directory: String) throws(StoreError) {
        do { file = try FileDescriptor(temporaryIn: directory, prefix: ".trin-rows-", kind: "file of known rows", unlinked: true) } catch {
            throw .database(path: directory, message: "\(error)")
        }
    }

    /// Appends `digests` (native byte order: the file never leaves this process).
    func append(_ digests: [UInt64]) throws(StoreError) {
        do {
            try FileDescriptor.rethrowing { failure in
                digests.withUnsafeBytes { bytes in
                    do throws(FileIOError) { try file.write(bytes, operation: "write a temporary file in") } catch { failure = error }
                }
            }
        } catch {
            throw .database(path: file.path, message: "\(error)")
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
            do {
                try FileDescriptor.rethrowing { failure in
                    buffer.withUnsafeMutableBytes { bytes in
                        do throws(FileIOError) {
                            try file.read(into: UnsafeMutableRawBufferPointer(rebasing: bytes.prefix(want * 8)), at: done * 8,
                                          operation: "read a temporary file in")
                        } catch { failure = error }
                    }
                }
            } catch {
                throw StoreError.database(path: file.path, message: "\(error)")
            }
            try buffer.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0.prefix(want))) }
            done += want
        }
    }
}
