import TrinImport
import Synchronization
import TrinService
#if canImport(Glibc)
import Glibc
#endif

/// One line on a terminal that says how far a long import has come, redrawn in place:
/// `forloeb  forloeb-2025.csv  1,234,000 rows  45 % of 120 MB  12 s`.
///
/// Shown only when standard error is a terminal (never in cron's mail, a pipe or a log
/// file), only for a file that takes longer than `delay`, and cleared when the file is done,
/// so the summary table that follows stands alone.
final class ProgressLine: Sendable {
    /// Files done sooner than this never show a line.
    static let delayMilliseconds = 700
    static let redrawMilliseconds = 250

    private struct State { var lastDrawn = -1_000_000; var shown = false }
    private let state = Mutex(State())

    /// A progress line on standard error if it is a terminal; nil otherwise.
    static func onTerminal() -> ProgressLine? {
        guard isatty(2) == 1, environment["TERM"] != "dumb" else { return nil }
        return ProgressLine()
    }

    func report(_ p: ImportProgress) {
        state.withLock { s in
            if p.finished {
                if s.shown { FileHandleOutput.standardError("\r\u{1B}[K") }
                s = State()
                return
            }
            guard p.elapsedMilliseconds >= Self.delayMilliseconds,
                  p.elapsedMilliseconds - s.lastDrawn >= Self.redrawMilliseconds else { return }
            s.lastDrawn = p.elapsedMilliseconds
            s.shown = true
            FileHandleOutput.standardError("\r\u{1B}[K" + Self.text(p))
        }
    }

    /// The line's text, without the file's folder.
    static func text(_ p: ImportProgress) -> String {
        let name = p.file.split(separator: "/").last.map(String.init) ?? p.file
        var text = "\(p.source)  \(name)  \(grouped(p.rowsRead)) rows"
        if let f = p.fraction {
            text += "  \(Int((100 * f).rounded(.down))) % of \(max(1, (p.totalBytes + 500_000) / 1_000_000)) MB"
        }
        return text + "  \(p.elapsedMilliseconds / 1000) s"
    }

    /// 1234567 as `1,234,567`.
    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }
}
