#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One attempt of a fetch, in the parts that need no network: what libcurl is asked
/// (`plan`) and what its answer means (`judge`). `HTTPFetcher` does only the I/O between
/// them, so that every rule here is tested without a server.
enum FetchAttempt {
    /// The request as libcurl is told it.
    struct Plan: Equatable, Sendable {
        var url: String
        var isFile: Bool
        /// Protocols allowed for the request, and for redirects (no downgrade from https unless allowed).
        var protocols: String
        var redirectProtocols: String
        /// Header lines, the conditional ones (`If-None-Match`, `If-Modified-Since`) included; none for `file://`.
        var headerLines: [String]
        /// `file://`: fetch only when the file is newer than this (seconds since the epoch).
        var modifiedSince: Int64?
    }

    /// A request that cannot be sent.
    struct Refusal: Error, Equatable {
        var reason: FetchError.Reason
        var detail: String
    }

    /// The plan for `request`, or why it cannot be sent: a header that would break the
    /// request's framing (a line break or NUL anywhere, a colon in the name, an empty name).
    static func plan(_ request: FetchRequest, policy: FetchPolicy) -> Result<Plan, Refusal> {
        // Bytes, not Characters: "\r\n" is one Character and would hide from a Character search.
        func breaksLine(_ byte: UInt8) -> Bool { byte == 0x0D || byte == 0x0A || byte == 0 }
        for header in request.headers {
            let nameBad = header.name.isEmpty || header.name.utf8.contains { breaksLine($0) || $0 == 0x3A }
            if nameBad || header.value.utf8.contains(where: breaksLine) {
                return .failure(Refusal(reason: .invalidHeader,
                                        detail: "header name or value holds a line break, a colon in the name, or is empty"))
            }
        }
        let isFile = request.url.lowercased().hasPrefix("file:")
        var lines = request.headers.map { "\($0.name): \($0.value)" }
        var modifiedSince: Int64?
        if isFile {
            modifiedSince = request.previousLastModified.flatMap(HTTPDate.parse)
        } else {
            if let etag = request.previousETag { lines.append("If-None-Match: \(etag)") }
            if let lastModified = request.previousLastModified { lines.append("If-Modified-Since: \(lastModified)") }
        }
        return .success(Plan(url: request.url, isFile: isFile, protocols: isFile ? "file" : "http,https",
                             redirectProtocols: policy.redirectProtocols(from: request.url), headerLines: lines,
                             modifiedSince: modifiedSince))
    }

    /// How libcurl ended the transfer, in its own terms, translated once by `HTTPFetcher`.
    enum TransferEnd: Equatable, Sendable {
        case completed
        /// The announced `Content-Length` passed the limit (`CURLE_FILESIZE_EXCEEDED`).
        case announcedTooLarge
        /// The body passed the limit while it arrived (the write callback refused it).
        case bodyTooLarge
        /// The temporary file could not be written, with errno.
        case localWriteFailed(errno: Int32)
        /// The body ended before its announced length, when one was announced.
        case partial(expectedBytes: Int64?)
        /// A timeout; libcurl reports its low-speed limit this way too, saying "too slow".
        case timedOut
        case tooManyRedirects
        case unsupportedProtocol
        case malformedURL
        case fileNotReadable
        case connection
        case tls
        case other(curlCode: Int)
    }

    /// What came back from one transfer.
    struct Response: Sendable {
        var end: TransferEnd
        /// libcurl's error text for a failed transfer.
        var detail: String = ""
        /// The final status (0 for `file://` and when nothing arrived).
        var status: Int = 0
        /// Response headers by lower-cased name.
        var headers: [String: String] = [:]
        var contentType: String?
        /// The first bytes of the body, for telling an HTML page from data.
        var prefix: [UInt8] = []
        var bytes: Int64 = 0
        /// `file://`: the file was not newer than `Plan.modifiedSince`.
        var conditionUnmet = false
        /// `file://`: the file's modification time, seconds since the epoch.
        var fileTime: Int64?
    }

    /// What an attempt came to.
    enum Verdict: Equatable, Sendable {
        /// The caller's copy is current (`status` 0 for `file://`).
        case notModified(status: Int, etag: String?, lastModified: String?)
        /// A body to keep, with the validators for the next request.
        case fetched(status: Int, etag: String?, lastModified: String?)
        /// Failed; `retryAfter` is the server's `Retry-After`, when it sent one.
        case failed(reason: FetchError.Reason, detail: String, retryAfter: Duration?)
    }

    /// Judges a response: libcurl's failures by reason, 304 and an unmet `file://` condition
    /// as not modified, any other status outside 2xx as failed (with `Retry-After` read at
    /// `now`), an HTML page where data was expected as failed, everything else fetched.
    static func judge(_ response: Response, plan: Plan, request: FetchRequest, policy: FetchPolicy, now: Int64,
                      temporaryPath: String) -> Verdict {
        func failed(_ reason: FetchError.Reason, _ detail: String? = nil, retryAfter: Duration? = nil) -> Verdict {
            .failed(reason: reason, detail: detail ?? response.detail, retryAfter: retryAfter)
        }
        switch response.end {
        case .completed: break
        case .announcedTooLarge: return failed(.tooLarge(limit: policy.maxBytes), "announced Content-Length exceeds \(policy.maxBytes) bytes")
        case .bodyTooLarge: return failed(.tooLarge(limit: policy.maxBytes), "body exceeds \(policy.maxBytes) bytes")
        case .localWriteFailed(let code):
            return failed(.localStorage, "cannot write \(temporaryPath): \(String(cString: strerror(code)))")
        case .partial(let expected): return failed(.truncated(expected: expected, received: response.bytes))
        case .timedOut: return failed(response.detail.lowercased().contains("too slow") ? .stalled : .timeout)
        case .tooManyRedirects: return failed(.redirectLimit)
        case .unsupportedProtocol: return failed(.unsupportedProtocol)
        case .malformedURL: return failed(.invalidURL)
        case .fileNotReadable: return failed(.fileNotReadable)
        case .connection: return failed(.connection)
        case .tls: return failed(.tls)
        case .other(let code): return failed(.other(curlCode: code))
        }
        if plan.isFile {
            if response.conditionUnmet { return .notModified(status: 0, etag: nil, lastModified: request.previousLastModified) }
        } else {
            if response.status == 304 {
                return .notModified(status: 304, etag: response.headers["etag"], lastModified: response.headers["last-modified"])
            }
            guard (200...299).contains(response.status) else {
                return failed(.httpStatus(response.status), "HTTP \(response.status)" + (response.contentType.map { ", \($0)" } ?? ""),
                              retryAfter: retryAfter(response.headers["retry-after"], now: now))
            }
        }
        if request.expectedContent != .any,
           ContentSniffer.isHTMLContentType(response.contentType) || ContentSniffer.looksLikeHTML(response.prefix) {
            // Say what gave it away: the declared type, or a body that starts like HTML whatever
            // type it claims (a login page served as text/csv).
            let htmlType = ContentSniffer.isHTMLContentType(response.contentType)
            return failed(.htmlInsteadOfData, "expected \(request.expectedContent.rawValue), got "
                + (htmlType ? "Content-Type \(response.contentType ?? "")"
                    : "a body starting like HTML" + (response.contentType.map { " (Content-Type \($0))" } ?? "")))
        }
        let lastModified = plan.isFile ? response.fileTime.map { HTTPDate.format(secondsSinceEpoch: $0) } : response.headers["last-modified"]
        return .fetched(status: response.status, etag: response.headers["etag"], lastModified: lastModified)
    }

    /// A `Retry-After` value as a delay: delta-seconds or an HTTP date (past dates give zero).
    static func retryAfter(_ value: String?, now: Int64) -> Duration? {
        guard let value = value.map({ Substring($0).trimmingWhitespace() }), !value.isEmpty else { return nil }
        if let seconds = Int64(value) { return .seconds(max(0, seconds)) }
        if let date = HTTPDate.parse(String(value)) { return .seconds(max(0, date - now)) }
        return nil
    }
}
