import Testing
@testable import TrinFetch

/// The rules of one attempt, without a server: what libcurl is asked, and what its answer
/// means. The HTTP tests (`HTTPFetcherTests`) run the same rules against a real server.
@Suite struct FetchAttemptTests {
    let policy = FetchPolicy(maxBytes: 1_000)

    func plan(_ request: FetchRequest) throws -> FetchAttempt.Plan {
        try FetchAttempt.plan(request, policy: policy).get()
    }

    @Test("conditional headers go with HTTP; a file:// source is compared by its modification time")
    func conditionalRequests() throws {
        let http = try plan(FetchRequest(url: "https://example.org/a.csv", previousETag: "\"v1\"",
                                         previousLastModified: "Sun, 06 Dec 2026 02:00:00 GMT",
                                         headers: [FetchHeader(name: "X-Api-Key", value: "s3cret")]))
        #expect(http.headerLines == ["X-Api-Key: s3cret", "If-None-Match: \"v1\"", "If-Modified-Since: Sun, 06 Dec 2026 02:00:00 GMT"])
        #expect(!http.isFile && http.protocols == "http,https" && http.redirectProtocols == "https")
        #expect(http.modifiedSince == nil)

        let file = try plan(FetchRequest(url: "file:///srv/a.csv", previousETag: "\"v1\"",
                                         previousLastModified: "Sun, 06 Dec 2026 02:00:00 GMT"))
        #expect(file.isFile && file.protocols == "file" && file.headerLines.isEmpty)
        #expect(file.modifiedSince == HTTPDate.parse("Sun, 06 Dec 2026 02:00:00 GMT"))
        #expect(file.modifiedSince != nil)
    }

    @Test("a header that would break the request is refused before anything is sent", arguments: [
        FetchHeader(name: "X-A", value: "one\r\nX-Injected: two"), FetchHeader(name: "X-A", value: "nul\u{0}"),
        FetchHeader(name: "X:A", value: "v"), FetchHeader(name: "", value: "v"), FetchHeader(name: "X\nA", value: "v"),
    ])
    func badHeaders(header: FetchHeader) {
        let result = FetchAttempt.plan(FetchRequest(url: "https://example.org/", headers: [header]), policy: policy)
        #expect(throws: FetchAttempt.Refusal.self) { try result.get() }
        #expect((try? result.get()) == nil)
    }

    func judge(_ response: FetchAttempt.Response, _ request: FetchRequest = FetchRequest(url: "https://example.org/a.csv", expectedContent: .csv),
               now: Int64 = 0) throws -> FetchAttempt.Verdict {
        FetchAttempt.judge(response, plan: try plan(request), request: request, policy: policy, now: now, temporaryPath: "/tmp/t")
    }

    @Test("2xx is fetched with its validators; 304 is not modified; any other status fails, with Retry-After")
    func statuses() throws {
        var ok = FetchAttempt.Response(end: .completed, status: 200, headers: ["etag": "\"v2\"", "last-modified": "Mon, 07 Dec 2026 02:00:00 GMT"])
        ok.prefix = Array("cpr;start\n".utf8)
        #expect(try judge(ok) == .fetched(status: 200, etag: "\"v2\"", lastModified: "Mon, 07 Dec 2026 02:00:00 GMT"))
        let notModified = FetchAttempt.Response(end: .completed, status: 304, headers: ["etag": "\"v2\""])
        #expect(try judge(notModified) == .notModified(status: 304, etag: "\"v2\"", lastModified: nil))
        let busy = FetchAttempt.Response(end: .completed, status: 503, headers: ["retry-after": "7"], contentType: "text/plain")
        #expect(try judge(busy) == .failed(reason: .httpStatus(503), detail: "HTTP 503, text/plain", retryAfter: .seconds(7)))
        let dated = FetchAttempt.Response(end: .completed, status: 429, headers: ["retry-after": "Sun, 06 Dec 2026 02:00:30 GMT"])
        let now = try #require(HTTPDate.parse("Sun, 06 Dec 2026 02:00:00 GMT"))
        #expect(try judge(dated, now: now) == .failed(reason: .httpStatus(429), detail: "HTTP 429", retryAfter: .seconds(30)))
        #expect(try judge(FetchAttempt.Response(end: .completed, status: 404)) == .failed(reason: .httpStatus(404), detail: "HTTP 404", retryAfter: nil))
    }

    @Test("an HTML page where data was expected fails, by its type or by its first bytes; with .any it is kept")
    func htmlInsteadOfData() throws {
        var page = FetchAttempt.Response(end: .completed, status: 200, contentType: "text/html; charset=utf-8")
        #expect(try judge(page) == .failed(reason: .htmlInsteadOfData, detail: "expected csv, got Content-Type text/html; charset=utf-8", retryAfter: nil))
        page.contentType = nil
        page.prefix = Array("\n  <!DOCTYPE html><html>".utf8)
        #expect(try judge(page) == .failed(reason: .htmlInsteadOfData, detail: "expected csv, got a body starting like HTML", retryAfter: nil))
        // A login page served as text/csv: the body gave it away, and the type is named as claimed.
        page.contentType = "text/csv"
        #expect(try judge(page) == .failed(reason: .htmlInsteadOfData, detail: "expected csv, got a body starting like HTML (Content-Type text/csv)",
                                           retryAfter: nil))
        #expect(try judge(page, FetchRequest(url: "https://example.org/a", expectedContent: .any)) == .fetched(status: 200, etag: nil, lastModified: nil))
    }

    @Test("libcurl's failures become the reasons operations act on")
    func transferEnds() throws {
        func reason(_ end: FetchAttempt.TransferEnd, detail: String = "") throws -> FetchError.Reason? {
            guard case .failed(let reason, _, _) = try judge(FetchAttempt.Response(end: end, detail: detail, bytes: 40)) else { return nil }
            return reason
        }
        #expect(try reason(.announcedTooLarge) == .tooLarge(limit: 1_000))
        #expect(try reason(.bodyTooLarge) == .tooLarge(limit: 1_000))
        #expect(try reason(.partial(expectedBytes: 100)) == .truncated(expected: 100, received: 40))
        #expect(try reason(.timedOut, detail: "Operation too slow. Less than 1 bytes/sec") == .stalled)
        #expect(try reason(.timedOut, detail: "Operation timed out after 30000 milliseconds") == .timeout)
        #expect(try reason(.tooManyRedirects) == .redirectLimit)
        #expect(try reason(.localWriteFailed(errno: 28)) == .localStorage)
        #expect(try reason(.connection) == .connection)
        #expect(try reason(.tls) == .tls)
        #expect(try reason(.other(curlCode: 99)) == .other(curlCode: 99))
        guard case .failed(_, let detail, _) = try judge(FetchAttempt.Response(end: .localWriteFailed(errno: 28))) else { Issue.record(); return }
        #expect(detail.hasPrefix("cannot write /tmp/t: ") && detail.count > "cannot write /tmp/t: ".count)
    }

    @Test("file://: an unmet condition is not modified; a fetched file carries its time as Last-Modified")
    func files() throws {
        let request = FetchRequest(url: "file:///srv/a.csv", expectedContent: .csv, previousLastModified: "Sun, 06 Dec 2026 02:00:00 GMT")
        #expect(try judge(FetchAttempt.Response(end: .completed, conditionUnmet: true), request)
            == .notModified(status: 0, etag: nil, lastModified: "Sun, 06 Dec 2026 02:00:00 GMT"))
        let time = try #require(HTTPDate.parse("Mon, 07 Dec 2026 02:00:00 GMT"))
        #expect(try judge(FetchAttempt.Response(end: .completed, fileTime: time), request)
            == .fetched(status: 0, etag: nil, lastModified: "Mon, 07 Dec 2026 02:00:00 GMT"))
    }
}
