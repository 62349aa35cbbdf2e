import TrinCore

/// Every figure of docs/definitions.md "Figures", per year, before suppression.
///
/// Produced by `MetricsCalculator.finish(enterprises:)`; publish only through
/// `disclosed(threshold:)`.
public struct Metrics: Sendable, Equatable {
    /// The strategy's norm: at least 30 citizens entering employment a year.
    public static let employmentGoal = 30
    /// The strategy's goal: at least 40 enterprises with all three bottom lines.
    public static let enterpriseGoal = 40

    /// Every calendar year from the earliest to the latest progress-record start.
    public let years: [Int]
    /// One per year, in `years` order.
    public let employment: [EmploymentYear]
    /// Agreement-years with at least one course started, by year then agreement id.
    public let progression: [AgreementProgress]
    /// One per year, in `years` order.
    public let youth: [YouthYear]
    /// One per year, in `years` order.
    public let enterprises: [EnterpriseYear]

    public init(years: [Int], employment: [EmploymentYear], progression: [AgreementProgress],
                youth: [YouthYear], enterprises: [EnterpriseYear]) {
        self.years = years; self.employment = employment; self.progression = progression
        self.youth = youth; self.enterprises = enterprises
    }
}

/// Citizens whose first employment event starts in `year`, by target group (rows,
/// `TargetGroup.allCases`) and age band (columns, `AgeBand.allCases`).
public struct EmploymentYear: Sendable, Equatable {
    public let year: Int
    public let table: CountTable
    public var goalMet: Bool { table.total >= Metrics.employmentGoal }

    static func emptyTable() -> CountTable {
        CountTable(rowLabels: TargetGroup.allCases.map(\.rawValue), columnLabels: AgeBand.allCases.map(\.rawValue))
    }
}

/// Young citizens (under 30) reaching education or employment in `year`, by
/// outcome (rows, `YouthOutcome.allCases`) and age band (columns: the three youth bands).
public struct YouthYear: Sendable, Equatable {
    public let year: Int
    public let table: CountTable

    static let bands: [AgeBand] = AgeBand.allCases.filter(\.isYouth)

    static func emptyTable() -> CountTable {
        CountTable(rowLabels: YouthOutcome.allCases.map(\.rawValue), columnLabels: bands.map(\.rawValue))
    }
}
