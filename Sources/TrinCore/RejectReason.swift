/// Why a row or record was rejected. For events the rules are checked in the
/// order of docs/definitions.md ("Row rules"), the first failure being the reason;
/// the cases below follow it. `missingValue` (an empty record id) is no longer a reason:
/// it stays so that rejections an earlier trin kept still read.
public enum RejectReason: String, CaseIterable, Sendable, Codable, Comparable, Error {
    case badEncoding = "bad_encoding"
    case fieldCount = "field_count"
    case missingValue = "missing_value"
    case cprMalformed = "cpr_malformed"
    case cprInvalidDate = "cpr_invalid_date"
    case unknownTargetGroup = "unknown_target_group"
    case unknownActivity = "unknown_activity"
    case invalidDate = "invalid_date"
    case endBeforeStart = "end_before_start"
    case invalidHours = "invalid_hours"
    case hoursOutOfRange = "hours_out_of_range"
    case invalidTimestamp = "invalid_timestamp"
    case invalidCVR = "invalid_cvr"
    case birthAfterEvent = "birth_after_event"
    // Enterprise register.
    case unknownType = "unknown_type"
    case invalidBottomLine = "invalid_bottom_line"
    // Any other code field whose value map rejects unknown codes.
    case unknownCode = "unknown_code"

    public static func < (lhs: RejectReason, rhs: RejectReason) -> Bool { lhs.rawValue < rhs.rawValue }
}
