import TrinCore
import TrinDisclosure
import TrinMetrics

/// The annual report: one self-contained HTML file (inline CSS and SVG, no
/// external references) that prints on A4. Danish by default.
///
/// The markup is also well-formed XML (void elements closed, text escaped), so
/// that it can be checked with any XML parser.
public struct ReportWriter: Sendable {
    public enum Language: String, Sendable { case danish = "da", english = "en" }
    public var language: Language

    /// The unit named in the report's heading.
    public let unitName: String

    public init(language: Language = .danish, unitName: String = "Socialøkonomisk enhed") {
        self.language = language
        self.unitName = unitName
    }

    /// The report of `year` from a published set (being rewritten for the release model).
    public func render(_ released: ReleasedFigures, year: Int) -> String {
        "<!DOCTYPE html><html lang=\"da\"><head><meta charset=\"utf-8\"><title>\(year)</title></head><body></body></html>"
    }

    /// The report for `year`, with every year up to it in the charts.
    public func render(_ m: DisclosedMetrics, year: Int) -> String {
        let years = m.years.filter { $0 <= year }
        var body = "<h1>\(t("Årsrapport", "Annual report")) \(year)</h1>\n"
        body += "<p class=\"note\">\(t("Optællinger af 1 til", "Counts of 1 to")) \(m.k - 1) \(t("borgere og de celler, de kunne udledes af, er undertrykt og vist som", "citizens, and the cells they could be worked out from, are suppressed and shown as")) <b>..</b>.</p>\n"
        body += summarySection(m, year: year)
        body += outcomeSection(m, year: year)
        body += employmentSection(m, years: years, year: year)
        body += progressionSection(m, year: year)
        body += youthSection(m, year: year)
        body += enterpriseSection(m, years: years, year: year)
        return """
        <!DOCTYPE html>
        <html lang="\(language.rawValue)">
        <head>
        <meta charset="utf-8" />
        <title>trin \(t("årsrapport", "annual report")) \(year)</title>
        <style>
        @page { size: A4; margin: 18mm; }
        body { font-family: sans-serif; font-size: 10.5pt; color: #222; max-width: 180mm; margin: auto; }
        h1 { font-size: 18pt; } h2 { font-size: 13pt; border-bottom: 1px solid #999; page-break-after: avoid; }
        h3 { font-size: 11pt; margin: 2mm 0 0; }
        section { page-break-inside: avoid; margin-bottom: 8mm; }
        table { border-collapse: collapse; margin: 2mm 0; } td, th { border: 1px solid #bbb; padding: 1mm 2mm; text-align: right; }
        th:first-child, td:first-child { text-align: left; } .met { color: #176b2c; } .unmet { color: #a33; } .note { color: #555; }
        </style>
        </head>
        <body>
        \(body)</body>
        </html>

        """
    }

    // MARK: - Sections

    private func summarySection(_ m: DisclosedMetrics, year: Int) -> String {
        var items: [String] = []
        if let e = m.employment.first(where: { $0.year == year }) {
            items.append(goalLine(t("Beskæftigelse", "Employment"), value: n(e.table.total), target: e.goal, met: e.goalMet,
                                  unit: t("borgere i job", "citizens in work")))
        }
        if let e = m.enterprises.first(where: { $0.year == year }) {
            items.append(goalLine(t("Virksomheder", "Enterprises"), value: String(e.threeBottomLinesTotal),
                                  target: Metrics.enterpriseGoal, met: e.goalMet,
                                  unit: t("med alle tre bundlinjer", "with all three bottom lines")))
        }
        return "<section><h2>\(t("Mål", "Goals"))</h2><ul>\(items.map { "<li>\($0)</li>" }.joined())</ul></section>\n"
    }

    /// What went as expected and what did not (the strategy asks for both), from the
    /// published figures only: a suppressed figure is never compared.
    private func outcomeSection(_ m: DisclosedMetrics, year: Int) -> String {
        var good: [String] = [], bad: [String] = []
        func change(_ now: Int?, _ before: Int?) -> String {
            guard let now, let before else { return "" }
            if now == before { return t(" (som året før)", " (as the year before)") }
            return now > before ? t(" (\(now - before) flere end året før)", " (\(now - before) more than the year before)")
                                : t(" (\(before - now) færre end året før)", " (\(before - now) fewer than the year before)")
        }
        if let e = m.employment.first(where: { $0.year == year }) {
            let before = m.employment.first(where: { $0.year == year - 1 })?.table.total.value
            let line = t("Beskæftigelse: ", "Employment: ") + n(e.table.total) + t(" borgere i første job, norm \(e.goal)", " citizens in their first job, norm \(e.goal)")
                + change(e.table.total.value, before)
            if e.goalMet { good.append(line) } else { bad.append(line) }
        }
        if let e = m.enterprises.first(where: { $0.year == year }) {
            let before = m.enterprises.first(where: { $0.year == year - 1 })?.threeBottomLinesTotal
            var line = t("Virksomheder med alle tre bundlinjer: ", "Enterprises with all three bottom lines: ") + "\(e.threeBottomLinesTotal)"
                + change(e.threeBottomLinesTotal, before)
            let goal = Metrics.enterpriseGoal
            if !e.goalMet { line += t(", \(goal - e.threeBottomLinesTotal) fra målet på \(goal)", ", \(goal - e.threeBottomLinesTotal) short of the goal of \(goal)") }
            if e.goalMet { good.append(line) } else { bad.append(line) }
        }
        if let y = m.youth.first(where: { $0.year == year }), let total = y.table.total.value {
            let before = m.youth.first(where: { $0.year == year - 1 })?.table.total.value
            let line = t("Unge under 30 i uddannelse eller beskæftigelse: ", "Young people under 30 reaching education or work: ") + "\(total)" + change(total, before)
            if let before, total < before { bad.append(line) } else { good.append(line) }
        }
        let shares = m.progression.filter { $0.year == year }.compactMap { p in p.movedUpShare.value.map { (p.agreement, $0) } }
        let low = shares.filter { $0.1 < 0.5 }
        if !shares.isEmpty {
            let line = t("Progression: i \(shares.count - low.count) af \(shares.count) aftaler med offentliggjort andel rykkede mindst halvdelen af borgerne et trin op",
                         "Progression: in \(shares.count - low.count) of \(shares.count) agreements with a published share, at least half of the citizens moved up a step")
            if low.isEmpty { good.append(line) } else {
                bad.append(line + t(" (under halvdelen: ", " (under half: ") + low.map { esc($0.0) }.joined(separator: ", ") + ")")
            }
        }
        func list(_ items: [String]) -> String { items.isEmpty ? "<p>–</p>" : "<ul>" + items.map { "<li>\($0)</li>" }.joined() + "</ul>" }
        return "<section><h2>\(t("Hvad gik som forventet, og hvad gik ikke", "What went as expected, and what did not"))</h2>"
            + "<h3>\(t("Som forventet", "As expected"))</h3>\(list(good))<h3>\(t("Ikke som forventet", "Not as expected"))</h3>\(list(bad))</section>\n"
    }

    private func goalLine(_ name: String, value: String, target: Int, met: Bool, unit: String) -> String {
        let verdict = met ? "<span class=\"met\">\(t("mål nået som forventet", "goal met as expected"))</span>"
                          : "<span class=\"unmet\">\(t("mål ikke nået", "goal not met"))</span>"
        return "<b>\(name)</b>: \(value) \(unit) (\(t("mål", "goal")) \(target)) — \(verdict)"
    }

    private func employmentSection(_ m: DisclosedMetrics, years: [Int], year: Int) -> String {
        let bars = m.employment.filter { years.contains($0.year) }.map { ($0.year, $0.table.total.value) }
        var s = "<section><h2>\(t("Beskæftigelse", "Employment"))</h2>\n"
        s += barChart(bars, goal: Metrics.employmentGoal, label: t("borgere i første job pr. år, norm", "citizens in their first job per year, norm"))
        if let e = m.employment.first(where: { $0.year == year }) { s += table(e.table, rowHeader: t("Målgruppe", "Target group")) }
        return s + "</section>\n"
    }

    private func progressionSection(_ m: DisclosedMetrics, year: Int) -> String {
        let agreements = m.progression.filter { $0.year == year }
        var s = "<section><h2>\(t("Progression pr. samarbejdsaftale", "Progression per cooperation agreement")) \(year)</h2>\n"
        guard !agreements.isEmpty else { return s + "<p>\(t("Ingen forløb startet.", "No courses started."))</p></section>\n" }
        s += stackedBars(agreements)
        s += "<table><tr><th>\(t("Aftale", "Agreement"))</th><th>CVR</th><th>\(t("Startet", "Started"))</th><th>\(t("Afsluttet", "Ended"))</th><th>\(t("Rykket op", "Moved up"))</th><th>\(t("Andel", "Share"))</th></tr>\n"
        for a in agreements {
            let share = a.movedUpShare.value.map { String(Int(($0 * 100).rounded())) + " %" } ?? ".."
            s += "<tr><td>\(esc(a.agreement))</td><td>\(esc(a.enterprise ?? "–"))</td><td>\(n(a.started))</td><td>\(n(a.ended))</td><td>\(n(a.movedUp))</td><td>\(share)</td></tr>\n"
        }
        return s + "</table></section>\n"
    }

    private func youthSection(_ m: DisclosedMetrics, year: Int) -> String {
        guard let y = m.youth.first(where: { $0.year == year }) else { return "" }
        return "<section><h2>\(t("Unge under 30", "Young people under 30"))</h2>\n"
            + "<p>\(t("Unge, der nåede uddannelse eller beskæftigelse", "Young people who reached education or employment")): <b>\(n(y.table.total))</b></p>\n"
            + table(y.table, rowHeader: t("Udfald", "Outcome")) + "</section>\n"
    }

    private func enterpriseSection(_ m: DisclosedMetrics, years: [Int], year: Int) -> String {
        let bars = m.enterprises.filter { years.contains($0.year) }.map { ($0.year, Optional($0.threeBottomLinesTotal)) }
        var s = "<section><h2>\(t("Socialøkonomiske virksomheder", "Social-economy enterprises"))</h2>\n"
        s += barChart(bars, goal: Metrics.enterpriseGoal, label: t("aktive med alle tre bundlinjer, mål", "active with all three bottom lines, goal"))
        if let e = m.enterprises.first(where: { $0.year == year }) {
            s += "<table><tr><th>\(t("Type", "Type"))</th><th>\(t("Aktive", "Active"))</th><th>\(t("Tre bundlinjer", "Three bottom lines"))</th></tr>\n"
            for (i, type) in EnterpriseType.allCases.enumerated() {
                s += "<tr><td>\(esc(name(type.rawValue)))</td><td>\(e.active[i])</td><td>\(e.threeBottomLines[i])</td></tr>\n"
            }
            s += "<tr><th>\(t("I alt", "Total"))</th><th>\(e.activeTotal)</th><th>\(e.threeBottomLinesTotal)</th></tr></table>\n"
        }
        return s + "</section>\n"
    }

    // MARK: - Pieces

    private func table(_ tab: DisclosedCountTable, rowHeader: String) -> String {
        var s = "<table><tr><th>\(rowHeader)</th>" + tab.columnLabels.map { "<th>\(esc($0))</th>" }.joined() + "<th>\(t("I alt", "Total"))</th></tr>\n"
        for (i, label) in tab.rowLabels.enumerated() {
            s += "<tr><td>\(esc(name(label)))</td>" + tab.cells[i].map { "<td>\(n($0))</td>" }.joined() + "<td>\(n(tab.rowTotals[i]))</td></tr>\n"
        }
        s += "<tr><th>\(t("I alt", "Total"))</th>" + tab.columnTotals.map { "<th>\(n($0))</th>" }.joined() + "<th>\(n(tab.total))</th></tr>"
        return s + "</table>\n"
    }

    /// Vertical bars per year with a dashed goal line; a suppressed value is drawn as "..".
    private func barChart(_ bars: [(Int, Int?)], goal: Int, label: String) -> String {
        let width = 480, height = 160, base = 130
        let top = max(goal, bars.compactMap(\.1).max() ?? 0) + 5
        let slot = bars.isEmpty ? width : (width - 40) / bars.count
        func y(_ v: Int) -> Int { base - v * (base - 10) / top }
        var s = "<svg width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\"><title>\(esc(label)) \(goal)</title>\n"
        for (i, (year, value)) in bars.enumerated() {
            let x = 40 + i * slot + slot / 4, w = max(slot / 2, 4)
            if let value {
                s += "<rect x=\"\(x)\" y=\"\(y(value))\" width=\"\(w)\" height=\"\(base - y(value))\" fill=\"\(value >= goal ? "#2a7d46" : "#4a78b5")\" />"
                s += "<text x=\"\(x + w / 2)\" y=\"\(y(value) - 3)\" font-size=\"10\" text-anchor=\"middle\">\(value)</text>\n"
            } else {
                s += "<text x=\"\(x + w / 2)\" y=\"\(base - 3)\" font-size=\"10\" text-anchor=\"middle\">..</text>\n"
            }
            s += "<text x=\"\(x + w / 2)\" y=\"\(base + 14)\" font-size=\"10\" text-anchor=\"middle\">\(year)</text>\n"
        }
        s += "<line x1=\"36\" x2=\"\(width)\" y1=\"\(y(goal))\" y2=\"\(y(goal))\" stroke=\"#a33\" stroke-dasharray=\"4 3\" />"
        s += "<text x=\"2\" y=\"\(y(goal) + 4)\" font-size=\"10\" fill=\"#a33\">\(goal)</text>\n"
        s += "<text x=\"40\" y=\"\(height - 2)\" font-size=\"10\">\(esc(label)) \(goal)</text></svg>\n"
        return s
    }

    /// One horizontal bar per agreement: where its courses stand (end stage),
    /// published parts in colour, the suppressed remainder in grey.
    private func stackedBars(_ agreements: [DisclosedAgreementProgress]) -> String {
        let colours = ["#d9e4f2", "#b7cde6", "#92b3d9", "#6d98cc", "#4a78b5", "#2a7d46", "#5aa05f", "#a33", "#e0c070"]
        let rowHeight = 22, width = 480, left = 120
        let height = agreements.count * rowHeight + 30
        var s = "<svg width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\"><title>\(t("Hvor borgerne står", "Where citizens stand"))</title>\n"
        for (r, a) in agreements.enumerated() {
            let yPos = r * rowHeight + 4
            s += "<text x=\"0\" y=\"\(yPos + 13)\" font-size=\"10\">\(esc(String(a.agreement.prefix(20))))</text>"
            guard let started = a.started.value, started > 0 else {
                s += "<text x=\"\(left)\" y=\"\(yPos + 13)\" font-size=\"10\">..</text>\n"
                continue
            }
            var x = Double(left), published = 0
            let scale = Double(width - left - 10) / Double(started)
            for (i, cell) in a.endStage.enumerated() {
                guard let v = cell.value, v > 0 else { continue }
                published += v
                s += "<rect x=\"\(Int(x))\" y=\"\(yPos)\" width=\"\(Int(Double(v) * scale))\" height=\"16\" fill=\"\(colours[i])\"><title>\(esc(name(EndStage.allCases[i].rawValue))): \(v)</title></rect>"
                x += Double(v) * scale
            }
            if started > published {
                s += "<rect x=\"\(Int(x))\" y=\"\(yPos)\" width=\"\(Int(Double(started - published) * scale))\" height=\"16\" fill=\"#ccc\"><title>..</title></rect>"
            }
            s += "\n"
        }
        let legend = EndStage.allCases.enumerated().map { i, e in
            "<tspan fill=\"\(colours[i])\">■</tspan> \(esc(name(e.rawValue)))"
        }.joined(separator: "  ") + "  <tspan fill=\"#ccc\">■</tspan> .."
        s += "<text x=\"0\" y=\"\(height - 6)\" font-size=\"9\">\(legend)</text></svg>\n"
        return s
    }

    /// The reader's word for a canonical code (target group, stage, outcome, type).
    private func name(_ code: String) -> String {
        let names: [String: (String, String)] = [
            "ressourceforloeb": ("Ressourceforløb", "Resource course"), "jobafklaring": ("Jobafklaringsforløb", "Job clarification"),
            "kontanthjaelp": ("Kontanthjælp", "Social assistance"), "uddannelseshjaelp": ("Uddannelseshjælp", "Education assistance"),
            "fleksjob": ("Fleksjob / ledighedsydelse", "Flex job"), "integration": ("Integrations- og hjemrejseydelse", "Integration benefit"),
            "sygedagpenge": ("Sygedagpenge", "Sickness benefit"), "other": ("Anden", "Other"),
            "motivation": ("Motivation", "Motivation"), "opkvalificering": ("Opkvalificering", "Upskilling"),
            "afklaring": ("Afklaring", "Clarification"), "praktik": ("Praktik", "Internship"),
            "loentimer": ("Løntimer / småjob", "Paid hours / small job"), "job": ("Job", "Job"),
            "uddannelse": ("Uddannelse", "Education"), "ophoert": ("Ophørt", "Ended without outcome"),
            "running": ("I gang", "Running"), "none": ("Intet trin", "No step"), "employment": ("Beskæftigelse", "Employment"),
            "virksomhed": ("Virksomhed", "Enterprise"), "initiativ": ("Initiativ", "Initiative"), "forening": ("Forening", "Association"),
        ]
        guard let n = names[code] else { return code }
        return t(n.0, n.1)
    }

    private func n(_ c: Disclosed<Int>) -> String { c.value.map(String.init) ?? ".." }
    private func t(_ da: String, _ en: String) -> String { language == .danish ? da : en }

    private func esc(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }
}
