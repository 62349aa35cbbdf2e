import ArgumentParser

/// Exit codes cron and monitoring act on (README, "Operations").
enum TrinExit {
    static let ok = ExitCode(0)
    /// Some sources or files failed; the others were imported.
    static let partial = ExitCode(1)
    /// The configuration, a mapping, the key or the command line is wrong.
    static let configuration = ExitCode(2)
    /// Another run holds the lock.
    static let locked = ExitCode(3)
    /// Something unexpected; see the log.
    static let internalError = ExitCode(4)
    /// The sources were imported, but the metric set or the Prometheus textfile could not be written.
    static let outputFailed = ExitCode(5)
}

/// Prints a message for operations on standard error and exits with a code.
func fail(_ message: String, _ code: ExitCode) -> ExitCode {
    FileHandleOutput.standardError("trin: \(message)\n")
    return code
}
