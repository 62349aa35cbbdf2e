import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What identifies the content of a `file://` export at one moment: its inode, size and
/// modification time. Taken before and after the copy, it shows an export that was
/// rewritten while it was read (libcurl's file reader stops at the end it finds, without
/// an error), so that a half-written file is never taken for a whole one.
struct SourceFileSnapshot: Equatable {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let modifiedSeconds: Int
    let modifiedNanoseconds: Int

    /// The snapshot of the file a `file://` URL names, or nil when it cannot be read.
    init?(fileURL: String) {
        guard let path = URL(string: fileURL)?.path, !path.isEmpty else { return nil }
        self.init(path: path)
    }

    init?(path: String) {
        var s = stat()
        guard stat(path, &s) == 0 else { return nil }
        device = UInt64(s.st_dev)
        inode = UInt64(s.st_ino)
        size = Int64(s.st_size)
        #if canImport(Darwin)
        modifiedSeconds = Int(s.st_mtimespec.tv_sec)
        modifiedNanoseconds = Int(s.st_mtimespec.tv_nsec)
        #else
        modifiedSeconds = Int(s.st_mtim.tv_sec)
        modifiedNanoseconds = Int(s.st_mtim.tv_nsec)
        #endif
    }
}
