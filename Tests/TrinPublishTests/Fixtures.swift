import Foundation
import TrinCore
import TrinDisclosure
import TrinMetrics

/// The sample as published as of 30 November 2025: 2023 and 2024 are closed.
func sampleReleased(k: Int = 5, asOf: String = "2025-11-30") -> ReleasedFigures {
    let policy = ReleasePolicy(asOf: Day(iso: asOf)!)
    return sampleMetrics(policy: policy).released(policy: policy, threshold: try! DisclosureThreshold(k: k),
                                                  register: sampleRegister())
}

/// 41 enterprises, number 7 without the local bottom line: exactly 40 with all three.
func sampleRegister() -> [EnterpriseRecord] {
    (1...41).map { i in
        EnterpriseRecord(cvr: i == 1 ? "30000001" : String(i), name: i == 1 ? "Café <Kaffe> & Co" : "E\(i)",
                         type: i % 3 == 0 ? .forening : .virksomhed, socialBottomLine: true,
                         localBottomLine: i != 7, economicBottomLine: true, start: Day(iso: "2023-06-01")!, end: nil)
    }
}

/// A small but complete record set: small counts (suppression), an agreement
/// with an awkward id (formula injection), shares, enterprises.
func sampleMetrics(policy: ReleasePolicy? = nil) -> Metrics {
    func rec(_ c: UInt64, _ stage: Stage, _ start: String, agreement: String? = nil, end: String? = nil,
             group: TargetGroup = .kontanthjaelp, band: AgeBand = .from18to24) -> ProgressRecord {
        ProgressRecord(pseudonym: Pseudonym(high: 1, low: c), ageBand: band, agreement: agreement, enterprise: "30000001",
                       targetGroup: group, stage: stage, start: Day(iso: start)!, end: end.map { Day(iso: $0)! },
                       hoursPerWeek: nil, recordedAt: Instant(secondsSinceEpoch: 0), source: "t", sourceRecordID: "\(c)")
    }
    var calc = MetricsCalculator(policy: policy)
    // SA-1: 20 courses in 2023, 15 moved up (those whose second record is later than the first).
    for c in 1...20 as ClosedRange<UInt64> {
        calc.add(citizen: [rec(c, .motivation, "2023-03-01", agreement: "SA-1"),
                           rec(c, c % 2 == 0 ? .job : .praktik, "2023-0\(c % 9 + 1)-15", agreement: "SA-1",
                               group: c % 3 == 0 ? .integration : .kontanthjaelp)])
    }
    // 20 courses in 2024: enough for an agreement row of its own at k = 5 (4k).
    for c in 21...40 as ClosedRange<UInt64> {
        calc.add(citizen: [rec(c, .uddannelse, "2024-02-01", agreement: "=HYPERLINK(\"x\")", end: "2024-06-30", band: .under18)])
    }
    // SA-2: 3 courses in 2024, pooled with the agreements below 4k ("(other)"), and small.
    for c in 41...43 as ClosedRange<UInt64> {
        calc.add(citizen: [rec(c, .praktik, "2024-03-01", agreement: "SA-2")])
    }
    return calc.finish(enterprises: sampleRegister())
}

/// A fresh empty directory under the system temporary directory.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("trin-publish-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The schemas/ folder of the package.
let schemasDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("schemas")

/// Quote-aware split of a CSV text in a given dialect, for reading files back.
func parseCSV(_ text: String, delimiter: Character) -> [[String]] {
    var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
    var chars = Array(text)
    if chars.first == "\u{FEFF}" { chars.removeFirst() }
    var i = 0
    while i < chars.count {
        let ch = chars[i]
        if quoted {
            if ch == "\"" {
                if i + 1 < chars.count, chars[i + 1] == "\"" { field.append("\""); i += 1 } else { quoted = false }
            } else { field.append(ch) }
        } else if ch == "\"" { quoted = true }
        else if ch == delimiter { row.append(field); field = "" }
        else if ch == "\r\n" || ch == "\n" { row.append(field); rows.append(row); row = []; field = "" }
        else { field.append(ch) }
        i += 1
    }
    if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
    return rows
}
