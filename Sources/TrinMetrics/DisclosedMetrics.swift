import TrinDisclosure

/// `Metrics` after disclosure control: what may be published.
public struct DisclosedMetrics: Sendable, Equatable {
    public let k: Int
    public let years: [Int]
    public let employment: [DisclosedEmploymentYear]
    public let progression: [DisclosedAgreementProgress]
    public let youth: [DisclosedYouthYear]
    /// Enterprise counts are not about persons and are published as they are.
    public let enterprises: [EnterpriseYear]
}

public struct DisclosedEmploymentYear: Sendable, Equatable {
    public let year: Int
    public let table: DisclosedCountTable
    public let goal: Int
    /// Always published, computed from the true total.
    public let goalMet: Bool
}

public struct DisclosedYouthYear: Sendable, Equatable {
    public let year: Int
    public let table: DisclosedCountTable
}

public struct DisclosedAgreementProgress: Sendable, Equatable {
    public let agreement: String
    public let enterprise: String?
    public let year: Int
    public let started: Disclosed<Int>
    /// Indexed like `HighestStage.allCases`.
    public let highestStage: [Disclosed<Int>]
    public let ended: Disclosed<Int>
    /// Indexed like `EndStage.allCases`.
    public let endStage: [Disclosed<Int>]
    public let movedUp: Disclosed<Int>
    public let movedUpShare: Disclosed<Double>

    public func count(_ stage: HighestStage) -> Disclosed<Int> { highestStage[stage.index] }
    public func count(_ stage: EndStage) -> Disclosed<Int> { endStage[stage.index] }
}

extension Metrics {
    /// Applies primary and secondary suppression to every citizen count.
    public func disclosed(threshold: DisclosureThreshold = .standard) -> DisclosedMetrics {
        let suppressor = Suppressor(threshold: threshold)
        return DisclosedMetrics(
            k: threshold.k,
            years: years,
            employment: employment.map {
                DisclosedEmploymentYear(year: $0.year, table: $0.table.disclosed(by: suppressor),
                                        goal: Metrics.employmentGoal, goalMet: $0.goalMet)
            },
            progression: progression.map { $0.disclosed(by: suppressor) },
            youth: youth.map { DisclosedYouthYear(year: $0.year, table: $0.table.disclosed(by: suppressor)) },
            enterprises: enterprises)
    }
}

extension AgreementProgress {
    /// Cell layout of one agreement-year's linked figures.
    private enum Layout {
        static let started = 0
        static let highest = 1..<(1 + HighestStage.allCases.count)
        static let end = highest.upperBound..<(highest.upperBound + EndStage.allCases.count)
        static let ended = end.upperBound
        static let movedUp = ended + 1
    }

    /// One system: started = Σ highestStage = Σ endStage, ended = Σ endStage
    /// without `running`. `movedUp` is in no equation (its complement is not published).
    func suppressionTable() -> SuppressionTable {
        let endedParts = Array(Layout.end).filter { $0 != Layout.end.lowerBound + EndStage.running.index }
        return try! SuppressionTable(
            values: [started] + highestStage + endStage + [ended, movedUp],
            equations: [
                Equation(total: Layout.started, parts: Array(Layout.highest)),
                Equation(total: Layout.started, parts: Array(Layout.end)),
                Equation(total: Layout.ended, parts: endedParts),
            ])
    }

    func disclosed(by suppressor: Suppressor) -> DisclosedAgreementProgress {
        let table = suppressionTable()
        let cells = suppressor.suppress(table).disclose(table.values)
        return DisclosedAgreementProgress(
            agreement: agreement, enterprise: enterprise, year: year,
            started: cells[Layout.started],
            highestStage: Array(cells[Layout.highest]),
            ended: cells[Layout.ended],
            endStage: Array(cells[Layout.end]),
            movedUp: cells[Layout.movedUp],
            movedUpShare: ShareRule.disclose(numerator: cells[Layout.movedUp], denominator: cells[Layout.started],
                                             threshold: suppressor.threshold))
    }
}
