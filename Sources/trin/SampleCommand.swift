import ArgumentParser

struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sample", abstract: "Write synthetic sample exports (not yet wired).")
    func run() throws { throw fail("not available yet", TrinExit.configuration) }
}
