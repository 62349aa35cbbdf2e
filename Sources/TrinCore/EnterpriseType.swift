/// The kind of social-economy actor in the register.
public enum EnterpriseType: String, CaseIterable, Sendable, Codable {
    case virksomhed, initiativ, forening
}
