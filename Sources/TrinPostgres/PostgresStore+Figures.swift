import PostgresNIO
import Synchronization
public import TrinCore
public import TrinStore

extension PostgresStore: PublishesFigureTables {
    /// Writes the tenant's current set into `trin_figures`, replacing the one before, in one
    /// transaction. A table is made (and a column added) when a set first has it; columns are
    /// the file's, in snake case (`asOf` is `as_of`), typed; an empty field is NULL. Tables are
    /// made under an advisory lock: tenants publishing at once do not race to create one.
    public func publishFigureTables(_ tables: [PublishedTable], set: String, asOf: Day, k: Int, publishedAt: Instant) throws(StoreError) {
        try storeCall {
            try await transaction {
                try await rows("SELECT pg_advisory_xact_lock(\(Migrations.lockKey + 1))")
                let searchPath = try await rows("SELECT current_setting('search_path')").first?.decode(String.self) ?? "public"
                for table in tables {
                    let name = "trin_figures.\"\(Self.snakeCase(table.name))\""
                    // Made, or given a column, only when a set first needs it: ALTER TABLE takes a lock
                    // that would make every BI query on the table wait, even for a column already there.
                    let existing = Set(try await rows("""
                        SELECT column_name::text FROM information_schema.columns
                        WHERE table_schema = 'trin_figures' AND table_name = \(Self.snakeCase(table.name))
                        """).map { try $0.decode(String.self) })
                    if existing.isEmpty {
                        try await rows(PostgresQuery(unsafeSQL: """
                            CREATE TABLE IF NOT EXISTS \(name) (tenant text COLLATE "C" NOT NULL, set_name text NOT NULL)
                            """))
                    }
                    for column in table.columns where !existing.contains(Self.snakeCase(column.name)) {
                        try await rows(PostgresQuery(unsafeSQL: """
                            ALTER TABLE \(name) ADD COLUMN IF NOT EXISTS "\(Self.snakeCase(column.name))" \(Self.sqlType(column.type))
                            """))
                    }
                    var delete = PostgresQuery(unsafeSQL: "DELETE FROM \(name) WHERE tenant = $1")
                    delete.binds.append(tenant)
                    try await rows(delete)
                    var text = CopyBytes()
                    for row in table.rows {
                        CopyText.text(tenant, &text)
                        CopyText.tab(&text)
                        CopyText.text(set, &text)
                        for field in row {
                            CopyText.tab(&text)
                            if let field { CopyText.text(field, &text) } else { CopyText.absent(&text) }
                        }
                        text.writeInteger(UInt8(ascii: "\n"))
                    }
                    let copy = text.buffer
                    if copy.readableBytes > 0 {
                        // The client quotes the table's name whole: the schema is found through the search path.
                        try await rows("SET LOCAL search_path = trin_figures")
                        try await connection.copyFrom(table: Self.snakeCase(table.name),
                                                      columns: ["tenant", "set_name"] + table.columns.map { Self.snakeCase($0.name) },
                                                      logger: logger) { writer in try await writer.write(copy) }
                        try await rows("SELECT set_config('search_path', \(searchPath), true)")
                    }
                }
                try await rows("""
                    INSERT INTO trin_figures.publication(tenant, set_name, as_of, k, published_at)
                    VALUES (\(tenant), \(set), \(asOf.description)::date, \(k), to_timestamp(\(publishedAt.secondsSinceEpoch)))
                    ON CONFLICT (tenant) DO UPDATE SET set_name = EXCLUDED.set_name, as_of = EXCLUDED.as_of, k = EXCLUDED.k,
                        published_at = EXCLUDED.published_at
                    """)
            }
        }
    }

    /// A name of trin's own tables and columns in snake case (always quoted where used: `end` is a keyword).
    static func snakeCase(_ name: String) -> String {
        var out = ""
        for c in name where c != "\"" {
            if c.isUppercase { out += "_" + c.lowercased() } else { out.append(c == "-" ? "_" : c) }
        }
        return out
    }

    static func sqlType(_ type: PublishedTable.ColumnType) -> String {
        switch type {
        case .text: "text"
        case .integer: "bigint"
        case .number: "double precision"
        case .boolean: "boolean"
        case .date: "date"
        }
    }
}

extension PostgresStore: CombinesPublications {
    public var combinedTenants: [String] { readTenants }

    /// The coordinate columns of each figure table, in the order the files have them.
    static let figureCoordinates: [(table: String, columns: [String])] = [
        ("employment", ["target_group", "age_band"]), ("youth", ["outcome", "age_band"]),
        ("value_chain", ["measure", "stage"]), ("progression", ["agreement", "enterprise", "measure", "stage"]),
    ]

    public func partsPublications(asOf: Day, k: Int) throws(StoreError) -> [String: [PublishedRow]] {
        try storeCall {
            var published: [String: (asOf: String, k: Int)] = [:]
            for row in try await rows("SELECT tenant, to_char(as_of, 'YYYY-MM-DD'), k FROM trin_figures.publication WHERE tenant = ANY(\(readTenants))") {
                let (tenant, day, tenantK) = try row.decode((String, String, Int).self)
                published[tenant] = (day, tenantK)
            }
            if let missing = readTenants.first(where: { published[$0] == nil }) {
                throw StoreError.database(path: location, message: "tenant \(missing) has published no figures yet: a combined "
                                          + "publication is checked against what each tenant publishes, so publish every tenant first")
            }
            if let other = readTenants.first(where: { published[$0]!.asOf != asOf.description || published[$0]!.k != k }) {
                throw StoreError.database(path: location, message: "tenant \(other)'s current set is as of \(published[other]!.asOf) "
                                          + "with k \(published[other]!.k), not as of \(asOf) with k \(k): a combined publication is "
                                          + "checked against the tenants' sets of the same date and k, so publish every tenant for "
                                          + "that date first")
            }
            var out: [String: [PublishedRow]] = [:]
            for (table, columns) in Self.figureCoordinates {
                let coordinates = columns.map { "coalesce(\"\($0)\", '')" }.joined(separator: " || chr(31) || ")
                let result = try await rows(PostgresQuery(unsafeSQL: """
                    SELECT tenant::text, year::bigint, level::text, \(coordinates), CASE WHEN suppressed THEN NULL ELSE value END::bigint
                    FROM trin_figures."\(table)" WHERE tenant = ANY($1)
                    """, binds: try Self.textArray(readTenants)))
                for row in result {
                    let (tenant, year, level, joined, value) = try row.decode((String, Int, String, String, Int?).self)
                    out[tenant, default: []].append(PublishedRow(table: table, year: year, level: level,
                                                                 coordinates: joined.split(separator: "\u{1F}", omittingEmptySubsequences: false)
                                                                     .map(String.init),
                                                                 value: value))
                }
            }
            return out
        }
    }

    /// One REPEATABLE READ transaction around `body`'s reads (a read-only snapshot).
    public func readingOneState<T>(_ body: () throws -> T) throws -> T {
        try storeCall { try await rows("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") }
        inTransaction.store(true, ordering: .relaxed)
        defer { inTransaction.store(false, ordering: .relaxed) }
        do {
            let result = try body()
            try storeCall { try await rows("COMMIT") }
            return result
        } catch {
            _ = try? storeCall { try await rows("ROLLBACK") }
            throw error
        }
    }

    static func textArray(_ values: [String]) throws -> PostgresBindings {
        var b = PostgresBindings()
        b.append(values)
        return b
    }
}
