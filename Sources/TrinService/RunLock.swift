#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import TrinCore

/// A run lock a session holds: a file lock beside a SQLite store (`RunLock`), or a
/// PostgreSQL tenant's advisory lock (`TenantLock`).
public protocol HeldRunLock: AnyObject, Sendable {
    /// Whether this holds the lock still (not released).
    var isHeld: Bool { get }
    /// Lets go of the lock (also done when the holder's process or connection ends).
    func release()
}

/// The lock that keeps two runs from overlapping: `flock(2)` on `<store>.lock`.
///
/// The kernel drops the lock when the holder's process ends, however it ends
/// (even `kill -9`), so a stale lock file never blocks the next run. The holder
/// writes its PID into the file so that the message to a second run can name it.
public final class RunLock: HeldRunLock, @unchecked Sendable {
    public let path: String
    /// The open lock file while the lock is held; nil once released.
    private var file: FileDescriptor?

    /// The lock file of a store: beside the store's real path, so that a store reached
    /// through a symbolic link (of the file or of a folder on its path) has one lock.
    public static func path(forStore store: String) -> String { realPath(store) + ".lock" }

    /// `store` with every symbolic link resolved; a store that does not exist yet is
    /// resolved through its folder.
    static func realPath(_ path: String) -> String {
        if let resolved = realpath(path, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[..<$0]) }.flatMap { $0.isEmpty ? "/" : $0 } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard let resolved = realpath(folder, nil) else { return path }
        defer { free(resolved) }
        let base = String(cString: resolved)
        return (base == "/" ? "" : base) + "/" + name
    }

    private init(path: String, file: consuming FileDescriptor) {
        self.path = path
        self.file = consume file
    }

    deinit { release() }

    /// Takes the lock; with `wait`, blocks until the holder lets go, otherwise
    /// throws `.held` at once.
    public static func acquire(path: String, wait: Bool) throws(RunLockError) -> RunLock {
        guard let lock = try attempt(path: path, blocking: wait) else {
            throw .held(path: path, pid: holderPID(path: path))
        }
        return lock
    }

    /// Takes the lock if it is free; nil when another process holds it.
    public static func tryAcquire(path: String) throws(RunLockError) -> RunLock? {
        try attempt(path: path, blocking: false)
    }

    private static func attempt(path: String, blocking: Bool) throws(RunLockError) -> RunLock? {
        let file: FileDescriptor
        do { file = try FileDescriptor(opening: path, O_RDWR | O_CREAT, mode: 0o640) } catch {
            // The lock sits beside the store: a missing folder is the store's, and trin makes none.
            let folder = (path as NSString).deletingLastPathComponent
            if error.errno == ENOENT, !FileManager.default.fileExists(atPath: folder.isEmpty ? "." : folder) {
                throw .cannotOpen(path: path, message: "the store's folder \(folder) does not exist (trin does not create it: "
                                  + "check the store's path, or create the folder for the service's user)")
            }
            throw .cannotOpen(path: path, message: String(cString: strerror(error.errno)))
        }
        while flock(file.rawValue, LOCK_EX | (blocking ? 0 : LOCK_NB)) != 0 {
            let e = errno
            if e == EINTR { continue }
            if e == EWOULDBLOCK { return nil }
            throw .cannotOpen(path: path, message: String(cString: strerror(e)))
        }
        // Ours now: record who holds it (only a message reads it, so a failure here is no failure).
        try? file.truncate()
        try? file.write(Array("\(getpid())\n".utf8))
        return RunLock(path: path, file: file)
    }

    /// The PID written by the holder, if readable.
    static func holderPID(path: String) -> Int32? {
        guard let file = try? FileDescriptor(opening: path, O_RDONLY) else { return nil }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 32, alignment: 1)
        defer { buffer.deallocate() }
        guard let n = try? file.read(into: buffer), n > 0 else { return nil }
        return Int32(String(decoding: buffer[0..<n], as: UTF8.self).trimmed(of: " \n"))
    }

    /// Whether this holds the lock still (not released).
    public var isHeld: Bool { file != nil }

    /// Lets go of the lock (also done on deinit and at process exit).
    public func release() {
        guard let file = file.take() else { return }
        try? file.truncate()
        _ = flock(file.rawValue, LOCK_UN)
        // Closed as `file` goes.
    }
}

/// Why a run could not take the lock.
public enum RunLockError: Error, Sendable, CustomStringConvertible {
    /// Another process holds it.
    case held(path: String, pid: Int32?)
    case cannotOpen(path: String, message: String)

    public var description: String {
        switch self {
        case .held(let path, let pid):
            "another trin run holds the lock of \(path)" + (pid.map { " (PID \($0))" } ?? "")
                + "; it will exit when done (use --wait to wait for it)"
        case .cannotOpen(let path, let message): "cannot take the run lock of \(path): \(message)"
        }
    }
}

extension String {
    fileprivate func trimmed(of set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
