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
