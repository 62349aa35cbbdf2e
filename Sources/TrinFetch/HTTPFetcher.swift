import CCurl
import CCurlShims
import Foundation
import TrinCore
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
    /// `prefix` names the body's temporary file (`temporaryPrefix(for:)`: the store's, so that
    /// stores sharing a folder tell their downloads apart).
    public func fetch(_ request: FetchRequest, into directory: String, prefix: String = ".trin-fetch-") throws(FetchError) -> FetchOutcome {
        let safeURL = URLRedaction.redact(request.url)
        var attempt = 0
        while true {
            attempt += 1
            logger.debug("fetch attempt", metadata: ["event": "fetch_attempt", "url": "\(safeURL)", "attempt": "\(attempt)"])
            switch performAttempt(request, directory: directory, prefix: prefix, attempts: attempt) {
            case .success(let outcome):
                return outcome
            case .failure(let failure):
                // A warning: the source may still succeed on a retry, but operations should see it.
                // A field without a value is left out, so that each keeps one type in the log.
                var failed: Logger.Metadata = [
                    "event": "fetch_attempt_failed", "url": "\(safeURL)", "attempt": "\(attempt)", "reason": "\(failure.reason)",
                    "bytes": "\(failure.bytes)", "duration_ms": "\(Self.milliseconds(failure.duration))", "detail": "\(failure.detail)",
                ]
                if let status = failure.status { failed["http_status"] = "\(status)" }
                logger.warning("fetch attempt failed", metadata: failed)
                guard failure.reason.isTransient, attempt < policy.retry.maxAttempts, !environment.shouldGiveUp() else {
                    throw FetchError(url: safeURL, reason: failure.reason, httpStatus: failure.status,
                                     attempts: attempt, detail: failure.detail)
                }
                let delay = policy.retry.delay(afterAttempt: attempt, retryAfter: failure.retryAfter,
                                               jitter: environment.jitter())
                var retry: Logger.Metadata = [
                    "event": "fetch_retry", "url": "\(safeURL)", "next_attempt": "\(attempt + 1)", "delay_ms": "\(Self.milliseconds(delay))",
                ]
                if let after = failure.retryAfter { retry["retry_after_ms"] = "\(Self.milliseconds(after))" }
                logger.info("retrying fetch", metadata: retry)
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

    /// The prefix of the temporary files of downloads for the store at `storeLocation`:
    /// `.trin-fetch-`, the store's file name (letters, digits, `.`, `_`, `-`, at most 24), a
    /// hash of its whole location, and `+`, which no name holds: no store's prefix is the start
    /// of another's (`trin-` of `trin-test-`), so a store removes only its own leftovers.
    public static func temporaryPrefix(for storeLocation: String) -> String {
        let name = storeLocation.split(separator: "/").last.map(String.init) ?? ""
        let safe = String(name.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) }.prefix(24))
        var hash: UInt32 = 0x811c_9dc5
        for b in storeLocation.utf8 { hash = (hash ^ UInt32(b)) &* 0x0100_0193 }
        return ".trin-fetch-" + safe + "-" + String(hash, radix: 16) + "+"
    }

    /// Whether `name` is a temporary download of a trin before the names carried their store
    /// (`.trin-fetch-` and six characters of `mkstemp`).
    public static func isUnownedTemporary(_ name: String) -> Bool {
        name.hasPrefix(".trin-fetch-") && name.utf8.count == ".trin-fetch-".utf8.count + 6 && !name.contains("+")
    }

    /// One attempt: plan it (`FetchAttempt.plan`), run the transfer into a new temporary
    /// file, and judge the answer (`FetchAttempt.judge`). Only the I/O is here.
    private func performAttempt(_ request: FetchRequest, directory: String, prefix: String,
                                attempts: Int) -> Result<FetchOutcome, AttemptFailure> {
        let safeURL = URLRedaction.redact(request.url)
        func failure(_ reason: FetchError.Reason, _ detail: String, status: Int? = nil, retryAfter: Duration? = nil,
                     bytes: Int64 = 0, duration: Duration = .zero) -> Result<FetchOutcome, AttemptFailure> {
            .failure(AttemptFailure(reason: reason, status: status, retryAfter: retryAfter, detail: detail,
                                    bytes: bytes, duration: duration))
        }
        let plan: FetchAttempt.Plan
        switch FetchAttempt.plan(request, policy: policy) {
        case .success(let p): plan = p
        case .failure(let refusal): return failure(refusal.reason, refusal.detail)
        }

        // The temporary file: created first so that a full disk fails before any download.
        let file: FileDescriptor
        do { file = try FileDescriptor(temporaryIn: directory, prefix: prefix, unlinked: false) } catch {
            return failure(.localStorage, "cannot create a temporary file in \(directory): \(String(cString: strerror(error.errno)))")
        }
        let temporaryPath = file.path
        let context = TransferContext(file: file, maxBytes: policy.maxBytes)
        var keepFile = false
        defer { if !keepFile { unlink(temporaryPath) } }

        var setupFailure = CURLE_OK
        let clock = ContinuousClock()
        let started = clock.now
        // A `file://` export's path, to tell whether it was rewritten while it was copied.
        let sourcePath = plan.isFile ? URL(string: plan.url)?.path : nil
        let before = sourcePath.flatMap(FileIdentity.of)
        let code = withConfiguredHandle(plan, request, context, failure: &setupFailure) { curl_easy_perform(handle) }
        let duration = clock.now - started
        if setupFailure != CURLE_OK {
            return failure(.other(curlCode: Int(setupFailure.rawValue)), "cannot configure libcurl: "
                + String(cString: curl_easy_strerror(setupFailure)))
        }

        let status = longInfo(CURLINFO_RESPONSE_CODE)
        let effectiveURL = URLRedaction.redact(stringInfo(CURLINFO_EFFECTIVE_URL) ?? request.url)
        var response = FetchAttempt.Response(end: transferEnd(code, context: context))
        response.detail = errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
        response.status = status
        response.headers = context.headers
        response.contentType = stringInfo(CURLINFO_CONTENT_TYPE)
        response.prefix = context.prefix
        response.bytes = context.bytes
        if plan.isFile {
            response.conditionUnmet = longInfo(CURLINFO_CONDITION_UNMET) == 1
            var fileTime: curl_off_t = -1
            _ = trin_curl_getinfo_off_t(handle, CURLINFO_FILETIME_T, &fileTime)
            response.fileTime = fileTime >= 0 ? Int64(fileTime) : nil
        }

        switch FetchAttempt.judge(response, plan: plan, request: request, policy: policy, now: environment.now(),
                                  temporaryPath: temporaryPath) {
        case .failed(let reason, let detail, let retryAfter):
            return failure(reason, detail, status: status > 0 ? status : nil, retryAfter: retryAfter, bytes: context.bytes,
                           duration: duration)
        case .notModified(let status, let etag, let lastModified):
            var meta: Logger.Metadata = ["event": "fetch_not_modified", "url": "\(safeURL)", "attempt": "\(attempts)"]
            if status > 0 {
                meta["http_status"] = "\(status)"
                meta["duration_ms"] = "\(Self.milliseconds(duration))"
            }
            logger.info("fetch not modified", metadata: meta)
            return .success(.notModified(NotModified(status: status, duration: duration, etag: etag, lastModified: lastModified,
                                                     effectiveURL: effectiveURL, attempts: attempts)))
        case .fetched(let status, let etag, let lastModified):
            // A `file://` export rewritten while it was copied: the copy may be half of it. Retried.
            if let sourcePath, let before, FileIdentity.of(path: sourcePath) != before || context.bytes != Int64(before.size) {
                return failure(.truncated(expected: Int64(before.size), received: context.bytes),
                               "the file changed while it was being read", bytes: context.bytes, duration: duration)
            }
            do { try context.file.sync() } catch {
                return failure(.localStorage, "\(error)", status: status > 0 ? status : nil, bytes: context.bytes, duration: duration)
            }
            logger.info("fetched", metadata: [
                "event": "fetched", "url": "\(safeURL)", "attempt": "\(attempts)", "http_status": "\(status)", "bytes": "\(context.bytes)",
                "duration_ms": "\(Self.milliseconds(duration))", "effective_url": "\(effectiveURL)",
            ])
            keepFile = true
            return .success(.fetched(FetchedFile(
                path: temporaryPath, status: status, bytes: context.bytes, duration: duration, etag: etag,
                lastModified: lastModified, contentType: response.contentType, effectiveURL: effectiveURL, attempts: attempts)))
        }
    }

    /// Sets up the handle for `plan` (the first option libcurl refuses goes to `failure`, and
    /// nothing is performed), runs `perform`, and unhooks the context afterwards so that
    /// nothing calls back into it.
    private func withConfiguredHandle(_ plan: FetchAttempt.Plan, _ request: FetchRequest, _ context: TransferContext,
                                      failure: inout CURLcode, perform: () -> CURLcode) -> CURLcode {
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        for line in plan.headerLines { headerList = curl_slist_append(headerList, line) }

        curl_easy_reset(handle)
        errorBuffer[0] = 0
        var setup = OptionSetter(handle: handle)
        setup.set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
        setup.set(CURLOPT_URL, string: plan.url)
        setup.set(CURLOPT_PROTOCOLS_STR, string: plan.protocols)
        setup.set(CURLOPT_REDIR_PROTOCOLS_STR, string: plan.redirectProtocols)
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
        if let caFile = policy.caFile {
            // Instead of the system's CAs, not beside them: Debian's libcurl also reads its CA
            // folder (/etc/ssl/certs) unless that is cleared, which would trust every system CA.
            setup.set(CURLOPT_CAINFO, string: caFile)
            setup.set(CURLOPT_CAPATH, pointer: nil)
        }
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
        if plan.isFile {
            setup.set(CURLOPT_FILETIME, long: 1)
            if let time = plan.modifiedSince {
                setup.set(CURLOPT_TIMECONDITION, long: Int(CURL_TIMECOND_IFMODSINCE.rawValue))
                setup.set(CURLOPT_TIMEVALUE_LARGE, offset: time)
            }
        }
        guard setup.failed == CURLE_OK else {
            failure = setup.failed
            return setup.failed
        }
        defer {
            _ = trin_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, nil)
            _ = trin_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, nil)
        }
        return perform()
    }

    /// libcurl's result code as a transfer end (the one place that knows libcurl's codes).
    private func transferEnd(_ code: CURLcode, context: TransferContext) -> FetchAttempt.TransferEnd {
        switch code {
        case CURLE_OK: return .completed
        case CURLE_FILESIZE_EXCEEDED: return .announcedTooLarge
        case CURLE_WRITE_ERROR where context.exceededLimit: return .bodyTooLarge
        case CURLE_WRITE_ERROR where context.writeError != 0: return .localWriteFailed(errno: context.writeError)
        case CURLE_PARTIAL_FILE:
            var expected: curl_off_t = -1
            _ = trin_curl_getinfo_off_t(handle, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &expected)
            return .partial(expectedBytes: expected >= 0 ? Int64(expected) : nil)
        case CURLE_OPERATION_TIMEDOUT: return .timedOut
        case CURLE_TOO_MANY_REDIRECTS: return .tooManyRedirects
        case CURLE_UNSUPPORTED_PROTOCOL: return .unsupportedProtocol
        case CURLE_URL_MALFORMAT: return .malformedURL
        case CURLE_FILE_COULDNT_READ_FILE, CURLE_READ_ERROR: return .fileNotReadable
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT, CURLE_SEND_ERROR,
             CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_WEIRD_SERVER_REPLY:
            return .connection
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
             CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE:
            return .tls
        default: return .other(curlCode: Int(code.rawValue))
        }
    }

    // MARK: - Helpers

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
