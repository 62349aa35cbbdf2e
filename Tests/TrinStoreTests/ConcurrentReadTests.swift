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
    /// Records of `count` citizens whose pseudonyms spread over every first byte, two or three each.
    static func citizens(_ count: Int, seed: UInt64) -> [ProgressRecord] {
        var random = SplitMix(seed: seed)
        return (0..<count).flatMap { _ -> [ProgressRecord] in
            let citizen = random.next()
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
        #expect(expected.count == 500)
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

    @Test func readersAgreeOnlyOnOneVersionAllHave() {
        for (versions, agreed) in [([3, 3, 3], true), ([3, 4, 3], false), ([3, nil, 3], false), ([nil, nil, nil], false)] {
            let agreement = ReaderAgreement(readers: versions.count)
            let lock = NSLock()
            nonisolated(unsafe) var shared = 0
            let group = DispatchGroup()
            for (reader, version) in versions.enumerated() {
                DispatchQueue.global().async(group: group) {
                    if agreement.arrive(reader, version: version) { lock.withLock { shared += 1 } }
                }
            }
            group.wait()
            #expect(lock.withLock { shared } == (agreed ? versions.count : 0), "\(versions)")
        }
    }
}
