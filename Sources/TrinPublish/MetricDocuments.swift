import TrinCore
import TrinDisclosure
public import TrinMetrics

/// The JSON documents of a set, one per figure family (docs/metric-files.md).
public enum MetricDocuments {
    /// The version of the JSON shape; bumped on any incompatible change.
    public static let schemaVersion = 2
    /// The version of the metric definitions the figures follow (2: as-of dates, levels, the
    /// release policy; 3: an open year's value chain by the highest step, a row with an empty
    /// record id kept, every column a shipped mapping reads required).
    public static let definitionsVersion = "3"

    /// File name → document.
    public static func documents(_ r: ReleasedFigures, context: PublicationContext) -> [(String, JSONValue)] {
        func document(_ metric: String, _ years: [JSONValue]) -> JSONValue {
            .object(header(r, context: context) + [("metric", .string(metric)), ("years", .array(years))])
        }
        func year(_ y: ReleasedYear, _ table: FigureTable, extra: [(String, JSONValue)] = []) -> JSONValue {
            .object([("year", .int(y.year)), ("status", .string(y.status.rawValue))] + extra
                    + [("dimensions", .array(table.dimensions.map { .string($0) })),
                       ("cells", .array(table.cells.map { cell($0, dimensions: table.dimensions) }))])
        }
        return [
            ("employment.json", document("employment", r.years.map { y in
                year(y, y.employment, extra: [("goal", .int(Metrics.employmentGoal)), ("goalMet", .bool(y.employmentGoalMet))])
            })),
            ("youth.json", document("youth", r.years.map { year($0, $0.youth) })),
            ("value_chain.json", document("valueChain", r.years.map { year($0, $0.valueChain) })),
            ("progression.json", document("progression", r.years.map { y in
                year(y, y.progression, extra: [("agreements", .array(agreements(y, r)))])
            })),
            ("enterprises.json", document("enterprises", r.enterprises.map(enterprises))),
        ]
    }

    /// The members every document (and the manifest) starts with.
    static func header(_ r: ReleasedFigures, context: PublicationContext) -> [(String, JSONValue)] {
        [
            ("schemaVersion", .int(schemaVersion)),
            ("definitionsVersion", .string(definitionsVersion)),
            ("unit", .string(context.unitName)),
            ("asOf", .string(r.asOf.description)),
            ("closedYears", .array(r.closedYears.map { .int($0) })),
            ("publishedAt", .string(context.publishedAt.description)),
            ("dataChangedAt", .string(context.dataChangedAt.description)),
            ("k", .int(r.k)),
        ]
    }

    /// `{<dimension>: code, …, "level": …, "value": n}` or `… "suppressed": true`.
    static func cell(_ c: FigureCell, dimensions: [String]) -> JSONValue {
        var members: [(String, JSONValue)] = zip(dimensions, c.coordinates).map { ($0, .string($1)) }
        members.append(("level", .string(c.level.rawValue)))
        switch c.value {
        case .value(let v): members.append(("value", .int(v)))
        case .suppressed: members.append(("suppressed", .bool(true)))
        }
        if let share = c.share {
            switch share {
            case .value(let v): members.append(("share", .double(v)))
            case .suppressed: members.append(("shareSuppressed", .bool(true)))
            }
        }
        return .object(members)
    }

    /// The agreements of a year with their enterprise's name (from the register).
    static func agreements(_ y: ReleasedYear, _ r: ReleasedFigures) -> [JSONValue] {
        var seen = Set<String>()
        return y.progression.cells.compactMap { c -> JSONValue? in
            guard seen.insert(c.coordinates[0]).inserted else { return nil }
            let cvr = c.coordinates[1]
            var members: [(String, JSONValue)] = [("agreement", .string(c.coordinates[0])),
                                                  ("enterprise", cvr.isEmpty ? .null : .string(cvr)),
                                                  ("enterpriseName", r.enterprise(cvr: cvr).map { .string($0.name) } ?? .null)]
            if c.coordinates[0] == pooledAgreementsCoordinate { members.append(("pooledAgreements", .int(y.pooledAgreements))) }
            return .object(members)
        }
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
