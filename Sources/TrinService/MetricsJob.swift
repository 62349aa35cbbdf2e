import Foundation
public import TrinCore
import TrinDisclosure
public import TrinMetrics
public import TrinPublish
public import TrinStore
import TrinImport

/// Aggregate and publish: the last stage of the pipeline, run after every `trin run`
/// and by `trin metrics`. Streams the store citizen by citizen (bounded memory).
public enum MetricsJob {
    /// The unsuppressed figures (never written anywhere as they are).
    public static func compute(store: any Store) throws -> Metrics {
        var calculator = MetricsCalculator()
        try addCitizens(from: store, to: &calculator)
        return calculator.finish(enterprises: try store.enterprises())
    }

    /// The figures as published under `policy`: only records known on the as-of
    /// date, each year at its status and level, suppressed (docs/metrics.md, "Releases");
    /// closed years the store keeps as first published are repeated as they were,
    /// unless `republish` names them. Reads the store only: `publish` keeps what it froze.
    public static func release(store: any Store, k: Int, policy: ReleasePolicy, republish: Set<Int> = [],
                               keepsNewYears: Bool = true) throws -> ReleasedFigures {
        try releaseRead(store: store, k: k, policy: policy, republish: republish, keepsNewYears: keepsNewYears).figures
    }

    /// `release`, and the latest `recordedAt` of the records it read (nil: none), from the same read.
    static func releaseRead(store: any Store, k: Int, policy: ReleasePolicy, republish: Set<Int>,
                            keepsNewYears: Bool = true) throws -> (figures: ReleasedFigures, latestRecordedAt: Instant?) {
        // A combined publication reads its tenants while they import: all from one state.
        if let combining = store as? CombinesPublications, combining.isCombined {
            return try combining.readingOneState {
                try releaseNow(store: store, k: k, policy: policy, republish: republish, keepsNewYears: keepsNewYears)
            }
        }
        return try releaseNow(store: store, k: k, policy: policy, republish: republish, keepsNewYears: keepsNewYears)
    }

    static func releaseNow(store: any Store, k: Int, policy: ReleasePolicy, republish: Set<Int>,
                           keepsNewYears: Bool = true) throws -> (figures: ReleasedFigures, latestRecordedAt: Instant?) {
        let threshold = try DisclosureThreshold(k: k)
        var calculator = MetricsCalculator(policy: policy)
        let latest = try addCitizens(from: store, to: &calculator)
        let register = try store.enterprises().compactMap { policy.visible($0) }
        let decoder = JSONDecoder()
        // Every k's: a year kept under another k is what a set with this k is compared with.
        let frozen = try store.frozenYears(k: nil).map { row in
            do { return try decoder.decode(FrozenYear.self, from: Data(row.figures.utf8)) } catch {
                throw MetricsJobError.unreadableFrozenYear(year: row.year, k: row.k, message: "\(error)")
            }
        }
        let figures = calculator.finish(enterprises: register).released(policy: policy, threshold: threshold, register: register,
                                                                        frozen: frozen, republish: republish,
                                                                        parts: try parts(of: store, asOf: policy.asOf, k: k),
                                                                        keepsNewYears: keepsNewYears)
        return (figures, latest)
    }

    /// For a combined publication, what each of its tenants published on its own: a combined
    /// cell they do not already show is suppressed (`PublishedParts`). Nil for one tenant's store.
    static func parts(of store: any Store, asOf: Day, k: Int) throws -> PublishedParts? {
        guard let combining = store as? CombinesPublications, combining.isCombined else { return nil }
        let tables: [String: FigureTableName] = ["employment": .employment, "youth": .youth, "value_chain": .valueChain,
                                                 "progression": .progression]
        // One list per tenant combined, empty for a tenant whose set shows nothing.
        let published = try combining.partsPublications(asOf: asOf, k: k)
        return PublishedParts(parts: combining.combinedTenants.map { published[$0] ?? [] }.map { rows in
            rows.compactMap { row in
                guard let table = tables[row.table], let level = DetailLevel(rawValue: row.level) else { return nil }
                return PublishedParts.Cell(table: table, year: row.year, level: level, coordinates: row.coordinates, value: row.value)
            }
        })
    }

    /// Streams every citizen's records into `calculator` on two cores: the store is read and
    /// its rows turned into records on threads of their own (`readers`, each over a range of
    /// pseudonyms), a few hundred citizens at a time, while this thread computes. Memory holds
    /// a few batches, whatever the store's size. Returns the latest `recordedAt` of all the
    /// records read (before the release policy): when the data last changed at the source,
    /// which the set states instead of the time of the run, so that the same data give the
    /// same files whatever the import order. Read from the same state as the figures,
    /// without a scan of its own.
    @discardableResult
    static func addCitizens(from store: Store, to calculator: inout MetricsCalculator) throws -> Instant? {
        var latest: Instant?
        try HandOffQueue<[[ProgressRecord]]>.run(capacity: 8, name: "trin-metrics-read") { queue in
            try store.forEachCitizenBatch(readers: readers, citizensPerBatch: citizensPerBatch, fields: .figures) { batch in
                try queue.send(batch)
            }
        } consume: { batch, _ in
            for citizen in batch {
                for record in citizen where latest.map({ record.recordedAt > $0 }) ?? true { latest = record.recordedAt }
                calculator.add(citizen: citizen)
            }
        }
        return latest
    }

    /// Two readers: reading a stored record costs more than counting it, so two readers
    /// and the calculator keep two cores busy (docs/benchmarks.md).
    static let readers = 2
    static let citizensPerBatch = 512

    /// The release policy: a configured as-of date, or the end of the last
    /// complete month before `now` (Danish date).
    public static func policy(asOf: Day?, now: Instant = .now) -> ReleasePolicy {
        asOf.map(ReleasePolicy.init(asOf:)) ?? ReleasePolicy.lastCompleteMonth(before: DanishTime.day(at: now))
    }

    /// Computes, suppresses and publishes a complete new set of metric files atomically,
    /// first keeping in the store the closed years it publishes in full for the first
    /// time (and those `republish` names: a requested republication, docs/metrics.md).
    /// With `freeze` false (a run in which a source failed, so the store may lack a
    /// source's records), years already kept are repeated but no new year is kept, and a
    /// closed year not kept yet is published as provisional (headline figures only): in full
    /// it would differ from the set that keeps it by the late source's records.
    ///
    /// Years to republish are checked first (`checkRepublication`), before anything is read.
    public static func publish(store: any Store, k: Int, policy: ReleasePolicy, unitName: String, outputDirectory: String,
                               runID: String, dialect: PublishedCSVDialect = .danish,
                               publishedAt: Instant = .now, republish: Set<Int> = [], retention: Retention? = nil, freeze: Bool = true,
                               figureTables: Bool = true) throws -> PublishedSet {
        try checkRepublication(republish, policy: policy, retention: retention)
        let read = try releaseRead(store: store, k: k, policy: policy, republish: republish, keepsNewYears: freeze)
        return try publish(read, store: store, k: k, policy: policy, unitName: unitName, outputDirectory: outputDirectory, runID: runID,
                           dialect: dialect, publishedAt: publishedAt, republish: republish, freeze: freeze, figureTables: figureTables)
    }

    /// Whether `years` may be republished: each must be closed as of the policy's date, and
    /// no records may be deleted by retention. A year's figures depend on its own records and
    /// on earlier years' (a citizen's first job, the first record of a course), so once
    /// retention deletes old records, any year computed afresh may differ from what was kept
    /// by more than the late records (a citizen whose first job was deleted counts again), and
    /// its republication would replace the kept figures with those (docs/metrics.md).
    public static func checkRepublication(_ years: Set<Int>, policy: ReleasePolicy, retention: Retention?) throws(MetricsJobError) {
        for year in years.sorted() {
            let status = policy.status(of: year)
            guard status == .closed else {
                throw .cannotRepublish(year: year, reason: "only a closed year can be republished; as of \(policy.asOf), \(year) is \(status.rawValue)")
            }
            if let retention, retention.deletesRecords {
                throw .cannotRepublish(year: year, reason: "retention (`retention.events`) deletes old records, and \(year)'s figures depend on "
                                       + "earlier years' records too (a citizen's first job, the start of a course): republished, it would be "
                                       + "computed without them; the year stays as kept")
            }
        }
    }

    /// `publish` of figures already read (`releaseRead`).
    static func publish(_ read: (figures: ReleasedFigures, latestRecordedAt: Instant?), store: any Store, k: Int, policy: ReleasePolicy,
                        unitName: String, outputDirectory: String, runID: String, dialect: PublishedCSVDialect,
                        publishedAt: Instant, republish: Set<Int>, freeze: Bool, figureTables: Bool) throws -> PublishedSet {
        let released = read.figures
        // Kept before the files are written: a set that fails to publish is repeated by the next run.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try store.freeze(try released.newlyFrozen.filter { freeze || republish.contains($0.year) }.map { year in
            FrozenYearRow(year: year.year, k: year.k, asOf: year.asOf, frozenAt: publishedAt,
                                figures: String(decoding: try encoder.encode(year), as: UTF8.self))
        }, replacing: republish)
        let context = PublicationContext(unitName: unitName,
                                         dataChangedAt: read.latestRecordedAt ?? Instant(secondsSinceEpoch: 0),
                                         publishedAt: publishedAt)
        let set = try MetricPublisher(dialect: dialect).publish(released, context: context,
                                                                outputDirectory: URL(fileURLWithPath: outputDirectory), runID: runID)
        // A server store repeats the set as tables for BI tools (after the files: the files are the
        // publication), when it is the configured output's set, not one written elsewhere by hand.
        if figureTables, let tables = store as? PublishesFigureTables {
            try tables.publishFigureTables(tablesForBI(released), set: set.name, asOf: policy.asOf, k: k, publishedAt: publishedAt)
        }
        return set
    }

    /// `MetricPublisher.figuresDigest` of the figures read, as the configured unit and dialect render them.
    static func figuresDigest(_ read: (figures: ReleasedFigures, latestRecordedAt: Instant?), unitName: String,
                              dialect: PublishedCSVDialect) -> String {
        MetricPublisher(dialect: dialect).figuresDigest(read.figures, context: PublicationContext(
            unitName: unitName, dataChangedAt: read.latestRecordedAt ?? Instant(secondsSinceEpoch: 0), publishedAt: .now))
    }

    /// The set's CSV files as typed tables, numbers with a decimal point.
    static func tablesForBI(_ released: ReleasedFigures) -> [PublishedTable] {
        MetricTables.files(released, dialect: PublishedCSVDialect(delimiter: ";", decimalSeparator: ".")).map { file in
            PublishedTable(name: String(file.name.dropLast(".csv".count)),
                           columns: file.columns.map { column in
                               let type: PublishedTable.ColumnType = switch column.kind {
                               case .string: .text
                               case .integer: .integer
                               case .number: .number
                               case .boolean: .boolean
                               case .date: .date
                               }
                               return (column.name, type)
                           },
                           rows: file.rows.map { $0.map { $0.isEmpty ? nil : $0 } })
        }
    }

    /// What a run's publication did.
    public enum Publication: Sendable {
        /// A new set, now current.
        case published(PublishedSet)
        /// Nothing the figures depend on changed since the set named was published, and it is
        /// still current: it stays, and nothing was computed.
        case unchanged(set: String)
        /// Something the figures are made from changed, but the set's files would be those of
        /// the set named (but for the time of publication), which is still current: it stays (a
        /// purge of records of kept years, records a nightly export brought back that retention
        /// deleted again, a source that failed and recovered).
        case sameFigures(set: String)
    }

    /// Publishes with the configuration's k, as-of date, unit, output folder and CSV dialect,
    /// unless nothing they are made from changed since the last publication (the store's
    /// records and register, k, the as-of date, unit, folder, dialect, freezing, this trin)
    /// and that set is still current: a nightly run that brought nothing new computes nothing.
    /// When the store changed, the figures are computed, and a set is published only when its
    /// files would differ from the current set's in more than the time they were made: a run
    /// whose changes move no figure adds no set that readers would take for news.
    public static func publish(store: any Store, configuration c: Configuration, runID: String, freeze: Bool = true) throws -> Publication {
        let policy = policy(asOf: c.asOf)
        let d = dialect(c)
        // What the files are made from and how they are written; and, apart, what decides how
        // they are computed (the store's content, and whether new years may be kept: a run in
        // which a source failed may not). The latter change without changing the files as often
        // as not: then the files decide.
        let settings = "k \(c.k); as-of \(policy.asOf); unit \(c.unitName); output \(c.output); "
            + "dialect \(d.delimiter)\(d.decimalSeparator); trin \(TrinVersion.current)"
        let computed = "content \(try store.contentVersion()); freeze \(freeze); "
        let last = try store.lastPublication()
        let current = last.flatMap { currentSet(in: c.output) == $0.set ? $0 : nil }
        if let current, current.inputs.hasPrefix(computed + settings + "; figures ") {
            return .unchanged(set: current.set)
        }
        let read = try releaseRead(store: store, k: c.k, policy: policy, republish: [], keepsNewYears: freeze)
        let digest = figuresDigest(read, unitName: c.unitName, dialect: d)
        let inputs = computed + settings + "; figures " + digest
        // Same settings, same files: the set stays, unless a year is to be kept now (that is news).
        if let current, current.inputs.hasSuffix(settings + "; figures " + digest), !freeze || read.figures.newlyFrozen.isEmpty {
            try store.recordPublication(inputs: inputs, set: current.set)
            return .sameFigures(set: current.set)
        }
        let set = try publish(read, store: store, k: c.k, policy: policy, unitName: c.unitName, outputDirectory: c.output,
                              runID: runID, dialect: d, publishedAt: .now, republish: [], freeze: freeze, figureTables: true)
        try store.recordPublication(inputs: inputs, set: set.name)
        return .published(set)
    }

    /// The name of the set `<output>/current` points at, if it points at a complete one.
    static func currentSet(in output: String) -> String? {
        let current = URL(fileURLWithPath: output).appendingPathComponent("current").path
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: current) else { return nil }
        let name = URL(fileURLWithPath: target).lastPathComponent
        let manifest = URL(fileURLWithPath: output).appendingPathComponent("sets").appendingPathComponent(name)
            .appendingPathComponent(Manifest.fileName).path
        return FileManager.default.fileExists(atPath: manifest) ? name : nil
    }

    /// The CSV dialect a configuration asks for (`;` and decimal comma by default).
    public static func dialect(_ c: Configuration?) -> PublishedCSVDialect {
        PublishedCSVDialect(delimiter: Character(c?.csvDelimiter ?? ";"), decimalSeparator: Character(c?.csvDecimalSeparator ?? ","))
    }
}

/// Why the metrics stage could not run.
public enum MetricsJobError: Error, CustomStringConvertible {
    /// A kept year in the store cannot be read (a store written by a newer trin, or damaged).
    case unreadableFrozenYear(year: Int, k: Int, message: String)
    /// A republication that was asked for and may not be made (a year not closed, or any year
    /// while retention deletes records); nothing was published.
    case cannotRepublish(year: Int, reason: String)

    public var description: String {
        switch self {
        case let .unreadableFrozenYear(year, k, message):
            "the store's frozen figures for \(year) (k = \(k)) cannot be read: \(message)"
        case let .cannotRepublish(year, reason):
            "--republish \(year): \(reason)"
        }
    }
}
