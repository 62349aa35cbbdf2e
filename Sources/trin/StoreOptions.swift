import ArgumentParser
import TrinService
import Foundation

/// Where the store and key are: from flags, else the environment, else the config file.
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: "Configuration file (trin.yaml). Env: TRIN_CONFIG.")
    var config: String?

    @Option(help: "SQLite store path, or a postgresql:// URL. Env: TRIN_STORE.")
    var store: String?

    @Option(help: "The tenant (municipality code) in a PostgreSQL store. Env: TRIN_TENANT.")
    var tenant: String?

    @Option(name: .customLong("key"), help: "Pseudonym key file (read by the commands that import, and check-config). Env: TRIN_KEY_FILE.")
    var keyFile: String?

    @Option(help: "JSON-lines import log to append to (by run, import and daemon). Env: TRIN_LOG.")
    var log: String?

    /// The configuration file in the working directory that commands read when none is named.
    static let defaultConfiguration = "trin.yaml"

    /// The configuration: the one named (`--config`, `TRIN_CONFIG`), else `./trin.yaml` when
    /// there is one, as `trin run` finds it; nil when neither, and flags and the environment
    /// must say where the store is.
    func loadConfiguration() throws -> Configuration? {
        let named = config ?? environment["TRIN_CONFIG"]
        guard let path = named ?? (FileManager.default.fileExists(atPath: Self.defaultConfiguration) ? Self.defaultConfiguration : nil)
        else { return nil }
        do { return try Configuration.load(path: path) } catch { throw fail("\(error)", TrinExit.configuration) }
    }

    func resolved() throws -> (store: StoreLocation, key: String, log: String?, config: Configuration?) {
        let c = try loadConfiguration()
        guard let store = store ?? environment["TRIN_STORE"] ?? c?.store else {
            throw fail("no store: give --store, TRIN_STORE or --config", TrinExit.configuration)
        }
        guard let key = keyFile ?? environment["TRIN_KEY_FILE"] ?? c?.keyFile else {
            throw fail("no key: give --key, TRIN_KEY_FILE or --config", TrinExit.configuration)
        }
        return (try location(store, c), key, log ?? environment["TRIN_LOG"] ?? c?.log, c)
    }

    /// The store `text` names, with the tenant and work directory from the flags, the
    /// environment or the configuration.
    func location(_ text: String, _ c: Configuration?) throws -> StoreLocation {
        let work = c?.serverWorkDirectory ?? environment["TRIN_WORK_DIRECTORY"]
        do {
            return try StoreLocation(text, tenant: tenant ?? environment["TRIN_TENANT"] ?? c?.tenant, workDirectory: work)
        } catch {
            throw fail("\(error)", TrinExit.configuration)
        }
    }
}

import Foundation
let environment = ProcessInfo.processInfo.environment
