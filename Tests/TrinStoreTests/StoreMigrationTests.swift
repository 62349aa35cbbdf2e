import Foundation
import Synchronization
import GRDB
import Testing
import TrinCore
@testable import TrinStore
import TrinTestSupport

/// A store made by an older trin is migrated when it is opened, its records kept.
@Suite struct StoreMigrationTests {
    @Test func aStoreOfTheFirstSchemaIsMigratedAtOpenAndKeepsItsRecords() throws {
        let dir = TrinBinary.temporaryDirectory("trin-store-old")
        let path = dir + "/trin.sqlite"
        // Version 1 as the first release made it, with one record and one run.
        let old = try DatabaseQueue(path: path)
        try StoreSchema.migrator.migrate(old, upTo: "v1")
        let agreement = Array("SA-1".utf8)
        let identity = agreement.withUnsafeBufferPointer { agreement in
            [UInt8](unsafeUninitializedCapacity: EventKey.agreementOffset + agreement.count) { buffer, count in
                count = EventKey.writeIdentity(pseudonym: Pseudonym(high: 7, low: 0), start: Day(iso: "2022-01-08")!, stage: .job,
                                               agreement: agreement, to: UnsafeMutableRawPointer(buffer.baseAddress!))
            }
        }
        try old.write { db in
            try db.execute(sql: """
                INSERT INTO event(identity, age_band, enterprise, target_group, start_day, end_day, hours, recorded_at, source, source_record_id)
                VALUES (?, ?, NULL, ?, 19000, NULL, 12.5, 1700000000, 'forloeb', 'F-1')
                """, arguments: [Data(identity), StoreCode.code(AgeBand.from25to29), StoreCode.code(TargetGroup.kontanthjaelp)])
            try db.execute(sql: "INSERT INTO run(started_at, command, status) VALUES (1, 'import', 'succeeded')")
        }
        try old.close()

        let store = try SQLiteStore(path: path)
        let applied = try DatabaseQueue(path: path).read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY 1") }
        #expect(applied == ["v1", "v2", "v3", "v4", "v5", "v6"])
        // v5: the row-count hint of `event`, and `event_view` over both tables.
        let (hint, viewRows) = try store.queue.read { db in
            (try RecentEvents.mainRows(db), try Int.fetchOne(db, sql: "SELECT count(*) FROM event_view WHERE agreement = 'SA-1'"))
        }
        #expect(hint == 1 && viewRows == 1)
        var records: [ProgressRecord] = []
        try store.forEachCitizen { records += $0 }
        #expect(records == [ProgressRecord(pseudonym: Pseudonym(high: 7, low: 0), ageBand: .from25to29, agreement: "SA-1", enterprise: nil,
                                           targetGroup: .kontanthjaelp, stage: .job, start: Day(iso: "2022-01-08")!, end: nil, hoursPerWeek: 12.5,
                                           recordedAt: Instant(secondsSinceEpoch: 1_700_000_000), source: "forloeb", sourceRecordID: "F-1")])
        #expect(try store.recentRuns(limit: 5).count == 1)
        // What the later versions added works on it: frozen years, unknown codes, known rows.
        try store.freeze([FrozenYearRow(year: 2022, k: 5, asOf: "2023-03-31", frozenAt: Instant(secondsSinceEpoch: 3), figures: "{}")])
        var outcome = FileOutcome(runID: 1, source: "forloeb", file: "f.csv", status: .imported)
        outcome.unknownCodes = [UnknownCode(reason: "unknown_activity", field: "aktivitet", value: "Yoga", rows: 1)]
        try store.importFile { file in
            try file.saveKnownRows(source: "forloeb", KnownRows(context: "c", digests: [1, 2]))
            try file.complete(outcome, key: ImportKey(contentHash: "h", source: "forloeb", mappingFingerprint: "m"), at: Instant(secondsSinceEpoch: 4))
        }
        #expect(try store.frozenYears(k: 5).count == 1 && store.hasKnownRows(source: "forloeb"))
        #expect(try store.files(ofRun: 1).first?.unknownCodes == outcome.unknownCodes)
    }

    /// Two trin processes started together on a new store (cron's `run` and a `metrics`, a
    /// daemon and an operator) both create it: neither fails on a migration the other applied.
    @Test func processesOpeningANewStoreAtOnceAllSucceed() throws {
        for attempt in 0..<20 {
            let path = TrinBinary.temporaryDirectory("trin-store-race") + "/trin.sqlite"
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 3) { _ in
                do { _ = try SQLiteStore(path: path) } catch { failures.withLock { $0.append("\(error)") } }
            }
            #expect(failures.withLock { $0 }.isEmpty, "attempt \(attempt)")
        }
    }

    /// A store a newer trin migrated is refused, not read and written without its newer
    /// tables (an upgrade rolled back, an old daemon still running beside a new one).
    @Test func aStoreOfANewerSchemaIsRefused() throws {
        let path = TrinBinary.temporaryDirectory("trin-store-newer") + "/trin.sqlite"
        _ = try SQLiteStore(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations(identifier) VALUES ('v99')") }
        try queue.close()
        do {
            _ = try SQLiteStore(path: path)
            Issue.record("a store with a newer schema was opened")
        } catch {
            #expect("\(error)".contains("v99") && "\(error)".contains("newer than this trin knows"), "\(error)")
        }
        #expect(try DatabaseQueue(path: path).read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }.last == "v99")
    }
}
