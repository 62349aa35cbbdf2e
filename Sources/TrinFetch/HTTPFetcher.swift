import CCurl
import CCurlShims
public import Logging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Downloads one URL at a time (`https`, `http`, `file`) to a temporary file,
/// with conditional requests, bounded redirects, retries, timeouts and limits.
///
/// Owns one libcurl easy handle, reused across fetches so that connections are
/// kept alive; not thread-safe, so use one fetcher per concurrent fetch. `fetch`
/// blocks the calling thread (libcurl's easy interface), retry delays included.
///
/// The body never passes through memory: it streams into a temporary file (mode
/// 0600) in the directory the caller names, which the caller owns on success and
/// which is deleted on any failure. TLS peer and host verification are always on.
public final class HTTPFetcher {
    public let policy: FetchPolicy
    private let logger: Logger
    private let environment: FetchEnvironment
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// `curl_global_init`, once per process, before the first handle.
    private static let globalInitSucceeded: Bool = trin_curl_global_init_default() == CURLE_OK

    /// - Parameters:
    ///   - logger: receives one line per attempt and per retry (URL with credentials
    ///     stripped, status, bytes, duration); never a secret.
    ///   - environment: sleeping, clock and jitter; tests inject their own.
    public init(policy: FetchPolicy = FetchPolicy(), logger: Logger = Logger(label: "trin.fetch"),
                environment: FetchEnvironment = .live) throws(FetchError) {
        guard Self.globalInitSucceeded, let handle = curl_easy_init() else {
            throw FetchError(url: "", reason: .other(curlCode: Int(CURLE_FAILED_INIT.rawValue)), httpStatus: nil,
                             attempts: 0, detail: "libcurl could not be initialised")
        }
        self.policy = policy
        self.logger = logger
        self.environment = environment
        self.handle = handle
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        self.errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Fetches `request.url` into a new temporary file in `directory`.
    ///
    /// Returns `.fetched` with the file (the caller renames, imports or deletes it)
    /// or `.notModified` when the caller's validators still hold. Transient failures
    /// (connection, timeout, stall, truncated body, 429, 5xx) are retried after the
    /// policy's backoff or the server's `Retry-After`; the error of the last attempt
    /// is thrown when the attempts run out, a failure is not transient, or the environment
    /// says to give up (`FetchEnvironment.shouldGiveUp`).
    public func fetch(_ request: FetchRequest, into directory: String) throws(FetchError) -> FetchOutcome {
        let safeURL = URLRedaction.redact(request.url)
        var attempt = 0
        while true {
            attempt += 1
            logger.debug("fetch attempt", metadata: ["event": "fetch_attempt", "url": "\(safeURL)", "attempt": "\(attempt)"])
            switch performAttempt(request, directory: directory, attempts: attempt) {
            case .success(let outcome):
                return outcome
            case .failure(let failure):
                // A warning: the source may still succeed on a retry, but operations should see it.
                logger.warning("fetch attempt failed", metadata: [
                    "event": "fetch_attempt_failed", "url": "\(safeURL)", "attempt": "\(attempt)", "reason": "\(failure.reason)",
                    "http_status": "\(failure.status.map(String.init) ?? "-")", "bytes": "\(failure.bytes)",
                    "duration_ms": "\(Self.milliseconds(failure.duration))", "detail": "\(failure.detail)",
                ])
                guard failure.reason.isTransient, attempt < policy.retry.maxAttempts, !environment.shouldGiveUp() else {
                    throw FetchError(url: safeURL, reason: failure.reason, httpStatus: failure.status,
                                     attempts: attempt, detail: failure.detail)
                }
                let delay = policy.retry.delay(afterAttempt: attempt, retryAfter: failure.retryAfter,
                                               jitter: environment.jitter())
                logger.info("retrying fetch", metadata: [
                    "event": "fetch_retry", "url": "\(safeURL)", "next_attempt": "\(attempt + 1)", "delay_ms": "\(Self.milliseconds(delay))",
                    "retry_after": "\(failure.retryAfter.map { "\(Self.milliseconds($0)) ms" } ?? "-")",
                ])
                environment.sleep(delay)
                if environment.shouldGiveUp() {
                    throw FetchError(url: safeURL, reason: failure.reason, httpStatus: failure.status,
                                     attempts: attempt, detail: failure.detail + " (no more retries: shutting down)")
                }
            }
        }
    }

    // MARK: - One attempt

    private struct AttemptFailure: Error {
        var reason: FetchError.Reason
        var status: Int?
        var retryAfter: Duration?
        var detail: String
        var bytes: Int64
        var duration: Duration
    }

    private func performAttempt(_ request: FetchRequest, directory: String,
                                attempts: Int) -> Result<FetchOutcome, AttemptFailure> {
        let safeURL = URLRedaction.redact(request.url)
        let isFile = request.url.lowercased().hasPrefix("file:")
        func failure(_ reason: FetchError.Reason, _ detail: String, status: Int? = nil, retryAfter: Duration? = nil,
                     bytes: Int64 = 0, duration: Duration = .zero) -> Result<FetchOutcome, AttemptFailure> {
            .failure(AttemptFailure(reason: reason, status: status, retryAfter: retryAfter, detail: detail,
                                    bytes: bytes, duration: duration))
        }

        for header in request.headers {
            // Bytes, not Characters: "\r\n" is one Character and would hide from a Character search.
            func breaksLine(_ byte: UInt8) -> Bool { byte == 0x0D || byte == 0x0A || byte == 0 }
            let nameBad = header.name.isEmpty || header.name.utf8.contains { breaksLine($0) || $0 == 0x3A }
            if nameBad || header.value.utf8.contains(where: breaksLine) {
                return failure(.invalidHeader, "header name or value holds a line break, a colon in the name, or is empty")
            }
        }

        // The temporary file: created first so that a full disk fails before any download.
        var template = Array("\(directory)/.trin-fetch-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            return failure(.localStorage, "cannot create a temporary file in \(directory): \(Self.errnoText())")
        }
        let temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var keepFile = false
        defer {
            close(fd)
            if !keepFile { unlink(temporaryPath) }
        }

        let context = TransferContext(fileDescriptor: fd, maxBytes: policy.maxBytes)
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        for header in request.headers {
            headerList = curl_slist_append(headerList, "\(header.name): \(header.value)")
        }
        if !isFile {
            if let etag = request.previousETag { headerList = curl_slist_append(headerList, "If-None-Match: \(etag)") }
            if let lastModified = request.previousLastModified {
                headerList = curl_slist_append(headerList, "If-Modified-Since: \(lastModified)")
            }
        }

        curl_easy_reset(handle)
        errorBuffer[0] = 0
        var setup = OptionSetter(handle: handle)
        setup.set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
        setup.set(CURLOPT_URL, string: request.url)
        setup.set(CURLOPT_PROTOCOLS_STR, string: isFile ? "file" : "http,https")
        setup.set(CURLOPT_REDIR_PROTOCOLS_STR, string: policy.redirectProtocols(from: request.url))
        setup.set(CURLOPT_FOLLOWLOCATION, long: 1)
        setup.set(CURLOPT_MAXREDIRS, long: policy.maxRedirects)
        setup.set(CURLOPT_NOSIGNAL, long: 1)
        setup.set(CURLOPT_USERAGENT, string: policy.userAgent)
        setup.set(CURLOPT_CONNECTTIMEOUT_MS, long: Self.milliseconds(policy.connectTimeout))
        setup.set(CURLOPT_TIMEOUT_MS, long: Self.milliseconds(policy.overallTimeout))
        setup.set(CURLOPT_LOW_SPEED_LIMIT, long: policy.stallBytesPerSecond)
        setup.set(CURLOPT_LOW_SPEED_TIME, long: max(1, Int((Self.milliseconds(policy.stallTime) + 999) / 1000)))
        setup.set(CURLOPT_MAXFILESIZE_LARGE, offset: policy.maxBytes)
        setup.set(CURLOPT_SSL_VERIFYPEER, long: 1)
        setup.set(CURLOPT_SSL_VERIFYHOST, long: 2)
        if let caFile = policy.caFile { setup.set(CURLOPT_CAINFO, string: caFile) }
        let contextPointer = Unmanaged.passUnretained(context).toOpaque()
        setup.check(trin_curl_setopt_write_callback(handle) { TransferContext.write($0, $1, $2, $3) })
        setup.set(CURLOPT_WRITEDATA, pointer: contextPointer)
        setup.check(trin_curl_setopt_header_callback(handle) { TransferContext.header($0, $1, $2, $3) })
        setup.set(CURLOPT_HEADERDATA, pointer: contextPointer)
        if let headerList { setup.set(CURLOPT_HTTPHEADER, pointer: UnsafeMutableRawPointer(headerList)) }
        switch request.authentication {
        case .bearer(let token)?:
            setup.set(CURLOPT_HTTPAUTH, long: trin_curlauth_bearer())
            setup.set(CURLOPT_XOAUTH2_BEARER, string: token)
        case .basic(let user, let password)?:
            setup.set(CURLOPT_HTTPAUTH, long: trin_curlauth_basic())
            setup.set(CURLOPT_USERNAME, string: user)
            setup.set(CURLOPT_PASSWORD, string: password)
        case nil:
            break
        }
        if isFile {
            setup.set(CURLOPT_FILETIME, long: 1)
            if let lastModified = request.previousLastModified, let time = HTTPDate.parse(lastModified) {
                setup.set(CURLOPT_TIMECONDITION, long: Int(CURL_TIMECOND_IFMODSINCE.rawValue))
                setup.set(CURLOPT_TIMEVALUE_LARGE, offset: time)
            }
        }
        if setup.failed != CURLE_OK {
            return failure(.other(curlCode: Int(setup.failed.rawValue)), "cannot configure libcurl: "
                + String(cString: curl_easy_strerror(setup.failed)))
        }

        let clock = ContinuousClock()
        let started = clock.now
        let code = curl_easy_perform(handle)
        let duration = clock.now - started
        // Nothing may call back into the context after perform: unhook it.
        _ = trin_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, nil)
        _ = trin_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, nil)

        let status = longInfo(CURLINFO_RESPONSE_CODE)
        let httpStatus: Int? = status > 0 ? status : nil
        let effectiveURL = URLRedaction.redact(stringInfo(CURLINFO_EFFECTIVE_URL) ?? request.url)
        let contentType = stringInfo(CURLINFO_CONTENT_TYPE)
        let detail = errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
        let bytes = context.bytes
        func failed(_ reason: FetchError.Reason, _ text: String = detail,
                    retryAfter: Duration? = nil) -> Result<FetchOutcome, AttemptFailure> {
            failure(reason, text, status: httpStatus, retryAfter: retryAfter, bytes: bytes, duration: duration)
        }

        if code != CURLE_OK {
            let reason = classify(code, context: context, detail: detail)
            switch reason {
            case .tooLarge(let limit):
                return failed(reason, code == CURLE_FILESIZE_EXCEEDED
                    ? "announced Content-Length exceeds \(limit) bytes" : "body exceeds \(limit) bytes")
            case .localStorage:
                return failed(reason, "cannot write \(temporaryPath): \(String(cString: strerror(context.writeError)))")
            default:
                return failed(reason)
            }
        }

        if isFile, longInfo(CURLINFO_CONDITION_UNMET) == 1 {
            logger.info("fetch not modified", metadata: ["event": "fetch_not_modified", "url": "\(safeURL)", "attempt": "\(attempts)"])
            return .success(.notModified(NotModified(status: 0, duration: duration, etag: nil,
                                                     lastModified: request.previousLastModified,
                                                     effectiveURL: effectiveURL, attempts: attempts)))
        }
        if !isFile {
            if status == 304 {
                logger.info("fetch not modified", metadata: [
                    "event": "fetch_not_modified", "url": "\(safeURL)", "attempt": "\(attempts)", "http_status": "304",
                    "duration_ms": "\(Self.milliseconds(duration))",
                ])
                return .success(.notModified(NotModified(status: 304, duration: duration, etag: context.headers["etag"],
                                                         lastModified: context.headers["last-modified"],
                                                         effectiveURL: effectiveURL, attempts: attempts)))
            }
            guard (200...299).contains(status) else {
                let retryAfter = Self.retryAfter(context.headers["retry-after"], now: environment.now())
                return failed(.httpStatus(status), "HTTP \(status)" + (contentType.map { ", \($0)" } ?? ""),
                              retryAfter: retryAfter)
            }
        }
        if request.expectedContent != .any,
           ContentSniffer.isHTMLContentType(contentType) || ContentSniffer.looksLikeHTML(context.prefix) {
            return failed(.htmlInsteadOfData, "expected \(request.expectedContent.rawValue), got "
                + (contentType.map { "Content-Type \($0)" } ?? "a body starting like HTML"))
        }
        guard fsync(fd) == 0 else {
            return failed(.localStorage, "cannot sync \(temporaryPath): \(Self.errnoText())")
        }

        var lastModified = context.headers["last-modified"]
        if isFile {
            var fileTime: curl_off_t = -1
            _ = trin_curl_getinfo_off_t(handle, CURLINFO_FILETIME_T, &fileTime)
            lastModified = fileTime >= 0 ? HTTPDate.format(secondsSinceEpoch: Int64(fileTime)) : nil
        }
        logger.info("fetched", metadata: [
            "event": "fetched", "url": "\(safeURL)", "attempt": "\(attempts)", "http_status": "\(status)", "bytes": "\(bytes)",
            "duration_ms": "\(Self.milliseconds(duration))", "effective_url": "\(effectiveURL)",
        ])
        keepFile = true
        return .success(.fetched(FetchedFile(
            path: temporaryPath, status: status, bytes: bytes, duration: duration, etag: context.headers["etag"],
            lastModified: lastModified, contentType: contentType, effectiveURL: effectiveURL, attempts: attempts)))
    }

    /// Maps a libcurl failure to the reason operations staff act on.
    private func classify(_ code: CURLcode, context: TransferContext, detail: String) -> FetchError.Reason {
        switch code {
        case CURLE_WRITE_ERROR where context.exceededLimit, CURLE_FILESIZE_EXCEEDED:
            return .tooLarge(limit: policy.maxBytes)
        case CURLE_WRITE_ERROR where context.writeError != 0:
            return .localStorage
        case CURLE_PARTIAL_FILE:
            var expected: curl_off_t = -1
            _ = trin_curl_getinfo_off_t(handle, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &expected)
            return .truncated(expected: expected >= 0 ? Int64(expected) : nil, received: context.bytes)
        case CURLE_OPERATION_TIMEDOUT:
            // libcurl reports its low-speed limit as a timeout, saying "too slow".
            return detail.lowercased().contains("too slow") ? .stalled : .timeout
        case CURLE_TOO_MANY_REDIRECTS:
            return .redirectLimit
        case CURLE_UNSUPPORTED_PROTOCOL:
            return .unsupportedProtocol
        case CURLE_URL_MALFORMAT:
            return .invalidURL
        case CURLE_FILE_COULDNT_READ_FILE, CURLE_READ_ERROR:
            return .fileNotReadable
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT, CURLE_SEND_ERROR,
             CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_WEIRD_SERVER_REPLY:
            return .connection
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
             CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE:
            return .tls
        default:
            return .other(curlCode: Int(code.rawValue))
        }
    }

    // MARK: - Helpers

    /// A `Retry-After` value as a delay: delta-seconds or an HTTP date (past dates give zero).
    static func retryAfter(_ value: String?, now: Int64) -> Duration? {
        guard let value = value.map({ Substring($0).trimmingWhitespace() }), !value.isEmpty else { return nil }
        if let seconds = Int64(value) { return .seconds(max(0, seconds)) }
        if let date = HTTPDate.parse(String(value)) { return .seconds(max(0, date - now)) }
        return nil
    }

    private func longInfo(_ info: CURLINFO) -> Int {
        var value = 0
        _ = trin_curl_getinfo_long(handle, info, &value)
        return value
    }

    private func stringInfo(_ info: CURLINFO) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard trin_curl_getinfo_string(handle, info, &value) == CURLE_OK, let value else { return nil }
        return String(cString: value)
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// Sets libcurl options, remembering the first failure.
private struct OptionSetter {
    let handle: UnsafeMutableRawPointer
    private(set) var failed: CURLcode = CURLE_OK

    init(handle: UnsafeMutableRawPointer) { self.handle = handle }

    mutating func check(_ code: CURLcode) {
        if failed == CURLE_OK, code != CURLE_OK { failed = code }
    }

    mutating func set(_ option: CURLoption, long value: Int) { check(trin_curl_setopt_long(handle, option, value)) }
    mutating func set(_ option: CURLoption, string value: String) {
        check(trin_curl_setopt_string(handle, option, value))  // libcurl copies option strings
    }
    mutating func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) {
        check(trin_curl_setopt_pointer(handle, option, value))
    }
    mutating func set(_ option: CURLoption, offset value: Int64) {
        check(trin_curl_setopt_off_t(handle, option, curl_off_t(value)))
    }
}
