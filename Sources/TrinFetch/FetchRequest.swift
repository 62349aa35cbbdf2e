/// What to fetch, and what the caller already has.
///
/// Secrets arrive as values (the configuration layer reads them from files) and
/// are handed to libcurl only; they never reach a log line, an error or a result.
public struct FetchRequest: Sendable {
    /// `https://`, `http://` or `file://`. Userinfo in the URL is used by libcurl but
    /// stripped from every log line, error and result.
    public var url: String
    /// What the body must be; an HTML page in its place is refused.
    public var expectedContent: ExpectedContent
    /// The ETag of the copy the caller has: sent as `If-None-Match`.
    public var previousETag: String?
    /// The `Last-Modified` value of the copy the caller has, verbatim: sent as
    /// `If-Modified-Since` (for `file://`, compared with the file's modification time).
    public var previousLastModified: String?
    public var authentication: FetchAuthentication?
    /// Extra request headers, e.g. an API key header the source requires.
    /// Values may be secret: they are never logged.
    public var headers: [FetchHeader]

    public init(url: String, expectedContent: ExpectedContent = .any, previousETag: String? = nil,
                previousLastModified: String? = nil, authentication: FetchAuthentication? = nil,
                headers: [FetchHeader] = []) {
        self.url = url
        self.expectedContent = expectedContent
        self.previousETag = previousETag
        self.previousLastModified = previousLastModified
        self.authentication = authentication
        self.headers = headers
    }
}

/// One extra request header.
public struct FetchHeader: Sendable, Hashable {
    public var name: String
    public var value: String
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// What kind of data the caller expects; `.csv` and `.xml` refuse an HTML page.
public enum ExpectedContent: String, Sendable, Hashable, CaseIterable {
    case csv, xml
    /// No check on the body.
    case any
}

/// Credentials for a source. The secret is held only to hand to libcurl.
public enum FetchAuthentication: Sendable, CustomStringConvertible {
    /// `Authorization: Bearer <token>`.
    case bearer(token: String)
    /// HTTP Basic, sent with the first request.
    case basic(user: String, password: String)

    /// Names the scheme, never the secret.
    public var description: String {
        switch self {
        case .bearer: return "bearer(<redacted>)"
        case .basic(let user, _): return "basic(\(user), <redacted>)"
        }
    }
}
