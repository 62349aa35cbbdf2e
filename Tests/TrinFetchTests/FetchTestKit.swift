import Foundation
import Logging
import Synchronization
import TrinFetch
import TrinTestSupport

/// Records the retry delays a fetcher asked for, without sleeping.
final class SleepRecorder: Sendable {
    private let delays = Mutex<[Duration]>([])
    var recorded: [Duration] { delays.withLock { $0 } }
    func environment(jitter: Double = 1) -> FetchEnvironment {
        FetchEnvironment(sleep: { d in self.delays.withLock { $0.append(d) } },
                         now: { Int64(Date().timeIntervalSince1970) }, jitter: { jitter })
    }
}

/// Collects every log line (message and metadata) so tests can look for secrets.
final class LogCollector: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }

    var logger: Logger {
        Logger(label: "test.fetch") { _ in Handler(collector: self) }
    }

    fileprivate func append(_ line: String) { lines.withLock { $0.append(line) } }

    struct Handler: LogHandler {
        let collector: LogCollector
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            let text = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            collector.append("\(event.level) \(event.message) \(text)")
        }
    }
}

/// Fast policy for tests: tiny delays, short stall timeout.
func testPolicy(attempts: Int = 3, maxBytes: Int64 = 1 << 20, caFile: String? = nil) -> FetchPolicy {
    FetchPolicy(retry: RetryPolicy(maxAttempts: attempts, baseDelay: .milliseconds(2), maxDelay: .milliseconds(50)),
                connectTimeout: .seconds(5), overallTimeout: .seconds(15), stallBytesPerSecond: 500,
                stallTime: .seconds(1), maxBytes: maxBytes, maxRedirects: 5, caFile: caFile)
}

/// A real HTTP server on 127.0.0.1 and a fresh scratch directory, for one test (stop and
/// remove them when it ends).
func serverAndScratch() throws -> (TestHTTPServer, Scratch) {
    let scratch = try Scratch()  // first: if it fails, no server is left running
    return (try TestHTTPServer(), scratch)
}

/// A fresh directory for temporary files, and what is left in it.
struct Scratch {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("trin-fetch-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    var path: String { url.path }
    var entries: [String] { (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [] }
    func remove() { try? FileManager.default.removeItem(at: url) }
}

extension FetchOutcome {
    var fetchedFile: FetchedFile? {
        if case .fetched(let file) = self { return file }
        return nil
    }
    var notModified: NotModified? {
        if case .notModified(let value) = self { return value }
        return nil
    }
}

/// Runs a fetch that must fail and returns its error (nil if it succeeded).
func fetchError(_ fetcher: HTTPFetcher, _ request: FetchRequest, into directory: String) -> FetchError? {
    do {
        _ = try fetcher.fetch(request, into: directory)
        return nil
    } catch {
        return error
    }
}

let csvBody = "id;name\r\n1;alpha\r\n2;beta\r\n"
let serverETag = "\"v1-csv\""
let serverLastModified = "Wed, 01 Oct 2025 02:00:00 GMT"
