#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Free space on a file system, for choices that cost disk (an import's run files).
public enum DiskSpace {
    /// Bytes an unprivileged process may still write on the file system holding `path`;
    /// nil when it cannot be asked (no such path).
    public static func available(at path: String) -> Int? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        return Int(info.f_bavail) * Int(info.f_frsize)
    }
}
