import Foundation
import TrinCore
import TrinDisclosure
import TrinMetrics
import TrinPublish
import TrinStore

/// Aggregate and publish: the last stage of the pipeline, run after every `trin run`
/// and by `trin metrics`. Streams the store citizen by citizen (bounded memory).
public enum MetricsJob {
    /// The unsuppressed figures (never written anywhere as they are).
    public static func compute(store: Store) throws -> Metrics {
        var calculator = MetricsCalculator()
        try store.forEachCitizen { calculator.add(citizen: $0) }
        return calculator.finish(enterprises: try store.enterprises())
    }

    /// The figures as published under `policy`: only records known on the as-of
    /// date, each year at its status and level, suppressed (docs/metrics.md, "Releases").
    public static func release(store: Store, k: Int, policy: ReleasePolicy) throws -> ReleasedFigures {
        let threshold = try DisclosureThreshold(k: k)
        var calculator = MetricsCalculator(policy: policy)
        try store.forEachCitizen { calculator.add(citizen: $0) }
        let register = try store.enterprises().compactMap { policy.visible($0) }
        return calculator.finish(enterprises: register).released(policy: policy, threshold: threshold, register: register)
    }

    /// The release policy: a configured as-of date, or the end of the last
    /// complete month before `now` (Danish date).
    public static func policy(asOf: Day?, now: Instant = .now) -> ReleasePolicy {
        asOf.map(ReleasePolicy.init(asOf:)) ?? ReleasePolicy.lastCompleteMonth(before: DanishTime.day(at: now))
    }

    /// Computes, suppresses and publishes a complete new set of metric files atomically.
    public static func publish(store: Store, k: Int, policy: ReleasePolicy, unitName: String, outputDirectory: String,
                               runID: String, dialect: TrinPublish.CSVDialect = .danish,
                               publishedAt: Instant = .now) throws -> PublishedSet {
        let released = try release(store: store, k: k, policy: policy)
        let context = PublicationContext(unitName: unitName,
                                         dataChangedAt: try store.latestRecordedAt() ?? Instant(secondsSinceEpoch: 0),
                                         publishedAt: publishedAt)
        return try MetricPublisher(dialect: dialect).publish(released, context: context,
                                                             outputDirectory: URL(fileURLWithPath: outputDirectory), runID: runID)
    }

    /// Publishes with the configuration's k, as-of date, unit, output folder and CSV dialect.
    public static func publish(store: Store, configuration c: Configuration, runID: String) throws -> PublishedSet {
        try publish(store: store, k: c.k, policy: policy(asOf: c.asOf), unitName: c.unitName, outputDirectory: c.output,
                    runID: runID, dialect: dialect(c))
    }

    /// The CSV dialect a configuration asks for (`;` and decimal comma by default).
    public static func dialect(_ c: Configuration?) -> TrinPublish.CSVDialect {
        TrinPublish.CSVDialect(delimiter: Character(c?.csvDelimiter ?? ";"), decimalSeparator: Character(c?.csvDecimalSeparator ?? ","))
    }
}
