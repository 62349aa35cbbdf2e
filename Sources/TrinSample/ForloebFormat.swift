import TrinCore

/// The case system's course export (docs/exports.md): `;`-separated,
/// Windows-1252 or UTF-8 with a BOM, CRLF, minimal quoting, Danish dates.
struct ForloebFormat: Sendable {
    var encoding: TextEncoding
    var bom: Bool
    var trailingDelimiter: Bool

    static let columns = [
        "CPR-nr.", "Forløbs-ID", "Aftale-ID", "CVR-nr.", "Virksomhed", "Målgruppe", "Aktivitet",
        "Startdato", "Slutdato", "Timer pr. uge", "Registreret",
    ]

    /// The first bytes of a file: the BOM if any, then the header line.
    func header() -> [UInt8] {
        var out: [UInt8] = bom ? [0xEF, 0xBB, 0xBF] : []
        out += line(ForloebFormat.columns.map { encoding.encode($0) })
        return out
    }

    /// One physical row (possibly spanning lines inside quotes), with its CRLF.
    func line(_ fields: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(160)
        for (i, f) in fields.enumerated() {
            if i > 0 { out.append(0x3B) }
            out.appendCSVField(f, delimiter: 0x3B)
        }
        if trailingDelimiter { out.append(0x3B) }
        out += [0x0D, 0x0A]
        return out
    }

    /// The fields of an activity as one extract shows it.
    func fields(_ a: Activity, _ v: Version, in world: SampleWorld) -> [[UInt8]] {
        let citizen = world.citizens[a.citizen]
        var agreementID: [UInt8] = [], cvr: [UInt8] = [], name: [UInt8] = []
        if let c = a.course {
            let agreement = world.agreements[world.courses[c].agreement]
            let enterprise = world.enterprises[agreement.enterprise]
            agreementID = Array(agreement.id.utf8)
            cvr = Array(enterprise.cvr.utf8)
            name = encoding.encode(enterprise.name)
        }
        return [
            citizen.text(citizen.style), Array(a.sourceID.utf8), agreementID, cvr, name,
            encoding.encode(SourceCodes.targetGroups[a.group]), encoding.encode(a.activityName),
            a.start.danish, v.end?.danish ?? [], ForloebFormat.hours(v.halfHours), ForloebFormat.timestamp(v.at),
        ]
    }

    /// Weekly hours with a decimal comma: `12`, `12,5`; empty when unknown.
    static func hours(_ halfHours: Int?) -> [UInt8] {
        guard let h = halfHours else { return [] }
        var out: [UInt8] = []
        out.appendDecimal(h / 2)
        if h % 2 == 1 { out += [0x2C, 0x35] }
        return out
    }

    /// `dd-MM-yyyy HH:mm:ss`, Danish local time.
    static func timestamp(_ t: LocalTime) -> [UInt8] {
        var out = t.day.danish
        out.append(0x20)
        out.appendDecimal(t.second / 3600, width: 2); out.append(0x3A)
        out.appendDecimal(t.second / 60 % 60, width: 2); out.append(0x3A)
        out.appendDecimal(t.second % 60, width: 2)
        return out
    }
}

/// Collects the rows of one CSV file and what the manifest says about them.
struct CSVFileBuilder {
    var bytes: [UInt8]
    /// The physical line the next row starts on (header = 1).
    var line: Int
    var good = 0
    var rejected: [String: Int] = [:]
    var rejectedLines: [SampleManifest.RejectedLine] = []

    init(header: [UInt8]) {
        bytes = header
        line = 1 + header.lazy.filter { $0 == 0x0A }.count
    }

    mutating func append(_ row: [UInt8], rejectedAs reason: RejectReason? = nil) {
        if let reason {
            rejected[reason.rawValue, default: 0] += 1
            rejectedLines.append(.init(line: line, reason: reason.rawValue))
        } else {
            good += 1
        }
        bytes += row
        line += row.lazy.filter { $0 == 0x0A }.count
    }
}
