import Foundation
import Testing
import TrinService
import TrinTestSupport

/// One lock per store, however the store's path is spelled.
@Suite struct RunLockPathTests {
    @Test func aStoreReachedThroughSymbolicLinksHasOneLock() throws {
        let dir = TrinBinary.temporaryDirectory("trin-lock-links")
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir + "/real", withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: dir + "/linked-folder", withDestinationPath: dir + "/real")
        // The store file does not exist yet: resolved through its folder.
        #expect(RunLock.path(forStore: dir + "/linked-folder/s.sqlite") == RunLock.path(forStore: dir + "/real/s.sqlite"))
        try Data().write(to: URL(fileURLWithPath: dir + "/real/s.sqlite"))
        try fm.createSymbolicLink(atPath: dir + "/s-link.sqlite", withDestinationPath: dir + "/real/s.sqlite")
        let spellings = [dir + "/real/s.sqlite", dir + "/linked-folder/s.sqlite", dir + "/s-link.sqlite", dir + "/real/../real/s.sqlite"]
        let held = try RunLock.acquire(path: RunLock.path(forStore: spellings[0]), wait: false)
        for other in spellings.dropFirst() {
            #expect(RunLock.path(forStore: other) == held.path, "\(other)")
            #expect(try RunLock.tryAcquire(path: RunLock.path(forStore: other)) == nil, "\(other) got a second lock")
        }
        held.release()
        #expect(try RunLock.tryAcquire(path: RunLock.path(forStore: spellings[2])) != nil)
    }
}
