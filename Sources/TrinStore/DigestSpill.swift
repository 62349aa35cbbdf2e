#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An unlinked temporary file of 64-bit digests, appended in order and read back once:
/// where today's known rows go while an import runs, so that they take no memory however
/// large the export (`KnownRows`). Nothing is left behind, even after a crash.
final class DigestSpill: @unchecked Sendable {
    // @unchecked: used by one thread at a time (the decoding stage, then the store's).
    private let fd: Int32
    /// Digests written so far.
    private(set) var count = 0

    init(directory: String) throws(StoreError) {
        var template = Array((directory + "/.trin-rows-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw StoreError.database(path: directory, message: "cannot create a temporary file in \(directory): \(String(cString: strerror(errno)))")
        }
        _ = template.withUnsafeBufferPointer { unlink($0.baseAddress!) }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Appends `digests` (native byte order: the file never leaves this process).
    func append(_ digests: [UInt64]) throws(StoreError) {
        let failed: Int32? = digests.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return n < 0 ? errno : ENOSPC }
                offset += n
            }
            return nil
        }
        if let failed {
            throw StoreError.database(path: "", message: "cannot write a temporary file: \(String(cString: strerror(failed)))")
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
            let got = buffer.withUnsafeMutableBytes { b -> Int in
                var read = 0
                while read < want * 8 {
                    let n = pread(fd, b.baseAddress! + read, want * 8 - read, off_t(done * 8 + read))
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 { break }
                    read += n
                }
                return read
            }
            guard got == want * 8 else {
                throw StoreError.database(path: "", message: "cannot read a temporary file: \(String(cString: strerror(errno)))")
            }
            try buffer.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0.prefix(want))) }
            done += want
        }
    }
}
