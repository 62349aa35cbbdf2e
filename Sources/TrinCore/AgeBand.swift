/// Age in bands, derived from the CPR number's birth date at a record's start,
/// so that young people can be counted without keeping a birth date.
public enum AgeBand: String, CaseIterable, Sendable, Codable {
    case under18 = "<18"
    case from18to24 = "18-24"
    case from25to29 = "25-29"
    case from30to39 = "30-39"
    case from40to49 = "40-49"
    case from50to59 = "50-59"
    case from60 = "60+"

    public init(age: Int) {
        switch age {
        case ..<18: self = .under18
        case 18...24: self = .from18to24
        case 25...29: self = .from25to29
        case 30...39: self = .from30to39
        case 40...49: self = .from40to49
        case 50...59: self = .from50to59
        default: self = .from60
        }
    }

    /// Under 30: the strategy's "young people".
    public var isYouth: Bool { self == .under18 || self == .from18to24 || self == .from25to29 }

    /// The band of the age at `date` of someone born on `birth`; the same as
    /// `AgeBand(age: age(birth:at:))`, without the calendar most of the time: after D days,
    /// the whole years lie between D / 366 and D / 365 (each year has 365 or 366 days),
    /// two values at most one apart below 366 years. When both fall in one band, that is
    /// the band; only near a band's edge are the dates taken apart.
    public static func band(birth: Day, at date: Day) -> AgeBand {
        let days = Int(date.daysSinceEpoch) - Int(birth.daysSinceEpoch)
        if days >= 0 {
            let band = AgeBand(age: days / 366)
            if band == AgeBand(age: days / 365) { return band }
        }
        return AgeBand(age: age(birth: birth, at: date))
    }

    /// Whole years from `birth` to `date`. A 29 February birthday counts from
    /// 1 March in years without one.
    public static func age(birth: Day, at date: Day) -> Int {
        let b = birth.components, d = date.components
        var years = d.year - b.year
        if (d.month, d.day) < (b.month, b.day) { years -= 1 }
        return years
    }
}
