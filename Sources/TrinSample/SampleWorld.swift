import TrinCore

/// The synthetic municipality behind every sample file: enterprises,
/// agreements, citizens and the histories of their courses. The writers only
/// render views of it (an extract at a date, a portal export, the register).
struct SampleWorld: Sendable {
    let profile: SampleProfile
    let firstYear: Int
    let lastYear: Int
    var enterprises: [Enterprise] = []
    var agreements: [Agreement] = []
    /// Relative weight of each agreement as the one a course runs under; empty: all equal.
    var agreementWeights: [Int] = []
    var citizens: [Citizen] = []
    var courses: [Course] = []
    var activities: [Activity] = []
    /// Days of the nightly case-system extracts, oldest first.
    let extractDays: [Day]
    /// Days of the partner-portal exports, oldest first.
    let portalDays: [Day]

    /// Enterprises given agreements first, so that the awkward names reach the course export.
    static let featuredEnterprises = [0, 11, 2, 10, 4, 6, 1]

    init(citizens citizenCount: Int, seed: UInt64, firstYear: Int, years: Int) {
        self.init(profile: .standard(citizens: citizenCount, firstYear: firstYear, years: years), seed: seed)
    }

    init(profile: SampleProfile, seed: UInt64) {
        profile.validate()
        self.profile = profile
        firstYear = profile.firstYear
        lastYear = firstYear + profile.years - 1
        let finalExtract = Day(year: lastYear + 1, month: 1, day: 5)!
        extractDays = [finalExtract.adding(days: -60), finalExtract.adding(days: -30), finalExtract]
        portalDays = [finalExtract.adding(days: -30), finalExtract]

        var rng = SampleRandom(seed: seed, stream: 1)
        makeEnterprises(&rng)
        makeAgreements(&rng)
        var crng = SampleRandom(seed: seed, stream: 2)
        for _ in 0..<profile.citizens { makeCitizen(&crng) }
    }

    var firstDay: Day { Day(year: firstYear, month: 1, day: 1)! }
    var lastDay: Day { Day(year: lastYear, month: 12, day: 31)! }

    // MARK: Enterprises and agreements

    private mutating func makeEnterprises(_ rng: inout SampleRandom) {
        var usedNames = Set<String>()
        var usedCVRs = Set<String>()
        for i in 0..<profile.enterprises {
            var name: String
            if i < Enterprise.names.count {
                name = Enterprise.names[i]
            } else {
                repeat {
                    let base = rng.pick(["Genbrugsbutikken", "Cafeen", "Værkstedet", "Haveholdet", "Køkkenet",
                                         "Cykelværkstedet", "Systuen", "Bistroen"])
                    name = base + " " + rng.pick(Enterprise.towns)
                } while usedNames.contains(name)
            }
            usedNames.insert(name)
            var cvr: String
            repeat { cvr = Enterprise.randomCVR(&rng) } while usedCVRs.contains(cvr)
            usedCVRs.insert(cvr)
            let type = ["Virksomhed", "Initiativ", "Forening"][rng.weighted([50, 25, 25])]
            let featured = SampleWorld.featuredEnterprises.contains(i) || i < profile.longStandingEnterprises
            let startYear = featured ? rng.int(2008...(firstYear - 2)) : rng.int(2008...lastYear)
            let start = Day(year: startYear, month: rng.int(1...12), day: rng.int(1...28))!
            var end: Day?
            if !featured, rng.chance(0.12) {
                let endDay = start.adding(days: rng.int(365...3000))
                if endDay < lastDay { end = endDay }
            }
            enterprises.append(Enterprise(
                cvr: cvr, name: name, type: type, social: rng.chance(0.95), local: rng.chance(0.9),
                economic: type == "Virksomhed" ? rng.chance(0.95) : rng.chance(0.6), start: start, end: end))
        }
    }

    private mutating func makeAgreements(_ rng: inout SampleRandom) {
        // Partners: the featured enterprises, then others active for the whole period.
        var partners = SampleWorld.featuredEnterprises
        let eligible = enterprises.indices.filter {
            !partners.contains($0) && enterprises[$0].start < firstDay && enterprises[$0].end == nil
        }
        var pool = eligible
        let distinct = profile.agreements - profile.sharedAgreements
        while partners.count < distinct, !pool.isEmpty { partners.append(pool.remove(at: rng.below(pool.count))) }
        for i in 0..<profile.sharedAgreements { partners.append(partners[i]) }  // enterprises holding two agreements
        var usedIDs = Set<String>()
        for (i, enterprise) in partners.enumerated() {
            var id: String
            repeat {
                var b: [UInt8] = Array("SA-".utf8)
                b.appendDecimal(rng.int((firstYear - 2)...firstYear))
                b.append(0x2D)
                b.appendDecimal(rng.int(1...60), width: 3)
                id = String(decoding: b, as: UTF8.self)
            } while usedIDs.contains(id)
            usedIDs.insert(id)
            agreements.append(Agreement(id: id, enterprise: enterprise, onPortal: i % 3 != 2))
        }
        // Sizes: each tier's weights, shuffled so that size does not follow the order of the agreements.
        guard !profile.agreementSizes.isEmpty else { return }
        for tier in profile.agreementSizes {
            for _ in 0..<tier.count { agreementWeights.append(rng.int(tier.weight)) }
        }
        for i in stride(from: agreementWeights.count - 1, to: 0, by: -1) { agreementWeights.swapAt(i, rng.int(0...i)) }
    }

    /// The agreement a new course runs under.
    private func pickAgreement(_ rng: inout SampleRandom) -> Int {
        agreementWeights.isEmpty ? rng.below(agreements.count) : rng.weighted(agreementWeights)
    }

    /// The first day of a citizen's activities: in the first 90 days for the
    /// opening stock, otherwise uniform over the period (up to a month before its end).
    private func startDay(_ rng: inout SampleRandom) -> Day {
        let latest = Int(lastDay.daysSinceEpoch - firstDay.daysSinceEpoch) - 30
        let opening = profile.openingStock > 0 && rng.chance(profile.openingStock)
        return firstDay.adding(days: rng.below(opening ? min(90, latest) : latest))
    }

    // MARK: Citizens and their courses

    private mutating func makeCitizen(_ rng: inout SampleRandom) {
        // Ages relative to the citizen's start year draw the start first; the standard world draws it last.
        let earlyStart = profile.agesAtStart ? startDay(&rng) : nil
        let age: Int
        switch rng.weighted(profile.ageWeights) {
        case 0: age = rng.int(16...29)
        case 1: age = rng.int(30...49)
        default: age = rng.int(50...63)
        }
        let ageYear = earlyStart?.year ?? firstYear
        let birth = Day(year: ageYear - age, month: 1, day: 1)!.adding(days: -rng.int(0...364))
        var digits: [UInt8]
        repeat {
            digits = Citizen.cprDigits(birth: birth, replacement: rng.chance(0.04), &rng)
        } while usedCPRs.contains(digits)
        usedCPRs.insert(digits)
        let youth = age < 30
        let group = rng.weighted(youth ? SourceCodes.youthGroupWeights : SourceCodes.adultGroupWeights)
        let style = Citizen.CPRStyle.allCases[rng.weighted([78, 12, 6, 4])]
        let index = citizens.count
        citizens.append(Citizen(digits: digits, birth: birth, style: style, group: group))

        var start = earlyStart ?? startDay(&rng)
        switch rng.weighted(profile.courseKindWeights) {
        case 0:
            addCourse(citizen: index, group: group, start: start, &rng)
        case 1:
            let first = pickAgreement(&rng)
            let ended = addCourse(citizen: index, group: group, start: start, agreement: first, &rng)
            if let ended, ended < lastDay.adding(days: -40) {
                var second = pickAgreement(&rng)
                if second == first { second = (second + 1) % agreements.count }
                let secondGroup = rng.chance(0.2) ? rng.weighted(SourceCodes.adultGroupWeights) : group
                addCourse(citizen: index, group: secondGroup, start: ended.adding(days: rng.int(1...30)),
                          agreement: second, &rng)
            }
        case 2:
            addLooseActivities(citizen: index, group: group, start: start, &rng)
            start = start.adding(days: rng.int(30...200))
            if start < lastDay { addCourse(citizen: index, group: group, start: start, &rng) }
        default:
            addLooseActivities(citizen: index, group: group, start: start, &rng)
        }
    }

    private var usedCPRs = Set<[UInt8]>()
    private var nextSourceNumber = 1

    /// A course climbing the ladder; returns the end of its last activity if it ended.
    @discardableResult
    private mutating func addCourse(citizen: Int, group: Int, start: Day, agreement: Int? = nil,
                                    _ rng: inout SampleRandom) -> Day? {
        let agreementIndex = agreement ?? pickAgreement(&rng)
        let course = courses.count
        var pid: [UInt8] = Array("P-".utf8)
        pid.appendDecimal(course + 1, width: 6)
        courses.append(Course(citizen: citizen, agreement: agreementIndex, group: group,
                              portalID: String(decoding: pid, as: UTF8.self)))
        let onPortal = agreements[agreementIndex].onPortal

        var stage: Stage = [.motivation, .opkvalificering, .afklaring, .praktik, .loentimer][rng.weighted(profile.firstStageWeights)]
        var date = start
        var lastEnd: Day?
        for _ in 0..<8 {
            guard date <= lastDay else { break }
            var end: Day? = date.adding(days: rng.int(28...110))
            switch stage {
            case .job: if rng.chance(0.6) { end = nil }
            case .loentimer: if rng.chance(0.25) { end = nil }
            case .uddannelse: if rng.chance(0.5) { end = nil }
            case .ophoert: end = date
            default: break
            }
            // Where the case system and the portal record it.
            var inCSV = true, inXML = false
            if onPortal {
                switch rng.weighted([65, 20, 15]) {
                case 0: inXML = true
                case 1: inXML = true; inCSV = false
                default: break
                }
            }
            addActivity(citizen: citizen, course: course, group: group, stage: stage, start: date, end: end,
                        inCSV: inCSV, inXML: inXML, &rng)
            lastEnd = end
            guard let end, stage != .ophoert, stage != .job, stage != .uddannelse else { break }
            let r = rng.unit()
            var next: Stage?
            if r < profile.dropOutChance {
                next = .ophoert
            } else if r < profile.dropOutChance + 0.07 {
                next = stage  // another activity on the same rung
            } else {
                switch stage {
                case .motivation: next = rng.chance(0.5) ? .opkvalificering : .afklaring
                case .opkvalificering: next = rng.chance(0.5) ? .afklaring : .praktik
                case .afklaring: next = .praktik
                case .praktik: next = [.loentimer, .job, .uddannelse, .ophoert][rng.weighted(profile.afterPraktikWeights)]
                default: next = [.job, nil, .uddannelse][rng.weighted([50, 30, 20])]
                }
            }
            guard let nextStage = next else { break }
            stage = nextStage
            date = end.adding(days: nextStage == .ophoert ? 1 : rng.int(1...14))
        }
        return lastEnd
    }

    /// Activities under no agreement: the job centre's own offers, or a job found alone.
    private mutating func addLooseActivities(citizen: Int, group: Int, start: Day, _ rng: inout SampleRandom) {
        var date = start
        for _ in 0..<rng.int(1...2) {
            guard date <= lastDay else { break }
            let stage: Stage = [.motivation, .opkvalificering, .afklaring, .job][rng.weighted([30, 30, 20, 20])]
            let end: Day? = stage == .job && rng.chance(0.5) ? nil : date.adding(days: rng.int(20...90))
            addActivity(citizen: citizen, course: nil, group: group, stage: stage, start: date, end: end,
                        inCSV: true, inXML: false, &rng)
            guard let end else { break }
            date = end.adding(days: rng.int(1...60))
        }
    }

    private mutating func addActivity(citizen: Int, course: Int?, group: Int, stage: Stage, start: Day, end: Day?,
                                      inCSV: Bool, inXML: Bool, _ rng: inout SampleRandom) {
        let names = SourceCodes.activities(for: stage)
        var name = rng.pick(names)
        // A flex job is for the flex-job groups (Fleksjob, Ledighedsydelse).
        if stage == .job { name = group == 4 || group == 5 ? "Fleksjob" : "Ordinært job" }
        let halfHours = SampleWorld.hours(stage, &rng)
        var id: [UInt8] = Array("F-".utf8)
        id.appendDecimal(start.year)
        id.append(0x2D)
        id.appendDecimal(nextSourceNumber, width: 7)
        nextSourceNumber += 1
        let csv = inCSV ? SampleWorld.versions(start: start, end: end, halfHours: halfHours, created: -3...3,
                                               ended: 0...10, &rng) : []
        let xml = inXML ? SampleWorld.versions(start: start, end: end, halfHours: halfHours, created: 0...7,
                                               ended: 1...14, &rng) : []
        activities.append(Activity(
            sourceID: String(decoding: id, as: UTF8.self), citizen: citizen, course: course, group: group,
            stage: stage, activityName: name, start: start, csv: csv, xml: xml, xmlInUTC: rng.chance(0.2)))
    }

    /// Weekly hours in half hours by stage, sometimes left empty.
    static func hours(_ stage: Stage, _ rng: inout SampleRandom) -> Int? {
        switch stage {
        case .ophoert: return nil
        case .uddannelse: return rng.chance(0.5) ? nil : 74
        default:
            if rng.chance(0.05) { return nil }
            let range: ClosedRange<Int> = switch stage {
            case .motivation: 6...30
            case .opkvalificering: 20...50
            case .afklaring: 16...40
            case .praktik: 20...60
            case .loentimer: 10...40
            default: 30...74
            }
            let h = rng.int(range)
            return rng.chance(0.7) ? h / 2 * 2 : h  // mostly whole hours
        }
    }

    /// A source's history of an activity: created around the start, then the end
    /// date filled in after it passed, sometimes corrected hours in between.
    static func versions(start: Day, end: Day?, halfHours: Int?, created: ClosedRange<Int>, ended: ClosedRange<Int>,
                         _ rng: inout SampleRandom) -> [Version] {
        func time(_ day: Day) -> LocalTime { LocalTime(day: day, second: rng.int((8 * 3600)...(17 * 3600 - 1))) }
        let createdAt = time(start.adding(days: rng.int(created)))
        // A stage that is an event (ophoert) carries its end from the start.
        if let end, end == start { return [Version(at: createdAt, end: end, halfHours: halfHours)] }
        var out = [Version(at: createdAt, end: nil, halfHours: halfHours)]
        let endAt = end.map { time($0.adding(days: rng.int(ended))) }
        if let h = halfHours, rng.chance(0.12) {
            let corrected = time(createdAt.day.adding(days: rng.int(5...40)))
            if endAt.map({ corrected < $0 }) ?? true, createdAt < corrected {
                out.append(Version(at: corrected, end: nil, halfHours: max(0, h + rng.pick([-4, -2, 2, 4]))))
            }
        }
        if let end, let endAt, out.last!.at < endAt {
            out.append(Version(at: endAt, end: end, halfHours: out.last!.halfHours))
        }
        return out
    }
}
