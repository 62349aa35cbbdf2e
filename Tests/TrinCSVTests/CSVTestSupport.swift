import Foundation
@testable import TrinCSV

/// A temporary file holding `bytes`, removed when the test's scope ends.
final class TempCSV {
    let path: String

    init(_ bytes: [UInt8]) throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("trincsv-\(UUID().uuidString).csv").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    convenience init(_ text: String) throws { try self.init(Array(text.utf8)) }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A row copied out of the reader, so tests can look at all rows at once.
struct ReadRow: Equatable {
    var line: Int
    var fields: [String?]
    var problem: CSVRowProblem?
    var raw: String
}

/// Reads every row of `file`, copying each out of the reader.
func readAll(_ file: TempCSV, _ dialect: CSVDialect, bufferSize: Int = 1 << 20, maxRowBytes: Int = 16 << 20) throws -> (header: [String], rows: [ReadRow]) {
    let reader = try CSVReader(path: file.path, dialect: dialect, bufferSize: bufferSize, maxRowBytes: maxRowBytes)
    var rows: [ReadRow] = []
    while let row = try reader.next() {
        rows.append(ReadRow(
            line: row.line,
            fields: (0..<row.fieldCount).map { row.string($0) },
            problem: row.problem,
            raw: row.rawText))
    }
    return (reader.header, rows)
}

let semicolonUTF8 = CSVDialect(delimiter: UInt8(ascii: ";"), encoding: .utf8)
