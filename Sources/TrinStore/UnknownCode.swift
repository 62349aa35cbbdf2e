/// A code value that no rule of the mapping knew (an activity, a target group, an
/// enterprise type, a bottom-line word), and how many rows of a file had it.
///
/// Kept with the file's outcome, so a dry run of a new export, and `trin runs show`,
/// list which codes to add to the mapping, most frequent first.
public struct UnknownCode: Sendable, Hashable, Codable {
    /// The rejection reason (`unknown_activity`, …).
    public var reason: String
    /// The field, as the rejection names it (`stage (Aktivitet)`).
    public var field: String
    /// The value met, masked like every kept text.
    public var value: String
    public var rows: Int

    public init(reason: String, field: String, value: String, rows: Int) {
        self.reason = reason; self.field = field; self.value = value; self.rows = rows
    }

    /// Counts unknown codes over a file, in bounded memory: at most `distinctLimit`
    /// different values are counted (a shifted column can make every row's value unique).
    public struct Tally: Sendable {
        /// Different values counted per file.
        public static let distinctLimit = 1000
        /// Values kept in the outcome, most frequent first.
        public static let keptLimit = 25
        private var counts: [Key: Int] = [:]
        /// Rows whose value was not counted because `distinctLimit` was reached.
        public private(set) var uncounted = 0

        struct Key: Hashable { var reason, field, value: String }

        public init() {}

        public mutating func count(_ reason: String, field: String, value: String) {
            let key = Key(reason: reason, field: field, value: value)
            if let n = counts[key] { counts[key] = n + 1 } else if counts.count < Self.distinctLimit { counts[key] = 1 } else { uncounted += 1 }
        }

        /// The `keptLimit` most frequent values; ties by reason, field and value.
        public var mostFrequent: [UnknownCode] {
            counts.map { UnknownCode(reason: $0.key.reason, field: $0.key.field, value: $0.key.value, rows: $0.value) }
                .sorted { ($1.rows, $0.reason, $0.field, $0.value) < ($0.rows, $1.reason, $1.field, $1.value) }
                .prefix(Self.keptLimit).map { $0 }
        }
    }
}
