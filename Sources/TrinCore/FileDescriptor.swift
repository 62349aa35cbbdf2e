#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open file, owned: the one place trin makes its file system calls. Reads and writes
/// go on after a short count and retry after EINTR; every failure is a `FileIOError` that
/// names the path, the operation and errno; and the descriptor is closed on every path out
/// of its owner's scope (`deinit`), or by `close()` where a failing close must be heard.
///
/// Non-copyable, so that exactly one owner closes it: the lock, the log, the textfile and
/// metric files, the import's run files and known rows, and the readers all hold one.
public struct FileDescriptor: ~Copyable {
    /// The descriptor, for the calls this type does not make (`flock`, `fstat`).
    public private(set) var rawValue: Int32
    /// The path it was opened at (or the folder of an unlinked temporary file), for messages.
    public let path: String

    /// Opens `path` (`O_CLOEXEC` is always added).
    public init(opening path: String, _ flags: Int32, mode: UInt32 = 0o640, operation: String = "open") throws(FileIOError) {
        let fd = open(path, flags | O_CLOEXEC, mode_t(mode))
        guard fd >= 0 else { throw FileIOError(operation, path: path, errno: errno) }
        rawValue = fd
        self.path = path
    }

    /// Creates a new file (mode 0600) in `directory` named `<prefix>XXXXXX`. `unlinked`: the
    /// name goes at once, so that nothing is left behind whatever happens to the process
    /// (the import's run files and known rows; `path` is then the folder); otherwise `path`
    /// is the new file's, to be renamed into place. `kind` names it in an error ("run
    /// file": "cannot create a temporary run file in …").
    public init(temporaryIn directory: String, prefix: String, kind: String = "file", unlinked: Bool) throws(FileIOError) {
        var template = Array((directory + "/" + prefix + "XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw FileIOError("create a temporary \(kind) in", path: directory, errno: errno) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        let name = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        if unlinked { unlink(name) }
        rawValue = fd
        path = unlinked ? directory : name
    }

    deinit { if rawValue >= 0 { _ = systemClose(rawValue) } }

    /// Writes every byte: a short write goes on, EINTR is retried.
    public func write(_ bytes: UnsafeRawBufferPointer, operation: String = "write") throws(FileIOError) {
        var offset = 0
        while offset < bytes.count {
            let n = systemWrite(rawValue, bytes.baseAddress! + offset, bytes.count - offset)
            if n > 0 { offset += n; continue }
            if n < 0 && errno == EINTR { continue }
            throw FileIOError(operation, path: path, errno: n < 0 ? errno : EIO)
        }
    }

    /// Writes every byte of `bytes`.
    public func write(_ bytes: [UInt8], operation: String = "write") throws(FileIOError) {
        try Self.rethrowing { (failure: inout FileIOError?) in
            bytes.withUnsafeBytes { raw in
                do throws(FileIOError) { try write(raw, operation: operation) } catch { failure = error }
            }
        }
    }

    /// Reads what is there, up to `buffer.count` bytes, retrying after EINTR; 0 at the end of the file.
    public func read(into buffer: UnsafeMutableRawBufferPointer, operation: String = "read") throws(FileIOError) -> Int {
        while true {
            let n = systemRead(rawValue, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno != EINTR { throw FileIOError(operation, path: path, errno: errno) }
        }
    }

    /// Fills `buffer` from `offset` (pread): short reads go on, EINTR is retried; a file
    /// that ends first is EIO.
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int, operation: String = "read") throws(FileIOError) {
        var done = 0
        while done < buffer.count {
            let n = pread(rawValue, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            if n > 0 { done += n; continue }
            if n < 0 && errno == EINTR { continue }
            throw FileIOError(operation, path: path, errno: n < 0 ? errno : EIO)
        }
    }

    /// Reads up to `buffer.count` bytes from `offset`, retrying after EINTR; 0 at the end of the file.
    public func readSome(into buffer: UnsafeMutableRawBufferPointer, at offset: Int, operation: String = "read") throws(FileIOError) -> Int {
        while true {
            let n = pread(rawValue, buffer.baseAddress, buffer.count, off_t(offset))
            if n >= 0 { return n }
            if errno != EINTR { throw FileIOError(operation, path: path, errno: errno) }
        }
    }

    /// Cuts the file to `length` bytes.
    public func truncate(to length: Int = 0) throws(FileIOError) {
        guard ftruncate(rawValue, off_t(length)) == 0 else { throw FileIOError("truncate", path: path, errno: errno) }
    }

    /// Sets the file's permission bits.
    public func setMode(_ mode: UInt32) throws(FileIOError) {
        guard fchmod(rawValue, mode_t(mode)) == 0 else { throw FileIOError("chmod", path: path, errno: errno) }
    }

    /// Makes what was written durable (fsync).
    public func sync() throws(FileIOError) {
        guard fsync(rawValue) == 0 else { throw FileIOError("sync", path: path, errno: errno) }
    }

    /// The file's size, when it is a regular file.
    public var regularFileSize: Int? {
        var st = stat()
        return fstat(rawValue, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG ? Int(st.st_size) : nil
    }

    /// Runs `body`, which keeps the first failure of a call made inside a closure that cannot
    /// throw a typed error (`withUnsafeBytes`), and throws it.
    public static func rethrowing(_ body: (inout FileIOError?) -> Void) throws(FileIOError) {
        var failure: FileIOError?
        body(&failure)
        if let failure { throw failure }
    }

    /// Closes it, reporting a failure (on some file systems a write fails only at close).
    public consuming func close() throws(FileIOError) {
        let fd = rawValue
        rawValue = -1  // closed here, not again by deinit
        guard systemClose(fd) == 0 else { throw FileIOError("close", path: path, errno: errno) }
    }
}

// The system calls by other names: inside `FileDescriptor`, its own methods hide them.
private func systemClose(_ fd: Int32) -> Int32 { close(fd) }
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int { write(fd, bytes, count) }
private func systemRead(_ fd: Int32, _ bytes: UnsafeMutableRawPointer?, _ count: Int) -> Int { read(fd, bytes, count) }
