public import TrinCore

/// Enterprises and initiatives active in one year. Not about persons: never suppressed.
public struct EnterpriseYear: Sendable, Equatable {
    public let year: Int
    /// Active enterprises, indexed like `EnterpriseType.allCases`.
    public let active: [Int]
    /// Active enterprises with all three bottom lines, indexed like `EnterpriseType.allCases`.
    public let threeBottomLines: [Int]

    public var activeTotal: Int { active.reduce(0, +) }
    public var threeBottomLinesTotal: Int { threeBottomLines.reduce(0, +) }
    /// The strategy's goal: at least 40 with all three bottom lines.
    public var goalMet: Bool { threeBottomLinesTotal >= Metrics.enterpriseGoal }

    public init(year: Int, enterprises: [EnterpriseRecord]) {
        self.year = year
        var active = [Int](repeating: 0, count: EnterpriseType.allCases.count)
        var three = active
        for e in enterprises where e.isActive(inYear: year) {
            let t = EnterpriseType.allCases.firstIndex(of: e.type)!
            active[t] += 1
            if e.hasThreeBottomLines { three[t] += 1 }
        }
        self.active = active
        self.threeBottomLines = three
    }
}
