/// Limits and retries for one fetch. The defaults suit nightly exports of up to
/// a few hundred megabytes from a municipal or partner system.
public struct FetchPolicy: Sendable {
    public var retry: RetryPolicy
    /// Time allowed to connect (TCP and TLS handshake).
    public var connectTimeout: Duration
    /// Time allowed for the whole transfer of one attempt, redirects included.
    public var overallTimeout: Duration
    /// A transfer slower than `stallBytesPerSecond` for `stallTime` is aborted as stalled
    /// (libcurl's low-speed limit; whole seconds, at least one).
    public var stallBytesPerSecond: Int
    public var stallTime: Duration
    /// Largest body accepted, in bytes.
    public var maxBytes: Int64
    /// Redirects followed before giving up (http and https targets only).
    public var maxRedirects: Int
    /// A PEM file of extra CA certificates to trust besides the system's
    /// (libcurl's CAINFO replaces the default bundle, so it must hold every CA needed).
    public var caFile: String?
    public var userAgent: String
    /// Whether an https request may follow a redirect to plain http. Off by default:
    /// a redirect must never send the export, or the credentials, over an unencrypted link.
    public var allowHTTPDowngrade: Bool

    public init(retry: RetryPolicy = RetryPolicy(), connectTimeout: Duration = .seconds(30),
                overallTimeout: Duration = .seconds(30 * 60), stallBytesPerSecond: Int = 1024,
                stallTime: Duration = .seconds(60), maxBytes: Int64 = 2 << 30, maxRedirects: Int = 5,
                caFile: String? = nil, userAgent: String = "trin/1", allowHTTPDowngrade: Bool = false) {
        self.retry = retry
        self.connectTimeout = connectTimeout
        self.overallTimeout = overallTimeout
        self.stallBytesPerSecond = stallBytesPerSecond
        self.stallTime = stallTime
        self.maxBytes = maxBytes
        self.maxRedirects = maxRedirects
        self.caFile = caFile
        self.userAgent = userAgent
        self.allowHTTPDowngrade = allowHTTPDowngrade
    }

    /// The protocols a redirect from `url` may go to (libcurl's REDIR_PROTOCOLS_STR):
    /// only https from an https URL, unless a downgrade is allowed.
    public func redirectProtocols(from url: String) -> String {
        url.lowercased().hasPrefix("https://") && !allowHTTPDowngrade ? "https" : "http,https"
    }
}

/// Exponential backoff with jitter. An attempt that fails with a connection error,
/// a timeout, a stall, a truncated body, 429 or 5xx is retried; any other failure
/// (other 4xx, TLS, too large, HTML, redirect limit) is not.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included (1 = no retry).
    public var maxAttempts: Int
    /// Delay before the second attempt; it doubles for each later one.
    public var baseDelay: Duration
    /// Upper bound on any delay, `Retry-After` included.
    public var maxDelay: Duration

    public init(maxAttempts: Int = 4, baseDelay: Duration = .seconds(2), maxDelay: Duration = .seconds(120)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The delay after failed attempt `attempt` (1-based). A server's `Retry-After`
    /// wins over the backoff, capped by `maxDelay`; otherwise `baseDelay·2^(attempt−1)`,
    /// capped, scaled by `jitter` (a number in 0.5...1, random in production) so
    /// that many clients do not retry in step.
    public func delay(afterAttempt attempt: Int, retryAfter: Duration?, jitter: Double) -> Duration {
        if let retryAfter { return min(max(retryAfter, .zero), maxDelay) }
        let exponent = min(max(attempt - 1, 0), 30)
        let backoff = min(baseDelay * (1 << exponent), maxDelay)
        return backoff * min(max(jitter, 0), 1)
    }
}
