import Foundation
import Testing
import TrinCore
import TrinDisclosure
@testable import TrinMetrics

@Suite("Frozen years")
struct FrozenYearTests {
    /// 2023: 24 courses under A (16 moved up) and 12 first jobs; `late` adds 2 courses under A and 6 first jobs.
    func records(late: Bool) -> [[ProgressRecord]] {
        var citizens: [[ProgressRecord]] = []
        for c in 1...24 as ClosedRange<UInt64> {
            var r = [record(c, .motivation, "2023-02-01", end: "2023-03-01", agreement: "A")]
            if c <= 16 { r.append(record(c, .praktik, "2023-04-01", end: "2023-06-30", agreement: "A")) }
            citizens.append(r)
        }
        for c in 100...111 as ClosedRange<UInt64> { citizens.append([record(c, .job, "2023-05-01")]) }
        if late {
            for c in 25...26 as ClosedRange<UInt64> {
                citizens.append([record(c, .motivation, "2023-11-01", end: "2023-12-01", agreement: "A")])
            }
            for c in 112...117 as ClosedRange<UInt64> { citizens.append([record(c, .job, "2023-09-01")]) }
        }
        return citizens
    }

    func release(late: Bool, asOf: String, frozen: [FrozenYear] = [], republish: Set<Int> = []) -> ReleasedFigures {
        let policy = ReleasePolicy(asOf: Day(iso: asOf)!)
        var calc = MetricsCalculator(policy: policy)
        for c in records(late: late) { calc.add(citizen: c) }
        return calc.finish(enterprises: []).released(policy: policy, frozen: frozen, republish: republish)
    }

    /// Through JSON, as the store keeps it.
    func kept(_ years: [FrozenYear]) throws -> [FrozenYear] {
        try years.map { try JSONDecoder().decode(FrozenYear.self, from: JSONEncoder().encode($0)) }
    }

    @Test("a closed year is repeated as first published; records that arrive later do not change it")
    func repeated() throws {
        let first = release(late: false, asOf: "2024-03-31")
        let y2023 = try #require(first.years.first { $0.year == 2023 })
        #expect(y2023.status == .closed)
        #expect(first.newlyFrozen.map(\.year) == [2023])
        let frozen = try kept(first.newlyFrozen)
        #expect(frozen == first.newlyFrozen)

        // A month later, with late records for 2023: the same tables, and nothing new to keep.
        let later = release(late: true, asOf: "2024-04-30", frozen: frozen)
        #expect(later.years.first { $0.year == 2023 } == y2023)
        #expect(later.newlyFrozen.isEmpty)
        #expect(later.loss.filter { $0.year == 2023 } == first.loss.filter { $0.year == 2023 })
        // Without the kept year the late records would show.
        let fresh = release(late: true, asOf: "2024-04-30")
        #expect(fresh.years.first { $0.year == 2023 }?.valueChain.value("started", "total") == .value(26))
        #expect(y2023.valueChain.value("started", "total") == .value(24))
    }

    @Test("a set that keeps no new year (a source failed) publishes a closed year not kept yet as provisional, and repeats one kept")
    func aSetThatKeepsNothingPublishesUnkeptClosedYearsAsProvisional() throws {
        let policy = ReleasePolicy(asOf: Day(iso: "2024-03-31")!)
        var calc = MetricsCalculator(policy: policy)
        for c in records(late: false) { calc.add(citizen: c) }
        let metrics = calc.finish(enterprises: [])
        let unkept = metrics.released(policy: policy, keepsNewYears: false)
        let y = try #require(unkept.years.first { $0.year == 2023 })
        #expect(y.status == .provisional && y.progression.cells.isEmpty && unkept.newlyFrozen.isEmpty)
        #expect(y.valueChain.value("started", "total") == .value(24), "the headline figures are published")
        // The next complete run keeps it in full; a failed run after that repeats it.
        let complete = metrics.released(policy: policy)
        let closed = try #require(complete.years.first { $0.year == 2023 })
        #expect(closed.status == .closed && !closed.progression.cells.isEmpty)
        let repeated = metrics.released(policy: policy, frozen: try kept(complete.newlyFrozen), keepsNewYears: false)
        #expect(repeated.years.first { $0.year == 2023 } == closed)
    }

    @Test("the agreement rows' own rules (an own row from 4k courses, a course per pooled agreement) cannot pin suppressed counts")
    func agreementRowBoundsDoNotPinSuppressedCounts() throws {
        // k = 5: A has 20 courses (its own row, exactly 4k); B, C, D, E one each (pooled: 4).
        var citizens = (1...20 as ClosedRange<UInt64>).map { [record($0, .motivation, "2023-03-01", end: "2023-03-01", agreement: "A")] }
        for (i, agreement) in ["B", "C", "D", "E"].enumerated() {
            citizens.append([record(100 + UInt64(i), .motivation, "2023-03-01", end: "2023-03-01", agreement: agreement)])
        }
        let policy = ReleasePolicy(asOf: Day(iso: "2024-03-31")!)
        var calc = MetricsCalculator(policy: policy)
        for c in citizens { calc.add(citizen: c) }
        let y = try #require(calc.finish(enterprises: []).released(policy: policy).years.first { $0.year == 2023 })
        #expect(y.status == .closed && y.pooledAgreements == 4)
        let pool = y.progression.value(pooledAgreementsCoordinate, "", "started", "total")
        #expect(pool == .suppressed, "4 courses: below k")
        // A reader knows A ≥ 20 and the pool ≥ 4: with the total and A's row, those bounds must
        // leave the pool at least two values, or the pool's 4 (or A's 20) would be given away.
        if case .value(let total) = y.valueChain.value("started", "total") {
            switch y.progression.value("A", "", "started", "total") {
            case .value(let a): Issue.record("A's \(a) and the total \(total) give the pool's count")
            default: #expect(total - 20 - 4 >= 1, "the total \(total) pins A at 20 and the pool at 4")
            }
        }
    }

    @Test("an export's agreement named (other) is pooled: it never shares the pooled row's key")
    func anAgreementNamedLikeThePooledRowIsPooled() throws {
        var citizens = (1...20 as ClosedRange<UInt64>).map { [record($0, .motivation, "2023-03-01", agreement: pooledAgreementsCoordinate)] }
        citizens += (101...106 as ClosedRange<UInt64>).map { [record($0, .motivation, "2023-03-01", agreement: "B")] }
        let policy = ReleasePolicy(asOf: Day(iso: "2024-03-31")!)
        var calc = MetricsCalculator(policy: policy)
        for c in citizens { calc.add(citizen: c) }
        let y = try #require(calc.finish(enterprises: []).released(policy: policy).years.first { $0.year == 2023 })
        let started = y.progression.cells.filter { $0.coordinates.first == pooledAgreementsCoordinate && $0.coordinates[2] == "started" }
        #expect(started.count == 1 && started.first?.value == .value(26) && y.pooledAgreements == 2)
    }

    @Test("a set as of an earlier date than the kept year computes it afresh, compared with it and not kept; a set with another k is compared with it")
    func earlierSet() throws {
        let frozen = try kept(release(late: true, asOf: "2024-03-31").newlyFrozen)
        // As of 29 February 2024 the year is closed too, but that set came before the kept one:
        // computed afresh from what had started by then, it is compared with the kept version
        // (both are published) and does not replace it.
        let earlier = release(late: false, asOf: "2024-02-29", frozen: frozen)
        #expect(earlier.years.first { $0.year == 2023 }?.valueChain.value("started", "total") == .suppressed, "24 against 26 kept")
        #expect(earlier.years.first { $0.year == 2023 }?.employment.value("total", "total") == .value(12), "12 against 18: shown")
        #expect(earlier.newlyFrozen.isEmpty)
        let firstOnly = try kept(release(late: false, asOf: "2024-03-31").newlyFrozen)
        let policy = ReleasePolicy(asOf: Day(iso: "2024-04-30")!)
        var calc = MetricsCalculator(policy: policy)
        for c in records(late: true) { calc.add(citizen: c) }
        let k3 = calc.finish(enterprises: []).released(policy: policy, threshold: try DisclosureThreshold(k: 3), frozen: firstOnly)
        // Computed afresh (26 courses now), but 2 more than the 24 kept under k = 5: below k = 3,
        // hidden, as in a republication; employment grew by 6 and shows. Kept under k = 3 from now on.
        #expect(k3.years.first { $0.year == 2023 }?.valueChain.value("started", "total") == .suppressed)
        #expect(k3.years.first { $0.year == 2023 }?.employment.value("total", "total") == .value(18))
        #expect(k3.newlyFrozen.map(\.k) == [3])
        // A republication asked for under k = 3, with nothing kept under k = 3 yet: compared all the same.
        let again = calc.finish(enterprises: []).released(policy: policy, threshold: try DisclosureThreshold(k: 3), frozen: firstOnly,
                                                           republish: [2023])
        #expect(again.years.first { $0.year == 2023 }?.valueChain.value("started", "total") == .suppressed)
    }

    @Test("a requested republication publishes no change of 1 to k−1: such cells are suppressed, larger changes shown")
    func republication() throws {
        let first = release(late: false, asOf: "2024-03-31")
        let frozen = try kept(first.newlyFrozen)
        let again = release(late: true, asOf: "2024-04-30", frozen: frozen, republish: [2023])
        let y = try #require(again.years.first { $0.year == 2023 })
        // Employment grew by 6 (≥ k): published with its new total.
        #expect(y.employment.value("total", "total") == .value(18))
        // The value chain grew by 2 courses: started is hidden, and with it what would give it away.
        #expect(y.valueChain.value("started", "total") == .suppressed)
        // No published cell differs from its kept true count by 1 to k − 1.
        let before = frozen[0].truths()
        var published = 0
        for table in y.tables {
            for cell in table.cells {
                guard let v = cell.value.value else { continue }
                published += 1
                let old = before[FrozenYear.Key(table: table.name.rawValue, coordinates: cell.coordinates)] ?? 0
                #expect(!(1...4).contains(abs(v - old)), "\(table.name) \(cell.coordinates): \(old) → \(v)")
            }
        }
        #expect(published > 0)
        // The republished year is kept in place of the old one.
        #expect(again.newlyFrozen.map(\.year) == [2023])
        #expect(again.newlyFrozen[0].asOf == "2024-04-30")
    }

    /// A cell an earlier version had and a republication lacks (a table now at another level)
    /// is carried on with the new version, so that the next republication is compared with it.
    @Test("a republication carries the true counts of cells it no longer has")
    func retiredCellsAreCarried() throws {
        let first = try #require(release(late: false, asOf: "2024-03-31").newlyFrozen.first)
        let extra = FrozenYear.Cell(table: "youth", coordinates: ["employment", "18-24"], level: "fine", truth: 7, suppressed: false,
                                    share: nil, shareSuppressed: nil)
        let withExtra = FrozenYear(year: first.year, k: first.k, asOf: first.asOf, employmentGoalMet: first.employmentGoalMet,
                                   pooledAgreements: first.pooledAgreements, cells: first.cells + [extra], loss: first.loss)
        let again = release(late: true, asOf: "2024-04-30", frozen: try kept([withExtra]), republish: [2023])
        let version = try #require(again.newlyFrozen.first)
        #expect(version.retired == [FrozenYear.Retired(table: "youth", coordinates: ["employment", "18-24"], truths: [7])])
        #expect(FrozenYear.history(try kept([version]))[FrozenYear.Key(table: "youth", coordinates: ["employment", "18-24"])] == [7])
    }

    /// Retention may delete every record of a kept year: the year is still repeated as kept.
    @Test("a kept year whose records were all deleted is still repeated as first published")
    func aKeptYearOutlivesItsRecords() throws {
        let first = release(late: false, asOf: "2024-03-31")
        let frozen = try kept(first.newlyFrozen)
        let policy = ReleasePolicy(asOf: Day(iso: "2026-03-31")!)
        let later = MetricsCalculator(policy: policy).finish(enterprises: []).released(policy: policy, frozen: frozen)
        let y = try #require(later.years.first { $0.year == 2023 })
        #expect(y.status == .closed)
        #expect(y == first.years.first { $0.year == 2023 })
        #expect(later.newlyFrozen.isEmpty)
        // Its enterprise figures (the register is never purged) come with it, for goals.csv.
        #expect(later.enterprises.map(\.year) == [2023])
    }

    /// Each publication is public: a second republication, even with no new records, is
    /// compared with the first publication too, not only with the republication it replaces
    /// (else the cells the first republication hid, unchanged since, would be shown, and
    /// differ from the first publication by 1 to k − 1).
    @Test("a second republication, or one under another k, shows no change of 1 to k−1 against any earlier publication")
    func republishingTwiceRevealsNothing() throws {
        let first = release(late: false, asOf: "2024-03-31")
        let republished = release(late: true, asOf: "2024-04-30", frozen: try kept(first.newlyFrozen), republish: [2023])
        #expect(republished.years.first { $0.year == 2023 }?.valueChain.value("started", "total") == .suppressed)
        let twice = release(late: true, asOf: "2024-05-31", frozen: try kept(republished.newlyFrozen), republish: [2023])
        let y = try #require(twice.years.first { $0.year == 2023 })
        #expect(y.valueChain.value("started", "total") == .suppressed, "still 2 more courses than first published")
        let firstTruths = first.newlyFrozen[0].truths()
        for table in y.tables {
            for cell in table.cells {
                guard let v = cell.value.value else { continue }
                let old = firstTruths[FrozenYear.Key(table: table.name.rawValue, coordinates: cell.coordinates)] ?? 0
                #expect(!(1...4).contains(abs(v - old)), "\(table.name) \(cell.coordinates): first \(old), now \(v)")
            }
        }
        // The kept version carries the earlier ones' counts.
        let started = try #require(twice.newlyFrozen[0].cells.first { $0.table == "valueChain" && $0.coordinates == ["started", "total"] })
        #expect(started.truth == 26 && started.earlier == [24, 26])
    }

    @Test("a republication shows no change of 1 to k−1 in an agreement's row, whatever enterprise it is published under and whether it grew out of the pooled row")
    func republicationComparesAgreementsByTheirRows() throws {
        // 2023, first published as of 2024-03-31 (k = 5, own row from 20 courses): A has 20
        // courses under CVR 11111111; B 19 and C 11, pooled. Later: A two more for 2023 and 30
        // in 2024 under CVR 33333333, which becomes A's enterprise; C five more (the totals
        // change by 7, the pooled row by 5: both shown, so only A's own change can hide A).
        func courses(_ agreement: String, _ citizens: ClosedRange<UInt64>, _ start: String, cvr: String) -> [[ProgressRecord]] {
            citizens.map { [record($0, .motivation, start, end: start, agreement: agreement, cvr: cvr)] }
        }
        var growsB = false
        func release(late: Bool, asOf: String, frozen: [FrozenYear] = [], republish: Set<Int> = []) -> ReleasedFigures {
            var citizens = courses("A", 1...20, "2023-03-01", cvr: "11111111") + courses("B", 101...119, "2023-03-01", cvr: "22222222")
                + courses("C", 201...211, "2023-03-01", cvr: "44444444")
            if late {
                citizens += courses("A", 21...22, "2023-10-01", cvr: "11111111") + courses("C", 212...216, "2023-10-01", cvr: "44444444")
                if growsB { citizens += courses("B", 120...121, "2023-10-01", cvr: "22222222") }
                citizens += courses("A", 301...330, "2024-02-01", cvr: "33333333")
            }
            let policy = ReleasePolicy(asOf: Day(iso: asOf)!)
            var calc = MetricsCalculator(policy: policy)
            for c in citizens { calc.add(citizen: c) }
            return calc.finish(enterprises: []).released(policy: policy, frozen: frozen, republish: republish)
        }
        let first = release(late: false, asOf: "2024-03-31")
        let old = try #require(first.years.first { $0.year == 2023 })
        #expect(old.progression.value("A", "11111111", "started", "total") == .value(20))
        #expect(old.progression.value(pooledAgreementsCoordinate, "", "started", "total") == .value(30))
        let frozen = try kept(first.newlyFrozen)

        // No published cell of an agreement differs by 1 to k − 1 from what its row published before.
        func byAgreement(_ coordinates: [String]) -> [String] { [coordinates[0]] + coordinates.dropFirst(2) }
        var before: [[String]: Int] = [:]
        for c in frozen[0].cells where c.table == FigureTableName.progression.rawValue { before[byAgreement(c.coordinates)] = c.truth }
        func expectNoSmallChange(_ y: ReleasedYear) {
            for cell in y.progression.cells {
                guard let v = cell.value.value else { continue }
                let was = before[byAgreement(cell.coordinates)] ?? 0
                #expect(!(1...4).contains(abs(v - was)), "\(cell.coordinates): \(was) → \(v)")
            }
        }

        // A grew by 2 and is now published under its new enterprise: its row's changes are hidden.
        let again = try #require(release(late: true, asOf: "2024-12-31", frozen: frozen, republish: [2023]).years.first { $0.year == 2023 })
        #expect(again.progression.cells.contains { $0.coordinates.prefix(2) == ["A", "33333333"] })
        #expect(again.progression.value("A", "33333333", "started", "total") == .suppressed)
        expectNoSmallChange(again)

        // B grew past 20 as well, by 2: it stays in the pooled row it was published in, or B's
        // new row and the pool's drop together would show B's change.
        growsB = true
        let both = try #require(release(late: true, asOf: "2024-12-31", frozen: frozen, republish: [2023]).years.first { $0.year == 2023 })
        #expect(!both.progression.cells.contains { $0.coordinates.first == "B" })
        #expect(both.pooledAgreements == 2)
        expectNoSmallChange(both)
    }
}
