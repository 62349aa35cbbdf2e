import Foundation
import Testing
import TrinTestSupport
import TrinCore
import TrinDisclosure
import TrinMetrics
@testable import TrinPublish

/// Checks that markup is well-formed XML: every tag closed in order, attribute
/// values quoted, `&` only in an entity, no `<` in text. Returns the problem or nil.
func wellFormedProblem(_ text: String) -> String? {
    var stack: [String] = []
    let chars = Array(text)
    var i = 0
    while i < chars.count {
        let ch = chars[i]
        if ch == "&" {
            guard let semi = chars[i...].firstIndex(of: ";"), semi - i <= 8,
                  chars[(i + 1)..<semi].allSatisfy({ $0.isLetter || $0 == "#" || $0.isNumber }) else { return "bare & at \(i)" }
            i = semi + 1; continue
        }
        guard ch == "<" else { i += 1; continue }
        guard let close = chars[i...].firstIndex(of: ">") else { return "unclosed tag at \(i)" }
        let tag = String(chars[(i + 1)..<close])
        i = close + 1
        if tag.hasPrefix("!") { continue }  // DOCTYPE
        if tag.hasPrefix("/") {
            guard stack.popLast() == String(tag.dropFirst()) else { return "mismatched </\(tag.dropFirst())>" }
            continue
        }
        if tag.filter({ $0 == "\"" }).count % 2 != 0 { return "unbalanced quotes in <\(tag)>" }
        let name = String(tag.prefix { !$0.isWhitespace && $0 != "/" })
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber }) else { return "bad tag <\(tag)>" }
        if !tag.hasSuffix("/") { stack.append(name) }
    }
    return stack.isEmpty ? nil : "unclosed <\(stack.last!)>"
}

// MARK: - A hand-made municipality

/// An enterprise name as an export might carry it: markup, an ampersand, quotes, a control character.
private let hostileName = "Café <script>alert(1)</script> & Søn \"Ø\"\u{1}"
private let hostileNameEscaped = "Café &lt;script&gt;alert(1)&lt;/script&gt; &amp; Søn \"Ø\"\u{FFFD}"
/// A name longer than any chart's label column.
private let longName = "Den Selvejende Institution Værkstedet for Genbrug, Reparation og Bæredygtig Omstilling i Vestbyen ApS"
/// An agreement id with markup in it.
private let hostileAgreement = "SA-<b>2</b>"

private func rec(_ citizen: UInt64, _ stage: Stage, _ start: String, end: String? = nil, agreement: String? = nil,
                 cvr: String? = nil, group: TargetGroup = .kontanthjaelp, band: AgeBand = .from30to39) -> ProgressRecord {
    ProgressRecord(pseudonym: Pseudonym(high: 7, low: citizen), ageBand: band, agreement: agreement, enterprise: cvr,
                   targetGroup: group, stage: stage, start: Day(iso: start)!, end: end.map { Day(iso: $0)! },
                   hoursPerWeek: nil, recordedAt: Instant(secondsSinceEpoch: 0), source: "report-test",
                   sourceRecordID: "\(citizen)/\(stage)/\(start)")
}

/// 2023 and 2024: 30 courses under SA-1 (an enterprise with a hostile name),
/// 20 under an agreement with a hostile id whose CVR is not in the register
/// (3 of them moved up: a small count), 3 under SA-3 and 7 under SA-4 (pooled:
/// below 4k courses each),
/// 45 first jobs in 2024 (two of them in a small target group: suppressed),
/// 11 in 2023, and 41 enterprises with three bottom lines.
private func records() -> [[ProgressRecord]] {
    var citizens: [[ProgressRecord]] = []
    for c in 1...30 as ClosedRange<UInt64> {
        let band: AgeBand = c % 4 == 0 ? .from18to24 : .from40to49
        var r = [rec(c, .motivation, "2024-02-01", end: "2024-03-01", agreement: "SA-1", cvr: "12345678", band: band)]
        if c % 3 != 0 { r.append(rec(c, .praktik, "2024-03-15", end: "2024-05-01", agreement: "SA-1", cvr: "12345678", band: band)) }
        if c % 2 == 0 { r.append(rec(c, .job, "2024-06-01", end: "2024-09-01", agreement: "SA-1", cvr: "12345678", band: band)) }
        citizens.append(r)
    }
    for c in 31...50 as ClosedRange<UInt64> {
        var r = [rec(c + 1000, .afklaring, "2024-04-01", agreement: hostileAgreement, cvr: "87654321")]
        if c <= 33 { r.append(rec(c + 1000, .praktik, "2024-05-01", agreement: hostileAgreement, cvr: "87654321")) }
        citizens.append(r)
    }
    for c in 34...36 as ClosedRange<UInt64> {
        citizens.append([rec(c, .opkvalificering, "2024-04-01", end: "2024-08-01", agreement: "SA-3", cvr: "20000002")])
    }
    for c in 300...306 as ClosedRange<UInt64> {
        citizens.append([rec(c, .afklaring, "2024-04-01", end: "2024-09-01", agreement: "SA-4", cvr: "20000003")])
    }
    for c in 40...69 as ClosedRange<UInt64> {
        citizens.append([rec(c, .job, "2024-05-01", group: c < 42 ? .integration : .kontanthjaelp, band: c % 5 == 0 ? .under18 : .from50to59)])
    }
    for c in 100...110 as ClosedRange<UInt64> {
        citizens.append([rec(c, .loentimer, "2023-03-01", end: "2023-09-01")])
    }
    return citizens
}

private func register() -> [EnterpriseRecord] {
    [EnterpriseRecord(cvr: "12345678", name: hostileName, type: .virksomhed, socialBottomLine: true, localBottomLine: true,
                      economicBottomLine: true, start: Day(iso: "2020-01-01")!, end: nil)]
        + (1...40).map { i in
            EnterpriseRecord(cvr: String(20_000_000 + i), name: i == 1 ? longName : "Virksomhed \(i)", type: i % 3 == 0 ? .forening : .virksomhed,
                             socialBottomLine: true, localBottomLine: true, economicBottomLine: true,
                             start: Day(iso: "2023-06-01")!, end: nil)
        }
}

/// The set as published on `asOf`.
private func released(asOf: String, citizens: [[ProgressRecord]] = records()) -> ReleasedFigures {
    let policy = ReleasePolicy(asOf: Day(iso: asOf)!)
    var calculator = MetricsCalculator(policy: policy)
    for c in citizens { calculator.add(citizen: c) }
    let reg = register().compactMap { policy.visible($0) }
    return calculator.finish(enterprises: register()).released(policy: policy, threshold: .standard, register: reg)
}

/// 2024 is closed on this date, 2025 and 2026 have no records.
private let closedAsOf = "2026-11-30"
/// 2024 is the open year on this date.
private let openAsOf = "2024-11-30"

// MARK: - Reading the markup back

/// Every match of `pattern` (first capture group, or the whole match).
private func matches(_ pattern: String, in text: String) -> [String] {
    let regex = try! NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators])
    return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { m in
        let r = m.numberOfRanges > 1 ? m.range(at: 1) : m.range
        return String(text[Range(r, in: text)!])
    }
}

/// Undoes the report's escaping, for measuring text.
private func unescape(_ s: String) -> String {
    s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
        .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
        .replacingOccurrences(of: "&amp;", with: "&")
}

// MARK: - Tests

@Suite("Annual report")
struct ReportWriterTests {
    let closed = released(asOf: closedAsOf)
    let open = released(asOf: openAsOf)

    @Test("the set under test is what the tests assume")
    func fixture() {
        #expect(closed.years.first { $0.year == 2024 }?.status == .closed)
        #expect(open.years.first { $0.year == 2024 }?.status == .open)
        let y = closed.years.first { $0.year == 2024 }!
        #expect(!y.progression.cells.isEmpty)
        #expect(y.tables.contains { $0.cells.contains { $0.value == .suppressed } }, "some figure of 2024 is suppressed")
        #expect(open.years.first { $0.year == 2024 }!.progression.cells.isEmpty)
    }

    @Test("self-contained and well-formed, closed and open years, Danish and English", arguments: [ReportWriter.Language.danish, .english])
    func selfContained(language: ReportWriter.Language) throws {
        for set in [closed, open] {
            let html = ReportWriter(language: language, unitName: "Jobcenter Test").render(set, year: 2024)
            #expect(html.hasPrefix("<!DOCTYPE html>"))
            #expect(wellFormedProblem(html) == nil, "\(wellFormedProblem(html) ?? "")")
            let lower = html.lowercased()
            for banned in ["http:", "https:", "<link", "<script", "<img", "<iframe", "src=", "@import", "//"] {
                #expect(!lower.contains(banned), "the report contains \(banned)")
            }
            // url(...) only for the SVG patterns defined in the same file.
            #expect(matches("url\\(([^)]*)\\)", in: html).allSatisfy { $0.hasPrefix("#") })
            #expect(html.contains("@page { size: A4"))
            #expect(html.contains("<svg"))
            #expect(html.contains("lang=\"\(language.rawValue)\""))
            try xmllintAgrees(html)
        }
    }

    @Test("enterprise names and agreement ids from the exports are escaped")
    func escaping() {
        for language in [ReportWriter.Language.danish, .english] {
            let html = ReportWriter(language: language).render(closed, year: 2024)
            #expect(!html.contains("<script"))
            #expect(!html.contains("<b>2</b>"))
            #expect(html.contains(hostileNameEscaped), "the hostile name appears, escaped")
            #expect(html.contains("SA-&lt;b&gt;2&lt;/b&gt;"))
            #expect(!html.contains("\u{1}"))
        }
    }

    @Test("every table has a caption and every header cell a scope")
    func tables() {
        for (set, language) in [(closed, ReportWriter.Language.danish), (closed, .english), (open, .danish)] {
            let html = ReportWriter(language: language).render(set, year: 2024)
            let tables = matches("<table(?: class=\"[a-z]+\")?>(.*?)</table>", in: html)
            #expect(tables.count >= (set == closed ? 6 : 2))
            for table in tables {
                #expect(table.hasPrefix("<caption>"), "a table without a caption: \(table.prefix(80))")
                let headers = matches("<th( [^>]*)?>", in: table)
                #expect(!headers.isEmpty)
                for h in headers {
                    #expect(["col", "row", "colgroup", "rowgroup"].contains { h.contains("scope=\"\($0)\"") }, "\(h)")
                }
                #expect(table.contains("scope=\"col\""))
                #expect(table.contains("scope=\"row\""))
            }
        }
    }

    @Test("the heading names the unit, the year, the as-of date, the status and k")
    func heading() {
        let da = ReportWriter(unitName: "Jobcenter Vest & Syd").render(closed, year: 2024)
        #expect(da.contains("Jobcenter Vest &amp; Syd"))
        #expect(da.contains("Årsrapport 2024"))
        #expect(da.contains("Opgjort pr. 30. november 2026"))
        #expect(da.contains("afsluttet år"))
        #expect(da.contains("k = 5"))
        let en = ReportWriter(language: .english, unitName: "Job Centre West").render(closed, year: 2024)
        #expect(en.contains("Job Centre West") && en.contains("Annual report 2024"))
        #expect(en.contains("As of 30 November 2026"))
        #expect(!en.contains("Opgjort"))
    }

    @Test("suppressed figures are shown as .. and explained")
    func suppressed() {
        let da = ReportWriter().render(closed, year: 2024)
        #expect(da.contains("<abbr title=\"diskretioneret\">..</abbr>"))
        #expect(da.contains("Tal vist som .. er diskretioneret"))
        #expect(da.contains("Diskretionering"))
        #expect(!da.lowercased().contains("undertrykt"))
        let en = ReportWriter(language: .english).render(closed, year: 2024)
        #expect(en.contains(">..</abbr>"))
        // The agreement with 20 courses, 3 of them moved up: that count is suppressed, with its complement.
        let row = matches("<tr><th scope=\"row\">CVR 87654321(.*?)</tr>", in: da)
        #expect(row.count == 1)
        #expect(row.first?.contains("<td class=\"num\"><abbr title=\"diskretioneret\">..</abbr></td>") == true)
    }

    @Test("an open year: headline figures only, said plainly, and no agreement")
    func openYear() {
        let da = ReportWriter().render(open, year: 2024)
        func y2023Contains(_ text: String) -> Bool { ReportWriter().render(open, year: 2023).contains(text) }
        #expect(da.contains("Kun hovedtal."))
        #expect(da.contains("åbent år"))
        #expect(da.contains("fra opgørelsen pr. 28. februar 2025"))
        #expect(!da.contains("pr. samarbejdsaftale"), "no per-agreement table or chart")
        #expect(!da.contains("SA-1") && !da.contains("12345678") && !da.contains("Søn"))
        #expect(!da.contains("<caption>Borgere i beskæftigelse"), "no employment breakdown")
        #expect(!da.contains("<caption>Unge under 30"), "no youth breakdown")
        #expect(da.contains("Fordelingen på målgruppe og alder offentliggøres, når året er afsluttet."))
        #expect(da.contains("Årsnormen er endnu ikke nået") || da.contains("Årsnormen er nået"))
        // The value chain by the highest step reached (the open year's headline), no stages.
        let steps = open.years.first { $0.year == 2024 }!.valueChain.cells.filter { $0.coordinates[0] == "highestStep" }
        #expect(steps.count == 4 && !open.years.first { $0.year == 2024 }!.valueChain.cells.contains { $0.coordinates[0] == "highestStage" })
        #expect(da.contains("I alt, forberedende") && da.contains("I alt, mål"), "each step's total in the table")
        #expect(!da.contains("Virksomhedspraktik") && !da.contains("Løntimer, småjob"), "no stage rows in an open year")
        #expect(y2023Contains("Virksomhedspraktik"), "the closed year has them")
        let en = ReportWriter(language: .english).render(open, year: 2024)
        #expect(en.contains("Only headline figures."))
        #expect(!en.contains("per cooperation agreement"))
        // The closed year of the same set has the full tables.
        let y2023 = ReportWriter().render(open, year: 2023)
        #expect(!y2023.contains("Kun hovedtal.") && y2023.contains("Året er afsluttet."))
    }

    @Test("a closed year names the enterprises, with the CVR number where the register has no name")
    func closedYear() {
        let da = ReportWriter().render(closed, year: 2024)
        #expect(da.contains("Forløb startet i 2024 pr. samarbejdsaftale"))
        #expect(da.contains("<tr><th scope=\"row\">\(hostileNameEscaped)<span class=\"sub\">Aftale SA-1 · CVR 12345678</span></th>"))
        #expect(da.contains("CVR 87654321"))
        // The chart shows exactly the rows whose number of courses is published; the pooled row last.
        let progression = closed.years.first { $0.year == 2024 }!.progression
        let published = progression.cells.filter { $0.coordinates[2] == "started" && $0.value.value != nil }.map { $0.coordinates[0] }
        let chart = matches("(<svg id=\"chart-agreements\".*?</svg>)", in: da).first ?? ""
        #expect(!published.isEmpty, "the fixture has agreements with a published count: \(progression.cells.map { "\($0.coordinates) \($0.value)" })")
        for agreement in Set(progression.cells.map({ $0.coordinates[0] })) where agreement != pooledAgreementsCoordinate {
            let escaped = agreement.replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            #expect(chart.contains("Aftale \(escaped) ·") == published.contains(agreement), "\(agreement)")
        }
        #expect(chart.contains("Øvrige aftaler") == published.contains(pooledAgreementsCoordinate))
        #expect(da.contains("<tr><th scope=\"row\">Øvrige aftaler<span class=\"sub\">2 aftaler med færre end 20 forløb hver</span></th>"))
        #expect(!da.contains("SA-3") && !da.contains("SA-4"), "pooled agreements are not named")
        #expect(da.contains("<caption>Borgere i beskæftigelse for første gang i 2024, efter målgruppe</caption>"))
        // 45 first jobs: the norm of 30 is met; 41 enterprises: the goal of 40 is met.
        #expect(da.contains("✓ Årsnormen er nået"))
        #expect(da.contains("✓ Målet er nået"))
        #expect(da.contains("årsnorm 30") && da.contains("mål 40"))
        // 2023: 11 first jobs, the norm is not met, and the year is closed.
        let y2023 = ReportWriter().render(closed, year: 2023)
        #expect(y2023.contains("✗ Årsnormen er ikke nået"))
    }

    @Test("a large enough year is shown at the fine level: target group by seven age bands")
    func fineLevel() {
        // 11 first jobs in every cell of 8 target groups × 7 age bands: 616 ≥ 2k per cell.
        var citizens: [[ProgressRecord]] = []
        var c: UInt64 = 1000
        for group in TargetGroup.allCases {
            for band in AgeBand.allCases {
                for _ in 0..<11 {
                    citizens.append([rec(c, .job, "2024-03-01", group: group, band: band)])
                    c += 1
                }
            }
        }
        let set = released(asOf: closedAsOf, citizens: citizens)
        #expect(set.years.first { $0.year == 2024 }?.employment.levels == [.fine])
        let html = ReportWriter().render(set, year: 2024)
        #expect(html.contains("efter målgruppe og alder"))
        for band in ["Under 18 år", "18–24 år", "30–39 år", "60 år og derover"] {
            #expect(html.contains("<th scope=\"col\">\(band)</th>"))
        }
        #expect(html.contains("<th scope=\"row\">Sygedagpenge</th><td class=\"num\">11</td>"))
        #expect(html.contains("<td class=\"num\">616</td>"))
        #expect(wellFormedProblem(html) == nil)
    }

    @Test("chart colours: at least 3:1 against the background and against their neighbours")
    func contrast() {
        for c in ReportCategory.allCases {
            #expect(ReportStyle.contrastRatio(c.colour, ReportStyle.background) >= 3, "\(c)")
        }
        for (a, b) in zip(ReportCategory.stacked, ReportCategory.stacked.dropFirst()) {
            #expect(ReportStyle.contrastRatio(a.colour, b.colour) >= 3, "\(a) next to \(b)")
        }
        for colour in [ReportStyle.bar, ReportStyle.goalLine, ReportStyle.ink, ReportStyle.softInk] {
            #expect(ReportStyle.contrastRatio(colour, ReportStyle.background) >= 4.5)
        }
        // The check itself: black on white is 21:1, a colour against itself 1:1.
        #expect(abs(ReportStyle.contrastRatio("#000000", "#ffffff") - 21) < 0.01)
        #expect(ReportStyle.contrastRatio("#777777", "#777777") == 1)
    }

    @Test("an agreement chart with nothing published is replaced by a note")
    func noAgreementChart() {
        // SA-1 and a pooled row of 3 courses: the small row hides its partner in the started column.
        let citizens = records().filter { $0.first?.agreement != "SA-4" && $0.first?.agreement != hostileAgreement }
        let set = released(asOf: closedAsOf, citizens: citizens)
        let progression = set.years.first { $0.year == 2024 }!.progression
        let published = progression.cells.filter { $0.coordinates[2] == "started" && $0.value.value != nil }
        let html = ReportWriter().render(set, year: 2024)
        #expect(html.contains("id=\"chart-agreements\"") == !published.isEmpty)
        #expect(html.contains("Ingen figur: antallet af forløb er diskretioneret") == published.isEmpty)
        #expect(html.contains("<caption>Forløb startet i 2024 pr. samarbejdsaftale</caption>"), "the table is there either way")
    }

    @Test("chart labels fit inside their SVG, however long the names")
    func labelsFit() {
        var citizens = records()
        for c in 200...219 as ClosedRange<UInt64> {
            citizens.append([rec(c, .motivation, "2024-05-01", agreement: "SA-0-LONG-AGREEMENT-IDENTIFIER-2024", cvr: "20000001")])
        }
        let set = released(asOf: closedAsOf, citizens: citizens)
        var svgs: [String] = []
        for language in [ReportWriter.Language.danish, .english] {
            let html = ReportWriter(language: language).render(set, year: 2024)
            #expect(html.contains("Bæredygtig"))
            svgs += matches("(<svg .*?</svg>)", in: html)
        }
        // The charts on their own, with labels longer than any export has.
        let long = longName + " " + longName
        svgs.append(ReportChart.stackedBars(
            id: "s", title: "t", desc: "d",
            rows: [.init(title: long, subtitle: "Aftale " + String(repeating: "X", count: 80), total: .value(12),
                         segments: [(.preparing, .value(5)), (.workplace, .suppressed), (.goal, .value(0)), (.ophoert, .suppressed), (.running, .value(3))]),
                   .init(title: "Kort", subtitle: "SA-1", total: .suppressed, segments: [])],
            legend: ReportCategory.stacked.map { ($0, long) }, count: { String($0) }).render())
        svgs.append(ReportChart.groupedBars(
            id: "g", title: "t", desc: "d",
            groups: [.init(title: long, total: .init(label: "I alt", value: .value(123_456), category: .preparing),
                           rows: [.init(label: longName, value: .suppressed, category: .preparing)])],
            count: { String($0) }).render())
        svgs.append(ReportChart.yearBars(
            id: "y", title: "t", desc: "d",
            bars: [.init(year: 2024, mark: "foreløbigt og meget længere", value: .value(1_234_567)), .init(year: 2025, mark: nil, value: .suppressed)],
            goal: 30, goalLabel: "Årsnorm for beskæftigelse 30", count: { String($0) }).render())
        #expect(svgs.count >= 9)
        for svg in svgs {
            let width = Double(matches("<svg [^>]*width=\"([0-9.]+)\"", in: svg).first ?? "") ?? 0
            #expect(matches("viewBox=\"0 0 ([0-9.]+) ", in: svg).first.flatMap(Double.init) == width)
            for text in matches("(<text [^>]*>[^<]*</text>)", in: svg) {
                let x = Double(matches(" x=\"([0-9.-]+)\"", in: text).first ?? "") ?? -1
                let size = Double(matches("font-size=\"([0-9.]+)\"", in: text).first ?? "12") ?? 12
                let bold = text.contains("font-weight=\"bold\"")
                let content = unescape(matches(">([^<]*)</text>", in: text).first ?? "")
                let w = ReportChart.textWidth(content, size: size, bold: bold)
                let anchor = matches("text-anchor=\"([a-z]+)\"", in: text).first ?? "start"
                let (from, to) = anchor == "end" ? (x - w, x) : anchor == "middle" ? (x - w / 2, x + w / 2) : (x, x + w)
                #expect(from >= -0.5 && to <= width + 0.5, "\(content) spans \(from)…\(to) in a chart \(width) wide")
            }
        }
    }

    @Test("long labels are wrapped, not cut, and the estimate is generous")
    func wrapping() {
        let name = longName
        let lines = ReportChart.wrap(name, width: 220, size: 11, bold: true)
        #expect(lines.count > 1)
        #expect(lines.joined(separator: " ") == name)
        #expect(lines.allSatisfy { ReportChart.textWidth($0, size: 11, bold: true) <= 220 })
        // A word longer than the line is cut into pieces, and nothing is lost.
        let word = String(repeating: "W", count: 60)
        #expect(ReportChart.wrap(word, width: 100, size: 12).joined() == word)
        // Ten digits at 12 px in DejaVu Sans, the widest of the fonts, are 76 px.
        #expect(ReportChart.textWidth("0123456789", size: 12) >= 76)
    }

    @Test("the builder escapes text and attributes and keeps markup well-formed")
    func builder() {
        let evil = "<a href=\"x\">&'"
        let node = ReportHTML.element("p", ["title": evil, "hidden": nil], ["\(evil)", .text("\u{0}\u{7}ok\u{FFFE}")])
        #expect(node.render() == "<p title=\"&lt;a href=&quot;x&quot;&gt;&amp;&#39;\">&lt;a href=\"x\"&gt;&amp;'\u{FFFD}\u{FFFD}ok\u{FFFD}</p>")
        #expect(ReportHTML.element("meta", ["charset": "utf-8"]).render() == "<meta charset=\"utf-8\" />")
        #expect(ReportHTML.element("td").render() == "<td></td>")
        #expect(ReportHTML.element("svg", [.element("rect", ["x": "1"])]).render() == "<svg><rect x=\"1\" /></svg>")
        #expect(ReportHTML.trustedConstant("<b>").render() == "<b>")
    }

    @Test("the tag-balance check can fail")
    func checkerFails() {
        #expect(wellFormedProblem("<p><b>x</p></b>") != nil)
        #expect(wellFormedProblem("<p>a & b</p>") != nil)
        #expect(wellFormedProblem("<p>ok &amp; <br /></p>") == nil)
    }
}

/// xmllint, when installed (the Makefile installs libxml2-utils; under `make test` a missing
/// one fails `TestToolsTests`), reads the report as XML.
private func xmllintAgrees(_ html: String) throws {
    guard let xmllint = TestTools.path(of: "xmllint") else { return }
    let file = try temporaryDirectory().appendingPathComponent("report.html")
    try Data(html.utf8).write(to: file)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: xmllint)
    p.arguments = ["--noout", "--nonet", file.path]
    p.standardError = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    #expect(p.terminationStatus == 0, "xmllint rejects the report")
}
