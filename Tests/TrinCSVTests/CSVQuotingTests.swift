import Testing
@testable import TrinCSV
import TrinCore

@Suite("CSV quoting, line ends and line numbers")
struct CSVQuotingTests {
    @Test func quotedDelimiterStaysInField() throws {
        let file = try TempCSV("Navn;By\n\"Genbrug; Reparation\";Slagelse\n")
        let (header, rows) = try readAll(file, semicolonUTF8)
        #expect(header == ["Navn", "By"])
        #expect(rows.count == 1)
        #expect(rows[0].fields == ["Genbrug; Reparation", "Slagelse"])
        #expect(rows[0].problem == nil)
    }

    @Test func doubledQuotesCollapse() throws {
        let file = try TempCSV("Virksomhed;CVR\n\"Café \"\"Mosaik\"\"; Slagelse\";12345674\n\"\"\"\";x\n")
        let (_, rows) = try readAll(file, semicolonUTF8)
        #expect(rows.map(\.fields) == [["Café \"Mosaik\"; Slagelse", "12345674"], ["\"", "x"]])
    }

    @Test func lineBreakInsideQuotesMakesLaterLineNumbersJump() throws {
        let file = try TempCSV("a,b\n1,\"two\nlines\"\n2,x\n3,\"three\r\nmore\nlines\"\n4,y\n")
        let (_, rows) = try readAll(file, .virksomheder)
        #expect(rows.map(\.line) == [2, 4, 5, 8])
        #expect(rows[0].fields == ["1", "two\nlines"])
        #expect(rows[2].fields == ["3", "three\r\nmore\nlines"])  // line breaks inside quotes are data
        #expect(rows[3].fields == ["4", "y"])
    }

    @Test func crlfAndLFReadTheSame() throws {
        let lf = try readAll(try TempCSV("a;b\n1;\"x;y\"\n2;z\n"), semicolonUTF8)
        let crlf = try readAll(try TempCSV("a;b\r\n1;\"x;y\"\r\n2;z\r\n"), semicolonUTF8)
        #expect(crlf.header == ["a", "b"])
        #expect(crlf.rows.map(\.fields) == [["1", "x;y"], ["2", "z"]])
        #expect(crlf.rows.map(\.fields) == lf.rows.map(\.fields))
        #expect(crlf.rows.map(\.line) == [2, 3])
        #expect(crlf.rows.map(\.raw) == ["1;\"x;y\"", "2;z"])
    }

    @Test func lastLineWithoutNewlineIsRead() throws {
        let (_, rows) = try readAll(try TempCSV("a;b\r\n1;2\r\n3;4"), semicolonUTF8)
        #expect(rows.map(\.fields) == [["1", "2"], ["3", "4"]])
        let (_, quoted) = try readAll(try TempCSV("a;b\n1;\"x\""), semicolonUTF8)
        #expect(quoted.map(\.fields) == [["1", "x"]])
    }

    @Test func blankLinesAreSkippedButCounted() throws {
        let (_, rows) = try readAll(try TempCSV("a;b\r\n\r\n1;2\n\n\n3;4\n\n"), semicolonUTF8)
        #expect(rows.map(\.fields) == [["1", "2"], ["3", "4"]])
        #expect(rows.map(\.line) == [3, 6])
    }

    @Test func quoteInsideUnquotedFieldIsLiteral() throws {
        let (_, rows) = try readAll(try TempCSV("a;b\n12\" skærm;x\n\"ab\"c;y\n"), semicolonUTF8)
        #expect(rows.map(\.fields) == [["12\" skærm", "x"], ["abc", "y"]])
        #expect(rows.allSatisfy { $0.problem == nil })
    }

    @Test func emptyFieldsAndEmptyQuotedFields() throws {
        let (_, rows) = try readAll(try TempCSV("a;b;c\n;;\n\"\";\"\";\"\"\n"), semicolonUTF8)
        #expect(rows.map(\.fields) == [["", "", ""], ["", "", ""]])
    }

    @Test func trailingDelimiterOnEveryLineDropsOneEmptyField() throws {
        let file = try TempCSV("a;b;c;\r\n1;2;3;\r\n4;5;;\r\n6;7;8;9;\r\n10;11;12\r\n")
        let (header, rows) = try readAll(file, semicolonUTF8)
        #expect(header == ["a", "b", "c"])
        #expect(rows[0].fields == ["1", "2", "3"])
        #expect(rows[0].problem == nil)
        #expect(rows[1].fields == ["4", "5", ""])  // only one empty field is dropped
        #expect(rows[1].problem == nil)
        #expect(rows[2].problem == .fieldCount(expected: 3, found: 4))  // the extra field is not empty
        #expect(rows[3].fields == ["10", "11", "12"])  // a line without the trailing delimiter still fits
    }

    @Test func headerWithoutTrailingEmptyFieldKeepsEmptyLastFields() throws {
        let (_, rows) = try readAll(try TempCSV("a;b;c\n1;2;\n"), semicolonUTF8)
        #expect(rows[0].fields == ["1", "2", ""])
        #expect(rows[0].problem == nil)
    }

    @Test func tooFewAndTooManyFieldsAreReportedAndReadingGoesOn() throws {
        let file = try TempCSV("a;b;c\n1;2;3\n1;2\n1;2;3;4\n\"x;y\";2\n7;8;9\n")
        let (_, rows) = try readAll(file, semicolonUTF8)
        #expect(rows.map(\.problem) == [
            nil,
            .fieldCount(expected: 3, found: 2),
            .fieldCount(expected: 3, found: 4),
            .fieldCount(expected: 3, found: 2),
            nil,
        ])
        #expect(rows.map(\.line) == [2, 3, 4, 5, 6])
        #expect(rows[1].problem?.rejectReason == .fieldCount)
        #expect(rows[2].raw == "1;2;3;4")
        #expect(rows[4].fields == ["7", "8", "9"])
    }

    @Test func unclosedQuoteAtEndOfFileKeepsEarlierRows() throws {
        let file = try TempCSV("a;b\r\n1;x\r\n2;y\r\n3;\"cut off her")
        let (_, rows) = try readAll(file, semicolonUTF8)
        #expect(rows.count == 3)
        #expect(rows[0].fields == ["1", "x"])
        #expect(rows[1].fields == ["2", "y"])
        #expect(rows[2].problem == .unclosedQuote)
        #expect(rows[2].problem?.rejectReason == .fieldCount)
        #expect(rows[2].line == 4)
        #expect(rows[2].raw == "3;\"cut off her")
    }

    @Test func unclosedQuoteMidFileCostsOnlyItsLine() throws {
        // The quote opened on line 3 is never closed: that line is rejected and
        // the lines after it are read again as rows.
        let file = try TempCSV("a;b\n1;x\n2;\"never closed\n3;z\n4;w\n")
        let (_, rows) = try readAll(file, semicolonUTF8)
        #expect(rows.map(\.line) == [2, 3, 4, 5])
        #expect(rows[1].problem == .unclosedQuote)
        #expect(rows[1].raw == "2;\"never closed")
        #expect(rows[2].fields == ["3", "z"])
        #expect(rows[3].fields == ["4", "w"])
    }

    @Test("a quote left open mid-file does not take the next row's opening quote as its close")
    func unclosedQuoteDoesNotSwallowTheNextRow() throws {
        // Line 2's quote is never closed; line 3 opens a quoted field of its own. Taken as one
        // row, the two would even have the right number of fields, and line 3 would be lost.
        let file = try TempCSV("""
            cpr;id;name;group;stage
            0101901234;F-1;"Café Nord;Kontanthjælp;Virksomhedspraktik
            0202924321;F-2;"Byens Bageri";Sygedagpenge;Løntimer
            0303934321;F-3;plain;Sygedagpenge;Løntimer

            """)
        let (_, rows) = try readAll(file, semicolonUTF8)
        #expect(rows.map(\.line) == [2, 3, 4])
        #expect(rows[0].problem == .unclosedQuote)
        #expect(rows[1].fields == ["0202924321", "F-2", "Byens Bageri", "Sygedagpenge", "Løntimer"])
        #expect(rows[2].fields.first == "0303934321")
        // A quoted field over two lines that closes cleanly is one field, as before.
        let good = try TempCSV("a;b\n1;\"two\nlines\"\n2;x\n")
        let (_, goodRows) = try readAll(good, semicolonUTF8)
        #expect(goodRows.map(\.fields) == [["1", "two\nlines"], ["2", "x"]])
        // Closed cleanly at the very end of the file, before a lone CR.
        let atEnd = try TempCSV("a;b\n1;\"x\ny\"\r")
        #expect(try readAll(atEnd, semicolonUTF8).1.map(\.fields) == [["1", "x\ny"]])
    }

    @Test func rowsSpanningTheReadBufferReadTheSameAtEveryBufferSize() throws {
        var text = "Navn;Note;By\r\n"
        for i in 0..<40 {
            text += "\"Café \"\"\(i)\"\"; A/S\";\"line one\r\nline two \(i)\";Slagelse \(i)\r\n"
            text += "plain \(i);;x\(i)\n"
        }
        let file = try TempCSV(text)
        let reference = try readAll(file, semicolonUTF8)
        #expect(reference.rows.count == 80)
        #expect(reference.rows[0].fields == ["Café \"0\"; A/S", "line one\r\nline two 0", "Slagelse 0"])
        #expect(reference.rows[1].line == 4)
        #expect(reference.rows.last?.line == 2 + 3 * 40 - 1)
        for size in [16, 17, 23, 31, 64, 100] {
            let small = try readAll(file, semicolonUTF8, bufferSize: size)
            #expect(small.header == reference.header, "buffer \(size)")
            #expect(small.rows == reference.rows, "buffer \(size)")
        }
    }

    @Test func crlfSplitAcrossBuffersIsOneLineEnd() throws {
        // With a 16-byte buffer the CR and LF of the first row fall into different reads.
        let file = try TempCSV("abcdefghijklm;n\r\nopqrstuvwxyz;1\r\n2;3")
        let (_, rows) = try readAll(file, .init(delimiter: UInt8(ascii: ";"), hasHeader: false), bufferSize: 16)
        #expect(rows.map(\.fields) == [["abcdefghijklm", "n"], ["opqrstuvwxyz", "1"], ["2", "3"]])
        #expect(rows.map(\.line) == [1, 2, 3])
    }

    @Test func rowLongerThanTheLimitIsReportedAndSkipped() throws {
        let long = String(repeating: "x", count: 300)
        let file = try TempCSV("a;b\n1;2\n\(long);\(long)\n3;4\n")
        let (_, rows) = try readAll(file, semicolonUTF8, bufferSize: 64, maxRowBytes: 256)
        #expect(rows.count == 3)
        #expect(rows[1].problem == .rowTooLong(limit: 256))
        #expect(rows[1].line == 3)
        #expect(rows[1].raw == String(repeating: "x", count: 256))  // only the row's start is kept
        #expect(rows[2].fields == ["3", "4"])
        #expect(rows[2].line == 4)
        // The same when the long row fits in the read buffer.
        let (_, fitting) = try readAll(file, semicolonUTF8, bufferSize: 4096, maxRowBytes: 256)
        #expect(fitting == rows)
    }

    @Test func withoutHeaderNoFieldCountIsChecked() throws {
        let file = try TempCSV("1;2;3\n4\n")
        let (header, rows) = try readAll(file, .init(delimiter: UInt8(ascii: ";"), hasHeader: false))
        #expect(header.isEmpty)
        #expect(rows.map(\.fields) == [["1", "2", "3"], ["4"]])
        #expect(rows.map(\.line) == [1, 2])
        #expect(rows.allSatisfy { $0.problem == nil })
    }

    @Test func fieldBytesAreUnquotedWithoutCopies() throws {
        let file = try TempCSV("a;b\n\"x\"\"y\";plain\n")
        let reader = try CSVReader(path: file.path, dialect: semicolonUTF8)
        let row = try #require(try reader.next())
        #expect(Array(row.field(0)) == Array("x\"y".utf8))
        #expect(Array(row.field(1)) == Array("plain".utf8))
        #expect(!row.isEmpty(1))
        #expect(try reader.next() == nil)
        #expect(reader.bytesRead == reader.fileSize)
    }
}
