import Foundation
public import Logging
import TrinCore

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
        let file: FileDescriptor
        let lock = NSLock()
        /// The first write that failed (a full disk, a removed folder), for the run to report.
        private var failure: String?
        init(file: consuming FileDescriptor) { self.file = file }
        /// Writes the whole line: short writes go on, EINTR is retried, a failure is kept.
        func write(_ line: [UInt8]) {
            lock.lock(); defer { lock.unlock() }
            do { try file.write(line, operation: "write the log") } catch {
                if failure == nil { failure = "\(error)" }
            }
        }
        func takeFailure() -> String? { lock.lock(); defer { failure = nil; lock.unlock() }; return failure }
    }

    /// The first failure to write a log line since the log was opened or this was last
    /// asked (each run of the daemon asks once), if any.
    public func takeWriteFailure() -> String? { sink.takeFailure() }

    /// Opens (creating) the log file at `path` for appending.
    public static func open(path: String, label: String = "trin") throws -> JSONLinesLogHandler {
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let file = try FileDescriptor(opening: path, O_WRONLY | O_CREAT | O_APPEND, mode: 0o640, operation: "open the log")
        return JSONLinesLogHandler(label: label, sink: Sink(file: file))
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var object: [String: Any] = [
            "time": Self.timestamp(Date()),
            "level": "\(event.level)",
            "message": "\(event.message)",
        ]
        for (k, v) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { object[k] = Self.json(v, key: k) }
        guard var data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        data.append(0x0A)
        sink.write(Array(data))
    }

    /// UTC with milliseconds, e.g. `2026-12-06T02:00:01.234Z`: lines of one second stay in order.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    /// Numbers as numbers and `true`/`false` as booleans, so that a shipper (Vector,
    /// Logstash, journald) gets typed fields; everything else as text. A field that holds
    /// text from outside (`textFields`: a source's name, a file, an unknown code's value)
    /// stays text whatever it looks like: the code `07` is not the number 7, and a field
    /// keeps one type from line to line. A number in a text field of its own kind (a count
    /// logged as `"\(n)"`) is a whole number written as Swift writes it (`7`, not `07`).
    static func json(_ value: Logger.Metadata.Value, key: String? = nil) -> Any {
        // A number given as a number (`.stringConvertible(n)`) stays one even in a text field.
        if let key, textFields.contains(key), !value.isNumber { return text(value) }
        switch value {
        case .string(let s): return typed(s)
        case .stringConvertible(let c):
            switch c {
            case let n as Int: return n
            case let d as Double: return d
            case let b as Bool: return b
            default: return typed("\(c)")
            }
        case .array(let a): return a.map { json($0) }
        case .dictionary(let d): return Dictionary(uniqueKeysWithValues: d.map { ($0.key, json($0.value, key: $0.key)) })
        }
    }

    /// Fields whose values are text from outside trin, never read as numbers (`sources`: the
    /// names of a run's sources; the count in `run_finished` is logged as a number).
    static let textFields: Set<String> = ["source", "sources", "file", "value", "field", "element", "error", "reason", "set", "url",
                                          "mapping", "tenant", "message", "path", "command", "status", "event"]

    private static func typed(_ s: String) -> Any {
        if let n = Int(s), String(n) == s { return n }
        if s == "true" { return true }
        if s == "false" { return false }
        return s
    }

    private static func text(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let s): return s
        case .stringConvertible(let c): return "\(c)"
        case .array(let a): return a.map { text($0) }
        case .dictionary(let d): return d.mapValues { text($0) }
        }
    }
}

extension Logger.MetadataValue {
    /// Whether the value was given as a number (`.stringConvertible` of an integer or a double).
    var isNumber: Bool {
        if case .stringConvertible(let c) = self { return c is Int || c is Double }
        return false
    }
}
