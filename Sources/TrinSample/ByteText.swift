import TrinCore

/// Text encodings the exports use, and the byte-level helpers the writers share.
///
/// Writers build bytes, not Strings: the declared encoding is part of what the
/// sample tests, and the bulk writers must not allocate per field.
enum TextEncoding: String, Sendable {
    case windows1252 = "windows-1252"
    case utf8 = "utf-8"

    /// The bytes of `text`. Windows-1252 covers Latin-1 plus the 0x80–0x9F
    /// punctuation; the sample only uses characters it can encode.
    func encode(_ text: String) -> [UInt8] {
        switch self {
        case .utf8:
            return Array(text.utf8)
        case .windows1252:
            var out: [UInt8] = []
            out.reserveCapacity(text.utf8.count)
            for scalar in text.unicodeScalars {
                let v = scalar.value
                if v < 0x80 || (v >= 0xA0 && v <= 0xFF) {
                    out.append(UInt8(v))
                } else if let b = TextEncoding.cp1252High[v] {
                    out.append(b)
                } else {
                    preconditionFailure("not encodable in Windows-1252: U+\(String(v, radix: 16))")
                }
            }
            return out
        }
    }

    /// The Windows-1252 bytes 0x80–0x9F that the sample uses (the rest are unused).
    static let cp1252High: [UInt32: UInt8] = [
        0x20AC: 0x80, 0x2013: 0x96, 0x2014: 0x97, 0x2018: 0x91, 0x2019: 0x92, 0x201C: 0x93, 0x201D: 0x94,
    ]
}

extension Array where Element == UInt8 {
    /// Appends a non-negative integer in decimal, left-padded with zeros to `width`.
    @inline(__always)
    mutating func appendDecimal(_ value: Int, width: Int = 1) {
        precondition(value >= 0)
        var divisor = 1, count = 1
        while value / divisor >= 10 { divisor *= 10; count += 1 }
        var pad = width - count
        while pad > 0 { append(48); pad -= 1 }
        while divisor > 0 {
            append(UInt8(48 + (value / divisor) % 10))
            divisor /= 10
        }
    }

    @inline(__always)
    mutating func appendASCII(_ text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }

    /// Appends a field of a delimited file, quoted only when it holds the
    /// delimiter, a quote or a line break (a quote inside is doubled).
    mutating func appendCSVField(_ field: [UInt8], delimiter: UInt8) {
        let needsQuotes = field.contains { $0 == delimiter || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
        guard needsQuotes else { append(contentsOf: field); return }
        append(0x22)
        for b in field {
            if b == 0x22 { append(0x22) }
            append(b)
        }
        append(0x22)
    }
}

extension Day {
    /// `dd-MM-yyyy`, the case system's date format.
    func appendDanish(to out: inout [UInt8]) {
        let c = components
        out.appendDecimal(c.day, width: 2); out.append(0x2D)
        out.appendDecimal(c.month, width: 2); out.append(0x2D)
        out.appendDecimal(c.year, width: 4)
    }

    /// `yyyy-MM-dd`.
    func appendISO(to out: inout [UInt8]) {
        let c = components
        out.appendDecimal(c.year, width: 4); out.append(0x2D)
        out.appendDecimal(c.month, width: 2); out.append(0x2D)
        out.appendDecimal(c.day, width: 2)
    }

    var danish: [UInt8] { var o: [UInt8] = []; appendDanish(to: &o); return o }
    var iso: [UInt8] { var o: [UInt8] = []; appendISO(to: &o); return o }
}
