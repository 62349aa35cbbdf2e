import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import TrinService

struct DaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Run the sources on their schedules (Europe/Copenhagen) until stopped.",
        discussion: """
            A source that missed a firing since its last success, or never succeeded, runs at start. Each pass takes \
            the same lock as `trin run` (waiting for it if a run holds it). SIGTERM or SIGINT: the source in progress \
            finishes, then the daemon exits 0. SIGHUP: reload the configuration and mappings; a bad new configuration \
            is logged and the old one kept (store, key and log changes need a restart).
            """)

    @OptionGroup var options: StoreOptions

    /// For tests and first start: run every source once now, then follow the schedules.
    @Flag(help: .hidden) var runNow = false

    func run() async throws {
        // A reload asked for while the daemon starts must not end it (SIGHUP's default action):
        // ignored until the daemon's own handler is registered, which then takes over.
        signal(SIGHUP, SIG_IGN)
        let loaded = try loadConfiguration(options)
        let (store, keyPath, logPath) = try paths(options, loaded.configuration)
        let session = try openSession(store: store, key: try loadKey(keyPath), logPath: logPath, command: "daemon",
                                      locking: .perPass, progress: false)
        let daemon = DaemonService(configPath: configurationPath(options), initial: loaded, session: session, runNow: runNow)
        do { try await daemon.runUntilShutdown() } catch {
            throw fail("\(error)", TrinExit.internalError)
        }
    }
}
