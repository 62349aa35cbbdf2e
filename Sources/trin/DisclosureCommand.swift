import ArgumentParser
import Foundation
import TrinCore
import TrinDisclosure
import TrinMetrics
import TrinService
import TrinStore

struct DisclosureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disclosure",
        abstract: "Print what disclosure control costs: the share of non-zero true counts not published, per table and year.",
        discussion: """
            For every k given (default 5 and 3): per closed year and table, the non-zero counts, how many are \
            suppressed, and the share; then the same overall for closed years. Open and provisional years are \
            listed for their headline figures. Prints counts of cells only, never a count of citizens.
            """)

    @OptionGroup var options: StoreOptions
    @Option(name: .customLong("k"), help: "Minimum cell size to evaluate (repeatable; default 5 and 3).") var ks: [Int] = []
    @OptionGroup var release: AsOfOption
    @Flag(help: "Evaluate the combined publication the configuration's `combined:` names (PostgreSQL store): its cells are shown only where every tenant's own set shows them.")
    var combined = false

    func run() throws {
        let config = try options.loadConfiguration()
        let policy = try release.policy(config)
        let session = combined ? try openCombinedSession(options, config, command: "disclosure --combined").0
            : try openExistingSession(options, config, command: "disclosure")
        defer { session.close() }
        var out = ""
        for k in ks.isEmpty ? [5, 3] : ks {
            let released: ReleasedFigures
            do { released = try session.releasedFigures(k: k, policy: policy) } catch let e as DisclosureError {
                throw fail("\(e)", TrinExit.configuration)
            } catch {
                throw fail("\(error)", TrinExit.internalError)
            }
            out += DisclosureCommand.table(released)
        }
        FileHandleOutput.standardOutput(out)
    }

    static func percent(_ part: Int, _ whole: Int) -> String {
        whole == 0 ? "-" : String(format: "%.1f %%", 100 * Double(part) / Double(whole))
    }

    static func table(_ r: ReleasedFigures) -> String {
        var rows: [[String]] = [["year", "status", "table", "non-zero", "below k", "suppressed", "loss"]]
        var byTable: [FigureTableName: (Int, Int, Int)] = [:]
        for l in r.loss where l.nonZero > 0 {
            rows.append([String(l.year), l.status.rawValue, l.table.rawValue, String(l.nonZero), String(l.primary),
                         String(l.suppressed), percent(l.suppressed, l.nonZero)])
            if l.status == .closed {
                let t = byTable[l.table] ?? (0, 0, 0)
                byTable[l.table] = (t.0 + l.nonZero, t.1 + l.suppressed, t.2 + l.primary)
            }
        }
        var total = (0, 0, 0)
        for name in FigureTableName.allCases {
            guard let t = byTable[name] else { continue }
            rows.append(["closed", "", name.rawValue, String(t.0), String(t.2), String(t.1), percent(t.1, t.0)])
            total = (total.0 + t.0, total.1 + t.1, total.2 + t.2)
        }
        rows.append(["closed", "", "all tables", String(total.0), String(total.2), String(total.1), percent(total.1, total.0)])
        let headline = r.years.filter { $0.status != .closed }.flatMap { y in
            y.tables.flatMap(\.cells).filter { $0.level == .headline }
        }
        let hidden = headline.filter(\.value.isSuppressed).count
        return "Information loss at k = \(r.k), as of \(r.asOf) (closed years: "
            + r.closedYears.map(String.init).joined(separator: ", ") + ")\n" + RunReport.format(rows)
            + "headline figures of open and provisional years: \(headline.count), suppressed: \(hidden)\n\n"
    }
}
