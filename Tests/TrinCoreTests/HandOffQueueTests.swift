import Foundation
import Synchronization
import Testing
@testable import TrinCore

/// The joint between the stages of an import: bounded, in order, and never keeping what it
/// handed over (a batch of records is megabytes).
@Suite("HandOffQueue")
struct HandOffQueueTests {
    final class Payload: Sendable {
        let value: Int
        let released: Counter
        init(_ value: Int, released: Counter) { self.value = value; self.released = released }
        deinit { released.add() }
    }

    final class Counter: Sendable {
        private let count = Mutex(0)
        func add() { count.withLock { $0 += 1 } }
        var value: Int { count.withLock { $0 } }
    }

    @Test("elements arrive in order, and one taken is no longer held by the queue")
    func orderAndRelease() throws {
        let released = Counter()
        var seen: [Int] = []
        try HandOffQueue<Payload>.run(capacity: 2, name: "test") { queue in
            for i in 0..<200 { try queue.send(Payload(i, released: released)) }
        } consume: { payload, _ in
            // A slow consumer: the producer keeps the queue full.
            Thread.sleep(forTimeInterval: 0.0005)
            seen.append(payload.value)
            // Everything taken before this one is gone: the queue kept no reference to it.
            #expect(released.value >= payload.value - 1)
        }
        #expect(seen == Array(0..<200))
        #expect(released.value == 200)
    }

    @Test("a producer never gets more than the capacity ahead of the consumer")
    func bounded() throws {
        let sent = Counter()
        try HandOffQueue<Int>.run(capacity: 3, name: "test") { queue in
            for i in 0..<50 {
                try queue.send(i)
                sent.add()
            }
        } consume: { value, _ in
            Thread.sleep(forTimeInterval: 0.002)
            // Taken: value + 1; queued at most 3; the producer may hold one more it is sending.
            #expect(sent.value <= value + 1 + 3)
        }
    }

    @Test("the producer's error reaches the consumer after what was sent before it")
    func producerError() {
        struct Broken: Error {}
        var seen: [Int] = []
        #expect(throws: Broken.self) {
            try HandOffQueue<Int>.run(capacity: 2, name: "test") { queue in
                try queue.send(1)
                try queue.send(2)
                throw Broken()
            } consume: { value, _ in seen.append(value) }
        }
        #expect(seen == [1, 2])
    }

    @Test("a consumer that fails stops the producer, and run returns only after it ended")
    func consumerError() {
        struct Full: Error {}
        let producerEnded = Counter()
        let sent = Counter()
        #expect(throws: Full.self) {
            try HandOffQueue<Int>.run(capacity: 2, name: "test") { queue in
                defer { producerEnded.add() }
                for i in 0..<1_000_000 {
                    try queue.send(i)
                    sent.add()
                }
            } consume: { value, _ in
                if value == 10 { throw Full() }
            }
        }
        #expect(producerEnded.value == 1, "the producer's thread ended before run returned")
        #expect(sent.value < 20, "the producer stopped at once")
    }
}
