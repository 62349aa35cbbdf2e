/// A Danish CPR number that passed the format and date rules of definitions.md.
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
        for b in raw {
            switch b {
            case 0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C: continue
            case UInt8(ascii: "-"):
                // Only one hyphen, and only between the sixth and seventh digit.
                guard hyphens == 0, d.count == 6 else { return .failure(.malformed) }
                hyphens += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard d.count < 10 else { return .failure(.malformed) }
                d.append(b)
            default:
                return .failure(.malformed)
            }
        }
        guard d.count == 10 else { return .failure(.malformed) }
        guard let birth = birthDate(digits: d) else { return .failure(.invalidDate) }
        return .success(CPRNumber(value: d.value, birthDate: birth))
    }

    public static func parse(_ text: String) -> Result<CPRNumber, Failure> { parse(Array(text.utf8)) }

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
