/// Progression figures for one cooperation agreement in one year, over the
/// courses whose first record starts in that year. All counts are courses
/// (one citizen under one agreement), before suppression.
public struct AgreementProgress: Sendable, Equatable {
    public let agreement: String
    /// The CVR number seen most often on the agreement's records (all years); nil if none.
    public internal(set) var enterprise: String?
    public let year: Int
    public internal(set) var started = 0
    /// Indexed like `HighestStage.allCases`; sums to `started`.
    public internal(set) var highestStage = [Int](repeating: 0, count: HighestStage.allCases.count)
    /// Indexed like `EndStage.allCases`; sums to `started`.
    public internal(set) var endStage = [Int](repeating: 0, count: EndStage.allCases.count)
    public internal(set) var movedUp = 0

    init(agreement: String, year: Int) {
        self.agreement = agreement
        self.year = year
    }

    /// Courses whose last record has an end date or is `ophoert`.
    public var ended: Int { started - endStage[EndStage.running.index] }
    /// Courses whose last record is at the goal step (job or uddannelse).
    public var endedAtGoal: Int { count(EndStage.job) + count(EndStage.uddannelse) }
    public var movedUpShare: Double? { started > 0 ? Double(movedUp) / Double(started) : nil }

    public func count(_ stage: HighestStage) -> Int { highestStage[stage.index] }
    public func count(_ stage: EndStage) -> Int { endStage[stage.index] }

    mutating func add(_ course: CourseOutcome) {
        started += 1
        highestStage[course.highest.index] += 1
        endStage[course.end.index] += 1
        if course.movedUp { movedUp += 1 }
    }
}

extension HighestStage {
    var index: Int { HighestStage.allCases.firstIndex(of: self)! }
}

extension EndStage {
    var index: Int { EndStage.allCases.firstIndex(of: self)! }
}
