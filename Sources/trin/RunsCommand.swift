import ArgumentParser

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "runs", abstract: "List recent runs (not yet wired).")
    func run() throws { throw fail("not available yet", TrinExit.configuration) }
}
