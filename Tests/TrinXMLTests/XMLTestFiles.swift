import Foundation
import Testing
@testable import TrinXML

/// Writes XML text to a fresh temporary file and returns its path.
func temporaryXML(_ text: String, name: String = "doc") throws -> String {
    try temporaryFile(Data(text.utf8), name: name)
}

func temporaryFile(_ data: Data, name: String = "doc") throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trin-xml-tests", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let url = directory.appendingPathComponent("\(name)-\(UUID().uuidString).xml")
    try data.write(to: url)
    return url.path
}

/// Reads every record, or throws the document error.
func readAll(_ path: String, _ spec: XMLRecordSpec, guardsProlog: Bool = true) throws(XMLDocumentError) -> [XMLRecord] {
    let reader = try XMLRecordReader(path: path, spec: spec, guardsProlog: guardsProlog)
    var records: [XMLRecord] = []
    while let record = try reader.next() { records.append(record) }
    return records
}

/// The document error `body` throws, or nil if it throws none.
func documentError(_ body: () throws -> Void) -> XMLDocumentError? {
    do {
        try body()
    } catch let error as XMLDocumentError {
        return error
    } catch {
        Issue.record("expected an XMLDocumentError, got \(error)")
    }
    return nil
}

/// Peak resident set size of this process in KiB (Linux), or nil.
func peakResidentKiB() -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    }
    return nil
}

let forloebNS = "urn:example:socialoekonomi:forloeb:1"
