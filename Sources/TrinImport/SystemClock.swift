#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
package import TrinCore

/// Wall-clock readings for durations and timestamps (the service's too).
package enum SystemClock {
    static func now() -> timespec {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return t
    }

    static func milliseconds(since start: timespec) -> Int {
        let t = now()
        return (t.tv_sec - start.tv_sec) * 1000 + (t.tv_nsec - start.tv_nsec) / 1_000_000
    }

    package static func nowInstant() -> Instant {
        var t = timespec()
        clock_gettime(CLOCK_REALTIME, &t)
        return Instant(secondsSinceEpoch: Int64(t.tv_sec))
    }
}
