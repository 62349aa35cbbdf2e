/// Masks anything in a text that could be a CPR number, before the text is kept.
///
/// A run of digits, spaces and at most one hyphen holding 9 to 11 digits, with the
/// hyphen (if any) after the 5th to 7th digit, is replaced digit by digit with `X`:
/// CPR numbers in every spelling, and near misses. Dates (`03-01-2023`), timestamps
/// and case ids like `F-2023-0004711` (hyphen after the 4th digit) stay readable,
/// since operations need them to find the row in the source system.
public enum PersonalDataMask {
    public static func mask(_ text: String) -> String {
        var bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            guard isDigit(bytes[i]) else { i += 1; continue }
            var j = i, digits = 0, hyphens = 0, lastDigit = i, digitsBeforeHyphen = 0
            while j < bytes.count {
                let b = bytes[j]
                if isDigit(b) { digits += 1; lastDigit = j }
                else if b == UInt8(ascii: "-") { hyphens += 1; if hyphens > 1 { break }; digitsBeforeHyphen = digits }
                else if b != UInt8(ascii: " ") { break }
                j += 1
            }
            let cprShaped = (9...11).contains(digits) && (hyphens == 0 || (5...7).contains(digitsBeforeHyphen))
            if cprShaped || digits >= 12 && hyphens == 0 {
                for k in i...lastDigit where isDigit(bytes[k]) { bytes[k] = UInt8(ascii: "X") }
                i = lastDigit + 1
            } else {
                i += 1  // rescan from the next digit: a CPR may follow a date's hyphen
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The masked form of a field known to hold a CPR number.
    public static let maskedCPR = "XXXXXX-XXXX"

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
}
