import Crypto
import Foundation

/// Finds CPR numbers (and plain, unkeyed hashes of them) in files: the test
/// side of "no CPR number ever leaves the pipeline".
struct PrivacyScan {
    /// Every CPR-shaped number in the inputs, as ten digits.
    let cprs: Set<String>
    /// SHA-256 of each spelling (ten digits, and DDMMYY-SSSS), hex and raw prefix.
    let hexDigests: Set<String>
    let rawDigestPrefixes: Set<UInt64>

    init(inputs: [String]) throws {
        var found = Set<String>()
        for path in inputs {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            for m in Self.cprShaped(bytes) { found.insert(m) }
        }
        cprs = found
        var hex = Set<String>(), raw = Set<UInt64>()
        for c in found {
            for spelling in [c, String(c.prefix(6)) + "-" + String(c.suffix(4))] {
                let d = Array(SHA256.hash(data: Array(spelling.utf8)))
                hex.insert(d.map { String(format: "%02x", $0) }.joined())
                raw.insert(d.prefix(8).reduce(0) { $0 << 8 | UInt64($1) })
            }
        }
        hexDigests = hex
        rawDigestPrefixes = raw
    }

    /// Ten digits, optionally with one hyphen or spaces after the sixth, not inside a longer digit run.
    static func cprShaped(_ bytes: Data) -> [String] {
        var out: [String] = []
        let b = [UInt8](bytes)
        var i = 0
        func digit(_ k: Int) -> Bool { k < b.count && b[k] >= 48 && b[k] <= 57 }
        while i < b.count {
            guard digit(i), i == 0 || !digit(i - 1) else { i += 1; continue }
            var digits: [UInt8] = []
            var k = i
            while k < b.count, digits.count < 11 {
                if digit(k) { digits.append(b[k]) } else if (b[k] == 45 || b[k] == 32) && digits.count == 6 { } else { break }
                k += 1
            }
            if digits.count == 10 { out.append(String(decoding: digits, as: UTF8.self)) }
            i = k
        }
        return out
    }

    /// What in `path` looks like one of the inputs' CPR numbers or their plain hashes.
    func leaks(in path: String) throws -> [String] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return leaks(in: data, name: path)
    }

    func leaks(in data: Data, name: String) -> [String] {
        var leaks: [String] = []
        for c in Self.cprShaped(data) where cprs.contains(c) { leaks.append("\(name): a CPR number") }
        let b = [UInt8](data)
        // Hex digests: any run of 64 hex digits.
        var run = 0
        for (i, x) in b.enumerated() {
            let isHex = (x >= 48 && x <= 57) || (x >= 97 && x <= 102)
            run = isHex ? run + 1 : 0
            if run >= 64 {
                let s = String(decoding: b[(i - 63)...i], as: UTF8.self)
                if hexDigests.contains(s) { leaks.append("\(name): a plain SHA-256 of a CPR number (hex)") }
            }
        }
        // Raw digests: any 8-byte window equal to a digest's first 8 bytes.
        if b.count >= 8 {
            var w: UInt64 = 0
            for (i, x) in b.enumerated() {
                w = w << 8 | UInt64(x)
                if i >= 7, rawDigestPrefixes.contains(w) { leaks.append("\(name): a plain SHA-256 of a CPR number (binary)") }
            }
        }
        return leaks
    }
}
