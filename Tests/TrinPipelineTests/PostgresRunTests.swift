import Crypto
import Foundation
import Logging
import Testing
import TrinCore
import TrinPostgres
import TrinSample
import TrinService
import TrinStore
import TrinTestSupport

/// The server `make test` starts (scripts/pg-test-cluster.sh).
let postgresTestServer = ProcessInfo.processInfo.environment["TRIN_TEST_POSTGRES_URL"]

/// The commands against a PostgreSQL store, as processes: the same figures as the SQLite
/// store, tenants that never wait for each other, one run of a tenant at a time, and a
/// killed import that leaves nothing.
@Suite(.serialized, .enabled(if: postgresTestServer != nil, "needs the cluster make test starts (scripts/pg-test-cluster.sh)"))
struct PostgresRunTests {
    let server = postgresTestServer ?? ""

    static func newTenant() -> String { "t\(UInt32.random(in: 0...UInt32.max))" }

    /// A fresh folder holding a new pseudonym key (`key`), made as an operator makes one.
    static func folderWithKey(_ label: String) throws -> (dir: String, key: String) {
        let dir = TrinBinary.temporaryDirectory(label)
        try #require(try TrinBinary.run(["keygen", dir + "/key"]).status == 0)
        return (dir, dir + "/key")
    }

    func openTenant(_ tenant: String) throws -> PostgresStore {
        try PostgresStore.open(url: try PostgresURL(server), tenant: tenant, workDirectory: NSTemporaryDirectory(), environment: [:],
                               home: nil, readFile: { _ in nil }, logger: Logger(label: "test"))
    }

    func importFiles(_ store: [String], key: String, mapping: String, _ files: [String]) throws -> TrinBinary.Result {
        try TrinBinary.run(["import"] + store + ["--key", key, "--mapping", "\(TrinBinary.repositoryRoot)/mappings/\(mapping).yaml"] + files)
    }

    /// Every file of a published set, by name; the JSON documents without the moment of
    /// publication (what differs between two publications of the same data).
    static func publishedFiles(_ output: String) throws -> [String: String] {
        let set = try FileManager.default.destinationOfSymbolicLink(atPath: output + "/current")
        let folder = set.hasPrefix("/") ? set : output + "/" + set
        var files: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name != "manifest.json" {
            var text = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
            if name.hasSuffix(".json") {
                text = text.replacingOccurrences(of: #""(publishedAt|created)" *: *"[^"]*""#, with: "", options: .regularExpression)
            }
            files[name] = text
        }
        return files
    }

    @Test func theSameExportsInAnyOrderGiveByteIdenticalMetricFilesFromSQLiteAndPostgreSQL() throws {
        let (dir, key) = try Self.folderWithKey("trin-pg-figures")
        let manifest = try SampleGenerator(citizens: 300, seed: 29, dirtyFraction: 0.04).write(to: dir + "/exports")
        let stores: [(String, [String])] = [("sqlite", ["--store", dir + "/trin.sqlite"]),
                                            ("postgres", ["--store", server, "--tenant", Self.newTenant()]),
                                            ("postgres, files reversed", ["--store", server, "--tenant", Self.newTenant()])]
        var published: [[String: String]] = []
        var statuses: [[String: Int32]] = []
        var generator = SplitMix(seed: 5)
        for (n, (label, store)) in stores.enumerated() {
            // One process per file, shuffled; the third store gets the files in reverse.
            var files = manifest.files.shuffled(using: &generator)
            if n == 2 { files.reverse() }
            // The generator's broken documents fail in every store (exit 1); the rest are imported.
            var status: [String: Int32] = [:]
            for file in files {
                status[file.name] = try importFiles(store, key: key, mapping: file.kind, [dir + "/exports/" + file.name]).status
            }
            statuses.append(status)
            let output = dir + "/out-\(n)"
            let r = try TrinBinary.run(["metrics"] + store + ["--output", output, "--as-of", "2024-11-30"])
            #expect(r.status == 0, "\(label): \(r.output)")
            published.append(try Self.publishedFiles(output))
        }
        #expect(statuses[0].values.filter { $0 == 0 }.count >= manifest.files.count - 6, "\(statuses[0])")
        #expect(published[0]["employment.csv"].map { $0.utf8.filter { $0 == 10 }.count > 5 } == true, "\(published[0].keys.sorted())")
        for (n, files) in published.enumerated().dropFirst() {
            #expect(statuses[n] == statuses[0], "\(stores[n].0)")
            #expect(files.keys.sorted() == published[0].keys.sorted())
            for (name, text) in published[0] {
                #expect(files[name] == text, "\(stores[n].0): \(name) differs from SQLite's")
            }
        }
    }

    /// The figure cells of a published set: `table|year|level|coordinates` → the count, nil when suppressed.
    static func publishedCells(_ output: String) throws -> [String: Int?] {
        var cells: [String: Int?] = [:]
        for (table, coordinates) in [("employment", 2), ("youth", 2), ("value_chain", 2), ("progression", 4)] {
            let text = try String(contentsOfFile: "\(output)/current/\(table).csv", encoding: .utf8)
            for line in text.split(whereSeparator: { $0 == "\r\n" || $0 == "\n" }).dropFirst() {
                let f = line.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
                let key = ([table, f[0], f[3]] + f[4..<(4 + coordinates)]).joined(separator: "|")
                cells[key] = f[4 + coordinates + 1] == "true" ? Optional<Int>.none : Int(f[4 + coordinates])
            }
        }
        return cells
    }

    /// Two municipalities that share a key on purpose, with some exports in common, each
    /// publishing its own figures. Their combined publication shows only what their own sets
    /// already show (so no municipality's suppressed count can be worked out by subtracting),
    /// and what it shows is right: the count of one store holding every export once.
    @Test func aCombinedPublicationShowsOnlyWhatTheTenantsOwnSetsAlreadyShowAndShowsItRight() throws {
        let (dir, key) = try Self.folderWithKey("trin-pg-combined")
        let manifest = try SampleGenerator(citizens: 900, seed: 41, dirtyFraction: 0).write(to: dir + "/exports")
        let files = manifest.files.sorted { $0.name < $1.name }
        let first = Self.newTenant(), second = Self.newTenant()
        for (i, file) in files.enumerated() {
            let path = dir + "/exports/" + file.name
            // Every file into the SQLite store; alternate files into each tenant, every third into both.
            var stores = [["--store", dir + "/all.sqlite"], ["--store", server, "--tenant", i % 2 == 0 ? first : second]]
            if i % 3 == 0 { stores.append(["--store", server, "--tenant", i % 2 == 0 ? second : first]) }
            for store in stores { _ = try importFiles(store, key: key, mapping: file.kind, [path]) }
        }
        for tenant in [first, second] {
            try """
                store: \(server)
                tenant: \(tenant)
                keyFile: key
                output: out-\(tenant)
                combined:
                  name: region-\(first)
                  tenants: [\(first), \(second)]
                  output: out-combined
                sources: []
                """.write(toFile: dir + "/\(tenant).yaml", atomically: true, encoding: .utf8)
        }
        // Not before every tenant has published its own set: that is what it is checked against.
        let early = try TrinBinary.run(["metrics", "--config", dir + "/\(first).yaml", "--combined", "--as-of", "2024-11-30"])
        #expect(early.status != 0 && early.stderr.contains("has published no figures yet"), "\(early.output)")
        for tenant in [first, second] {
            let r = try TrinBinary.run(["metrics", "--config", dir + "/\(tenant).yaml", "--as-of", "2024-11-30"])
            #expect(r.status == 0, "\(r.output)")
        }
        // Not against the tenants' sets of another date, or of another k: the difference of the
        // two could show a count a tenant suppressed.
        for (asOf, k) in [("2024-12-31", "5"), ("2024-11-30", "3")] {
            let other = try TrinBinary.run(["metrics", "--config", dir + "/\(first).yaml", "--combined", "--as-of", asOf, "--k", k])
            #expect(other.status != 0 && other.stderr.contains("checked against the tenants' sets of the same date and k"), "\(other.output)")
        }
        let combined = try TrinBinary.run(["metrics", "--config", dir + "/\(first).yaml", "--combined", "--as-of", "2024-11-30"])
        #expect(combined.status == 0, "\(combined.output)")
        let all = try TrinBinary.run(["metrics", "--store", dir + "/all.sqlite", "--output", dir + "/out-all", "--as-of", "2024-11-30"])
        #expect(all.status == 0, "\(all.output)")

        let shown = try Self.publishedCells(dir + "/out-combined")
        let truth = try Self.publishedCells(dir + "/out-all")
        let parts = try [first, second].map { try Self.publishedCells(dir + "/out-\($0)") }
        var published = 0
        for (cell, value) in shown {
            guard let value else { continue }
            published += 1
            // Every tenant showed this cell, and the combined count is their sum or differs from it by k or more.
            let values = parts.map { $0[cell] ?? nil }
            #expect(values.allSatisfy { $0 != nil }, "\(cell): published, but a tenant did not show it")
            let difference = abs(value - values.compactMap { $0 }.reduce(0, +))
            #expect(difference == 0 || difference >= 5, "\(cell): differs from the tenants' sum by \(difference)")
            // And it is the count of one store holding every export once, where that store shows it.
            if let t = truth[cell], let t { #expect(value == t, "\(cell)") }
        }
        #expect(published > 10, "the combined set shows next to nothing: \(published) cells")
        #expect(shown.values.contains { $0 == nil }, "a tenant's suppressed cells must stay hidden in the combined set")
        // What the combined publication costs, per table, as `trin disclosure --combined` tells it.
        let cost = try TrinBinary.run(["disclosure", "--config", dir + "/\(first).yaml", "--combined", "--as-of", "2024-11-30", "--k", "5"])
        #expect(cost.status == 0, "\(cost.output)")
        let suppressed = shown.values.filter { $0 == nil }.count
        #expect(cost.stdout.contains("all tables") && suppressed > 0)
        // The combined figures are tables for BI tools too, under their own name.
        let store = try openTenant(first)
        #expect(try store.integer(unsafeSQL: "SELECT count(*) FROM trin_figures.employment WHERE tenant = 'combined:region-\(first)'") ?? 0 > 0)
        store.close()
    }

    @Test func tenantsDoNotWaitForEachOtherAndATenantRunsOneAtATime() throws {
        let (dir, key) = try Self.folderWithKey("trin-pg-tenants")
        let manifest = try SampleGenerator(citizens: 120, seed: 31, dirtyFraction: 0).write(to: dir + "/exports")
        let forloeb = manifest.files.filter { $0.kind == "forloeb" }.map { dir + "/exports/" + $0.name }.sorted()
        try #require(forloeb.count >= 2)
        let busy = Self.newTenant(), other = Self.newTenant()
        for tenant in [busy, other] {
            try """
                store: \(server)
                tenant: \(tenant)
                keyFile: key
                output: out-\(tenant)
                sources:
                  - name: forloeb
                    url: "file://\(forloeb[0])"
                    mapping: \(TrinBinary.repositoryRoot)/mappings/forloeb.yaml
                """.write(toFile: dir + "/\(tenant).yaml", atomically: true, encoding: .utf8)
        }

        // Another instance of `busy` is running (this test holds its lock, as that instance would).
        let holder = try openTenant(busy)
        try #require(try holder.tryLockTenant())
        let refused = try TrinBinary.run(["run", "--config", dir + "/\(busy).yaml"])
        #expect(refused.status == 3, "\(refused.output)")
        #expect(refused.stderr.contains("tenant \(busy)") && !refused.stderr.contains(key), "\(refused.stderr)")
        // Another tenant proceeds meanwhile.
        let proceeded = try TrinBinary.run(["run", "--config", dir + "/\(other).yaml"])
        #expect(proceeded.status == 0, "\(proceeded.output)")
        // `trin import` and `run --wait` wait for the lock, and go on once it is let go.
        let waiting = try TrinBinary.start(["import", "--store", server, "--tenant", busy, "--key", key, "--mapping",
                                            "\(TrinBinary.repositoryRoot)/mappings/forloeb.yaml", forloeb[1]])
        defer { if waiting.isRunning { kill(waiting.processIdentifier, SIGKILL) } }
        #expect(!waiting.waitForExit(timeout: 1.5), "the import did not wait for the tenant's run")
        #expect(try holder.eventCount() == 0)
        try holder.unlockTenant()
        #expect(waiting.waitForExit(timeout: 60))
        #expect(waiting.terminationStatus == 0, "\(waiting.standardErrorText)")

        // Two instances of one tenant started at once: both finish, one after the other; nothing lost or doubled.
        let both = Self.newTenant()
        let processes = try forloeb.prefix(2).map { file in
            try TrinBinary.start(["import", "--store", server, "--tenant", both, "--key", key, "--mapping",
                                  "\(TrinBinary.repositoryRoot)/mappings/forloeb.yaml", file])
        }
        for p in processes {
            #expect(p.waitForExit(timeout: 120))
            #expect(p.terminationStatus == 0, "\(p.standardErrorText)")
        }
        let sqlite = dir + "/one.sqlite"
        #expect(try importFiles(["--store", sqlite], key: key, mapping: "forloeb", Array(forloeb.prefix(2))).status == 0)
        let together = try openTenant(both)
        #expect(try together.canonicalDump() == SQLiteStore(path: sqlite).canonicalDump())
        #expect(try together.recentRuns(limit: 5).count == 2)
        // The busy tenant holds the waited import's records, the other tenant its run's: no row crossed.
        #expect(try holder.canonicalDump() != openTenant(other).canonicalDump())
        holder.close()
        together.close()
    }

    @Test func anImportKilledMidFileLeavesNothingAndTheNextRunImportsItWhole() throws {
        let (dir, key) = try Self.folderWithKey("trin-pg-kill")
        try #require(try TrinBinary.run(["sample", "--out", dir, "--forloeb-rows", "80000"]).status == 0)
        let file = dir + "/forloeb-bench-80000.csv"
        let tenant = Self.newTenant()
        let store = ["--store", server, "--tenant", tenant]
        let observer = try openTenant(Self.newTenant())
        let importing = try TrinBinary.start(["import"] + store + ["--key", key, "--mapping", "\(TrinBinary.repositoryRoot)/mappings/forloeb.yaml", file])
        defer { if importing.isRunning { kill(importing.processIdentifier, SIGKILL) } }
        // Killed once the server holds part of the file in its open transaction: the tenant's first
        // load copies its rows into a records table of its own, made in that transaction.
        let table = "event_" + SHA256.hash(data: Data(tenant.utf8)).map { String(format: "%02x", $0) }.joined().prefix(32)
        let copying = eventually(timeout: 60) {
            (try? observer.serverActivity(like: "COPY \"\(table)\"%")) ?? false
        }
        #expect(copying, "the import never reached the server")
        kill(importing.processIdentifier, SIGKILL)
        #expect(importing.waitForExit(timeout: 10))

        let after = try openTenant(tenant)
        #expect(try after.eventCount() == 0, "a killed import left records")
        #expect(try after.integer(unsafeSQL: "SELECT count(*) FROM pg_class WHERE relname = '\(table)'") == 0, "the table stayed")
        let runs = try after.recentRuns(limit: 5)
        #expect(runs.count == 1 && runs.allSatisfy { try! after.files(ofRun: $0.id).isEmpty })
        #expect(try !after.hasImportedFile(ofBytes: Int(FileManager.default.attributesOfItem(atPath: file)[.size] as! UInt64)))
        after.close()
        // The tenant's lock went with the killed process's connection: the next import runs, and imports the file whole.
        let again = try importFiles(store, key: key, mapping: "forloeb", [file])
        #expect(again.status == 0, "\(again.output)")
        let whole = try openTenant(tenant)
        #expect(try whole.eventCount() == 80_000)
        #expect(try whole.recentRuns(limit: 5).map(\.status) == ["succeeded", "interrupted"])
        whole.close()
        observer.close()
    }

    @Test func checkConfigConnectsReadsTheSchemaAndRefusesAPasswordInTheFile() throws {
        let (dir, key) = try Self.folderWithKey("trin-pg-check")
        let tenant = Self.newTenant()
        func write(_ store: String, tenant: String? = tenant) throws {
            try """
                store: \(store)
                \(tenant.map { "tenant: \($0)" } ?? "")
                keyFile: key
                output: out
                sources: []
                """.write(toFile: dir + "/trin.yaml", atomically: true, encoding: .utf8)
        }
        try write(server)
        var r = try TrinBinary.run(["check-config", "--config", dir + "/trin.yaml"])
        #expect(r.status == 0, "\(r.output)")
        #expect(r.stdout.contains("tenant \(tenant): connected; schema version \(PostgresStore.schemaVersion), current; no records yet"), "\(r.stdout)")
        // Another key's pseudonyms in the tenant: refused before a run could mix them.
        let other = dir + "/other-key"
        try #require(try TrinBinary.run(["keygen", other]).status == 0)
        let store = try openTenant(tenant)
        try store.bind(keyID: "0123456789abcdef", scheme: "test")
        store.close()
        r = try TrinBinary.run(["check-config", "--config", dir + "/trin.yaml"])
        #expect(r.status == 2 && r.stderr.contains("pseudonyms were made with key 0123456789abcdef")
                && r.stderr.contains("every run would be refused"), "\(r.output)")
        // A server that does not answer, a missing tenant, a password written into the file.
        var url = try PostgresURL(server)
        url.port = 1
        try write("\(url)")
        r = try TrinBinary.run(["check-config", "--config", dir + "/trin.yaml"])
        #expect(r.status == 2 && r.stderr.contains("cannot connect to the PostgreSQL store"), "\(r.output)")
        // A work directory another user could write to (exports are downloaded there) is refused.
        let open = dir + "/open"
        try FileManager.default.createDirectory(atPath: open + "/tenant-\(tenant)", withIntermediateDirectories: true)
        chmod(open + "/tenant-\(tenant)", 0o777)
        let refused = try TrinBinary.run(["import", "--store", server, "--tenant", tenant, "--key", key, "--mapping",
                                          "\(TrinBinary.repositoryRoot)/mappings/forloeb.yaml", key], environment: ["TRIN_WORK_DIRECTORY": open])
        #expect(refused.status == 2 && refused.stderr.contains("no one else can write to"), "\(refused.output)")
        try write(server, tenant: nil)
        r = try TrinBinary.run(["check-config", "--config", dir + "/trin.yaml"])
        #expect(r.status == 2 && r.stderr.contains("needs `tenant:`"), "\(r.output)")
        try write(server.replacingOccurrences(of: "nobody@", with: "nobody:s3cret@"))
        r = try TrinBinary.run(["check-config", "--config", dir + "/trin.yaml"])
        #expect(r.status == 2 && r.stderr.contains("holds a password") && !r.output.contains("s3cret"), "\(r.output)")
    }
}

/// The set-up docs/operations.md gives a fresh server, done the same way here: trin as an
/// ordinary role owning its database, and a read-only role for BI tools that sees the
/// published figures and nothing else.
@Suite(.serialized, .enabled(if: postgresTestServer != nil, "needs the cluster make test starts (scripts/pg-test-cluster.sh)"))
struct PostgresRolesTests {
    /// Runs SQL through psql as `user` on `database` of the test server; stdout, or the error.
    static func psql(_ sql: String, user: String? = nil, database: String? = nil) throws -> (ok: Bool, output: String) {
        var url = try PostgresURL(postgresTestServer!)
        if let user { url.user = user }
        if let database { url.database = database }
        let r = try TrinBinary.run(["psql", "postgresql://\(url.user)@\(url.host):\(url.port)/\(url.database)", "-v", "ON_ERROR_STOP=1",
                                    "-At", "-c", sql], executable: "/usr/bin/env")
        return (r.status == 0, r.status == 0 ? r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : r.stderr)
    }

    @Test func trinRunsAsAnOrdinaryRoleAndTheBIRoleReadsThePublishedFiguresOnly() throws {
        let n = UInt32.random(in: 0...UInt32.max)
        let trinRole = "trin_\(n)", biRole = "trin_bi_\(n)", database = "trin_roles_\(n)"
        // As docs/operations.md: createuser trin; createdb --owner trin trin; the BI role.
        for sql in ["CREATE ROLE \(trinRole) LOGIN", "CREATE DATABASE \(database) OWNER \(trinRole)",
                    "CREATE ROLE \(biRole) LOGIN"] {
            let r = try Self.psql(sql)
            try #require(r.ok, "\(r.output)")
        }
        var url = try PostgresURL(postgresTestServer!)
        url.user = trinRole
        url.database = database
        let (dir, key) = try PostgresRunTests.folderWithKey("trin-pg-roles")
        let manifest = try SampleGenerator(citizens: 200, seed: 37, dirtyFraction: 0).write(to: dir + "/exports")
        let store = ["--store", "\(url)", "--tenant", "0101"]
        for file in manifest.files {
            _ = try TrinBinary.run(["import"] + store + ["--key", key, "--mapping", "\(TrinBinary.repositoryRoot)/mappings/\(file.kind).yaml",
                                                         dir + "/exports/" + file.name])
        }
        let published = try TrinBinary.run(["metrics"] + store + ["--output", dir + "/out", "--as-of", "2024-11-30"])
        try #require(published.status == 0, "\(published.output)")
        for sql in ["GRANT USAGE ON SCHEMA trin_figures TO \(biRole)", "GRANT SELECT ON ALL TABLES IN SCHEMA trin_figures TO \(biRole)",
                    "ALTER DEFAULT PRIVILEGES IN SCHEMA trin_figures GRANT SELECT ON TABLES TO \(biRole)"] {
            let r = try Self.psql(sql, user: trinRole, database: database)
            try #require(r.ok, "\(r.output)")
        }

        // The BI role reads each published table as the CSV file has it: the same rows, a
        // suppressed count empty (NULL) in both.
        let csv = try String(contentsOfFile: dir + "/out/current/employment.csv", encoding: .utf8)
        let lines = csv.split(whereSeparator: { $0 == "\r\n" || $0 == "\n" }).dropFirst()
        let suppressed = lines.filter { $0.split(separator: ";", omittingEmptySubsequences: false).contains("true") }.count
        let total = lines.compactMap { line -> Int? in
            let fields = line.split(separator: ";", omittingEmptySubsequences: false)
            return fields.count > 6 ? Int(fields[fields.count - 2]) : nil
        }.reduce(0, +)
        let read = try Self.psql("""
            SELECT count(*), count(*) FILTER (WHERE suppressed), count(*) FILTER (WHERE suppressed AND value IS NOT NULL),
                   coalesce(sum(value), 0) FROM trin_figures.employment WHERE tenant = '0101'
            """, user: biRole, database: database)
        #expect(read.ok && read.output == "\(lines.count)|\(suppressed)|0|\(total)", "\(read.output)")
        #expect(lines.count > 5 && suppressed > 0)
        let current = try Self.psql("SELECT set_name, as_of, k FROM trin_figures.publication", user: biRole, database: database)
        let setName = try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/out/current").split(separator: "/").last.map(String.init)
        #expect(current.output == "\(setName ?? "?")|2024-11-30|5", "\(current.output)")

        // Records, pseudonyms, runs and rejected rows are not for it.
        for table in ["event", "meta", "run", "run_file", "rejection", "known_rows", "frozen_year", "enterprise"] {
            let denied = try Self.psql("SELECT count(*) FROM \(table)", user: biRole, database: database)
            #expect(!denied.ok && denied.output.contains("permission denied"), "\(table): \(denied.output)")
        }
        // And trin, an ordinary role, keeps working on a store it owns: check-config sees it current.
        try """
            store: \(url)
            tenant: "0101"
            keyFile: key
            output: out
            sources: []
            """.write(toFile: dir + "/trin.yaml", atomically: true, encoding: .utf8)
        let check = try TrinBinary.run(["check-config", "--config", dir + "/trin.yaml"])
        #expect(check.status == 0 && check.stdout.contains("schema version \(PostgresStore.schemaVersion), current"), "\(check.output)")
    }
}

extension PostgresStore {
    /// Whether another session on the server is running a statement like `pattern` (SQL LIKE).
    func serverActivity(like pattern: String) throws -> Bool {
        try integer(unsafeSQL: "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '\(pattern)' AND pid <> pg_backend_pid()") ?? 0 > 0
    }
}
