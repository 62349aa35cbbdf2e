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

    func context(_ seconds: Int64) -> PublicationContext {
        PublicationContext(unitName: "Testenheden", dataChangedAt: generated, publishedAt: Instant(secondsSinceEpoch: seconds))
    }

    func publish(into out: URL, runID: String = "run-1", at seconds: Int64 = 1_735_700_000,
                 publisher: MetricPublisher? = nil, released: ReleasedFigures = sampleReleased()) throws -> PublishedSet {
        try (publisher ?? self.publisher).publish(released, context: context(seconds), outputDirectory: out, runID: runID)
    }

    @Test("suppressed figures are marked, never zero: JSON carries the mark, CSV an empty value and suppressed = true")
    func marked() throws {
        let out = try temporaryDirectory()
        let set = try publish(into: out)
        // 2024 (closed as of 2025-11-30): "=HYPERLINK…" started 20 courses and the pooled row 3 (SA-2),
        // a primary suppression that hides its partner in the started column, "=HYPERLINK…".
        let json = try JSON.parse(String(contentsOf: set.directory.appendingPathComponent("progression.json"), encoding: .utf8))
        guard case .object(let doc) = json, case .array(let years)? = doc["years"], case .object(let y2024) = years[1],
              case .array(let cells)? = y2024["cells"]
        else { Issue.record("unexpected shape"); return }
        #expect(doc["asOf"] == .string("2025-11-30"))
        #expect(doc["closedYears"] == .array([.integer(2023), .integer(2024)]))
        #expect(y2024["status"] == .string("closed"))
        let started = try #require(cells.first {
            guard case .object(let c) = $0 else { return false }
            return c["agreement"] == .string("=HYPERLINK(\"x\")") && c["measure"] == .string("started")
        })
        guard case .object(let startedCell) = started else { return }
        #expect(startedCell["suppressed"] == .bool(true) && startedCell["value"] == nil)
        let csv = try String(contentsOf: set.directory.appendingPathComponent("progression.csv"), encoding: .utf8)
        let rows = parseCSV(csv, delimiter: ";")
        let header = rows[0]
        let row = try #require(rows.first { $0[0] == "2024" && $0[header.firstIndex(of: "measure")!] == "started" })
        #expect(row[header.firstIndex(of: "value")!] == "")
        #expect(row[header.firstIndex(of: "suppressed")!] == "true")
        #expect(!csv.contains(".."))
    }

    @Test("CSV: long tables, UTF-8 with BOM, ';' and decimal comma by default; comma dialect too")
    func csvDialects() throws {
        let out = try temporaryDirectory()
        let set = try publish(into: out)
        let data = try Data(contentsOf: set.directory.appendingPathComponent("progression.csv"))
        #expect(Array(data.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let rows = parseCSV(String(decoding: data, as: UTF8.self), delimiter: ";")
        let header = rows[0]
        #expect(header == ["year", "status", "asOf", "level", "agreement", "enterprise", "measure", "stage", "value", "suppressed", "share"])
        #expect(rows.allSatisfy { $0.count == header.count })
        // SA-1 in 2023: 20 courses, each motivation on 1 March plus a job or praktik on the
        // 15th of month c % 9 + 1. Citizens 1, 9, 10, 18 and 19 had that step in January or
        // February, before motivation, so their first ranked record is already their
        // highest: 15 of 20 moved up → 0,75 with a decimal comma.
        let sa1 = rows.filter { $0[4] == "SA-1" }
        #expect(sa1.first { $0[6] == "started" }?[8] == "20")
        #expect(sa1.first { $0[6] == "notMovedUp" }?[8] == "5")
        #expect(sa1.first { $0[6] == "movedUp" }?[10] == "0,75")
        #expect(sa1.allSatisfy { $0[2] == "2025-11-30" && $0[1] == "closed" && $0[3] == "coarse" })
        // Totals are rows of their own, marked `total`, never unlabelled sums.
        let employment = parseCSV(try String(contentsOf: set.directory.appendingPathComponent("employment.csv"), encoding: .utf8),
                                  delimiter: ";")
        #expect(employment[0] == ["year", "status", "asOf", "level", "targetGroup", "ageBand", "value", "suppressed"])
        #expect(employment.contains { $0[0] == "2023" && $0[4] == "total" && $0[5] == "total" })
        let intl = MetricPublisher(dialect: .international)
        let set2 = try publish(into: try temporaryDirectory(), publisher: intl)
        let rows2 = parseCSV(try String(contentsOf: set2.directory.appendingPathComponent("progression.csv"), encoding: .utf8),
                             delimiter: ",")
        #expect(rows2.filter { $0[4] == "SA-1" }.first { $0[6] == "movedUp" }?[10] == "0.75")
        #expect(PublishedCSVDialect.danish.decimal(0.25) == "0,25" && PublishedCSVDialect.international.decimal(1.0 / 3) == "0.333333")
    }

    @Test("dimension tables label every code the figure files use; the register names the enterprises")
    func dimensions() throws {
        let set = try publish(into: try temporaryDirectory())
        func read(_ name: String) throws -> [[String]] {
            parseCSV(try String(contentsOf: set.directory.appendingPathComponent(name), encoding: .utf8), delimiter: ";")
        }
        let stages = Set(try read("dim_stage.csv").dropFirst().map { $0[0] })
        let ages = Set(try read("dim_age.csv").dropFirst().map { $0[0] })
        let groups = Set(try read("dim_target_group.csv").dropFirst().map { $0[0] })
        let measures = Set(try read("dim_measure.csv").dropFirst().map { $0[0] })
        for row in try read("value_chain.csv").dropFirst() + read("progression.csv").dropFirst() {
            #expect(stages.contains(row[row.count - 4]), "unlabelled stage \(row)")
            #expect(measures.contains(row[row.count - 5]), "unlabelled measure \(row)")
        }
        for row in try read("employment.csv").dropFirst() {
            #expect(groups.contains(row[4]) && ages.contains(row[5]), "unlabelled \(row)")
        }
        let register = try read("enterprise_register.csv")
        #expect(register.contains { $0[0] == "30000001" && $0[1] == "Café <Kaffe> & Co" })
    }

    @Test("an open year publishes headline figures only; closed years every table")
    func headlineOnly() throws {
        // As of 2024-03-31: 2024 is open, 2023 closed (its February has passed).
        let r = sampleReleased(asOf: "2024-03-31")
        let y2023 = try #require(r.years.first { $0.year == 2023 })
        let y2024 = try #require(r.years.first { $0.year == 2024 })
        #expect(y2023.status == .closed && y2024.status == .open)
        #expect(!y2023.progression.cells.isEmpty)
        #expect(y2024.progression.cells.isEmpty)
        #expect(y2024.tables.flatMap(\.cells).allSatisfy { $0.level == .headline })
        // definitions.md's open-year value chain: courses started, highest step reached (the three
        // steps and none, no stages), moved up (and its complement).
        #expect(Set(y2024.valueChain.cells.map { $0.coordinates[0] }) == ["started", "highestStep", "movedUp", "notMovedUp"])
        let steps = y2024.valueChain.cells.filter { $0.coordinates[0] == "highestStep" }.map { $0.coordinates[1] }
        #expect(Set(steps) == ["none", "preparing", "workplace", "goal"])
        #expect(y2024.employment.cells.map(\.coordinates) == [["total", "total"]])
        // Records starting after the as-of date do not count: the 2024 courses start on 1 February.
        #expect(sampleReleased(asOf: "2024-01-31").years.map(\.year) == [2023])
        // As of 2025-01-31, 2024 is provisional: headline only until the end of February.
        #expect(sampleReleased(asOf: "2025-01-31").years.first { $0.year == 2024 }?.status == .provisional)
        #expect(sampleReleased(asOf: "2025-02-28").years.first { $0.year == 2024 }?.status == .closed)
    }

    @Test("formula injection: cells starting with = + - @ tab CR are neutralised")
    func formulaInjection() {
        let d = PublishedCSVDialect.danish
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

    @Test("two sets published in the same month are identical but for their publication time")
    func sameMonth() throws {
        // Runs on 3 and 28 December 2025: both as of 30 November.
        let early = ReleasePolicy.lastCompleteMonth(before: Day(iso: "2025-12-03")!)
        let late = ReleasePolicy.lastCompleteMonth(before: Day(iso: "2025-12-28")!)
        #expect(early == late && early.asOf == Day(iso: "2025-11-30")!)
        let a = try publish(into: try temporaryDirectory(), runID: "a", at: 1_764_720_000,
                            released: sampleReleased(asOf: early.asOf.description))
        let b = try publish(into: try temporaryDirectory(), runID: "b", at: 1_766_880_000,
                            released: sampleReleased(asOf: late.asOf.description))
        for (x, y) in zip(a.manifest.files, b.manifest.files) {
            #expect(x.name == y.name)
            let textA = try String(contentsOf: a.directory.appendingPathComponent(x.name), encoding: .utf8)
            let textB = try String(contentsOf: b.directory.appendingPathComponent(y.name), encoding: .utf8)
            if x.name.hasSuffix(".csv") { #expect(x == y, "\(x.name) differs") }
            // JSON and the data package say when they were published; nothing else differs.
            let strip = { (t: String) in t.split(separator: "\n").filter { !$0.contains("\"publishedAt\"") && !$0.contains("\"created\"") } }
            #expect(strip(textA) == strip(textB), "\(x.name) differs beyond its publication time")
        }
        // A month later the as-of date moves on.
        #expect(ReleasePolicy.lastCompleteMonth(before: Day(iso: "2026-01-02")!).asOf == Day(iso: "2025-12-31")!)
    }

    @Test("an interrupted publication leaves current on the previous complete set")
    func interrupted() throws {
        let out = try temporaryDirectory()
        let first = try publish(into: out, runID: "first", at: 100)
        // Second run: staged, then "killed" before commit, with a half-written file.
        let released = sampleReleased()
        let files = publisher.render(released, context: context(200))
        let staged = try publisher.stage(files: files, released: released, context: context(200), outputDirectory: out,
                                         runID: "second")
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
        let d = sampleReleased()
        let text = d.summary(year: 2024)
        #expect(text.contains("trin metrics 2024 as of 2025-11-30: closed"))
        #expect(text.contains("=HYPERLINK(\"x\") (Café <Kaffe> & Co): started .."))
        // 41 enterprises, number 7 without the local bottom line: exactly 40, the goal.
        #expect(text.contains("with all three bottom lines: 40 (goal 40) — met"))
        #expect(text.contains("Employment: 0 citizens entered employment (norm 30) — not met"))
        #expect(d.summary(year: 1990).contains("No figures for 1990"))
        // An open year: the highest step reached, no stage.
        let open = sampleReleased(asOf: "2024-03-31").summary(year: 2024)
        #expect(open.contains("highest step goal") && open.contains("highest step none"), "\(open)")
        #expect(!open.contains("highest praktik"))
    }
}
