/// The character encoding of an export, as a mapping declares it.
///
/// Only the two encodings the job-centre exports use. The raw values are the
/// names a mapping file writes (`utf-8`, `windows-1252`).
public enum TextEncoding: String, Sendable, Hashable, Codable, CaseIterable {
    case utf8 = "utf-8"
    case windows1252 = "windows-1252"
}

/// Byte-level validation and transcoding for `TextEncoding`.
///
/// Strict: a byte that is not valid in the encoding is an error, never a
/// silent U+FFFD (a row with one is rejected as `bad_encoding`).
enum Encoding {
    /// Windows-1252 bytes 0x80–0x9F as Unicode scalars; 0 marks the five
    /// undefined bytes 0x81, 0x8D, 0x8F, 0x90 and 0x9D. 0xA0–0xFF map to
    /// U+00A0–U+00FF (as in Latin-1).
    static let cp1252High: [UInt16] = [
        0x20AC, 0x0000, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x0000, 0x017D, 0x0000,
        0x0000, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x0000, 0x017E, 0x0178,
    ]

    @inline(__always)
    static func isUndefinedCP1252(_ b: UInt8) -> Bool {
        b == 0x81 || b == 0x8D || b == 0x8F || b == 0x90 || b == 0x9D
    }

    /// Length of the well-formed UTF-8 sequence starting at `i` (before `end`),
    /// or 0 when the bytes there are not one (overlong forms, surrogates and
    /// scalars above U+10FFFF are rejected, as Unicode requires).
    @inline(__always)
    static func utf8SequenceLength(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> Int {
        let b0 = p[i]
        if b0 < 0x80 { return 1 }
        if b0 < 0xC2 { return 0 }
        if b0 < 0xE0 {
            return i + 1 < end && p[i + 1] & 0xC0 == 0x80 ? 2 : 0
        }
        if b0 < 0xF0 {
            guard i + 2 < end else { return 0 }
            let b1 = p[i + 1]
            let lo: UInt8 = b0 == 0xE0 ? 0xA0 : 0x80
            let hi: UInt8 = b0 == 0xED ? 0x9F : 0xBF
            guard b1 >= lo, b1 <= hi, p[i + 2] & 0xC0 == 0x80 else { return 0 }
            return 3
        }
        if b0 < 0xF5 {
            guard i + 3 < end else { return 0 }
            let b1 = p[i + 1]
            let lo: UInt8 = b0 == 0xF0 ? 0x90 : 0x80
            let hi: UInt8 = b0 == 0xF4 ? 0x8F : 0xBF
            guard b1 >= lo, b1 <= hi, p[i + 2] & 0xC0 == 0x80, p[i + 3] & 0xC0 == 0x80 else { return 0 }
            return 4
        }
        return 0
    }

    /// Whether every byte of `bytes` is valid in `encoding`.
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>, _ encoding: TextEncoding) -> Bool {
        guard let p = bytes.baseAddress else { return true }
        let n = bytes.count
        switch encoding {
        case .windows1252:
            // Eight bytes at a time: most rows of a Danish export hold a non-ASCII letter
            // (0xC0-0xFF), so this runs over each of them whole. Only a word holding a byte of
            // 0x80-0x9F, where the five undefined bytes are, is looked at byte by byte.
            var i = 0
            while i + 8 <= n {
                let word = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                let x = (word & 0xE0E0_E0E0_E0E0_E0E0) ^ 0x8080_8080_8080_8080  // a zero byte: 0x80-0x9F
                if (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080 != 0 {
                    for k in i..<(i + 8) where isUndefinedCP1252(p[k]) { return false }
                }
                i += 8
            }
            for k in i..<n where isUndefinedCP1252(p[k]) { return false }
            return true
        case .utf8:
            var i = 0
            while i < n {
                if p[i] < 0x80 { i += 1; continue }
                let len = utf8SequenceLength(p, i, n)
                if len == 0 { return false }
                i += len
            }
            return true
        }
    }

    @inline(__always)
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var acc: UInt8 = 0
        for b in bytes { acc |= b }
        return acc < 0x80
    }

    /// Writes the UTF-8 form of Windows-1252 `bytes` to `out`, which must have
    /// room for `3 * bytes.count` (€ takes three bytes); returns the count
    /// written, or nil on one of the five undefined bytes.
    static func transcodeCP1252(_ bytes: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<UInt8>) -> Int? {
        var o = 0
        for b in bytes {
            if b < 0x80 {
                out[o] = b; o += 1
            } else if b >= 0xA0 {
                out[o] = 0xC0 | (b >> 6); out[o + 1] = 0x80 | (b & 0x3F); o += 2
            } else {
                let s = cp1252High[Int(b - 0x80)]
                if s == 0 { return nil }
                if s < 0x800 {
                    out[o] = 0xC0 | UInt8(s >> 6); out[o + 1] = 0x80 | UInt8(s & 0x3F); o += 2
                } else {
                    out[o] = 0xE0 | UInt8(s >> 12)
                    out[o + 1] = 0x80 | UInt8((s >> 6) & 0x3F)
                    out[o + 2] = 0x80 | UInt8(s & 0x3F)
                    o += 3
                }
            }
        }
        return o
    }

    /// Decodes `bytes` for display only: each byte that is invalid in `encoding`
    /// is shown as `\xNN`, so a quarantined row keeps what was really there.
    static func lossyText(_ bytes: UnsafeBufferPointer<UInt8>, _ encoding: TextEncoding) -> String {
        guard let p = bytes.baseAddress else { return "" }
        let n = bytes.count
        var out: [UInt8] = []
        out.reserveCapacity(n + n / 4)
        var one: [UInt8] = [0, 0, 0]
        var i = 0
        while i < n {
            let b = p[i]
            if b < 0x80 { out.append(b); i += 1; continue }
            switch encoding {
            case .utf8:
                let len = utf8SequenceLength(p, i, n)
                if len == 0 {
                    appendEscape(b, &out); i += 1
                } else {
                    out.append(contentsOf: UnsafeBufferPointer(start: p + i, count: len)); i += len
                }
            case .windows1252:
                let written = one.withUnsafeMutableBufferPointer { o in
                    transcodeCP1252(UnsafeBufferPointer(start: p + i, count: 1), into: o.baseAddress!)
                }
                if let written { out.append(contentsOf: one[0..<written]) } else { appendEscape(b, &out) }
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func appendEscape(_ b: UInt8, _ out: inout [UInt8]) {
        let hex = Array("0123456789ABCDEF".utf8)
        out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "x"))
        out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 0xF)])
    }
}
