import ArgumentParser
import Foundation
import TrinService
import TrinPseudonym

struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check a configuration, its mappings, key, schedules, URL templates and secret files, without fetching.",
        discussion: "Prints every problem found as file:line: message. Exit 0 when all is well, 2 otherwise.")

    @OptionGroup var options: StoreOptions

    func run() throws {
        let path = configurationPath(options)
        // The command line's paths override the file's, as for every other command, and are
        // read from the working directory as theirs are (a variable's are read from the file's).
        var overrides = environment
        let workingDirectory = FileManager.default.currentDirectoryPath
        func fromHere(_ path: String?) -> String? {
            guard let path, !path.hasPrefix("/"), !StoreLocation.isURL(path) else { return path }
            return workingDirectory + "/" + path
        }
        for (variable, value) in [("TRIN_STORE", fromHere(options.store)), ("TRIN_KEY_FILE", fromHere(options.keyFile)),
                                  ("TRIN_LOG", fromHere(options.log)), ("TRIN_TENANT", options.tenant)] {
            if let value { overrides[variable] = value }
        }
        let check = ConfigurationCheck.run(path: path, environment: overrides, checkFiles: true)
        var problems = check.problems.filter { !$0.isWarning }.map(\.description)
        let warnings = check.problems.filter(\.isWarning).map(\.description)
        for w in warnings { FileHandleOutput.standardError("trin: \(w)\n") }
        var storeLine: String?
        if var c = check.loaded?.configuration {
            if let tenant = options.tenant ?? environment["TRIN_TENANT"] { c.tenant = tenant }
            let keyPath = options.keyFile ?? c.keyFile
            var keyID: String?
            do { keyID = try PseudonymKey.load(path: keyPath).keyID } catch { problems.append("\(c.place(of: "keyFile")): keyFile: \(error)") }
            var storeProblems: [ConfigurationProblem] = []
            storeLine = ConfigurationCheck.checkStore(c, keyID: keyID, into: &storeProblems)
            problems += storeProblems.map(\.description)
        }
        guard problems.isEmpty, let loaded = check.loaded else {
            throw fail("\(problems.count) problem\(problems.count == 1 ? "" : "s") in \(path):\n"
                       + problems.map { "  \($0)" }.joined(separator: "\n"), TrinExit.configuration)
        }
        let now = wallClock()
        var rows: [[String]] = [["source", "mapping", "schedule", "next run (Danish time)", "url"]]
        for s in loaded.plan(at: now) {
            rows.append([s.name, s.mapping, s.schedule ?? "-",
                         s.nextRun.map(LoadedConfiguration.danishText) ?? "only when run by name (trin run --source NAME)", s.url])
        }
        FileHandleOutput.standardOutput("\(path): ok (\(loaded.sources.count) sources)\n" + (storeLine.map { $0 + "\n" } ?? "")
                                        + RunReport.format(rows))
    }
}
