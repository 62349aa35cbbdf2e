import Crypto
import Foundation

/// Finds CPR numbers (and plain, unkeyed hashes of them) in files: the test
/// side of "no CPR number ever leaves the pipeline".
struct PrivacyScan {
    /// Every CPR-shaped number in the inputs, as ten digits.
    let cprs: Set<String>
    /// Unkeyed digests (SHA-256, SHA-1, MD5) of each spelling (ten digits, DDMMYY-SSSS,
    /// DDMMYY SSSS, and the keyed hash's own message `dk-cpr:v1:` + ten digits): hex, and
    /// the first eight bytes raw.
    let hexDigests: Set<String>
    let rawDigestPrefixes: Set<UInt64>
    /// Lengths of the hex digests looked for.
    static let hexLengths = [32, 40, 64]

    init(inputs: [String]) throws {
        var found = Set<String>()
        for path in inputs {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            for m in Self.cprShaped(bytes) { found.insert(m) }
        }
        cprs = found
        var hex = Set<String>(), raw = Set<UInt64>()
        for c in found {
            let date = String(c.prefix(6)), serial = String(c.suffix(4))
            for spelling in [c, date + "-" + serial, date + " " + serial, "dk-cpr:v1:" + c] {
                let bytes = Array(spelling.utf8)
                for d in [Array(SHA256.hash(data: bytes)), Array(Insecure.SHA1.hash(data: bytes)), Array(Insecure.MD5.hash(data: bytes))] {
                    hex.insert(d.map { String(format: "%02x", $0) }.joined())
                    raw.insert(d.prefix(8).reduce(0) { $0 << 8 | UInt64($1) })
                }
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

    /// What in `path` looks like one of the inputs' CPR numbers or their plain hashes. A
    /// missing file is a finding unless `mayBeMissing` (a journal that only exists mid-write):
    /// a scan of nothing proves nothing.
    func leaks(in path: String, mayBeMissing: Bool = false) throws -> [String] {
        guard FileManager.default.fileExists(atPath: path) else { return mayBeMissing ? [] : ["\(path): missing, so not scanned"] }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return leaks(in: data, name: path)
    }

    /// Every regular file under `folder`, scanned; a missing or empty folder is a finding.
    func leaks(under folder: String) throws -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return ["\(folder): missing, so not scanned"] }
        var leaks: [String] = [], files = 0
        while let relative = walker.nextObject() as? String {
            var isFolder: ObjCBool = false
            let path = folder + "/" + relative
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            files += 1
            leaks += try self.leaks(in: path)
        }
        return files > 0 ? leaks : ["\(folder): no files, so nothing scanned"]
    }

    func leaks(in data: Data, name: String) -> [String] {
        var leaks: [String] = []
        for c in Self.cprShaped(data) where cprs.contains(c) { leaks.append("\(name): a CPR number") }
        let b = [UInt8](data)
        // Hex digests: the last 32, 40 or 64 characters of any run of hex digits (either case).
        var run = 0
        for (i, x) in b.enumerated() {
            let isHex = (x >= 48 && x <= 57) || (x | 0x20 >= 97 && x | 0x20 <= 102)
            run = isHex ? run + 1 : 0
            for length in Self.hexLengths where run >= length {
                let s = String(decoding: b[(i - length + 1)...i], as: UTF8.self).lowercased()
                if hexDigests.contains(s) { leaks.append("\(name): an unkeyed hash of a CPR number (hex)") }
            }
        }
        // Raw digests: any 8-byte window equal to a digest's first 8 bytes.
        if b.count >= 8 {
            var w: UInt64 = 0
            for (i, x) in b.enumerated() {
                w = w << 8 | UInt64(x)
                if i >= 7, rawDigestPrefixes.contains(w) { leaks.append("\(name): an unkeyed hash of a CPR number (binary)") }
            }
        }
        return leaks
    }
}
