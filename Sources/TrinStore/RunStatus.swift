public import TrinCore

/// How a run ended, for operations and exit codes.
public enum RunStatus: String, Sendable, Codable {
    case running, succeeded, partial, failed, interrupted

    /// How a run that attempted these files (or sources) ended: failed when all failed,
    /// partial when some did.
    public init(outcomes: [FileOutcome]) {
        let failed = outcomes.filter { $0.status == .failed }.count
        self = failed == 0 ? .succeeded : failed == outcomes.count ? .failed : .partial
    }
}
