import ArgumentParser
import Foundation
import TrinPseudonym

struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Write a new random 256-bit pseudonym key (mode 0600). Never overwrites a key.",
        discussion: """
            A new key starts a new pseudonym domain: a store made with one key refuses another. \
            Run as root for a service, give --owner (the service user, e.g. trin): a key only root can read \
            stops the service.
            """)

    @Argument(help: "Where to write the key file.")
    var path: String

    @Option(help: "Give the key to this user (and their group), so that the service running as them can read it.")
    var owner: String?

    func run() throws {
        // Resolve the owner first, so that a typo leaves no key behind.
        var ids: (uid: uid_t, gid: gid_t)?
        if let owner {
            guard let entry = getpwnam(owner) else { throw fail("no user named \(owner) (create it first: docs/install.md)", TrinExit.configuration) }
            ids = (entry.pointee.pw_uid, entry.pointee.pw_gid)
        }
        do {
            try PseudonymKey.generate(path: path)
        } catch {
            throw fail("\(error)", TrinExit.configuration)
        }
        var whose = ""
        if let owner, let ids {
            guard chown(path, ids.uid, ids.gid) == 0 else {
                let reason = String(cString: strerror(errno))
                throw fail("wrote the key to \(path), but cannot give it to \(owner): \(reason); run: sudo chown \(owner): \(path)",
                           TrinExit.configuration)
            }
            whose = ", owned by \(owner)"
        } else if getuid() == 0 {
            whose = "; it belongs to root: if a service user runs trin, run: sudo chown trin: \(path)"
        }
        FileHandleOutput.standardOutput("wrote a new 256-bit key to \(path) (mode 0600\(whose)); keep it outside the store and the output\n")
    }
}
