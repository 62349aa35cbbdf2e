import ArgumentParser
import Logging
import TrinCore
import TrinService
import TrinPseudonym
import TrinStore
import TrinPublish

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "One pass over the configured sources: fetch each (conditionally) and import it.",
        discussion: """
            All sources, the ones named with --source, or with --due those whose schedule fired since their last \
            success (a source never run is due). Takes the run lock (<store>.lock; with a PostgreSQL store, the tenant's lock on the server) for the whole run: a second run exits \
            with code 3 at once, or waits with --wait. \
            Exit codes: 0 every source imported, unchanged or skipped; 1 some sources failed (the others were \
            imported); 2 configuration, mapping or key error; 3 another run holds the lock; 4 the store cannot be \
            opened, read or written (or another internal error); 5 the sources were imported but the metric set, \
            the Prometheus textfile, retention or the log could not be written.
            """)

    @OptionGroup var options: StoreOptions

    @Option(name: .customLong("source"), help: "Run only this source (repeatable).")
    var sources: [String] = []

    @Flag(help: "Run only the sources whose schedule fired since their last success.")
    var due = false

    @Flag(help: "Fetch, read and count, but change nothing (no records, no fetch state, no metrics).")
    var dryRun = false

    @Flag(help: "Wait for another run to finish instead of exiting with code 3.")
    var wait = false

    func run() throws {
        let loaded = try loadConfiguration(options)
        let (store, keyPath, logPath) = try paths(options, loaded.configuration)
        var selected = loaded.sources
        if !sources.isEmpty {
            let known = Set(loaded.sources.map(\.name))
            let unknown = sources.filter { !known.contains($0) }
            guard unknown.isEmpty else {
                throw fail("no source named \(unknown.joined(separator: ", ")) in \(loaded.configuration.file) (sources: \(known.sorted().joined(separator: ", ")))",
                           TrinExit.configuration)
            }
            selected = loaded.sources.filter { sources.contains($0.name) }
        }
        let key = try loadKey(keyPath)
        let session = try openSession(store: store, key: key, logPath: logPath, command: "run", locking: .forTheSession(wait: wait))
        defer { session.close() }
        do {
            if due {
                let dueNames = Set(try session.dueSources(loaded).map(\.name))
                selected = selected.filter { dueNames.contains($0.name) }
            }
            guard !selected.isEmpty else {
                // Nothing to do (cron's frequent `--due` calls): no run is recorded.
                FileHandleOutput.standardOutput("no sources \(due ? "due" : "to run")\n")
                return
            }
            // The session holds the lock: a pass always runs.
            guard let result = try session.pass(loaded, sources: selected, dryRun: dryRun) else { throw TrinExit.internalError }
            FileHandleOutput.standardOutput(RunReport.table(result.outcomes))
            // One warning per source whose rejected share passed its limit: the export changed.
            for above in result.rejectionsAboveLimit {
                FileHandleOutput.standardError("trin: warning: \(above); its good records are \(dryRun ? "counted (dry run)" : "imported"), "
                    + "but the run counts as failed: see trin runs show \(result.runID)\n")
            }
            // A failed source outranks a failed output: exit 1 says some sources were not
            // imported; what could not be written is printed all the same.
            let sourcesFailed = result.outcomes.contains { $0.status == .failed } || !result.rejectionsAboveLimit.isEmpty
                || !result.notAttempted.isEmpty
            if !result.outputFailures.isEmpty {
                // The records are in the store, but what operations watch was not written: not a success.
                let failure = fail(result.outputFailures.joined(separator: "\n"), TrinExit.outputFailed)
                if !sourcesFailed { throw failure }
            }
            if !result.succeeded { throw TrinExit.partial }
        } catch let e as ExitCode {
            throw e
        } catch {
            throw fail("\(error)", TrinExit.internalError)
        }
    }
}

/// The configuration of `run`, `daemon` and `check-config`: --config, TRIN_CONFIG, or ./trin.yaml.
func configurationPath(_ options: StoreOptions) -> String {
    options.config ?? environment["TRIN_CONFIG"] ?? StoreOptions.defaultConfiguration
}

/// Loads the configuration and its mappings, or exits 2 listing every problem.
func loadConfiguration(_ options: StoreOptions) throws -> LoadedConfiguration {
    let path = configurationPath(options)
    do { return try LoadedConfiguration.load(path: path) } catch {
        throw fail("the configuration cannot be used:\n" + error.problems.map { "  \($0)" }.joined(separator: "\n"), TrinExit.configuration)
    }
}

/// Store, key and log: command-line flags win over the configuration.
func paths(_ options: StoreOptions, _ c: Configuration) throws -> (store: StoreLocation, key: String, log: String?) {
    (try options.location(options.store ?? c.store, c), options.keyFile ?? c.keyFile, options.log ?? c.log)
}

/// Loads the key before anything is created: a missing or unsafe key must not leave a
/// lock file (or a store) behind.
func loadKey(_ path: String) throws -> PseudonymKey {
    do { return try PseudonymKey.load(path: path) } catch { throw fail("\(error)", TrinExit.configuration) }
}
