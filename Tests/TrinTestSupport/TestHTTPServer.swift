import Foundation

/// A real HTTP(S) server on 127.0.0.1 for tests, with fault injection.
///
/// Runs `Tests/Support/test_http_server.py` (python3) on an ephemeral port; each
/// scenario is a path (see the script). The server writes one JSON line per
/// request it receives before it answers, so tests can assert on what the server
/// saw (request counts, headers) as well as on what the client got. Start one per
/// test: per-path counters then belong to that test alone. The process ends on
/// `stop()`, on deinit, or when the test process exits (its stdin closes).
public final class TestHTTPServer: @unchecked Sendable {
    /// One request as the server received it.
    public struct Request: Sendable {
        public let method: String
        /// Path with query, as sent.
        public let path: String
        /// Header names lowercased.
        public let headers: [String: String]
    }

    /// Credentials the `/bearer` and `/basic` scenarios accept.
    public static let bearerToken = "s3cret-bearer-token"
    public static let basicUser = "trin"
    public static let basicPassword = "pa55:word"

    public let port: Int
    public let scheme: String
    private let process: Process
    private let stdin: Pipe
    private let logFile: URL
    private let directory: URL
    private let lock = NSLock()
    private var stopped = false

    /// Starts the server; with `certificates`, it serves HTTPS with their server certificate.
    /// With `root`, the files of that folder are served under `/files/` with an ETag and
    /// Last-Modified, answering conditional requests with 304 (`?fail=N`: 500 N times first).
    public init(certificates: TestCertificates? = nil, root: String? = nil) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Support/test_http_server.py")
        directory = try TestHTTPServer.makeTemporaryDirectory(prefix: "trin-http")
        logFile = directory.appendingPathComponent("requests.jsonl")
        var arguments = [script.path, "--log", logFile.path]
        if let root { arguments += ["--root", root] }
        if let certificates {
            arguments += ["--cert", certificates.serverCertificate.path, "--key", certificates.serverKey.path]
        }
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        scheme = certificates == nil ? "http" : "https"

        // The first line is `PORT <n>`; EOF first means the script failed.
        var buffer = Data()
        while !buffer.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
        }
        let line = String(decoding: buffer, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard line.hasPrefix("PORT "), let port = Int(line.dropFirst(5)) else {
            process.terminate()
            throw TestHTTPServerError("test HTTP server did not start: \(line)")
        }
        self.port = port
    }

    deinit { stop() }

    /// `http://127.0.0.1:<port>` (or https).
    public var baseURL: String { "\(scheme)://127.0.0.1:\(port)" }

    /// The URL of a path on this server (`path` starts with `/`).
    public func url(_ path: String) -> String { baseURL + path }

    /// Every request received so far, in order.
    public func requests() -> [Request] {
        guard let data = try? Data(contentsOf: logFile) else { return [] }
        return data.split(separator: UInt8(ascii: "\n")).compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                  let method = object["method"] as? String, let path = object["path"] as? String,
                  let headers = object["headers"] as? [String: String] else { return nil }
            return Request(method: method, path: path, headers: headers)
        }
    }

    /// Requests whose path (without the query) is `path`.
    public func requests(path: String) -> [Request] {
        requests().filter { $0.path.split(separator: "?", maxSplits: 1).first.map(String.init) == path }
    }

    /// A new empty directory under the system temporary directory.
    static func makeTemporaryDirectory(prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Stops the server and removes its files. Safe to call more than once.
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}
