import Testing
@testable import TrinCSV

/// A row peeked and passed over must be the same row, with the same bytes and line, that
/// `next()` would have read; anything else is left to `next()`.
@Suite struct CSVPeekTests {
    /// Reads `text` with `next()` alone, or peeking first: of the rows peeked, those of one
    /// parity are passed over, the others read in full after the peek, which must find the
    /// same bytes and line. Returns every row as "line: bytes [problem]", and the rows peeked.
    static func rows(_ text: [UInt8], dialect: CSVDialect = .forloeb, bufferSize: Int, maxRowBytes: Int = 16 << 20,
                     peeking: Bool, skipOdd: Bool = false) throws -> (rows: [String], peeked: [String]) {
        let file = try TempCSV(text)
        let reader = try CSVReader(path: file.path, dialect: dialect, bufferSize: bufferSize, maxRowBytes: maxRowBytes)
        var seen: [String] = []
        var peekedRows: [String] = []
        while true {
            if peeking, let peeked = reader.peekRow() {
                let raw = String(decoding: peeked.bytes, as: UTF8.self)
                peekedRows.append(raw)
                if peekedRows.count % 2 == (skipOdd ? 1 : 0) {
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
            // A row too long or not closed is never one a peek finds: marked, so that a peek
            // that found one would show. (A row of the wrong width may be peeked: the decoder
            // rejects it as `next()` reads it, and only a known row is passed over.)
            var mark = ""
            switch row.problem {
            case .rowTooLong: mark = " [too long]"
            case .unclosedQuote: mark = " [unclosed]"
            default: break
            }
            seen.append("\(row.line): " + row.withRawBytes { String(decoding: $0, as: UTF8.self) } + mark)
        }
        return (seen, peekedRows)
    }

    @Test func aRowTooLongIsTooLongEvenWhenItsKeptStartEndsInsideACharacter() throws {
        // 15 ASCII bytes, then ø (two bytes in UTF-8) across the cut after 16 bytes.
        let file = try TempCSV(Array("a;b\n123456789012345ø;x\nok;1\n".utf8))
        let reader = try CSVReader(path: file.path, dialect: CSVDialect(delimiter: UInt8(ascii: ";"), encoding: .utf8), bufferSize: 64,
                                   maxRowBytes: 16)
        let long = try #require(try reader.next())
        #expect(long.problem == .rowTooLong(limit: 16) && long.line == 2)
        let next = try #require(try reader.next())
        #expect(next.problem == nil && next.line == 3)
    }

    @Test(arguments: [16, 37, 1 << 20], [false, true])
    func peekingGivesTheRowsNextWouldRead(bufferSize: Int, skipOdd: Bool) throws {
        let text = "a;b\r\nplain;1\r\n\r\n\"quoted\nline\";2\nx;\"y\"\"z\"\n\nplain again;3\r\nsame;4\n\"\";\"\"\"\"\r\n"
            + "lit\"eral;5\n\"closed\"tail;6\n\"cr\"\r;7\nq;\"two\n\nlines\"\nshort\nlast;5"
        let plain = try Self.rows(Array(text.utf8), bufferSize: bufferSize, peeking: false)
        #expect(plain.rows.count == 12)
        let peeking = try Self.rows(Array(text.utf8), bufferSize: bufferSize, peeking: true, skipOdd: skipOdd)
        #expect(peeking.rows == plain.rows)
        // With the whole file in the buffer, the rows quoted the usual way are peeked as well
        // as the plain ones; a row after a blank line, a quote inside a field, bytes after a
        // closing quote and a last row without a line end are left to `next()`.
        if bufferSize == 1 << 20 {
            #expect(peeking.peeked == ["plain;1", "x;\"y\"\"z\"", "same;4", "\"\";\"\"\"\"", "q;\"two\n\nlines\"", "short"])
        }
    }

    /// A row over several lines passed over: the rows after it keep their line numbers.
    @Test func aSkippedRowOverSeveralLinesCountsThem() throws {
        let text = Array("h;i\nq;\"a\nb\r\nc\"\nnext;1\n".utf8)
        let file = try TempCSV(text)
        let reader = try CSVReader(path: file.path, dialect: .forloeb)
        let peeked = try #require(reader.peekRow())
        #expect(String(decoding: peeked.bytes, as: UTF8.self) == "q;\"a\nb\r\nc\"")
        #expect(peeked.line == 2)
        reader.skipPeeked()
        let row = try #require(try reader.next())
        #expect(row.line == 5)
        #expect(row.string(0) == "next")
    }

    /// Known rows are recognised by their bytes: two rows whose fields differ must not have
    /// the same bytes. A CR after a closing quote at the very end of the file is no part of
    /// the field, so it is no part of the row; inside the file it is part of both.
    @Test func aRowsBytesDifferWhenItsFieldsDo() throws {
        func only(_ text: String) throws -> (raw: String, field: String?) {
            let file = try TempCSV(Array(text.utf8))
            let reader = try CSVReader(path: file.path, dialect: .forloeb)
            let row = try #require(try reader.next())
            return (row.withRawBytes { String(decoding: $0, as: UTF8.self) }, row.string(1))
        }
        let atEnd = try only("h;i\nx;\"b\"\r")
        let inside = try only("h;i\nx;\"b\"\r\r\nz;1\n")
        #expect(atEnd.field == "b" && atEnd.raw == "x;\"b\"")
        #expect(inside.field == "b\r" && inside.raw == "x;\"b\"\r")
    }

    /// Rows at the length limit, and over it, read the same with and without peeking.
    @Test(arguments: [false, true])
    func rowsAtTheLimitPeekAsTheyRead(skipOdd: Bool) throws {
        let text = "h;i\n" + String(repeating: "a", count: 14) + ";b\r\n" + String(repeating: "a", count: 15) + ";b\n"
            + "\"aaaaaaaa\naaaaaaaa\";b\nok;1\n" + String(repeating: "c", count: 40) + "\nok;2\n"
        let plain = try Self.rows(Array(text.utf8), bufferSize: 64, maxRowBytes: 16, peeking: false)
        #expect(plain.rows.filter { $0.hasSuffix("[too long]") }.count == 3)
        let peeking = try Self.rows(Array(text.utf8), bufferSize: 64, maxRowBytes: 16, peeking: true, skipOdd: skipOdd)
        #expect(peeking.rows == plain.rows)
    }

    /// Random rows of delimiters, quotes, line ends and letters, in two dialects: whatever
    /// the row, a peek finds what `next()` reads, or nothing.
    @Test(arguments: [16, 64, 1 << 16])
    func randomRowsPeekAsTheyRead(bufferSize: Int) throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 &+ UInt64(bufferSize)
        let comma = CSVDialect(delimiter: UInt8(ascii: ","), quote: UInt8(ascii: "'"), encoding: .utf8)
        var multiLinePeeks = 0
        for (dialect, alphabet) in [(CSVDialect.forloeb, Array("aab;;\"\"\n\r".utf8)), (comma, Array("aab,,''\n\r".utf8))] {
            for round in 0..<40 {
                let bytes = (0..<400).map { _ -> UInt8 in
                    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    return alphabet[Int(state >> 33) % alphabet.count]
                }
                let header: [UInt8] = dialect.delimiter == UInt8(ascii: ",") ? Array("h,i\n".utf8) : Array("h;i\n".utf8)
                let text = header + bytes
                let plain = try Self.rows(text, dialect: dialect, bufferSize: bufferSize, peeking: false)
                let peeking = try Self.rows(text, dialect: dialect, bufferSize: bufferSize, peeking: true, skipOdd: round % 2 == 1)
                #expect(peeking.rows == plain.rows)
                multiLinePeeks += peeking.peeked.filter { $0.contains("\n") }.count
            }
        }
        // The texts do reach rows quoted over several lines, not only plain ones.
        #expect(multiLinePeeks > 0)
    }
}
