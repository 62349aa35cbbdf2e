import ArgumentParser
import Foundation
import TrinCore
import TrinDisclosure
import TrinService
import TrinPublish
import TrinMetrics
import TrinStore

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the annual report as one self-contained HTML file (Danish by default), suppressed as published.")

    @OptionGroup var options: StoreOptions
    @Option(help: "The year to report on.") var year: Int
    @Option(help: "Where to write the HTML file.") var out: String
    @Option(help: "Language: da or en.") var lang = "da"
    @Option(help: "Suppress citizen counts below k (default: the config's k, else 5; never below 3).") var k: Int?
    @OptionGroup var release: AsOfOption

    func run() throws {
        let config = try options.loadConfiguration()
        guard let language = ReportWriter.Language(rawValue: lang) else { throw fail("--lang must be da or en", TrinExit.configuration) }
        do {
            let policy = try release.policy(config)
            // Under the run lock, and only while the store is read.
            let session = try openExistingSession(options, config, command: "report")
            let released: ReleasedFigures
            // A closed year is in the report in full once a set has kept it (docs/metrics.md, "Frozen years").
            do { released = try session.releasedFigures(k: k ?? config?.k ?? 5, policy: policy, keepsNewYears: false) } catch {
                session.close()
                throw error
            }
            session.close()
            guard released.years.contains(where: { $0.year == year }) else {
                throw fail("no data for \(year) as of \(policy.asOf) (years: \(released.years.map { String($0.year) }.joined(separator: ", ")))", TrinExit.configuration)
            }
            let html = ReportWriter(language: language, unitName: config?.unitName ?? Configuration.defaultUnitName)
                .render(released, year: year)
            let folder = URL(fileURLWithPath: out).deletingLastPathComponent().path
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
                throw fail("cannot write the report to \(out): the folder \(folder) does not exist", TrinExit.configuration)
            }
            do { try Data(html.utf8).write(to: URL(fileURLWithPath: out), options: .atomic) } catch {
                let reason = (error as NSError).userInfo[NSUnderlyingErrorKey].map { ($0 as? NSError)?.localizedDescription ?? "\($0)" }
                throw fail("cannot write the report to \(out): \(reason ?? error.localizedDescription)", TrinExit.configuration)
            }
            FileHandleOutput.standardOutput("wrote the \(year) report to \(out)\n")
        } catch let e as ExitCode {
            throw e
        } catch let e as DisclosureError {
            throw fail("\(e)", TrinExit.configuration)
        } catch {
            // The store could not be read: not something check-config would find.
            throw fail("\(error)", TrinExit.internalError)
        }
    }
}
