/// What went wrong with the store. Messages name the store file.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    case cannotOpen(path: String, message: String)
    case keyMismatch(path: String, storeKeyID: String, keyID: String)
    case database(path: String, message: String)
    /// The work directory exports are downloaded into (for a server store) cannot be made, or is
    /// not trin's own: a configuration problem, not the store's.
    case workDirectory(store: String, message: String)

    static func wrap(_ error: any Error, path: String) -> StoreError {
        if let e = error as? StoreError { return e }
        return .database(path: path, message: "\(error)")
    }

    public var description: String {
        switch self {
        case .cannotOpen(let p, let m): "cannot open store \(p): \(m)"
        case .keyMismatch(let p, let s, let k):
            "store \(p) holds pseudonyms made with key \(s), but the key given is \(k): a new key starts a new pseudonym domain, so use a new store"
        case .database(let p, let m): "store \(p): \(m)"
        case .workDirectory(let p, let m): "cannot open store \(p): \(m)"
        }
    }
}
