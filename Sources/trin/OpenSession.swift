import TrinImport
import ArgumentParser
import Logging
import TrinCore
import TrinService
import TrinPseudonym
import TrinStore

/// Opens the run's front door (`RunSession`) the way every command does: the run lock
/// (another run holding it: exit 3, unless `locking` waits), the console log at
/// `TRIN_LOG_LEVEL` (errors only by default: the summary table says the rest, and the
/// JSON-lines log has every event), a progress line on a terminal, and any problem opening
/// the log as a configuration error (exit 2), and the store as exit 4 (`sessionFailure`).
func openSession(store: StoreLocation, key: PseudonymKey, logPath: String?, command: String, locking: RunSession.Locking,
                 progress: Bool = true) throws -> RunSession {
    let level = environment["TRIN_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .error
    var session: RunSession
    do {
        session = try RunSession.open(store: store, key: key, logPath: logPath, command: command, consoleLevel: level,
                                      locking: locking)
    } catch {
        throw sessionFailure(error)
    }
    if progress, let line = ProgressLine.onTerminal() { session.importer?.progress = { line.report($0) } }
    // For benchmarks (docs/benchmarks.md): the full path, every row decoded.
    if environment["TRIN_SKIP_KNOWN_ROWS"] == "0" { session.importer?.skipsKnownRows = false }
    return session
}

/// The session of the combined publication the configuration's `combined:` names (`--combined`),
/// under that publication's own lock (waiting for another publication of it): its tenants'
/// runs go on meanwhile.
func openCombinedSession(_ options: StoreOptions, _ config: Configuration?, command: String) throws -> (RunSession, CombinedPublication) {
    guard let c = config, let publication = c.combined else {
        throw fail("--combined: the configuration has no `combined:` section (name, tenants, output)", TrinExit.configuration)
    }
    guard let location = try existingStore(options, c).combining(publication) else {
        throw fail("--combined needs a PostgreSQL store", TrinExit.configuration)
    }
    do { return (try RunSession.openExisting(store: location, command: command, wait: true), publication) } catch {
        throw sessionFailure(error)
    }
}

/// A session that could not be opened, as an exit code: 3 when another run holds the lock;
/// 4 when the store cannot be opened, read or written (permissions, a full disk, a store a
/// newer trin wrote); 2 for the rest (the wrong key, a work directory that is not trin's own,
/// a lock file or log that cannot be opened).
func sessionFailure(_ error: RunSessionError) -> ExitCode {
    switch error {
    case .locked(.held): return fail("\(error)", TrinExit.locked)
    case .store(.keyMismatch), .store(.workDirectory): return fail("\(error)", TrinExit.configuration)
    case .store: return fail("\(error)", TrinExit.internalError)
    default: return fail("\(error)", TrinExit.configuration)
    }
}

/// The wall clock, as the import and the service read it.
func wallClock() -> Instant { SystemClock.nowInstant() }
