#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
public import Logging
public import TrinPostgres
public import TrinStore

/// Which store a run uses: a SQLite file (the embedded default), or one tenant of a
/// PostgreSQL server that several instances and municipalities share (`store:
/// postgresql://…` and `tenant:` in trin.yaml).
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    /// A server store: its URL, the tenant's code, and the local directory under which the
    /// tenant's downloads and run files go (in `tenant-<code>`, `workFolder`).
    case postgres(PostgresURL, tenant: String, workDirectory: String)
    /// Several tenants of a server store read together for one combined publication (`combined:`).
    case combined(PostgresURL, name: String, tenants: [String], workDirectory: String)

    /// `text` as `store:` holds it: a `postgresql://` (or `postgres://`) URL, else a file path.
    public init(_ text: String, tenant: String?, workDirectory: String?) throws(PostgresStoreError) {
        guard Self.isURL(text) else {
            self = .sqlite(path: text)
            return
        }
        let url = try PostgresURL(text)
        guard let tenant, !tenant.isEmpty else {
            throw .badURL("a PostgreSQL store needs `tenant:` (the municipality's code, e.g. 0101) in the configuration, or TRIN_TENANT")
        }
        guard Self.isValidName(tenant) else { throw .badURL(Self.nameRule("tenant")) }
        self = .postgres(url, tenant: tenant, workDirectory: workDirectory ?? FileManager.default.temporaryDirectory.path)
    }

    /// Whether `name` may name a tenant or a combined publication: 1 to 64 letters, digits,
    /// `.`, `_` or `-` (it keys rows and locks, and names a folder; `combined:` is kept for
    /// combined publications).
    public static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.count) && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") }
            && name != "." && name != ".."
    }

    static func nameRule(_ what: String) -> String {
        "a \(what) is 1 to 64 letters, digits, `.`, `_` or `-` (e.g. the municipality's number \"0101\")"
    }

    /// Whether `store:` names a server rather than a file.
    public static func isURL(_ text: String) -> Bool { text.hasPrefix("postgresql://") || text.hasPrefix("postgres://") }

    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let url, let tenant, _): "\(url) (tenant \(tenant))"
        case .combined(let url, let name, let tenants, _): "\(url) (combined:\(name) of tenants \(tenants.joined(separator: ", ")))"
        }
    }

    /// Opens the store (creating or migrating it as needed).
    public func open(logger: Logger) throws(StoreError) -> any Store {
        switch self {
        case .sqlite(let path):
            return try SQLiteStore(path: path)
        case .postgres(let url, let tenant, _):
            let environment = ProcessInfo.processInfo.environment
            let work = workFolder!
            try Self.prepareWorkDirectory(work, for: description)
            do {
                return try PostgresStore.open(url: url, tenant: tenant, workDirectory: work, environment: environment,
                                              home: environment["HOME"], readFile: { try? String(contentsOfFile: $0, encoding: .utf8) },
                                              logger: logger)
            } catch {
                throw .cannotOpen(path: description, message: "\(error)")
            }
        case .combined(let url, let name, let tenants, _):
            let environment = ProcessInfo.processInfo.environment
            let work = workFolder!
            try Self.prepareWorkDirectory(work, for: description)
            do {
                return try PostgresStore.openCombined(url: url, name: name, tenants: tenants, workDirectory: work,
                                                      environment: environment, home: environment["HOME"],
                                                      readFile: { try? String(contentsOfFile: $0, encoding: .utf8) }, logger: logger)
            } catch {
                throw .cannotOpen(path: description, message: "\(error)")
            }
        }
    }

    /// The combined view of `publication`'s tenants in the same server store (nil for a SQLite file).
    public func combining(_ publication: CombinedPublication) -> StoreLocation? {
        guard case .postgres(let url, _, let work) = self else { return nil }
        return .combined(url, name: publication.name, tenants: publication.tenants, workDirectory: work)
    }

    /// A server store's own folder under its work directory: each run clears its own stale
    /// downloads there, never another tenant's. Nil for a SQLite file (it works beside itself).
    public var workFolder: String? {
        switch self {
        case .sqlite: nil
        case .postgres(_, let tenant, let work): work + "/tenant-" + tenant
        case .combined(_, let name, _, let work): work + "/combined-" + name
        }
    }

    /// Makes the work directory when missing, and refuses one that is not trin's own: exports
    /// with CPR numbers are downloaded there, so a folder another user made (in /tmp, say) or
    /// a symbolic link to one could hand them to that user.
    static func prepareWorkDirectory(_ path: String, for store: String) throws(StoreError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o750])
        } catch {
            throw .workDirectory(store: store, message: "cannot make the work directory \(path): \(error.localizedDescription)")
        }
        var info = stat()
        guard lstat(path, &info) == 0 else {
            throw .workDirectory(store: store, message: "cannot read the work directory \(path)")
        }
        guard info.st_mode & S_IFMT == S_IFDIR, info.st_uid == geteuid(), info.st_mode & 0o022 == 0 else {
            throw .workDirectory(store: store, message: "the work directory \(path) must be a folder of trin's own user that no one "
                              + "else can write to (not a link): exports are downloaded there")
        }
    }

    /// Whether there is a store here to read (a server store always is: its schema is made at open).
    public var exists: Bool {
        guard case .sqlite(let path) = self else { return true }
        return FileManager.default.fileExists(atPath: path)
    }
}
