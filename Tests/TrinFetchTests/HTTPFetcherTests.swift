import Foundation
import Testing
import TrinFetch
import TrinTestSupport

@Suite("HTTPFetcher against a real HTTP server")
struct HTTPFetcherTests {
    @Test("200 streams the body to a temporary file with validators and metadata")
    func fetchesToTemporaryFile() throws {
        let (server, scratch) = try serverAndScratch()
        defer { server.stop(); scratch.remove() }
        let fetcher = try HTTPFetcher(policy: testPolicy(), environment: SleepRecorder().environment())

        let outcome = try fetcher.fetch(FetchRequest(url: server.url("/data.csv"), expectedContent: .csv), into: scratch.path)
        let file = try #require(outcome.fetchedFile)
        #expect(file.status == 200)
        #expect(file.bytes == Int64(csvBody.utf8.count))
        #expect(try String(contentsOfFile: file.path, encoding: .utf8) == csvBody)
        #expect(URL(fileURLWithPath: file.path).deletingLastPathComponent().path == scratch.url.path)
        #expect(file.etag == serverETag)
        #expect(file.lastModified == serverLastModified)
        #expect(file.contentType == "text/csv; charset=windows-1252")
        #expect(file.effectiveURL == server.url("/data.csv"))
        #expect(file.attempts == 1)
        #expect(file.duration > .zero)
        let seen = server.requests(path: "/data.csv")
        #expect(seen.count == 1)
        #expect(seen.first?.headers["if-none-match"] == nil)
        #expect(seen.first?.headers["if-modified-since"] == nil)
        #expect(seen.first?.headers["user-agent"] == "trin/1")
    }

    @Test("A matching ETag is sent as If-None-Match and 304 gives notModified, no file")
    func notModifiedByETag() throws {
        let (server, scratch) = try serverAndScratch()
        defer { server.stop(); scratch.remove() }
        let fetcher = try HTTPFetcher(policy: testPolicy(), environment: SleepRecorder().environment())

        let outcome = try fetcher.fetch(FetchRequest(url: server.url("/data.csv"), previousETag: serverETag),
                                        into: scratch.path)
        let result = try #require(outcome.notModified)
        #expect(result.status == 304)
        #expect(result.etag == serverETag)
        #expect(result.attempts == 1)
        #expect(scratch.entries.isEmpty)
        #expect(server.requests(path: "/data.csv").map { $0.headers["if-none-match"] } == [serverETag])
    }

    @Test("Last-Modified is sent verbatim as If-Modified-Since and 304 gives notModified")
    func notModifiedByDate() throws {
        let (server, scratch) = try serverAndScratch()
        defer { server.stop(); scratch.remove() }
        let fetcher = try HTTPFetcher(policy: testPolicy(), environment: SleepRecorder().environment())

        let outcome = try fetcher.fetch(
            FetchRequest(url: server.url("/data.csv"), previousLastModified: serverLastModified), into: scratch.path)
        #expect(outcome.notModified?.status == 304)
        #expect(server.requests(path: "/data.csv").map { $0.headers["if-modified-since"] } == [serverLastModified])
        #expect(scratch.entries.isEmpty)
    }

    @Test("Stale validators get the full body")
    func staleValidatorsDownload() throws {
        let (server, scratch) = try serverAndScratch()
        defer { server.stop(); scratch.remove() }
        let fetcher = try HTTPFetcher(policy: testPolicy(), environment: SleepRecorder().environment())

        let outcome = try fetcher.fetch(FetchRequest(url: server.url("/data.csv"), previousETag: "\"v0\""),
                                        into: scratch.path)
        let file = try #require(outcome.fetchedFile)
        #expect(file.etag == serverETag)
        #expect(server.requests(path: "/data.csv").first?.headers["if-none-match"] == "\"v0\"")
    }

    @Test("500 then 200: retried after an exponential backoff, the failed body discarded")
    func retriesServerError() throws {
        let (server, scratch) = try serverAndScratch()
        defer { server.stop(); scratch.remove() }
        let sleeps = SleepRecorder()
        let fetcher = try HTTPFetcher(policy: testPolicy(), environment: sleeps.environment(jitter: 1))

        let file = try #require(try fetcher.fetch(FetchRequest(url: server.url("/flaky-500?fail=1")),
                                                  into: scratch.path).fetchedFile)
        #expect(file.attempts == 2)
        #expect(try String(contentsOfFile: file.path, encoding: .utf8) == csvBody)
        #expect(server.requests(path: "/flaky-500").count == 2)
        #expect(sleeps.recorded == [.milliseconds(2)])
        #expect(scratch.entries == [URL(fileURLWithPath: file.path).lastPathComponent])
    }

    @Test("Persistent 500: gives up after maxAttempts with doubling delays")
    func givesUpAfterMaxAttempts() throws {
        let (server, scratch) = try serverAndScratch()
        defer { server.stop(); scratch.remove() }
        let sleeps = SleepRecorder()
        let fetcher = try HTTPFetcher(policy: testPolicy(attempts: 3), environment: sleeps.environment(jitter: 1))

        let error = try #require(fetchError(fetcher, FetchRequest(url: server.url("/flaky-500?fail=99")), into: scratch.path))
        #expect(error.reason == .httpStatus(500))
        #expect(error.httpStatus == 500)
        #expect(error.attempts == 3)
        #expect(server.requests(path: "/flaky-500").count == 3)
        #expect(sleeps.recorded == [.milliseconds(2), .milliseconds(4)])
        #expect(scratch.entries.isEmpty)
        #expect(error.description.contains("HTTP status 500"))
        #expect(error.description.contains("3 attempts"))
    }

    @Test("503 with Retry-After in seconds: honoured, capped by maxDelay")
    func retryAfterSecondsCapped() throws {
        let (server, scratch) = try serverAndScratch()
        defer { server.stop(); scratch.remove() }
        let sleeps = SleepRecorder()
        let fetcher = try HTTPFetcher(policy: testPolicy(), environment: sleeps.environment())

        let file = try #require(try fetcher.fetch(FetchRequest(url: server.url("/busy-503?fail=1&retry_after=7")),
                                                  into: scratch.path).fetchedFile)
        #expect(file.attempts == 2)
        #expect(server.requests(path: "/busy-503").count == 2)
        #expect(sleeps.recorded == [.milliseconds(50)])  // 7 s asked, policy caps at 50 ms
    }

    @Test("503 with Retry-After as an HTTP date: the delay is the time until that date")
    func retryAfterDate() throws {
        let (server, scratch) = try serverAndScratch()
        defer { server.stop(); scratch.remove() }
        let sleeps = SleepRecorder()
        var policy = testPolicy()
        policy.retry.maxDelay = .seconds(3600)
        let fetcher = try HTTPFetcher(policy: policy, environment: sleeps.environment())

        _ = try fetcher.fetch(FetchRequest(url: server.url("/busy-503?fail=1&retry_after=date&seconds=30")),
                              into: scratch.path)
        let delay = try #require(sleeps.recorded.first)
        #expect(delay >= .seconds(28) && delay <= .seconds(31))
    }

    @Test("429 with Retry-After 0, then 200")
    func retriesTooManyRequests() throws {
        let (server, scratch) = try serverAndScratch()
        defer { server.stop(); scratch.remove() }
        let sleeps = SleepRecorder()
        let fetcher = try HTTPFetcher(policy: testPolicy(), environment: sleeps.environment())

        let file = try #require(try fetcher.fetch(FetchRequest(url: server.url("/limited-429?fail=1&retry_after=0")),
                                                  into: scratch.path).fetchedFile)
        #expect(file.status == 200)
        #expect(file.attempts == 2)
        #expect(server.requests(path: "/limited-429").count == 2)
        #expect(sleeps.recorded == [.zero])
    }

    @Test("404 is not retried: exactly one request reaches the server")
    func notFoundNotRetried() throws {
        let (server, scratch) = try serverAndScratch()
        defer { server.stop(); scratch.remove() }
        let sleeps = SleepRecorder()
        let fetcher = try HTTPFetcher(policy: testPolicy(attempts: 5), environment: sleeps.environment())

        let error = try #require(fetchError(fetcher, FetchRequest(url: server.url("/missing")), into: scratch.path))
        #expect(error.reason == .httpStatus(404))
        #expect(error.attempts == 1)
        #expect(server.requests(path: "/missing").count == 1)
        #expect(sleeps.recorded.isEmpty)
        #expect(scratch.entries.isEmpty)
    }

    @Test("302 is followed to the target; the effective URL is the target")
    func followsRedirect() throws {
        let (server, scratch) = try serverAndScratch()
        defer { server.stop(); scratch.remove() }
        let fetcher = try HTTPFetcher(policy: testPolicy(), environment: SleepRecorder().environment())

        let file = try #require(try fetcher.fetch(FetchRequest(url: server.url("/redirect?to=/data.csv")),
                                                  into: scratch.path).fetchedFile)
        #expect(file.status == 200)
        #expect(file.effectiveURL == server.url("/data.csv"))
        #expect(file.etag == serverETag)
        #expect(server.requests().map(\.path) == ["/redirect?to=/data.csv", "/data.csv"])
    }

    @Test("A redirect loop stops at maxRedirects and is not retried")
    func redirectLoop() throws {
        let (server, scratch) = try serverAndScratch()
        defer { server.stop(); scratch.remove() }
        let fetcher = try HTTPFetcher(policy: testPolicy(), environment: SleepRecorder().environment())

        let error = try #require(fetchError(fetcher, FetchRequest(url: server.url("/loop")), into: scratch.path))
        #expect(error.reason == .redirectLimit)
        #expect(error.attempts == 1)
        #expect(server.requests(path: "/loop").count == 6)  // the first request and 5 redirects
    }

    @Test("A redirect to file:// is refused")
    func redirectToFileRefused() throws {
        let (server, scratch) = try serverAndScratch()
        defer { server.stop(); scratch.remove() }
        let fetcher = try HTTPFetcher(policy: testPolicy(), environment: SleepRecorder().environment())

        let error = try #require(fetchError(fetcher, FetchRequest(url: server.url("/redirect?to=file:///etc/hostname")),
                                            into: scratch.path))
        #expect(error.reason == .unsupportedProtocol)
        #expect(scratch.entries.isEmpty)
    }

    @Test("A body that stalls mid-way is aborted as stalled, and retried")
    func stallMidBody() throws {
        let (server, scratch) = try serverAndScratch()
        defer { server.stop(); scratch.remove() }
        let fetcher = try HTTPFetcher(policy: testPolicy(attempts: 2), environment: SleepRecorder().environment())

        let clock = ContinuousClock()
        let started = clock.now
        // 200 bytes, then silence: below 500 B/s from the first second on.
        let error = try #require(fetchError(fetcher, FetchRequest(url: server.url("/stall?size=400&sleep=8")),
                                            into: scratch.path))
        #expect(error.reason == .stalled)
        #expect(error.attempts == 2)
        #expect(server.requests(path: "/stall").count == 2)
        #expect(clock.now - started < .seconds(7))  // both attempts gave up before the server resumed
        #expect(scratch.entries.isEmpty)
    }

    @Test("The overall timeout ends a slow transfer as a timeout")
    func overallTimeout() throws {
        let (server, scratch) = try serverAndScratch()
        defer { server.stop(); scratch.remove() }
        var policy = testPolicy(attempts: 1)
        policy.stallBytesPerSecond = 0  // no stall limit: only the overall timeout applies
        policy.overallTimeout = .milliseconds(800)
        let fetcher = try HTTPFetcher(policy: policy, environment: SleepRecorder().environment())

        let error = try #require(fetchError(fetcher, FetchRequest(url: server.url("/stall?size=400&sleep=5")),
                                            into: scratch.path))
        #expect(error.reason == .timeout)
        #expect(error.attempts == 1)
        #expect(scratch.entries.isEmpty)
    }

    @Test("A body shorter than its Content-Length is refused as truncated")
    func truncatedBody() throws {
        let (server, scratch) = try serverAndScratch()
        defer { server.stop(); scratch.remove() }
        let fetcher = try HTTPFetcher(policy: testPolicy(attempts: 2), environment: SleepRecorder().environment())

        let error = try #require(fetchError(fetcher, FetchRequest(url: server.url("/short?length=1000&send=400")),
                                            into: scratch.path))
        #expect(error.reason == .truncated(expected: 1000, received: 400))
        #expect(error.attempts == 2)
        #expect(server.requests(path: "/short").count == 2)
        #expect(scratch.entries.isEmpty)
        #expect(error.description.contains("received 400 of 1000 bytes"))
    }

    @Test("An HTML error page with status 200 is refused when CSV is expected, not retried")
    func htmlErrorPage() throws {
        let (server, scratch) = try serverAndScratch()
        defer { server.stop(); scratch.remove() }
        let fetcher = try HTTPFetcher(policy: testPolicy(), environment: SleepRecorder().environment())

        let error = try #require(fetchError(fetcher, FetchRequest(url: server.url("/html-error"), expectedContent: .csv),
                                            into: scratch.path))
        #expect(error.reason == .htmlInsteadOfData)
        #expect(error.httpStatus == 200)
        #expect(error.attempts == 1)
        #expect(server.requests(path: "/html-error").count == 1)
        #expect(scratch.entries.isEmpty)

        // The check belongs to the expectation: with `.any` the same page is a body.
        let page = try fetcher.fetch(FetchRequest(url: server.url("/html-error"), expectedContent: .any), into: scratch.path)
        #expect(page.fetchedFile?.contentType == "text/html; charset=utf-8")
    }

    @Test("HTML behind a BOM and whitespace, labelled text/csv, is refused when XML is expected")
    func htmlSniffedFromBody() throws {
        let (server, scratch) = try serverAndScratch()
        defer { server.stop(); scratch.remove() }
        let fetcher = try HTTPFetcher(policy: testPolicy(), environment: SleepRecorder().environment())

        let error = try #require(fetchError(fetcher, FetchRequest(url: server.url("/html-sniff"), expectedContent: .xml),
                                            into: scratch.path))
        #expect(error.reason == .htmlInsteadOfData)
        let xml = try fetcher.fetch(FetchRequest(url: server.url("/data.xml"), expectedContent: .xml), into: scratch.path)
        #expect(xml.fetchedFile?.contentType == "application/xml")
    }

    @Test("A body over maxBytes is refused, with and without Content-Length")
    func tooLarge() throws {
        let (server, scratch) = try serverAndScratch()
        defer { server.stop(); scratch.remove() }
        let fetcher = try HTTPFetcher(policy: testPolicy(maxBytes: 10_000), environment: SleepRecorder().environment())

        let announced = try #require(fetchError(fetcher, FetchRequest(url: server.url("/big?size=100000")), into: scratch.path))
        #expect(announced.reason == .tooLarge(limit: 10_000))
        #expect(announced.attempts == 1)
        let streamed = try #require(fetchError(fetcher, FetchRequest(url: server.url("/big?size=100000&length=no")),
                                               into: scratch.path))
        #expect(streamed.reason == .tooLarge(limit: 10_000))
        #expect(streamed.attempts == 1)
        #expect(server.requests(path: "/big").count == 2)
        #expect(scratch.entries.isEmpty)

        // At the limit exactly is fine.
        let exact = try fetcher.fetch(FetchRequest(url: server.url("/big?size=10000&length=no")), into: scratch.path)
        #expect(exact.fetchedFile?.bytes == 10_000)
    }

    @Test("Bearer token: 401 without it (not retried), 200 with it; the token is never logged")
    func bearerAuthentication() throws {
        let (server, scratch) = try serverAndScratch()
        defer { server.stop(); scratch.remove() }
        let logs = LogCollector()
        let fetcher = try HTTPFetcher(policy: testPolicy(), logger: logs.logger, environment: SleepRecorder().environment())

        let denied = try #require(fetchError(fetcher, FetchRequest(url: server.url("/bearer")), into: scratch.path))
        #expect(denied.reason == .httpStatus(401))
        #expect(denied.attempts == 1)

        let request = FetchRequest(url: server.url("/bearer"), authentication: .bearer(token: TestHTTPServer.bearerToken))
        let file = try #require(try fetcher.fetch(request, into: scratch.path).fetchedFile)
        #expect(file.status == 200)
        let seen = server.requests(path: "/bearer").map { $0.headers["authorization"] }
        #expect(seen == [nil, "Bearer \(TestHTTPServer.bearerToken)"])
        #expect(!logs.all.isEmpty)
        #expect(!logs.all.contains { $0.contains(TestHTTPServer.bearerToken) })
        #expect(!"\(request.authentication!)".contains(TestHTTPServer.bearerToken))
    }

    @Test("Basic auth: 401 without it, 200 with user and password; the password is never logged")
    func basicAuthentication() throws {
        let (server, scratch) = try serverAndScratch()
        defer { server.stop(); scratch.remove() }
        let logs = LogCollector()
        let fetcher = try HTTPFetcher(policy: testPolicy(), logger: logs.logger, environment: SleepRecorder().environment())

        let denied = try #require(fetchError(fetcher, FetchRequest(url: server.url("/basic")), into: scratch.path))
        #expect(denied.reason == .httpStatus(401))
        let wrong = FetchRequest(url: server.url("/basic"), authentication: .basic(user: TestHTTPServer.basicUser, password: "nope"))
        #expect(fetchError(fetcher, wrong, into: scratch.path)?.reason == .httpStatus(401))

        let request = FetchRequest(url: server.url("/basic"), authentication: .basic(
            user: TestHTTPServer.basicUser, password: TestHTTPServer.basicPassword))
        let file = try #require(try fetcher.fetch(request, into: scratch.path).fetchedFile)
        #expect(file.status == 200)
        let expected = "Basic " + Data("\(TestHTTPServer.basicUser):\(TestHTTPServer.basicPassword)".utf8).base64EncodedString()
        #expect(server.requests(path: "/basic").last?.headers["authorization"] == expected)
        #expect(!logs.all.contains { $0.contains(TestHTTPServer.basicPassword) })
    }

    @Test("Credentials in the URL never reach the error or the log")
    func urlCredentialsStripped() throws {
        let (server, scratch) = try serverAndScratch()
        defer { server.stop(); scratch.remove() }
        let logs = LogCollector()
        let fetcher = try HTTPFetcher(policy: testPolicy(), logger: logs.logger, environment: SleepRecorder().environment())

        let url = "http://trin:hunter2@127.0.0.1:\(server.port)/missing?token=abc123&day=1"
        let error = try #require(fetchError(fetcher, FetchRequest(url: url), into: scratch.path))
        #expect(error.url == "http://127.0.0.1:\(server.port)/missing?token=REDACTED&day=1")
        #expect(!error.description.contains("hunter2"))
        #expect(!logs.all.contains { $0.contains("hunter2") || $0.contains("abc123") })
        #expect(server.requests(path: "/missing").first?.headers["authorization"] != nil)  // libcurl still used them
    }

    @Test("Extra headers reach the server; a header with a line break is refused before any request")
    func extraHeaders() throws {
        let (server, scratch) = try serverAndScratch()
        defer { server.stop(); scratch.remove() }
        let fetcher = try HTTPFetcher(policy: testPolicy(), environment: SleepRecorder().environment())

        _ = try fetcher.fetch(FetchRequest(url: server.url("/data.csv"), headers: [FetchHeader(name: "X-Api-Key", value: "k1")]),
                              into: scratch.path)
        #expect(server.requests(path: "/data.csv").first?.headers["x-api-key"] == "k1")

        let injected = FetchRequest(url: server.url("/data.xml"), headers: [FetchHeader(name: "X-A", value: "1\r\nX-B: 2")])
        #expect(fetchError(fetcher, injected, into: scratch.path)?.reason == .invalidHeader)
        #expect(server.requests(path: "/data.xml").isEmpty)
    }

    @Test("HTTPS: accepted with the test CA as caFile, refused without it")
    func httpsWithCAFile() throws {
        let certificates = try TestCertificates.shared()
        let server = try TestHTTPServer(certificates: certificates)
        defer { server.stop() }
        let scratch = try Scratch()
        defer { scratch.remove() }

        let trusting = try HTTPFetcher(policy: testPolicy(caFile: certificates.caCertificate.path),
                                       environment: SleepRecorder().environment())
        let file = try #require(try trusting.fetch(FetchRequest(url: server.url("/data.csv"), expectedContent: .csv),
                                                   into: scratch.path).fetchedFile)
        #expect(file.status == 200)
        #expect(file.effectiveURL.hasPrefix("https://"))
        #expect(server.requests(path: "/data.csv").count == 1)

        let strict = try HTTPFetcher(policy: testPolicy(attempts: 3), environment: SleepRecorder().environment())
        let error = try #require(fetchError(strict, FetchRequest(url: server.url("/data.csv")), into: scratch.path))
        #expect(error.reason == .tls)
        #expect(error.attempts == 1)
        #expect(server.requests(path: "/data.csv").count == 1)  // the refused handshake sent no request
    }

    @Test("An https source never follows a redirect to plain http unless the source allows it")
    func httpsDowngradeRefused() throws {
        let certificates = try TestCertificates.shared()
        let secure = try TestHTTPServer(certificates: certificates)
        let plain = try TestHTTPServer()
        defer { secure.stop(); plain.stop() }
        let scratch = try Scratch()
        defer { scratch.remove() }
        let downgrade = secure.url("/redirect?to=" + plain.url("/data.csv"))
        #expect(downgrade.hasPrefix("https://") && plain.url("/data.csv").hasPrefix("http://"))

        let strict = try HTTPFetcher(policy: testPolicy(caFile: certificates.caCertificate.path), environment: SleepRecorder().environment())
        let error = try #require(fetchError(strict, FetchRequest(url: downgrade), into: scratch.path))
        #expect(error.reason == .unsupportedProtocol)
        #expect(error.attempts == 1)
        #expect(plain.requests(path: "/data.csv").isEmpty, "nothing was sent over plain http")
        #expect(scratch.entries.isEmpty)

        var policy = testPolicy(caFile: certificates.caCertificate.path)
        policy.allowHTTPDowngrade = true
        let lenient = try HTTPFetcher(policy: policy, environment: SleepRecorder().environment())
        let file = try #require(try lenient.fetch(FetchRequest(url: downgrade), into: scratch.path).fetchedFile)
        #expect(file.status == 200 && file.effectiveURL.hasPrefix("http://"))
        #expect(plain.requests(path: "/data.csv").count == 1)
        // Redirect protocols: https only from https; an http source may go to either.
        #expect(FetchPolicy().redirectProtocols(from: "HTTPS://x/a.csv") == "https")
        #expect(FetchPolicy().redirectProtocols(from: "http://x/a.csv") == "http,https")
        #expect(policy.redirectProtocols(from: "https://x/a.csv") == "http,https")
    }

    @Test("Connection refused is retried, then reported as a connection failure")
    func connectionRefused() throws {
        let server = try TestHTTPServer()
        let url = server.url("/data.csv")
        server.stop()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let sleeps = SleepRecorder()
        let fetcher = try HTTPFetcher(policy: testPolicy(attempts: 3), environment: sleeps.environment())

        let error = try #require(fetchError(fetcher, FetchRequest(url: url), into: scratch.path))
        #expect(error.reason == .connection)
        #expect(error.httpStatus == nil)
        #expect(error.attempts == 3)
        #expect(sleeps.recorded.count == 2)
    }

    @Test("A directory that cannot hold the temporary file fails before any request")
    func unwritableDirectory() throws {
        let server = try TestHTTPServer()
        defer { server.stop() }
        let fetcher = try HTTPFetcher(policy: testPolicy(), environment: SleepRecorder().environment())
        let error = try #require(fetchError(fetcher, FetchRequest(url: server.url("/data.csv")),
                                            into: "/nonexistent/trin-\(UUID().uuidString)"))
        #expect(error.reason == .localStorage)
        #expect(server.requests().isEmpty)
    }

    @Test("Schemes other than http, https and file are refused")
    func unsupportedScheme() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let fetcher = try HTTPFetcher(policy: testPolicy(), environment: SleepRecorder().environment())
        #expect(fetchError(fetcher, FetchRequest(url: "ftp://127.0.0.1/x.csv"), into: scratch.path)?.reason == .unsupportedProtocol)
    }
}
