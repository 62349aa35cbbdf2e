/// What went wrong with a PostgreSQL store. Messages name the server and database (never a
/// password) and the rule broken.
public enum PostgresStoreError: Error, Sendable, CustomStringConvertible {
    /// The store URL cannot be used.
    case badURL(String)
    /// The server could not be reached or refused the login.
    case cannotConnect(url: String, message: String)
    /// The store's schema is newer than this trin knows.
    case schemaTooNew(url: String, found: Int, known: Int)
    /// A statement failed.
    case database(url: String, message: String)

    public var description: String {
        switch self {
        case .badURL(let why): "the PostgreSQL store URL cannot be used: \(why)"
        case .cannotConnect(let url, let message): "cannot connect to the PostgreSQL store \(url): \(message)"
        case .schemaTooNew(let url, let found, let known):
            "the PostgreSQL store \(url) has schema version \(found), newer than this trin's \(known): update trin"
        case .database(let url, let message): "PostgreSQL store \(url): \(message)"
        }
    }
}
