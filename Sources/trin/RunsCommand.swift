import Logging
import Foundation
import ArgumentParser
import TrinCore
import TrinService
import TrinStore

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List recent runs, or show one run with its files and examples of rejected rows.",
        subcommands: [List.self, Show.self], defaultSubcommand: List.self)

    // Declared here as well as in each subcommand: without them, `trin runs --config X show 4`
    // sent every argument to the default `list`, which knows no `show`. With them, the store's
    // options may come before or after the subcommand's name.
    @OptionGroup var options: StoreOptions

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Recent runs, newest first.")
        @OptionGroup var options: StoreOptions
        @Option(help: "How many runs.") var limit = 20
        @Option(help: "Only runs that attempted this source.") var source: String?
        @Flag(help: "A JSON array, one object per run (times in UTC, ISO 8601), for scripts.") var json = false

        func run() throws {
            let (store, location) = try openStore(options)
            settleAbandonedRuns(store, location)
            let runs = try readingStore { try store.recentRuns(limit: limit, source: source) }
            if json {
                let objects: [[String: Any]] = runs.map { r in
                    var o: [String: Any] = ["id": r.id, "command": r.command, "startedAt": r.startedAt.description, "status": r.status,
                                            "dryRun": r.dryRun, "sourcesOK": r.sourcesOK, "sourcesFailed": r.sourcesFailed,
                                            "records": r.records, "rejected": r.rejected]
                    if let reason = r.reason { o["reason"] = reason }
                    if let f = r.finishedAt {
                        o["finishedAt"] = f.description
                        o["durationSeconds"] = f.secondsSinceEpoch - r.startedAt.secondsSinceEpoch
                    }
                    return o
                }
                let data = try JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys])
                FileHandleOutput.standardOutput(String(decoding: data, as: UTF8.self) + "\n")
                return
            }
            var rows: [[String]] = [["run", "started (Danish time)", "duration", "command", "status", "ok", "failed", "records", "rejected"]]
            for r in runs {
                let duration = r.finishedAt.map { "\($0.secondsSinceEpoch - r.startedAt.secondsSinceEpoch)s" } ?? "-"
                rows.append(["\(r.id)", LoadedConfiguration.danishText(r.startedAt), duration, r.command + (r.dryRun ? " (dry run)" : ""),
                             r.status, "\(r.sourcesOK)", "\(r.sourcesFailed)", "\(r.records)", "\(r.rejected)"])
            }
            FileHandleOutput.standardOutput(RunReport.format(rows))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "One run: its files and examples of rejected rows.")
        @OptionGroup var options: StoreOptions
        @Argument(help: "Run id (see `trin runs`).") var id: Int64

        func run() throws {
            let (store, location) = try openStore(options)
            settleAbandonedRuns(store, location)
            guard let r = try readingStore({ try store.run(id: id) }) else { throw fail("no run \(id)", TrinExit.configuration) }
            var out = "run \(r.id): \(r.command)\(r.dryRun ? " (dry run)" : ""), \(r.status), started \(LoadedConfiguration.danishText(r.startedAt)) (Danish time)"
            if let f = r.finishedAt { out += ", finished \(LoadedConfiguration.danishText(f))" }
            if r.dryRun { out += "\nA dry run: its files were read and counted; no record and no rejected row was kept." }
            if let reason = r.reason { out += "\nWhy \(r.status): \(reason)" }
            out += "\n\n" + RunReport.table(try readingStore { try store.files(ofRun: id) })
            let examples = try readingStore { try store.rejectionExamples(ofRun: id) }
            if !examples.isEmpty {
                out += "\nExamples of rejected rows (CPR numbers masked):\n"
                for e in examples {
                    let place = "\(e.file):\(e.line)" + (e.path.map { " \($0)" } ?? "")
                    out += "  \(e.reason)  \(place)" + (e.field.map { "  [\($0)]" } ?? "") + "\n      \(e.maskedRow)\n"
                }
            }
            FileHandleOutput.standardOutput(out)
        }
    }
}

func openStore(_ options: StoreOptions) throws -> (any Store, StoreLocation) {
    let location = try existingStore(options, try options.loadConfiguration())
    do { return (try location.open(logger: Logger(label: "trin")), location) } catch { throw sessionFailure(.store(error)) }
}

/// Opens the front door on a store that exists, holding the run lock (waiting for a run in
/// progress), for the commands that read the store whole or keep it.
func openExistingSession(_ options: StoreOptions, _ config: Configuration?, command: String) throws -> RunSession {
    let location = try existingStore(options, config)
    do { return try RunSession.openExisting(store: location, command: command, wait: true) } catch { throw sessionFailure(error) }
}

/// The store a reading command names (flag, environment, configuration), which must exist.
func existingStore(_ options: StoreOptions, _ c: Configuration?) throws -> StoreLocation {
    guard let text = options.store ?? environment["TRIN_STORE"] ?? c?.store else {
        throw fail("no store: give --store, TRIN_STORE or --config", TrinExit.configuration)
    }
    let location = try options.location(text, c)
    // These commands read a store; opening one that is not there would create an empty one.
    guard location.exists else {
        throw fail("no store at \(location): nothing has been imported there (check --store, TRIN_STORE or the config's `store`)",
                   TrinExit.configuration)
    }
    return location
}

/// A run still marked `running` while nobody holds the run lock was stopped (Ctrl-C, a crash):
/// show it, and keep it, as interrupted. With the lock held by a live run, nothing changes.
func settleAbandonedRuns(_ store: any Store, _ location: StoreLocation) {
    RunSession.settleAbandonedRuns(store, location)
}

/// Reads the run history; a store that cannot be read (a lock held too long, a damaged
/// file) exits 4 with the reason, as the other commands do.
func readingStore<T>(_ read: () throws -> T) throws -> T {
    do { return try read() } catch { throw fail("\(error)", TrinExit.internalError) }
}
