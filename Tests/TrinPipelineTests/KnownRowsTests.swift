import Foundation
import GRDB
import Logging
import Testing
import TrinCore
import TrinMapping
import TrinImport
import TrinService
import TrinPseudonym
import TrinSample
@testable import TrinStore
import TrinTestSupport

/// The nightly full export: rows the source's last export contributed are skipped
/// undecoded. Skipping must never change a figure: the store and every count must be what
/// reading every row gives, whatever changed, moved, left or came.
@Suite struct KnownRowsTests {
    let key = try! PseudonymKey(bytes: (0..<32).map { UInt8($0 &* 7) })

    /// Yesterday's export and tonight's: the same rows with every tenth recorded at 23:59:59
    /// (a greater version), a block of 30 rows gone, 20 rows moved to the end, and the rows of
    /// another export (new courses, new versions of known ones, its bad rows) appended.
    func exports(in dir: String) throws -> (day1: String, day2: String) {
        let manifest = try SampleGenerator(citizens: 300, seed: 21, dirtyFraction: 0.04).write(to: dir + "/exports")
        let names = manifest.files.map(\.name).filter { $0.hasPrefix("forloeb-2") }.sorted()
        try #require(names.count >= 2)
        let day1 = dir + "/exports/" + names[0]
        let lines = try Data(contentsOf: URL(fileURLWithPath: day1)).split(separator: 0x0A, omittingEmptySubsequences: false).map { Array($0) }
        let other = try Data(contentsOf: URL(fileURLWithPath: dir + "/exports/" + names[1])).split(separator: 0x0A).map { Array($0) }
        var rows = Array(lines.dropFirst().filter { !$0.isEmpty })
        for i in stride(from: 3, to: rows.count, by: 10) where rows[i].count > 10 && rows[i].last == 0x0D {
            rows[i].replaceSubrange((rows[i].count - 9)..<(rows[i].count - 1), with: Array("23:59:59".utf8))
        }
        rows.removeSubrange(100..<130)
        let moved = Array(rows[200..<220])
        rows.removeSubrange(200..<220)
        rows += moved + other.dropFirst()
        let day2 = dir + "/day2.csv"
        try Data(([lines[0]] + rows).joined(separator: [0x0A]) + [0x0A]).write(to: URL(fileURLWithPath: day2))
        return (day1, day2)
    }

    func importBoth(_ files: [String], skipping: Bool, store path: String, source: String = "forloeb") throws -> (Store, [FileOutcome]) {
        let store = try SQLiteStore(path: path)
        var importer = try Importer(store: store, pseudonymiser: Pseudonymiser(key: key), logger: Logger(label: "test"))
        importer.skipsKnownRows = skipping
        let mapping = try MappingLoader.load(path: TrinBinary.repositoryRoot + "/mappings/forloeb.yaml")
        let runID = try store.beginRun(command: "test", startedAt: Instant(secondsSinceEpoch: 0), dryRun: false)
        return (store, files.map { importer.importFile(path: $0, mapping: mapping, source: source, runID: runID) })
    }

    @Test func skippingKnownRowsGivesTheStoreAndCountsOfReadingEveryRow() throws {
        let dir = TrinBinary.temporaryDirectory("trin-known-rows")
        let (day1, day2) = try exports(in: dir)
        let (fast, fastOutcomes) = try importBoth([day1, day2], skipping: true, store: dir + "/fast.sqlite")
        let (full, fullOutcomes) = try importBoth([day1, day2], skipping: false, store: dir + "/full.sqlite")
        let (reversed, _) = try importBoth([day2, day1], skipping: true, store: dir + "/reversed.sqlite")
        for o in fastOutcomes + fullOutcomes { #expect(o.status == .imported, "\(o.message ?? "")") }
        #expect(try fast.canonicalDump() == full.canonicalDump())
        #expect(try fast.canonicalDump() == reversed.canonicalDump())
        // Tonight's counts are the same, rejected rows included (they are read every night).
        let (f, s) = (fastOutcomes[1], fullOutcomes[1])
        let fastCounts: [Int] = [f.rowsRead, f.inserted, f.updated, f.duplicates]
        let fullCounts: [Int] = [s.rowsRead, s.inserted, s.updated, s.duplicates]
        #expect(fastCounts == fullCounts)
        #expect(f.rejectedByReason == s.rejectedByReason && f.rejected > 0)
        #expect(f.updated > 0 && f.inserted > 0)
        // And most of yesterday's rows were skipped tonight: all but the changed, moved and
        // rejected ones (rows appended from another export are read, even where they repeat one).
        #expect(fastOutcomes[0].knownRows == 0 && s.knownRows == 0)
        #expect(f.knownRows > fastOutcomes[0].rowsRead / 2 && f.knownRows <= f.duplicates, "\(f.knownRows) of \(f.rowsRead)")
    }

    @Test func aHeaderThatLosesItsTrailingDelimiterMakesEveryRowUnknown() throws {
        // Last night's rows ended in a delimiter, and so did the header (one empty field
        // dropped from each). Tonight the header has none: the same rows now have a field too
        // many and must be rejected as read, not passed over as known.
        let dir = TrinBinary.temporaryDirectory("trin-known-rows-header")
        let (day1, _) = try exports(in: dir)
        let lines = try Data(contentsOf: URL(fileURLWithPath: day1)).split(separator: 0x0A).map { Array($0) }
        func withoutCR(_ line: [UInt8]) -> [UInt8] { line.last == 0x0D ? Array(line.dropLast()) : line }
        let rows = lines.dropFirst().map { withoutCR($0) + [UInt8(ascii: ";")] }
        let header = withoutCR(lines[0])
        try Data(([header + [UInt8(ascii: ";")]] + rows).joined(separator: [0x0A]) + [0x0A]).write(to: URL(fileURLWithPath: dir + "/night1.csv"))
        try Data(([header] + rows + [rows[0]]).joined(separator: [0x0A]) + [0x0A]).write(to: URL(fileURLWithPath: dir + "/night2.csv"))
        let (_, skipped) = try importBoth([dir + "/night1.csv", dir + "/night2.csv"], skipping: true, store: dir + "/fast.sqlite")
        let (_, read) = try importBoth([dir + "/night1.csv", dir + "/night2.csv"], skipping: false, store: dir + "/full.sqlite")
        #expect(skipped[0].status == .imported && skipped[0].inserted > 0, "\(skipped[0].message ?? "")")
        #expect(skipped[1].knownRows == 0)
        #expect(skipped[1].rejectedByReason == read[1].rejectedByReason)
        #expect(skipped[1].rejected == skipped[1].rowsRead && skipped[1].rowsRead > 100)
    }

    @Test func aSetIsUsedOnlyForTheSameSourceAndIsForgottenWhenRetentionMayBringRecordsBack() throws {
        let dir = TrinBinary.temporaryDirectory("trin-known-rows-context")
        let (day1, day2) = try exports(in: dir)
        let (store, outcomes) = try importBoth([day1, day2], skipping: true, store: dir + "/s.sqlite")
        #expect(outcomes[1].knownRows > 0)
        // Another source reading the same file: its own rows, none known.
        let (_, other) = try importBoth([day2], skipping: true, store: dir + "/s.sqlite", source: "forloeb-b")
        #expect(other[0].status == .imported && other[0].knownRows == 0)
        /// Night two's export again, without its last `n` rows (a file imported before would be skipped whole).
        func day2Again(_ n: Int) throws -> String {
            var lines = try Data(contentsOf: URL(fileURLWithPath: day2)).split(separator: 0x0A).map { Array($0) }
            lines.removeLast(n)
            let path = dir + "/day2-again-\(n).csv"
            try Data(lines.joined(separator: [0x0A]) + [0x0A]).write(to: URL(fileURLWithPath: path))
            return path
        }
        // Retention deletes old records. Its cutoff only moves forward (a day later each run):
        // the rows stay known, and a known row's deleted record stays deleted.
        for cutoff in [Day(year: 2023, month: 6, day: 1)!, Day(year: 2023, month: 6, day: 2)!] {
            _ = try store.purge(rejectedRowsBefore: nil, runsBefore: nil, eventsEndedBefore: cutoff)
        }
        let dumpAfterPurge = try store.canonicalDump()
        try #require(dumpAfterPurge != (try importBoth([day1, day2], skipping: true, store: dir + "/unpurged.sqlite").0.canonicalDump()))
        let (_, again) = try importBoth([day2Again(1)], skipping: true, store: dir + "/s.sqlite")
        #expect(again[0].knownRows > 0 && again[0].inserted == 0, "\(again[0].knownRows) known, \(again[0].inserted) new")
        #expect(try store.canonicalDump() == dumpAfterPurge)
        // A longer retention (the cutoff moves back): records deleted before may be kept now,
        // so an export that still has them brings them back: no row is known any more.
        _ = try store.purge(rejectedRowsBefore: nil, runsBefore: nil, eventsEndedBefore: Day(year: 2022, month: 1, day: 1)!)
        #expect(try !store.hasKnownRows(source: "forloeb"))
        let (_, back) = try importBoth([day2Again(2)], skipping: true, store: dir + "/s.sqlite")
        #expect(back[0].knownRows == 0 && back[0].inserted > 0)
        #expect(try store.canonicalDump() != dumpAfterPurge)
        // Retention of records switched off: the same.
        #expect(try store.hasKnownRows(source: "forloeb"))
        _ = try store.purge(rejectedRowsBefore: nil, runsBefore: nil, eventsEndedBefore: nil)
        #expect(try !store.hasKnownRows(source: "forloeb"))
    }

    /// A third night, whose store already holds the second night's changes in `event_recent`
    /// (past a quarter of its limit): the importer has the store fold its next part of the
    /// key space before the night's records come, so that part holds only tonight's changes
    /// afterwards (folded at the end, it would hold none). Read in full instead (no known
    /// rows), the night folds at its end. Both stores hold what reading every row gives.
    @Test func aNightlyExportFoldsItsPartBeforeItsRecords() throws {
        let dir = TrinBinary.temporaryDirectory("trin-known-rows-ahead")
        let (day1, day2) = try exports(in: dir)
        // Night three: night two's rows with every tenth row from the eighth on recorded later.
        var lines = try Data(contentsOf: URL(fileURLWithPath: day2)).split(separator: 0x0A).map { Array($0) }
        for i in stride(from: 8, to: lines.count, by: 10) where lines[i].count > 10 && lines[i].last == 0x0D {
            lines[i].replaceSubrange((lines[i].count - 9)..<(lines[i].count - 1), with: Array("23:59:58".utf8))
        }
        let day3 = dir + "/day3.csv"
        try Data(lines.joined(separator: [0x0A]) + [0x0A]).write(to: URL(fileURLWithPath: day3))
        /// `event_recent`'s rows in the part that night three folds, and the part to fold next.
        func recentInPart(_ store: Store, _ part: Int) throws -> (rows: Int, next: String?) {
            let sqlite = try #require(store as? SQLiteStore)
            let width = 256 / 8
            return try sqlite.queue.read { db in
                (try Int.fetchOne(db, sql: "SELECT count(*) FROM event_recent WHERE identity >= ? AND identity < ?",
                                  arguments: [Data([UInt8(part * width)]), Data([UInt8(part * width + width)])])!,
                 try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'event_recent_next_part'"))
            }
        }
        let (fast, fastOutcomes) = try importBoth([day1, day2], skipping: true, store: dir + "/fast.sqlite")
        let (full, _) = try importBoth([day1, day2], skipping: false, store: dir + "/full.sqlite")
        let before = try recentInPart(fast, 0)
        // Night two's changes wait in event_recent (more than 1/16 of event), none folded yet.
        let (events, recent) = try #require(fast as? SQLiteStore).queue.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM event")!, try Int.fetchOne(db, sql: "SELECT count(*) FROM event_recent")!)
        }
        try #require(recent > events / 16 && recent <= events / 8 && before.rows > 0 && before.next == nil, "\(recent) of \(events), \(before)")
        #expect(fastOutcomes[1].knownRows > 0)
        let (_, fastNight) = try importBoth([day3], skipping: true, store: dir + "/fast.sqlite")
        let (_, fullNight) = try importBoth([day3], skipping: false, store: dir + "/full.sqlite")
        #expect(fastNight[0].knownRows > 0 && fastNight[0].updated > 0)
        let (fastAfter, fullAfter) = (try recentInPart(fast, 0), try recentInPart(full, 0))
        #expect(fastAfter.next == "1" && fastAfter.rows > 0, "folded ahead: tonight's changes in part 0 stay in event_recent")
        #expect(fullAfter.next == "1" && fullAfter.rows == 0, "folded at the end")
        #expect(fastNight[0].inserted == fullNight[0].inserted && fastNight[0].updated == fullNight[0].updated)
        #expect(try fast.canonicalDump() == full.canonicalDump())
    }
}
