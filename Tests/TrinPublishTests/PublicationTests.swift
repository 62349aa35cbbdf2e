import Foundation
import Testing
import TrinCore
import TrinDisclosure
import TrinMetrics
@testable import TrinPublish

@Suite("Publication")
struct PublicationTests {
    let publisher = MetricPublisher()
    let generated = Instant(secondsSinceEpoch: 1_735_689_600)  // 2025-01-01T00:00:00Z

    func publish(into out: URL, runID: String = "run-1", at seconds: Int64 = 1_735_700_000,
                 publisher: MetricPublisher? = nil) throws -> PublishedSet {
        try (publisher ?? self.publisher).publish(metrics: sampleMetrics(), threshold: .standard, outputDirectory: out,
                                                  runID: runID, generatedAt: generated,
                                                  publishedAt: Instant(secondsSinceEpoch: seconds))
    }

    @Test("every JSON file validates against its schema in schemas/, and the validator can fail")
    func schemas() throws {
        let out = try temporaryDirectory()
        let set = try publish(into: out)
        for name in ["employment", "progression", "youth", "enterprises", "manifest"] {
            let schema = try JSON.parse(String(contentsOf: schemasDirectory.appendingPathComponent("\(name).schema.json"), encoding: .utf8))
            let text = try String(contentsOf: set.directory.appendingPathComponent("\(name).json"), encoding: .utf8)
            let errors = SchemaValidator(root: schema).errors(try JSON.parse(text))
            #expect(errors.isEmpty, "\(name): \(errors.prefix(5))")
            // A suppressed cell written as a zero-like marker, or a bare number, must fail.
            if name == "employment" {
                let broken = text.replacingOccurrences(of: "\"suppressed\": true", with: "\"suppressed\": false")
                #expect(broken != text)
                #expect(!SchemaValidator(root: schema).errors(try JSON.parse(broken)).isEmpty)
            }
        }
    }

    @Test("suppressed figures are marked, never zero or blank, in JSON and CSV")
    func marked() throws {
        let out = try temporaryDirectory()
        let set = try publish(into: out)
        // Agreement "=HYPERLINK…" has 3 courses in 2024: started is a primary suppression.
        let json = try JSON.parse(String(contentsOf: set.directory.appendingPathComponent("progression.json"), encoding: .utf8))
        guard case .object(let doc) = json, case .array(let years)? = doc["years"], case .object(let y2024) = years[1],
              case .array(let agreements)? = y2024["agreements"], case .object(let a) = agreements[0]
        else { Issue.record("unexpected shape"); return }
        #expect(a["agreement"] == .string("=HYPERLINK(\"x\")"))
        #expect(a["started"] == .object(["suppressed": .bool(true)]))
        #expect(a["movedUpShare"] == .object(["suppressed": .bool(true)]))
        let csv = try String(contentsOf: set.directory.appendingPathComponent("progression.csv"), encoding: .utf8)
        let rows = parseCSV(csv, delimiter: ";")
        let row = try #require(rows.first { $0[0] == "2024" })
        #expect(row[3] == "..")
        #expect(!row.contains(""))  // nothing blank (the enterprise column holds a CVR here)
    }

    @Test("CSV: UTF-8 with BOM, ';' and decimal comma by default; reads back in its dialect; comma dialect too")
    func csvDialects() throws {
        let out = try temporaryDirectory()
        let set = try publish(into: out)
        let data = try Data(contentsOf: set.directory.appendingPathComponent("progression.csv"))
        #expect(Array(data.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let rows = parseCSV(String(decoding: data, as: UTF8.self), delimiter: ";")
        let header = rows[0]
        #expect(header.first == "year" && header.last == "movedUpShare")
        #expect(rows.allSatisfy { $0.count == header.count })
        // SA-1 in 2023: 12 courses, each motivation on 1 March plus a job or praktik on the
        // 15th of month c % 9 + 1. Citizens 1, 9 and 10 had that step in January or
        // February, before motivation, so their first ranked record is already their
        // highest: 9 of 12 moved up → 0,75 with a decimal comma.
        let sa1 = try #require(rows.first { $0[1] == "SA-1" })
        #expect(sa1[header.firstIndex(of: "started")!] == "12")
        #expect(sa1[header.firstIndex(of: "movedUpShare")!] == "0,75")
        let intl = MetricPublisher(dialect: .international)
        let out2 = try temporaryDirectory()
        let set2 = try publish(into: out2, publisher: intl)
        let rows2 = parseCSV(try String(contentsOf: set2.directory.appendingPathComponent("employment.csv"), encoding: .utf8),
                             delimiter: ",")
        #expect(rows2[0] == ["year", "targetGroup", "<18", "18-24", "25-29", "30-39", "40-49", "50-59", "60+", "total"])
        #expect(rows2.allSatisfy { $0.count == 10 })
        #expect(CSVDialect.danish.decimal(0.25) == "0,25" && CSVDialect.international.decimal(1.0 / 3) == "0.333333")
    }

    @Test("formula injection: cells starting with = + - @ tab CR are neutralised")
    func formulaInjection() {
        let d = CSVDialect.danish
        #expect(d.field("=HYPERLINK(\"http://x\")") == "\"'=HYPERLINK(\"\"http://x\"\")\"")
        #expect(d.field("+45 1234") == "'+45 1234")
        #expect(d.field("-2+3") == "'-2+3")
        #expect(d.field("@SUM(A1)") == "'@SUM(A1)")
        #expect(d.field("\tx") == "'\tx")
        #expect(d.field("\rx") == "\"'\rx\"")
        #expect(d.field("SA-1") == "SA-1")
        #expect(d.field("a;b") == "\"a;b\"")
    }

    @Test("manifest lists every file with its SHA-256; verify catches a changed file")
    func manifest() throws {
        let out = try temporaryDirectory()
        let set = try publish(into: out)
        let names = Set(set.manifest.files.map(\.name))
        let onDisk = Set(try FileManager.default.contentsOfDirectory(atPath: set.directory.path)).subtracting(["manifest.json"])
        #expect(names == onDisk)
        #expect(set.manifest.k == 5 && set.manifest.runID == "run-1")
        #expect(try MetricPublisher.verify(setDirectory: set.directory) == set.manifest)
        let file = set.directory.appendingPathComponent("youth.json")
        try Data("{}".utf8).write(to: file)
        #expect(throws: PublishError.self) { try MetricPublisher.verify(setDirectory: set.directory) }
    }

    @Test("same metrics and generatedAt give byte-identical metric files")
    func deterministic() throws {
        let a = try publish(into: try temporaryDirectory(), runID: "a", at: 1)
        let b = try publish(into: try temporaryDirectory(), runID: "b", at: 2)
        #expect(a.manifest.files == b.manifest.files)
    }

    @Test("an interrupted publication leaves current on the previous complete set")
    func interrupted() throws {
        let out = try temporaryDirectory()
        let first = try publish(into: out, runID: "first", at: 100)
        // Second run: staged, then "killed" before commit, with a half-written file.
        let files = publisher.render(sampleMetrics().disclosed(), generatedAt: generated)
        let staged = try publisher.stage(files: files, k: 5, outputDirectory: out, runID: "second",
                                         generatedAt: generated, publishedAt: Instant(secondsSinceEpoch: 200))
        try Data("{\"years\": [".utf8).write(to: staged.partialDirectory.appendingPathComponent("employment.json"))
        let current = try MetricPublisher.readCurrent(outputDirectory: out)
        #expect(current.name == first.name && current.manifest == first.manifest)
        // Readers listing sets/ see only complete sets.
        let visible = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("sets").path)
            .filter { !$0.hasPrefix(".") }
        #expect(visible == [first.name])
        // The next run cleans the leftover and becomes current.
        let third = try publish(into: out, runID: "third", at: 300)
        #expect(try MetricPublisher.readCurrent(outputDirectory: out).name == third.name)
        let after = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("sets").path)
        #expect(!after.contains { $0.hasPrefix(".partial-") })
    }

    @Test("old sets are pruned beyond keepSets; current is kept")
    func prune() throws {
        let out = try temporaryDirectory()
        let keep3 = MetricPublisher(keepSets: 3)
        var last: PublishedSet?
        for i in 1...6 { last = try publish(into: out, runID: "r\(i)", at: Int64(i * 1000), publisher: keep3) }
        let sets = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("sets").path).sorted()
        #expect(sets.count == 3)
        #expect(sets.last == last?.name)
        #expect(try MetricPublisher.readCurrent(outputDirectory: out).name == last?.name)
        let link = try FileManager.default.destinationOfSymbolicLink(atPath: out.appendingPathComponent("current").path)
        #expect(link == "sets/" + last!.name)
    }

    @Test("no current set is a clear error")
    func noCurrent() throws {
        #expect(throws: PublishError.self) { try MetricPublisher.readCurrent(outputDirectory: try temporaryDirectory()) }
    }

    @Test("terminal summary shows the year's figures, goals and suppression marks")
    func summary() {
        let d = sampleMetrics().disclosed()
        let text = d.summary(year: 2024)
        #expect(text.contains("trin metrics 2024"))
        #expect(text.contains("=HYPERLINK(\"x\") (CVR 30000001): started .."))
        // 41 enterprises, number 7 without the local bottom line: exactly 40, the goal.
        #expect(text.contains("with all three bottom lines: 40 (goal 40) — goal met"))
        #expect(text.contains("Employment: 0 citizens entered employment (norm 30) — goal not met"))
        #expect(d.summary(year: 1990).contains("No figures for 1990"))
    }
}
