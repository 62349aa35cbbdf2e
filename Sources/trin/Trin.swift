import ArgumentParser
import TrinCore
import Foundation
import TrinService

/// trin: fetch exports, decode them through mappings, pseudonymise, deduplicate,
/// and publish suppressed metric files. A thin layer over the library targets.
@main
struct Trin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trin",
        abstract: "Batch data integration for the social-economy unit: exports in, anonymised metric files out.",
        discussion: """
            Exit codes:
              0 everything succeeded
              1 some sources or files failed
              2 configuration or usage error
              3 another run holds the lock
              4 the store cannot be opened, read or written (or another internal error)
              5 imported, but the metric set, Prometheus textfile, retention or log failed
            """,
        version: "\(TrinVersion.current) (metric schema 2, definitions 3)",
        subcommands: [RunCommand.self, DaemonCommand.self, CheckConfigCommand.self, ImportCommand.self, MetricsCommand.self,
                      ReportCommand.self, DisclosureCommand.self, RunsCommand.self, PurgeCommand.self, KeygenCommand.self, SampleCommand.self])

    /// Parses and runs a command as ArgumentParser does, after closing the file mode
    /// mask: everything trin creates (store and journal, log, lock, metric files and
    /// folders) is at most 0640 / 0750 whatever the caller's umask, since the store and
    /// the log describe citizens. The key is 0600 and the Prometheus textfile 0644 (no
    /// personal data, read by node_exporter) by explicit modes. No core dump is written:
    /// one would hold export rows, CPR numbers among them, and the key.
    static func main() async {
        umask(umask(0) | 0o027)
        #if os(Linux)
        var noCore = rlimit(rlim_cur: 0, rlim_max: 0)
        _ = setrlimit(Int32(RLIMIT_CORE.rawValue), &noCore)
        #endif
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            // A usage error is a configuration error here (exit 2, as documented), not EX_USAGE (64).
            if exitCode(for: error) == .validationFailure {
                FileHandleOutput.standardError(fullMessage(for: error) + "\n")
                Foundation.exit(TrinExit.configuration.rawValue)
            }
            exit(withError: error)
        }
    }
}
