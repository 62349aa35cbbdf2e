import TrinCore
import TrinDisclosure
public import TrinMetrics

/// The CSV files of a set: one long table per figure family (one row per
/// figure, with its coordinates, level, year status and as-of date; totals are
/// rows whose coordinate is `total`), the dimension tables with Danish labels,
/// and the enterprise register (docs/metric-files.md).
public enum MetricTables {
    /// Every CSV file of a set, in a fixed order.
    public static func files(_ r: ReleasedFigures, dialect: PublishedCSVDialect) -> [TidyFile] {
        figureFiles(r, dialect: dialect) + [goals(r), enterprises(r), register(r)] + dimensionFiles()
    }

    static let common: [TidyFile.Column] = [
        .init("year", .integer, "Calendar year the figures are for."),
        .init("status", .string, "open or provisional: headline figures only; closed: every table."),
        .init("asOf", .date, "The set counts records that start on or before this date."),
        .init("level", .string, "headline, fine (seven age bands, eight stages) or coarse (three age groups, three steps)."),
    ]
    static let value: [TidyFile.Column] = [
        .init("value", .integer, "Number of citizens (courses for progression); empty when suppressed."),
        .init("suppressed", .boolean, "true when the count is withheld (1 to k-1, or needed to protect one)."),
    ]
    static let share = TidyFile.Column("share", .number, "movedUp / started, for movedUp rows; empty when not published.")

    static func figureFiles(_ r: ReleasedFigures, dialect: PublishedCSVDialect) -> [TidyFile] {
        func rows(_ table: (ReleasedYear) -> FigureTable, share withShare: Bool) -> [[String]] {
            r.years.flatMap { y in
                table(y).cells.map { c in
                    var row = [String(y.year), y.status.rawValue, r.asOf.description, c.level.rawValue] + c.coordinates
                        + [c.value.value.map(String.init) ?? "", c.value.isSuppressed ? "true" : "false"]
                    if withShare { row.append(c.share.flatMap(\.value).map(dialect.decimal) ?? "") }
                    return row
                }
            }
        }
        return [
            TidyFile(name: "employment.csv", title: "Citizens entering employment",
                     description: "Citizens whose first employment event (loentimer or job) ever starts in the year, by target group and age at that event.",
                     columns: common + [.init("targetGroup", .string, "Target group code (dim_target_group.csv) or total."),
                                        .init("ageBand", .string, "Age band or age group code (dim_age.csv) or total.")] + value,
                     primaryKey: ["year", "level", "targetGroup", "ageBand"], rows: rows(\.employment, share: false)),
            TidyFile(name: "youth.csv", title: "Young people reaching education or employment",
                     description: "Citizens under 30 with a record of uddannelse, loentimer or job starting in the year, by outcome and age band.",
                     columns: common + [.init("outcome", .string, "uddannelse, employment or total (dim_outcome.csv)."),
                                        .init("ageBand", .string, "Age band code (dim_age.csv) or total.")] + value,
                     primaryKey: ["year", "level", "outcome", "ageBand"], rows: rows(\.youth, share: false)),
            TidyFile(name: "value_chain.csv", title: "The value chain across all agreements",
                     description: "Courses started in the year under any cooperation agreement: highest stage or step reached, where they ended, how many moved up.",
                     columns: common + [.init("measure", .string, "What is counted (dim_measure.csv)."),
                                        .init("stage", .string, "Stage, step or other category (dim_stage.csv), or total.")] + value + [share],
                     primaryKey: ["year", "measure", "stage"], rows: rows(\.valueChain, share: true)),
            TidyFile(name: "progression.csv", title: "Progression per cooperation agreement",
                     description: "Per agreement, courses started in a closed year, at the coarse level (three steps).",
                     columns: common + [.init("agreement", .string, "Cooperation agreement id."),
                                        .init("enterprise", .string, "CVR number of the agreement's enterprise (enterprise_register.csv); empty if none."),
                                        .init("measure", .string, "What is counted (dim_measure.csv)."),
                                        .init("stage", .string, "Step or other category (dim_stage.csv), or total.")] + value + [share],
                     primaryKey: ["year", "agreement", "measure", "stage"], rows: rows(\.progression, share: true)),
        ]
    }

    static func goals(_ r: ReleasedFigures) -> TidyFile {
        var rows: [[String]] = []
        for y in r.years {
            let jobs = y.employment.value(totalCoordinate, totalCoordinate) ?? .suppressed
            rows.append([String(y.year), y.status.rawValue, r.asOf.description, "employment", String(Metrics.employmentGoal),
                         jobs.value.map(String.init) ?? "", jobs.isSuppressed ? "true" : "false", y.employmentGoalMet ? "true" : "false"])
            // Joined by year, not by position: every released year has its enterprise figures.
            guard let e = r.enterprises.first(where: { $0.year == y.year }) else { continue }
            rows.append([String(y.year), y.status.rawValue, r.asOf.description, "enterprises", String(Metrics.enterpriseGoal),
                         String(e.threeBottomLinesTotal), "false", e.goalMet ? "true" : "false"])
        }
        return TidyFile(name: "goals.csv", title: "The strategy's goals",
                        description: "Employment against the yearly norm of 30; enterprises with all three bottom lines against the goal of 40.",
                        columns: Array(common.prefix(3)) + [
                            .init("goal", .string, "employment (norm) or enterprises (goal)."),
                            .init("target", .integer, "The norm or goal."),
                        ] + value + [.init("met", .boolean, "Whether the true figure reaches the target (always published).")],
                        primaryKey: ["year", "goal"], rows: rows)
    }

    static func enterprises(_ r: ReleasedFigures) -> TidyFile {
        var rows: [[String]] = []
        for e in r.enterprises {
            for (i, t) in EnterpriseType.allCases.enumerated() {
                rows.append([String(e.year), r.asOf.description, t.rawValue, String(e.active[i]), String(e.threeBottomLines[i])])
            }
            rows.append([String(e.year), r.asOf.description, totalCoordinate, String(e.activeTotal), String(e.threeBottomLinesTotal)])
        }
        return TidyFile(name: "enterprises.csv", title: "Social-economy enterprises and initiatives",
                        description: "Enterprises active in the year by type, and those with all three bottom lines. Not about persons: never suppressed.",
                        columns: [common[0], common[2], .init("type", .string, "Enterprise type (dim_enterprise_type.csv) or total."),
                                  .init("active", .integer, "Active at some time in the year."),
                                  .init("threeBottomLines", .integer, "Of those, with social, local and economic bottom lines.")],
                        primaryKey: ["year", "type"], rows: rows)
    }

    static func register(_ r: ReleasedFigures) -> TidyFile {
        TidyFile(name: "enterprise_register.csv", title: "Enterprise register",
                 description: "The social-economy enterprises as of the as-of date (public company data, not personal data).",
                 columns: [.init("cvr", .string, "CVR number."), .init("name", .string, "Name."),
                           .init("type", .string, "Enterprise type (dim_enterprise_type.csv)."),
                           .init("social", .boolean, "Social bottom line."), .init("local", .boolean, "Local bottom line."),
                           .init("economic", .boolean, "Economic bottom line."), .init("start", .date, "Start date."),
                           .init("end", .date, "End date; empty while active.")],
                 primaryKey: ["cvr"],
                 rows: r.register.map { e in
                     [e.cvr, e.name, e.type.rawValue, "\(e.socialBottomLine)", "\(e.localBottomLine)", "\(e.economicBottomLine)",
                      e.start.description, e.end?.description ?? ""]
                 })
    }

    static func dimensionFiles() -> [TidyFile] {
        let code = TidyFile.Column("code", .string, "The code used in the figure files.")
        let label = TidyFile.Column("label", .string, "Danish label.")
        let order = TidyFile.Column("order", .integer, "Display order.")
        func simple(_ name: String, _ title: String, _ list: [(code: String, label: String)]) -> TidyFile {
            TidyFile(name: name, title: title, description: "Codes, Danish labels and display order.",
                     columns: [code, label, order], primaryKey: ["code"],
                     rows: list.enumerated().map { [$1.code, $1.label, String($0 + 1)] })
        }
        return [
            TidyFile(name: "dim_stage.csv", title: "Stages and steps of the value chain",
                     description: "Every stage, step and other category code, with the step a stage belongs to.",
                     columns: [code, label, .init("kind", .string, "stage, step, other or total."),
                               .init("step", .string, "The step (coarse level) of a stage or step; empty otherwise."), order],
                     primaryKey: ["code"],
                     rows: Labels.categories.enumerated().map { [$1.code, $1.label, $1.kind, $1.step, String($0 + 1)] }),
            TidyFile(name: "dim_age.csv", title: "Age bands and age groups",
                     description: "The seven age bands (fine level) and three age groups (coarse level).",
                     columns: [code, label, .init("kind", .string, "band, group or total."),
                               .init("ageGroup", .string, "The group a band belongs to."), order],
                     primaryKey: ["code"],
                     rows: Labels.ages.enumerated().map { [$1.code, $1.label, $1.kind, $1.group, String($0 + 1)] }),
            simple("dim_target_group.csv", "Target groups", Labels.targetGroups),
            simple("dim_outcome.csv", "Youth outcomes", Labels.outcomes),
            simple("dim_measure.csv", "Measures of progression", Labels.measures),
            simple("dim_enterprise_type.csv", "Enterprise types", Labels.enterpriseTypes),
        ]
    }
}
