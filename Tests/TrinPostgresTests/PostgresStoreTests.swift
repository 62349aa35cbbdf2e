import Foundation
import Synchronization
import Logging
import Testing
import TrinCore
@testable import TrinPostgres
import TrinStore
import TrinTestSupport

/// The server `make test` starts (scripts/pg-test-cluster.sh); these tests need it.
let testServer = ProcessInfo.processInfo.environment["TRIN_TEST_POSTGRES_URL"]

@Suite struct PostgresURLTests {
    @Test func partsDefaultsAndMessagesWithoutThePassword() throws {
        let u = try PostgresURL("postgresql://trin:s%3Acret@db.example.org:6543/trin?sslmode=verify-full")
        #expect(u.user == "trin" && u.password == "s:cret" && u.host == "db.example.org" && u.port == 6543 && u.database == "trin")
        #expect(u.tlsMode == .verifyFull)
        #expect(!"\(u)".contains("cret"))
        let d = try PostgresURL("postgres://trin@127.0.0.1/kommune")
        #expect(d.port == 5432 && d.tlsMode == .prefer && d.password == nil)
        for bad in ["mysql://a@b/c", "postgresql://b/c", "postgresql://a@b", "postgresql://a@b:99999/c", "postgresql://a@b/c?sslmode=maybe",
                    "postgresql://a@b/c?pool=3"] {
            #expect(throws: PostgresStoreError.self, "\(bad)") { _ = try PostgresURL(bad) }
        }
    }

    @Test func thePasswordComesFromWhereLibpqTakesIt() throws {
        let files = ["/run/secrets/pg": "127.0.0.1:5432:trin:trin:from-passfile\n",
                     "/home/t/.pgpass": "# comment\nother:*:*:*:no\n*:5432:trin:trin:from\\:pgpass\n",
                     "/etc/pgpass": "127.0.0.1:5432:*:trin:from-pgpassfile\n"]
        let read: (String) -> String? = { files[$0] }
        let u = try PostgresURL("postgresql://trin@127.0.0.1/trin")
        #expect(u.resolvedPassword(environment: [:], home: "/home/t", readFile: read) == "from:pgpass")
        // PGPASSWORD before any file; one file only: passfile=, else PGPASSFILE, else ~/.pgpass.
        #expect(u.resolvedPassword(environment: ["PGPASSWORD": "env", "PGPASSFILE": "/etc/pgpass"], home: "/home/t", readFile: read) == "env")
        #expect(u.resolvedPassword(environment: ["PGPASSFILE": "/etc/pgpass"], home: "/home/t", readFile: read) == "from-pgpassfile")
        let f = try PostgresURL("postgresql://trin@127.0.0.1/trin?passfile=/run/secrets/pg")
        #expect(f.resolvedPassword(environment: ["PGPASSFILE": "/etc/pgpass"], home: "/home/t", readFile: read) == "from-passfile")
        #expect(try PostgresURL("postgresql://trin:inline@h/trin").resolvedPassword(environment: ["PGPASSWORD": "env"], home: nil, readFile: read)
            == "inline")
        #expect(try PostgresURL("postgresql://nobody@h/x").resolvedPassword(environment: [:], home: "/home/t", readFile: read) == nil)
        // Lines ending in CR LF (a file edited on Windows); an empty password counts as none.
        let windows: (String) -> String? = { $0 == "/home/w/.pgpass" ? "other:*:*:*:no\r\n*:*:trin:trin:crlf\r\n" : nil }
        #expect(u.resolvedPassword(environment: ["PGPASSWORD": ""], home: "/home/w", readFile: windows) == "crlf")
        #expect(try PostgresURL("postgresql://trin:@127.0.0.1/trin").resolvedPassword(environment: [:], home: "/home/w", readFile: windows)
            == "crlf")
        // A password with an unescaped `?` is never repeated in the error.
        do { _ = try PostgresURL("postgresql://trin:ab?cd@db/trin"); Issue.record("parsed") } catch {
            #expect(!"\(error)".contains("cd"), "\(error)")
        }
    }
}

/// The same records, in files imported in different orders, give the same store in
/// PostgreSQL as in SQLite: the greatest version by the version order, whatever the order.
@Suite(.enabled(if: testServer != nil, "needs the cluster make test starts (scripts/pg-test-cluster.sh)"))
struct PostgresStoreTests {
    let logger = Logger(label: "test")

    func open(tenant: String, url: PostgresURL? = nil, bulkMergeFrom: Int = Migrations.bulkMergeFrom,
              firstLoadIdentities: Int = PostgresFileImport.FreshLoad.mostIdentities) throws -> PostgresStore {
        try PostgresStore.open(url: try url ?? PostgresURL(testServer!), tenant: tenant, workDirectory: "/tmp", environment: [:], home: nil,
                               readFile: { _ in nil }, logger: logger, schemaVersion: PostgresStore.schemaVersion, bulkMergeFrom: bulkMergeFrom,
                               firstLoadIdentities: firstLoadIdentities)
    }

    /// Versions of few identities that collide on purpose: equal times, equal sources, absent
    /// and present values, so that every step of the version order decides somewhere.
    static func records(seed: UInt64, count: Int) -> [ProgressRecord] {
        var g = SplitMix(seed: seed)
        let pseudonyms = (0..<12).map { _ in Pseudonym(high: g.next(), low: g.next()) }
        func pick<T>(_ a: [T]) -> T { a[Int.random(in: 0..<a.count, using: &g)] }
        return (0..<count).map { i in
            ProgressRecord(pseudonym: pick(pseudonyms), ageBand: pick(AgeBand.allCases), agreement: pick([nil, "SA-1", "SA-2"]),
                           enterprise: pick([nil, "12345674", "Caf\u{E9}\\\t1"]), targetGroup: pick(TargetGroup.allCases),
                           stage: pick([Stage.praktik, .job]), start: Day(daysSinceEpoch: 19_000 + Int32(Int.random(in: 0..<3, using: &g))),
                           end: pick([nil, Day(daysSinceEpoch: 19_100)]), hoursPerWeek: pick([nil, 0, 12.5]),
                           recordedAt: Instant(secondsSinceEpoch: Int64(pick([1_700_000_000, 1_700_000_001]))),
                           source: pick(["forloeb", "haendelser"]), sourceRecordID: pick(["F-1", "F-2\nx"]) + (i % 7 == 0 ? "" : ""))
        }
    }

    @Test func theSameFilesInAnyOrderGiveTheStoreSQLiteKeeps() async throws {
        let all = Self.records(seed: 42, count: 600)
        var g = SplitMix(seed: 7)
        var files: [[ProgressRecord]] = Array(repeating: [], count: 5)
        for r in all { files[Int.random(in: 0..<5, using: &g)].append(r) }

        // SQLite, files in their order.
        let dir = TrinBinary.temporaryDirectory("trin-pg-diff")
        let sqlite = try SQLiteStore(path: dir + "/trin.sqlite")
        for file in files { try sqlite.importFile { f in for r in file { try f.add(r) } } }
        let expected = try sqlite.canonicalDump().split(separator: "\n").filter { !$0.hasPrefix("E|") }.joined(separator: "\n")
        #expect(try sqlite.eventCount() > 50)

        // PostgreSQL, four tenants, files and rows in other orders, merged by probing (as a
        // small file is) and in bulk (as a large one is), the first file loaded into a new table
        // of the tenant's own (and, in the fourth, its records after the tenth identity staged
        // and merged, as a first load's of more than `mostIdentities` are): each gives SQLite's store.
        let tenants = (0..<4).map { _ in "t-\(UUID().uuidString)" }
        for (n, tenant) in tenants.enumerated() {
            let pg = try open(tenant: tenant, bulkMergeFrom: n == 2 ? 1 : Migrations.bulkMergeFrom, firstLoadIdentities: n == 3 ? 10 : 1 << 21)
            var order = files
            order.shuffle(using: &g)
            if n == 1 { order = order.reversed().map { $0.reversed() } }
            var counts = WriteCounts()
            for file in order {
                let c = try pg.importRecords(file)
                counts.inserted += c.inserted; counts.updated += c.updated; counts.duplicates += c.duplicates
            }
            // The same records; each store lists them in its own key order.
            let got = try pg.canonicalDump()
            #expect(got.split(separator: "\n").sorted() == expected.split(separator: "\n").sorted(), "tenant \(n)")
            if got.split(separator: "\n").sorted() != expected.split(separator: "\n").sorted() {
                let a = Set(got.split(separator: "\n")), b = Set(expected.split(separator: "\n"))
                Issue.record("only in PostgreSQL: \(a.subtracting(b).sorted().prefix(3)); only in SQLite: \(b.subtracting(a).sorted().prefix(3))")
            }
            #expect(counts.inserted == (try sqlite.eventCount()))
            #expect(counts.inserted + counts.updated + counts.duplicates == all.count)
            // A file imported again changes nothing.
            let again = try pg.importRecords(files[0])
            #expect(again.inserted == 0 && again.updated == 0 && again.duplicates == files[0].count)
            #expect(try pg.eventCount() == (try sqlite.eventCount()))
            pg.close()
        }
    }

    /// A fresh database of its own on the test server, so that migrations start from nothing.
    func freshDatabase() throws -> PostgresURL {
        let admin = try open(tenant: "admin")
        let name = "trin_\(UInt32.random(in: 0...UInt32.max))"
        try admin.execute(unsafeSQL: "CREATE DATABASE \(name)")
        admin.close()
        var url = try PostgresURL(testServer!)
        url.database = name
        return url
    }

    @Test func instancesStartingAtOnceMigrateOnceAndANewerSchemaIsRefused() throws {
        let url = try freshDatabase()
        // Four instances open the empty database at the same moment: one migrates, the others wait and find it current.
        // Four threads, not tasks: each blocks while its store's calls run.
        let results = Mutex<[Result<Int, any Error>]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { i in
            let result = Result { () throws -> Int in
                let pg = try open(tenant: "t\(i)", url: url)
                defer { pg.close() }
                return try pg.storedSchemaVersion()
            }
            results.withLock { $0.append(result) }
        }
        let versions = try results.withLock { $0 }.map { try $0.get() }
        #expect(versions == Array(repeating: PostgresStore.schemaVersion, count: 4))
        // A store written by a newer trin is refused, naming both versions.
        let pg = try open(tenant: "t", url: url)
        try pg.execute(unsafeSQL: "INSERT INTO trin_schema(version) VALUES (\(PostgresStore.schemaVersion + 1))")
        pg.close()
        do {
            _ = try open(tenant: "t", url: url)
            Issue.record("opened a store with a newer schema")
        } catch {
            #expect("\(error)".contains("schema version \(PostgresStore.schemaVersion + 1), newer than this trin's \(PostgresStore.schemaVersion)"),
                    "\(error)")
        }
    }

    @Test func oneInstanceOfATenantRunsAtATimeAndTenantsDoNotWaitForEachOther() async throws {
        let tenant = "t-\(UUID().uuidString)", other = "t-\(UUID().uuidString)"
        let a = try open(tenant: tenant), b = try open(tenant: tenant), c = try open(tenant: other)
        #expect(try a.tryLockTenant())
        #expect(try !b.tryLockTenant(), "a second instance of the tenant got the lock")
        #expect(try c.tryLockTenant(), "another tenant waited for this one")
        try a.unlockTenant()
        #expect(try b.tryLockTenant())
        // The server lets go when the holder's connection ends, however it ends.
        b.close()
        #expect(try a.tryLockTenant())
        a.close()
        c.close()
    }

    /// Two municipalities' first imports at once: one's open transaction, its table loaded and
    /// keyed, does not hold up the other's, which attaches its own table and commits meanwhile.
    @Test func tenantsFirstLoadsDoNotWaitForEachOther() throws {
        let a = try open(tenant: "t-\(UUID().uuidString)"), b = try open(tenant: "t-\(UUID().uuidString)")
        // Waiting would be a failure here, not a hang.
        try b.execute(unsafeSQL: "SET lock_timeout = '10s'")
        let records = Self.records(seed: 7, count: 300)
        var other = WriteCounts()
        try a.importFile { file in
            for r in records { try file.add(r) }
            try file.flush()
            other = try b.importRecords(records)
        }
        #expect(other.inserted > 0)
        #expect(try a.canonicalDump().split(separator: "\n").sorted() == b.canonicalDump().split(separator: "\n").sorted())
        a.close()
        b.close()
    }

    /// A server restart, or a firewall closing an idle connection between nights: the next
    /// call connects anew, unless the connection held the run lock (then the run must end).
    @Test func aDroppedConnectionIsMadeAgainUnlessItHeldTheRunLock() throws {
        let store = try open(tenant: "t-\(UUID().uuidString)")
        let admin = try open(tenant: "admin")
        func dropStoreConnection() throws {
            let pid = try #require(try store.integer(unsafeSQL: "SELECT pg_backend_pid()"))
            try admin.execute(unsafeSQL: "SELECT pg_terminate_backend(\(pid))")
            #expect(eventually { store.connectionIsClosed })
        }
        try dropStoreConnection()
        #expect(try store.eventCount() == 0, "the store connects anew")
        #expect(try store.tryLockTenant())
        try dropStoreConnection()
        #expect(throws: StoreError.self, "a run whose lock went with its connection goes no further") { try store.eventCount() }
        try? store.unlockTenant()
        #expect(try store.eventCount() == 0, "once the run let go, the next one connects anew")
        store.close()
        admin.close()
    }

    /// `sslmode` as libpq's users know it, against the test cluster, which offers TLS with a
    /// self-signed certificate: `disable` talks in the clear, `prefer` and `require` encrypt,
    /// `verify-full` refuses a server whose certificate no trusted authority signed.
    @Test func sslModesEncryptOrRefuseAsLibpqDoes() throws {
        func encrypted(_ mode: PostgresURL.TLSMode) throws -> Bool {
            var url = try PostgresURL(testServer!)
            url.tlsMode = mode
            let store = try open(tenant: "tls", url: url)
            defer { store.close() }
            return try store.integer(unsafeSQL: "SELECT ssl::int FROM pg_stat_ssl WHERE pid = pg_backend_pid()") == 1
        }
        #expect(try !encrypted(.disable))
        #expect(try encrypted(.prefer))
        #expect(try encrypted(.require))
        #expect(throws: PostgresStoreError.self, "a certificate no trusted authority signed was accepted") { try encrypted(.verifyFull) }
    }

    func eventually(_ condition: () -> Bool) -> Bool {
        for _ in 0..<200 where !condition() { usleep(10_000) }
        return condition()
    }

    @Test func aWrongPasswordOrPortIsAClearErrorThatNamesTheServer() async throws {
        var url = try PostgresURL(testServer!)
        url.port = 1
        do {
            _ = try open(tenant: "t", url: url)
            Issue.record("connected to port 1")
        } catch {
            #expect("\(error)".contains("cannot connect to the PostgreSQL store postgresql://") && "\(error)".contains(":1/"), "\(error)")
        }
    }
}

/// A store made by an older trin is migrated at open, its records kept.
@Suite(.enabled(if: testServer != nil, "needs the cluster make test starts (scripts/pg-test-cluster.sh)"))
struct PostgresMigrationTests {
    @Test func aStoreOfSchemaVersionOneIsMigratedAtOpenAndKeepsItsRecords() throws {
        let admin = try PostgresStore.open(url: try PostgresURL(testServer!), tenant: "admin", workDirectory: "/tmp", environment: [:],
                                           home: nil, readFile: { _ in nil }, logger: Logger(label: "test"))
        let name = "trin_old_\(UInt32.random(in: 0...UInt32.max))"
        try admin.execute(unsafeSQL: "CREATE DATABASE \(name)")
        admin.close()
        var url = try PostgresURL(testServer!)
        url.database = name
        // Version 1: the records table only, as the first release made it.
        let old = try PostgresStore.open(url: url, tenant: "0101", workDirectory: "/tmp", environment: [:], home: nil, readFile: { _ in nil },
                                         logger: Logger(label: "test"), schemaVersion: 1)
        #expect(try old.storedSchemaVersion() == 1)
        try old.execute(unsafeSQL: """
            INSERT INTO event VALUES ('0101', '\\x00000000000000070000000000000000'::bytea, 19000, 'job', 'SA-1', '25-29', NULL,
                                      'kontanthjaelp', NULL, 12.5, 1700000000, 'forloeb', 'F-1'),
                                     ('0202', '\\x00000000000000080000000000000000'::bytea, 19000, 'job', '', '25-29', NULL,
                                      'kontanthjaelp', NULL, NULL, 1700000000, 'forloeb', 'F-2')
            """)
        old.close()

        let store = try PostgresStore.open(url: url, tenant: "0101", workDirectory: "/tmp", environment: [:], home: nil,
                                           readFile: { _ in nil }, logger: Logger(label: "test"))
        #expect(try store.storedSchemaVersion() == PostgresStore.schemaVersion)
        var records: [ProgressRecord] = []
        try store.forEachCitizen { records += $0 }
        #expect(records.count == 1 && records.first?.pseudonym == Pseudonym(high: 7, low: 0) && records.first?.hoursPerWeek == 12.5)
        // Version 4 keeps each tenant's records in a table of its own.
        #expect(try store.integer(unsafeSQL: "SELECT count(*) FROM pg_inherits WHERE inhparent = 'event'::regclass") == 2)
        // Everything the later versions added works on it: a run, a file, the key.
        try store.bind(keyID: "k1", scheme: "s")
        let run = try store.beginRun(command: "import", startedAt: Instant(secondsSinceEpoch: 1), dryRun: false)
        let counts = try store.importRecords([record(7, .job, "2022-02-01", recordedAt: 1_800_000_000)])
        #expect(counts == WriteCounts(inserted: 1))
        try store.finishRun(id: run, finishedAt: Instant(secondsSinceEpoch: 2), status: .succeeded)
        #expect(try store.eventCount() == 2 && store.keyID() == "k1" && store.contentVersion() == 1)
        store.close()
        let other = try PostgresStore.open(url: url, tenant: "0202", workDirectory: "/tmp", environment: [:], home: nil,
                                           readFile: { _ in nil }, logger: Logger(label: "test"))
        #expect(try other.eventCount() == 1)
        other.close()
    }
}
