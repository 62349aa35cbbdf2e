import Foundation
import ArgumentParser
import TrinCore
import TrinStore

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List recent runs, or show one run with its files and examples of rejected rows.",
        subcommands: [List.self, Show.self], defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Recent runs, newest first.")
        @OptionGroup var options: StoreOptions
        @Option(help: "How many runs.") var limit = 20

        func run() throws {
            let store = try openStore(options)
            var rows: [[String]] = [["run", "started (UTC)", "duration", "command", "status", "ok", "failed", "records", "rejected"]]
            for r in try store.recentRuns(limit: limit) {
                let duration = r.finishedAt.map { "\($0.secondsSinceEpoch - r.startedAt.secondsSinceEpoch)s" } ?? "-"
                rows.append(["\(r.id)", r.startedAt.description, duration, r.command + (r.dryRun ? " (dry run)" : ""),
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
            let store = try openStore(options)
            guard let r = try store.run(id: id) else { throw fail("no run \(id)", TrinExit.configuration) }
            var out = "run \(r.id): \(r.command)\(r.dryRun ? " (dry run)" : ""), \(r.status), started \(r.startedAt)"
            if let f = r.finishedAt { out += ", finished \(f)" }
            out += "\n\n" + RunReport.table(try store.files(ofRun: id))
            let examples = try store.rejectionExamples(ofRun: id)
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

func openStore(_ options: StoreOptions) throws -> Store {
    let c = try options.loadConfiguration()
    guard let path = options.store ?? environment["TRIN_STORE"] ?? c?.store else {
        throw fail("no store: give --store, TRIN_STORE or --config", TrinExit.configuration)
    }
    // These commands read a store; opening one that is not there would create an empty one.
    guard FileManager.default.fileExists(atPath: path) else {
        throw fail("no store at \(path): nothing has been imported there (check --store, TRIN_STORE or the config's `store`)",
                   TrinExit.configuration)
    }
    do { return try Store(path: path) } catch { throw fail("\(error)", TrinExit.configuration) }
}
