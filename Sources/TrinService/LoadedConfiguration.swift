public import Foundation
import TrinPostgres
import Logging
public import TrinCore
import TrinFetch
public import TrinMapping
public import TrinSchedule
import TrinImport
import TrinStore

/// A configuration with everything a run needs parsed and checked up front:
/// each source's mapping, schedule and URL template. A run starts only when all
/// of these are good, so a typo fails at once (exit 2), not at 02:00 on one source.
public struct LoadedConfiguration: Sendable {
    public let configuration: Configuration
    /// Each source's mapping, by source name.
    public let mappings: [String: Mapping]
    /// Each scheduled source's schedule, by source name.
    public let schedules: [String: CronSchedule]

    public var sources: [SourceConfig] { configuration.sources }

    /// Loads `path` and every mapping it names. Throws every problem found.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ConfigurationProblems) -> LoadedConfiguration {
        let check = ConfigurationCheck.run(path: path, environment: environment, checkFiles: false)
        let errors = check.problems.filter { !$0.isWarning }
        guard errors.isEmpty, let loaded = check.loaded else { throw ConfigurationProblems(problems: errors) }
        return loaded
    }

    /// What each source would do, for `trin check-config`.
    public struct SourcePlan: Sendable {
        public var name: String
        public var mapping: String
        public var schedule: String?
        /// The schedule's next firing after the given instant.
        public var nextRun: Instant?
        /// The URL with today's date filled in and secrets stripped.
        public var url: String
    }

    public func plan(at instant: Instant) -> [SourcePlan] {
        sources.map { s in
            SourcePlan(name: s.name, mapping: mappings[s.name]?.name ?? "?", schedule: s.schedule,
                       nextRun: schedules[s.name]?.nextFire(after: instant),
                       url: URLRedaction.redact((try? URLDateTemplate.expand(s.url, at: instant)) ?? s.url))
        }
    }

    /// `2025-10-02 02:00 +02:00`: Danish wall-clock time with its offset from UTC.
    public static func danishText(_ instant: Instant) -> String {
        let local = instant.secondsSinceEpoch + Int64(DanishTime.offset(at: instant))
        let minutes = ((local % 86_400) + 86_400) % 86_400 / 60
        let hh = minutes / 60, mm = minutes % 60
        let offset = DanishTime.offset(at: instant) / 3600
        return "\(DanishTime.day(at: instant)) \(hh < 10 ? "0" : "")\(hh):\(mm < 10 ? "0" : "")\(mm) +0\(offset):00"
    }

    init(configuration: Configuration, mappings: [String: Mapping], schedules: [String: CronSchedule]) {
        self.configuration = configuration
        self.mappings = mappings
        self.schedules = schedules
    }
}

/// One thing wrong with a configuration, with where it is (`file:line` when known).
public struct ConfigurationProblem: Sendable, Hashable, CustomStringConvertible {
    /// `file:line`, or `file` when no line applies.
    public let location: String
    public let message: String
    /// Worth knowing, but the configuration can run (e.g. an export not there yet).
    public let isWarning: Bool

    public init(location: String, message: String, isWarning: Bool = false) {
        self.location = location
        self.message = message
        self.isWarning = isWarning
    }

    public var description: String { "\(location): \(isWarning ? "warning: " : "")\(message)" }
}

/// Every problem found in a configuration; the run does not start.
public struct ConfigurationProblems: Error, Sendable, CustomStringConvertible {
    public let problems: [ConfigurationProblem]
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// Checks a configuration as far as possible without fetching anything, and
/// collects every problem rather than stopping at the first.
public enum ConfigurationCheck {
    public struct Result: Sendable {
        /// The loaded configuration, when its own file parsed and every mapping loaded.
        public var loaded: LoadedConfiguration?
        public var problems: [ConfigurationProblem]
    }

    /// - Parameter checkFiles: also check the files a run reads (key, secrets, CA
    ///   file) and the folders it writes; `trin check-config` does, `trin run` checks the
    ///   key itself and reads secrets when it fetches (so a rotated secret is picked up).
    public static func run(path: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                           checkFiles: Bool, now: Instant? = nil) -> Result {
        let now = now ?? SystemClock.nowInstant()
        let configuration: Configuration
        do { configuration = try Configuration.load(path: path, environment: environment) } catch {
            // Every problem the parser found, each with its place (it goes on past independent ones).
            if case .several(let all) = error {
                return Result(loaded: nil, problems: all.map { problem(from: ConfigurationError.invalid($0), file: path) })
            }
            return Result(loaded: nil, problems: [problem(from: error, file: path)])
        }
        var problems: [ConfigurationProblem] = []
        var mappings: [String: Mapping] = [:]
        var schedules: [String: CronSchedule] = [:]
        var mappingsOK = true
        for source in configuration.sources {
            let at = "\(path):\(source.line)"
            // Every problem of the mapping's fields, not only the first; a mapping file that
            // cannot be read is named at the configuration's line that refers to it.
            let (mapping, mappingProblems) = MappingLoader.loadCheckingAll(path: source.mappingPath)
            if let mapping { mappings[source.name] = mapping } else { mappingsOK = false }
            for error in mappingProblems {
                if case .unreadable(let file, let message) = error {
                    problems.append(ConfigurationProblem(location: at, message: "source `\(source.name)`: mapping \(file): \(message)"))
                } else {
                    problems.append(problem(from: ConfigurationError.invalid(error), file: source.mappingPath,
                                            prefix: "source `\(source.name)`: mapping: "))
                }
            }
            if let expression = source.schedule {
                do { schedules[source.name] = try CronSchedule(parsing: expression) } catch {
                    problems.append(ConfigurationProblem(location: at, message: "source `\(source.name)`: \(error)"))
                }
            }
            do { _ = try URLDateTemplate.expand(source.url, at: now) } catch {
                problems.append(ConfigurationProblem(location: at, message: "source `\(source.name)`: \(error)"))
            }
            if checkFiles {
                switch source.auth {
                case .bearer(let file)?: checkReadable(file, what: "bearer token file", source: source, at: at, into: &problems)
                case .basic(_, let file)?: checkReadable(file, what: "basic password file", source: source, at: at, into: &problems)
                case nil: break
                }
                if let ca = source.caFile { checkReadable(ca, what: "CA file", source: source, at: at, into: &problems) }
                if source.url.hasPrefix("file://") && !source.url.contains("{") {
                    let local = String(source.url.dropFirst("file://".count)).removingPercentEncoding ?? ""
                    if !FileManager.default.isReadableFile(atPath: local) {
                        problems.append(ConfigurationProblem(location: at, message: "source `\(source.name)`: \(local) does not exist or cannot be read (yet)", isWarning: true))
                    }
                }
            }
        }
        if configuration.tenant != nil && !StoreLocation.isURL(configuration.store) {
            problems.append(ConfigurationProblem(location: configuration.place(of: "tenant"), message: "`tenant` applies to a PostgreSQL store: "
                                                 + "a SQLite store holds one municipality and ignores it", isWarning: true))
        }
        if checkFiles {
            let c = configuration
            if StoreLocation.isURL(c.store) {
                if let work = (try? c.storeLocation())?.workFolder {
                    checkWritableFolder(of: work + "/x", what: "work directory", file: c.place(of: "workDirectory"), creatable: true, into: &problems)
                }
            } else {
                checkWritableFolder(of: c.store, what: "store", file: c.place(of: "store"), into: &problems)
            }
            if let log = c.log { checkWritableFolder(of: log, what: "log", file: c.place(of: "log"), creatable: true, into: &problems) }
            if let p = c.prometheus { checkWritableFolder(of: p, what: "prometheus textfile", file: c.place(of: "prometheus"), into: &problems) }
            // The output folder is created when missing, so its nearest existing ancestor must be writable.
            checkWritableFolder(of: c.output + "/current", what: "metric output", file: c.place(of: "output"), creatable: true, into: &problems)
        }
        let loaded = mappingsOK
            ? LoadedConfiguration(configuration: configuration, mappings: mappings, schedules: schedules) : nil
        return Result(loaded: loaded, problems: problems)
    }

    /// Reads the store without changing it and checks that its pseudonyms were made with
    /// `keyID`: a SQLite file that exists, or a server store (with its schema version).
    /// Returns what to report when all is well.
    public static func checkStore(_ c: Configuration, keyID: String?, into problems: inout [ConfigurationProblem]) -> String? {
        let location = try? c.storeLocation()
        if case .sqlite(let path)? = location {
            guard FileManager.default.fileExists(atPath: path) else { return "store \(path): made at the first run" }
            do {
                switch try SQLiteStore.storedKey(ofFile: path) {
                case .none:
                    return "store \(path): no records yet"
                case .key(let stored) where keyID != nil && stored != keyID:
                    problems.append(ConfigurationProblem(location: c.place(of: "keyFile"), message: "store \(path): its pseudonyms were made "
                                                         + "with key \(stored), but keyFile holds key \(keyID!): every run would be refused"))
                    return nil
                case .key(let stored):
                    return "store \(path): key \(stored) matches"
                case .notNow(let why):
                    return "store \(path): key not checked (\(why))"
                }
            } catch {
                problems.append(ConfigurationProblem(location: c.place(of: "store"), message: "\(error)"))
                return nil
            }
        }
        guard case .postgres(let url, let tenant, _)? = location else { return nil }
        let environment = ProcessInfo.processInfo.environment
        let found: PostgresStore.Inspection
        do {
            found = try PostgresStore.inspect(url: url, tenant: tenant, environment: environment, home: environment["HOME"],
                                              readFile: { try? String(contentsOfFile: $0, encoding: .utf8) }, logger: Logger(label: "trin"))
        } catch {
            problems.append(ConfigurationProblem(location: c.place(of: "store"), message: "store: \(error)"))
            return nil
        }
        let known = PostgresStore.schemaVersion
        if found.schemaVersion > known {
            problems.append(ConfigurationProblem(location: c.place(of: "store"), message: "store \(url): schema version \(found.schemaVersion) is newer than this trin's \(known): update trin"))
            return nil
        }
        if let stored = found.keyID, let keyID, stored != keyID {
            problems.append(ConfigurationProblem(location: c.place(of: "keyFile"), message: "store \(url): tenant \(tenant)'s pseudonyms were made "
                                                 + "with key \(stored), but keyFile holds key \(keyID): every run would be refused"))
            return nil
        }
        let schema = found.schemaVersion == known ? "schema version \(known), current"
            : found.schemaVersion == 0 ? "no schema yet (made at the first run)"
            : "schema version \(found.schemaVersion) (migrated to \(known) at the next run)"
        return "store \(url), tenant \(tenant): connected; \(schema); " + (found.keyID == nil ? "no records yet" : "key \(found.keyID!) matches")
    }

    static func problem(from error: any Error, file: String, prefix: String = "") -> ConfigurationProblem {
        if case .invalid(let m)? = error as? ConfigurationError {
            switch m {
            case .invalid(let f, let line, let message): return ConfigurationProblem(location: "\(f):\(line)", message: prefix + message)
            case .unreadable(let f, let message): return ConfigurationProblem(location: f, message: prefix + message)
            case .missingInFile: break
            }
        }
        return ConfigurationProblem(location: file, message: prefix + "\(error)")
    }

    static func checkReadable(_ file: String, what: String, source: SourceConfig, at: String,
                              into problems: inout [ConfigurationProblem]) {
        if !FileManager.default.fileExists(atPath: file) {
            problems.append(ConfigurationProblem(location: at, message: "source `\(source.name)`: \(what) \(file) does not exist"))
        } else if !FileManager.default.isReadableFile(atPath: file) {
            problems.append(ConfigurationProblem(location: at, message: "source `\(source.name)`: \(what) \(file) cannot be read"))
        }
    }

    /// - Parameter creatable: the folder is created when missing (the log), so its
    ///   nearest existing ancestor must be writable instead.
    static func checkWritableFolder(of file: String, what: String, file config: String, creatable: Bool = false,
                                    into problems: inout [ConfigurationProblem]) {
        var folder = URL(fileURLWithPath: file).deletingLastPathComponent().path
        while creatable, folder != "/", !FileManager.default.fileExists(atPath: folder) {
            folder = URL(fileURLWithPath: folder).deletingLastPathComponent().path
        }
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) || !isDirectory.boolValue {
            problems.append(ConfigurationProblem(location: config, message: "the folder of the \(what) (\(folder)) does not exist"))
        } else if !FileManager.default.isWritableFile(atPath: folder) {
            problems.append(ConfigurationProblem(location: config, message: "the folder of the \(what) (\(folder)) is not writable"))
        }
    }
}
