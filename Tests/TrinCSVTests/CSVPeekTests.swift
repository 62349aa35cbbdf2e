import Testing
@testable import TrinCSV

/// A plain row peeked and passed over must be the same row, with the same bytes and line,
/// that `next()` would have read; anything else is left to `next()`.
@Suite struct CSVPeekTests {
    @Test(arguments: [16, 37, 1 << 20])
    func peekingGivesTheRowsNextWouldRead(bufferSize: Int) throws {
        let text = "a;b\r\nplain;1\r\n\r\n\"quoted\nline\";2\nx;\"y\"\"z\"\n\nplain again;3\r\nsame;4\nshort\nlast;5"
        let file = try TempCSV(Array(text.utf8))
        func rows(peeking: Bool) throws -> [String] {
            let reader = try CSVReader(path: file.path, dialect: .forloeb, bufferSize: bufferSize)
            var seen: [String] = []
            var index = 0
            while true {
                // Every other peekable row is passed over, the others read in full after the peek.
                if peeking, let peeked = reader.peekPlainRow() {
                    index += 1
                    let raw = String(decoding: peeked.bytes, as: UTF8.self)
                    if index % 2 == 0 {
                        reader.skipPeeked()
                        seen.append("\(peeked.line): \(raw)")
                        continue
                    }
                    let row = try #require(try reader.next())
                    #expect(row.withRawBytes { String(decoding: $0, as: UTF8.self) } == raw)
                    #expect(row.line == peeked.line)
                    seen.append("\(row.line): \(raw)")
                    continue
                }
                guard let row = try reader.next() else { break }
                seen.append("\(row.line): " + row.withRawBytes { String(decoding: $0, as: UTF8.self) })
            }
            return seen
        }
        let plain = try rows(peeking: false)
        #expect(plain.count == 7)
        #expect(try rows(peeking: true) == plain)
    }
}
