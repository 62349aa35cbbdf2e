import TrinCore

extension SampleOutput {
    static let registerColumns = [
        "CVR", "Navn", "Type", "Social bundlinje", "Lokal bundlinje", "Økonomisk bundlinje", "Startdato", "Slutdato",
    ]

    /// One register line: `,`-separated, RFC 4180 quoting, LF.
    static func registerLine(_ fields: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        for (i, f) in fields.enumerated() {
            if i > 0 { out.append(0x2C) }
            out.appendCSVField(f, delimiter: 0x2C)
        }
        out.append(0x0A)
        return out
    }

    static func registerFields(_ e: Enterprise) -> [[UInt8]] {
        func yesNo(_ b: Bool) -> [UInt8] { Array((b ? "ja" : "nej").utf8) }
        return [Array(e.cvr.utf8), Array(e.name.utf8), Array(e.type.utf8), yesNo(e.social), yesNo(e.local),
                yesNo(e.economic), e.start.iso, e.end?.iso ?? []]
    }

    /// `virksomheder.csv`: UTF-8 with a BOM. One CVR is listed twice (an old
    /// row early, the current one later: the later row wins).
    mutating func writeRegister(_ world: SampleWorld, _ rng: inout SampleRandom) throws {
        var rows: [(bytes: [UInt8], reason: RejectReason?)] = world.enterprises.map {
            (SampleOutput.registerLine(SampleOutput.registerFields($0)), nil)
        }
        if world.enterprises.count > 5 {
            var old = world.enterprises[5]
            old.name += " (tidligere adresse)"
            old.local = false
            rows.insert((SampleOutput.registerLine(SampleOutput.registerFields(old)), nil), at: 1)
        }
        if dirty {
            let bad: [(RejectReason, (inout [[UInt8]]) -> Void)] = [
                (.invalidCVR, { $0[0] = Array(Enterprise.brokenCVR(String(decoding: $0[0], as: UTF8.self)).utf8) }),
                (.unknownType, { $0[2] = Array("Fond".utf8) }),
                (.invalidBottomLine, { $0[4] = Array("delvis".utf8) }),
                (.invalidDate, { $0[6] = Array("2019-02-30".utf8) }),
            ]
            for (i, (reason, breakRow)) in bad.enumerated() {
                let e = Enterprise(
                    cvr: Enterprise.randomCVR(&rng), name: ["Ny Café, Korsør", "Værkstedet \"Nyt Liv\"",
                                                            "Genbrug Øst", "Fællesskabet Syd"][i],
                    type: "Initiativ", social: true, local: true, economic: false,
                    start: Day(year: world.lastYear, month: 3, day: 1)!, end: nil)
                var fields = SampleOutput.registerFields(e)
                breakRow(&fields)
                rows.insert((SampleOutput.registerLine(fields), reason), at: rng.int(0...rows.count))
            }
        }
        var file = CSVFileBuilder(header: [0xEF, 0xBB, 0xBF]
            + SampleOutput.registerLine(SampleOutput.registerColumns.map { Array($0.utf8) }))
        for row in rows { file.append(row.bytes, rejectedAs: row.reason) }
        let name = "virksomheder.csv"
        try SampleOutput.write(file.bytes, to: directory + "/" + name)
        files.append(SampleManifest.File(
            name: name, kind: "virksomheder", encoding: "utf-8", bom: true, trailingDelimiter: false,
            goodRecords: file.good, rejected: file.rejected, rejectedLines: file.rejectedLines, wholeFileRejected: nil))
    }
}
