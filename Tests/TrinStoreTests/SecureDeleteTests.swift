import Foundation
import GRDB
import Testing
import TrinCore
@testable import TrinStore
import TrinTestSupport

/// A retention purge must take what it deletes out of the store's file, not leave it in free
/// space where a copy of the file would still carry it. Read on the file's bytes.
@Suite struct SecureDeleteTests {
    static func fileHolds(_ path: String, _ text: String) throws -> Bool {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        return bytes.range(of: Data(text.utf8)) != nil
    }

    @Test("purged records and rejected rows leave no trace in the store's file")
    func purgedDataIsOverwritten() throws {
        let store = try tempStore()
        // Set by the store itself: SQLite's default depends on how it was built (Debian's
        // build has it on, so on this machine the file check below cannot tell the two apart).
        #expect(try store.queue.read { try Int.fetchOne($0, sql: "PRAGMA secure_delete") } == 1)
        let oldID = "OLD-RECORD-7f3a9c", keptID = "KEPT-RECORD-2b81e4", maskedRow = "XXXXXX-XXXX;OLD-REJECTED-ROW-5d2c"
        try store.importFile { file in
            // Enough records that the purged ones share pages with kept ones.
            for i in 0..<2_000 {
                try file.add(record(UInt64(i), .praktik, i % 2 == 0 ? "2015-03-02" : "2024-03-04",
                                    id: (i % 2 == 0 ? oldID : keptID) + "-\(i)", end: i % 2 == 0 ? "2015-06-30" : nil))
            }
        }
        let run = try store.beginRun(command: "import", startedAt: Instant(secondsSinceEpoch: 1_000), dryRun: false)
        try store.importFile { file in
            try file.reject(Rejection(line: 2, reason: .unknownActivity, maskedRow: maskedRow), runID: run, source: "forloeb", file: "f.csv")
        }
        #expect(try Self.fileHolds(store.path, oldID))
        #expect(try Self.fileHolds(store.path, "OLD-REJECTED-ROW"))

        let counts = try store.purge(rejectedRowsBefore: Instant(secondsSinceEpoch: 2_000), runsBefore: nil,
                                     eventsEndedBefore: Day(iso: "2020-01-01"))
        #expect(counts.events == 1_000)
        #expect(counts.rejectedRows == 1)
        #expect(!(try Self.fileHolds(store.path, oldID)))
        #expect(!(try Self.fileHolds(store.path, "OLD-REJECTED-ROW")))
        #expect(try Self.fileHolds(store.path, keptID))
    }
}
