/// A fetch that failed, after any retries.
///
/// Carries the URL with credentials stripped, never a secret; `description` is
/// the line for the operations log.
public struct FetchError: Error, Sendable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable, CustomStringConvertible {
        /// The URL could not be parsed.
        case invalidURL
        /// A request header name or value that is empty or holds a line break.
        case invalidHeader
        /// A scheme other than http, https or file, or a redirect to one.
        case unsupportedProtocol
        /// Name resolution, connection refused or reset, connection closed early.
        case connection
        /// The connect or overall timeout passed.
        case timeout
        /// Fewer bytes per second than the policy's stall limit for its stall time.
        case stalled
        /// Certificate not trusted, name mismatch, handshake failed.
        case tls
        /// A final status other than 2xx or 304.
        case httpStatus(Int)
        /// The body was (or was announced as) larger than the limit, in bytes.
        case tooLarge(limit: Int64)
        /// The body ended before its announced length (`expected` nil when unknown).
        case truncated(expected: Int64?, received: Int64)
        /// An HTML page arrived where CSV or XML was expected (a portal's error page).
        case htmlInsteadOfData
        /// More redirects than the policy allows.
        case redirectLimit
        /// A `file://` source that is missing or unreadable.
        case fileNotReadable
        /// The temporary file could not be created or written (disk full, permissions).
        case localStorage
        /// Any other libcurl failure, by its code.
        case other(curlCode: Int)

        /// A short machine-friendly name for logs and run records, e.g. `httpStatus(503)`.
        public var description: String {
            switch self {
            case .invalidURL: return "invalidURL"
            case .invalidHeader: return "invalidHeader"
            case .unsupportedProtocol: return "unsupportedProtocol"
            case .connection: return "connection"
            case .timeout: return "timeout"
            case .stalled: return "stalled"
            case .tls: return "tls"
            case .httpStatus(let code): return "httpStatus(\(code))"
            case .tooLarge(let limit): return "tooLarge(\(limit))"
            case .truncated(let expected, let received):
                return "truncated(expected: \(expected.map(String.init) ?? "unknown"), received: \(received))"
            case .htmlInsteadOfData: return "htmlInsteadOfData"
            case .redirectLimit: return "redirectLimit"
            case .fileNotReadable: return "fileNotReadable"
            case .localStorage: return "localStorage"
            case .other(let code): return "curl(\(code))"
            }
        }

        /// Whether another attempt may succeed.
        public var isTransient: Bool {
            switch self {
            case .connection, .timeout, .stalled, .truncated: return true
            case .httpStatus(let code): return code == 429 || (500...599).contains(code)
            default: return false
            }
        }
    }

    /// The requested URL, credentials stripped.
    public let url: String
    public let reason: Reason
    /// The last HTTP status received, if any.
    public let httpStatus: Int?
    public let attempts: Int
    /// What went wrong in words (libcurl's message or ours), without secrets.
    public let detail: String

    public init(url: String, reason: Reason, httpStatus: Int?, attempts: Int, detail: String) {
        self.url = url
        self.reason = reason
        self.httpStatus = httpStatus
        self.attempts = attempts
        self.detail = detail
    }

    /// One line for operations staff.
    public var description: String {
        let tries = attempts == 1 ? "1 attempt" : "\(attempts) attempts"
        return "fetch \(url) failed after \(tries): \(summary)" + (detail.isEmpty ? "" : " (\(detail))")
    }

    private var summary: String {
        switch reason {
        case .invalidURL: return "invalid URL"
        case .invalidHeader: return "invalid request header"
        case .unsupportedProtocol:
            return "unsupported protocol (only https, http and file are allowed; redirects only to http/https, and from https only to https unless the source sets tls.allowDowngrade)"
        case .connection: return "connection failed"
        case .timeout: return "timed out"
        case .stalled: return "transfer stalled"
        case .tls: return "TLS verification failed"
        case .httpStatus(let code): return "HTTP status \(code)"
        case .tooLarge(let limit): return "body larger than the limit of \(limit) bytes"
        case .truncated(let expected, let received):
            return "body truncated: received \(received) of " + (expected.map { "\($0)" } ?? "an unknown number of") + " bytes"
        case .htmlInsteadOfData: return "received an HTML page instead of the expected data"
        case .redirectLimit: return "too many redirects"
        case .fileNotReadable: return "file missing or unreadable"
        case .localStorage: return "cannot write the temporary file"
        case .other(let code): return "libcurl error \(code)"
        }
    }
}
