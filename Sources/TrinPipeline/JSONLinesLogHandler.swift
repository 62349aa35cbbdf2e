import Foundation
import Logging

/// The import log operations read every morning: one JSON object per line, with
/// the time, level, message and every metadata field. Appends to a file (opened
/// once, written with O_APPEND so logrotate's copytruncate or rename both work).
public struct JSONLinesLogHandler: LogHandler, Sendable {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String
    let sink: Sink

    /// The open log file, shared by every handler copy.
    final class Sink: @unchecked Sendable {
        let fd: Int32
        let lock = NSLock()
        init(fd: Int32) { self.fd = fd }
        func write(_ line: [UInt8]) {
            lock.lock(); defer { lock.unlock() }
            _ = line.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        }
        deinit { close(fd) }
    }

    /// Opens (creating) the log file at `path` for appending.
    public static func open(path: String, label: String = "trin") throws -> JSONLinesLogHandler {
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let fd = Foundation.open(path, O_WRONLY | O_CREAT | O_APPEND, 0o640)
        guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
        return JSONLinesLogHandler(label: label, sink: Sink(fd: fd))
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var object: [String: Any] = [
            "time": ISO8601DateFormatter().string(from: Date()),
            "level": "\(event.level)",
            "message": "\(event.message)",
        ]
        for (k, v) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { object[k] = Self.json(v) }
        guard var data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        data.append(0x0A)
        sink.write(Array(data))
    }

    static func json(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let s): return Int(s).map { $0 as Any } ?? s
        case .stringConvertible(let c): return Int("\(c)").map { $0 as Any } ?? "\(c)"
        case .array(let a): return a.map(json)
        case .dictionary(let d): return d.mapValues(json)
        }
    }
}
