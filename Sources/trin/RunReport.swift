import TrinStore
import Foundation

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
        return format(rows) + details.map { $0 + "\n" }.joined() + unknownCodes(outcomes)
    }

    /// The codes no mapping rule knew, by source, field and value over all files, most
    /// frequent first: what to add to the mapping's `values` (or to take up with the source).
    static func unknownCodes(_ outcomes: [FileOutcome]) -> String {
        struct Key: Hashable { var source, field, value: String }
        var rowsByCode: [Key: Int] = [:]
        for o in outcomes {
            for c in o.unknownCodes { rowsByCode[Key(source: o.source, field: c.field, value: c.value), default: 0] += c.rows }
        }
        guard !rowsByCode.isEmpty else { return "" }
        var rows: [[String]] = [["source", "field", "value", "rows"]]
        for (key, n) in rowsByCode.sorted(by: { ($1.value, $0.key.source, $0.key.field, $0.key.value) < ($0.value, $1.key.source, $1.key.field, $1.key.value) }) {
            rows.append([key.source, key.field, "\"\(key.value)\"", "\(n)"])
        }
        return "\nCodes the mapping does not know (add them to the field's `values`, or take them up with the source):\n"
            + format(rows).split(separator: "\n").map { "  " + $0 + "\n" }.joined()
    }

    /// Aligns a table (the first row its header): columns of numbers to the right (every
    /// cell below the header empty, `-`, or a number, a duration such as `12s` included),
    /// text to the left. Widths are in characters (a letter written with a combining mark is
    /// one), and trailing blanks are dropped.
    static func format(_ rows: [[String]]) -> String {
        guard let first = rows.first else { return "" }
        var widths = Array(repeating: 0, count: first.count)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        func isNumber(_ c: String) -> Bool {
            c.contains(where: \.isNumber) && c.allSatisfy { $0.isNumber || ".,-+%s".contains($0) }
        }
        let numeric = first.indices.map { i in rows.dropFirst().allSatisfy { i >= $0.count || ["", "-"].contains($0[i]) || isNumber($0[i]) } }
        return rows.map { r in
            String(r.enumerated().map { i, c in
                numeric[i] ? String(repeating: " ", count: widths[i] - c.count) + c
                    : c + String(repeating: " ", count: widths[i] - c.count)
            }.joined(separator: "  ").reversed().drop { $0 == " " }.reversed())
        }.joined(separator: "\n") + "\n"
    }
}
