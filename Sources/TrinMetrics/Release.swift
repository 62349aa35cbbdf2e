public import TrinCore
public import TrinDisclosure

extension Metrics {
    /// The figures as published under `policy` (docs/metrics.md, "Releases"
    /// and "Levels"): headline figures for open and provisional years, every
    /// table for closed years, each breakdown at the level its size allows,
    /// after primary and secondary suppression.
    ///
    /// `parts`: for a combined publication, what its parts (the municipalities) published
    /// themselves; a cell they do not already show is suppressed (`PublishedParts`).
    ///
    /// `keepsNewYears` false: the set will not keep the closed years it publishes in full
    /// for the first time (a run in which a source failed). Such a year is released as
    /// provisional, headline figures only: published in full now and kept in full later,
    /// the two would differ by the late source's records.
    ///
    /// `self` must have been computed with the same policy
    /// (`MetricsCalculator(policy:)`), so that it counts only what was known on the as-of date.
    public func released(policy: ReleasePolicy, threshold: DisclosureThreshold = .standard,
                         register: [EnterpriseRecord] = [], frozen: [FrozenYear] = [],
                         republish: Set<Int> = [], parts: PublishedParts? = nil, keepsNewYears: Bool = true) -> ReleasedFigures {
        let suppressor = Suppressor(threshold: threshold)
        var years: [ReleasedYear] = []
        var loss: [InformationLoss] = []
        var newlyFrozen: [FrozenYear] = []
        // A year kept under this k whose records retention has since deleted is still repeated
        // as kept: a frozen year never leaves the sets.
        let keptElsewhere = Set(frozen.filter { $0.k == threshold.k && ($0.asOfDay.map { $0 <= policy.asOf } ?? false) }.map(\.year))
            .subtracting(self.years)
        for year in (self.years + keptElsewhere).sorted() {
            guard let i = self.years.firstIndex(of: year) else {
                if let kept = frozen.first(where: { $0.year == year && $0.k == threshold.k }) {
                    let (y, l) = kept.released()
                    years.append(y)
                    loss += l
                }
                continue
            }
            var status = policy.status(of: year)
            // A closed year first published in full in an earlier set is repeated as it was,
            // unless a republication is asked for.
            let kept = frozen.filter { $0.year == year && ($0.asOfDay.map { $0 <= policy.asOf } ?? false) }
            let previous = kept.first { $0.k == threshold.k }
            // Every version kept for the year, whatever its k and as-of date: all were published.
            let everyVersion = frozen.filter { $0.year == year }
            // A set as of an earlier date than a version kept under this k computes the year
            // afresh but does not keep it: the kept version stays the one later sets repeat.
            let keptLater = everyVersion.contains { $0.k == threshold.k && ($0.asOfDay.map { $0 > policy.asOf } ?? false) }
            if status == .closed, previous == nil, !keepsNewYears, !republish.contains(year) { status = .provisional }
            let full = status == .closed
            if full, let previous, !republish.contains(year) {
                let (y, l) = previous.released()
                years.append(y)
                loss += l
                continue
            }
            let agreements = progression.filter { $0.year == year }
            // A full publication here is a republication or the first under this k: it compares
            // each cell with the true count kept for it, under this k, else under another (the
            // latest such), lest the two sets show a late change below k by their difference.
            let before = full ? previous ?? everyVersion.max { ($0.asOfDay ?? policy.asOf) < ($1.asOfDay ?? policy.asOf) } : nil
            let split = AgreementLevel.split(agreements, k: threshold.k, ownRows: before?.agreementsWithOwnRow())
            let systems = [
                Self.employmentSystem(employment[i].table, full: full, k: threshold.k,
                                      fineAllowed: parts?.allowsFine(.employment, year: year) ?? true),
                Self.youthSystem(youth[i].table, full: full, k: threshold.k, fineAllowed: parts?.allowsFine(.youth, year: year) ?? true),
                Self.progressionSystem(agreements, full: full, k: threshold.k, split: split, rowsBySize: before == nil),
            ]
            var cells: [FigureTableName: [FigureCell]] = [:]
            var costs: [FigureTableName: (nonZero: Int, suppressed: Int, primary: Int)] = [:]
            var frozenCells: [FrozenYear.Cell] = []
            // Compared with every version kept for the year, under any k (each carries the
            // versions before it): two republications, or a republication and a set of another
            // k, must not show by their difference what one republication would not.
            let truths = before == nil ? nil : FrozenYear.history(everyVersion)
            for system in systems {
                let (published, pattern, snapshot) = system.disclose(suppressor, previous: truths, parts: parts, year: year)
                cells.merge(published) { $0 + $1 }
                frozenCells += snapshot
                costs.merge(system.loss(pattern)) { ($0.nonZero + $1.nonZero, $0.suppressed + $1.suppressed, $0.primary + $1.primary) }
            }
            func table(_ name: FigureTableName) -> FigureTable {
                FigureTable(name: name, dimensions: Self.dimensions(name), cells: cells[name] ?? [])
            }
            let pooledCount = full ? split.pooled.count : 0
            years.append(ReleasedYear(year: year, status: status, employmentGoalMet: employment[i].goalMet,
                                      employment: table(.employment), youth: table(.youth),
                                      valueChain: table(.valueChain), progression: table(.progression),
                                      pooledAgreements: pooledCount))
            var yearLoss: [FrozenYear.Loss] = []
            for name in FigureTableName.allCases {
                let c = costs[name] ?? (0, 0, 0)
                loss.append(InformationLoss(year: year, table: name, status: status, nonZero: c.nonZero, suppressed: c.suppressed,
                                            primary: c.primary))
                yearLoss.append(FrozenYear.Loss(table: name.rawValue, nonZero: c.nonZero, suppressed: c.suppressed, primary: c.primary))
            }
            if full, !keptLater {
                var version = FrozenYear(year: year, k: threshold.k, asOf: policy.asOf.description,
                                         employmentGoalMet: employment[i].goalMet, pooledAgreements: pooledCount,
                                         cells: frozenCells, loss: yearLoss)
                // What the versions before had that this one lacks is carried on with it.
                if let truths {
                    let own = Set(frozenCells.map { FrozenYear.Key(table: $0.table, coordinates: $0.coordinates).comparable })
                    let retired = truths.filter { !own.contains($0.key) }
                        .map { FrozenYear.Retired(table: $0.key.table, coordinates: $0.key.coordinates, truths: $0.value.sorted()) }
                        .sorted { ($0.table, $0.coordinates.joined(separator: "\u{1F}")) < ($1.table, $1.coordinates.joined(separator: "\u{1F}")) }
                    if !retired.isEmpty { version.retired = retired }
                }
                newlyFrozen.append(version)
            }
        }
        // A kept year whose records are gone still has its enterprises: the register is never purged.
        let enterpriseYears = (enterprises + keptElsewhere.map { EnterpriseYear(year: $0, enterprises: register) }).sorted { $0.year < $1.year }
        return ReleasedFigures(k: threshold.k, policy: policy, years: years, enterprises: enterpriseYears,
                               register: register.sorted { $0.cvr < $1.cvr }, loss: loss, newlyFrozen: newlyFrozen)
    }

    static func dimensions(_ name: FigureTableName) -> [String] {
        switch name {
        case .employment: ["targetGroup", "ageBand"]
        case .youth: ["outcome", "ageBand"]
        case .valueChain: ["measure", "stage"]
        case .progression: ["agreement", "enterprise", "measure", "stage"]
        }
    }

    // MARK: - Employment and youth

    /// Headline: the total. Closed, fine: target group × seven age bands with
    /// margins. Closed, coarse: by target group and by three age groups, two
    /// breakdowns of one total (no cross-classification). `fineAllowed`: false for a combined
    /// publication whose parts did not all publish the table fine (`PublishedParts.allowsFine`).
    static func employmentSystem(_ t: CountTable, full: Bool, k: Int, fineAllowed: Bool = true) -> FigureSystem {
        var s = FigureSystem()
        let total = totalCoordinate
        guard full else {
            _ = s.cell(t.total, .employment, [total, total], .headline)
            return s
        }
        if fineAllowed, DetailLevel.fits(total: t.total, fineCells: t.rowLabels.count * t.columnLabels.count, k: k) {
            crossTable(t, into: &s, .employment)
            return s
        }
        let grand = s.cell(t.total, .employment, [total, total], .coarse)
        s.grandTotal = grand
        let rows = t.rowLabels.indices.map { s.cell(t.rowTotals[$0], .employment, [t.rowLabels[$0], total], .coarse) }
        var byGroup = [Int](repeating: 0, count: AgeGroup.allCases.count)
        for (j, label) in t.columnLabels.enumerated() {
            byGroup[AgeGroup.allCases.firstIndex(of: AgeGroup(AgeBand(rawValue: label)!))!] += t.columnTotals[j]
        }
        let groups = AgeGroup.allCases.indices.map { s.cell(byGroup[$0], .employment, [total, AgeGroup.allCases[$0].rawValue], .coarse) }
        s.equation(grand, rows)
        s.equation(grand, groups)
        return s
    }

    /// Headline: the total. Closed, fine: outcome × the three youth bands with
    /// margins. Closed, coarse: by outcome (all youth are in the age group under 30).
    /// `fineAllowed` as for `employmentSystem`.
    static func youthSystem(_ t: CountTable, full: Bool, k: Int, fineAllowed: Bool = true) -> FigureSystem {
        var s = FigureSystem()
        let total = totalCoordinate
        guard full else {
            _ = s.cell(t.total, .youth, [total, total], .headline)
            return s
        }
        if fineAllowed, DetailLevel.fits(total: t.total, fineCells: t.rowLabels.count * t.columnLabels.count, k: k) {
            crossTable(t, into: &s, .youth)
            return s
        }
        let grand = s.cell(t.total, .youth, [total, total], .coarse)
        s.grandTotal = grand
        let rows = t.rowLabels.indices.map { s.cell(t.rowTotals[$0], .youth, [t.rowLabels[$0], total], .coarse) }
        s.equation(grand, rows)
        return s
    }

    /// A two-way table with row, column and grand totals, at the fine level.
    static func crossTable(_ t: CountTable, into s: inout FigureSystem, _ name: FigureTableName) {
        let total = totalCoordinate
        let grand = s.cell(t.total, name, [total, total], .fine)
        s.grandTotal = grand
        var rowTotals: [Int] = [], columnTotals: [Int] = []
        var interior: [[Int]] = []
        for (i, row) in t.rowLabels.enumerated() {
            interior.append(t.columnLabels.indices.map { s.cell(t.count(row: i, column: $0), name, [row, t.columnLabels[$0]], .fine) })
            rowTotals.append(s.cell(t.rowTotals[i], name, [row, total], .fine))
        }
        for (j, column) in t.columnLabels.enumerated() { columnTotals.append(s.cell(t.columnTotals[j], name, [total, column], .fine)) }
        for i in t.rowLabels.indices { s.equation(rowTotals[i], interior[i]) }
        for j in t.columnLabels.indices { s.equation(columnTotals[j], interior.map { $0[j] }) }
        s.equation(grand, rowTotals)
        s.equation(grand, columnTotals)
    }

    // MARK: - Progression

    /// The value chain across all agreements and, for a closed year, the
    /// agreements at the coarse level: one system, since the agreements' figures
    /// add up to the value chain's. An agreement that started fewer than
    /// `AgreementLevel.ownRowMinimum(k:)` courses in the year has no row of its
    /// own; such agreements are pooled into one row (`pooledAgreementsCoordinate`).
    /// `split` is that split (`AgreementLevel.split`).
    /// `rowsBySize`: the rows were chosen by the published rule (a row of its own from 4k
    /// courses), so a reader knows each started at least that many; a republication keeps
    /// the first publication's rows, whatever their size now.
    static func progressionSystem(_ agreements: [AgreementProgress], full: Bool, k: Int,
                                  split: (own: [AgreementProgress], pooled: [AgreementProgress]), rowsBySize: Bool) -> FigureSystem {
        var s = FigureSystem()
        let total = totalCoordinate
        var all = AgreementProgress(agreement: "", year: 0)
        for a in agreements { all.add(a) }

        let started = s.cell(all.started, .valueChain, ["started", total], full ? .fine : .headline)
        s.grandTotal = started
        var highestSteps: [StageStep: Int] = [:], endSteps: [StageStep: Int] = [:]
        func stepTotal(_ step: StageStep) -> Int {
            HighestStage.allCases.filter { $0.step == step }.reduce(0) { $0 + all.count($1) }
        }
        guard full else {
            // An open or provisional year: the highest step reached, as definitions.md lists
            // the headline (three steps and `none`, no stages: fewer small counts to hide while
            // the year's courses are still few), and moved up.
            let none = s.cell(all.count(.none), .valueChain, ["highestStep", HighestStage.none.rawValue], .headline)
            for step in StageStep.allCases {
                highestSteps[step] = s.cell(stepTotal(step), .valueChain, ["highestStep", step.rawValue], .headline)
            }
            s.equation(started, [none] + StageStep.allCases.map { highestSteps[$0]! })
            let movedUp = s.cell(all.movedUp, .valueChain, ["movedUp", total], .headline)
            let notMovedUp = s.cell(all.started - all.movedUp, .valueChain, ["notMovedUp", total], .headline)
            s.equation(started, [movedUp, notMovedUp])
            s.share(movedUp, of: started)
            return s
        }

        // The value chain, fine.
        let highest = HighestStage.allCases.map { s.cell(all.count($0), .valueChain, ["highestStage", $0.rawValue], .fine) }
        s.equation(started, highest)
        let movedUp = s.cell(all.movedUp, .valueChain, ["movedUp", total], .fine)
        // Its complement, since started and movedUp publish it anyway.
        let notMovedUp = s.cell(all.started - all.movedUp, .valueChain, ["notMovedUp", total], .fine)
        s.equation(started, [movedUp, notMovedUp])
        s.share(movedUp, of: started)
        let end = EndStage.allCases.map { s.cell(all.count($0), .valueChain, ["endStage", $0.rawValue], .fine) }
        let running = end[EndStage.running.index]
        let ended = s.cell(all.ended, .valueChain, ["ended", total], .fine)
        s.equation(started, end)
        s.equation(ended, end.filter { $0 != running })
        s.equation(started, [ended, running])

        // The highest step reached, coarse: sums of the stages; `none` as it is. (After the
        // end stages: the order the cells are written in, as in the years already kept.)
        let none = highest[HighestStage.none.index]
        s.alias(none, .valueChain, ["highestStep", "none"], .coarse)
        for step in StageStep.allCases {
            let h = HighestStage.allCases.indices.filter { HighestStage.allCases[$0].step == step }
            highestSteps[step] = s.cell(stepTotal(step), .valueChain, ["highestStep", step.rawValue], .coarse)
            s.equation(highestSteps[step]!, h.map { highest[$0] })
        }

        // Where the courses ended, in steps: sums of the stages; `ophoert` and `running` as they are.
        let ophoert = end[EndStage.ophoert.index]
        for step in StageStep.allCases {
            let e = EndStage.allCases.indices.filter { EndStage.allCases[$0].step == step }
            endSteps[step] = s.cell(e.reduce(0) { $0 + all.endStage[$1] }, .valueChain, ["endStep", step.rawValue], .coarse)
            s.equation(endSteps[step]!, e.map { end[$0] })
        }
        s.alias(ophoert, .valueChain, ["endStep", "ophoert"], .coarse)
        s.alias(running, .valueChain, ["endStep", "running"], .coarse)
        // The coarse breakdowns add up to started as well; stated, so that a cell they pin
        // (e.g. `none`) is protected through a step, not through started.
        s.equation(started, [none] + StageStep.allCases.map { highestSteps[$0]! })
        s.equation(started, StageStep.allCases.map { endSteps[$0]! } + [ophoert, running])
        // Not at the goal: the complement of the goal step, as the agreement rows publish it.
        let notGoal = s.cell(all.started - all.endedAtGoal, .valueChain, ["endStep", "notGoal"], .coarse)
        s.equation(started, [endSteps[.goal]!, notGoal])
        s.equation(notGoal, [endSteps[.preparing]!, endSteps[.workplace]!, ophoert, running])

        // The agreements, coarse; each column adds up to the value chain's figure.
        var rows = split.own
        var pool = AgreementProgress(agreement: pooledAgreementsCoordinate, year: agreements.first?.year ?? 0)
        for a in split.pooled { pool.add(a) }
        if pool.started > 0 { rows.append(pool) }
        var columns: [[Int]] = Array(repeating: [], count: 5)
        for a in rows {
            let id = [a.agreement, a.enterprise ?? ""]
            let aStarted = s.cell(a.started, .progression, id + ["started", total], .coarse)
            // What the publication's rules tell a reader of a suppressed `started`: a row is listed
            // only with a course (its own by size: at least 4k), and the pooled row holds at least
            // one course per pooled agreement, whose number is published.
            let pooledRow = a.agreement == pooledAgreementsCoordinate
            s.atLeast(aStarted, pooledRow ? split.pooled.count : rowsBySize ? AgreementLevel.ownRowMinimum(k: k) : 1)
            // Each count with its complement: 12 started and 10 moved up also publish 2 who did not.
            let aMoved = s.cell(a.movedUp, .progression, id + ["movedUp", total], .coarse)
            let aNotMoved = s.cell(a.started - a.movedUp, .progression, id + ["notMovedUp", total], .coarse)
            let aGoal = s.cell(a.endedAtGoal, .progression, id + ["endStep", "goal"], .coarse)
            let aNotGoal = s.cell(a.started - a.endedAtGoal, .progression, id + ["endStep", "notGoal"], .coarse)
            s.share(aMoved, of: aStarted)
            s.equation(aStarted, [aMoved, aNotMoved])
            s.equation(aStarted, [aGoal, aNotGoal])
            for (c, cell) in [aStarted, aMoved, aNotMoved, aGoal, aNotGoal].enumerated() { columns[c].append(cell) }
        }
        guard !rows.isEmpty else { return s }
        // The complements' columns follow from the others, but are stated: a complement
        // column whose total is a published zero pins its cells, which must then not be chosen.
        for (total, column) in zip([started, movedUp, notMovedUp, endSteps[.goal]!, notGoal], columns) {
            s.equation(total, column)
        }
        return s
    }
}

extension AgreementProgress {
    /// Adds another agreement-year's counts (the value chain across agreements).
    mutating func add(_ other: AgreementProgress) {
        started += other.started
        movedUp += other.movedUp
        for i in highestStage.indices { highestStage[i] += other.highestStage[i] }
        for i in endStage.indices { endStage[i] += other.endStage[i] }
    }
}

extension HighestStage {
    /// The step of the stage; nil for `none`.
    var step: StageStep? { Stage(rawValue: rawValue).flatMap(StageStep.init) }
}

extension EndStage {
    /// The step of the stage; nil for `ophoert` and `running`.
    var step: StageStep? { Stage(rawValue: rawValue).flatMap(StageStep.init) }
}
