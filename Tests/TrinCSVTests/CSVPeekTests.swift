import Testing
@testable import TrinCSV

/// A row peeked and passed over must be the same row, with the same bytes and line, that
/// `next()` would have read; anything else is left to `next()`.
@Suite struct CSVPeekTests {
    /// Reads `text` with `next()` alone, or peeking first: every other row peeked is passed
    /// over, the others read in full after the peek, which must find the same bytes and line.
    static func rows(_ text: [UInt8], bufferSize: Int, peeking: Bool) throws -> (rows: [String], peeked: [String]) {
        let file = try TempCSV(text)
        let reader = try CSVReader(path: file.path, dialect: .forloeb, bufferSize: bufferSize)
        var seen: [String] = []
        var peekedRows: [String] = []
        while true {
            if peeking, let peeked = reader.peekRow() {
                let raw = String(decoding: peeked.bytes, as: UTF8.self)
                peekedRows.append(raw)
                if peekedRows.count % 2 == 0 {
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
        return (seen, peekedRows)
    }

    @Test(arguments: [16, 37, 1 << 20])
    func peekingGivesTheRowsNextWouldRead(bufferSize: Int) throws {
        let text = "a;b\r\nplain;1\r\n\r\n\"quoted\nline\";2\nx;\"y\"\"z\"\n\nplain again;3\r\nsame;4\n\"\";\"\"\"\"\r\n"
            + "lit\"eral;5\n\"closed\"tail;6\n\"cr\"\r;7\nq;\"two\n\nlines\"\nshort\nlast;5"
        let plain = try Self.rows(Array(text.utf8), bufferSize: bufferSize, peeking: false)
        #expect(plain.rows.count == 12)
        let peeking = try Self.rows(Array(text.utf8), bufferSize: bufferSize, peeking: true)
        #expect(peeking.rows == plain.rows)
        // With the whole file in the buffer, the rows quoted the usual way are peeked as well
        // as the plain ones; a row after a blank line, a quote inside a field, bytes after a
        // closing quote and a last row without a line end are left to `next()`.
        if bufferSize == 1 << 20 {
            #expect(peeking.peeked == ["plain;1", "x;\"y\"\"z\"", "same;4", "\"\";\"\"\"\"", "q;\"two\n\nlines\"", "short"])
        }
    }

    /// Random rows of delimiters, quotes, line ends and letters: whatever the row, a peek
    /// finds what `next()` reads, or nothing.
    @Test(arguments: [7, 64, 1 << 16])
    func randomRowsPeekAsTheyRead(bufferSize: Int) throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 &+ UInt64(bufferSize)
        let alphabet = Array("aab;;\"\"\n\r".utf8)
        for _ in 0..<40 {
            let bytes = (0..<400).map { _ -> UInt8 in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return alphabet[Int(state >> 33) % alphabet.count]
            }
            let text = Array("h;i\n".utf8) + bytes
            let plain = try Self.rows(text, bufferSize: bufferSize, peeking: false)
            #expect(try Self.rows(text, bufferSize: bufferSize, peeking: true).rows == plain.rows)
        }
    }
}
