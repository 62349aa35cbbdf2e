import Foundation
import Synchronization
import Logging
import Testing
import TrinCore
import TrinMapping
import TrinImport
import TrinService
import TrinPseudonym
import TrinSample
import TrinStore
import TrinTestSupport

/// An export is known by its content, whatever it is called. Its digest is computed beside
/// the import: at once when a file of the same size was imported before (the file may be a
/// known one, to be abandoned early), only at the end otherwise (it cannot be). Either
/// way the outcome is the same.
@Suite struct KnownFileTests {
    let mappings = TrinBinary.repositoryRoot + "/mappings"
    let key = try! PseudonymKey(bytes: (0..<32).map { UInt8($0) })

    @Test("a copy is skipped, a file of the same size but other content is imported, and the store knows sizes")
    func copiesAndLookAlikes() throws {
        let dir = TrinBinary.temporaryDirectory("trin-known")
        let manifest = try SampleGenerator(citizens: 80, seed: 11, dirtyFraction: 0).write(to: dir + "/exports")
        let file = dir + "/exports/" + (try #require(manifest.files.map(\.name).filter { $0.hasPrefix("forloeb") }.sorted().first))
        let original = try Data(contentsOf: URL(fileURLWithPath: file))
        let copy = dir + "/copy.csv"
        try original.write(to: URL(fileURLWithPath: copy))
        // Same size, other content: one digit of the last row's hours changed (9 <-> 8).
        var altered = original
        let digit = try #require(altered.lastIndex(where: { $0 >= UInt8(ascii: "1") && $0 <= UInt8(ascii: "9") }))
        altered[digit] = altered[digit] == UInt8(ascii: "9") ? UInt8(ascii: "8") : altered[digit] + 1
        let lookAlike = dir + "/look-alike.csv"
        try altered.write(to: URL(fileURLWithPath: lookAlike))

        let store = try SQLiteStore(path: dir + "/trin.sqlite")
        let importer = try Importer(store: store, pseudonymiser: Pseudonymiser(key: key), logger: Logger(label: "test"))
        let mapping = try MappingLoader.load(path: "\(mappings)/forloeb.yaml")
        let runID = try store.beginRun(command: "test", startedAt: Instant(secondsSinceEpoch: 0), dryRun: false)
        #expect(try !store.hasImportedFile(ofBytes: original.count))
        let first = importer.importFile(path: file, mapping: mapping, runID: runID)
        #expect(first.status == .imported && first.inserted > 0, "\(first.message ?? "")")
        #expect(try store.hasImportedFile(ofBytes: original.count))
        #expect(try !store.hasImportedFile(ofBytes: original.count + 1))
        let again = importer.importFile(path: copy, mapping: mapping, runID: runID)
        #expect(again.status == .skippedIdentical && again.bytes == original.count, "\(again.message ?? "")")
        let other = importer.importFile(path: lookAlike, mapping: mapping, runID: runID)
        #expect(other.status == .imported && other.bytes == original.count, "\(other.message ?? "")")
        #expect(other.rowsRead == first.rowsRead)
    }

    @Test("a file rewritten while it is being imported fails with nothing kept, and imports whole next time")
    func fileChangedDuringImport() throws {
        let dir = TrinBinary.temporaryDirectory("trin-changed")
        let file = dir + "/forloeb.csv"
        // Several batches: the file is changed once the store has written the first of them.
        try SampleGenerator.writeLargeForloeb(rows: 20_000, seed: 3, to: file)
        let store = try SQLiteStore(path: dir + "/trin.sqlite")
        var importer = try Importer(store: store, pseudonymiser: Pseudonymiser(key: key), logger: Logger(label: "test"))
        let mapping = try MappingLoader.load(path: "\(mappings)/forloeb.yaml")
        let runID = try store.beginRun(command: "test", startedAt: Instant(secondsSinceEpoch: 0), dryRun: false)
        // The handshake: the first report of a written batch, mid-import, on the importing thread.
        let changed = Mutex(false)
        importer.progress = { progress in
            guard !progress.finished, !changed.withLock({ $0 }) else { return }
            // The source system writes the export again in place: same size, a new time.
            try? FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 60)], ofItemAtPath: file)
            changed.withLock { $0 = true }
        }
        let first = importer.importFile(path: file, mapping: mapping, runID: runID)
        #expect(changed.withLock { $0 }, "the file was changed during the import")
        #expect(first.status == .failed && first.inserted == 0, "\(first.status) \(first.message ?? "")")
        #expect(first.message?.contains("changed while it was being imported") == true, "\(first.message ?? "")")
        #expect(try store.eventCount() == 0)
        importer.progress = nil
        let again = importer.importFile(path: file, mapping: mapping, runID: runID)
        #expect(again.status == .imported && again.inserted == 20_000, "\(again.message ?? "")")
    }
}
