import TrinCore
import TrinDisclosure
import TrinMetrics

/// The JSON documents of a publication, one per metric family (docs/metric-files.md).
public enum MetricDocuments {
    /// The version of the JSON shape; bumped on any incompatible change.
    public static let schemaVersion = 1
    /// The version of definitions.md the figures follow.
    public static let definitionsVersion = "1"

    /// File name → document.
    public static func documents(_ m: DisclosedMetrics, generatedAt: Instant) -> [(String, JSONValue)] {
        func document(_ metric: String, _ years: [JSONValue]) -> JSONValue {
            .object([
                ("schemaVersion", .int(schemaVersion)),
                ("definitionsVersion", .string(definitionsVersion)),
                ("metric", .string(metric)),
                ("generatedAt", .string(generatedAt.description)),
                ("k", .int(m.k)),
                ("years", .array(years)),
            ])
        }
        return [
            ("employment.json", document("employment", m.employment.map { e in
                .object([("year", .int(e.year)), ("goal", .int(e.goal)), ("goalMet", .bool(e.goalMet))]
                        + table(e.table, rowKey: "targetGroup"))
            })),
            ("progression.json", document("progression", m.years.map { year in
                .object([("year", .int(year)),
                         ("agreements", .array(m.progression.filter { $0.year == year }.map(agreement)))])
            })),
            ("youth.json", document("youth", m.youth.map { y in
                .object([("year", .int(y.year))] + table(y.table, rowKey: "outcome"))
            })),
            ("enterprises.json", document("enterprises", m.enterprises.map(enterprises))),
        ]
    }

    /// `{"value": n}` or `{"suppressed": true}`.
    static func cell(_ c: Disclosed<Int>) -> JSONValue {
        switch c {
        case .value(let v): .object([("value", .int(v))])
        case .suppressed: .object([("suppressed", .bool(true))])
        }
    }

    static func share(_ c: Disclosed<Double>) -> JSONValue {
        switch c {
        case .value(let v): .object([("value", .double(v))])
        case .suppressed: .object([("suppressed", .bool(true))])
        }
    }

    static func table(_ t: DisclosedCountTable, rowKey: String) -> [(String, JSONValue)] {
        func byColumn(_ cells: [Disclosed<Int>]) -> JSONValue {
            .object(zip(t.columnLabels, cells).map { ($0, cell($1)) })
        }
        return [
            ("rows", .array(t.rowLabels.indices.map { i in
                .object([(rowKey, .string(t.rowLabels[i])), ("cells", byColumn(t.cells[i])), ("total", cell(t.rowTotals[i]))])
            })),
            ("columnTotals", byColumn(t.columnTotals)),
            ("total", cell(t.total)),
        ]
    }

    static func agreement(_ a: DisclosedAgreementProgress) -> JSONValue {
        .object([
            ("agreement", .string(a.agreement)),
            ("enterprise", a.enterprise.map { .string($0) } ?? .null),
            ("started", cell(a.started)),
            ("highestStage", .object(HighestStage.allCases.map { ($0.rawValue, cell(a.count($0))) })),
            ("ended", cell(a.ended)),
            ("endStage", .object(EndStage.allCases.map { ($0.rawValue, cell(a.count($0))) })),
            ("movedUp", cell(a.movedUp)),
            ("movedUpShare", share(a.movedUpShare)),
        ])
    }

    static func enterprises(_ e: EnterpriseYear) -> JSONValue {
        .object([
            ("year", .int(e.year)),
            ("goal", .int(Metrics.enterpriseGoal)),
            ("goalMet", .bool(e.goalMet)),
            ("byType", .object(EnterpriseType.allCases.indices.map { i in
                (EnterpriseType.allCases[i].rawValue,
                 .object([("active", .int(e.active[i])), ("threeBottomLines", .int(e.threeBottomLines[i]))]))
            })),
            ("total", .object([("active", .int(e.activeTotal)), ("threeBottomLines", .int(e.threeBottomLinesTotal))])),
        ])
    }
}
