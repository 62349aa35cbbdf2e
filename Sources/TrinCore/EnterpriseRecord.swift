/// One social-economy enterprise or initiative from the register. Not personal data.
public struct EnterpriseRecord: Sendable, Hashable {
    public var cvr: String
    public var name: String
    public var type: EnterpriseType
    public var socialBottomLine: Bool
    public var localBottomLine: Bool
    public var economicBottomLine: Bool
    public var start: Day
    public var end: Day?

    public init(cvr: String, name: String, type: EnterpriseType, socialBottomLine: Bool,
                localBottomLine: Bool, economicBottomLine: Bool, start: Day, end: Day?) {
        self.cvr = cvr; self.name = name; self.type = type; self.socialBottomLine = socialBottomLine
        self.localBottomLine = localBottomLine; self.economicBottomLine = economicBottomLine
        self.start = start; self.end = end
    }

    /// Works with all three bottom lines: social, local and economic.
    public var hasThreeBottomLines: Bool { socialBottomLine && localBottomLine && economicBottomLine }

    /// Active in `year`: started on or before 31 December, and not ended before 1 January.
    public func isActive(inYear year: Int) -> Bool {
        guard start.year <= year else { return false }
        guard let end else { return true }
        return end.year >= year
    }
}
