import ArgumentParser
import Foundation
import Logging
import TrinCore
import TrinMapping
import TrinService
import TrinPseudonym
import TrinStore

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import export files through a mapping into the store, and print what happened per file.",
        discussion: """
            Each file is one transaction: a file that fails leaves nothing behind, and a file with the \
            same content as one imported before is skipped. Rejected rows are kept with the CPR number masked.
            """)

    @OptionGroup var options: StoreOptions

    @Option(help: "Mapping file that describes the files' layout (mappings/*.yaml).")
    var mapping: String

    @Option(help: "Source name recorded with each record (default: the mapping's name).")
    var source: String?

    @Flag(help: "Read, check and count, but change nothing.")
    var dryRun = false

    @Argument(help: "Export files to import, in order.")
    var files: [String]

    func run() throws {
        let (store, keyPath, logPath, _) = try options.resolved()
        let map: Mapping
        do { map = try MappingLoader.load(path: mapping) } catch {
            // `--mapping forloeb` for `mappings/forloeb.yaml`: say which file was meant.
            let bareName = !mapping.contains("/") && !mapping.hasSuffix(".yaml") && !mapping.hasSuffix(".yml")
            let hint = bareName && !FileManager.default.fileExists(atPath: mapping) ? " (--mapping takes the mapping file's path, e.g. mappings/forloeb.yaml)" : ""
            throw fail("mapping \(error)\(hint)", TrinExit.configuration)
        }
        // The same lock as `trin run`: an import by hand waits for a nightly run, never overlaps it.
        let key = try loadKey(keyPath)
        let session = try openSession(store: store, key: key, logPath: logPath, command: "import", locking: .forTheSession(wait: true))
        defer { session.close() }
        let result: RunResult
        do { result = try session.importFiles(files, mapping: map, source: source, dryRun: dryRun) } catch {
            throw fail("\(error)", TrinExit.internalError)
        }
        FileHandleOutput.standardOutput(RunReport.table(result.outcomes))
        if !result.outputFailures.isEmpty { throw fail(result.outputFailures.joined(separator: "\n"), TrinExit.outputFailed) }
        if result.status != .succeeded { throw TrinExit.partial }
    }
}
