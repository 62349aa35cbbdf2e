/// Lowercase hexadecimal text, two digits a byte: how trin writes digests, key ids,
/// key files and mapping fingerprints.
public enum Hex {
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A 64-bit value, big-endian: sixteen digits.
    public static func encode(_ value: UInt64) -> String {
        withUnsafeBytes(of: value.bigEndian) { encode($0) }
    }
}
