import CCurl
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// HTTP dates (RFC 9110 IMF-fixdate), for `Retry-After` and `file://` modification times.
enum HTTPDate {
    /// Seconds since the epoch of an HTTP date in any of the three legal formats, or nil.
    static func parse(_ text: String) -> Int64? {
        let value = text.withCString { curl_getdate($0, nil) }
        return value < 0 ? nil : Int64(value)
    }

    /// `Sun, 06 Nov 1994 08:49:37 GMT`, independent of the locale.
    static func format(secondsSinceEpoch: Int64) -> String {
        var t = time_t(secondsSinceEpoch)
        var parts = tm()
        gmtime_r(&t, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
