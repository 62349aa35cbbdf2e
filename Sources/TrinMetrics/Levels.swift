public import TrinCore

/// The value chain in three steps: the coarse level of a stage breakdown.
public enum StageStep: String, CaseIterable, Sendable, Codable {
    /// motivation, opkvalificering, afklaring.
    case preparing
    /// praktik, loentimer.
    case workplace
    /// job, uddannelse.
    case goal

    /// The step of a ranked stage; nil for `ophoert`, which keeps its own category.
    public init?(_ stage: Stage) {
        switch stage {
        case .motivation, .opkvalificering, .afklaring: self = .preparing
        case .praktik, .loentimer: self = .workplace
        case .job, .uddannelse: self = .goal
        case .ophoert: return nil
        }
    }
}

/// Age in three groups: the coarse level of an age breakdown.
public enum AgeGroup: String, CaseIterable, Sendable, Codable {
    case under30 = "<30"
    case from30to49 = "30-49"
    case from50 = "50+"

    public init(_ band: AgeBand) {
        switch band {
        case .under18, .from18to24, .from25to29: self = .under30
        case .from30to39, .from40to49: self = .from30to49
        case .from50to59, .from60: self = .from50
        }
    }
}

/// The level of detail a published figure is at.
public enum DetailLevel: String, Sendable, Hashable, CaseIterable {
    /// A headline figure of an open or provisional year.
    case headline
    /// The fine categories: seven age bands, eight stages.
    case fine
    /// The coarse categories: three age groups, three value-chain steps.
    case coarse

    /// Whether a table of `cells` fine interior cells is published fine: its
    /// total must reach 2k per fine cell, else the fine cells would mostly be
    /// suppressed. Decided on the total, which is published, so the choice
    /// itself discloses nothing.
    public static func fits(total: Int, fineCells: Int, k: Int) -> Bool { total >= 2 * k * fineCells }
}

/// Which agreements get a row of their own in a year's per-agreement table
/// (global recoding of the agreement dimension, docs/metrics.md "Levels").
public enum AgreementLevel {
    /// An agreement has its own row in a year when its row fits by the rule
    /// of `DetailLevel.fits`: 2k courses per cell of a split, and a row splits
    /// its courses in two (moved up or not; ended at the goal or not), so 4k.
    /// The others are pooled into one row: on their own, most of their counts
    /// would be below k, and their suppression would spread through the
    /// column sums to the other rows (docs/benchmarks.md has the measurements).
    public static func ownRowMinimum(k: Int) -> Int { 2 * k * 2 }

    /// The agreement-years of `agreements` with a row of their own, and those that go into
    /// the pooled row. A republication (`ownRows`: the agreements the year's first full
    /// publication gave a row) keeps those rows as they were: an agreement that grew past
    /// the minimum since stays pooled, one that shrank below it keeps its row, and one not
    /// seen before is pooled. Otherwise the old pooled row, the new one and the agreement's
    /// new row would show by their difference how much the agreement changed.
    static func split(_ agreements: [AgreementProgress], k: Int, ownRows: Set<AgreementID>? = nil)
        -> (own: [AgreementProgress], pooled: [AgreementProgress]) {
        // An export's agreement named like the pooled row is pooled: its own row would share the pooled row's key.
        let hasOwnRow: (AgreementProgress) -> Bool = { a in
            a.agreement != pooledAgreementsCoordinate && (ownRows.map { $0.contains(AgreementID(a.agreement)) } ?? (a.started >= ownRowMinimum(k: k)))
        }
        return (agreements.filter { $0.started > 0 && hasOwnRow($0) }, agreements.filter { $0.started > 0 && !hasOwnRow($0) })
    }
}

/// The agreement coordinate of the row that pools the agreements without a row of their own.
public let pooledAgreementsCoordinate = "(other)"
