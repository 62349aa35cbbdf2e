/// A Danish CPR number that passed the format and date rules of docs/definitions.md.
///
/// The value never prints: `description` is masked, so that string
/// interpolation into a log line or an error cannot leak it. Only the
/// pseudonymiser reads the digits.
public struct CPRNumber: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The number as an integer (the ten digits, normalised): no allocation per number.
    let value: UInt64
    /// The birth date encoded in the number (replacement numbers resolved).
    public let birthDate: Day

    /// Why a text is not a CPR number.
    public enum Failure: Error, Sendable, Equatable {
        /// Not ten digits after removing whitespace and one hyphen after the sixth digit.
        case malformed
        /// Ten digits, but the date part is not a real date under the century rule.
        case invalidDate
    }

    /// Validates and normalises raw bytes from an export.
    public static func parse(_ raw: some Collection<UInt8>) -> Result<CPRNumber, Failure> {
        var d = DigitBuffer()
        var hyphens = 0
        var i = raw.startIndex
        while i != raw.endIndex {
            let b = raw[i]
            switch b {
            case UInt8(ascii: "-"):
                // Only one hyphen, and only between the sixth and seventh digit.
                guard hyphens == 0, d.count == 6 else { return .failure(.malformed) }
                hyphens += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard d.count < 10 else { return .failure(.malformed) }
                d.append(b)
            default:
                // Whitespace anywhere is removed: ASCII, and Unicode's (a no-break space
                // from Windows-1252 0xA0 among them).
                let width = whitespaceWidth(raw, at: i)
                guard width > 0 else { return .failure(.malformed) }
                i = raw.index(i, offsetBy: width)
                continue
            }
            i = raw.index(after: i)
        }
        guard d.count == 10 else { return .failure(.malformed) }
        guard let birth = birthDate(digits: d) else { return .failure(.invalidDate) }
        return .success(CPRNumber(value: d.value, birthDate: birth))
    }

    /// The UTF-8 length of the whitespace character at `i`, or 0. Whitespace is Unicode's
    /// White_Space property plus the ASCII separators U+001C…U+001F (as Python's `\s`).
    static func whitespaceWidth<C: Collection<UInt8>>(_ raw: C, at i: C.Index) -> Int {
        let b0 = raw[i]
        switch b0 {
        case 0x09...0x0D, 0x1C...0x20: return 1
        case 0xC2, 0xE1, 0xE2, 0xE3:
            var bytes: [UInt8] = [b0]
            var j = raw.index(after: i)
            while bytes.count < (b0 == 0xC2 ? 2 : 3), j != raw.endIndex { bytes.append(raw[j]); j = raw.index(after: j) }
            switch bytes {
            case [0xC2, 0x85], [0xC2, 0xA0]: return 2                       // NEL, NO-BREAK SPACE
            case [0xE1, 0x9A, 0x80]: return 3                                // OGHAM SPACE MARK
            case [0xE2, 0x80, 0xA8], [0xE2, 0x80, 0xA9], [0xE2, 0x80, 0xAF]: return 3  // LS, PS, NNBSP
            case [0xE2, 0x81, 0x9F], [0xE3, 0x80, 0x80]: return 3            // MMSP, IDEOGRAPHIC SPACE
            default:
                if bytes.count == 3, bytes[0] == 0xE2, bytes[1] == 0x80, (0x80...0x8A).contains(bytes[2]) { return 3 }  // EN QUAD … HAIR SPACE
                return 0
            }
        default: return 0
        }
    }

    public static func parse(_ text: String) -> Result<CPRNumber, Failure> { parse(Array(text.utf8)) }

    /// The decoder's entry point: concrete, so that it is specialised here rather than
    /// called generically from another module once per row.
    public static func parse(_ raw: UnsafeBufferPointer<UInt8>) -> Result<CPRNumber, Failure> { parse(raw[...]) }

    /// The birth date under the century rule of the seventh digit, or nil.
    static func birthDate(digits d: DigitBuffer) -> Day? {
        func n(_ i: Int) -> Int { d.digit(i) }
        var day = n(0) * 10 + n(1)
        let month = n(2) * 10 + n(3)
        let yy = n(4) * 10 + n(5)
        if day >= 61 && day <= 91 { day -= 60 }  // replacement number
        let century: Int
        switch n(6) {
        case 0...3: century = 1900
        case 4, 9: century = yy <= 36 ? 2000 : 1900
        default: century = yy <= 57 ? 2000 : 1800
        }
        return Day(year: century + yy, month: month, day: day)
    }

    /// The ten ASCII digits, lent for the duration of `body` (for the keyed hash only).
    public func withDigits<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        var ascii: (UInt64, UInt16) = (0, 0)
        return withUnsafeMutableBytes(of: &ascii) { buf in
            var v = value
            for i in stride(from: 9, through: 0, by: -1) {
                buf[i] = UInt8(48 + v % 10)
                v /= 10
            }
            return body(UnsafeRawBufferPointer(rebasing: buf[0..<10]))
        }
    }

    /// The ten digits as text. Tests only: production code never needs the number as text.
    public var digits: [UInt8] { withDigits { Array($0) } }

    public var description: String { "CPR(masked)" }
    public var debugDescription: String { "CPR(masked)" }
}

/// Up to ten digits collected while scanning, without an allocation.
struct DigitBuffer {
    private(set) var value: UInt64 = 0
    private(set) var count = 0

    mutating func append(_ asciiDigit: UInt8) {
        value = value * 10 + UInt64(asciiDigit - 48)
        count += 1
    }

    /// The digit at position `i` of ten (0 is the first).
    func digit(_ i: Int) -> Int {
        var v = value
        for _ in 0..<(9 - i) { v /= 10 }
        return Int(v % 10)
    }
}
