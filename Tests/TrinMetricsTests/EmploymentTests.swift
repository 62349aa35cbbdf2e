import Testing
import TrinCore
@testable import TrinMetrics
import TrinDisclosure

@Suite("Employment")
struct EmploymentTests {
    @Test("first employment event only, ever; December then January counts in December's year")
    func firstEvent() {
        let m = compute([
            // Citizen 1: loentimer 15 Dec 2023 then a job 10 Jan 2024 → counted once, in 2023,
            // with the December record's group and band.
            record(1, .loentimer, "2023-12-15", group: .integration, band: .from18to24),
            record(1, .job, "2024-01-10", group: .kontanthjaelp, band: .from18to24),
            // Citizen 2: two employment records on the same day; the one without an
            // agreement ("" sorts first) is the first event → sygedagpenge.
            record(2, .job, "2024-03-01", agreement: "A1", group: .fleksjob, band: .from50to59),
            record(2, .loentimer, "2024-03-01", group: .sygedagpenge, band: .from50to59),
            // Citizen 3: same day, same agreement: the stage name decides, "job" < "loentimer".
            record(3, .loentimer, "2024-05-01", agreement: "A1", group: .fleksjob, band: .from60),
            record(3, .job, "2024-05-01", agreement: "A1", group: .integration, band: .from60),
            // Citizen 4: no employment at all, only a praktik → in no employment table.
            record(4, .praktik, "2022-06-01"),
        ])
        // Years run from the earliest start (2022, citizen 4) to the latest (2024).
        #expect(m.years == [2022, 2023, 2024])
        #expect(m.employment(2022).table.total == 0)
        let y23 = m.employment(2023).table
        #expect(y23.total == 1)
        #expect(y23.count("integration", "18-24") == 1)
        let y24 = m.employment(2024).table
        #expect(y24.total == 2)
        #expect(y24.count("sygedagpenge", "50-59") == 1)
        #expect(y24.count("integration", "60+") == 1)
        #expect(y24.count("kontanthjaelp", "18-24") == 0)  // citizen 1's January job is not a first
        // Margins: row "integration" 1, column "60+" 1, column "50-59" 1.
        let rows = y24.rowTotals, cols = y24.columnTotals
        #expect(rows[TargetGroup.allCases.firstIndex(of: .integration)!] == 1)
        #expect(cols[AgeBand.allCases.firstIndex(of: .from60)!] == 1)
        #expect(cols.reduce(0, +) == 2 && rows.reduce(0, +) == 2)
        #expect(!m.employment(2024).goalMet)
    }

    @Test("goal met at 30 citizens, not at 29")
    func goal() {
        let thirty = (1...30).map { record(UInt64($0), .job, "2024-02-01") }
        #expect(compute(thirty).employment(2024).goalMet)
        #expect(!compute(Array(thirty.dropLast())).employment(2024).goalMet)
    }

    @Test("records of several citizens in one call are split by pseudonym")
    func mixedCall() {
        var calc = MetricsCalculator()
        calc.add(citizen: [record(1, .job, "2024-01-01"), record(2, .job, "2024-01-01"), record(1, .job, "2024-06-01")])
        #expect(calc.finish(enterprises: []).employment.first!.table.total == 2)
        #expect(calc.citizensAdded == 2)
    }

    @Test("published at the coarse level, small counts suppressed with a partner, the goal flag stays")
    func released() throws {
        // 6 citizens in kontanthjaelp/30-39 and 2 in integration/30-39, in 2024 (closed as of 2025-06-30).
        let records = (1...6).map { record(UInt64($0), .job, "2024-01-01") }
            + (7...8).map { record(UInt64($0), .job, "2024-01-01", group: .integration) }
        let policy = ReleasePolicy(asOf: Day(iso: "2025-06-30")!)
        var calc = MetricsCalculator(policy: policy)
        calc.add(citizen: records)
        let y = try #require(calc.finish(enterprises: []).released(policy: policy).years.first)
        #expect(y.status == .closed && y.employmentGoalMet == false)
        // 8 jobs: far below 2k per fine cell, so two breakdowns of the total.
        #expect(y.employment.levels == [.coarse])
        #expect(y.employment.value("total", "total") == .value(8))
        #expect(y.employment.value("integration", "total") == .suppressed)      // 2: primary
        // Target groups pair in table order: (ressourceforloeb, jobafklaring), (kontanthjaelp,
        // uddannelseshjaelp), (fleksjob, integration), …: integration's partner is fleksjob (0),
        // whatever the values; kontanthjaelp's 6 stays published.
        #expect(y.employment.value("fleksjob", "total") == .suppressed)
        #expect(y.employment.value("kontanthjaelp", "total") == .value(6))
        #expect(y.employment.value("total", "30-49") == .value(8))
        for c in y.employment.cells { if let v = c.value.value { #expect(v == 0 || v >= 5) } }
        // As of 2024-12-31 the year is open: the total alone.
        let open = MetricsCalculator(policy: ReleasePolicy(asOf: Day(iso: "2024-12-31")!))
        var o = open
        o.add(citizen: records)
        let oy = try #require(o.finish(enterprises: []).released(policy: ReleasePolicy(asOf: Day(iso: "2024-12-31")!)).years.first)
        #expect(oy.status == .open && oy.employment.cells.map(\.coordinates) == [["total", "total"]])
    }
}
