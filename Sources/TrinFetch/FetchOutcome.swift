/// What a fetch produced when it did not fail.
public enum FetchOutcome: Sendable {
    /// A new body, in a temporary file the caller now owns.
    case fetched(FetchedFile)
    /// The server (or file) says the caller's copy is current: nothing was downloaded.
    case notModified(NotModified)
}

/// A downloaded body and what is known about it.
public struct FetchedFile: Sendable {
    /// The temporary file holding the body, in the directory the caller named. The
    /// caller renames, imports or deletes it; the fetcher never touches it again.
    public let path: String
    /// Final HTTP status (2xx); 0 for `file://`.
    public let status: Int
    public let bytes: Int64
    /// Time of the successful attempt (not of the delays before it).
    public let duration: Duration
    public let etag: String?
    /// `Last-Modified` verbatim; for `file://`, the file's modification time as an HTTP date.
    public let lastModified: String?
    public let contentType: String?
    /// The URL after redirects, credentials stripped.
    public let effectiveURL: String
    public let attempts: Int
}

/// A conditional request answered "unchanged" (HTTP 304, or an unchanged `file://`).
public struct NotModified: Sendable {
    /// 304, or 0 for `file://`.
    public let status: Int
    public let duration: Duration
    /// Validators as the server repeated them (may be nil: keep the previous ones).
    public let etag: String?
    public let lastModified: String?
    public let effectiveURL: String
    public let attempts: Int
}
