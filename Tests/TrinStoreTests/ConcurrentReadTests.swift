import Foundation
import GRDB
import Testing
import TrinCore
import TrinTestSupport
@testable import TrinStore

/// The metrics read the store on two connections at once, each over half of the pseudonyms.
/// They must hand over exactly the citizens one connection reads, from one state of the store,
/// even when a writer commits while they start.
@Suite struct ConcurrentReadTests {
    /// Pseudonyms on both sides of every range bound for two and four readers, and at the ends.
    static let atBounds: [UInt64] = [0, 0x3FFF_FFFF_FFFF_FFFF, 0x4000_0000_0000_0000, 0x7FFF_FFFF_FFFF_FFFF,
                                     0x8000_0000_0000_0000, 0xBFFF_FFFF_FFFF_FFFF, 0xC000_0000_0000_0000, .max]

    /// Records of `count` random citizens and those `atBounds`, two or three each.
    static func citizens(_ count: Int, seed: UInt64) -> [ProgressRecord] {
        var random = SplitMix(seed: seed)
        return ((0..<count).map { _ in random.next() } + atBounds).flatMap { citizen -> [ProgressRecord] in
            return (0..<(2 + Int(citizen % 2))).map { i in
                record(citizen, i == 0 ? .praktik : .job, "2024-0\(i + 1)-15", agreement: "SA-\(citizen % 3)", id: "F-\(i)")
            }
        }
    }

    /// What `forEachCitizenBatch` handed over, and which threads read it.
    final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var citizens: [[ProgressRecord]] = []
        private var threads: Set<UInt> = []

        func add(_ batch: [[ProgressRecord]]) {
            lock.withLock {
                citizens += batch
                threads.insert(UInt(pthread_self()))
            }
        }

        var sorted: [[ProgressRecord]] { lock.withLock { citizens.sorted { $0[0].pseudonym < $1[0].pseudonym } } }
        var readingThreads: Int { lock.withLock { threads.count } }
    }

    static func oneReader(_ store: SQLiteStore) throws -> [[ProgressRecord]] {
        var all: [[ProgressRecord]] = []
        try store.forEachCitizen { all.append($0) }
        return all
    }

    @Test func twoReadersHandOverExactlyTheCitizensOneReads() throws {
        let store = try tempStore()
        try store.importRecords(Self.citizens(500, seed: 11))
        let expected = try Self.oneReader(store)
        #expect(expected.count == 500 + Self.atBounds.count)
        // Both halves of the pseudonym space hold citizens, so both readers have work.
        #expect(expected.contains { $0[0].pseudonym.high >> 63 == 0 } && expected.contains { $0[0].pseudonym.high >> 63 == 1 })

        let collected = Collected()
        try store.forEachCitizenBatch(readers: 2, citizensPerBatch: 7, fields: .all) { collected.add($0) }
        let handedOver = collected.sorted
        #expect(handedOver.count == expected.count)
        #expect(handedOver == expected, "the citizens two readers handed over differ from one reader's")
        // The ranges were shared: batches came from the calling thread and the second reader's.
        #expect(collected.readingThreads == 2)
    }

    @Test func oneReaderAndFourReadersAgreeToo() throws {
        let store = try tempStore()
        try store.importRecords(Self.citizens(300, seed: 12))
        let expected = try Self.oneReader(store)
        for readers in [1, 4] {
            let collected = Collected()
            try store.forEachCitizenBatch(readers: readers, citizensPerBatch: 16, fields: .all) { collected.add($0) }
            let handedOver = collected.sorted
            #expect(handedOver.count == expected.count, "\(readers) readers")
            #expect(handedOver == expected, "\(readers) readers handed over other citizens than one reader")
        }
    }

    /// A writer commits after the first reader took its snapshot and before the second takes
    /// its own (possible in WAL mode, which a store an older trin left behind may still be in).
    /// The two would read two states: the first reader reads everything from its own instead.
    @Test func aCommitBetweenTheReadersStartsLeavesEverythingToTheFirst() throws {
        let store = try tempStore()
        try store.importRecords(Self.citizens(200, seed: 13))
        let before = try Self.oneReader(store)
        try store.queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }

        let firstHasSnapshot = DispatchSemaphore(value: 0)
        let path = store.path
        let collected = Collected()
        try store.forEachCitizenBatch(readers: 2, citizensPerBatch: 5, fields: .all, beforeArriving: { reader, db in
            if reader == 0 {
                _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM meta")
                firstHasSnapshot.signal()
            } else {
                firstHasSnapshot.wait()
                // Another connection deletes the second reader's half, as a purge would.
                try DatabaseQueue(path: path).write { db in
                    try db.execute(sql: "DELETE FROM event WHERE identity >= x'80'")
                    try SQLiteStore.bumpContentVersion(db)
                }
            }
        }) { collected.add($0) }

        let handedOver = collected.sorted
        #expect(handedOver.count == before.count)
        #expect(handedOver == before, "the readers mixed two states of the store")
        #expect(collected.readingThreads == 1)
        #expect(try Self.oneReader(store).count < before.count)
    }

    /// The figures' reading leaves out only the fields no figure reads.
    @Test func theFiguresFieldsAreThoseStored() throws {
        let store = try tempStore()
        var records = Self.citizens(200, seed: 14)
        for i in records.indices { records[i].recordedAt = Instant(secondsSinceEpoch: 1_700_000_000 + Int64(i)) }
        for i in records.indices where i % 3 == 0 {
            records[i].end = records[i].start.adding(days: 30)
            records[i].hoursPerWeek = 12.5
            records[i].enterprise = nil
            records[i].agreement = nil
        }
        try store.importRecords(records)
        let expected = try Self.oneReader(store).map { citizen in
            citizen.map { r in
                var r = r
                (r.hoursPerWeek, r.source, r.sourceRecordID) = (nil, "", "")
                return r
            }
        }
        #expect(expected.joined().contains { $0.end != nil && $0.enterprise == nil && $0.agreement == nil })
        let collected = Collected()
        try store.forEachCitizenBatch(readers: 2, citizensPerBatch: 9, fields: .figures) { collected.add($0) }
        let handedOver = collected.sorted
        #expect(handedOver.count == expected.count)
        #expect(handedOver == expected, "the figures' fields differ from the stored ones")
    }

    /// In the store's own journal mode (a rollback journal) a writer about to commit holds
    /// off new readers until the first reader is done. The second then gives its range to the
    /// first at once instead of waiting: nobody waits on anybody in a circle, the first reads
    /// the state before the commit, and the commit lands after it.
    @Test func aWriterAboutToCommitLeavesTheFirstReaderToReadAlone() throws {
        let store = try tempStore()
        try store.importRecords(Self.citizens(200, seed: 16))
        let before = try Self.oneReader(store)
        let path = store.path
        let committed = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var writeError: (any Error)?
        let collected = Collected()
        try store.forEachCitizenBatch(readers: 2, citizensPerBatch: 5, fields: .all, beforeArriving: { reader, _ in
            guard reader == 1 else { return }
            Thread {
                do {
                    var config = Configuration()
                    config.busyMode = .timeout(60)
                    try DatabaseQueue(path: path, configuration: config).write { db in
                        try db.execute(sql: "DELETE FROM event WHERE identity >= x'80'")
                        try SQLiteStore.bumpContentVersion(db)
                    }
                } catch {
                    writeError = error
                }
                committed.signal()
            }.start()
            // Time for the writer to reach its commit, where it waits for the first reader.
            Thread.sleep(forTimeInterval: 0.3)
        }) { collected.add($0) }
        committed.wait()

        #expect(writeError == nil)
        let handedOver = collected.sorted
        #expect(handedOver.count == before.count)
        #expect(handedOver == before, "the readers read a state other than the one before the commit")
        #expect(try Self.oneReader(store).count < before.count)
    }

    /// A reader failing while it reads its range fails the whole read: no figure is made
    /// from part of the store.
    @Test func aSecondReaderFailingMidwayFailsTheRead() throws {
        struct Broken: Error {}
        let store = try tempStore()
        try store.importRecords(Self.citizens(300, seed: 15))
        let caller = pthread_self()
        #expect(throws: Broken.self) {
            try store.forEachCitizenBatch(readers: 2, citizensPerBatch: 4, fields: .all) { _ in
                if pthread_self() != caller { throw Broken() }
            }
        }
    }

    @Test func readersAgreeOnlyOnOneVersionAllHave() {
        for (versions, agreed) in [([3, 3, 3], true), ([3, 4, 3], false), ([3, nil, 3], false), ([nil, nil, nil], false)] {
            let agreement = ReaderAgreement(readers: versions.count)
            let lock = NSLock()
            nonisolated(unsafe) var shared = 0
            // Threads of their own: the readers wait for each other.
            let done = DispatchSemaphore(value: 0)
            for (reader, version) in versions.enumerated() {
                Thread {
                    if agreement.arrive(reader, version: version) { lock.withLock { shared += 1 } }
                    done.signal()
                }.start()
            }
            for _ in versions { done.wait() }
            #expect(lock.withLock { shared } == (agreed ? versions.count : 0), "\(versions)")
        }
    }
}
