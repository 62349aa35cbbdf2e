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

    @Test("a kept year is not used by a set as of an earlier date, nor for another k")
    func earlierSet() throws {
        let frozen = try kept(release(late: false, asOf: "2024-03-31").newlyFrozen)
        // As of 29 February 2024 the year is closed too, but that set came before the kept one.
        let earlier = release(late: true, asOf: "2024-02-29", frozen: frozen)
        #expect(earlier.years.first { $0.year == 2023 }?.valueChain.value("started", "total") == .value(26))
        #expect(earlier.newlyFrozen.map(\.year) == [2023])
        let policy = ReleasePolicy(asOf: Day(iso: "2024-04-30")!)
        var calc = MetricsCalculator(policy: policy)
        for c in records(late: true) { calc.add(citizen: c) }
        let k3 = calc.finish(enterprises: []).released(policy: policy, threshold: try DisclosureThreshold(k: 3), frozen: frozen)
        #expect(k3.years.first { $0.year == 2023 }?.valueChain.value("started", "total") == .value(26))
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
}
