/// The test HTTP server or its certificates could not be set up.
public struct TestHTTPServerError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
