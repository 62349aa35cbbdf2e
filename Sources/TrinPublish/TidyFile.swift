import Foundation
/// One long ("tidy") CSV file of a set and its Table Schema: the columns are
/// declared once, and both the file and `datapackage.json` are made from them.
public struct TidyFile: Sendable {
    public struct Column: Sendable {
        public enum Kind: String, Sendable { case string, integer, number, boolean, date }
        public let name: String
        public let kind: Kind
        public let description: String

        public init(_ name: String, _ kind: Kind, _ description: String) {
            self.name = name
            self.kind = kind
            self.description = description
        }
    }

    /// File name, e.g. `employment.csv`.
    public let name: String
    public let title: String
    public let description: String
    public let columns: [Column]
    /// Columns that identify a row.
    public let primaryKey: [String]
    /// Fields as written (empty for a missing value).
    public var rows: [[String]]

    /// The resource name in the data package: the file name without `.csv`, `-` for `_`.
    public var resourceName: String { String(name.dropLast(4)).replacingOccurrences(of: "_", with: "-") }

    public func render(_ dialect: PublishedCSVDialect) -> String { dialect.render(header: columns.map(\.name), rows: rows) }
}
