#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes every byte of `bytes` to `fd`: short writes go on, EINTR is retried.
/// Returns nil on success, else the errno of the failure (EIO for a write of 0 bytes).
/// The one place trin writes a buffer to a descriptor.
public func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
    var offset = 0
    while offset < bytes.count {
        let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
        if n > 0 { offset += n; continue }
        if n < 0 && errno == EINTR { continue }
        return n < 0 ? errno : EIO
    }
    return nil
}
