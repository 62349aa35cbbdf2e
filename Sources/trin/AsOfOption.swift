import ArgumentParser
import TrinCore
import TrinMetrics
import TrinService

/// `--as-of`, shared by every command that releases figures.
struct AsOfOption: ParsableArguments {
    @Option(help: "Count records up to this date (yyyy-MM-dd; default: the config's publication.asOf, else the end of the last complete month).")
    var asOf: String?

    /// The release policy: `--as-of`, else the configuration's, else the end of the last complete month.
    func policy(_ config: Configuration?) throws -> ReleasePolicy {
        guard let asOf else { return MetricsJob.policy(asOf: config?.asOf) }
        guard let day = Day(iso: asOf) else { throw fail("--as-of must be a date (yyyy-MM-dd)", TrinExit.configuration) }
        return ReleasePolicy(asOf: day)
    }
}
