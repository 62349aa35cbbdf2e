import Testing
import Foundation
import Logging
import TrinPostgres
import TrinStore

/// The server `make test` starts (scripts/pg-test-cluster.sh).
let testServer = ProcessInfo.processInfo.environment["TRIN_TEST_POSTGRES_URL"]

/// A back end a contract test runs against.
enum Backend: String, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    /// SQLite always; PostgreSQL where the test server runs (always under `make test`).
    static var available: [Backend] { testServer == nil ? [.sqlite] : [.sqlite, .postgres] }

    var testDescription: String { rawValue }

    /// A new, empty store: a SQLite file in a folder of its own, or a tenant of its own on the server.
    func makeStore() throws -> any Store {
        switch self {
        case .sqlite:
            let dir = NSTemporaryDirectory() + "trin-contract-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            return try SQLiteStore(path: dir + "/trin.sqlite")
        case .postgres:
            return try Self.openTenant("t-\(UUID().uuidString)")
        }
    }

    /// The same store opened anew (what a later run sees).
    func reopen(_ store: any Store) throws -> any Store {
        switch store {
        case let s as SQLiteStore: try SQLiteStore(path: s.path)
        case let s as PostgresStore: try Self.openTenant(s.tenant)
        default: fatalError("unknown store \(type(of: store))")
        }
    }

    static func openTenant(_ tenant: String) throws -> PostgresStore {
        try PostgresStore.open(url: try PostgresURL(testServer!), tenant: tenant, workDirectory: NSTemporaryDirectory(),
                               environment: [:], home: nil, readFile: { _ in nil }, logger: Logger(label: "test"))
    }
}
