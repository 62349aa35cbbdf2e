public import Foundation
public import TrinCore
public import TrinMapping
import Yams
public import TrinPostgres

/// `trin.yaml`: where things are, and the sources to fetch. Paths may be
/// overridden by environment variables (`TRIN_STORE`, `TRIN_KEY_FILE`,
/// `TRIN_OUTPUT`, `TRIN_LOG`); relative paths are relative to the config file.
/// Secrets are never written here: the config names the files that hold them.
public struct Configuration: Sendable {
    public var file: String
    /// A SQLite file's path, or a PostgreSQL server's `postgresql://` URL (`StoreLocation`).
    public var store: String
    /// The municipality's code in a PostgreSQL store several share (`tenant:`, or `TRIN_TENANT`).
    public var tenant: String?
    /// Where a run with a server store keeps downloads and run files (`workDirectory:`); a
    /// SQLite store keeps them beside itself.
    public var workDirectory: String?
    /// A publication across several tenants of a server store (`combined:`), made by
    /// `trin metrics --combined`.
    public var combined: CombinedPublication?
    public var keyFile: String
    public var output: String
    /// Smallest published count of citizens; counts 1…k−1 are suppressed.
    public var k: Int
    /// JSON-lines import log; nil logs to the console only.
    public var log: String?
    /// Prometheus textfile (for node_exporter); nil writes none.
    public var prometheus: String?
    public var csvDelimiter: String
    public var csvDecimalSeparator: String
    /// The unit's name, shown in the annual report and the data package.
    public var unitName: String
    /// A fixed as-of date for publications; nil publishes as of the end of the last complete month.
    public var asOf: Day?
    /// How long the store keeps what it need not keep for ever (`retention:`).
    public var retention = Retention()
    /// A source whose import rejects more than this share of its rows fails the run (with one
    /// warning), though its good records are kept: an export that changed shape must be seen.
    public var rejectedShareLimit = 0.25
    public var sources: [SourceConfig]
    /// The line each of the file's paths is written on (`store`, `keyFile`, `output`, `log`,
    /// `prometheus`, `workDirectory`, and `tenant`), when the value in use is the file's (not a
    /// variable's), for messages about it.
    public var pathLines: [String: Int] = [:]

    /// The place of a path in the file, `file:line`, or the file's name when the value came
    /// from elsewhere.
    public func place(of key: String) -> String { pathLines[key].map { "\(file):\($0)" } ?? file }

    /// The report's heading when the configuration names no unit.
    public static let defaultUnitName = "Socialøkonomisk enhed"

    /// The smallest k that may be configured (Statistics Denmark's floor).
    public static let minimumK = 3

    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) -> Configuration {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw .invalid(MappingError.unreadable(file: path, message: "cannot read the configuration (\(error.localizedDescription))"))
        }
        do { return try parse(yaml: text, file: path, environment: environment) } catch let e as MappingError {
            throw .invalid(e)
        } catch let e as ConfigurationError {
            throw e
        } catch {
            throw .invalid(.unreadable(file: path, message: "\(error)"))
        }
    }

    static func parse(yaml: String, file: String, environment: [String: String]) throws -> Configuration {
        let r = YAMLReader(file: file)
        let root = try r.compose(yaml)
        let top = try r.mapping(root, allowed: ["store", "tenant", "workDirectory", "combined", "keyFile", "output", "k", "log", "prometheus", "metrics", "publication",
                                                "retention", "rejectedShareLimit", "sources"])
        let base = URL(fileURLWithPath: file).deletingLastPathComponent().path
        func path(_ key: String, env: String, default value: String? = nil) throws -> String? {
            if let e = environment[env], !e.isEmpty { return Self.resolve(e, base: base) }
            return try r.string(top, key).map { Self.resolve($0, base: base) } ?? value.map { Self.resolve($0, base: base) }
        }
        // Independent parts are checked one after the other and every problem is kept, so
        // that check-config reports them all in one pass.
        var problems: [MappingError] = []
        func collect(_ body: () throws -> Void) throws {
            do { try body() } catch let e as MappingError { problems.append(e) }
        }
        var store = "", key = "", output = ""
        try collect {
            // A server's URL is taken as it is; a file's path is relative to this file.
            if let e = environment["TRIN_STORE"], StoreLocation.isURL(e) { store = e; return }
            if let n = top["store"], let v = n.string, StoreLocation.isURL(v) {
                let url: PostgresURL
                do { url = try PostgresURL(v) } catch { throw r.error(n, "\(error)") }
                guard url.password == nil else {
                    throw r.error(n, "the store URL holds a password: the configuration names no secrets; put it in a file (`?passfile=`), "
                                  + "~/.pgpass or PGPASSWORD")
                }
                store = v
                return
            }
            guard let v = try path("store", env: "TRIN_STORE") else {
                throw r.error(root, "`store` is missing (path of the SQLite store, or a postgresql:// URL)")
            }
            store = v
        }
        var tenant: String?
        try collect {
            let configured = try r.string(top, "tenant")
            tenant = environment["TRIN_TENANT"].flatMap { $0.isEmpty ? nil : $0 } ?? configured
            if let t = tenant, !StoreLocation.isValidName(t) {
                throw r.error(top["tenant"] ?? root, "`tenant`: " + StoreLocation.nameRule("tenant"))
            }
            if StoreLocation.isURL(store), tenant == nil {
                throw r.error(top["store"] ?? root, "a PostgreSQL store needs `tenant:` (the municipality's code, e.g. 0101)")
            }
        }
        try collect { guard let v = try path("keyFile", env: "TRIN_KEY_FILE") else { throw r.error(root, "`keyFile` is missing (path of the pseudonym key)") }; key = v }
        try collect { guard let v = try path("output", env: "TRIN_OUTPUT") else { throw r.error(root, "`output` is missing (folder for metric files)") }; output = v }
        var k = 5
        try collect {
        if let n = top["k"] {
            guard let v = n.int else { throw r.error(n, "`k` must be a whole number") }
            guard v >= minimumK else { throw r.error(n, "k = \(v) is below \(minimumK), Statistics Denmark's floor") }
            k = v
        }
        }
        var delimiter = ";", decimal = ","
        try collect {
        if let m = top["metrics"] {
            let mm = try r.mapping(m, allowed: ["csvDelimiter", "csvDecimalSeparator"])
            delimiter = try r.string(mm, "csvDelimiter") ?? delimiter
            decimal = try r.string(mm, "csvDecimalSeparator") ?? decimal
            guard delimiter.count == 1, decimal.count == 1, delimiter != decimal else {
                throw r.error(m, "csvDelimiter and csvDecimalSeparator must be single, different characters")
            }
        }
        }
        var unitName = Configuration.defaultUnitName
        var asOf: Day?
        try collect {
        if let p = top["publication"] {
            let pm = try r.mapping(p, allowed: ["unit", "asOf"])
            unitName = try r.string(pm, "unit") ?? unitName
            if let node = pm["asOf"] {
                guard let text = node.string, let day = Day(iso: text) else {
                    throw r.error(node, "`asOf` must be a date (yyyy-MM-dd), e.g. 2025-12-31")
                }
                asOf = day
            }
        }
        }
        var retention = Retention()
        try collect {
        if let node = top["retention"] {
            let rm = try r.mapping(node, allowed: ["rejectedRows", "runs", "events"])
            func age(_ key: String, _ fallback: Int?) throws -> Int? {
                guard let n = rm[key] else { return fallback }
                guard let text = n.string, let days = Retention.days(text) else {
                    throw r.error(n, "`\(key)` must be an age like 90d, 26w, 2y, or `none` (kept for ever)")
                }
                return days
            }
            retention = Retention(rejectedRowDays: try age("rejectedRows", retention.rejectedRowDays),
                                  runDays: try age("runs", retention.runDays), eventDays: try age("events", retention.eventDays))
        }
        }
        var combined: CombinedPublication?
        try collect {
            guard let node = top["combined"] else { return }
            let m = try r.mapping(node, allowed: ["name", "tenants", "output", "unit"])
            guard StoreLocation.isURL(store) else {
                throw r.error(node, "`combined` needs a PostgreSQL store (store: postgresql://…): it reads several tenants of one server")
            }
            guard let name = try r.string(m, "name"), StoreLocation.isValidName(name) else {
                throw r.error(node, "`combined` needs a `name`: " + StoreLocation.nameRule("name"))
            }
            guard let list = m["tenants"]?.sequence, !list.isEmpty else {
                throw r.error(node, "`combined` needs `tenants`, a list of the municipalities' codes")
            }
            var tenants: [String] = []
            for item in list {
                guard let t = item.string, StoreLocation.isValidName(t) else { throw r.error(item, StoreLocation.nameRule("tenant")) }
                tenants.append(t)
            }
            guard let out = try path("combined.output", env: "TRIN_COMBINED_OUTPUT", default: try r.string(m, "output")) else {
                throw r.error(node, "`combined` needs an `output` folder of its own")
            }
            combined = CombinedPublication(name: name, tenants: tenants, output: out, unitName: try r.string(m, "unit"))
        }
        var shareLimit = 0.25
        try collect {
            if let n = top["rejectedShareLimit"] {
                guard let v = n.float, v >= 0, v <= 1 else { throw r.error(n, "`rejectedShareLimit` must be a share from 0 to 1, e.g. 0.25") }
                shareLimit = v
            }
        }
        var sources: [SourceConfig] = []
        try collect {
            if let s = top["sources"] {
                guard let seq = s.sequence else { throw r.error(s, "`sources` must be a list") }
                var seen = Set<String>()
                for item in seq {
                    // A name used twice is reported even when one of the two has other problems.
                    if let name = item["name"]?.string, !seen.insert(name).inserted {
                        problems.append(r.error(item, "source name `\(name)` is used twice"))
                        continue
                    }
                    try collect { sources.append(try SourceConfig.parse(item, r, base: base)) }
                }
            }
        }
        if problems.count == 1 { throw problems[0] }
        if problems.count > 1 { throw ConfigurationError.several(problems) }
        var configuration = Configuration(file: file, store: store, keyFile: key, output: output, k: k,
                                          log: try path("log", env: "TRIN_LOG"), prometheus: try path("prometheus", env: "TRIN_PROMETHEUS"),
                                          csvDelimiter: delimiter, csvDecimalSeparator: decimal, unitName: unitName, asOf: asOf,
                                          sources: sources)
        configuration.retention = retention
        configuration.tenant = tenant
        configuration.combined = combined
        configuration.workDirectory = try path("workDirectory", env: "TRIN_WORK_DIRECTORY")
        configuration.rejectedShareLimit = shareLimit
        for (key, variable) in [("store", "TRIN_STORE"), ("keyFile", "TRIN_KEY_FILE"), ("output", "TRIN_OUTPUT"), ("log", "TRIN_LOG"),
                                ("prometheus", "TRIN_PROMETHEUS"), ("workDirectory", "TRIN_WORK_DIRECTORY"), ("tenant", "TRIN_TENANT")]
        where environment[variable].map({ $0.isEmpty }) ?? true {
            if let line = top[key]?.mark?.line { configuration.pathLines[key] = line }
        }
        return configuration
    }

    /// The store this configuration names. A server store's downloads and run files go to
    /// `workDirectory`, by default the folder that holds the output folder (trin's own).
    public func storeLocation() throws(PostgresStoreError) -> StoreLocation {
        try StoreLocation(store, tenant: tenant, workDirectory: serverWorkDirectory)
    }

    /// `workDirectory`, or by default the folder that holds the output folder (trin's own).
    public var serverWorkDirectory: String { workDirectory ?? URL(fileURLWithPath: output).deletingLastPathComponent().path }

    static func resolve(_ path: String, base: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: base).appendingPathComponent(path).standardized.path
    }
}

/// A publication of several tenants' figures together (`combined:`): the records of all are
/// read as one population and suppressed as one, into an output folder of its own.
public struct CombinedPublication: Sendable, Equatable {
    /// The publication's name: its frozen years and figure tables are kept as `combined:<name>`.
    public var name: String
    public var tenants: [String]
    public var output: String
    /// The report's heading for it; nil: the configuration's unit.
    public var unitName: String?
}

/// One export to fetch on a schedule.
public struct SourceConfig: Sendable {
    public var name: String
    /// `https://`, `http://` or `file://`; may hold a date template like `{date:yyyy-MM-dd}`.
    public var url: String
    public var mappingPath: String
    /// Five-field cron expression in Europe/Copenhagen time; nil: only when run explicitly.
    public var schedule: String?
    public var auth: Auth?
    public var headers: [String: String]
    public var connectTimeout: Int
    public var stallTimeout: Int
    public var totalTimeout: Int
    public var retryAttempts: Int
    public var retryBaseDelay: Double
    public var retryMaxDelay: Double
    public var maxBytes: Int64
    public var caFile: String?
    /// Whether an https source may follow a redirect to plain http (`tls.allowDowngrade`; default no).
    public var allowHTTPDowngrade = false
    /// This source's own `rejectedShareLimit`, when it has one.
    public var rejectedShareLimit: Double?
    /// The line in the config file (for messages).
    public var line: Int

    public enum Auth: Sendable {
        case bearer(tokenFile: String)
        case basic(user: String, passwordFile: String)
    }

    static func parse(_ node: Node, _ r: YAMLReader, base: String) throws -> SourceConfig {
        let m = try r.mapping(node, allowed: ["name", "url", "mapping", "schedule", "auth", "headers", "timeouts",
                                              "retry", "maxBytes", "tls", "rejectedShareLimit"])
        guard let name = try r.string(m, "name"), !name.isEmpty else { throw r.error(node, "a source needs a `name`") }
        guard let url = try r.string(m, "url") else { throw r.error(node, "source `\(name)` needs a `url`") }
        guard ["https://", "http://", "file://"].contains(where: url.hasPrefix) else {
            throw r.error(m["url"], "source `\(name)`: url must start with https://, http:// or file://")
        }
        guard let mapping = try r.string(m, "mapping") else { throw r.error(node, "source `\(name)` needs a `mapping` file") }
        var auth: Auth?
        if let a = m["auth"] {
            let am = try r.mapping(a, allowed: ["bearerTokenFile", "basicUser", "basicPasswordFile"])
            if let t = try r.string(am, "bearerTokenFile") {
                auth = .bearer(tokenFile: Configuration.resolve(t, base: base))
            } else if let u = try r.string(am, "basicUser"), let p = try r.string(am, "basicPasswordFile") {
                auth = .basic(user: u, passwordFile: Configuration.resolve(p, base: base))
            } else {
                throw r.error(a, "auth needs `bearerTokenFile`, or `basicUser` and `basicPasswordFile` (secrets live in files, never here)")
            }
        }
        var headers: [String: String] = [:]
        if let h = m["headers"] {
            for (k, v) in try r.mapping(h, allowed: nil).pairs {
                guard let key = k.string, let value = v.string else { throw r.error(k, "headers map a name to a value") }
                headers[key] = value
            }
        }
        func number(_ mm: Node.Mapping?, _ key: String, _ fallback: Double) throws -> Double {
            guard let n = mm?[key] else { return fallback }
            guard let v = n.float, v >= 0 else { throw r.error(n, "`\(key)` must be a non-negative number") }
            return v
        }
        let t = try m["timeouts"].map { try r.mapping($0, allowed: ["connect", "stall", "total"]) }
        let rt = try m["retry"].map { try r.mapping($0, allowed: ["attempts", "baseDelay", "maxDelay"]) }
        var caFile: String?
        var allowDowngrade = false
        if let tls = m["tls"] {
            let tm = try r.mapping(tls, allowed: ["caFile", "allowDowngrade"])
            caFile = try r.string(tm, "caFile").map { Configuration.resolve($0, base: base) }
            if let d = tm["allowDowngrade"] {
                guard let b = d.bool else { throw r.error(d, "`allowDowngrade` must be true or false") }
                allowDowngrade = b
            }
        }
        var maxBytes: Int64 = 4 << 30
        if let n = m["maxBytes"] {
            guard let text = n.string, let v = Self.byteCount(text) else { throw r.error(n, "maxBytes must be a size like 500M or 2G") }
            maxBytes = v
        }
        var source = SourceConfig(
            name: name, url: url, mappingPath: Configuration.resolve(mapping, base: base),
            schedule: try r.string(m, "schedule"), auth: auth, headers: headers,
            connectTimeout: Int(try number(t, "connect", 30)), stallTimeout: Int(try number(t, "stall", 60)),
            totalTimeout: Int(try number(t, "total", 3600)), retryAttempts: max(1, Int(try number(rt, "attempts", 4))),
            retryBaseDelay: try number(rt, "baseDelay", 2), retryMaxDelay: try number(rt, "maxDelay", 300),
            maxBytes: maxBytes, caFile: caFile, line: node.mark?.line ?? 0)
        source.allowHTTPDowngrade = allowDowngrade
        if let n = m["rejectedShareLimit"] {
            guard let v = n.float, v >= 0, v <= 1 else { throw r.error(n, "`rejectedShareLimit` must be a share from 0 to 1, e.g. 0.25") }
            source.rejectedShareLimit = v
        }
        return source
    }

    /// `123`, `500K`, `500M`, `2G` (powers of 1024).
    static func byteCount(_ text: String) -> Int64? {
        let units: [Character: Int64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        if let last = text.last, let unit = units[last], let v = Int64(text.dropLast()) { return v * unit }
        return Int64(text)
    }
}

/// A configuration that cannot be used; the message names the file and line.
public enum ConfigurationError: Error, Sendable, CustomStringConvertible {
    case invalid(MappingError)
    /// Several independent problems, each with its place, found in one pass.
    case several([MappingError])

    public var description: String {
        switch self {
        case .invalid(let e): "\(e)"
        case .several(let all): all.map { "\($0)" }.joined(separator: "\n")
        }
    }
}
