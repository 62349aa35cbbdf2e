import Foundation
import Testing
import TrinCore
@testable import TrinStore

/// `EventRows.sort` deals rows into buckets by their pseudonym's leading bits and sorts
/// each bucket by comparison. Checked against a plain comparison sort of (identity, row
/// index) on batches of every shape a bucket can take: spread pseudonyms, a citizen's
/// several rows, identities equal but for the agreement, exact duplicates (which must keep
/// their file order), and buckets past the insertion-sort limit.
@Suite struct IdentityOrderTests {
    struct Shape: CustomStringConvertible, Sendable {
        var description: String
        var rows: Int
        /// Distinct citizens to draw from (nil: every row a new one).
        var citizens: Int?
        /// Leading pseudonym bits kept (the rest zero): piles citizens into few buckets.
        var leadingBits: Int = 64
    }

    static let shapes: [Shape] = [
        Shape(description: "one row", rows: 1, citizens: nil),
        Shape(description: "two rows of one citizen", rows: 2, citizens: 1),
        Shape(description: "spread pseudonyms", rows: 5_000, citizens: nil),
        Shape(description: "five rows a citizen", rows: 5_000, citizens: 1_000),
        Shape(description: "one citizen, hundreds of rows", rows: 700, citizens: 1),
        Shape(description: "citizens sharing their leading bits", rows: 3_000, citizens: 400, leadingBits: 5),
        Shape(description: "a batch of 64 Ki", rows: 65_536, citizens: 13_000),
        Shape(description: "more rows than buckets", rows: 70_001, citizens: 70_001),
    ]

    static func batch(_ shape: Shape, seed: UInt64) -> EventRows {
        var state = seed
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state ^ (state >> 29)
        }
        let mask: UInt64 = shape.leadingBits >= 64 ? .max : ~(UInt64.max >> UInt64(shape.leadingBits))
        let citizens = (0..<(shape.citizens ?? shape.rows)).map { _ in Pseudonym(high: next() & mask, low: next()) }
        var rows = EventRows(source: "forloeb")
        for i in 0..<shape.rows {
            let citizen = shape.citizens == nil ? citizens[i] : citizens[Int(next() % UInt64(citizens.count))]
            // Few starts, stages and agreements: identities repeat, some differ only in the agreement.
            let start = Day(daysSinceEpoch: 19_000 + Int32(next() % 3))
            let agreement: String? = switch next() % 3 { case 0: nil; case 1: "SA-1"; default: "SA-10" }
            rows.append(ProgressRecord(pseudonym: citizen, ageBand: .from25to29, agreement: agreement, enterprise: nil,
                                       targetGroup: .kontanthjaelp, stage: next() % 2 == 0 ? .praktik : .job, start: start,
                                       end: nil, hoursPerWeek: nil, recordedAt: Instant(secondsSinceEpoch: Int64(i)),
                                       source: "forloeb", sourceRecordID: "F-\(i)"))
        }
        return rows
    }

    /// The order by comparison alone: identity bytes, then row index.
    static func referenceOrder(_ rows: EventRows) -> [Int32] {
        rows.bytes.withUnsafeBufferPointer { bytes in
            (0..<Int32(rows.rows.count)).sorted { a, b in
                let order = EventRows.compare(rows.rows[Int(a)], bytes, rows.rows[Int(b)], bytes)
                return order != 0 ? order < 0 : a < b
            }
        }
    }

    @Test("the bucketed order is the comparison order", arguments: shapes)
    func bucketedOrderIsTheComparisonOrder(_ shape: Shape) {
        for seed: UInt64 in [1, 2] {
            var rows = Self.batch(shape, seed: seed)
            rows.sort()
            let order = rows.order ?? []
            let reference = Self.referenceOrder(rows)
            #expect(order.count == reference.count)
            // The first place they differ, not two arrays of 70,000 indices.
            let firstDifference = zip(order, reference).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            #expect(firstDifference == nil, "seed \(seed)")
        }
    }

    @Test func equalIdentitiesKeepTheirFileOrder() {
        var rows = Self.batch(Shape(description: "duplicates", rows: 2_000, citizens: 3), seed: 9)
        rows.sort()
        let order = try! #require(rows.order)
        var tiesSeen = 0
        rows.bytes.withUnsafeBufferPointer { bytes in
            for (a, b) in zip(order, order.dropFirst())
            where EventRows.compare(rows.rows[Int(a)], bytes, rows.rows[Int(b)], bytes) == 0 {
                tiesSeen += 1
                #expect(a < b)
            }
        }
        #expect(tiesSeen > 1_000)
    }

    /// The packed identity is the store's primary key: its bytes must never change.
    @Test func identityBytesArePinned() {
        var rows = EventRows(source: "forloeb")
        rows.append(ProgressRecord(pseudonym: Pseudonym(high: 0x0102_0304_0506_0708, low: 0x1112_1314_1516_1718), ageBand: .from25to29,
                                   agreement: "SA-1", enterprise: "12345674", targetGroup: .kontanthjaelp, stage: .job,
                                   start: Day(iso: "2022-01-08")!, end: nil, hoursPerWeek: nil,
                                   recordedAt: Instant(secondsSinceEpoch: 0), source: "forloeb", sourceRecordID: "F-1"))
        let row = rows.rows[0]
        let hex = { (start: Int32, count: Int32) in
            rows.bytes[Int(start)..<Int(start + count)].map { String(format: "%02x", $0) }.joined()
        }
        // Pseudonym high and low big-endian, start day 19,000 with the sign bit flipped, the
        // stage code, the agreement; then the CVR and the record id, in one buffer.
        #expect(hex(row.identityStart, row.identityLength)
                == "0102030405060708" + "1112131415161718" + "80004a38" + String(format: "%02x", Stage.job.code) + "53412d31")
        #expect(hex(row.enterpriseStart, row.enterpriseLength) == "3132333435363734")
        #expect(hex(row.sourceRecordIDStart, row.sourceRecordIDLength) == "462d31")
        var noAgreement = EventRows(source: "forloeb")
        noAgreement.append(ProgressRecord(pseudonym: Pseudonym(high: 1, low: 2), ageBand: .from25to29, agreement: nil, enterprise: nil,
                                          targetGroup: .kontanthjaelp, stage: .job, start: Day(iso: "2022-01-08")!, end: nil,
                                          hoursPerWeek: nil, recordedAt: Instant(secondsSinceEpoch: 0), source: "forloeb",
                                          sourceRecordID: "F-2"))
        #expect(noAgreement.rows[0].identityLength == 21)
        #expect(noAgreement.rows[0].enterpriseLength == -1)
        #expect(noAgreement.rows[0].sourceRecordIDStart == 21)
    }

    @Test func anEmptyBatchHasAnEmptyOrder() {
        var rows = EventRows(source: "forloeb")
        rows.sort()
        #expect(rows.order == [])
    }
}
