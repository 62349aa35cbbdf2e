import Foundation
import Testing
import TrinCore

/// The one syscall layer: whole reads and writes, errors that name path, operation and
/// reason, and a descriptor closed on every path.
@Suite struct FileDescriptorTests {
    let dir: String = {
        let d = NSTemporaryDirectory() + "trin-fd-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }()

    /// Whether descriptor `fd` of this process is open on `path`. Other tests run at the same
    /// time and may get the same number for a file of theirs: so the question is the pair.
    func isOpen(_ fd: Int32, on path: String) -> Bool {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)")) == path
    }

    @Test func writesAndReadsWholeBuffersAndClosesOnEveryPath() throws {
        let path = dir + "/a"
        var descriptors: [Int32] = []
        let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        do {
            let file = try FileDescriptor(opening: path, O_WRONLY | O_CREAT | O_TRUNC, mode: 0o600)
            descriptors.append(file.rawValue)
            #expect(isOpen(file.rawValue, on: path))
            try file.write(bytes)
            try file.sync()
            #expect(file.regularFileSize == bytes.count)
            try file.close()
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(bytes))
        do {
            let file = try FileDescriptor(opening: path, O_RDONLY)
            descriptors.append(file.rawValue)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1000, alignment: 1)
            defer { buffer.deallocate() }
            try file.read(into: buffer, at: 299_000)
            #expect(Array(buffer) == Array(bytes[299_000...]))
            // A read past the end is an error, not a short buffer.
            #expect { try file.read(into: buffer, at: 299_500) } throws: { ($0 as? FileIOError)?.errno == EIO }
            // A write to a read-only descriptor fails, naming the path and the operation; the
            // descriptor is still closed when `file` goes.
            #expect { try file.write([1, 2, 3], operation: "append to") } throws: { error in
                "\(error)".hasPrefix("cannot append to \(path): ")
            }
        }
        // Closed: by `close()`, and by going out of scope after a failed write.
        for fd in descriptors { #expect(!isOpen(fd, on: path), "descriptor \(fd) is still open on \(path)") }
    }

    @Test func anUnlinkedTemporaryFileLeavesNothingAndANamedOneIsThere() throws {
        do {
            let spill = try FileDescriptor(temporaryIn: dir, prefix: ".t-", unlinked: true)
            try spill.write([9, 9, 9])
            #expect(spill.path == dir)
            let named = try FileDescriptor(temporaryIn: dir, prefix: ".n-", unlinked: false)
            #expect(named.path.hasPrefix(dir + "/.n-") && FileManager.default.fileExists(atPath: named.path))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(".t-") }.isEmpty)
        #expect { _ = try FileDescriptor(temporaryIn: dir + "/missing", prefix: ".t-", kind: "run file", unlinked: true) } throws: { error in
            "\(error)" == "cannot create a temporary run file in \(dir)/missing: No such file or directory"
        }
        #expect { _ = try FileDescriptor(opening: dir + "/missing/x", O_RDONLY) } throws: { error in
            (error as? FileIOError)?.errno == ENOENT && "\(error)".contains(dir + "/missing/x")
        }
    }
}
