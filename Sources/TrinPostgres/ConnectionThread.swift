import Foundation

/// A thread of its own on which a store's async database calls run, so that the rest of
/// trin, which is synchronous (an import's stages are threads joined by bounded queues), can
/// wait for them: `wait` blocks the calling thread, never one of Swift's cooperative pool.
///
/// Why not the pool: a caller that blocks a pool thread while the awaited work needs one
/// can deadlock a two-core machine (the pool has a thread per core). Work started here, and
/// the work it awaits, stays on this thread (a task executor preference).
final class ConnectionThread: TaskExecutor, @unchecked Sendable {
    // @unchecked: `jobs` and `stopped` are guarded by `condition`.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopped = false
    /// The thread, to refuse a `wait` from itself.
    private var thread: Thread?

    init(name: String) {
        let thread = Thread { [self] in loop() }
        thread.name = name
        self.thread = thread
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Ends the thread once the jobs queued so far have run.
    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopped { condition.wait() }
            if jobs.isEmpty && stopped {
                condition.unlock()
                return
            }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            condition.unlock()
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
    }

    /// Runs `body` on this thread and blocks the caller until it is done. Never called from
    /// this thread itself (it would wait for itself).
    func wait<T>(_ body: () async throws -> T) throws -> T {
        // A store call from code run on this thread (a `forEachCitizen` body that called the
        // store) would wait for itself for ever: a programming error, stopped here.
        precondition(Thread.current !== thread, "a store call on the store's own connection thread")
        let box = ResultBox<T>()
        withoutActuallyEscaping(body) { body in
            let holder = BodyHolder(body: body)
            let done = DispatchSemaphore(value: 0)
            Task(executorPreference: self) {
                await holder.run(into: box)
                done.signal()
            }
            done.wait()
        }
        return try box.result!.get()
    }
}

/// The result of a `wait`, written by the task before the waiting thread reads it.
private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}

/// A non-escaping body made to look escaping and sendable: `wait` blocks until the task that
/// runs it has finished, so it never outlives the call nor runs concurrently with its caller.
/// The task lets go of the body before it signals (`withoutActuallyEscaping` checks that
/// nothing holds it when the call ends).
private final class BodyHolder<T>: @unchecked Sendable {
    private var body: (() async throws -> T)?

    init(body: @escaping () async throws -> T) { self.body = body }

    func run(into box: ResultBox<T>) async {
        let body = self.body!
        self.body = nil
        do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
    }
}
