/// A citizen's pseudonym: the first 128 bits of a keyed hash of the CPR number.
///
/// Equal pseudonyms mean the same citizen under the same key. It is stored and
/// compared as 16 raw bytes (two words), never as hex text on the hot path.
public struct Pseudonym: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let high: UInt64
    public let low: UInt64

    public init(high: UInt64, low: UInt64) { self.high = high; self.low = low }

    /// From the first 16 bytes of a digest, big-endian.
    public init<C: Collection<UInt8>>(bytes: C) {
        var h: UInt64 = 0, l: UInt64 = 0
        var i = 0
        for b in bytes.prefix(16) {
            if i < 8 { h = h << 8 | UInt64(b) } else { l = l << 8 | UInt64(b) }
            i += 1
        }
        precondition(i == 16, "a pseudonym needs 16 bytes")
        high = h; low = l
    }

    /// The 16 bytes, big-endian (sorts like the pseudonym).
    public var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) }
            + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
    }

    /// 32 lowercase hex digits.
    public var description: String {
        let hex = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(32)
        for b in bytes { out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    public static func < (lhs: Pseudonym, rhs: Pseudonym) -> Bool { (lhs.high, lhs.low) < (rhs.high, rhs.low) }
}
