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
    ]

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

    /// The version order as a row value: recorded_at, source, source_record_id, then end day,
    /// hours, target group, age band, enterprise, an absent value below every present one.
    static func version(_ t: String) -> String {
        "(\(t).recorded_at, \(t).source, \(t).source_record_id, coalesce(\(t).end_day, -2147483648), coalesce(\(t).hours, -1.0), "
            + "\(t).target_group, \(t).age_band, coalesce(\(t).enterprise, ''))"
    }

    /// Per identity, the file's greatest version; then stored unless the stored one is at
    /// least as great. Returns (inserted, updated). `$1` is the tenant.
    static let merge = """
        WITH greatest AS (
            SELECT DISTINCT ON (s.pseudonym, s.start_day, s.stage, s.agreement) s.*
            FROM trin_staging s
            ORDER BY s.pseudonym, s.start_day, s.stage, s.agreement, s.recorded_at DESC, s.source DESC, s.source_record_id DESC,
                     coalesce(s.end_day, -2147483648) DESC, coalesce(s.hours, -1.0) DESC, s.target_group DESC, s.age_band DESC,
                     coalesce(s.enterprise, '') DESC
        ), merged AS (
            INSERT INTO event AS e (tenant, pseudonym, start_day, stage, agreement, age_band, enterprise, target_group, end_day, hours,
                                    recorded_at, source, source_record_id)
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
