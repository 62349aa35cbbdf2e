public import TrinMetrics
import TrinCore

/// `datapackage.json`: a Frictionless Data Package describing every CSV file
/// of a set with a Table Schema (types, descriptions, missing values, keys), so
/// that pandas, R, Power BI and frictionless tools read the files without guessing.
public enum DataPackage {
    public static let fileName = "datapackage.json"

    public static func document(_ files: [TidyFile], _ r: ReleasedFigures, context: PublicationContext,
                                dialect: PublishedCSVDialect) -> JSONValue {
        .object([
            ("profile", .string("tabular-data-package")),
            ("name", .string("trin-metrics")),
            ("title", .string("\(context.unitName): figures as of \(r.asOf)")),
            ("description", .string(
                "Anonymised yearly figures of the social-economy unit: employment, youth, the value chain and progression per cooperation agreement, enterprises. Citizen counts from 1 to k-1 (k = \(r.k)), and the cells needed to protect them, are suppressed: their value is empty and `suppressed` is true. Open and provisional years publish headline figures only.")),
            ("version", .string("\(MetricDocuments.schemaVersion).0.0")),
            ("created", .string(context.publishedAt.description)),
            ("asOf", .string(r.asOf.description)),
            ("closedYears", .array(r.closedYears.map { .int($0) })),
            ("k", .int(r.k)),
            ("resources", .array(files.map { resource($0, dialect: dialect) })),
        ])
    }

    static func resource(_ f: TidyFile, dialect: PublishedCSVDialect) -> JSONValue {
        func field(_ c: TidyFile.Column) -> JSONValue {
            var members: [(String, JSONValue)] = [("name", .string(c.name)), ("type", .string(c.kind.rawValue)),
                                                  ("description", .string(c.description))]
            if c.kind == .number { members.append(("decimalChar", .string(String(dialect.decimalSeparator)))) }
            if c.kind == .boolean {
                members.append(("trueValues", .array([.string("true")])))
                members.append(("falseValues", .array([.string("false")])))
            }
            if c.kind == .date { members.append(("format", .string("%Y-%m-%d"))) }
            return .object(members)
        }
        return .object([
            ("name", .string(f.resourceName)),
            ("path", .string(f.name)),
            ("profile", .string("tabular-data-resource")),
            ("title", .string(f.title)),
            ("description", .string(f.description)),
            ("format", .string("csv")),
            ("mediatype", .string("text/csv")),
            ("encoding", .string(dialect.byteOrderMark ? "utf-8-sig" : "utf-8")),
            ("dialect", .object([("delimiter", .string(String(dialect.delimiter))), ("lineTerminator", .string(dialect.lineEnding)),
                                 ("quoteChar", .string("\"")), ("doubleQuote", .bool(true)), ("header", .bool(true))])),
            ("schema", .object([
                ("fields", .array(f.columns.map(field))),
                ("missingValues", .array([.string("")])),
                ("primaryKey", .array(f.primaryKey.map { .string($0) })),
            ])),
        ])
    }
}
