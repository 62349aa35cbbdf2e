import Testing
import TrinCore
@testable import TrinStore

@Suite struct ContentVersionTests {
    /// The version moves exactly when what the figures are made from changes: a file that
    /// inserted or updated, a purge that deleted records; not a file of duplicates, a dry
    /// run, or a failed file.
    @Test func movesOnlyWhenRecordsChange() throws {
        let store = try tempStore()
        #expect(try store.contentVersion() == 0)
        try store.importFile { try $0.add(record(1, .praktik, "2023-01-03")) }
        #expect(try store.contentVersion() == 1)
        try store.importFile { try $0.add(record(1, .praktik, "2023-01-03")) }            // the same version again
        #expect(try store.contentVersion() == 1)
        try store.importFile(commit: false) { try $0.add(record(2, .job, "2023-05-01")) }  // a dry run
        struct Failure: Error {}
        _ = try? store.importFile { file in
            try file.add(record(3, .job, "2023-05-01"))
            throw Failure()
        }
        #expect(try store.contentVersion() == 1)
        try store.importFile { try $0.add(record(1, .praktik, "2023-01-03", recordedAt: 2000)) }  // a greater version
        #expect(try store.contentVersion() == 2)
        _ = try store.purge(rejectedRowsBefore: nil, runsBefore: nil, eventsEndedBefore: Day(iso: "2022-01-01")!)  // deletes none
        #expect(try store.contentVersion() == 2)
        _ = try store.purge(rejectedRowsBefore: nil, runsBefore: nil, eventsEndedBefore: Day(iso: "2024-01-01")!)
        #expect(try store.contentVersion() == 3)
    }
}
