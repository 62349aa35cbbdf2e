import Testing
@testable import TrinCore

@Suite struct WhitespaceTests {
    func trimmed(_ text: String) -> String {
        var copy = text
        return copy.withUTF8 { String(decoding: Whitespace.trimmed($0), as: UTF8.self) }
    }

    @Test("leading and trailing white space goes, inner white space stays")
    func trimsBothEnds() {
        #expect(trimmed("SA-7 ") == "SA-7")
        #expect(trimmed(" Job") == "Job")
        #expect(trimmed("\t 12,5 \r\n") == "12,5")
        #expect(trimmed("\u{A0}2023-01-05\u{A0}") == "2023-01-05")               // no-break space (Windows-1252 0xA0)
        #expect(trimmed("\u{3000}\u{2028}x y\u{202F}\u{205F}\u{85}") == "x y")
        #expect(trimmed("Ordinært job") == "Ordinært job")
        #expect(trimmed(" \u{A0}\t\u{2003} ") == "")                               // all white: empty
        #expect(trimmed("") == "")
        #expect(trimmed("æ") == "æ" && trimmed(" æ ") == "æ")
        // Not white space: zero-width space, BOM, the ellipsis that Windows-1252 0x85 decodes to.
        #expect(trimmed("\u{200B}x\u{200B}") == "\u{200B}x\u{200B}")
        #expect(trimmed("\u{FEFF}x") == "\u{FEFF}x")
        #expect(trimmed("x\u{2026}") == "x\u{2026}")
        // A character that ends with a white-space-like byte is not cut (U+2005 ends in 0x85).
        #expect(trimmed("x\u{2005}") == "x" && trimmed("x\u{0105}") == "x\u{0105}" && trimmed("x\u{20A0}") == "x\u{20A0}")
    }

    /// Every Unicode scalar: white space exactly when it has Unicode's White_Space property or is
    /// one of U+001C…U+001F (Python's `str.isspace`), and exactly when a CPR number may hold it.
    @Test("the trimmed set is Unicode White_Space plus U+001C…U+001F, the same set a CPR number may hold")
    func theSetMatchesUnicodeAndTheCPRRule() {
        var disagreements: [String] = []
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let expected = scalar.properties.isWhitespace || (0x1C...0x1F).contains(value)
            let utf8 = Array(String(Character(scalar)).utf8)
            let alone = utf8.withUnsafeBufferPointer { Whitespace.trimmed($0).isEmpty }
            let around = ([0x78] + utf8 + [0x78] + utf8).withUnsafeBufferPointer { Whitespace.trimmed($0).count }
            let cpr = CPRNumber.whitespaceWidth(utf8, at: 0) == utf8.count
            if alone != expected || (expected && around != utf8.count + 2) || (!expected && around != 2 * utf8.count + 2)
                || cpr != expected {
                disagreements.append(String(value, radix: 16))
            }
        }
        #expect(disagreements.isEmpty, "U+\(disagreements.prefix(10))")
    }
}
