/// The version order of docs/definitions.md in SQL, written once for both back ends: of two
/// versions of one identity the greater is kept.
///
/// The fields are compared most significant first: recorded time, source, source record id,
/// then end day, hours, target group, age band and enterprise. An absent value stands below
/// every present one (no end day is `Int32.min`, no hours are negative, no enterprise is
/// empty text); texts compare by their UTF-8 bytes (SQLite's BINARY collation, PostgreSQL's
/// "C"). Target group and age band compare by name: SQLite keeps them as codes numbered in
/// name order (`StoreCode`), PostgreSQL as the names themselves.
///
/// Every statement that compares versions is built from `fields`, so the rule cannot
/// drift between the SQLite row value, its bound parameters and PostgreSQL's ordering.
package enum VersionOrder {
    /// The columns compared, most significant first, each with the SQL value that stands
    /// for an absent one (nil: the column is never absent).
    package static let fields: [(column: String, absent: String?)] = [
        ("recorded_at", nil), ("source", nil), ("source_record_id", nil), ("end_day", "-2147483648"), ("hours", "-1.0"),
        ("target_group", nil), ("age_band", nil), ("enterprise", "''"),
    ]

    /// The version as an SQL row value, each column's value written by `value` (a column
    /// of a table, `excluded.`'s, a bound parameter), an absent one replaced.
    package static func row(_ value: (String) -> String) -> String {
        "(" + fields.map { f in f.absent.map { "coalesce(\(value(f.column)), \($0))" } ?? value(f.column) }.joined(separator: ", ") + ")"
    }

    /// The version of the columns prefixed `prefix` (`excluded.`, `event.`, `s.`) as a row value.
    package static func row(prefix: String) -> String { row { prefix + $0 } }

    /// The version as ORDER BY terms, greatest first.
    package static func descending(prefix: String) -> String {
        fields.map { f in (f.absent.map { "coalesce(\(prefix)\(f.column), \($0))" } ?? prefix + f.column) + " DESC" }
            .joined(separator: ", ")
    }
}
