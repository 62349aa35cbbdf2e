import Foundation
import Testing
@testable import TrinStore

/// The helper that starts the kernel writing a store's pages during a long transaction holds
/// the database file open only while it runs: an import must not leave a descriptor behind
/// (a daemon imports every night for years).
@Suite struct EarlyWritebackTests {
    /// Descriptors of this process open on `file` (tests run in parallel: others come and go).
    static func descriptors(on file: String) throws -> Int {
        let target = URL(fileURLWithPath: file).resolvingSymlinksInPath().path
        return try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").filter { fd in
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)")) == target
        }.count
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/fd")))
    func holdsTheFileOnlyUntilStopped() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trin-writeback-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("store.sqlite").path
        let handle = try #require(FileHandle(forWritingAtPath: { FileManager.default.createFile(atPath: file, contents: nil); return file }()))
        defer { try? handle.close() }

        #expect(try Self.descriptors(on: file) == 1, "the test's own")
        let writeback = try #require(EarlyWriteback(path: file, interval: 0.005))
        // Dirty pages for it to start writing while it runs.
        for _ in 0..<8 { try handle.write(contentsOf: Data(repeating: 0x5A, count: 1 << 20)) }
        Thread.sleep(forTimeInterval: 0.05)
        #expect(try Self.descriptors(on: file) == 2, "the test's and the helper's")
        writeback.stop()
        writeback.stop() // the store stops it before the commit and again on the way out
        #expect(try Self.descriptors(on: file) == 1, "the helper let go of the file")
        // The file was written as it was: the helper only starts the kernel's writing.
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == Data(repeating: 0x5A, count: 8 << 20))
    }

    @Test func aFileThatCannotBeOpenedIsLeftAlone() {
        #expect(EarlyWriteback(path: "/nonexistent-\(UUID().uuidString)/store.sqlite") == nil)
    }
}
