import Foundation
import Logging
import Testing
import TrinCore
import TrinMapping
import TrinPipeline
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

        let store = try Store(path: dir + "/trin.sqlite")
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
}
