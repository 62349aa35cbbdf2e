/// A CVR number: eight digits passing modulus 11 with weights 2,7,6,5,4,3,2,1.
/// Enterprises are not persons: a CVR number is not personal data.
public struct CVRNumber: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let value: String

    public init?(_ raw: some Collection<UInt8>) {
        guard Self.isValid(raw) else { return nil }
        value = String(decoding: raw, as: UTF8.self)
    }

    /// Whether `raw` is a CVR number (eight digits, modulus 11), without making one.
    public static func isValid(_ raw: some Collection<UInt8>) -> Bool {
        let weights = [2, 7, 6, 5, 4, 3, 2, 1]
        var sum = 0, i = 0
        for b in raw {
            guard i < 8, b >= 48, b <= 57 else { return false }
            sum += Int(b - 48) * weights[i]
            i += 1
        }
        return i == 8 && sum % 11 == 0
    }

    /// Concrete entry point for the decoder (specialised here, not generic per row).
    public static func isValid(_ raw: UnsafeBufferPointer<UInt8>) -> Bool { isValid(raw[...]) }

    public init?(_ text: String) { self.init(Array(text.utf8)) }

    /// Concrete entry point for the decoder (specialised here, not generic per row).
    public init?(_ raw: UnsafeBufferPointer<UInt8>) { self.init(raw[...]) }

    public var description: String { value }
    public static func < (lhs: CVRNumber, rhs: CVRNumber) -> Bool { lhs.value < rhs.value }
}
