public import TrinCore
public import TrinDisclosure

/// One published set of figures: every year as its status allows, after
/// disclosure control. The only form in which citizen counts leave trin.
public struct ReleasedFigures: Sendable, Equatable {
    public let k: Int
    public let policy: ReleasePolicy
    /// Every calendar year from the earliest to the latest record start on or before the as-of date.
    public let years: [ReleasedYear]
    /// Enterprise counts per year (not about persons, never suppressed), in `years` order.
    public let enterprises: [EnterpriseYear]
    /// The enterprise register as of the as-of date (not personal data), by CVR.
    public let register: [EnterpriseRecord]
    /// What suppression cost, per year and table (not published; `trin disclosure` prints it).
    public let loss: [InformationLoss]
    /// Closed years published in full here for the first time (or republished):
    /// to be kept so that later sets repeat them (`FrozenYear`). Never published as they are.
    public let newlyFrozen: [FrozenYear]

    public var asOf: Day { policy.asOf }
    public var closedYears: [Int] { years.filter { $0.status == .closed }.map(\.year) }

    /// The register entry of a CVR number, for enterprise names.
    public func enterprise(cvr: String?) -> EnterpriseRecord? {
        guard let cvr else { return nil }
        return register.first { $0.cvr == cvr }
    }
}

/// One year of a published set.
public struct ReleasedYear: Sendable, Equatable {
    public let year: Int
    public let status: YearStatus
    /// Whether the employment norm (30) is met; always published, from the true total.
    public let employmentGoalMet: Bool
    public let employment: FigureTable
    public let youth: FigureTable
    /// The value chain across all agreements.
    public let valueChain: FigureTable
    /// Per agreement; empty unless the year is closed. Agreements that started
    /// fewer than `AgreementLevel.ownRowMinimum(k:)` courses share one row
    /// (`pooledAgreementsCoordinate`).
    public let progression: FigureTable
    /// How many agreements the pooled row holds (not a count of citizens).
    public let pooledAgreements: Int

    public var tables: [FigureTable] { [employment, youth, valueChain, progression] }
}

/// The published tables, in the order files and reports show them.
public enum FigureTableName: String, Sendable, Hashable, CaseIterable {
    case employment, youth, valueChain, progression
}

/// A published table in long form: one cell per figure, each with its coordinates.
public struct FigureTable: Sendable, Equatable {
    public let name: FigureTableName
    /// The names of the coordinates, e.g. `targetGroup`, `ageBand`.
    public let dimensions: [String]
    public internal(set) var cells: [FigureCell]

    /// The cell at `coordinates` (`"total"` for a margin), if published at any level.
    public func cell(_ coordinates: String...) -> FigureCell? { cells.first { $0.coordinates == coordinates } }
    /// The value at `coordinates`; nil when the table has no such cell.
    public func value(_ coordinates: String...) -> Disclosed<Int>? { cells.first { $0.coordinates == coordinates }?.value }
    /// The levels present.
    public var levels: [DetailLevel] { DetailLevel.allCases.filter { l in cells.contains { $0.level == l } } }
}

/// One figure: where it sits, at what level, and its published value.
public struct FigureCell: Sendable, Equatable {
    /// One value per dimension of the table; `total` where the figure is a margin.
    public let coordinates: [String]
    public let level: DetailLevel
    public let value: Disclosed<Int>
    /// For `movedUp` figures: movedUp / started, published only when started ≥ k and both are published.
    public let share: Disclosed<Double>?
}

/// The share of non-zero true counts that a table does not publish.
public struct InformationLoss: Sendable, Equatable {
    public let year: Int
    public let table: FigureTableName
    public let status: YearStatus
    /// Distinct figures with a true count above zero.
    public let nonZero: Int
    /// Of those, how many are suppressed.
    public let suppressed: Int
    /// Of those, how many are themselves below k (suppressed whatever the method).
    public let primary: Int
}

/// The marker used for margins in coordinates.
public let totalCoordinate = "total"
