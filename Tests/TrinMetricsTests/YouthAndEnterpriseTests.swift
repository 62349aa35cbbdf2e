import Testing
import TrinCore
@testable import TrinMetrics

@Suite("Youth and enterprises")
struct YouthAndEnterpriseTests {
    @Test("youth: once per year, education over employment, band at the earliest record of the outcome")
    func youth() {
        let m = compute([
            // 1: paid hours in Feb at 18-24, education in Sept at 25-29 → uddannelse, 25-29.
            record(1, .loentimer, "2023-02-01", band: .from18to24),
            record(1, .uddannelse, "2023-09-01", band: .from25to29),
            // 1 again in 2024: a job → employment, 25-29.
            record(1, .job, "2024-03-01", band: .from25to29),
            // 2: two jobs in 2023, the earliest at <18 → employment, <18.
            record(2, .job, "2023-08-01", band: .from18to24),
            record(2, .loentimer, "2023-01-05", band: .under18),
            // 3: education at 30 does not count, the earlier job at 25-29 does → employment.
            record(3, .job, "2023-01-01", band: .from25to29),
            record(3, .uddannelse, "2023-06-01", band: .from30to39),
            // 4: praktik only → not counted; 5: 30+ → not counted.
            record(4, .praktik, "2023-03-01", band: .from18to24),
            record(5, .job, "2023-03-01", band: .from40to49),
        ])
        let y23 = m.youth(2023).table
        #expect(y23.count("uddannelse", "25-29") == 1)
        #expect(y23.count("employment", "<18") == 1)
        #expect(y23.count("employment", "25-29") == 1)
        #expect(y23.total == 3)
        #expect(y23.columnLabels == ["<18", "18-24", "25-29"])
        let y24 = m.youth(2024).table
        #expect(y24.total == 1 && y24.count("employment", "25-29") == 1)
    }

    @Test("enterprises: active by year, a mid-year closure still counts that year; three bottom lines; not suppressed")
    func enterprises() {
        func e(_ cvr: String, _ type: EnterpriseType, three: Bool, _ start: String, _ end: String?) -> EnterpriseRecord {
            EnterpriseRecord(cvr: cvr, name: cvr, type: type, socialBottomLine: true, localBottomLine: three,
                             economicBottomLine: true, start: Day(iso: start)!, end: end.map { Day(iso: $0)! })
        }
        let register = [
            e("1", .virksomhed, three: true, "2020-01-01", "2023-06-30"),   // closed mid-2023: active 2023 only
            e("2", .initiativ, three: true, "2023-12-31", nil),             // started last day of 2023
            e("3", .forening, three: false, "2024-01-01", nil),
            e("4", .virksomhed, three: true, "2019-05-01", "2024-01-01"),   // ended on 1 Jan 2024: active 2024
            e("5", .virksomhed, three: true, "2025-01-01", nil),            // after the years
        ]
        let m = compute([record(1, .motivation, "2023-05-01"), record(2, .motivation, "2024-05-01")],
                        enterprises: register)
        #expect(m.years == [2023, 2024])  // from progress records, not the register
        let y23 = m.enterprises(2023), y24 = m.enterprises(2024)
        #expect(y23.active == [2, 1, 0])             // virksomhed 1 and 4, initiativ 2
        #expect(y23.threeBottomLines == [2, 1, 0])
        #expect(y24.active == [1, 1, 1])             // 4, 2, 3
        #expect(y24.threeBottomLinesTotal == 2 && !y24.goalMet)
        // Counts of 1 and 2 are published as they are.
        #expect(m.released(policy: ReleasePolicy(asOf: Day(iso: "2025-12-31")!)).enterprises == m.enterprises)
        let forty = (1...40).map { e(String($0), .initiativ, three: true, "2024-01-01", nil) }
        #expect(compute([record(1, .job, "2024-01-01")], enterprises: forty).enterprises(2024).goalMet)
    }

    @Test("no progress records: the years come from the enterprise register")
    func noRecords() {
        let one = EnterpriseRecord(cvr: "1", name: "x", type: .forening, socialBottomLine: true, localBottomLine: true,
                                   economicBottomLine: true, start: Day(iso: "2022-04-01")!, end: nil)
        #expect(compute([], enterprises: [one]).years == [2022])
        #expect(compute([]).years.isEmpty)
    }
}
