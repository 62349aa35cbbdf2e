import GRDB

/// A counter of changes to what the figures are computed from (records and the enterprise
/// register), so that a run that changed nothing can keep the metric set it published
/// instead of computing the same figures again.
///
/// It goes up with every committed file that inserted or updated a record or an
/// enterprise, and with every purge that deleted records; it is kept in `meta`.
extension SQLiteStore {
    static let contentVersionKey = "content_version"
    static let lastPublicationKey = "last_publication"

    /// The current content version (0 for a store that never changed).
    public func contentVersion() throws(StoreError) -> Int {
        try read { db in try Self.contentVersion(db) }
    }

    static func contentVersion(_ db: Database) throws -> Int {
        try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [contentVersionKey]).flatMap { Int($0) } ?? 0
    }

    static func bumpContentVersion(_ db: Database) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                       arguments: [contentVersionKey, String(try contentVersion(db) + 1)])
    }

    /// What the last publication was made from (`inputs`, a text the metrics stage composes)
    /// and the name of the set it wrote.
    public func lastPublication() throws(StoreError) -> (inputs: String, set: String)? {
        try read { db in
            guard let text = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [Self.lastPublicationKey]),
                  let newline = text.firstIndex(of: "\n") else { return nil }
            return (String(text[..<newline]), String(text[text.index(after: newline)...]))
        }
    }

    public func recordPublication(inputs: String, set: String) throws(StoreError) {
        try write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                           arguments: [Self.lastPublicationKey, inputs + "\n" + set])
        }
    }
}
