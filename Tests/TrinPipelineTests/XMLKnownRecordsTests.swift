import Foundation
import Logging
import Testing
import TrinCore
import TrinImport
import TrinMapping
import TrinPostgres
import TrinPseudonym
import TrinSample
import TrinStore
import TrinTestSupport

/// The partner portal's nightly full XML export: records whose values the source's last
/// export had are skipped undecoded. As for CSV rows, skipping must never change a figure:
/// the store and every count must be what reading every record gives.
@Suite struct XMLKnownRecordsTests {
    let key = try! PseudonymKey(bytes: (0..<32).map { UInt8(truncatingIfNeeded: $0 &* 11) })

    /// The sample world's exports: the course CSV, yesterday's XML and tonight's. Tonight's
    /// is yesterday's with every tenth event recorded later (a greater version), every
    /// seventh course's agreement changed (each of its events changes with it), a block of
    /// courses gone, some moved to the end, and the courses of the sample's other XML export
    /// (new courses, known ones, bad ones) appended.
    func exports(in dir: String) throws -> (csv: String, day1: String, day2: String) {
        let manifest = try SampleGenerator(citizens: 300, seed: 21, dirtyFraction: 0.04).write(to: dir + "/exports")
        let names = manifest.files.map(\.name)
        let csv = try #require(names.filter { $0.hasPrefix("forloeb-2") }.sorted().first)
        let xml = names.filter { $0.hasPrefix("haendelser-2") }.sorted()
        try #require(xml.count >= 2)
        let (head1, courses1, tail1) = try Self.courses(dir + "/exports/" + xml[0])
        let (_, courses2, _) = try Self.courses(dir + "/exports/" + xml[1])
        var courses = courses1
        var event = 0
        for c in courses.indices {
            courses[c] = courses[c].map { line in
                guard line.contains("<Haendelse ") else { return line }
                event += 1
                guard event % 10 == 3, let r = line.range(of: #"registreret="[^"]*""#, options: .regularExpression) else { return line }
                return line.replacingCharacters(in: r, with: #"registreret="2025-01-04T23:59:59Z""#)
            }
            if c % 7 == 2 {
                courses[c] = courses[c].map { $0.replacingOccurrences(of: #"<Aftale id="SA-"#, with: #"<Aftale id="SB-"#) }
            }
        }
        try #require(courses.count > 120)
        courses.removeSubrange(40..<55)
        let moved = Array(courses[70..<80])
        courses.removeSubrange(70..<80)
        courses += moved + courses2
        let day2 = dir + "/day2.xml"
        try (head1 + courses.flatMap { $0 } + tail1).joined(separator: "\n").appending("\n")
            .write(toFile: day2, atomically: true, encoding: .utf8)
        return (dir + "/exports/" + csv, dir + "/exports/" + xml[0], day2)
    }

    /// A sample XML export split into the lines before the first course, each course's
    /// lines (`<Forloeb` to `</Forloeb>`), and the lines after the last.
    static func courses(_ path: String) throws -> (head: [String], courses: [[String]], tail: [String]) {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var head: [String] = [], courses: [[String]] = [], tail: [String] = [], open: [String]?
        for line in lines {
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("<Forloeb ") { open = [] }
            if open != nil {
                open!.append(line)
                if line.trimmingCharacters(in: .whitespaces) == "</Forloeb>" {
                    courses.append(open!)
                    open = nil
                }
            } else if courses.isEmpty {
                head.append(line)
            } else if !line.isEmpty {
                tail.append(line)
            }
        }
        return (head, courses, tail)
    }

    func importAll(_ files: [(path: String, mapping: String)], skipping: Bool, store path: String) throws -> (Store, [FileOutcome]) {
        try importAll(files, skipping: skipping, into: try SQLiteStore(path: path))
    }

    func importAll(_ files: [(path: String, mapping: String)], skipping: Bool, into store: any Store) throws -> (Store, [FileOutcome]) {
        var importer = try Importer(store: store, pseudonymiser: Pseudonymiser(key: key), logger: Logger(label: "test"))
        importer.skipsKnownRows = skipping
        let runID = try store.beginRun(command: "test", startedAt: Instant(secondsSinceEpoch: 0), dryRun: false)
        return (store, try files.map { file in
            let mapping = try MappingLoader.load(path: TrinBinary.repositoryRoot + "/mappings/\(file.mapping).yaml")
            return importer.importFile(path: file.path, mapping: mapping, source: file.mapping, runID: runID)
        })
    }

    @Test func skippingKnownRecordsGivesTheStoreAndCountsOfReadingEveryRecord() throws {
        let dir = TrinBinary.temporaryDirectory("trin-xml-known")
        let (csv, day1, day2) = try exports(in: dir)
        // The course CSV first: the XML then goes into a store with records, as on any night
        // but the very first, and keeps its records' digests.
        let files = [(csv, "forloeb"), (day1, "haendelser"), (day2, "haendelser")]
        let (fast, fastOutcomes) = try importAll(files, skipping: true, store: dir + "/fast.sqlite")
        let (full, fullOutcomes) = try importAll(files, skipping: false, store: dir + "/full.sqlite")
        let (reversed, _) = try importAll([(csv, "forloeb"), (day2, "haendelser"), (day1, "haendelser")], skipping: true,
                                          store: dir + "/reversed.sqlite")
        for o in fastOutcomes + fullOutcomes { #expect(o.status == .imported, "\(o.message ?? "")") }
        #expect(try fast.canonicalDump() == full.canonicalDump())
        #expect(try fast.canonicalDump() == reversed.canonicalDump())
        let (f, s) = (fastOutcomes[2], fullOutcomes[2])
        let fastCounts: [Int] = [f.rowsRead, f.inserted, f.updated, f.duplicates]
        let fullCounts: [Int] = [s.rowsRead, s.inserted, s.updated, s.duplicates]
        #expect(fastCounts == fullCounts)
        #expect(f.rejectedByReason == s.rejectedByReason && f.rejected > 0, "bad records are read and rejected every night")
        #expect(f.updated > 0 && f.inserted > 0)
        // Most of yesterday's records were skipped tonight; not the changed ones.
        #expect(fastOutcomes[1].knownRows == 0 && s.knownRows == 0)
        #expect(f.knownRows > fastOutcomes[1].rowsRead / 2 && f.knownRows <= f.duplicates, "\(f.knownRows) of \(f.rowsRead)")
    }

    @Test func anImportIntoAnEmptyStoreKeepsNoSetAndTheNextOnesDo() throws {
        let dir = TrinBinary.temporaryDirectory("trin-xml-known-first")
        let (_, day1, day2) = try exports(in: dir)
        // Night n + 1: night n with course `c` under another id, where it stood (the matcher
        // compares it with the record it replaces: only its values tell it apart).
        func night(_ n: Int, from previous: String, renaming c: Int) throws -> (path: String, renamed: Int) {
            let (head, courses, tail) = try Self.courses(previous)
            var changed = courses
            changed[c] = courses[c].map { $0.replacingOccurrences(of: #"id="P-"#, with: #"id="Q\#(n)-"#) }
            let path = dir + "/day\(n).xml"
            try (head + changed.flatMap { $0 } + tail).joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
            return (path, courses[c].filter { $0.contains("<Haendelse ") }.count)
        }
        let day3 = try night(3, from: day2, renaming: 5)
        let day4 = try night(4, from: day3.path, renaming: 9)
        let files = [day1, day2, day3.path, day4.path].map { ($0, "haendelser") }
        let (store, outcomes) = try importAll(files, skipping: true, store: dir + "/s.sqlite")
        for o in outcomes { #expect(o.status == .imported, "\(o.message ?? "")") }
        #expect(outcomes[1].knownRows == 0, "the first import (one pass into an empty store) kept no digests")
        // Nights three and four know every record of the night before but the rejected ones and
        // the renamed course's (another source id: new versions); night four uses the set kept
        // by night three, which itself skipped most of its records.
        for (n, renamed) in [(2, day3.renamed), (3, day4.renamed)] {
            #expect(renamed > 0)
            #expect(outcomes[n].knownRows == outcomes[n].rowsRead - outcomes[n - 1].rejected - renamed && outcomes[n].knownRows > 100,
                    "night \(n + 1): \(outcomes[n].knownRows) of \(outcomes[n].rowsRead)")
            #expect(outcomes[n].updated == renamed, "the renamed course's records are greater versions")
        }
        let (full, _) = try importAll(files, skipping: false, store: dir + "/full.sqlite")
        #expect(try store.canonicalDump() == full.canonicalDump())
    }

    /// A purge that deletes every record keeps the sets (its cutoff moved forward); the next
    /// XML import then takes one pass into the empty store and keeps no digests, so it must
    /// not leave the older set for the import after it.
    @Test func aOnePassImportRemovesTheSourcesOlderSet() throws {
        let dir = TrinBinary.temporaryDirectory("trin-xml-known-empty")
        let (_, day1, day2) = try exports(in: dir)
        let (store, outcomes) = try importAll([(day1, "haendelser"), (day2, "haendelser")], skipping: true, store: dir + "/s.sqlite")
        for o in outcomes { #expect(o.status == .imported, "\(o.message ?? "")") }
        let sqlite = try #require(store as? SQLiteStore)
        try #require(try sqlite.hasKnownRows(source: "haendelser"))
        _ = try sqlite.purge(rejectedRowsBefore: nil, runsBefore: nil, eventsEndedBefore: Day(year: 2100, month: 1, day: 1)!)
        #expect(try sqlite.hasKnownRows(source: "haendelser"), "a cutoff that moves forward keeps the sets")
        // Night one's export again, with a comment (a file imported before would be skipped whole).
        let day1Again = dir + "/day1-again.xml"
        try (String(contentsOfFile: day1, encoding: .utf8) + "<!-- again -->\n").write(toFile: day1Again, atomically: true, encoding: .utf8)
        let (_, again) = try importAll([(day1Again, "haendelser")], skipping: true, store: dir + "/s.sqlite")
        #expect(again[0].status == .imported && again[0].inserted > 0 && again[0].knownRows == 0)
        #expect(try !sqlite.hasKnownRows(source: "haendelser"))
    }

    /// The PostgreSQL store (never a one pass) keeps and uses the same sets.
    @Test(.enabled(if: postgresTestServer != nil, "needs the cluster make test starts (scripts/pg-test-cluster.sh)"))
    func aPostgreSQLStoreSkipsTheSameRecords() throws {
        let dir = TrinBinary.temporaryDirectory("trin-xml-known-pg")
        let (_, day1, day2) = try exports(in: dir)
        let files = [(day1, "haendelser"), (day2, "haendelser")]
        let postgres = try PostgresStore.open(url: try PostgresURL(postgresTestServer ?? ""), tenant: "t\(UInt32.random(in: 0...UInt32.max))",
                                              workDirectory: dir, environment: [:], home: nil, readFile: { _ in nil },
                                              logger: Logger(label: "test"))
        defer { postgres.close() }
        let (_, fast) = try importAll(files, skipping: true, into: postgres)
        let (full, read) = try importAll(files, skipping: false, store: dir + "/full.sqlite")
        for o in fast { #expect(o.status == .imported, "\(o.message ?? "")") }
        #expect(fast[1].knownRows > fast[0].rowsRead / 2, "\(fast[1].knownRows) of \(fast[1].rowsRead)")
        #expect(fast[1].inserted == read[1].inserted && fast[1].updated == read[1].updated && fast[1].rejected == read[1].rejected)
        #expect(try postgres.canonicalDump() == full.canonicalDump())
    }
}
