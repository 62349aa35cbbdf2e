import Crypto

/// A keyed 64-bit digest of a raw export row, so that the next night's export can skip the
/// rows the store already holds without decoding them (`KnownRows`).
///
/// A raw row holds a CPR number, so an unkeyed hash of it would be a CPR "merely hashed":
/// the digest is SipHash-2-4, a pseudorandom function built for short inputs, under a
/// 128-bit key derived from the pseudonym key (HMAC-SHA-256 of a fixed label). Without the
/// key the digests tell nothing, and a store bound to another key has other digests.
/// SipHash rather than HMAC: a row costs about a tenth of an HMAC, which is the point.
public struct RowDigester: Sendable {
    private let k0: UInt64
    private let k1: UInt64

    public init(key: PseudonymKey) {
        let derived = HMAC<SHA256>.authenticationCode(for: Array("trin-row-digest:v1".utf8), using: SymmetricKey(data: key.bytes))
        (k0, k1) = derived.withUnsafeBytes { raw in
            (UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
             UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        }
    }

    /// SipHash-2-4 with an explicit key (for the reference test vectors).
    public init(k0: UInt64, k1: UInt64) { self.k0 = k0; self.k1 = k1 }

    /// The digest of `bytes`.
    @inline(__always)
    public func digest(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var v0: UInt64 = 0x736f_6d65_7073_6575 ^ k0
        var v1: UInt64 = 0x646f_7261_6e64_6f6d ^ k1
        var v2: UInt64 = 0x6c79_6765_6e65_7261 ^ k0
        var v3: UInt64 = 0x7465_6462_7974_6573 ^ k1
        @inline(__always) func round() {
            v0 &+= v1; v1 = (v1 << 13) | (v1 >> 51); v1 ^= v0; v0 = (v0 << 32) | (v0 >> 32)
            v2 &+= v3; v3 = (v3 << 16) | (v3 >> 48); v3 ^= v2
            v0 &+= v3; v3 = (v3 << 21) | (v3 >> 43); v3 ^= v0
            v2 &+= v1; v1 = (v1 << 17) | (v1 >> 47); v1 ^= v2; v2 = (v2 << 32) | (v2 >> 32)
        }
        let count = bytes.count
        let whole = count & ~7
        var i = 0
        while i < whole {
            let m = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            v3 ^= m; round(); round(); v0 ^= m
            i += 8
        }
        var last = UInt64(truncatingIfNeeded: count) << 56
        var shift: UInt64 = 0
        while i < count {
            last |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        v3 ^= last; round(); round(); v0 ^= last
        v2 ^= 0xff
        round(); round(); round(); round()
        return v0 ^ v1 ^ v2 ^ v3
    }

    public func digest(_ bytes: [UInt8]) -> UInt64 { bytes.withUnsafeBytes { digest($0) } }
}
