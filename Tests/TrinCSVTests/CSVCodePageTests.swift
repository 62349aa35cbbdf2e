import Foundation
import Testing
@testable import TrinCSV

/// The byte-level decoders checked against Foundation's, an independent implementation.
@Suite("Code pages against Foundation")
struct CSVCodePageTests {
    @Test func everyWindows1252ByteDecodesAsFoundationDoes() throws {
        var bytes = Array("a\n".utf8)
        for b in UInt8(0x80)...UInt8(0xFF) { bytes += [UInt8(ascii: "x"), b, UInt8(ascii: "\n")] }
        let (_, rows) = try readAll(try TempCSV(bytes), .init(encoding: .windows1252))
        #expect(rows.count == 128)
        for (k, row) in rows.enumerated() {
            let b = UInt8(0x80 + k)
            let expected = String(data: Data([UInt8(ascii: "x"), b]), encoding: .windowsCP1252)
            #expect(row.fields == [expected], "byte \(String(b, radix: 16))")
            #expect((row.problem == .badEncoding(field: 0)) == (expected == nil), "byte \(String(b, radix: 16))")
        }
    }

    @Test func windows1252ValidationAgreesWithFoundationAtEveryPosition() {
        // The check reads eight bytes at a time: every high byte at every position of a row
        // longer than two words, among Danish letters (high bytes themselves).
        for b in UInt8(0x80)...UInt8(0xFF) {
            for position in 0..<21 {
                var bytes = [UInt8](repeating: 0xE6, count: 21)  // æ
                bytes[position] = b
                let ours = bytes.withUnsafeBufferPointer { Encoding.isValid($0, .windows1252) }
                let theirs = String(data: Data(bytes), encoding: .windowsCP1252) != nil
                #expect(ours == theirs, "byte \(String(b, radix: 16)) at \(position)")
            }
        }
    }

    @Test func wordAtATimeScanFindsEveryDelimiterAndHighByte() throws {
        // Unquoted fields are scanned eight bytes at a time: a delimiter, a line end or a
        // byte of the upper half at every position of a long field must be seen.
        for position in 0..<21 {
            var split = Array("abcdefghijklmnopqrstu".utf8)
            split[position] = UInt8(ascii: ";")
            var undefined = Array("abcdefghijklmnopqrstu".utf8)
            undefined[position] = 0x81  // undefined in Windows-1252
            var letter = Array("abcdefghijklmnopqrstu".utf8)
            letter[position] = 0xF8  // ø
            let bytes = Array("a;b\n".utf8) + split + [0x0A] + undefined + Array(";x\n".utf8) + letter + Array(";y".utf8)
            // A small buffer also ends rows inside a word.
            for bufferSize in [16, 23, 1 << 20] {
            let (_, rows) = try readAll(try TempCSV(bytes), .forloeb, bufferSize: bufferSize)
            let text = "abcdefghijklmnopqrstu"
            let cut = text.index(text.startIndex, offsetBy: position)
            #expect(rows.count == 3)
            #expect(rows[0].fields == [String(text[..<cut]), String(text[text.index(after: cut)...])], "delimiter at \(position)")
            #expect(rows[1].problem == .badEncoding(field: 0), "undefined byte at \(position)")
            #expect(rows[2].fields == [String(text[..<cut]) + "ø" + String(text[text.index(after: cut)...]), "y"], "letter at \(position)")
            }
        }
    }

    @Test func lentFieldsOfARowStayValidTogether() throws {
        // Windows-1252 fields are transcoded into the row's own memory; every field lent
        // from a row must still read right after the others, also when a long row makes
        // that memory grow.
        let long = [UInt8](repeating: 0xF8, count: 9000)  // ø, longer than the initial room
        let file = try TempCSV([UInt8]("a;b;c;d\r\n".utf8) + [0xE6, 0x3B] + long + [0x3B, 0x61, 0x3B, 0xE5, 0x0D, 0x0A]
                               + [0xC6, 0x3B, 0xD8, 0x3B, 0x62, 0x3B, 0xC5, 0x0D, 0x0A])
        let reader = try CSVReader(path: file.path, dialect: .forloeb)
        for expected in [["æ", String(repeating: "ø", count: 9000), "a", "å"], ["Æ", "Ø", "b", "Å"]] {
            let row = try #require(try reader.next())
            // Every field lent twice: the second loan needs room the row's reservation did not count.
            let lent = (0..<4).map { row.lendUTF8($0) } + (0..<4).map { row.lendUTF8($0) }
            #expect(lent.map { $0.map { String(decoding: $0, as: UTF8.self) } } == expected + expected)
        }
    }

    @Test func utf8ValidationAgreesWithFoundation() {
        // Deterministic pseudo-random short byte strings, biased towards the
        // lead and continuation bytes where the edge cases live.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func nextByte() -> UInt8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let r = UInt8(truncatingIfNeeded: state >> 56)
            switch r & 3 {
            case 0: return 0x80 | ((r >> 2) & 0x3F)  // continuation byte
            case 1: return 0xC0 | (r >> 2)  // lead byte (and the never-valid C0, C1, F5–FF)
            default: return r
            }
        }
        var disagreements: [[UInt8]] = []
        var validNonASCII = 0
        for _ in 0..<20_000 {
            let count = 1 + Int(nextByte() % 4)
            let bytes = (0..<count).map { _ in nextByte() }
            let ours = bytes.withUnsafeBufferPointer { Encoding.isValid($0, .utf8) }
            let theirs = String(data: Data(bytes), encoding: .utf8) != nil
            if ours != theirs { disagreements.append(bytes) }
            if theirs && bytes.contains(where: { $0 >= 0x80 }) { validNonASCII += 1 }
        }
        #expect(validNonASCII > 500)  // the sample holds many valid multi-byte sequences too
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
    }

    @Test func nestedUTF8AccessKeepsBothFields() throws {
        let file = try TempCSV([UInt8]("a;b\r\n".utf8) + [0xE6, 0x3B, 0xF8, 0x0D, 0x0A])
        let reader = try CSVReader(path: file.path, dialect: .forloeb)
        let row = try #require(try reader.next())
        let pair = row.withUTF8(0) { a in row.withUTF8(1) { b in (Array(a), Array(b)) } }
        #expect(pair??.0 == Array("æ".utf8))
        #expect(pair??.1 == Array("ø".utf8))
    }
}
