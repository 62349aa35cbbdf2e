import TrinCore
import TrinDisclosure
public import TrinMetrics

/// The annual report: one self-contained HTML file (inline CSS and SVG, no
/// external references) that prints on A4. Danish by default.
///
/// It shows a year of a published set (`ReleasedFigures`) as its status allows:
/// every table for a closed year, headline figures only for an open or
/// provisional one. The markup is built through `ReportHTML`, which escapes all
/// text, so agreement ids and enterprise names from the exports cannot inject
/// markup; it is also well-formed XML (docs/report.md).
public struct ReportWriter: Sendable {
    public enum Language: String, Sendable { case danish = "da", english = "en" }
    public var language: Language

    /// The unit named in the report's heading.
    public let unitName: String

    public init(language: Language = .danish, unitName: String = "Socialøkonomisk enhed") {
        self.language = language
        self.unitName = unitName
    }

    /// The report of `year` from a published set, with every year up to it in the goal charts.
    public func render(_ released: ReleasedFigures, year: Int) -> String {
        let document = ReportDocument(released: released, year: year, w: ReportText(language: language), unitName: unitName)
        return "<!DOCTYPE html>\n" + document.html().render() + "\n"
    }
}

/// One report being written: the set, the year and the words.
struct ReportDocument {
    typealias H = ReportHTML

    let released: ReleasedFigures
    let year: Int
    let w: ReportText
    let unitName: String
    /// The year's figures; nil when the set has no such year.
    let current: ReleasedYear?
    let enterprises: EnterpriseYear?

    init(released: ReleasedFigures, year: Int, w: ReportText, unitName: String) {
        self.released = released
        self.year = year
        self.w = w
        self.unitName = unitName
        current = released.years.first { $0.year == year }
        enterprises = released.enterprises.first { $0.year == year }
    }

    var k: Int { released.k }
    var status: YearStatus { current?.status ?? released.policy.status(of: year) }
    var closed: Bool { status == .closed }
    /// The as-of date from which the year's full tables are published: the last day of February after it.
    var closingDay: Day { Day(year: year + 1, month: 3, day: 1)!.adding(days: -1) }

    func t(_ da: String, _ en: String) -> String { w.t(da, en) }

    // MARK: - Document

    func html() -> H {
        let title = "\(unitName) – \(t("årsrapport", "annual report")) \(year)"
        var sections: [H] = [header()]
        if current != nil {
            sections += [goalsSection(), valueChainSection(), agreementsSection(), employmentSection(), youthSection()]
        } else {
            sections.append(.element("p", ["\(t("Der er ingen tal for", "There are no figures for")) \(year) \(t("pr.", "as of")) \(w.date(released.asOf))."]))
        }
        sections += [enterpriseSection(), definitionsSection(), footer()]
        return .element("html", ["lang": w.language.rawValue], [
            .element("head", [
                .element("meta", ["charset": "utf-8"]),
                .element("meta", ["name": "viewport", "content": "width=device-width, initial-scale=1"]),
                .element("title", [.text(title)]),
                .element("style", [.trustedConstant(ReportStyle.css)]),
            ]),
            .element("body", [.element("main", sections)]),
        ])
    }

    // MARK: - Heading

    func header() -> H {
        var notice: [H]
        switch status {
        case .closed:
            notice = [.element("p", [.element("strong", [.text(t("Året er afsluttet.", "The year is closed."))]),
                                         .text(t(" Rapporten viser alle tabeller.", " The report shows every table."))])]
        case .open, .provisional:
            let why = status == .open
                ? t("\(year) er ikke slut (åbent år).", "\(year) is not over (open year).")
                : t("\(year) er slut, men sene registreringer kan stadig komme ind (foreløbigt år).",
                    "\(year) is over, but late records may still arrive (provisional year).")
            notice = [
                .element("p", [.element("strong", [.text(t("Kun hovedtal.", "Only headline figures."))]), .text(" " + why + t(
                    " Rapporten viser derfor kun hovedtallene: borgere i beskæftigelse i alt, unge i alt og værdikæden på tværs af alle samarbejdsaftaler.",
                    " The report therefore shows only the headline figures: citizens entering employment in total, young people in total, and the value chain across all cooperation agreements."))]),
                .element("p", [.text(t(
                    "De fulde tabeller – målgrupper, alder, trin og de enkelte samarbejdsaftaler – offentliggøres, når året er afsluttet: fra opgørelsen pr. \(w.date(closingDay)).",
                    "The full tables – target groups, ages, steps and the individual cooperation agreements – are published once the year is closed: from the figures as of \(w.date(closingDay))."))]),
            ]
        }
        notice.append(.element("p", [.text(t(
            "Tal vist som .. er diskretioneret: de dækker over 1 til \(k - 1) borgere, eller de ville gøre det muligt at regne sådanne tal ud (se Definitioner).",
            "Figures shown as .. are suppressed: they cover 1 to \(k - 1) citizens, or would let such a figure be worked out (see Definitions)."))]))
        return .element("header", [
            .element("h1", [.element("span", class: "unit", [.text(unitName)]), .text(t("Årsrapport \(year)", "Annual report \(year)"))]),
            .element("ul", class: "facts", [
                .element("li", [.text(t("Opgjort pr. ", "As of ") + w.date(released.asOf))]),
                .element("li", [.text("\(year): \(w.status(status))")]),
                .element("li", [.text(t("Diskretionering: k = \(k)", "Disclosure control: k = \(k)"))]),
            ]),
            .element("div", ["class": "notice", "role": "note"], notice),
        ])
    }

    // MARK: - Goals

    func goalsSection() -> H {
        guard let current else { return .fragment([]) }
        let total = current.employment.value(totalCoordinate, totalCoordinate) ?? .suppressed
        let norm = Metrics.employmentGoal, goal = Metrics.enterpriseGoal
        let employmentVerdict: H
        if current.employmentGoalMet {
            employmentVerdict = verdict(.met, t("✓ Årsnormen er nået", "✓ The annual norm is met"))
        } else if closed {
            employmentVerdict = verdict(.unmet, t("✗ Årsnormen er ikke nået", "✗ The annual norm is not met"))
        } else {
            employmentVerdict = verdict(.pending, t("Årsnormen er endnu ikke nået – året er ikke afsluttet", "The annual norm is not yet met – the year is not closed"))
        }
        var cards: [H] = [card(
            title: t("Borgere i beskæftigelse", "Citizens entering employment"),
            value: w.figure(total), unit: t("årsnorm \(norm)", "annual norm \(norm)"), verdict: employmentVerdict,
            text: t("Borgere, der i \(year) kom i beskæftigelse for første gang (se Definitioner).",
                    "Citizens whose first employment began in \(year) (see Definitions)."))]
        if let e = enterprises {
            let v: H
            if e.goalMet {
                v = verdict(.met, t("✓ Målet er nået", "✓ The goal is met"))
            } else {
                let missing = goal - e.threeBottomLinesTotal
                v = verdict(closed ? .unmet : .pending, closed
                    ? t("✗ Målet er ikke nået – der mangler \(missing)", "✗ The goal is not met – \(missing) short")
                    : t("Målet er endnu ikke nået – der mangler \(missing)", "The goal is not yet met – \(missing) short"))
            }
            cards.append(card(
                title: t("Virksomheder med alle tre bundlinjer", "Enterprises with all three bottom lines"),
                value: w.count(e.threeBottomLinesTotal), unit: t("mål \(goal)", "goal \(goal)"), verdict: v,
                text: t("Aktive socialøkonomiske virksomheder, initiativer og foreninger med en social, en lokal og en økonomisk bundlinje; \(w.count(e.activeTotal)) aktive i alt.",
                        "Active social-economy enterprises, initiatives and associations with a social, a local and an economic bottom line; \(w.count(e.activeTotal)) active in all.")))
        }

        let years = released.years.filter { $0.year <= year }
        let employmentBars = years.map {
            ReportChart.YearBar(year: $0.year, mark: w.statusMark($0.status),
                                value: $0.employment.value(totalCoordinate, totalCoordinate) ?? .suppressed)
        }
        let enterpriseBars = released.enterprises.filter { $0.year <= year }.map { e in
            ReportChart.YearBar(year: e.year, mark: w.statusMark(released.policy.status(of: e.year)), value: .value(e.threeBottomLinesTotal))
        }
        func describe(_ bars: [ReportChart.YearBar]) -> String {
            bars.map { b in "\(b.year): \(w.figure(b.value))" + (b.mark.map { " (\($0))" } ?? "") }.joined(separator: "; ")
        }
        let employmentTitle = t("Borgere i beskæftigelse for første gang pr. år", "Citizens entering employment per year")
        let enterpriseTitle = t("Virksomheder med alle tre bundlinjer pr. år", "Enterprises with all three bottom lines per year")
        var charts: [H] = [
            figure(caption: employmentTitle, ReportChart.yearBars(
                id: "chart-employment", title: employmentTitle,
                desc: describe(employmentBars) + ". " + t("Årsnorm: \(norm).", "Annual norm: \(norm)."),
                bars: employmentBars, goal: norm, goalLabel: t("Norm \(norm)", "Norm \(norm)"), count: w.count)),
        ]
        if !enterpriseBars.isEmpty {
            charts.append(figure(caption: enterpriseTitle, ReportChart.yearBars(
                id: "chart-enterprises", title: enterpriseTitle,
                desc: describe(enterpriseBars) + ". " + t("Mål: \(goal).", "Goal: \(goal)."),
                bars: enterpriseBars, goal: goal, goalLabel: t("Mål \(goal)", "Goal \(goal)"), count: w.count)))
        }
        var notes: [H] = []
        if employmentBars.contains(where: { $0.mark != nil }) || enterpriseBars.contains(where: { $0.mark != nil }) {
            notes.append(.element("p", class: "note", [.text(t(
                "Skraverede søjler er åbne eller foreløbige år: tallene kan stadig ændre sig.",
                "Hatched bars are open or provisional years: their figures may still change."))]))
        }
        return section(id: "maal", heading: t("Årsnorm og mål", "Norm and goal"), [
            .element("div", class: "cards", cards),
            .element("div", class: "charts", charts),
        ] + notes)
    }

    enum Verdict: String { case met, unmet, pending }

    func verdict(_ kind: Verdict, _ text: String) -> H {
        .element("p", class: "verdict \(kind.rawValue)", [.text(text)])
    }

    func card(title: String, value: String, unit: String, verdict: H, text: String) -> H {
        .element("div", class: "card", [
            .element("h3", [.text(title)]),
            .element("p", class: "big", [.text(value + " "), .element("small", [.text(unit)])]),
            verdict,
            .element("p", class: "note", [.text(text)]),
        ])
    }

    // MARK: - Value chain

    func valueChainSection() -> H {
        guard let current else { return .fragment([]) }
        let vc = ReportLookup(current.valueChain)
        let started = vc["started", totalCoordinate]?.value
        let movedUp = vc["movedUp", totalCoordinate]
        var intro = t("I \(year) startede \(w.figure(started)) forløb under samarbejdsaftalerne. ",
                      "In \(year), \(w.figure(started)) courses started under the cooperation agreements. ")
        intro += t("\(w.figure(movedUp?.value)) af dem (\(w.share(movedUp?.share))) rykkede mindst ét trin op ad værdikæden.",
                   "\(w.figure(movedUp?.value)) of them (\(w.share(movedUp?.share))) moved at least one step up the value chain.")
        switch closed ? vc["ended", totalCoordinate]?.value : nil {
        case .value(let ended)?:
            intro += t(" \(w.count(ended)) af dem var afsluttet pr. \(w.date(released.asOf)); resten var stadig i gang.",
                       " \(w.count(ended)) of them had ended by \(w.date(released.asOf)); the rest were still running.")
        case .suppressed?:
            intro += t(" Hvor mange af dem der var afsluttet pr. \(w.date(released.asOf)), er diskretioneret.",
                       " How many of them had ended by \(w.date(released.asOf)) is suppressed.")
        case nil:
            break
        }

        // The chart: highest stage reached, in the three steps (an open year publishes the steps only).
        let steps: [(String, [String])] = [("preparing", ["motivation", "opkvalificering", "afklaring"]),
                                           ("workplace", ["praktik", "loentimer"]), ("goal", ["job", "uddannelse"])]
        var groups = steps.map { step, stages in
            ReportChart.BarGroup(
                title: w.step(step),
                total: vc["highestStep", step].map { ReportChart.BarRow(label: w.total, value: $0.value, category: ReportCategory(step)) },
                rows: closed ? stages.map { ReportChart.BarRow(label: w.stage($0), value: vc["highestStage", $0]?.value, category: ReportCategory(step)) } : [])
        }
        groups.append(ReportChart.BarGroup(title: t("Intet trin nået", "No step reached"), total: nil, rows: [
            ReportChart.BarRow(label: t("Kun ophørt", "Stopped only"), value: vc["highestStep", "none"]?.value, category: .noStep),
        ]))
        let chartTitle = t("Højeste trin nået i forløb startet i \(year), alle samarbejdsaftaler (antal forløb)",
                           "Highest step reached by courses started in \(year), all cooperation agreements (number of courses)")
        let desc = groups.map { g in
            g.title + ": " + ((g.total.map { [$0] } ?? []) + g.rows).map { "\($0.label.lowercased()) \(w.figure($0.value))" }.joined(separator: ", ")
        }.joined(separator: "; ")
        let chart = figure(caption: chartTitle, ReportChart.groupedBars(id: "chart-valuechain", title: chartTitle, desc: desc + ".",
                                                                       groups: groups, count: w.count))

        // The table: the same figures, and for a closed year where the courses ended.
        var head: [H] = [colHeader(t("Trin", "Step")), colHeader(t("Højeste trin nået", "Highest step reached"))]
        if closed { head.append(colHeader(t("Hvor forløbet sluttede", "Where the course ended"))) }
        let columns = head.count
        var bodies: [H] = []
        for (step, stages) in steps {
            var rows: [H] = [.element("tr", class: "step", [
                .element("th", ["scope": "rowgroup", "colspan": String(columns)], [.text(w.step(step))]),
            ])]
            for stage in stages where closed {
                rows.append(.element("tr", [rowHeader(w.stage(stage)), numberCell(vc["highestStage", stage]?.value),
                                            numberCell(vc["endStage", stage]?.value)]))
            }
            // Each step's total: the headline's highest step reached, in an open year too.
            var sum = [rowHeader(t("I alt, ", "Total, ") + lowercasedFirst(w.step(step))), numberCell(vc["highestStep", step]?.value)]
            if closed { sum.append(numberCell(vc["endStep", step]?.value)) }
            rows.append(.element("tr", class: "sum", sum))
            bodies.append(.element("tbody", rows))
        }
        var other: [H] = [.element("tr", class: "step", [
            .element("th", ["scope": "rowgroup", "colspan": String(columns)], [.text(t("Uden for trinene", "Outside the steps"))]),
        ])]
        var none = [rowHeader(w.stage("none")), numberCell(vc["highestStep", "none"]?.value)]
        if closed { none.append(notApplicable()) }
        other.append(.element("tr", none))
        if closed {
            other.append(.element("tr", [rowHeader(w.stage("ophoert")), notApplicable(), numberCell(vc["endStage", "ophoert"]?.value)]))
            other.append(.element("tr", [rowHeader(w.stage("running")), notApplicable(), numberCell(vc["endStage", "running"]?.value)]))
        }
        bodies.append(.element("tbody", other))
        var sum = [rowHeader(t("Forløb startet", "Courses started")), numberCell(started)]
        if closed { sum.append(numberCell(started)) }
        bodies.append(.element("tbody", [.element("tr", class: "sum", sum)]))
        let table = dataTable(caption: t("Værdikæden \(year): forløb efter højeste trin", "The value chain \(year): courses by highest step")
                                  + (closed ? t(" og efter hvor de sluttede", " and by where they ended") : ""),
                              head: [head], bodies: bodies)
        return section(id: "vaerdikaede", heading: t("Værdikæden: hvor langt forløbene nåede", "The value chain: how far courses got"), [
            .element("p", [.text(intro)]),
            chart,
            table,
        ])
    }

    // MARK: - Agreements

    func agreementsSection() -> H {
        guard let current else { return .fragment([]) }
        let heading = t("Samarbejdsaftalerne", "The cooperation agreements")
        guard closed else {
            return section(id: "aftaler", heading: heading, [.element("p", [.text(t(
                "Tallene for de enkelte samarbejdsaftaler offentliggøres, når året er afsluttet: fra opgørelsen pr. \(w.date(closingDay)).",
                "The figures of the individual cooperation agreements are published once the year is closed: from the figures as of \(w.date(closingDay))."))])])
        }
        let p = ReportLookup(current.progression)
        var seen = Set<[String]>()
        let ids = current.progression.cells.map { [$0.coordinates[0], $0.coordinates[1]] }.filter { seen.insert($0).inserted }
        guard !ids.isEmpty else {
            return section(id: "aftaler", heading: heading, [.element("p", [.text(t(
                "Der startede ingen forløb under samarbejdsaftaler i \(year).", "No courses started under cooperation agreements in \(year)."))])])
        }
        struct Row { let agreement: String; let cvr: String; let name: String; let pooled: Bool }
        let minimum = AgreementLevel.ownRowMinimum(k: k)
        let rows = ids.map { id -> Row in
            if id[0] == pooledAgreementsCoordinate {
                return Row(agreement: id[0], cvr: "", name: t("Øvrige aftaler", "Other agreements"), pooled: true)
            }
            let record = released.enterprise(cvr: id[1].isEmpty ? nil : id[1])
            let name = record.map(\.name).flatMap { $0.isEmpty ? nil : $0 }
                ?? (id[1].isEmpty ? t("Ingen virksomhed angivet", "No enterprise given") : "CVR " + id[1])
            return Row(agreement: id[0], cvr: id[1], name: name, pooled: false)
        }.sorted { ($0.pooled ? 1 : 0, ReportText.sortKey($0.name), $0.agreement) < ($1.pooled ? 1 : 0, ReportText.sortKey($1.name), $1.agreement) }
        func subtitle(_ r: Row) -> String {
            r.pooled
                ? t("\(current.pooledAgreements) aftaler med færre end \(minimum) forløb hver", "\(current.pooledAgreements) agreements with fewer than \(minimum) courses each")
                : t("Aftale ", "Agreement ") + r.agreement + (r.cvr.isEmpty ? "" : " · CVR " + r.cvr)
        }
        func value(_ r: Row, _ measure: String, _ category: String = totalCoordinate) -> FigureCell? { p[r.agreement, r.cvr, measure, category] }
        let ends: [(ReportCategory, String, String)] = [
            (.goal, "goal", t("Endte ved målet: job eller uddannelse", "Ended at the goal: job or education")),
            (.notGoal, "notGoal", t("Endte ikke ved målet (før målet, ophørt eller i gang)", "Did not end at the goal (before it, stopped or running)")),
        ]

        let chartTitle = t("Forløb startet i \(year) pr. samarbejdsaftale, efter om de endte ved målet", "Courses started in \(year) per cooperation agreement, by whether they ended at the goal")
        // The chart shows the rows whose number of courses is published; the table shows all.
        let charted = rows.filter { value($0, "started")?.value.value != nil }
        let stackRows = charted.map { r in
            ReportChart.StackRow(title: r.name, subtitle: subtitle(r), total: value(r, "started")?.value,
                                 segments: ends.map { ($0.0, value(r, "endStep", $0.1)?.value) })
        }
        let legend = ends.map { ($0.0, $0.2) } + [(ReportCategory.suppressed, t(".. diskretioneret", ".. suppressed"))]
        let desc = charted.map { r in
            "\(r.name): " + t("startet ", "started ") + w.figure(value(r, "started")?.value) + ", "
                + ends.map { "\($0.2.lowercased()) \(w.figure(value(r, "endStep", $0.1)?.value))" }.joined(separator: ", ")
        }.joined(separator: "; ")
        var chart: [H] = []
        if !charted.isEmpty {
            chart.append(figure(caption: chartTitle, ReportChart.stackedBars(
                id: "chart-agreements", title: chartTitle, desc: desc + ".", rows: stackRows, legend: legend, count: w.count)))
        }
        if rows.count > charted.count {
            chart.append(.element("p", class: "note", [.text(charted.isEmpty
                ? t("Ingen figur: antallet af forløb er diskretioneret for alle rækker (rækker med færre end \(k) forløb, og de rækker, der ellers kunne bruges til at regne dem ud). Tabellen viser, hvad der er offentliggjort.",
                    "No chart: the number of courses is suppressed for every row (rows with fewer than \(k) courses, and those that could otherwise be used to work them out). The table shows what is published.")
                : t("Figuren viser de rækker, hvis antal forløb er offentliggjort; de øvrige står i tabellen.",
                    "The chart shows the rows whose number of courses is published; the others are in the table."))]))
        }

        let head: [[H]] = [[
            colHeader(t("Virksomhed og aftale", "Enterprise and agreement")), colHeader(t("Startet", "Started")),
            colHeader(t("Rykket op", "Moved up")), colHeader(t("Ikke rykket op", "Not moved up")),
            colHeader(t("Andel rykket op", "Share moved up")),
            colHeader(t("Endte ved målet", "Ended at the goal")), colHeader(t("Endte ikke ved målet", "Did not end at the goal")),
        ]]
        var body: [H] = rows.map { r in
            .element("tr", [
                .element("th", ["scope": "row"], [.text(r.name), .element("span", class: "sub", [.text(subtitle(r))])]),
                numberCell(value(r, "started")?.value), numberCell(value(r, "movedUp")?.value),
                numberCell(value(r, "notMovedUp")?.value), shareCell(value(r, "movedUp")?.share),
                numberCell(value(r, "endStep", "goal")?.value), numberCell(value(r, "endStep", "notGoal")?.value),
            ])
        }
        let vc = ReportLookup(current.valueChain)
        let vcStarted = vc["started", totalCoordinate]?.value, vcGoal = vc["endStep", "goal"]?.value
        let vcNotGoal = vc["endStep", "notGoal"]?.value
        body.append(.element("tr", class: "sum", [
            rowHeader(t("Alle aftaler", "All agreements")), numberCell(vcStarted),
            numberCell(vc["movedUp", totalCoordinate]?.value), numberCell(vc["notMovedUp", totalCoordinate]?.value),
            shareCell(vc["movedUp", totalCoordinate]?.share), numberCell(vcGoal), numberCell(vcNotGoal),
        ]))
        let table = dataTable(caption: t("Forløb startet i \(year) pr. samarbejdsaftale", "Courses started in \(year) per cooperation agreement"),
                              head: head, bodies: [.element("tbody", body)], class: "wide",
                              columns: ["name"] + Array(repeating: "count", count: 6))
        return section(id: "aftaler", heading: heading, [
            .element("p", [.text(t(
                "Hver aftale med mindst \(minimum) forløb i året er vist med navnet på den virksomhed, den er indgået med (efter virksomhedsregistret; CVR-nummeret, hvor navnet mangler). Aftaler med færre forløb er lagt sammen i én række, »Øvrige aftaler«: hver for sig ville de fleste af deres tal være under \(k) og blive diskretioneret. Hvor forløbene sluttede trin for trin, står i værdikæden ovenfor.",
                "Each agreement with at least \(minimum) courses in the year is shown with the name of the enterprise it is made with (from the enterprise register; the CVR number where the name is missing). Agreements with fewer courses are pooled in one row, “Other agreements”: on their own, most of their figures would be below \(k) and suppressed. Where the courses ended, step by step, is in the value chain above."))]),
        ] + chart + [
            table,
        ])
    }

    // MARK: - Employment and youth

    func employmentSection() -> H {
        guard let current else { return .fragment([]) }
        let e = ReportLookup(current.employment)
        let heading = t("Beskæftigelse efter målgruppe og alder", "Employment by target group and age")
        let total = e[totalCoordinate, totalCoordinate]?.value
        let rows = TargetGroup.allCases.map(\.rawValue)
        switch current.employment.levels.first ?? .headline {
        case .headline:
            return section(id: "beskaeftigelse", heading: heading, [.element("p", [.text(t(
                "\(w.figure(total)) borgere kom i beskæftigelse for første gang i \(year) (til og med \(w.date(released.asOf))). Fordelingen på målgruppe og alder offentliggøres, når året er afsluttet.",
                "\(w.figure(total)) citizens entered employment for the first time in \(year) (up to \(w.date(released.asOf))). The breakdown by target group and age is published once the year is closed."))])])
        case .fine:
            let columns = AgeBand.allCases.map(\.rawValue)
            return section(id: "beskaeftigelse", heading: heading, [
                .element("p", [.text(t("Tallene er på fint niveau: målgruppe og syv aldersgrupper.", "The figures are at the fine level: target group and seven age bands."))]),
                crossTable(e, caption: t("Borgere i beskæftigelse for første gang i \(year), efter målgruppe og alder", "Citizens entering employment in \(year), by target group and age"),
                           corner: t("Målgruppe", "Target group"), rows: rows, rowLabel: w.targetGroup, columns: columns, columnLabel: w.age),
            ])
        case .coarse:
            return section(id: "beskaeftigelse", heading: heading, [
                .element("p", [.text(t(
                    "Der var for få borgere til den fine opdeling, så tallene vises på grovt niveau: efter målgruppe og efter tre aldersgrupper, hver for sig.",
                    "There were too few citizens for the fine breakdown, so the figures are shown at the coarse level: by target group and by three age groups, separately."))]),
                marginTable(caption: t("Borgere i beskæftigelse for første gang i \(year), efter målgruppe", "Citizens entering employment in \(year), by target group"),
                            header: t("Målgruppe", "Target group"), categories: rows.map { ($0, w.targetGroup($0), e[$0, totalCoordinate]?.value) }, total: total),
                marginTable(caption: t("Borgere i beskæftigelse for første gang i \(year), efter alder", "Citizens entering employment in \(year), by age"),
                            header: t("Alder", "Age"), categories: AgeGroup.allCases.map { ($0.rawValue, w.age($0.rawValue), e[totalCoordinate, $0.rawValue]?.value) }, total: total),
            ])
        }
    }

    func youthSection() -> H {
        guard let current else { return .fragment([]) }
        let y = ReportLookup(current.youth)
        let heading = t("Unge under 30 i uddannelse eller beskæftigelse", "Young people under 30 in education or employment")
        let total = y[totalCoordinate, totalCoordinate]?.value
        let rows = YouthOutcome.allCases.map(\.rawValue)
        switch current.youth.levels.first ?? .headline {
        case .headline:
            return section(id: "unge", heading: heading, [.element("p", [.text(t(
                "\(w.figure(total)) unge under 30 nåede uddannelse eller beskæftigelse i \(year) (til og med \(w.date(released.asOf))). Fordelingen på udfald og alder offentliggøres, når året er afsluttet.",
                "\(w.figure(total)) young people under 30 reached education or employment in \(year) (up to \(w.date(released.asOf))). The breakdown by outcome and age is published once the year is closed."))])])
        case .fine:
            let columns = AgeBand.allCases.filter(\.isYouth).map(\.rawValue)
            return section(id: "unge", heading: heading, [
                crossTable(y, caption: t("Unge under 30, der nåede uddannelse eller beskæftigelse i \(year), efter udfald og alder", "Young people under 30 reaching education or employment in \(year), by outcome and age"),
                           corner: t("Udfald", "Outcome"), rows: rows, rowLabel: w.youthOutcome, columns: columns, columnLabel: w.age),
            ])
        case .coarse:
            return section(id: "unge", heading: heading, [
                .element("p", [.text(t("Der var for få unge til opdelingen på alder, så tallene vises efter udfald alene.",
                                           "There were too few young people for the breakdown by age, so the figures are shown by outcome alone."))]),
                marginTable(caption: t("Unge under 30, der nåede uddannelse eller beskæftigelse i \(year), efter udfald", "Young people under 30 reaching education or employment in \(year), by outcome"),
                            header: t("Udfald", "Outcome"), categories: rows.map { ($0, w.youthOutcome($0), y[$0, totalCoordinate]?.value) }, total: total),
            ])
        }
    }

    // MARK: - Enterprises

    func enterpriseSection() -> H {
        guard let e = enterprises else { return .fragment([]) }
        let rows: [H] = EnterpriseType.allCases.enumerated().map { i, type in
            .element("tr", [rowHeader(w.enterpriseType(type)), numberCell(.value(e.active[i])), numberCell(.value(e.threeBottomLines[i]))])
        } + [.element("tr", class: "sum", [rowHeader(w.total), numberCell(.value(e.activeTotal)), numberCell(.value(e.threeBottomLinesTotal))])]
        return section(id: "virksomheder", heading: t("Socialøkonomiske virksomheder efter type", "Social-economy enterprises by type"), [
            .element("p", [.text(t("Tal om virksomheder handler ikke om personer og diskretioneres ikke.",
                                   "Figures about enterprises are not about persons and are not suppressed."))]),
            dataTable(caption: t("Aktive i \(year) efter type", "Active in \(year) by type"),
                      head: [[colHeader(t("Type", "Type")), colHeader(t("Aktive", "Active")), colHeader(t("Med alle tre bundlinjer", "With all three bottom lines"))]],
                      bodies: [.element("tbody", rows)]),
        ])
    }

    // MARK: - Definitions

    func definitionsSection() -> H {
        let items: [(String, String)] = danishOrEnglishDefinitions()
        return section(id: "definitioner", heading: t("Definitioner", "Definitions"), [
            .element("dl", items.flatMap { term, text in [H.element("dt", [.text(term)]), H.element("dd", [.text(text)])] }),
        ])
    }

    func danishOrEnglishDefinitions() -> [(String, String)] {
        let norm = Metrics.employmentGoal, goal = Metrics.enterpriseGoal, asOf = w.date(released.asOf)
        if w.danish {
            return [
                ("Kommet i beskæftigelse", "En borger er kommet i beskæftigelse, når borgeren får sit første job: den første registrering nogensinde på trinnet løntimer (løntimer, småjob, løntilskud) eller job. Borgeren tælles én gang – i det år, den registrering starter – med målgruppe og alder fra den. Årsnormen er mindst \(norm) borgere om året."),
                ("Første job", "Den tidligste registrering med løntimer eller job, borgeren har, i alle kilder, under alle aftaler og i alle år. Et senere job tælles ikke igen, heller ikke i et senere år."),
                ("Forløb", "Alle registreringer for én borger under én samarbejdsaftale. Et forløb hører til det år, dets første registrering starter, også når det fortsætter ind i det næste. En borger under to aftaler har to forløb; registreringer uden aftale indgår ikke i noget forløb."),
                ("Trin", "Værdikæden har syv trin i tre dele. Forberedende trin: motivation, opkvalificering og afklaring. På en arbejdsplads: praktik og løntimer. Mål: job og uddannelse, som står lige højt. »Ophørt« betyder, at forløbet stoppede uden resultat; det er ikke et trin."),
                ("Højeste trin", "Det højeste trin, forløbet nåede. Et forløb med kun »ophørt« har intet trin."),
                ("Rykket op", "Et forløb er rykket op, når dets højeste trin ligger over det første trin, forløbet havde. Andelen er rykket op delt med startede forløb; den vises kun, når mindst \(k) forløb startede, og begge tal er offentliggjort."),
                ("Afsluttet, og hvor forløbet sluttede", "Et forløb er afsluttet, når dets seneste registrering har en slutdato eller er »ophørt«, og det sluttede da på den registrerings trin. Andre forløb er i gang."),
                ("Unge", "Borgere under 30 år med en registrering med uddannelse, løntimer eller job, der starter i året. Hver ung tælles én gang pr. år: under uddannelse, hvis en af registreringerne er uddannelse, ellers under beskæftigelse."),
                ("Aktiv virksomhed og tre bundlinjer", "En virksomhed, et initiativ eller en forening i virksomhedsregistret er aktiv i et år, når den er startet senest 31. december og ikke ophørt før 1. januar. De tre bundlinjer er en social, en lokal og en økonomisk. Målet er mindst \(goal) aktive med alle tre bundlinjer."),
                ("Opgørelsesdato", "Tallene medtager de registreringer, der starter senest på opgørelsesdatoen, her \(asOf); en slutdato efter den regnes ikke med, så forløbet er i gang. Opgørelsesdatoens år er åbent. Et tidligere år er foreløbigt indtil den sidste dag i februar året efter, hvor sene registreringer er kommet ind, og derefter afsluttet. Åbne og foreløbige år viser kun hovedtal."),
                ("Diskretionering", "Tal om borgere fra 1 til \(k - 1) (k = \(k)) offentliggøres ikke, og det gør de tal heller ikke, som de ellers kunne regnes ud fra – fx en total minus de øvrige tal i rækken. De vises som »..«. Nul vises som 0. Om normen er nået, offentliggøres altid; det er afgjort på det sande tal. Tal om virksomheder diskretioneres ikke."),
                ("Niveauer", "Hovedtal: totalerne for et åbent eller foreløbigt år (beskæftigelse i alt, unge i alt og værdikæden på tværs af aftalerne). Fint niveau: syv aldersgrupper og de enkelte trin. Grovt niveau: tre aldersgrupper (under 30, 30–49 og 50 år og derover) og værdikædens tre dele. En tabel vises på fint niveau, når den har mindst 2 · k borgere pr. celle; ellers på grovt niveau. De enkelte samarbejdsaftaler vises altid på grovt niveau."),
            ]
        }
        return [
            ("Entering employment", "A citizen enters employment with their first job: their first record ever at the stage paid hours (paid hours, small jobs, wage subsidy) or job. The citizen is counted once – in the year that record starts – with its target group and age. The annual norm is at least \(norm) citizens a year."),
            ("First job", "The citizen's earliest record of paid hours or a job, in all sources, under all agreements and in all years. A later job is not counted again, not even in a later year."),
            ("Course", "All records of one citizen under one cooperation agreement. A course belongs to the year its first record starts, even when it runs on into the next. A citizen under two agreements has two courses; records without an agreement belong to no course."),
            ("Steps", "The value chain has seven stages in three steps. Preparatory: motivation, upskilling and clarification. At a workplace: work placement and paid hours. Goal: job and education, which rank equally. \"Stopped\" means the course ended without a result; it is not a step."),
            ("Highest step", "The highest stage the course reached. A course of only \"stopped\" records has no step."),
            ("Moved up", "A course has moved up when its highest stage ranks above its first stage. The share is moved up divided by courses started; it is shown only when at least \(k) courses started and both figures are published."),
            ("Ended, and where the course ended", "A course has ended when its latest record has an end date or is \"stopped\"; it ended at that record's stage. Other courses are still running."),
            ("Young people", "Citizens under 30 with a record of education, paid hours or a job starting in the year. Each is counted once a year: under education if any of those records is education, else under employment."),
            ("Active enterprise and three bottom lines", "An enterprise, initiative or association in the register is active in a year when it started on or before 31 December and did not close before 1 January. The three bottom lines are social, local and economic. The goal is at least \(goal) active with all three."),
            ("As-of date", "The figures count the records that start on or before the as-of date, here \(asOf); an end date after it is not counted, so the course is running. The as-of date's year is open. An earlier year is provisional until the last day of February after it, when late records have arrived, and closed from then on. Open and provisional years show headline figures only."),
            ("Disclosure control", "Counts of 1 to \(k - 1) citizens (k = \(k)) are not published, nor are the figures they could otherwise be worked out from – for instance a total minus the other figures in its row. They are shown as \"..\". Zero is shown as 0. Whether the norm is met is always published; it is decided on the true figure. Figures about enterprises are not suppressed."),
            ("Levels", "Headline: the totals of an open or provisional year (employment in total, young people in total, and the value chain across agreements). Fine: seven age bands and the individual stages. Coarse: three age groups (under 30, 30–49, 50 and over) and the value chain's three steps. A table is shown at the fine level when it has at least 2 · k citizens per cell, else at the coarse level. The individual agreements are always shown at the coarse level."),
        ]
    }

    func footer() -> H {
        .element("footer", [.element("p", [.text(t(
            "\(unitName). Årsrapport \(year), opgjort pr. \(w.date(released.asOf)) og diskretioneret med k = \(k). Lavet af trin fra de offentliggjorte tal; alle tal om borgere er optællinger af pseudonymiserede registreringer.",
            "\(unitName). Annual report \(year), as of \(w.date(released.asOf)), suppressed with k = \(k). Made by trin from the published figures; every count of citizens is a count of pseudonymised records."))])])
    }

    // MARK: - Pieces

    /// The text with its first letter in lower case ("Forberedende trin" → "forberedende trin").
    func lowercasedFirst(_ s: String) -> String { s.prefix(1).lowercased() + s.dropFirst() }

    func section(id: String, heading: String, _ children: [H]) -> H {
        .element("section", ["id": id, "aria-labelledby": "\(id)-h"], [.element("h2", ["id": "\(id)-h"], [.text(heading)])] + children)
    }

    func figure(caption: String, _ chart: H) -> H {
        .element("figure", [.element("figcaption", [.text(caption)]), chart])
    }

    func colHeader(_ text: String, rowspan: Int? = nil) -> H {
        .element("th", ["scope": "col", "rowspan": rowspan.map(String.init)], [.text(text)])
    }

    func rowHeader(_ text: String) -> H { .element("th", ["scope": "row"], [.text(text)]) }

    /// A count; a suppressed one as `..` with its meaning in a title, a missing one as `–`.
    func numberCell(_ d: Disclosed<Int>?) -> H {
        switch d {
        case .value(let n)?: .element("td", class: "num", [.text(w.count(n))])
        case .suppressed?: .element("td", class: "num", [.element("abbr", ["title": w.suppressedTitle], [.text("..")])])
        case nil: notApplicable()
        }
    }

    func shareCell(_ d: Disclosed<Double>?) -> H {
        switch d {
        case .value(let x)?: .element("td", class: "num", [.text(w.percent(x))])
        case .suppressed?: .element("td", class: "num", [.element("abbr", ["title": w.suppressedTitle], [.text("..")])])
        case nil: notApplicable()
        }
    }

    func notApplicable() -> H { .element("td", class: "na", [.text("–")]) }

    /// A table with its caption; `columns` gives each column a class (for its width) in a `colgroup`.
    func dataTable(caption: String, head: [[H]], bodies: [H], class cls: String? = nil, columns: [String]? = nil) -> H {
        let colgroup: [H] = columns.map { [.element("colgroup", $0.map { .element("col", ["class": $0]) })] } ?? []
        return .element("table", ["class": cls], [.element("caption", [.text(caption)])] + colgroup
                        + [.element("thead", head.map { .element("tr", [:], $0) })] + bodies)
    }

    /// A two-way table at the fine level with row, column and grand totals.
    func crossTable(_ l: ReportLookup, caption: String, corner: String, rows: [String], rowLabel: (String) -> String,
                    columns: [String], columnLabel: (String) -> String) -> H {
        let head = [colHeader(corner)] + columns.map { colHeader(columnLabel($0)) } + [colHeader(w.total)]
        let body: [H] = rows.map { r in
            .element("tr", [rowHeader(rowLabel(r))] + columns.map { numberCell(l[r, $0]?.value) } + [numberCell(l[r, totalCoordinate]?.value)])
        } + [.element("tr", class: "sum", [rowHeader(w.total)] + columns.map { numberCell(l[totalCoordinate, $0]?.value) }
                                           + [numberCell(l[totalCoordinate, totalCoordinate]?.value)])]
        return dataTable(caption: caption, head: [head], bodies: [.element("tbody", body)])
    }

    /// One breakdown of a total (a coarse-level table).
    func marginTable(caption: String, header: String, categories: [(String, String, Disclosed<Int>?)], total: Disclosed<Int>?) -> H {
        let body: [H] = categories.map { _, label, value in .element("tr", [rowHeader(label), numberCell(value)]) }
            + [.element("tr", class: "sum", [rowHeader(w.total), numberCell(total)])]
        return dataTable(caption: caption, head: [[colHeader(header), colHeader(t("Borgere", "Citizens"))]], bodies: [.element("tbody", body)])
    }
}

/// A published table's cells by their coordinates.
struct ReportLookup {
    private let cells: [[String]: FigureCell]

    init(_ table: FigureTable) {
        var cells: [[String]: FigureCell] = [:]
        for c in table.cells where cells[c.coordinates] == nil { cells[c.coordinates] = c }
        self.cells = cells
    }

    subscript(_ coordinates: String...) -> FigureCell? { cells[coordinates] }
    subscript(_ coordinates: [String]) -> FigureCell? { cells[coordinates] }
}

