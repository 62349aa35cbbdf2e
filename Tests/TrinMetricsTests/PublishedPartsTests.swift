import Testing
import TrinCore
import TrinDisclosure
@testable import TrinMetrics

/// A combined publication shows a cell only where its parts' own sets already show it.
@Suite("Combined publications")
struct PublishedPartsTests {
    /// 2023: 24 courses under A (16 moved up) and 12 first jobs, as in the frozen-year tests.
    func released(parts: PublishedParts?) -> ReleasedFigures {
        let policy = ReleasePolicy(asOf: Day(iso: "2024-03-31")!)
        var calc = MetricsCalculator(policy: policy)
        for c in 1...24 as ClosedRange<UInt64> {
            var r = [record(c, .motivation, "2023-02-01", end: "2023-03-01", agreement: "A")]
            if c <= 16 { r.append(record(c, .praktik, "2023-04-01", end: "2023-06-30", agreement: "A")) }
            calc.add(citizen: r)
        }
        for c in 100...111 as ClosedRange<UInt64> { calc.add(citizen: [record(c, .job, "2023-05-01")]) }
        return calc.finish(enterprises: []).released(policy: policy, parts: parts)
    }

    @Test("a cell a part suppressed, or did not show, or whose sum differs by 1 to k−1, is suppressed with what protects it")
    func partsDecide() throws {
        let plain = released(parts: nil)
        let year = try #require(plain.years.first { $0.year == 2023 })
        let total = try #require(year.employment.cell("total", "total"))
        let started = try #require(year.valueChain.cell("started", "total"))
        #expect(total.value == .value(12) && started.value == .value(24))
        // The parts: every cell the plain release shows, split 7 + rest, with the value chain's total once suppressed in part two.
        func parts(hidingStarted: Bool, employmentSum: Int = 12) -> PublishedParts {
            var one: [PublishedParts.Cell] = [], two: [PublishedParts.Cell] = []
            for (name, table) in [(FigureTableName.employment, year.employment), (.youth, year.youth), (.valueChain, year.valueChain),
                                  (.progression, year.progression)] {
                for cell in table.cells {
                    guard let v = cell.value.value else { continue }
                    var value = v
                    if name == .employment, cell.coordinates == ["total", "total"] { value = employmentSum }
                    let hide = hidingStarted && name == .valueChain && cell.coordinates == ["started", "total"]
                    one.append(.init(table: name, year: 2023, level: cell.level, coordinates: cell.coordinates, value: min(value, 7)))
                    two.append(.init(table: name, year: 2023, level: cell.level, coordinates: cell.coordinates,
                                     value: hide ? nil : value - min(value, 7)))
                }
            }
            return PublishedParts(parts: [one, two])
        }
        // Parts that show everything the combined set would: nothing more is suppressed.
        #expect(released(parts: parts(hidingStarted: false)).years == plain.years)
        // A part hid the value chain's total: the combined set hides it too (and what would give it away).
        let hiding = try #require(released(parts: parts(hidingStarted: true)).years.first { $0.year == 2023 })
        #expect(hiding.valueChain.cell("started", "total")?.value.isSuppressed == true)
        #expect(hiding.valueChain.cells.filter { $0.value.isSuppressed }.count >= 2, "a lone suppressed total would be a difference away")
        // The parts' sum differs by 3 (a shared key counting three citizens once): hidden; by 5: shown.
        let byThree = try #require(released(parts: parts(hidingStarted: false, employmentSum: 15)).years.first { $0.year == 2023 })
        #expect(byThree.employment.cell("total", "total")?.value.isSuppressed == true)
        let byFive = try #require(released(parts: parts(hidingStarted: false, employmentSum: 17)).years.first { $0.year == 2023 })
        #expect(byFive.employment.cell("total", "total")?.value == .value(12))
        // A part that lists a cell twice (an alias) still counts once: the other part's silence hides it.
        let total2023 = PublishedParts.Cell(table: .employment, year: 2023, level: .fine, coordinates: ["total", "total"], value: 12)
        let twice = try #require(released(parts: PublishedParts(parts: [[total2023, total2023], []])).years.first { $0.year == 2023 })
        #expect(twice.employment.cell("total", "total")?.value.isSuppressed == true)
        // The level a part published at does not matter: a total is a total.
        var coarse = total2023
        coarse.level = .coarse
        let byLevel = PublishedParts(parts: [[coarse]])
        #expect(!byLevel.hides(.employment, year: 2023, level: .fine, coordinates: ["total", "total"], value: 12, k: 5))
        // The pooled agreements' row is never shown, whatever the parts show.
        let pooled = PublishedParts.Cell(table: .progression, year: 2023, level: .coarse,
                                         coordinates: [pooledAgreementsCoordinate, "", "started", "total"], value: 30)
        #expect(PublishedParts(parts: [[pooled]]).hides(.progression, year: 2023, level: .coarse,
                                                        coordinates: [pooledAgreementsCoordinate, "", "started", "total"], value: 30, k: 5))
        // A table is published fine only where every part published it fine: the region's
        // larger population fits the fine level sooner, but its fine cells no part shows.
        let fineTotal = PublishedParts.Cell(table: .youth, year: 2023, level: .fine, coordinates: ["total", "total"], value: 40)
        var coarseTotal = fineTotal
        coarseTotal.level = .coarse
        #expect(PublishedParts(parts: [[fineTotal], [fineTotal]]).allowsFine(.youth, year: 2023))
        #expect(!PublishedParts(parts: [[fineTotal], [coarseTotal]]).allowsFine(.youth, year: 2023))
        #expect(!PublishedParts(parts: [[fineTotal], [fineTotal]]).allowsFine(.youth, year: 2024))
        #expect(!PublishedParts(parts: [[fineTotal], [fineTotal]]).allowsFine(.employment, year: 2023))
        // A part that published nothing for the year: nothing of it is shown.
        let nothing = try #require(released(parts: PublishedParts(parts: [[], []])).years.first { $0.year == 2023 })
        #expect(nothing.employment.cells.allSatisfy { $0.value.isSuppressed })
    }
}
