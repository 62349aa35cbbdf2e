/// When a share (a ratio of two citizen counts) may be published.
public enum ShareRule {
    /// The share numerator / denominator, published only when the denominator
    /// is at least k and both counts it is computed from are published.
    public static func disclose(numerator: Disclosed<Int>, denominator: Disclosed<Int>,
                                threshold: DisclosureThreshold) -> Disclosed<Double> {
        guard case .value(let n) = numerator, case .value(let d) = denominator, d >= threshold.k else {
            return .suppressed
        }
        return .value(Double(n) / Double(d))
    }
}
