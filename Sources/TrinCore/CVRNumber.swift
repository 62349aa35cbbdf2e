/// A CVR number: eight digits passing modulus 11 with weights 2,7,6,5,4,3,2,1.
/// Enterprises are not persons: a CVR number is not personal data.
public struct CVRNumber: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let value: String

    public init?(_ raw: some Collection<UInt8>) {
        let weights = [2, 7, 6, 5, 4, 3, 2, 1]
        var sum = 0, i = 0
        for b in raw {
            guard i < 8, b >= 48, b <= 57 else { return nil }
            sum += Int(b - 48) * weights[i]
            i += 1
        }
        guard i == 8, sum % 11 == 0 else { return nil }
        value = String(decoding: raw, as: UTF8.self)
    }

    public init?(_ text: String) { self.init(Array(text.utf8)) }

    /// Concrete entry point for the decoder (specialised here, not generic per row).
    public init?(_ raw: UnsafeBufferPointer<UInt8>) { self.init(raw[...]) }

    public var description: String { value }
    public static func < (lhs: CVRNumber, rhs: CVRNumber) -> Bool { lhs.value < rhs.value }
}
