import Foundation
import Logging
import Testing
import TrinCore
import TrinImport
import TrinMapping
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
        let store = try SQLiteStore(path: path)
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
        #expect(f.knownRows < f.rowsRead - f.updated - f.inserted - f.rejected + 1)
    }

    @Test func anImportIntoAnEmptyStoreKeepsNoSetAndTheNextOneDoes() throws {
        let dir = TrinBinary.temporaryDirectory("trin-xml-known-first")
        let (_, day1, day2) = try exports(in: dir)
        // Night three: night two with one more course appended (a file imported before is skipped whole).
        let (head, courses, tail) = try Self.courses(day2)
        let day3 = dir + "/day3.xml"
        try (head + courses.flatMap { $0 } + courses[0].map { $0.replacingOccurrences(of: #"id="P-"#, with: #"id="Q-"#) } + tail)
            .joined(separator: "\n").appending("\n").write(toFile: day3, atomically: true, encoding: .utf8)
        let (store, outcomes) = try importAll([(day1, "haendelser"), (day2, "haendelser"), (day3, "haendelser")], skipping: true,
                                              store: dir + "/s.sqlite")
        for o in outcomes { #expect(o.status == .imported, "\(o.message ?? "")") }
        #expect(outcomes[1].knownRows == 0, "the first import (one pass into an empty store) kept no digests")
        // Night three knows every record of night two but the rejected ones; the copied course's
        // records (another source id: new versions) are read.
        let copied = courses[0].filter { $0.contains("<Haendelse ") }.count
        #expect(outcomes[2].knownRows == outcomes[2].rowsRead - outcomes[1].rejected - copied && outcomes[2].knownRows > 100,
                "\(outcomes[2].knownRows) of \(outcomes[2].rowsRead)")
        let (full, _) = try importAll([(day1, "haendelser"), (day2, "haendelser"), (day3, "haendelser")], skipping: false,
                                      store: dir + "/full.sqlite")
        #expect(try store.canonicalDump() == full.canonicalDump())
    }
}
