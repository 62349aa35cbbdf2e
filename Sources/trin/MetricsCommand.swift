import ArgumentParser
import Foundation
import TrinCore
import TrinDisclosure
import TrinService
import TrinPublish
import TrinMetrics
import TrinStore

struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Recompute the metrics from the store and publish a new set of metric files (JSON, CSV, manifest).",
        discussion: """
            Readers see the previous complete set or the new complete set through `<output>/current`, never a mix. \
            With --year, print a readable summary of one year instead (suppressed as published). \
            A closed year is published as it was first published in full; records that arrive later for it \
            change it only with --republish YEAR, and then every figure that changed by 1 to k-1 is suppressed. \
            No year is republished while `retention.events` deletes old records (a year's figures depend on \
            earlier years' records too).
            """)

    @OptionGroup var options: StoreOptions
    @Option(help: "Output folder (default: the config's `output`). Env: TRIN_OUTPUT.") var output: String?
    @Option(help: "Suppress citizen counts below k (default: the config's k, else 5; never below 3).") var k: Int?
    @Option(help: "Print a summary of this year instead of publishing.") var year: Int?
    @Option(help: ArgumentHelp("Republish this closed year with the records that arrived since it was frozen (repeatable).",
                               valueName: "year")) var republish: [Int] = []
    @OptionGroup var release: AsOfOption
    @Flag(help: "Publish the combined figures of the tenants named by the configuration's `combined:` (PostgreSQL store), suppressed as one population, to its own output folder.")
    var combined = false

    func run() throws {
        let config = try options.loadConfiguration()
        let threshold = k ?? config?.k ?? 5
        guard threshold >= DisclosureThreshold.floor else {
            throw fail("k = \(threshold) is below \(DisclosureThreshold.floor), Statistics Denmark's floor", TrinExit.configuration)
        }
        let policy = try release.policy(config)
        guard republish.isEmpty || year == nil else { throw fail("--republish publishes a set; it cannot be used with --year", TrinExit.configuration) }
        // Refused before the run lock is waited for or the store opened; the library checks again.
        do { try MetricsJob.checkRepublication(Set(republish), policy: policy, retention: config?.retention) } catch {
            throw fail("\(error)", TrinExit.configuration)
        }
        var out = output ?? environment["TRIN_OUTPUT"] ?? config?.output
        var configuredOutput = config?.output
        var unit = config?.unitName ?? Configuration.defaultUnitName
        let session: RunSession
        if combined {
            let publication: CombinedPublication
            (session, publication) = try openCombinedSession(options, config, command: "metrics --combined")
            out = output ?? publication.output
            configuredOutput = publication.output
            unit = publication.unitName ?? unit
        } else {
            if year == nil, out == nil { throw fail("no output folder: give --output, TRIN_OUTPUT or --config", TrinExit.configuration) }
            // Under the run lock, waiting for a run in progress: a publication never interleaves
            // with a run's, and reading the whole store never holds up a run's import.
            session = try openExistingSession(options, config, command: "metrics")
        }
        defer { session.close() }
        do {
            if let year {
                FileHandleOutput.standardOutput(try session.releasedFigures(k: threshold, policy: policy).summary(year: year))
                return
            }
            guard let out else { return }
            // A set written elsewhere by hand (another folder) does not replace what BI tools read.
            // The library refuses a republication of an open year or of one retention may have thinned.
            let set = try session.publishMetrics(k: threshold, policy: policy, unitName: unit, outputDirectory: out,
                                                 dialect: MetricsJob.dialect(config), republish: Set(republish),
                                                 retention: config?.retention,
                                                 figureTables: configuredOutput == nil || out == configuredOutput)
            if !republish.isEmpty {
                FileHandleOutput.standardOutput("republished \(republish.map(String.init).joined(separator: ", ")): figures that changed by 1 to \(threshold - 1) are suppressed\n")
            }
            FileHandleOutput.standardOutput("published \(set.manifest.files.count) files as of \(policy.asOf) to \(set.directory.path) (k = \(threshold)); readers use \(out)/current\n")
        } catch let e as ExitCode {
            throw e
        } catch let e as MetricsJobError {
            if case .cannotRepublish = e { throw fail("\(e)", TrinExit.configuration) }
            throw fail("\(e)", TrinExit.internalError)
        } catch {
            throw fail("\(error)", TrinExit.internalError)
        }
    }
}
