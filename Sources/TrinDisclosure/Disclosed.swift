/// A figure as it may be published: its value, or the mark that it is suppressed.
///
/// A suppressed figure is never a zero or a blank, so every writer must handle
/// both cases explicitly.
public enum Disclosed<Value: Sendable & Equatable>: Sendable, Equatable {
    case value(Value)
    case suppressed

    /// The published value, or nil when suppressed.
    public var value: Value? {
        if case .value(let v) = self { return v }
        return nil
    }

    public var isSuppressed: Bool { self == .suppressed }
}
