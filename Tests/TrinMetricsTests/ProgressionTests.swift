import Testing
import TrinCore
@testable import TrinMetrics
import TrinDisclosure

@Suite("Progression")
struct ProgressionTests {
    @Test("a citizen in two agreements has two courses; a course counts in the year it starts")
    func twoAgreements() throws {
        let m = compute([
            record(1, .motivation, "2023-11-01", agreement: "A"),
            record(1, .praktik, "2024-02-01", agreement: "A"),    // same course, still 2023's
            record(1, .afklaring, "2024-03-01", agreement: "B"),
            record(1, .job, "2024-04-01"),                         // no agreement: no course
        ])
        let a = try #require(m.progress("A", 2023))
        #expect(a.started == 1 && m.progress("A", 2024) == nil)
        #expect(a.count(HighestStage.praktik) == 1)
        #expect(a.movedUp == 1)                                     // praktik 4 > motivation 1
        let b = try #require(m.progress("B", 2024))
        #expect(b.started == 1 && b.count(HighestStage.afklaring) == 1 && b.movedUp == 0)
        #expect(m.progression.count == 2)
    }

    @Test("agreement ids are one agreement only when their code points are equal, not when Unicode calls them equivalent")
    func agreementsByCodePoint() throws {
        let composed = "Caf\u{E9}", decomposed = "Cafe\u{301}"
        #expect(composed == decomposed, "Swift's String equality takes them for one")
        let m = compute([
            record(1, .motivation, "2023-01-10", agreement: composed, cvr: "11111111"),
            record(1, .job, "2023-05-01", agreement: decomposed, cvr: "22222222"),
        ])
        #expect(m.progression.count == 2)
        let byBytes = { (id: String) in m.progression.first { $0.agreement.utf8.elementsEqual(id.utf8) } }
        let a = try #require(byBytes(composed)), b = try #require(byBytes(decomposed))
        #expect(a.started == 1 && a.movedUp == 0 && a.enterprise == "11111111")
        #expect(b.started == 1 && b.movedUp == 0 && b.enterprise == "22222222")
    }

    @Test("job and uddannelse tie at rank 6: later start wins, then the name that sorts last")
    func topTie() throws {
        let m = compute([
            // Citizen 1: uddannelse in March, job in May → job (later start).
            record(1, .uddannelse, "2024-03-01", agreement: "A"),
            record(1, .job, "2024-05-01", agreement: "A"),
            // Citizen 2: both on the same day → uddannelse ("uddannelse" > "job").
            record(2, .job, "2024-03-01", agreement: "A"),
            record(2, .uddannelse, "2024-03-01", agreement: "A"),
        ])
        let a = try #require(m.progress("A", 2024))
        #expect(a.count(HighestStage.job) == 1 && a.count(HighestStage.uddannelse) == 1)
        // Neither moved up: the first ranked record is already rank 6
        // (citizen 2: same start, lowest rank → 6 as well).
        #expect(a.movedUp == 0)
    }

    @Test("ended versus running, and the stage where the course ends")
    func endings() throws {
        let m = compute([
            // 1: only ophoert → highest none, ended (ophoert), end stage ophoert, not moved up.
            record(1, .ophoert, "2024-01-10", agreement: "A"),
            // 2: last record praktik with an end date → ended at praktik.
            record(2, .motivation, "2024-01-01", agreement: "A"),
            record(2, .praktik, "2024-03-01", end: "2024-05-31", agreement: "A"),
            // 3: last record a job without end → running (the ended motivation before it does not matter).
            record(3, .motivation, "2024-01-01", end: "2024-02-01", agreement: "A"),
            record(3, .job, "2024-06-01", agreement: "A"),
            // 4: praktik and ophoert on the same last day → ophoert is the last record → ended.
            record(4, .afklaring, "2024-01-01", agreement: "A"),
            record(4, .praktik, "2024-04-01", agreement: "A"),
            record(4, .ophoert, "2024-04-01", agreement: "A"),
            // 5: job and uddannelse on the same last day; the uddannelse (the name that
            //    sorts last) is the last record, and it has an end date → ended at
            //    uddannelse (the open job does not matter); the highest stage is uddannelse.
            record(5, .job, "2024-07-01", agreement: "A"),
            record(5, .uddannelse, "2024-07-01", end: "2024-08-01", agreement: "A"),
        ])
        let a = try #require(m.progress("A", 2024))
        #expect(a.started == 5)
        #expect(a.count(HighestStage.none) == 1)
        #expect(a.count(HighestStage.praktik) == 2)      // citizens 2 and 4
        #expect(a.count(HighestStage.job) == 1)          // citizen 3
        #expect(a.count(HighestStage.uddannelse) == 1)   // citizen 5
        #expect(a.count(EndStage.ophoert) == 2)          // citizens 1 and 4
        #expect(a.count(EndStage.praktik) == 1)          // citizen 2
        #expect(a.count(EndStage.uddannelse) == 1)       // citizen 5
        #expect(a.count(EndStage.running) == 1)          // citizen 3
        #expect(a.ended == 4)
        #expect(a.endStage.reduce(0, +) == a.started && a.highestStage.reduce(0, +) == a.started)
        // Moved up: 2 (1→4), 3 (1→6), 4 (3→4); not 1 (no rank) nor 5 (6→6).
        #expect(a.movedUp == 3)
        #expect(a.movedUpShare == 0.6)
    }

    @Test("last record on a shared start: ophoert, then the higher rank, then the name that sorts last")
    func lastRecordOnASharedStart() throws {
        let job = record(1, .job, "2024-07-01", agreement: "A")
        let education = record(1, .uddannelse, "2024-07-01", agreement: "A")
        let ended = record(1, .ophoert, "2024-07-01", agreement: "A")
        let praktik = record(1, .praktik, "2024-07-01", end: "2024-07-31", agreement: "A")
        #expect(CourseOutcome.isLast(education, before: job) && !CourseOutcome.isLast(job, before: education))
        #expect(CourseOutcome.isLast(ended, before: education) && CourseOutcome.isLast(ended, before: job))
        #expect(CourseOutcome.isLast(job, before: praktik))                        // rank 6 before rank 4
        #expect(CourseOutcome.isLast(praktik, before: record(1, .job, "2024-06-30", agreement: "A")))  // later start first
        // The course's end stage follows, in either order of the records.
        let endedJob = record(2, .job, "2024-07-01", end: "2024-07-31", agreement: "A")
        let openEducation = record(2, .uddannelse, "2024-07-01", agreement: "A")
        for records in [[endedJob, openEducation], [openEducation, endedJob]] {
            let course = CourseOutcome(records: records)
            #expect(course.end == .running)              // the uddannelse is last, and it is open
            #expect(course.highest == .uddannelse)
        }
        let openJob = record(3, .job, "2024-07-01", agreement: "A")
        let endedEducation = record(3, .uddannelse, "2024-07-01", end: "2024-07-31", agreement: "A")
        #expect(CourseOutcome(records: [openJob, endedEducation]).end == .uddannelse)
        #expect(CourseOutcome(records: [openJob, endedEducation, record(3, .ophoert, "2024-07-01", agreement: "A")]).end
                == .ophoert)
    }

    @Test("first ranked record: earliest start, same start the lowest rank")
    func firstRanked() throws {
        // Motivation and afklaring on the same first day and nothing higher:
        // first ranked = motivation (1), highest = afklaring (3) → moved up.
        let m = compute([
            record(1, .afklaring, "2024-01-01", agreement: "A"),
            record(1, .motivation, "2024-01-01", agreement: "A"),
            // Citizen 2 starts high and falls back: job then motivation → not moved up.
            record(2, .job, "2024-01-01", agreement: "A"),
            record(2, .motivation, "2024-02-01", agreement: "A"),
        ])
        let a = try #require(m.progress("A", 2024))
        #expect(a.movedUp == 1)
        #expect(a.count(EndStage.running) == 2)
    }

    @Test("an agreement's enterprise is the CVR seen most often, ties the smallest")
    func enterprise() throws {
        let m = compute([
            record(1, .motivation, "2023-01-01", agreement: "A", cvr: "30000002"),
            record(1, .praktik, "2023-02-01", agreement: "A", cvr: "30000001"),
            record(2, .motivation, "2024-01-01", agreement: "A", cvr: "30000002"),
            record(2, .praktik, "2024-02-01", agreement: "A", cvr: "30000001"),
            record(3, .motivation, "2024-01-01", agreement: "B", cvr: "40000000"),
            record(3, .praktik, "2024-02-01", agreement: "B", cvr: "40000000"),
            record(4, .praktik, "2024-02-01", agreement: "B", cvr: "50000000"),
            record(5, .praktik, "2024-02-01", agreement: "C"),
        ])
        // A: 2 each, across years → smallest, in every year of A.
        #expect(m.progress("A", 2023)?.enterprise == "30000001")
        #expect(m.progress("A", 2024)?.enterprise == "30000001")
        #expect(m.progress("B", 2024)?.enterprise == "40000000")
        #expect(m.progress("C", 2024)?.enterprise == nil)
    }

    @Test("agreements of 4k courses have their own row, smaller ones are pooled; each count comes with its complement; shares need k courses")
    func released() throws {
        let policy = ReleasePolicy(asOf: Day(iso: "2025-06-30")!)
        func release(_ records: [ProgressRecord]) -> ReleasedYear {
            var calc = MetricsCalculator(policy: policy)
            calc.add(citizen: records)
            return calc.finish(enterprises: []).released(policy: policy).years[0]
        }
        func courses(_ agreement: String, from first: Int, movedUp: Int, toJob: Int, still: Int) -> [ProgressRecord] {
            var records: [ProgressRecord] = []
            var id = first
            for _ in 0..<toJob {
                records += [record(UInt64(id), .motivation, "2024-01-01", agreement: agreement), record(UInt64(id), .job, "2024-02-01", end: "2024-05-31", agreement: agreement)]
                id += 1
            }
            for _ in 0..<movedUp {
                records += [record(UInt64(id), .motivation, "2024-01-01", agreement: agreement), record(UInt64(id), .praktik, "2024-02-01", agreement: agreement)]
                id += 1
            }
            for _ in 0..<still { records.append(record(UInt64(id), .praktik, "2024-01-01", agreement: agreement)); id += 1 }
            return records
        }
        // A: 20 courses (≥ 4k = 20), 12 moved up, none at the goal. B: 6 courses, 5 ended in a job. C: 5, none moved up.
        let y = release(courses("A", from: 1, movedUp: 12, toJob: 0, still: 8) + courses("B", from: 100, movedUp: 0, toJob: 5, still: 1)
                        + courses("C", from: 200, movedUp: 0, toJob: 0, still: 5))
        func cell(_ agreement: String, _ measure: String, _ stage: String = "total") -> FigureCell? {
            y.progression.cells.first { $0.coordinates[0] == agreement && $0.coordinates[2] == measure && $0.coordinates[3] == stage }
        }
        #expect(Set(y.progression.cells.map { $0.coordinates[0] }) == ["A", pooledAgreementsCoordinate])
        #expect(y.pooledAgreements == 2)
        #expect(y.progression.cells.allSatisfy { $0.level == .coarse })
        #expect(cell("A", "started")?.value == .value(20))
        #expect(cell("A", "movedUp")?.value == .value(12) && cell("A", "movedUp")?.share == .value(0.6))
        #expect(cell("A", "notMovedUp")?.value == .value(8))
        #expect(cell("A", "endStep", "goal")?.value == .value(0) && cell("A", "endStep", "notGoal")?.value == .value(20))
        // B's 1 course that did not move up and C's 5 are published together, as 11 courses of which 5 moved up.
        let other = pooledAgreementsCoordinate
        #expect(cell(other, "started")?.value == .value(11))
        #expect(cell(other, "movedUp")?.value == .value(5) && cell(other, "notMovedUp")?.value == .value(6))
        #expect(cell(other, "endStep", "goal")?.value == .value(5) && cell(other, "endStep", "notGoal")?.value == .value(6))
        // The value chain is the sum of the rows.
        #expect(y.valueChain.value("started", "total") == .value(31))
        #expect(y.valueChain.value("notMovedUp", "total") == .value(14))

        // 20 courses, 18 moved up: the 2 who did not are small, so both halves are hidden, and the share with them.
        let d = release(courses("D", from: 1, movedUp: 18, toJob: 0, still: 2)).progression.cells
        func dCell(_ measure: String) -> FigureCell? { d.first { $0.coordinates[2] == measure && $0.coordinates[3] == "total" } }
        #expect(dCell("started")?.value == .value(20))
        #expect(dCell("notMovedUp")?.value == .suppressed && dCell("movedUp")?.value == .suppressed)
        #expect(dCell("movedUp")?.share == .suppressed)
        // 4 courses (below k): the whole system's grand total is small, so everything is suppressed.
        let four = release((1...4).map { record(UInt64($0), .praktik, "2024-01-01", agreement: "C") })
        #expect((four.progression.cells + four.valueChain.cells).allSatisfy { $0.value == .suppressed })
    }
}
