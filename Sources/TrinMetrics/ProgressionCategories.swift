import TrinCore

/// The highest stage a course reached: a ranked stage, or `none` for a course of
/// only `ophoert` records.
public enum HighestStage: String, CaseIterable, Sendable, Codable {
    case motivation, opkvalificering, afklaring, praktik, loentimer, job, uddannelse, none

    init(_ stage: Stage) {
        switch stage {
        case .motivation: self = .motivation
        case .opkvalificering: self = .opkvalificering
        case .afklaring: self = .afklaring
        case .praktik: self = .praktik
        case .loentimer: self = .loentimer
        case .job: self = .job
        case .uddannelse: self = .uddannelse
        case .ophoert: self = .none
        }
    }
}

/// Where a course stands at its end: the stage of its last record when the
/// course has ended, else `running`.
public enum EndStage: String, CaseIterable, Sendable, Codable {
    case motivation, opkvalificering, afklaring, praktik, loentimer, job, uddannelse, ophoert, running

    init(_ stage: Stage) {
        switch stage {
        case .motivation: self = .motivation
        case .opkvalificering: self = .opkvalificering
        case .afklaring: self = .afklaring
        case .praktik: self = .praktik
        case .loentimer: self = .loentimer
        case .job: self = .job
        case .uddannelse: self = .uddannelse
        case .ophoert: self = .ophoert
        }
    }
}

/// The outcome a young citizen reached in a year.
public enum YouthOutcome: String, CaseIterable, Sendable, Codable {
    case uddannelse, employment
}
