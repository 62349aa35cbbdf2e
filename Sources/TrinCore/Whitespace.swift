/// White space as trin reads it in exports: Unicode's White_Space property plus the ASCII
/// separators U+001C…U+001F — the characters Python's `str.isspace` (and so `str.strip`)
/// calls white space, and the same set `CPRNumber` removes from inside a CPR number.
///
/// Works on UTF-8 bytes (every export is decoded to UTF-8 before a rule reads it; a
/// Windows-1252 0xA0 arrives as U+00A0, `C2 A0`).
public enum Whitespace {
    /// `text` without its leading and trailing white space: a slice of the same memory, so
    /// trimming copies nothing. A text that starts and ends with a printable ASCII byte (by far
    /// the most common field) is returned after two byte comparisons: inlinable, so that the
    /// decoder in another module does them in line, without a call per value.
    @inlinable @inline(__always)
    public static func trimmed(_ text: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard let base = text.baseAddress, text.count > 0 else { return text }
        let first = base[0], last = base[text.count - 1]
        if first > 0x20, first < 0x80, last > 0x20, last < 0x80 { return text }
        return trimmedSlowly(base, text.count)
    }

    @usableFromInline @inline(never)
    static func trimmedSlowly(_ base: UnsafePointer<UInt8>, _ count: Int) -> UnsafeBufferPointer<UInt8> {
        var start = 0, end = count
        while start < end {
            let width = leadingWidth(base, start, end)
            if width == 0 { break }
            start += width
        }
        while end > start {
            let width = trailingWidth(base, start, end)
            if width == 0 { break }
            end -= width
        }
        return UnsafeBufferPointer(start: base + start, count: end - start)
    }

    /// Whether a single byte is white space (ASCII tab … carriage return, U+001C … space).
    @inline(__always)
    static func isASCIIWhitespace(_ b: UInt8) -> Bool { (b >= 0x09 && b <= 0x0D) || (b >= 0x1C && b <= 0x20) }

    /// Whether the three bytes are one of the three-byte white space characters: U+1680,
    /// U+2000…U+200A, U+2028, U+2029, U+202F, U+205F, U+3000.
    @inline(__always)
    static func isThreeByteWhitespace(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8) -> Bool {
        switch b0 {
        case 0xE1: return b1 == 0x9A && b2 == 0x80                                  // OGHAM SPACE MARK
        case 0xE2:
            if b1 == 0x80 { return (b2 >= 0x80 && b2 <= 0x8A) || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF }
            return b1 == 0x81 && b2 == 0x9F                                        // MEDIUM MATHEMATICAL SPACE
        case 0xE3: return b1 == 0x80 && b2 == 0x80                                  // IDEOGRAPHIC SPACE
        default: return false
        }
    }

    /// The UTF-8 length of the white space character at `i` (before `end`), or 0.
    static func leadingWidth(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> Int {
        let b0 = p[i]
        if isASCIIWhitespace(b0) { return 1 }
        if b0 == 0xC2, i + 1 < end, p[i + 1] == 0x85 || p[i + 1] == 0xA0 { return 2 }  // NEL, NO-BREAK SPACE
        if b0 >= 0xE1, b0 <= 0xE3, i + 2 < end, isThreeByteWhitespace(b0, p[i + 1], p[i + 2]) { return 3 }
        return 0
    }

    /// The UTF-8 length of the white space character that ends just before `end` (not
    /// reaching before `start`), or 0.
    static func trailingWidth(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        let last = p[end - 1]
        if isASCIIWhitespace(last) { return 1 }
        guard last >= 0x80 else { return 0 }
        if end - start >= 2, p[end - 2] == 0xC2, last == 0x85 || last == 0xA0 { return 2 }
        if end - start >= 3, isThreeByteWhitespace(p[end - 3], p[end - 2], last) { return 3 }
        return 0
    }
}
