import Crypto
public import TrinCore

/// Turns a CPR number into a pseudonym: HMAC-SHA-256 under the secret key of the
/// versioned, domain-separated input `dk-cpr:v1:` + the ten digits, first 128 bits kept.
///
/// A plain hash of a CPR number is no pseudonym (all possible numbers can be hashed in
/// minutes); the key makes the mapping unguessable, and the same key makes every
/// source map a citizen to the same pseudonym. The keyed state is prepared once and
/// copied per number, which halves the cost of each hash.
public struct Pseudonymiser: Sendable {
    /// The scheme written into the store beside the key id.
    public static let scheme = "hmac-sha256/dk-cpr:v1/128"
    static let prefix = Array("dk-cpr:v1:".utf8)

    public let keyID: String
    private let keyed: HMAC<SHA256>
    /// Keyed digests of raw rows under a key derived from the same key (`RowDigester`).
    public let rowDigester: RowDigester

    public init(key: PseudonymKey) {
        keyID = key.keyID
        rowDigester = RowDigester(key: key)
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: key.bytes))
        hmac.update(data: Self.prefix)
        keyed = hmac
    }

    public func pseudonym(for cpr: CPRNumber) -> Pseudonym {
        var hmac = keyed
        cpr.withDigits { hmac.update(data: $0) }
        let code = hmac.finalize()
        return code.withUnsafeBytes { raw in
            Pseudonym(high: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                      low: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        }
    }
}
