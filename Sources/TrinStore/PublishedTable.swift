public import TrinCore

/// One table of a published metric set, as a server store keeps it for BI tools: what the
/// set's CSV file of that name holds (already suppressed), with typed columns.
public struct PublishedTable: Sendable, Equatable {
    public enum ColumnType: String, Sendable {
        case text, integer, number, boolean, date
    }

    /// The CSV file's name without `.csv` (`employment`, `dim_stage`).
    public var name: String
    public var columns: [(name: String, type: ColumnType)]
    /// Fields as published, a decimal point in numbers; nil where the file has an empty field.
    public var rows: [[String?]]

    public init(name: String, columns: [(name: String, type: ColumnType)], rows: [[String?]]) {
        self.name = name
        self.columns = columns
        self.rows = rows
    }

    public static func == (a: PublishedTable, b: PublishedTable) -> Bool {
        a.name == b.name && a.rows == b.rows && a.columns.map(\.name) == b.columns.map(\.name) && a.columns.map(\.type) == b.columns.map(\.type)
    }
}

/// A store that also keeps the current published figures as tables, for BI tools that read
/// the database (the PostgreSQL store: schema `trin_figures`). The files stay the publication;
/// the tables repeat the current set, and hold nothing the files do not.
public protocol PublishesFigureTables: Store {
    /// Replaces the figures this store's tenant published last with the set `set`'s tables,
    /// in one transaction: readers see the previous set or this one, never a mix.
    func publishFigureTables(_ tables: [PublishedTable], set: String, asOf: Day, k: Int, publishedAt: Instant) throws(StoreError)
}

/// A store that reads several tenants as one population (a combined publication), and so
/// must know what each of them published on its own (`PublishedParts` in the metrics stage).
public protocol CombinesPublications: Store {
    /// Whether this store combines tenants (false: one tenant's store).
    var isCombined: Bool { get }
    /// The tenants it combines.
    var combinedTenants: [String] { get }
    /// Per tenant combined, the rows of its current set's figure tables (`employment`,
    /// `youth`, `value_chain`, `progression`), each with the table's name. A tenant with no
    /// current set, or one as of another date or with another k than the combined set's, is
    /// an error that names it: the combined figures are checked against what the tenants
    /// show for the same date and k (a set of another date would let the difference of the
    /// two show a count the tenant suppressed).
    func partsPublications(asOf: Day, k: Int) throws(StoreError) -> [String: [PublishedRow]]
    /// Runs `body`, whose reads all see one state of the store: the tenants it combines go on
    /// importing meanwhile (a combined publication holds none of their locks).
    func readingOneState<T>(_ body: () throws -> T) throws -> T
}

/// One published figure as a part's figure table holds it.
public struct PublishedRow: Sendable, Equatable {
    /// The CSV file's name without `.csv`.
    public var table: String
    public var year: Int
    public var level: String
    public var coordinates: [String]
    /// Nil when suppressed.
    public var value: Int?

    public init(table: String, year: Int, level: String, coordinates: [String], value: Int?) {
        self.table = table; self.year = year; self.level = level; self.coordinates = coordinates; self.value = value
    }
}
