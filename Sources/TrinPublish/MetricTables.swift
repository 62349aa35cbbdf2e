import TrinCore
import TrinDisclosure
import TrinMetrics

/// The CSV files of a publication, one per table (docs/metric-files.md).
public enum MetricTables {
    /// File name → file text.
    public static func files(_ m: DisclosedMetrics, dialect: CSVDialect) -> [(String, String)] {
        func n(_ c: Disclosed<Int>) -> String { c.value.map(String.init) ?? dialect.suppressedMarker }
        func twoWay(_ rowKey: String, _ years: [(Int, DisclosedCountTable)]) -> String {
            let columns = years.first?.1.columnLabels ?? []
            var rows: [[String]] = []
            for (year, t) in years {
                for i in t.rowLabels.indices {
                    rows.append([String(year), t.rowLabels[i]] + t.cells[i].map(n) + [n(t.rowTotals[i])])
                }
                rows.append([String(year), "total"] + t.columnTotals.map(n) + [n(t.total)])
            }
            return dialect.render(header: ["year", rowKey] + columns + ["total"], rows: rows)
        }
        let progressionHeader = ["year", "agreement", "enterprise", "started"]
            + HighestStage.allCases.map { "highest_" + $0.rawValue } + ["ended"]
            + EndStage.allCases.map { "end_" + $0.rawValue } + ["movedUp", "movedUpShare"]
        let progressionRows = m.progression.map { a -> [String] in
            [String(a.year), a.agreement, a.enterprise ?? "", n(a.started)] + a.highestStage.map(n) + [n(a.ended)]
                + a.endStage.map(n) + [n(a.movedUp), a.movedUpShare.value.map(dialect.decimal) ?? dialect.suppressedMarker]
        }
        let enterpriseRows = m.enterprises.flatMap { e -> [[String]] in
            EnterpriseType.allCases.indices.map { i in
                [String(e.year), EnterpriseType.allCases[i].rawValue, String(e.active[i]), String(e.threeBottomLines[i])]
            } + [[String(e.year), "total", String(e.activeTotal), String(e.threeBottomLinesTotal)]]
        }
        let goalRows = m.employment.map { e in
            [String(e.year), "employment", String(e.goal), n(e.table.total), String(e.goalMet)]
        } + m.enterprises.map { e in
            [String(e.year), "enterprises", String(Metrics.enterpriseGoal), String(e.threeBottomLinesTotal), String(e.goalMet)]
        }
        return [
            ("employment.csv", twoWay("targetGroup", m.employment.map { ($0.year, $0.table) })),
            ("progression.csv", dialect.render(header: progressionHeader, rows: progressionRows)),
            ("youth.csv", twoWay("outcome", m.youth.map { ($0.year, $0.table) })),
            ("enterprises.csv", dialect.render(header: ["year", "type", "active", "threeBottomLines"], rows: enterpriseRows)),
            ("goals.csv", dialect.render(header: ["year", "goal", "target", "value", "met"], rows: goalRows)),
        ]
    }
}
