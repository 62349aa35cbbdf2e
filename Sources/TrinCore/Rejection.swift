/// A rejected row or record: where it was, the rule it broke, and the row as
/// read with every personal id masked (safe to store, log and show).
public struct Rejection: Sendable, Hashable {
    /// The physical line on which the row starts (the header is line 1), or the
    /// line of the XML record's element.
    public var line: Int
    /// Element path for XML records (nil for CSV).
    public var path: String?
    public var reason: RejectReason
    /// The column or field that broke the rule, when one did.
    public var field: String?
    /// The raw row with personal ids masked.
    public var maskedRow: String
    /// For a code no mapping rule knows: the code met (masked), so a dry run can list them.
    public var value: String?

    public init(line: Int, path: String? = nil, reason: RejectReason, field: String? = nil, maskedRow: String,
                value: String? = nil) {
        self.line = line; self.path = path; self.reason = reason; self.field = field; self.maskedRow = maskedRow
        self.value = value
    }
}
