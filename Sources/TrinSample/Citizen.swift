import TrinCore

/// A synthetic citizen: a random CPR number that is valid under the century
/// rule, never a real person's on purpose and never written to the manifest.
struct Citizen: Sendable {
    /// Ten ASCII digits.
    var digits: [UInt8]
    var birth: Day
    /// How the case system writes this citizen's number.
    var style: CPRStyle
    /// Index into `SourceCodes.targetGroups`.
    var group: Int

    /// The ways a CPR number is written in exports; all are valid.
    enum CPRStyle: Sendable, CaseIterable {
        case hyphen, plain, spaceForHyphen, spacedGroups
    }

    func text(_ style: CPRStyle) -> [UInt8] {
        switch style {
        case .plain: return digits
        case .hyphen: return Array(digits[0..<6]) + [0x2D] + Array(digits[6..<10])
        case .spaceForHyphen: return Array(digits[0..<6]) + [0x20] + Array(digits[6..<10])
        case .spacedGroups:
            return [digits[0], digits[1], 0x20, digits[2], digits[3], 0x20, digits[4], digits[5], 0x2D]
                + Array(digits[6..<10])
        }
    }

    /// Ten digits encoding `birth`, with a seventh digit the century rule maps
    /// back to the right century; `replacement` adds 60 to the day.
    static func cprDigits(birth: Day, replacement: Bool, _ rng: inout SampleRandom) -> [UInt8] {
        let c = birth.components
        let yy = c.year % 100
        var seventhChoices: [Int]
        switch c.year {
        case 1900...1999: seventhChoices = yy >= 37 ? [0, 1, 2, 3, 0, 1, 2, 3, 4, 9] : [0, 1, 2, 3]
        case 2000...2036: seventhChoices = [4, 9, 5, 6, 7, 8]
        case 2037...2057: seventhChoices = [5, 6, 7, 8]
        default: preconditionFailure("birth year outside the CPR century rule")
        }
        var out: [UInt8] = []
        out.appendDecimal(c.day + (replacement ? 60 : 0), width: 2)
        out.appendDecimal(c.month, width: 2)
        out.appendDecimal(yy, width: 2)
        out.appendDecimal(rng.pick(seventhChoices))
        out.appendDecimal(rng.int(0...999), width: 3)
        return out
    }
}
