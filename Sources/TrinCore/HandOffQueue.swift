import Foundation

/// A bounded, blocking queue from a producing stage to one consuming thread: the joint
/// between two stages of an import (read → decode → store) so that each runs on its own core.
/// `send` may be called from several threads (the metrics' store readers); `finish` once,
/// when all of them are done.
///
/// Bounded, so memory stays bounded whatever the file's size: a producer that gets ahead
/// waits. (An element may weigh nothing, when it holds next to nothing: an import's batch of
/// counts alone, one per 65,536 known rows.) Either side can end the hand-over: the producer
/// by finishing (with or without an error, which the consumer then throws), the consumer by
/// cancelling (the producer's next `send` throws `HandOffCancelled`, so it stops reading at
/// once).
package final class HandOffQueue<Element: Sendable>: @unchecked Sendable {
    // @unchecked: every stored property is guarded by `condition`.
    private let condition = NSCondition()
    private var items: [(element: Element, weight: Int)] = []
    private var queuedWeight = 0
    private let capacity: Int
    private var finished = false
    private var failure: (any Error)?
    private var cancelled = false

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    /// Hands one element over, waiting while it does not fit (the capacity is in units of
    /// `weight`: a batch in memory may weigh more than a handle to a file). Throws
    /// `HandOffCancelled` once the consumer has stopped.
    package func send(_ element: Element, weight: Int = 1) throws(HandOffCancelled) {
        condition.lock()
        defer { condition.unlock() }
        while queuedWeight > 0 && queuedWeight + weight > capacity && !cancelled { condition.wait() }
        if cancelled { throw HandOffCancelled() }
        items.append((element, weight))
        queuedWeight += weight
        condition.broadcast()
    }

    /// The producer is done; `error` (if any) is thrown to the consumer after the elements
    /// already sent.
    func finish(throwing error: (any Error)? = nil) {
        condition.lock()
        defer { condition.unlock() }
        finished = true
        failure = error
        condition.broadcast()
    }

    /// The next element, waiting while the queue is empty; nil once the producer finished
    /// without an error and everything was taken.
    func receive() throws -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !finished { condition.wait() }
        if !items.isEmpty {
            // Removed at once (a few elements shift): a taken element must not stay
            // referenced here, or the queue would hold more memory than its capacity says.
            let (element, weight) = items.removeFirst()
            queuedWeight -= weight
            condition.broadcast()
            return element
        }
        if let failure { throw failure }
        return nil
    }

    /// Whether the producer has finished, so that what is queued is all that will come (an
    /// error may still follow it).
    var producerFinished: Bool {
        condition.lock()
        defer { condition.unlock() }
        return finished
    }

    /// The consumer stops: a waiting or later `send` throws, and queued elements are dropped.
    func cancel() {
        condition.lock()
        defer { condition.unlock() }
        cancelled = true
        items.removeAll()
        queuedWeight = 0
        condition.broadcast()
    }

    /// Runs `produce` on a thread of its own and `consume` on the calling thread, one element
    /// at a time, until the producer is done. Returns only after the producer's thread has
    /// ended, whatever happened: nothing of a file is still being read once an import returns.
    /// The first error of either side is thrown (the producer's after what it sent before it).
    /// `consume` may ask `producerFinished` (to batch up the last elements, say).
    package static func run(capacity: Int, name: String,
                    produce: @escaping @Sendable (HandOffQueue<Element>) throws -> Void,
                    consume: (Element, _ producerFinished: () -> Bool) throws -> Void) throws {
        let queue = HandOffQueue<Element>(capacity: capacity)
        let ended = DispatchSemaphore(value: 0)
        let thread = Thread {
            do {
                try produce(queue)
                queue.finish()
            } catch {
                queue.finish(throwing: error)
            }
            ended.signal()
        }
        thread.name = name
        thread.stackSize = 8 << 20
        thread.start()
        defer {
            queue.cancel()
            ended.wait()
        }
        while let element = try queue.receive() { try consume(element) { queue.producerFinished } }
    }
}

/// Thrown to a producer whose consumer stopped; never the reason an import failed.
package struct HandOffCancelled: Error {}
