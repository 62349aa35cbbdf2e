#if canImport(Glibc)
import Glibc
#endif
import Foundation
import CSQLiteShims

/// Starts the kernel writing a database file's dirty pages to disk while a large transaction
/// is still writing them, so that the commit's `fdatasync` finds little left to write.
///
/// A first import of a 200 MB export writes about 140 MB of pages; flushed only at the
/// commit, they kept `fdatasync` waiting for 54 ms at the end of the import, on its critical
/// path. Started early (`sync_file_range(SYNC_FILE_RANGE_WRITE)`, which queues the writes and
/// does not wait for them), the disk works while SQLite is still appending, on the core the
/// import leaves idle then. PostgreSQL's `backend_flush_after` and RocksDB's `bytes_per_sync`
/// do the same. It changes nothing SQLite relies on: the kernel may write a dirty page at any
/// time, and the commit still syncs the file.
final class EarlyWriteback: @unchecked Sendable {
    // @unchecked: `stopped` is guarded by `condition`.
    private let condition = NSCondition()
    private var stopped = false
    private var done = false

    /// Every `interval` seconds until `stop()`, on a thread of its own. Nil when the file
    /// cannot be opened (nothing is nudged; the commit syncs as always).
    init?(path: String, interval: Double = 0.1) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        let thread = Thread { [self] in
            condition.lock()
            while !stopped {
                _ = condition.wait(until: Date(timeIntervalSinceNow: interval))
                if stopped { break }
                condition.unlock()
                _ = trin_start_writeback(fd)
                condition.lock()
            }
            // Closed before `stop()` may return.
            close(fd)
            done = true
            condition.broadcast()
            condition.unlock()
        }
        thread.name = "trin-writeback"
        thread.start()
    }

    /// Stops the nudging and waits for the thread to let go of the file.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while !done { condition.wait() }
        condition.unlock()
    }
}
