import ArgumentParser
import TrinService
import TrinStore

struct PurgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Delete what the store keeps longer than the configuration's retention allows.",
        discussion: """
            Masked rejected rows older than `retention.rejectedRows` (default 90d), runs older than `retention.runs` \
            (with their rejected rows), and progress records that ended longer ago than `retention.events` (both kept by default). Every \
            `trin run` and daemon pass does the same after importing. Takes the run lock.
            """)

    @OptionGroup var options: StoreOptions

    func run() throws {
        let config = try options.loadConfiguration()
        let retention = config?.retention ?? Retention()
        let session = try openExistingSession(options, config, command: "purge")
        defer { session.close() }
        let purged: PurgeCounts
        do { purged = try session.applyRetention(retention) } catch { throw fail("\(error)", TrinExit.internalError) }
        func line(_ what: String, _ count: Int, _ days: Int?) -> String {
            days.map { "\(what): \(count) deleted (older than \($0) days)" } ?? "\(what): all kept (no retention age set)"
        }
        // A rejected row goes at its own age, and with its run at the run's: whichever is shorter.
        let rejectedRowDays = [retention.rejectedRowDays, retention.runDays].compactMap { $0 }.min()
        FileHandleOutput.standardOutput([line("rejected rows", purged.rejectedRows, rejectedRowDays),
                                         line("runs", purged.runs, retention.runDays),
                                         line("events", purged.events, retention.eventDays)].joined(separator: "\n") + "\n")
    }
}
