import Foundation
import Testing
@testable import TrinCSV

@Suite("CSV large files in bounded memory")
struct CSVLargeFileTests {
    @Test func twoHundredThousandRowsStreamThroughASmallBuffer() throws {
        let rows = 200_000
        var bytes: [UInt8] = []
        bytes.reserveCapacity(rows * 40)
        bytes += Array("CPR-nr.;Forl".utf8) + [0xF8] + Array("bs-ID;Timer;Note;\r\n".utf8)  // Windows-1252 ø
        for i in 0..<rows {
            // Every 1000th row has a quoted note with a line break.
            let note = i % 1000 == 0 ? "\"a;\r\nb\"" : "n"
            bytes += Array("010190-1234;F-\(i);12,5;\(note);\r\n".utf8)
        }
        let file = try TempCSV(bytes)
        let bufferSize = 64 << 10
        let reader = try CSVReader(path: file.path, dialect: .forloeb, bufferSize: bufferSize)
        #expect(reader.header == ["CPR-nr.", "Forløbs-ID", "Timer", "Note"])
        var count = 0, problems = 0, lastLine = 0, lastID = ""
        while let row = try reader.next() {
            count += 1
            if row.problem != nil { problems += 1 }
            lastLine = row.line
            if count == rows { lastID = row.string(1) ?? "" }
        }
        #expect(count == rows)
        #expect(problems == 0)
        #expect(lastID == "F-\(rows - 1)")
        #expect(lastLine == 1 + rows + rows / 1000)  // one extra physical line per quoted note
        #expect(reader.bytesRead == bytes.count)
        #expect(reader.bufferCapacity == bufferSize)  // never grew: memory did not follow the file
    }
}
