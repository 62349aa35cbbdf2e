import Testing
import TrinFetch

@Suite("RetryPolicy and URL redaction")
struct RetryPolicyTests {
    @Test("Backoff doubles per attempt, is capped, and scaled by the jitter factor")
    func backoff() {
        let policy = RetryPolicy(maxAttempts: 6, baseDelay: .seconds(1), maxDelay: .seconds(5))
        #expect(policy.delay(afterAttempt: 1, retryAfter: nil, jitter: 1) == .seconds(1))
        #expect(policy.delay(afterAttempt: 2, retryAfter: nil, jitter: 1) == .seconds(2))
        #expect(policy.delay(afterAttempt: 3, retryAfter: nil, jitter: 1) == .seconds(4))
        #expect(policy.delay(afterAttempt: 4, retryAfter: nil, jitter: 1) == .seconds(5))
        #expect(policy.delay(afterAttempt: 2, retryAfter: nil, jitter: 0.5) == .seconds(1))
    }

    @Test("Retry-After wins over the backoff but never passes maxDelay")
    func retryAfter() {
        let policy = RetryPolicy(maxAttempts: 3, baseDelay: .seconds(1), maxDelay: .seconds(5))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(3), jitter: 0.5) == .seconds(3))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(300), jitter: 1) == .seconds(5))
    }

    @Test("Transient reasons are the ones retried")
    func transient() {
        #expect(FetchError.Reason.httpStatus(503).isTransient)
        #expect(FetchError.Reason.httpStatus(429).isTransient)
        #expect(!FetchError.Reason.httpStatus(404).isTransient)
        #expect(!FetchError.Reason.httpStatus(401).isTransient)
        #expect(!FetchError.Reason.tls.isTransient)
        #expect(!FetchError.Reason.htmlInsteadOfData.isTransient)
    }

    @Test("Redaction strips userinfo and secret query values, keeps the rest", arguments: [
        ("https://u:p@host.dk/a?b=1", "https://host.dk/a?b=1"),
        ("https://u@host.dk", "https://host.dk"),
        ("https://host.dk/x@y", "https://host.dk/x@y"),
        ("https://host.dk/e?api_key=K&Token=T&x=1#f", "https://host.dk/e?api_key=REDACTED&Token=REDACTED&x=1#f"),
        ("file:///srv/exports/a.csv", "file:///srv/exports/a.csv"),
        ("https://h.dk/e?api-key=K&accessToken=T&auth_token=A&X-Amz-Signature=S&X-Amz-Security-Token=Z&date=2024-01-02&page=2",
         "https://h.dk/e?api-key=REDACTED&accessToken=REDACTED&auth_token=REDACTED&X-Amz-Signature=REDACTED&X-Amz-Security-Token=REDACTED&date=2024-01-02&page=2"),
    ])
    func redaction(input: String, expected: String) {
        #expect(URLRedaction.redact(input) == expected)
    }
}
