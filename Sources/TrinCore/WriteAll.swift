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

/// Fills `buffer` from `fd` at `offset` (pread): short reads go on, EINTR is retried.
/// Returns nil on success, else the errno of the failure (EIO when the file ends first).
public func readAll(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int) -> Int32? {
    var done = 0
    while done < buffer.count {
        let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
        if n > 0 { done += n; continue }
        if n < 0 && errno == EINTR { continue }
        return n < 0 ? errno : EIO
    }
    return nil
}

/// Creates a file in `directory` named `<prefix>XXXXXX` and unlinks it at once, so that
/// nothing is left behind whatever happens to the process: the import's run files and
/// known rows. Returns the open descriptor, or the errno of the failure.
/// `kind` names the file in an error ("run file": "cannot create a temporary run file in …").
public func unlinkedTemporaryFile(in directory: String, prefix: String, kind: String = "file") -> Result<Int32, FileWriteError> {
    var template = Array((directory + "/" + prefix + "XXXXXX").utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else { return .failure(FileWriteError("create a temporary \(kind) in", path: directory, errno: errno)) }
    _ = template.withUnsafeBufferPointer { unlink($0.baseAddress!) }
    return .success(fd)
}
