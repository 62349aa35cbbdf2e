import ArgumentParser
import TrinPseudonym

struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Write a new random 256-bit pseudonym key (mode 0600). Never overwrites a key.",
        discussion: "A new key starts a new pseudonym domain: a store made with one key refuses another.")

    @Argument(help: "Where to write the key file.")
    var path: String

    func run() throws {
        do {
            try PseudonymKey.generate(path: path)
            FileHandleOutput.standardOutput("wrote a new 256-bit key to \(path) (mode 0600); keep it outside the store and the output\n")
        } catch {
            throw fail("\(error)", TrinExit.configuration)
        }
    }
}
