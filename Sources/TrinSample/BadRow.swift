import TrinCore

/// The kinds of bad course-export row the dirty sample injects. Each breaks
/// exactly one rule of docs/definitions.md, so the reason an importer must give is
/// unambiguous even under the "first failure wins" order.
enum BadRow: CaseIterable, Sendable {
    case strayByte, tooFewFields, tooManyFields, cprMalformed, cprInvalidDate, unknownTargetGroup,
         unknownActivity, impossibleDate, endBeforeStart, hoursNotANumber, hoursNegative, hoursTooMany,
         badTimestamp, badCVR, bornAfterStart

    var reason: RejectReason {
        switch self {
        case .strayByte: .badEncoding
        case .tooFewFields, .tooManyFields: .fieldCount
        case .cprMalformed: .cprMalformed
        case .cprInvalidDate: .cprInvalidDate
        case .unknownTargetGroup: .unknownTargetGroup
        case .unknownActivity: .unknownActivity
        case .impossibleDate: .invalidDate
        case .endBeforeStart: .endBeforeStart
        // `-3` is not "digits with an optional decimal part": invalid, checked before range.
        case .hoursNotANumber, .hoursNegative: .invalidHours
        case .hoursTooMany: .hoursOutOfRange
        case .badTimestamp: .invalidTimestamp
        case .badCVR: .invalidCVR
        case .bornAfterStart: .birthAfterEvent
        }
    }

    static let malformedCPRs = ["01019-1234", "010190-12345", "0101AB-1234", "0101-901234", "010190--1234", "12345"]

    /// Ten digits whose date part is no date under any century: 30 February,
    /// month 13, day 0, day 92.
    static func invalidDateCPR(_ rng: inout SampleRandom) -> [UInt8] {
        var out: [UInt8] = []
        switch rng.below(4) {
        case 0: out.appendDecimal(rng.int(30...31), width: 2); out.appendDecimal(2, width: 2)
        case 1: out.appendDecimal(rng.int(1...28), width: 2); out.appendDecimal(13, width: 2)
        case 2: out.appendDecimal(0, width: 2); out.appendDecimal(rng.int(1...12), width: 2)
        default: out.appendDecimal(92, width: 2); out.appendDecimal(rng.int(1...12), width: 2)
        }
        out.appendDecimal(rng.int(60...99), width: 2)
        out.append(0x2D)
        out.appendDecimal(rng.int(0...3))
        out.appendDecimal(rng.int(0...999), width: 3)
        return out
    }

    /// Breaks one field of a good row (fields as `ForloebFormat.fields` orders them;
    /// the row must have an agreement, hours and a start after the birth date).
    func apply(to fields: inout [[UInt8]], start: Day, format: ForloebFormat, _ rng: inout SampleRandom) {
        switch self {
        case .strayByte:
            // 0x81 is unassigned in Windows-1252; a lone Latin-1 æ (0xE6) is not UTF-8.
            fields[4] += format.encoding == .utf8 ? [0x20, 0x46, 0xE6, 0x6C, 0x6C, 0x65, 0x73] : [0x20, 0x81]
        case .tooFewFields:
            fields.remove(at: 9)
        case .tooManyFields:
            fields.append(Array("ekstra".utf8))
        case .cprMalformed:
            fields[0] = Array(rng.pick(BadRow.malformedCPRs).utf8)
        case .cprInvalidDate:
            fields[0] = BadRow.invalidDateCPR(&rng)
        case .unknownTargetGroup:
            fields[5] = format.encoding.encode(rng.pick(SourceCodes.unknownTargetGroups))
        case .unknownActivity:
            fields[6] = format.encoding.encode(rng.pick(SourceCodes.unknownActivities))
        case .impossibleDate:
            var d: [UInt8] = Array(rng.pick(["31-02-", "30-02-", "31-04-", "31-06-", "31-09-", "31-11-"]).utf8)
            d.appendDecimal(start.year)
            fields[7] = d
        case .endBeforeStart:
            fields[8] = start.adding(days: -rng.int(1...30)).danish
        case .hoursNotANumber:
            fields[9] = Array(rng.pick(["abc", "ca. 10", "12,5,5"]).utf8)
        case .hoursNegative:
            fields[9] = Array("-3".utf8)
        case .hoursTooMany:
            fields[9] = Array(rng.pick(["400", "80,5", "168"]).utf8)
        case .badTimestamp:
            var t = start.danish
            switch rng.below(3) {
            case 0: t += Array(" 25:10:00".utf8)
            case 1: t += Array(" 10:61:00".utf8)
            default: t = start.iso + Array("T10:00:00".utf8)
            }
            fields[10] = t
        case .badCVR:
            fields[3] = Array(Enterprise.brokenCVR(String(decoding: fields[3], as: UTF8.self)).utf8)
        case .bornAfterStart:
            let birth = start.adding(days: rng.int(20...200))
            var digits = Citizen.cprDigits(birth: birth, replacement: false, &rng)
            digits.insert(0x2D, at: 6)
            fields[0] = digits
        }
    }
}
