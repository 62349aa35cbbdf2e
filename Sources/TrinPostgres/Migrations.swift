import TrinCore
import TrinStore

/// The PostgreSQL store's schema, one migration per version, applied in order at open
/// (`PostgresStore.open`). A migration is never changed once released: a new version is a
/// new entry.
enum Migrations {
    /// The advisory lock that serialises migrators (an arbitrary constant of trin's own).
    static let lockKey = 0x7472_696E  // "trin"

    static let all: [[String]] = [
        // 1: records, scoped by tenant. An identity is (pseudonym, start, stage, agreement; ''
        // when none). Names and texts compare by bytes (COLLATE "C"), as the version order
        // and the SQLite store do; target groups and age bands are stored by name, whose byte
        // order is the order the version order uses.
        [
            """
            CREATE TABLE event (
                tenant text COLLATE "C" NOT NULL,
                pseudonym bytea NOT NULL,
                start_day integer NOT NULL,
                stage text COLLATE "C" NOT NULL,
                agreement text COLLATE "C" NOT NULL,
                age_band text COLLATE "C" NOT NULL,
                enterprise text COLLATE "C",
                target_group text COLLATE "C" NOT NULL,
                end_day integer,
                hours double precision,
                recorded_at bigint NOT NULL,
                source text COLLATE "C" NOT NULL,
                source_record_id text COLLATE "C" NOT NULL,
                PRIMARY KEY (tenant, pseudonym, start_day, stage, agreement)
            )
            """,
        ],
        // 2: everything else the SQLite store keeps, per tenant: the key binding, content
        // version and last publication (meta), runs and their file outcomes, imported files,
        // rejected rows (masked), fetch state, known rows, frozen years, the register. Run ids
        // come from one sequence shared by all tenants.
        [
            "CREATE TABLE meta (tenant text COLLATE \"C\" NOT NULL, key text NOT NULL, value text NOT NULL, PRIMARY KEY (tenant, key))",
            """
            CREATE TABLE run (
                id bigserial PRIMARY KEY, tenant text COLLATE "C" NOT NULL, started_at bigint NOT NULL, finished_at bigint,
                command text NOT NULL, status text NOT NULL, dry_run boolean NOT NULL DEFAULT false
            )
            """,
            "CREATE INDEX run_tenant ON run (tenant, id)",
            """
            CREATE TABLE run_file (
                id bigserial PRIMARY KEY, run_id bigint NOT NULL REFERENCES run (id) ON DELETE CASCADE,
                tenant text COLLATE "C" NOT NULL, source text COLLATE "C" NOT NULL, file text NOT NULL, status text NOT NULL,
                http_status integer, bytes bigint NOT NULL DEFAULT 0, duration_ms bigint NOT NULL DEFAULT 0,
                rows_read bigint NOT NULL DEFAULT 0, inserted bigint NOT NULL DEFAULT 0, updated bigint NOT NULL DEFAULT 0,
                duplicates bigint NOT NULL DEFAULT 0, rejected bigint NOT NULL DEFAULT 0,
                rejected_by_reason text NOT NULL DEFAULT '{}', message text, unknown_codes text
            )
            """,
            "CREATE INDEX run_file_run ON run_file (run_id)",
            "CREATE INDEX run_file_source ON run_file (tenant, source, id)",
            """
            CREATE TABLE imported_file (
                tenant text COLLATE "C" NOT NULL, import_key text NOT NULL, content_sha256 text NOT NULL,
                mapping_fingerprint text NOT NULL, source text NOT NULL, file text NOT NULL, bytes bigint NOT NULL,
                run_id bigint NOT NULL, imported_at bigint NOT NULL, PRIMARY KEY (tenant, import_key)
            )
            """,
            "CREATE INDEX imported_file_bytes ON imported_file (tenant, bytes)",
            """
            CREATE TABLE rejection (
                id bigserial PRIMARY KEY, run_id bigint NOT NULL REFERENCES run (id) ON DELETE CASCADE,
                tenant text COLLATE "C" NOT NULL, source text NOT NULL, file text NOT NULL, line bigint NOT NULL, path text,
                reason text COLLATE "C" NOT NULL, field text, masked_row text NOT NULL
            )
            """,
            "CREATE INDEX rejection_run ON rejection (run_id)",
            """
            CREATE TABLE fetch_state (
                tenant text COLLATE "C" NOT NULL, source text NOT NULL, etag text, last_modified text, content_sha256 text,
                last_success_at bigint, PRIMARY KEY (tenant, source)
            )
            """,
            """
            CREATE TABLE known_rows (
                tenant text COLLATE "C" NOT NULL, source text NOT NULL, context text NOT NULL, digests bytea NOT NULL,
                PRIMARY KEY (tenant, source)
            )
            """,
            """
            CREATE TABLE frozen_year (
                tenant text COLLATE "C" NOT NULL, year integer NOT NULL, k integer NOT NULL, as_of text NOT NULL,
                frozen_at bigint NOT NULL, figures text NOT NULL, PRIMARY KEY (tenant, year, k)
            )
            """,
            """
            CREATE TABLE enterprise (
                tenant text COLLATE "C" NOT NULL, cvr text COLLATE "C" NOT NULL, version bytea NOT NULL, name text NOT NULL,
                type text NOT NULL, social boolean NOT NULL, local boolean NOT NULL, economic boolean NOT NULL,
                start text NOT NULL, end_date text, PRIMARY KEY (tenant, cvr)
            )
            """,
        ],
        // 3: the published figures for BI tools, in a schema of their own (`trin_figures`) that
        // a read-only role can be given alone: each tenant's current set, one table per CSV file
        // of the set (made at publication, `PostgresStore.publishFigureTables`), and which set
        // that is. Nothing in it holds a pseudonym, a record or a count the files would suppress.
        [
            "CREATE SCHEMA trin_figures",
            """
            CREATE TABLE trin_figures.publication (
                tenant text COLLATE "C" PRIMARY KEY, set_name text NOT NULL, as_of date NOT NULL, k integer NOT NULL,
                published_at timestamptz NOT NULL
            )
            """,
        ],
        // 4: records partitioned by tenant, one table each (`eventPartition`). A tenant's first
        // records are loaded into a table of their own without its index, which is built once
        // at the end of the file and the table then attached (`PostgresFileImport`): the
        // insert into an index is most of what a server spends on a large import. The key
        // leads with the pseudonym: within a tenant's table the tenant is the same in every
        // row, and a key that began with it made each comparison of the index's sort compare
        // it first (building the key of a million records: 1.9 s against 0.8 s).
        [
            "ALTER TABLE event RENAME TO event_v3",
            "ALTER INDEX event_pkey RENAME TO event_v3_pkey",
            """
            CREATE TABLE event (
                tenant text COLLATE "C" NOT NULL,
                pseudonym bytea NOT NULL,
                start_day integer NOT NULL,
                stage text COLLATE "C" NOT NULL,
                agreement text COLLATE "C" NOT NULL,
                age_band text COLLATE "C" NOT NULL,
                enterprise text COLLATE "C",
                target_group text COLLATE "C" NOT NULL,
                end_day integer,
                hours double precision,
                recorded_at bigint NOT NULL,
                source text COLLATE "C" NOT NULL,
                source_record_id text COLLATE "C" NOT NULL,
                PRIMARY KEY (\(eventKey))
            ) PARTITION BY LIST (tenant)
            """,
            """
            DO $$
            DECLARE t text;
            BEGIN
                FOR t IN SELECT DISTINCT tenant FROM event_v3 LOOP
                    EXECUTE format('CREATE TABLE %I PARTITION OF event FOR VALUES IN (%L)', \(eventPartition("t")), t);
                END LOOP;
            END $$
            """,
            "INSERT INTO event SELECT * FROM event_v3",
            "DROP TABLE event_v3",
        ],
        // 5: why a run was not a success beyond its files' own messages (rejected rows above
        // a limit, an output not written, sources not attempted).
        ["ALTER TABLE run ADD COLUMN reason text"],
    ]

    /// The records' key, from version 4 on (a first load builds it on its table: `PostgresFileImport`).
    static let eventKey = "pseudonym, start_day, stage, agreement, tenant"

    /// The name of a tenant's records table, as SQL of the tenant expression `tenant`: a tenant
    /// name may be longer than an identifier and hold characters that would need quoting.
    /// SHA-256, not MD5, which a server in FIPS mode refuses.
    static func eventPartition(_ tenant: String) -> String {
        "'event_' || left(encode(sha256(convert_to(\(tenant), 'UTF8')), 'hex'), 32)"
    }

    /// The tenant's records table if it has one (`$1` the tenant), as SQL that names it wherever
    /// it is (schema and name quoted), else NULL; and the name a first load gives it.
    static let tenantTable = """
        SELECT (SELECT format('%I.%I', n.nspname, c.relname) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE i.inhparent = 'event'::regclass AND c.relname = \(eventPartition("$1::text"))),
               \(eventPartition("$1::text"))
        """

    /// Stages in the order of their codes (declaration order), as SQL that sorts by it: a
    /// citizen's records come out in the SQLite store's identity order.
    static func stageOrder(_ column: String) -> String {
        "array_position(ARRAY[" + Stage.allCases.map { "'\($0.rawValue)'" }.joined(separator: ",") + "]::text[], \(column)::text)"
    }

    /// One file's records on their way in; dropped at the end of the transaction.
    static let stagingTable = """
        CREATE TEMP TABLE trin_staging (
            pseudonym bytea NOT NULL, start_day integer NOT NULL, stage text COLLATE "C" NOT NULL,
            agreement text COLLATE "C" NOT NULL, age_band text COLLATE "C" NOT NULL, enterprise text COLLATE "C",
            target_group text COLLATE "C" NOT NULL, end_day integer, hours double precision, recorded_at bigint NOT NULL,
            source text COLLATE "C" NOT NULL, source_record_id text COLLATE "C" NOT NULL
        ) ON COMMIT DROP
        """

    static let stagingColumns = ["pseudonym", "start_day", "stage", "agreement", "age_band", "enterprise", "target_group",
                                 "end_day", "hours", "recorded_at", "source", "source_record_id"]

    /// The version order (`VersionOrder`) of table `t`'s columns as a row value.
    static func version(_ t: String) -> String { VersionOrder.row(prefix: t + ".") }

    /// Staged records from which a merge is done in bulk (`mergeInBulk`) rather than by probing.
    static let bulkMergeFrom = 100_000

    /// The version order, greatest first, as ORDER BY terms (after an identity's, the first row is its greatest version).
    static func versionDescending(_ t: String) -> String { VersionOrder.descending(prefix: t + ".") }

    /// Per identity, the greatest version among the staged records.
    static let greatestStaged = """
        SELECT DISTINCT ON (s.pseudonym, s.start_day, s.stage, s.agreement) s.* FROM trin_staging s
        ORDER BY s.pseudonym, s.start_day, s.stage, s.agreement, \(versionDescending("s"))
        """

    /// Per identity, the file's greatest version; then stored unless the stored one is at
    /// least as great. Returns (inserted, updated). `$1` is the tenant; `table`, its records
    /// table as SQL (`tenantTable`), written directly: a partitioned table's RETURNING cannot
    /// tell an insert from an update (`xmax`), and routing each row to it costs time.
    ///
    /// For a small merge (a nightly export's changed and new rows): one `INSERT … ON CONFLICT`,
    /// which probes the tenant's records by key, row by row. For a large one, `mergeInBulk`.
    static func mergeByProbing(into table: String) -> String { """
        WITH greatest AS (\(greatestStaged)), merged AS (
            INSERT INTO \(table) AS e (tenant, pseudonym, start_day, stage, agreement, age_band, enterprise, target_group, end_day,
                                    hours, recorded_at, source, source_record_id)
            SELECT $1, pseudonym, start_day, stage, agreement, age_band, enterprise, target_group, end_day, hours, recorded_at, source,
                   source_record_id
            FROM greatest
            ON CONFLICT (tenant, pseudonym, start_day, stage, agreement) DO UPDATE SET
                age_band = EXCLUDED.age_band, enterprise = EXCLUDED.enterprise, target_group = EXCLUDED.target_group,
                end_day = EXCLUDED.end_day, hours = EXCLUDED.hours, recorded_at = EXCLUDED.recorded_at, source = EXCLUDED.source,
                source_record_id = EXCLUDED.source_record_id
            WHERE \(version("EXCLUDED")) > \(version("e"))
            RETURNING (xmax = 0) AS inserted
        )
        SELECT count(*) FILTER (WHERE inserted)::bigint, count(*) FILTER (WHERE NOT inserted)::bigint FROM merged
        """
    }

    /// `mergeByProbing`'s result for a large merge (a fresh export): an update of the
    /// identities found and an insert of those not found, each one set-based statement. The
    /// speculative insertion of ON CONFLICT costs per row about as much as the insert itself
    /// (a million new records: 11 s against 5.5 s on the server). It is safe because one
    /// instance of a tenant writes at a time (the tenant's run lock); a writer that did not
    /// hold it would fail on the primary key, not store twice. For a few rows the plan's joins
    /// would read the whole table where ON CONFLICT probes: 2.97 s against 1.47 s for a
    /// nightly export's 30,000 changed and new rows (docs/benchmarks.md).
    static func mergeInBulk(into table: String) -> String { """
        WITH greatest AS (\(greatestStaged)), updated AS (
            UPDATE \(table) AS e SET age_band = g.age_band, enterprise = g.enterprise, target_group = g.target_group, end_day = g.end_day,
                hours = g.hours, recorded_at = g.recorded_at, source = g.source, source_record_id = g.source_record_id
            FROM greatest g
            WHERE e.tenant = $1 AND e.pseudonym = g.pseudonym AND e.start_day = g.start_day AND e.stage = g.stage
              AND e.agreement = g.agreement AND \(version("g")) > \(version("e"))
            RETURNING 1
        ), inserted AS (
            INSERT INTO \(table) (tenant, pseudonym, start_day, stage, agreement, age_band, enterprise, target_group, end_day, hours,
                                     recorded_at, source, source_record_id)
            SELECT $1, g.pseudonym, g.start_day, g.stage, g.agreement, g.age_band, g.enterprise, g.target_group, g.end_day, g.hours,
                   g.recorded_at, g.source, g.source_record_id
            FROM greatest g
            WHERE NOT EXISTS (SELECT 1 FROM \(table) e WHERE e.tenant = $1 AND e.pseudonym = g.pseudonym AND e.start_day = g.start_day
                                                      AND e.stage = g.stage AND e.agreement = g.agreement)
            RETURNING 1
        )
        SELECT (SELECT count(*) FROM inserted)::bigint, (SELECT count(*) FROM updated)::bigint
        """
    }
}
