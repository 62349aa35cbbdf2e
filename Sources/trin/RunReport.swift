import TrinStore

/// Plain-text tables for the terminal.
enum RunReport {
    static func table(_ outcomes: [FileOutcome]) -> String {
        var rows: [[String]] = [["source", "file", "status", "http", "rows", "inserted", "updated", "duplicates", "rejected"]]
        var details: [String] = []
        for o in outcomes {
            rows.append([o.source, o.file, o.status.rawValue, o.httpStatus.map(String.init) ?? "", "\(o.rowsRead)", "\(o.inserted)", "\(o.updated)", "\(o.duplicates)", "\(o.rejected)"])
            if !o.rejectedByReason.isEmpty {
                details.append("  \(o.file): rejected " + o.rejectedByReason.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            }
            if let m = o.message { details.append("  " + (m.hasPrefix(o.file) ? m : "\(o.file): \(m)")) }
        }
        return format(rows) + details.map { $0 + "\n" }.joined()
    }

    static func format(_ rows: [[String]]) -> String {
        guard let first = rows.first else { return "" }
        var widths = Array(repeating: 0, count: first.count)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        return rows.map { r in
            r.enumerated().map { i, c in
                i < 2 ? c.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[i] - c.count) + c
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
