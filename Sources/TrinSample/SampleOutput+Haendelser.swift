import TrinCore

/// The kinds of bad `Haendelse` the dirty sample puts into a good XML file.
/// Event-level kinds sit in a good `Forloeb`; `Forloeb`-level kinds get a
/// `Forloeb` of their own, and each of its events is rejected.
enum BadEvent: CaseIterable, Sendable {
    case impossibleDate, unknownType, endBeforeStart, hoursNotANumber, hoursNegative, hoursTooMany, badTimestamp
    case cprMalformed, cprInvalidDate, unknownGroupText, unknownGroupCode, badCVR, bornAfterStart

    var reason: RejectReason {
        switch self {
        case .impossibleDate: .invalidDate
        case .unknownType: .unknownActivity
        case .endBeforeStart: .endBeforeStart
        case .hoursNotANumber, .hoursNegative: .invalidHours
        case .hoursTooMany: .hoursOutOfRange
        case .badTimestamp: .invalidTimestamp
        case .cprMalformed: .cprMalformed
        case .cprInvalidDate: .cprInvalidDate
        case .unknownGroupText, .unknownGroupCode: .unknownTargetGroup
        case .badCVR: .invalidCVR
        case .bornAfterStart: .birthAfterEvent
        }
    }

    var isForloebLevel: Bool {
        switch self {
        case .cprMalformed, .cprInvalidDate, .unknownGroupText, .unknownGroupCode, .badCVR, .bornAfterStart: true
        default: false
        }
    }
}

/// One `Forloeb` element while a portal export is assembled.
private struct ForloebElement {
    var course: Int
    var id: String
    var cpr: [UInt8]
    var groupText: String
    var groupCode: String
    var events: [HaendelserFormat.Event]
    var starts: [Day]
    /// Bytes of extra (bad) events, inserted among the good ones.
    var extra: [(at: Int, bytes: [UInt8])] = []

    func bytes(_ world: SampleWorld) -> [UInt8] {
        let agreement = world.agreements[world.courses[course].agreement]
        return bytes(agreementID: agreement.id, cvr: world.enterprises[agreement.enterprise].cvr)
    }

    func bytes(agreementID: String, cvr: String) -> [UInt8] {
        var out = HaendelserFormat.forloebOpen(id: id, cpr: cpr, agreementID: agreementID, cvr: cvr,
                                               groupText: groupText, groupCode: groupCode)
        var lines = events.map(\.bytes)
        for e in extra.sorted(by: { $0.at > $1.at }) { lines.insert(e.bytes, at: min(e.at, lines.count)) }
        for l in lines { out += l }
        out += HaendelserFormat.forloebClose
        return out
    }
}

extension SampleOutput {
    mutating func writeHaendelser(_ world: SampleWorld, _ rng: inout SampleRandom) throws {
        for (i, day) in world.portalDays.enumerated() {
            let time = LocalTime.extract(day)
            var elements: [ForloebElement] = []
            var elementOfCourse: [Int: Int] = [:]
            for a in world.activities {
                guard let c = a.course, let v = Activity.visible(a.xml, at: time) else { continue }
                if elementOfCourse[c] == nil {
                    elementOfCourse[c] = elements.count
                    let course = world.courses[c]
                    let citizen = world.citizens[course.citizen]
                    // Some portals send only the code, with an empty text.
                    let codeOnly = c % 7 == 3
                    elements.append(ForloebElement(
                        course: c, id: course.portalID,
                        cpr: citizen.text(citizen.style == .spacedGroups ? .hyphen : .plain),
                        groupText: codeOnly ? "" : SourceCodes.targetGroups[course.group],
                        groupCode: SourceCodes.targetGroupCodes[course.group], events: [], starts: []))
                }
                elements[elementOfCourse[c]!].events.append(
                    HaendelserFormat.Event(stage: a.stage, start: a.start, version: v, utc: a.xmlInUTC))
                elements[elementOfCourse[c]!].starts.append(a.start)
            }
            let good = elements.reduce(0) { $0 + $1.events.count }
            let isLast = i == world.portalDays.count - 1
            var chunks = elements.map { $0.bytes(world) }
            var rejected: [String: Int] = [:]
            if isLast, dirty, !elements.isEmpty {
                injectBadEvents(world, &elements, &chunks, &rejected, good: good, &rng)
            }
            var bytes = HaendelserFormat.prolog(dannet: time)
            for c in chunks { bytes += c }
            bytes += HaendelserFormat.epilog
            let name = SampleOutput.fileName("haendelser", day, "xml")
            try SampleOutput.write(bytes, to: directory + "/" + name)
            files.append(SampleManifest.File(
                name: name, kind: "haendelser", encoding: "utf-8", bom: false, trailingDelimiter: false,
                goodRecords: good, rejected: rejected, rejectedLines: [], wholeFileRejected: nil))
            if isLast, dirty, !elements.isEmpty {
                try writeBrokenXML(world, day: day, good: bytes, first: elements[0].bytes(world))
            }
        }
    }

    private mutating func injectBadEvents(_ world: SampleWorld, _ elements: inout [ForloebElement],
                                          _ chunks: inout [[UInt8]], _ rejected: inout [String: Int], good: Int,
                                          _ rng: inout SampleRandom) {
        let kinds = BadEvent.allCases
        var touched = Set<Int>()
        var newElements: [(at: Int, bytes: [UInt8])] = []
        for k in 0..<badCount(good: good, kinds: kinds.count) {
            let kind = k < kinds.count ? kinds[k] : rng.pick(kinds)
            let e = rng.below(elements.count)
            let base = elements[e]
            if !kind.isForloebLevel {
                var event = base.events[0]
                let start = base.starts[0]
                switch kind {
                case .impossibleDate: event.start = Array("\(start.year)-02-30".utf8)
                case .unknownType: event.type = Array(rng.pick(SourceCodes.unknownXMLTypes).utf8)
                case .endBeforeStart: event.end = start.adding(days: -rng.int(1...30)).iso
                case .hoursNotANumber: event.hours = Array(rng.pick(["abc", "12,5", "ca. 10"]).utf8)
                case .hoursNegative: event.hours = Array("-3".utf8)
                case .hoursTooMany: event.hours = Array(rng.pick(["400", "80.5"]).utf8)
                default:
                    event.registered = rng.chance(0.5)
                        ? Array("\(start.year)-13-01T10:00:00+01:00".utf8)
                        : start.danish + Array(" 10:00:00".utf8)
                }
                elements[e].extra.append((rng.int(0...base.events.count), event.bytes))
                touched.insert(e)
                rejected[kind.reason.rawValue, default: 0] += 1
                continue
            }
            var bad = base
            bad.extra = []
            bad.events = Array(base.events.prefix(2))
            var idBytes = Array("P-".utf8)
            idBytes.appendDecimal(900_000 + k, width: 6)
            bad.id = String(decoding: idBytes, as: UTF8.self)
            let agreement = world.agreements[world.courses[base.course].agreement]
            var cvr = world.enterprises[agreement.enterprise].cvr
            switch kind {
            case .cprMalformed: bad.cpr = Array(rng.pick(BadRow.malformedCPRs).utf8)
            case .cprInvalidDate: bad.cpr = BadRow.invalidDateCPR(&rng)
            case .unknownGroupText: bad.groupText = rng.pick(SourceCodes.unknownTargetGroups)
            case .unknownGroupCode: bad.groupText = ""; bad.groupCode = "XX"
            case .badCVR: cvr = Enterprise.brokenCVR(cvr)
            default:
                let latest = base.starts.prefix(2).max()!
                bad.cpr = Citizen.cprDigits(birth: latest.adding(days: rng.int(20...200)), replacement: false, &rng)
            }
            newElements.append((rng.int(0...chunks.count), bad.bytes(agreementID: agreement.id, cvr: cvr)))
            rejected[kind.reason.rawValue, default: 0] += bad.events.count
        }
        for e in touched { chunks[e] = elements[e].bytes(world) }
        for n in newElements.sorted(by: { $0.at > $1.at }) { chunks.insert(n.bytes, at: n.at) }
    }

    /// Files an importer must refuse whole: truncated, a DTD with nested
    /// entities, an external entity, another namespace.
    private mutating func writeBrokenXML(_ world: SampleWorld, day: Day, good: [UInt8], first: [UInt8]) throws {
        let time = LocalTime.extract(day)
        // Truncated: cut inside a `Haendelse` start tag past the middle of the good file.
        var cut = good.count * 3 / 5
        let marker = Array("<Haendelse ".utf8)
        while cut + marker.count < good.count, !good[cut..<(cut + marker.count)].elementsEqual(marker) { cut += 1 }
        cut = min(good.count - 1, cut + marker.count + 12)
        let docType = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE Forloebsudtraek [
              <!ENTITY l0 "ha">
              <!ENTITY l1 "&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;">
              <!ENTITY l2 "&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;">
              <!ENTITY l3 "&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;">
            ]>

            """
        var entities = Array(docType.utf8) + HaendelserFormat.prolog(dannet: time).dropFirst(39)
        entities += first
        entities += Array("  <Forloeb id=\"P-999999\"><Maalgruppe kode=\"RF\">&l3;</Maalgruppe></Forloeb>\n".utf8)
        entities += HaendelserFormat.epilog
        let external = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE Forloebsudtraek [
              <!ENTITY ekstern SYSTEM "file:///etc/passwd">
            ]>

            """
        var externalBytes = Array(external.utf8) + HaendelserFormat.prolog(dannet: time).dropFirst(39) + first
        externalBytes += Array("  <Forloeb id=\"P-999998\"><Maalgruppe kode=\"RF\">&ekstern;</Maalgruppe></Forloeb>\n".utf8)
        externalBytes += HaendelserFormat.epilog
        let otherNamespace = HaendelserFormat.prolog(dannet: time, namespace: "urn:example:andet:forloeb:2") + first
            + HaendelserFormat.epilog
        let broken: [(String, String, [UInt8])] = [
            ("truncated", "truncated", Array(good[..<cut])),
            ("entities", "dtd_entities", entities),
            ("external", "external_entity", externalBytes),
            ("namespace", "other_namespace", otherNamespace),
        ]
        for (label, problem, bytes) in broken {
            let name = "haendelser-\(label)-\(day).xml"
            try SampleOutput.write(bytes, to: directory + "/" + name)
            files.append(SampleManifest.File(
                name: name, kind: "haendelser", encoding: "utf-8", bom: false, trailingDelimiter: false,
                goodRecords: 0, rejected: [:], rejectedLines: [], wholeFileRejected: problem))
        }
    }
}
