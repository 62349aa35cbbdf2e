import TrinCore

/// The highest stage a course reached: a ranked stage, or `none` for a course of
/// only `ophoert` records.
public enum HighestStage: String, CaseIterable, Sendable, Codable {
    case motivation, opkvalificering, afklaring, praktik, loentimer, job, uddannelse, none

    /// The stage's own case (`ophoert`: `none`), by table: the metrics ask once per course.
    init(_ stage: Stage) { self = Self.byStage[stage.nameOrder] }

    private static let byStage = Stage.byNameOrder.map { HighestStage(rawValue: $0.rawValue) ?? .none }
}

/// Where a course stands at its end: the stage of its last record when the
/// course has ended, else `running`.
public enum EndStage: String, CaseIterable, Sendable, Codable {
    case motivation, opkvalificering, afklaring, praktik, loentimer, job, uddannelse, ophoert, running

    /// The stage's own case, by table: the metrics ask once per course.
    init(_ stage: Stage) { self = Self.byStage[stage.nameOrder] }

    private static let byStage = Stage.byNameOrder.map { EndStage(rawValue: $0.rawValue)! }
}

/// The outcome a young citizen reached in a year.
public enum YouthOutcome: String, CaseIterable, Sendable, Codable {
    case uddannelse, employment
}
