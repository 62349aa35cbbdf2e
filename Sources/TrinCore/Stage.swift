/// A step on the value chain (værdikæde), lowest to highest rank.
///
/// The raw values are the canonical names used in mappings, the store and output.
public enum Stage: String, CaseIterable, Sendable, Codable, Comparable {
    case motivation, opkvalificering, afklaring, praktik, loentimer, job, uddannelse, ophoert

    /// The rank on the ladder; `ophoert` (ended without outcome) has none.
    /// `job` and `uddannelse` share the top rank.
    public var rank: Int? {
        switch self {
        case .motivation: 1
        case .opkvalificering: 2
        case .afklaring: 3
        case .praktik: 4
        case .loentimer: 5
        case .job, .uddannelse: 6
        case .ophoert: nil
        }
    }

    /// Employment means paid hours, a small job, wage subsidy, or a job.
    public var isEmployment: Bool { self == .loentimer || self == .job }

    /// A stable small code for compact keys; the declaration order.
    public var code: UInt8 { UInt8(Stage.declarationOrder.firstIndex(of: self)!) }
    private static let declarationOrder = Stage.allCases

    /// The position of the name among all stage names in code-point order: ties "broken
    /// by name" compare this instead of the texts (the metrics do it for every record).
    public var nameOrder: Int {
        switch self {
        case .afklaring: 0
        case .job: 1
        case .loentimer: 2
        case .motivation: 3
        case .ophoert: 4
        case .opkvalificering: 5
        case .praktik: 6
        case .uddannelse: 7
        }
    }

    /// Every stage, indexed by `nameOrder`.
    public static let byNameOrder = Stage.allCases.sorted { $0.rawValue < $1.rawValue }

    /// Orders by name, so that ties "broken by name" are plain comparisons.
    public static func < (lhs: Stage, rhs: Stage) -> Bool { lhs.nameOrder < rhs.nameOrder }
}
