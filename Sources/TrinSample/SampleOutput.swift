import Foundation
import TrinCore

/// Renders the views of a `SampleWorld` into files and collects the manifest entries.
struct SampleOutput {
    let directory: String
    let dirty: Bool
    let dirtyFraction: Double
    var files: [SampleManifest.File] = []
    private var badNumber = 1

    init(directory: String, dirty: Bool, dirtyFraction: Double) {
        self.directory = directory
        self.dirty = dirty
        self.dirtyFraction = dirtyFraction
    }

    static func write(_ bytes: some DataProtocol, to path: String) throws {
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        } catch {
            throw SampleError.cannotWrite(path: path, reason: "\(error)")
        }
    }

    /// How many bad rows a file of `good` rows gets: every kind once, more when the fraction asks.
    func badCount(good: Int, kinds: Int) -> Int {
        guard dirty else { return 0 }
        return max(kinds, Int((Double(good) * dirtyFraction).rounded()))
    }

    /// A source id for an injected row that no good row uses.
    mutating func badID(prefix: String, year: Int) -> [UInt8] {
        var id = Array(prefix.utf8)
        id.appendDecimal(year)
        id.append(0x2D)
        id.appendDecimal(9_000_000 + badNumber, width: 7)
        badNumber += 1
        return id
    }

    // MARK: Course export

    static func fileName(_ kind: String, _ day: Day, _ ext: String) -> String { "\(kind)-\(day).\(ext)" }

    mutating func writeForloeb(_ world: SampleWorld, _ rng: inout SampleRandom) throws {
        let formats = [
            ForloebFormat(encoding: .windows1252, bom: false, trailingDelimiter: false),
            ForloebFormat(encoding: .utf8, bom: true, trailingDelimiter: false),
            ForloebFormat(encoding: .windows1252, bom: false, trailingDelimiter: true),
        ]
        for (i, day) in world.extractDays.enumerated() {
            let format = formats[i % formats.count]
            let time = LocalTime.extract(day)
            var rows: [(bytes: [UInt8], reason: RejectReason?)] = []
            var bases: [(fields: [[UInt8]], start: Day)] = []
            for a in world.activities {
                guard let v = Activity.visible(a.csv, at: time) else { continue }
                let fields = format.fields(a, v, in: world)
                rows.append((format.line(fields), nil))
                if a.course != nil { bases.append((fields, a.start)) }
            }
            if !bases.isEmpty {
                let kinds = BadRow.allCases
                for k in 0..<badCount(good: rows.count, kinds: kinds.count) {
                    let kind = k < kinds.count ? kinds[k] : rng.pick(kinds)
                    var (fields, start) = rng.pick(bases)
                    fields[1] = badID(prefix: "F-", year: start.year)
                    kind.apply(to: &fields, start: start, format: format, &rng)
                    rows.insert((format.line(fields), kind.reason), at: rng.int(0...rows.count))
                }
            }
            var file = CSVFileBuilder(header: format.header())
            for row in rows { file.append(row.bytes, rejectedAs: row.reason) }
            let name = SampleOutput.fileName("forloeb", day, "csv")
            try SampleOutput.write(file.bytes, to: directory + "/" + name)
            files.append(manifestEntry(name, "forloeb", format, file))

            if dirty, i == world.extractDays.count - 1, !bases.isEmpty {
                try writeTruncatedForloeb(world, day: day, bases: bases, &rng)
            }
        }
    }

    /// A file cut off inside a quoted `Virksomhed` of its last row: that row is
    /// `field_count`, the rows before it are good.
    private mutating func writeTruncatedForloeb(_ world: SampleWorld, day: Day, bases: [(fields: [[UInt8]], start: Day)],
                                                _ rng: inout SampleRandom) throws {
        let format = ForloebFormat(encoding: .windows1252, bom: false, trailingDelimiter: false)
        var file = CSVFileBuilder(header: format.header())
        let time = LocalTime.extract(day)
        var written = 0
        for a in world.activities where written < 25 {
            guard let v = Activity.visible(a.csv, at: time) else { continue }
            file.append(format.line(format.fields(a, v, in: world)))
            written += 1
        }
        let quoted = bases.filter { $0.fields[4].contains(0x3B) || $0.fields[4].contains(0x22) }
        var (fields, start) = quoted.isEmpty ? rng.pick(bases) : rng.pick(quoted)
        fields[1] = badID(prefix: "F-", year: start.year)
        let line = format.line(fields)
        let cut = line.firstIndex(of: 0x22).map { $0 + 6 } ?? line.count / 2
        file.append(Array(line[..<cut]), rejectedAs: .fieldCount)
        let name = "forloeb-truncated-\(day).csv"
        try SampleOutput.write(file.bytes, to: directory + "/" + name)
        files.append(manifestEntry(name, "forloeb", format, file))
    }

    private func manifestEntry(_ name: String, _ kind: String, _ format: ForloebFormat,
                               _ file: CSVFileBuilder) -> SampleManifest.File {
        SampleManifest.File(
            name: name, kind: kind, encoding: format.encoding.rawValue, bom: format.bom,
            trailingDelimiter: format.trailingDelimiter, goodRecords: file.good, rejected: file.rejected,
            rejectedLines: file.rejectedLines, wholeFileRejected: nil)
    }
}
