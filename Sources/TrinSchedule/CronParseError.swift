/// A cron expression that cannot be used, saying which field and why.
public struct CronParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public let expression: String
    /// The field at fault; nil when the expression as a whole is wrong (field count, macro).
    public let field: CronField?
    public let reason: String

    public init(expression: String, field: CronField?, reason: String) {
        self.expression = expression
        self.field = field
        self.reason = reason
    }

    /// E.g. `cron expression "61 * * * *": minute: 61 is out of range 0-59`.
    public var description: String {
        "cron expression \"\(expression)\": " + (field.map { "\($0.rawValue): " } ?? "") + reason
    }
}
