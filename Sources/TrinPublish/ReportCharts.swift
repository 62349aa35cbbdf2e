import TrinDisclosure

/// The report's charts: inline SVG built through `ReportHTML`, so every label is escaped.
///
/// Widths are computed from the labels (a deliberately generous estimate of
/// their rendered width), so no label or legend is clipped; the SVG scales down
/// to the page width with its viewBox. Bars carry a pattern as well as a colour,
/// and their values are written next to them.
enum ReportChart {
    typealias H = ReportHTML

    // MARK: Text measure

    /// An over-estimate of the width of `s` at font size `size` in the report's
    /// sans-serif fonts (Liberation Sans, Arial or DejaVu Sans, the widest).
    static func textWidth(_ s: String, size: Double, bold: Bool = false) -> Double {
        var em = 0.0
        for ch in s {
            switch ch {
            case " ", "i", "l", "j", "t", "f", "r", "I", ".", ",", ":", ";", "'", "|", "!", "(", ")", "[", "]", "-", "/":
                em += 0.36
            case "m", "w", "M", "W", "Æ", "æ", "Œ", "œ", "%", "@", "—":
                em += 0.98
            case "–", "+", "<", ">", "=", "«", "»":
                em += 0.84
            default:
                if ch.isUppercase { em += 0.74 } else if ch.isNumber { em += 0.64 } else { em += 0.62 }
            }
        }
        return em * size * (bold ? 1.1 : 1.0)
    }

    /// `s` in lines no wider than `width` (words kept whole unless a word alone is wider).
    static func wrap(_ s: String, width: Double, size: Double, bold: Bool = false) -> [String] {
        let words = s.split(whereSeparator: { $0.isWhitespace || $0.isNewline }).map(String.init)
        var lines: [String] = []
        var line = ""
        func push(_ word: String) {
            // A word wider than the line alone is cut into pieces that fit.
            var rest = word
            while textWidth(rest, size: size, bold: bold) > width, rest.count > 1 {
                var piece = ""
                for ch in rest {
                    if textWidth(piece + String(ch), size: size, bold: bold) > width, !piece.isEmpty { break }
                    piece.append(ch)
                }
                lines.append(piece)
                rest = String(rest.dropFirst(piece.count))
            }
            line = rest
        }
        for word in words {
            if line.isEmpty { push(word); continue }
            if textWidth(line + " " + word, size: size, bold: bold) <= width {
                line += " " + word
            } else {
                lines.append(line)
                push(word)
            }
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }

    /// A coordinate with at most one decimal.
    static func n(_ x: Double) -> String {
        let r = (x * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    // MARK: Pieces

    /// The `<svg>` element, labelled for assistive technology by its title and description.
    static func svg(id: String, width: Double, height: Double, title: String, desc: String, _ children: [H]) -> H {
        H.element("svg", ["id": id, "role": "img", "aria-labelledby": "\(id)-title \(id)-desc", "width": n(width), "height": n(height), "viewBox": "0 0 \(n(width)) \(n(height))", "font-size": "12", "fill": ReportStyle.ink],
                  [H.element("title", ["id": "\(id)-title"], [.text(title)]),
                   H.element("desc", ["id": "\(id)-desc"], [.text(desc)])] + children)
    }

    static func text(_ s: String, x: Double, y: Double, size: Double? = nil, anchor: String? = nil, bold: Bool = false,
                     fill: String? = nil, halo: Bool = false) -> H {
        H.element("text", ["x": n(x), "y": n(y), "font-size": size.map(n), "text-anchor": anchor, "font-weight": bold ? "bold" : nil, "fill": fill, "stroke": halo ? ReportStyle.background : nil, "stroke-width": halo ? "3" : nil, "stroke-linejoin": halo ? "round" : nil, "paint-order": halo ? "stroke" : nil],
                  [.text(s)])
    }

    static func rect(x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String? = nil,
                     title: String? = nil) -> H {
        H.element("rect", ["x": n(x), "y": n(y), "width": n(max(width, 0)), "height": n(max(height, 0)), "fill": fill, "stroke": stroke, "stroke-width": stroke == nil ? nil : "1"],
                  title.map { [H.element("title", [.text($0)])] } ?? [])
    }

    /// The pattern of a category, drawn over its colour (solid for `goal`).
    static func patternDefs(id: String, _ categories: [ReportCategory]) -> H {
        func pattern(_ c: ReportCategory, rotate: Int?, _ marks: [H], background: String? = nil) -> H {
            H.element("pattern", ["id": "\(id)-\(c.rawValue)", "patternUnits": "userSpaceOnUse", "width": "6", "height": "6", "patternTransform": rotate.map { "rotate(\($0))" }],
                      [rect(x: 0, y: 0, width: 6, height: 6, fill: background ?? c.colour)] + marks)
        }
        let white = ReportStyle.background
        let defs: [H] = categories.compactMap { c in
            switch c {
            case .goal: nil
            case .preparing: pattern(c, rotate: 45, [rect(x: 0, y: 0, width: 1.8, height: 6, fill: white)])
            case .workplace: pattern(c, rotate: nil, [H.element("circle", ["cx": "3", "cy": "3", "r": "1.3", "fill": white])])
            case .ophoert: pattern(c, rotate: 45, [rect(x: 0, y: 0, width: 1.4, height: 6, fill: white),
                                                  rect(x: 0, y: 0, width: 6, height: 1.4, fill: white)])
            case .running: pattern(c, rotate: nil, [rect(x: 0, y: 0, width: 6, height: 1.8, fill: white)])
            case .noStep: pattern(c, rotate: nil, [rect(x: 0, y: 0, width: 1.8, height: 6, fill: white)])
            case .notGoal: pattern(c, rotate: 45, [rect(x: 0, y: 0, width: 1, height: 6, fill: white)])
            case .suppressed: pattern(c, rotate: -45, [rect(x: 0, y: 0, width: 1.5, height: 6, fill: c.colour)], background: white)
            }
        }
        return H.element("defs", defs)
    }

    static func fill(id: String, _ c: ReportCategory) -> String { c == .goal ? c.colour : "url(#\(id)-\(c.rawValue))" }

    /// Swatches with their labels, laid out in lines within `width` (which must
    /// hold the widest item); returns the height used.
    static func legend(id: String, _ items: [(ReportCategory, String)], x: Double, y: Double, width: Double) -> (H, Double) {
        let size = 11.0, swatch = 14.0, gap = 18.0, lineHeight = 20.0
        var parts: [H] = []
        var cx = x, cy = y
        for (c, label) in items {
            let w = swatch + 5 + textWidth(label, size: size)
            if cx > x, cx + w > x + width { cx = x; cy += lineHeight }
            parts.append(rect(x: cx, y: cy, width: swatch, height: swatch, fill: fill(id: id, c), stroke: c.colour))
            parts.append(text(label, x: cx + swatch + 5, y: cy + 11.5, size: size))
            cx += w + gap
        }
        return (H.element("g", parts), cy + lineHeight - y)
    }

    // MARK: Goal charts

    struct YearBar {
        let year: Int
        /// "åbent" / "foreløbigt" under the year; nil for a closed year.
        let mark: String?
        let value: Disclosed<Int>
    }

    /// Vertical bars per year with the norm or goal as a dashed line; open and
    /// provisional years hatched and marked under the year; a suppressed value as "..".
    static func yearBars(id: String, title: String, desc: String, bars: [YearBar], goal: Int, goalLabel: String,
                         count: (Int) -> String) -> H {
        let size = 12.0
        let left = textWidth(goalLabel, size: size, bold: true) + 12
        let labels = bars.map { $0.value.value.map(count) ?? ".." }
        let slot = max(54, (bars.compactMap { $0.mark.map { textWidth($0, size: 10.5) } } + labels.map { textWidth($0, size: size, bold: true) })
            .max().map { $0 + 12 } ?? 0)
        let top = 24.0, plot = 130.0
        let base = top + plot
        let hasMark = bars.contains { $0.mark != nil }
        let height = base + (hasMark ? 38 : 24)
        let width = left + slot * Double(max(bars.count, 1)) + 8
        let maxValue = Double(max(goal, bars.compactMap { $0.value.value }.max() ?? 0))
        let scale = plot / (maxValue * 1.12)
        func y(_ v: Int) -> Double { base - Double(v) * scale }

        var parts: [H] = [H.element("defs", [
            H.element("pattern", ["id": "\(id)-hatch", "patternUnits": "userSpaceOnUse", "width": "6", "height": "6", "patternTransform": "rotate(45)"],
                      [rect(x: 0, y: 0, width: 6, height: 6, fill: ReportStyle.background),
                       rect(x: 0, y: 0, width: 2.4, height: 6, fill: ReportStyle.bar)]),
        ])]
        parts.append(H.element("line", ["x1": n(left - 4), "x2": n(width - 4), "y1": n(base), "y2": n(base), "stroke": ReportStyle.softInk, "stroke-width": "1"]))
        for (i, bar) in bars.enumerated() {
            let cx = left + slot * (Double(i) + 0.5), w = slot * 0.62
            if let v = bar.value.value {
                if v > 0 {
                    parts.append(rect(x: cx - w / 2, y: y(v), width: w, height: base - y(v),
                                      fill: bar.mark == nil ? ReportStyle.bar : "url(#\(id)-hatch)", stroke: ReportStyle.bar))
                }
            }
            parts.append(text(String(bar.year), x: cx, y: base + 16, size: size, anchor: "middle"))
            if let mark = bar.mark {
                parts.append(text(mark, x: cx, y: base + 31, size: 10.5, anchor: "middle", fill: ReportStyle.softInk))
            }
        }
        // The goal line over the bars; the value labels have a white halo where it crosses them.
        parts.append(H.element("line", ["x1": n(left - 4), "x2": n(width - 4), "y1": n(y(goal)), "y2": n(y(goal)), "stroke": ReportStyle.goalLine, "stroke-width": "2", "stroke-dasharray": "6 4"]))
        parts.append(text(goalLabel, x: left - 8, y: y(goal) + 4, size: size, anchor: "end", bold: true, fill: ReportStyle.goalLine))
        // Value labels on top of the line (with a white halo), so that the line never hides them.
        for (i, bar) in bars.enumerated() {
            let cx = left + slot * (Double(i) + 0.5)
            let yy = bar.value.value.map { y($0) - 5 } ?? base - 5
            parts.append(text(labels[i], x: cx, y: yy, size: size, anchor: "middle", bold: true, halo: true))
        }
        return svg(id: id, width: width, height: height, title: title, desc: desc, parts)
    }

    // MARK: Value chain

    struct BarRow {
        let label: String
        let value: Disclosed<Int>?
        let category: ReportCategory
    }

    struct BarGroup {
        let title: String
        /// The group's total, drawn as its first bar in bold; nil when not published at this level.
        let total: BarRow?
        let rows: [BarRow]
    }

    /// Horizontal bars grouped under headings (the value chain's steps), each
    /// bar with its step's pattern and its value written after it.
    static func groupedBars(id: String, title: String, desc: String, groups: [BarGroup], count: (Int) -> String) -> H {
        let size = 12.0, rowHeight = 22.0, groupHeight = 24.0, indent = 14.0, barArea = 330.0
        let rows = groups.flatMap { g in (g.total.map { [$0] } ?? []) + g.rows }
        let labelWidth = (rows.map { textWidth($0.label, size: size, bold: true) }.max() ?? 0) + indent + 12
        let labels = rows.map { r -> String in
            switch r.value {
            case .value(let v)?: count(v)
            case .suppressed?: ".."
            case nil: "–"
            }
        }
        let valueWidth = (labels.map { textWidth($0, size: size, bold: true) }.max() ?? 0) + 14
        var width = labelWidth + barArea + valueWidth
        width = max(width, (groups.map { textWidth($0.title, size: size, bold: true) }.max() ?? 0) + 8)
        let maxValue = Double(max(rows.compactMap { $0.value?.value }.max() ?? 0, 1))
        let categories = ReportCategory.allCases.filter { c in rows.contains { $0.category == c } }

        var parts: [H] = [patternDefs(id: id, categories)]
        var y = 4.0, index = 0
        for group in groups {
            parts.append(text(group.title, x: 0, y: y + 16, size: size, bold: true))
            y += groupHeight
            let groupRows = (group.total.map { [(true, $0)] } ?? []) + group.rows.map { (false, $0) }
            for (bold, row) in groupRows {
                parts.append(text(row.label, x: indent, y: y + 15, size: size, bold: bold))
                var end = labelWidth
                if let v = row.value?.value, v > 0 {
                    let w = max(Double(v) / maxValue * barArea, 1.5)
                    parts.append(rect(x: labelWidth, y: y + 3, width: w, height: rowHeight - 6, fill: fill(id: id, row.category),
                                      stroke: row.category.colour, title: "\(row.label): \(labels[index])"))
                    end += w
                }
                parts.append(text(labels[index], x: end + 6, y: y + 15, size: size, bold: true))
                y += rowHeight
                index += 1
            }
            y += 4
        }
        parts.insert(H.element("line", ["x1": n(labelWidth), "x2": n(labelWidth), "y1": "4", "y2": n(y - 4), "stroke": ReportStyle.softInk, "stroke-width": "1"]), at: 1)
        return svg(id: id, width: width, height: y, title: title, desc: desc, parts)
    }

    // MARK: Agreements

    struct StackRow {
        let title: String
        let subtitle: String
        let total: Disclosed<Int>?
        /// Left to right.
        let segments: [(ReportCategory, Disclosed<Int>?)]
    }

    /// One stacked bar per agreement: where its courses ended, by step; the
    /// suppressed part of a bar hatched grey. Names are wrapped, never cut.
    static func stackedBars(id: String, title: String, desc: String, rows: [StackRow], legend items: [(ReportCategory, String)],
                            count: (Int) -> String) -> H {
        let size = 11.0, subSize = 9.5, barArea = 320.0, barHeight = 14.0, maxLabel = 220.0
        let titleLines = rows.map { wrap($0.title, width: maxLabel, size: size, bold: true) }
        let subLines = rows.map { wrap($0.subtitle, width: maxLabel, size: subSize) }
        let labelWidth = ((titleLines.flatMap { $0.map { textWidth($0, size: size, bold: true) } }
                          + subLines.flatMap { $0.map { textWidth($0, size: subSize) } }).max() ?? 0) + 12
        let totals = rows.map { r -> String in
            switch r.total {
            case .value(let v)?: count(v)
            case .suppressed?: ".."
            case nil: "–"
            }
        }
        let valueWidth = (totals.map { textWidth($0, size: size, bold: true) }.max() ?? 0) + 14
        let legendItem = items.map { 14 + 5 + textWidth($0.1, size: 11) }.max() ?? 0
        let width = max(labelWidth + barArea + valueWidth, 360, legendItem)
        let maxValue = Double(max(rows.compactMap { $0.total?.value }.max() ?? 0, 1))

        var parts: [H] = [patternDefs(id: id, ReportCategory.allCases)]
        var y = 2.0
        for (i, row) in rows.enumerated() {
            let lines = titleLines[i].count, subs = subLines[i].count
            let height = max(26, Double(lines) * 13.5 + Double(subs) * 11.5 + 8)
            var ty = y + 14
            for line in titleLines[i] { parts.append(text(line, x: 0, y: ty, size: size, bold: true)); ty += 13.5 }
            for line in subLines[i] { parts.append(text(line, x: 0, y: ty - 1.5, size: subSize, fill: ReportStyle.softInk)); ty += 11.5 }
            let barY = y + 5
            var x = labelWidth
            if let total = row.total?.value, total > 0 {
                let scale = Double(total) / maxValue * barArea / Double(total)
                var published = 0
                var pieces: [(ReportCategory, Int, String)] = []
                for (c, v) in row.segments {
                    guard let v = v?.value, v > 0 else { continue }
                    published += v
                    pieces.append((c, v, count(v)))
                }
                if total > published { pieces.append((.suppressed, total - published, "..")) }
                for (c, v, label) in pieces {
                    let w = Double(v) * scale
                    let gap = w > 4 ? 1.5 : 0
                    let name = items.first { $0.0 == c }?.1 ?? ""
                    parts.append(rect(x: x, y: barY, width: w - gap, height: barHeight, fill: fill(id: id, c), stroke: c.colour,
                                      title: "\(name): \(label)"))
                    x += w
                }
            }
            parts.append(text(totals[i], x: x + 6, y: barY + 11, size: size, bold: true))
            y += height
            parts.append(H.element("line", ["x1": "0", "x2": n(width), "y1": n(y - 1), "y2": n(y - 1), "stroke": "#d9d9d9", "stroke-width": "1"]))
        }
        let (legendPart, legendHeight) = legend(id: id, items, x: 0, y: y + 8, width: width)
        parts.append(legendPart)
        return svg(id: id, width: width, height: y + 8 + legendHeight, title: title, desc: desc, parts)
    }
}
