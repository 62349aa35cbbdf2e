import TrinCore
import TrinMetrics

/// Builds a record tersely for hand-worked examples.
func record(_ citizen: UInt64, _ stage: Stage, _ start: String, end: String? = nil, agreement: String? = nil,
            cvr: String? = nil, group: TargetGroup = .kontanthjaelp, band: AgeBand = .from30to39) -> ProgressRecord {
    ProgressRecord(pseudonym: Pseudonym(high: 0, low: citizen), ageBand: band, agreement: agreement, enterprise: cvr,
                   targetGroup: group, stage: stage, start: Day(iso: start)!, end: end.map { Day(iso: $0)! },
                   hoursPerWeek: nil, recordedAt: Instant(secondsSinceEpoch: 0), source: "test",
                   sourceRecordID: "\(citizen)/\(stage)/\(start)")
}

/// Feeds records grouped by citizen, as the store delivers them.
func compute(_ records: [ProgressRecord], enterprises: [EnterpriseRecord] = []) -> Metrics {
    var calculator = MetricsCalculatorBox()
    for group in Dictionary(grouping: records, by: \.pseudonym).values { calculator.add(group) }
    return calculator.finish(enterprises)
}

struct MetricsCalculatorBox {
    var calculator = MetricsCalculator()
    mutating func add(_ records: [ProgressRecord]) { calculator.add(citizen: records) }
    func finish(_ enterprises: [EnterpriseRecord]) -> Metrics { calculator.finish(enterprises: enterprises) }
}

extension CountTable {
    func count(_ row: String, _ column: String) -> Int {
        count(row: rowLabels.firstIndex(of: row)!, column: columnLabels.firstIndex(of: column)!)
    }
}

extension Metrics {
    func employment(_ year: Int) -> EmploymentYear { employment.first { $0.year == year }! }
    func youth(_ year: Int) -> YouthYear { youth.first { $0.year == year }! }
    func enterprises(_ year: Int) -> EnterpriseYear { enterprises.first { $0.year == year }! }
    func progress(_ agreement: String, _ year: Int) -> AgreementProgress? {
        progression.first { $0.agreement == agreement && $0.year == year }
    }
}
