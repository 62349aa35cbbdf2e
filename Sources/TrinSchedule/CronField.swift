/// The five fields of a cron expression, in order.
public enum CronField: String, Sendable, CaseIterable {
    case minute
    case hour
    case dayOfMonth = "day-of-month"
    case month
    case dayOfWeek = "day-of-week"

    /// Smallest and largest value written in the field (day-of-week allows 7 for Sunday).
    var bounds: ClosedRange<Int> {
        switch self {
        case .minute: return 0...59
        case .hour: return 0...23
        case .dayOfMonth: return 1...31
        case .month: return 1...12
        case .dayOfWeek: return 0...7
        }
    }

    /// Names accepted in place of numbers (English three-letter, any case).
    var names: [String] {
        switch self {
        case .month: return ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        case .dayOfWeek: return ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
        default: return []
        }
    }

    /// The value of the first name (`jan` = 1, `sun` = 0).
    var firstNameValue: Int { self == .month ? 1 : 0 }
}
