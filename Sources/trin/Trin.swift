import ArgumentParser

/// trin: fetch exports, decode them through mappings, pseudonymise, deduplicate,
/// and publish suppressed metric files. A thin layer over the library targets.
@main
struct Trin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trin",
        abstract: "Batch data integration for the social-economy unit: exports in, anonymised metric files out.",
        discussion: """
            Exit codes: 0 everything succeeded; 1 some sources or files failed; 2 configuration or usage error;
            3 another run holds the lock; 4 internal error.
            """,
        version: "0.2.0 (metric schema 2, definitions 2)",
        subcommands: [RunCommand.self, DaemonCommand.self, CheckConfigCommand.self, ImportCommand.self, MetricsCommand.self,
                      ReportCommand.self, DisclosureCommand.self, RunsCommand.self, KeygenCommand.self, SampleCommand.self])
}
