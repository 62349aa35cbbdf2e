import Foundation
import Testing
import TrinCore

/// A `file://` export rewritten while it is copied is told apart from one left alone.
@Suite struct FileIdentityTests {
    @Test func aFileRewrittenOrReplacedIsNoLongerTheSame() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trin-snapshot-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/forloeb.csv"
        try Data("a;b\n1;2\n".utf8).write(to: URL(fileURLWithPath: path))
        let first = try #require(FileIdentity.of(path: path))
        #expect(FileIdentity.of(path: path) == first, "left alone: the same")
        #expect(first.size == 8)
        // Rewritten in place (truncated and written again, as an exporter does).
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data("a;b\n1;2\n3;4\n".utf8))
        try handle.close()
        #expect(FileIdentity.of(path: path) != first)
        // Replaced by another file of the same size and time: another inode.
        let rewritten = try #require(FileIdentity.of(path: path))
        try Data("a;b\n5;6\n7;8\n".utf8).write(to: URL(fileURLWithPath: dir + "/new.csv"))
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.moveItem(atPath: dir + "/new.csv", toPath: path)
        #expect(FileIdentity.of(path: path) != rewritten)
        #expect(FileIdentity.of(path: dir + "/missing.csv") == nil)
    }
}
