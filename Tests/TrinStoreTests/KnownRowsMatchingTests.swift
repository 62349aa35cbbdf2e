import Foundation
import Testing
import TrinStore

@Suite struct KnownRowsMatchingTests {
    /// Rows are matched in file order: a changed row, a few rows gone, and after a run of
    /// misses a block gone are all found again; a row from before the cursor is not (it is
    /// read in full, which is only slower); what was matched or kept is the next set.
    @Test func followsTheFileThroughChangesGapsAndBlocks() {
        let yesterday = (UInt64(1)...UInt64(200)).map { $0 * 1_000 }
        var set = KnownRows(context: "c", digests: yesterday)
        func known(_ d: UInt64) -> Bool { set.containsAndKeep(d) }
        #expect(known(1_000))
        #expect(known(2_000))
        #expect(!known(3_001))                    // row 3 changed
        set.keep(3_001)                           // …and decoded into a record
        #expect(known(4_000))                     // back in step
        #expect(known(9_000))                     // rows 5–8 left the export
        for new in 1...15 { #expect(!known(UInt64(new))) }  // new rows
        #expect(known(150_000))                   // the 16th miss in a row: searched ahead
        #expect(!known(100_000))                  // behind the cursor: read in full
        #expect(set.next == [1_000, 2_000, 3_001, 4_000, 9_000, 150_000])
    }

    /// An export too large to keep leaves no set (and holds no memory for one).
    @Test func anExportOverTheLimitKeepsNothing() {
        var set = KnownRows(context: "c", limit: 3)
        for d in UInt64(1)...3 { set.keep(d) }
        #expect(set.next == [1, 2, 3] && !set.overflowed)
        set.keep(4)
        #expect(set.next == nil && set.overflowed)
    }

    /// Today's set goes to a temporary file a chunk at a time, and is saved into the store and
    /// read back whole and in order, however many chunks it took.
    @Test func aLargeSetSpillsAndIsSavedAndLoadedInOrder() throws {
        let store = try tempStore()
        let directory = String(store.path.prefix(upTo: store.path.lastIndex(of: "/")!))
        var set = KnownRows(context: "ctx")
        set.spillDirectory = directory
        let digests = (0..<UInt64(200_000)).map { $0 &* 0x9E37_79B9_7F4A_7C15 }
        for d in digests { set.keep(d) }
        #expect(set.nextCount == digests.count && set.next == digests)
        try store.importFile { file in try file.saveKnownRows(source: "forloeb", set) }
        let loaded = try store.importFile { file in try file.knownRows(source: "forloeb") }
        #expect(loaded?.context == "ctx" && loaded?.count == digests.count)
        var again = try #require(loaded)
        #expect(digests.prefix(1000).allSatisfy { again.containsAndKeep($0) })
        // No temporary file is left in the store's folder.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).allSatisfy { !$0.hasPrefix(".trin-rows") })
    }
}
