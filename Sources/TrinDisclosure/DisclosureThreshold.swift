/// The minimum cell size k: citizen counts from 1 to k − 1 are suppressed.
///
/// k defaults to 5 and is never below 3, Statistics Denmark's floor; a lower
/// value is refused rather than silently raised, because it would be a
/// configuration mistake with privacy consequences.
public struct DisclosureThreshold: Sendable, Hashable, CustomStringConvertible {
    public let k: Int

    /// The smallest k trin accepts.
    public static let floor = 3
    /// k when the configuration does not say.
    public static let standard = try! DisclosureThreshold(k: 5)

    public init(k: Int) throws(DisclosureError) {
        guard k >= DisclosureThreshold.floor else {
            throw .thresholdBelowFloor(k: k, floor: DisclosureThreshold.floor)
        }
        self.k = k
    }

    /// Whether a count is primarily sensitive: 1 … k − 1 (zero is not).
    public func isSmall(_ count: Int) -> Bool { count >= 1 && count < k }

    public var description: String { "k=\(k)" }
}

/// Why disclosure control refused to run.
public enum DisclosureError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configured k is below the floor.
    case thresholdBelowFloor(k: Int, floor: Int)
    /// An equation names a cell that the table does not have.
    case cellOutOfRange(equation: Int, cell: Int, cellCount: Int)

    public var description: String {
        switch self {
        case .thresholdBelowFloor(let k, let floor):
            "minimum cell size k=\(k) is below the floor of \(floor)"
        case .cellOutOfRange(let equation, let cell, let count):
            "equation \(equation) refers to cell \(cell), but the table has \(count) cells"
        }
    }
}
