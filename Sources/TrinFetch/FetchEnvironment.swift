#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The sleeping, wall clock and randomness the retry loop uses, and whether to stop
/// retrying: injected so that tests run without real delays and can assert on the delays
/// chosen, and so that a daemon shutting down cuts retries short.
public struct FetchEnvironment: Sendable {
    /// Blocks the calling thread for a retry delay.
    public var sleep: @Sendable (Duration) -> Void
    /// Wall-clock seconds since the epoch (to turn a `Retry-After` date into a delay).
    public var now: @Sendable () -> Int64
    /// A jitter factor in 0.5...1.
    public var jitter: @Sendable () -> Double
    /// Asked around each retry delay: when it says yes (the daemon is shutting down), the
    /// last failure is reported instead of waiting for another attempt.
    public var shouldGiveUp: @Sendable () -> Bool

    public init(sleep: @escaping @Sendable (Duration) -> Void, now: @escaping @Sendable () -> Int64,
                jitter: @escaping @Sendable () -> Double, shouldGiveUp: @escaping @Sendable () -> Bool = { false }) {
        self.sleep = sleep
        self.now = now
        self.jitter = jitter
        self.shouldGiveUp = shouldGiveUp
    }

    /// Real sleeping, the system clock and random jitter.
    public static let live = FetchEnvironment(
        sleep: { duration in
            guard duration > .zero else { return }
            let (seconds, attoseconds) = duration.components
            var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
            var remaining = timespec()
            while nanosleep(&request, &remaining) == -1, errno == EINTR { request = remaining }
        },
        now: { Int64(time(nil)) },
        jitter: { Double.random(in: 0.5...1) })

    /// Real clock and jitter, a sleep that ends early once `stop` says so (checked every
    /// 200 ms), and no retry after that: a retry delay of minutes never holds up a shutdown.
    public static func interruptible(by stop: @escaping @Sendable () -> Bool) -> FetchEnvironment {
        FetchEnvironment(
            sleep: { duration in
                var left = duration
                while left > .zero, !stop() {
                    let step = min(left, .milliseconds(200))
                    live.sleep(step)
                    left -= step
                }
            },
            now: live.now, jitter: live.jitter, shouldGiveUp: stop)
    }
}
