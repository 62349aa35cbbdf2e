import TrinCore

/// Streaming bulk writers for benchmarks: realistic rows, constant memory,
/// bytes written straight into a buffer (no String per row or field).
extension SampleGenerator {
    /// Writes a course export (Windows-1252, `;`, CRLF) of `rows` good rows, about
    /// 137 bytes each: citizens climbing the ladder under the sample's agreements.
    ///
    /// By default every row has a CPR number of its own (the worst case for the pseudonym
    /// cache and the B-tree). With `rowsPerCitizen`, each citizen has exactly that many
    /// rows under one CPR number, as a case system's export lists a citizen's courses.
    public static func writeLargeForloeb(rows: Int, seed: UInt64, rowsPerCitizen: Int? = nil, to path: String) throws {
        precondition(rows >= 0)
        let bulk = BulkVocabulary(seed: seed, encoding: .windows1252)
        var rng = SampleRandom(seed: seed, stream: 10)
        let out = try BufferedFileWriter(path: path)
        let format = ForloebFormat(encoding: .windows1252, bom: false, trailingDelimiter: false)
        out.buffer += format.header()
        var written = 0, sequence = 1
        while written < rows {
            var citizen = bulk.citizen(&rng)
            if rowsPerCitizen != nil {
                citizen.serial = (citizen.year >= 2000 ? 4 + rng.below(2) * 5 : rng.below(4)) * 1000 + rng.below(1000)
            }
            let agreement = rng.chance(0.9) ? rng.below(bulk.agreementIDs.count) : -1
            var stage = rng.weighted([30, 25, 25, 20])
            var date = bulk.firstDay.adding(days: rng.below(bulk.span))
            let steps = rowsPerCitizen ?? rng.int(1...6)
            for _ in 0..<steps where written < rows {
                let stageValue = BulkVocabulary.ladder[stage]
                out.appendCPR(citizen, &rng)
                out.buffer.appendASCII("F-")
                out.buffer.appendDecimal(date.year)
                out.buffer.append(0x2D)
                out.buffer.appendDecimal(sequence, width: 7)
                out.buffer.append(0x3B)
                if agreement >= 0 {
                    out.buffer += bulk.agreementIDs[agreement]
                    out.buffer.append(0x3B)
                    out.buffer += bulk.cvrs[agreement]
                    out.buffer.append(0x3B)
                    out.buffer += bulk.nameFields[agreement]
                    out.buffer.append(0x3B)
                } else {
                    out.buffer += [0x3B, 0x3B, 0x3B]
                }
                out.buffer += bulk.groups[citizen.group]
                out.buffer.append(0x3B)
                let names = bulk.activities[stage]
                out.buffer += names[rng.below(names.count)]
                out.buffer.append(0x3B)
                date.appendDanish(to: &out.buffer)
                out.buffer.append(0x3B)
                let length = rng.int(28...110)
                let end = date.adding(days: length)
                let ended = stageValue == .ophoert || rng.chance(0.75)
                if stageValue == .ophoert { date.appendDanish(to: &out.buffer) } else if ended { end.appendDanish(to: &out.buffer) }
                out.buffer.append(0x3B)
                if let h = SampleWorld.hours(stageValue, &rng) {
                    out.buffer.appendDecimal(h / 2)
                    if h % 2 == 1 { out.buffer += [0x2C, 0x35] }
                }
                out.buffer.append(0x3B)
                let recorded = ended && stageValue != .ophoert ? end.adding(days: rng.int(0...10)) : date.adding(days: rng.int(0...3))
                recorded.appendDanish(to: &out.buffer)
                out.buffer.append(0x20)
                out.buffer.appendDecimal(rng.int(7...17), width: 2); out.buffer.append(0x3A)
                out.buffer.appendDecimal(rng.int(0...59), width: 2); out.buffer.append(0x3A)
                out.buffer.appendDecimal(rng.int(0...59), width: 2)
                out.buffer += [0x0D, 0x0A]
                try out.flushIfFull()
                written += 1
                sequence += 1
                if rowsPerCitizen != nil {
                    // Always the next course, on a later day: every row its own identity.
                    stage = stageValue == .ophoert ? rng.weighted([30, 25, 25, 20]) : rng.chance(0.07) ? 7 : min(6, stage + 1)
                    date = (ended ? end : date).adding(days: rng.int(1...14))
                    continue
                }
                guard ended, stageValue != .ophoert, stage < 6 else { break }
                stage = rng.chance(0.07) ? 7 : min(6, stage + 1)
                date = end.adding(days: rng.int(1...14))
            }
        }
        try out.close()
    }

    /// Writes a partner-portal XML export of about `approximateBytes` (it stops
    /// after the first `Forloeb` that reaches the size, then closes the root).
    /// With `eventsPerCourse`, every `Forloeb` has that many events (the partner portal's
    /// long courses: about 180 bytes an event at 4–5), and a course goes on after an ended step.
    public static func writeLargeHaendelser(approximateBytes: Int, seed: UInt64, eventsPerCourse: ClosedRange<Int>? = nil,
                                            to path: String) throws {
        let bulk = BulkVocabulary(seed: seed, encoding: .utf8)
        var rng = SampleRandom(seed: seed, stream: 11)
        let out = try BufferedFileWriter(path: path)
        let created = LocalTime(day: bulk.lastDay.adding(days: 5), second: 7200)
        out.buffer += HaendelserFormat.prolog(dannet: created)
        var course = 1
        while out.count < approximateBytes {
            let citizen = bulk.citizen(&rng)
            let agreement = rng.below(bulk.agreementIDs.count)
            out.buffer.appendASCII("  <Forloeb id=\"P-")
            out.buffer.appendDecimal(course, width: 6)
            out.buffer.appendASCII("\">\n    <Borger><CPR>")
            citizen.appendDigits(to: &out.buffer, &rng)
            out.buffer.appendASCII("</CPR></Borger>\n    <Aftale id=\"")
            out.buffer += bulk.agreementIDs[agreement]
            out.buffer.appendASCII("\"><CVR>")
            out.buffer += bulk.cvrs[agreement]
            out.buffer.appendASCII("</CVR></Aftale>\n    <Maalgruppe kode=\"")
            out.buffer += bulk.groupCodes[citizen.group]
            out.buffer.appendASCII("\">")
            if course % 7 != 3 { out.buffer += bulk.groups[citizen.group] }
            out.buffer.appendASCII("</Maalgruppe>\n    <Haendelser>\n")
            var stage = rng.weighted([30, 25, 25, 20])
            var date = bulk.firstDay.adding(days: rng.below(bulk.span))
            for _ in 0..<rng.int(eventsPerCourse ?? 1...6) {
                let stageValue = BulkVocabulary.ladder[stage]
                let end = date.adding(days: stageValue == .ophoert ? 0 : rng.int(28...110))
                let ended = stageValue == .ophoert || rng.chance(0.75)
                out.buffer.appendASCII("      <Haendelse type=\"")
                out.buffer += bulk.stageNames[stage]
                out.buffer.appendASCII("\" start=\"")
                date.appendISO(to: &out.buffer)
                if ended {
                    out.buffer.appendASCII("\" slut=\"")
                    end.appendISO(to: &out.buffer)
                }
                if let h = SampleWorld.hours(stageValue, &rng) {
                    out.buffer.appendASCII("\" timer=\"")
                    out.buffer.appendDecimal(h / 2)
                    if h % 2 == 1 { out.buffer += [0x2E, 0x35] }
                }
                out.buffer.appendASCII("\" registreret=\"")
                let at = LocalTime(day: (ended ? end : date).adding(days: rng.int(1...7)), second: rng.int(28_800...61_199))
                if rng.chance(0.2) {
                    at.instant.utcDay.appendISO(to: &out.buffer)
                    let s = Int(at.instant.secondsSinceEpoch - Int64(at.instant.utcDay.daysSinceEpoch) * 86_400)
                    out.buffer.append(0x54)
                    out.buffer.appendDecimal(s / 3600, width: 2); out.buffer.append(0x3A)
                    out.buffer.appendDecimal(s / 60 % 60, width: 2); out.buffer.append(0x3A)
                    out.buffer.appendDecimal(s % 60, width: 2); out.buffer.append(0x5A)
                } else {
                    out.buffer += HaendelserFormat.isoWithOffset(at)
                }
                out.buffer.appendASCII("\"/>\n")
                if eventsPerCourse != nil {
                    stage = stageValue == .ophoert ? rng.weighted([30, 25, 25, 20]) : rng.chance(0.07) ? 7 : min(6, stage + 1)
                    date = (ended ? end : date).adding(days: rng.int(1...14))
                    continue
                }
                guard ended, stageValue != .ophoert, stage < 6 else { break }
                stage = rng.chance(0.07) ? 7 : min(6, stage + 1)
                date = end.adding(days: rng.int(1...14))
            }
            out.buffer.appendASCII("    </Haendelser>\n  </Forloeb>\n")
            try out.flushIfFull()
            course += 1
        }
        out.buffer += HaendelserFormat.epilog
        try out.close()
    }
}

/// Pre-encoded field values for the bulk writers, so that a row is only copies.
struct BulkVocabulary {
    /// Ladder index → stage (6 = job or uddannelse, 7 = ophoert).
    static let ladder: [Stage] = [.motivation, .opkvalificering, .afklaring, .praktik, .loentimer, .job, .uddannelse, .ophoert]

    let agreementIDs: [[UInt8]]
    let cvrs: [[UInt8]]
    /// `Virksomhed` fields, already quoted where needed.
    let nameFields: [[UInt8]]
    let groups: [[UInt8]]
    let groupCodes: [[UInt8]]
    let activities: [[[UInt8]]]
    let stageNames: [[UInt8]]
    let firstDay: Day
    let lastDay: Day
    var span: Int { Int(lastDay.daysSinceEpoch - firstDay.daysSinceEpoch) - 30 }

    init(seed: UInt64, encoding: TextEncoding) {
        let world = SampleWorld(citizens: 0, seed: seed, firstYear: 2022, years: 3)
        agreementIDs = world.agreements.map { Array($0.id.utf8) }
        cvrs = world.agreements.map { Array(world.enterprises[$0.enterprise].cvr.utf8) }
        nameFields = world.agreements.map {
            var f: [UInt8] = []
            f.appendCSVField(encoding.encode(world.enterprises[$0.enterprise].name), delimiter: 0x3B)
            return f
        }
        groups = SourceCodes.targetGroups.map { encoding.encode($0) }
        groupCodes = SourceCodes.targetGroupCodes.map { Array($0.utf8) }
        activities = BulkVocabulary.ladder.map { SourceCodes.activities(for: $0).map { encoding.encode($0) } }
        stageNames = BulkVocabulary.ladder.map { Array($0.rawValue.utf8) }
        firstDay = world.firstDay
        lastDay = world.lastDay
    }

    /// A citizen drawn without allocation: birth date parts and target group.
    struct BulkCitizen {
        var day: Int, month: Int, year: Int, group: Int, style: Int
        /// The last four digits (century digit first), when fixed for all the citizen's rows;
        /// else drawn per row.
        var serial: Int?

        /// Ten digits: DDMMYY, a seventh digit consistent with the century, three more.
        func appendDigits(to out: inout [UInt8], separator: UInt8? = nil, _ rng: inout SampleRandom) {
            out.appendDecimal(day, width: 2)
            out.appendDecimal(month, width: 2)
            out.appendDecimal(year % 100, width: 2)
            if let separator { out.append(separator) }
            if let serial {
                out.appendDecimal(serial, width: 4)
                return
            }
            out.appendDecimal(year >= 2000 ? 4 + rng.below(2) * 5 : rng.below(4))
            out.appendDecimal(rng.below(1000), width: 3)
        }
    }

    func citizen(_ rng: inout SampleRandom) -> BulkCitizen {
        let year = rng.int(1962...2007)
        let month = rng.int(1...12)
        var day = rng.int(1...Day.daysInMonth(year: year, month: month))
        if rng.chance(0.03) { day += 60 }  // replacement number
        let weights = year >= 1993 ? SourceCodes.youthGroupWeights : SourceCodes.adultGroupWeights
        return BulkCitizen(day: day, month: month, year: year, group: rng.weighted(weights), style: rng.weighted([85, 10, 5]))
    }
}

extension BufferedFileWriter {
    /// The citizen's CPR number in one of the valid written forms, then `;`.
    @inline(__always)
    func appendCPR(_ c: BulkVocabulary.BulkCitizen, _ rng: inout SampleRandom) {
        let separator: UInt8? = c.style == 0 ? 0x2D : c.style == 2 ? 0x20 : nil
        c.appendDigits(to: &buffer, separator: separator, &rng)
        buffer.append(0x3B)
    }
}
