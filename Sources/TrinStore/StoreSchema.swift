import GRDB
import TrinCore

/// The store's tables, created and changed only through numbered migrations.
enum StoreSchema {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

                -- One row per event identity (pseudonym, agreement, stage, start), packed into
                -- `identity` (16-byte pseudonym, start, stage code, agreement) so that rows sort by
                -- citizen; the identity is the only copy of pseudonym, stage and agreement. Age band
                -- and target group are codes numbered in name order. Of all versions of an identity
                -- the greatest by (recorded_at, source, source_record_id, end_day, hours,
                -- target_group, age_band, enterprise) is kept: SQLiteFileImport's update compares the
                -- stored columns, nothing derived from that order is stored. Dates are days since
                -- 1970-01-01; `event_view` shows every column readably.
                CREATE TABLE event (
                    identity BLOB PRIMARY KEY,
                    age_band INTEGER NOT NULL,
                    enterprise TEXT,
                    target_group INTEGER NOT NULL,
                    start_day INTEGER NOT NULL,
                    end_day INTEGER,
                    hours REAL,
                    recorded_at INTEGER NOT NULL,
                    source TEXT NOT NULL,
                    source_record_id TEXT NOT NULL
                ) WITHOUT ROWID;

                \(eventView(from: "event"));

                CREATE TABLE enterprise (
                    cvr TEXT PRIMARY KEY,
                    version BLOB NOT NULL,
                    name TEXT NOT NULL,
                    type TEXT NOT NULL,
                    social INTEGER NOT NULL,
                    local INTEGER NOT NULL,
                    economic INTEGER NOT NULL,
                    start TEXT NOT NULL,
                    end_date TEXT
                ) WITHOUT ROWID;

                CREATE TABLE run (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    started_at INTEGER NOT NULL,
                    finished_at INTEGER,
                    command TEXT NOT NULL,
                    status TEXT NOT NULL,
                    dry_run INTEGER NOT NULL DEFAULT 0
                );

                -- What happened to each file (or fetch) in a run.
                CREATE TABLE run_file (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    run_id INTEGER NOT NULL REFERENCES run(id),
                    source TEXT NOT NULL,
                    file TEXT NOT NULL,
                    status TEXT NOT NULL,
                    http_status INTEGER,
                    bytes INTEGER NOT NULL DEFAULT 0,
                    duration_ms INTEGER NOT NULL DEFAULT 0,
                    rows_read INTEGER NOT NULL DEFAULT 0,
                    inserted INTEGER NOT NULL DEFAULT 0,
                    updated INTEGER NOT NULL DEFAULT 0,
                    duplicates INTEGER NOT NULL DEFAULT 0,
                    rejected INTEGER NOT NULL DEFAULT 0,
                    rejected_by_reason TEXT NOT NULL DEFAULT '{}',
                    message TEXT
                );
                CREATE INDEX run_file_run ON run_file(run_id);

                -- Files imported, so that the same export is skipped: the same content, for the
                -- same source, through the same mapping (a corrected mapping may read it again).
                CREATE TABLE imported_file (
                    import_key TEXT PRIMARY KEY,
                    content_sha256 TEXT NOT NULL,
                    mapping_fingerprint TEXT NOT NULL,
                    source TEXT NOT NULL,
                    file TEXT NOT NULL,
                    bytes INTEGER NOT NULL,
                    run_id INTEGER NOT NULL,
                    imported_at INTEGER NOT NULL
                );

                -- Rejected rows, personal ids masked.
                CREATE TABLE rejection (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    run_id INTEGER NOT NULL,
                    source TEXT NOT NULL,
                    file TEXT NOT NULL,
                    line INTEGER NOT NULL,
                    path TEXT,
                    reason TEXT NOT NULL,
                    field TEXT,
                    masked_row TEXT NOT NULL
                );
                CREATE INDEX rejection_run ON rejection(run_id);

                -- Per source: what the last imported export was, for conditional requests.
                CREATE TABLE fetch_state (
                    source TEXT PRIMARY KEY,
                    etag TEXT,
                    last_modified TEXT,
                    content_sha256 TEXT,
                    last_success_at INTEGER
                );
                """)
        }
        m.registerMigration("v2") { db in
            try db.execute(sql: """
                -- A closed year as first published in full (or last republished), per k: every later
                -- set repeats it. `figures` is JSON written and read by the metrics stage (FrozenYear),
                -- with each cell's published value and true count; it never leaves trin as it is.
                CREATE TABLE frozen_year (
                    year INTEGER NOT NULL,
                    k INTEGER NOT NULL,
                    as_of TEXT NOT NULL,
                    frozen_at INTEGER NOT NULL,
                    figures TEXT NOT NULL,
                    PRIMARY KEY (year, k)
                );
                """)
        }
        m.registerMigration("v3") { db in
            // Codes no mapping rule knew, per file (JSON, written by FileOutcome): what a dry run lists.
            try db.execute(sql: "ALTER TABLE run_file ADD COLUMN unknown_codes TEXT")
        }
        m.registerMigration("v4") { db in
            try db.execute(sql: """
                -- Per source: keyed digests (SipHash under a key derived from the pseudonym key) of the
                -- rows its last export contributed, in file order, 8 bytes each, little-endian (KnownRows), and
                -- what they were read as. The next night's export skips those rows undecoded.
                CREATE TABLE known_rows (
                    source TEXT PRIMARY KEY,
                    context TEXT NOT NULL,
                    digests BLOB NOT NULL
                );
                """)
        }
        m.registerMigration("v5") { db in
            // Changed and new records of the nights since the last fold (RecentEvents): same
            // columns as `event`, and whether the identity was in `event` when the row came.
            try db.execute(sql: """
                CREATE TABLE event_recent (
                    identity BLOB PRIMARY KEY,
                    age_band INTEGER NOT NULL,
                    enterprise TEXT,
                    target_group INTEGER NOT NULL,
                    start_day INTEGER NOT NULL,
                    end_day INTEGER,
                    hours REAL,
                    recorded_at INTEGER NOT NULL,
                    source TEXT NOT NULL,
                    source_record_id TEXT NOT NULL,
                    in_event INTEGER NOT NULL
                ) WITHOUT ROWID;
                DROP VIEW event_view;
                \(eventView(from: "(" + RecentEvents.union(EventColumns.select) + ")"));
                """)
            try RecentEvents.setMainRows(try Int.fetchOne(db, sql: "SELECT count(*) FROM event") ?? 0, db)
        }
        m.registerMigration("v6") { db in
            // Why a run was not a success beyond its files' own messages (rejected rows above
            // a limit, an output not written, sources not attempted).
            try db.execute(sql: "ALTER TABLE run ADD COLUMN reason TEXT")
        }
        return m
    }

    /// Every stored record with each column readable, read from `table` (the events' columns).
    static func eventView(from table: String) -> String {
        """
        CREATE VIEW event_view AS
        SELECT lower(hex(substr(identity, 1, 16))) AS pseudonym,
               \(StoreCode.caseSQL("age_band", StoreCode.ageBands)) AS age_band,
               nullif(CAST(substr(identity, \(EventKey.agreementOffset + 1)) AS TEXT), '') AS agreement, enterprise,
               \(StoreCode.caseSQL("target_group", StoreCode.targetGroups)) AS target_group,
               \(StoreCode.stageCaseSQL) AS stage,
               date(start_day * 86400, 'unixepoch') AS start, date(end_day * 86400, 'unixepoch') AS "end",
               hours, datetime(recorded_at, 'unixepoch') || 'Z' AS recorded_at, source, source_record_id
        FROM \(table)
        """
    }
}
