/// Where a PostgreSQL store is, as libpq's users write it:
/// `postgresql://user[:password]@host[:port]/database[?sslmode=…&passfile=…]`.
///
/// The password may come from the URL, from `PGPASSWORD`, or from a password file
/// (`passfile=`, else `PGPASSFILE`, else `~/.pgpass`; lines `host:port:database:user:password`,
/// `*` matching anything), in that order, as libpq takes it. `sslmode` is `disable`, `prefer` (the
/// default), `require` (encrypted, certificate not checked) or `verify-full` (encrypted,
/// certificate and host name checked against the system's trust store).
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    public enum TLSMode: String, Sendable {
        case disable, prefer, require
        case verifyFull = "verify-full"
    }

    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    public var tlsMode: TLSMode
    /// A password file in `.pgpass` format (`passfile=`).
    public var passwordFile: String?

    /// Parses `text`; the error names what is wrong, never the password.
    public init(_ text: String) throws(PostgresStoreError) {
        let scheme = ["postgresql://", "postgres://"].first { text.hasPrefix($0) }
        guard let scheme else { throw .badURL("a store URL starts with postgresql://") }
        var rest = Substring(text.dropFirst(scheme.count))
        var query = ""
        if let q = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: q)...])
            rest = rest[..<q]
        }
        guard let slash = rest.firstIndex(of: "/") else { throw .badURL("no database: postgresql://user@host/database") }
        database = Self.decode(rest[rest.index(after: slash)...])
        var authority = rest[..<slash]
        user = ""
        password = nil
        if let at = authority.lastIndex(of: "@") {
            let credentials = authority[..<at]
            authority = authority[authority.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                user = Self.decode(credentials[..<colon])
                password = Self.decode(credentials[credentials.index(after: colon)...])
            } else {
                user = Self.decode(credentials)
            }
        }
        guard !user.isEmpty else { throw .badURL("no user: postgresql://user@host/database") }
        port = 5432
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            guard let p = Int(authority[authority.index(after: colon)...]), (1...65535).contains(p) else { throw .badURL("the port must be a number from 1 to 65535") }
            port = p
            authority = authority[..<colon]
        }
        host = String(authority.trimmingCharacters(in: "[]"))
        guard !host.isEmpty, !database.isEmpty else { throw .badURL("no host or database: postgresql://user@host/database") }
        tlsMode = .prefer
        passwordFile = nil
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1)
            let name = String(parts[0]), value = parts.count > 1 ? Self.decode(parts[1]) : ""
            switch name {
            case "sslmode":
                guard let mode = TLSMode(rawValue: value) else { throw .badURL("sslmode must be disable, prefer, require or verify-full") }
                tlsMode = mode
            case "passfile": passwordFile = value
            // The name is not repeated: a password with an unescaped `?` would be split into it.
            default: throw .badURL("an unknown parameter (known: sslmode, passfile)")
            }
        }
    }

    /// The URL without its password, for messages and logs.
    public var description: String {
        "postgresql://\(user)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)?sslmode=\(tlsMode.rawValue)"
    }

    /// The password to send, taken as libpq takes it: the URL's, else `PGPASSWORD`, else the
    /// first matching line of one password file in `.pgpass` format — `passfile=`, else
    /// `PGPASSFILE`, else `~/.pgpass`; nil for none.
    public func resolvedPassword(environment: [String: String], home: String?, readFile: (String) -> String?) -> String? {
        // An empty password counts as none, as in libpq.
        if let password, !password.isEmpty { return password }
        if let password = environment["PGPASSWORD"], !password.isEmpty { return password }
        guard let file = passwordFile ?? environment["PGPASSFILE"] ?? home.map({ $0 + "/.pgpass" }), let text = readFile(file) else {
            return nil
        }
        return Self.pgpassMatch(text, host: host, port: port, database: database, user: user)
    }

    /// The password of the first `.pgpass` line matching, `*` matching anything; `\:` and
    /// `\\` escape inside fields.
    static func pgpassMatch(_ text: String, host: String, port: Int, database: String, user: String) -> String? {
        // Any line break: a file edited on Windows ends its lines in CR LF.
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            var fields: [String] = [], field = "", escaped = false
            for c in line {
                if escaped { field.append(c); escaped = false } else if c == "\\" { escaped = true } else if c == ":" && fields.count < 4 {
                    fields.append(field); field = ""
                } else { field.append(c) }
            }
            fields.append(field)
            guard fields.count == 5 else { continue }
            let wanted = [host, String(port), database, user]
            if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }

    private static func decode(_ s: Substring) -> String { s.removingPercentEncoding ?? String(s) }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        var s = self
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return s
    }
}

extension StringProtocol {
    /// `%XX` escapes decoded (UTF-8); nil when an escape is malformed.
    fileprivate var removingPercentEncoding: String? {
        var bytes: [UInt8] = []
        var i = utf8.startIndex
        while i != utf8.endIndex {
            let b = utf8[i]
            if b == UInt8(ascii: "%") {
                let h = utf8.index(after: i)
                guard h != utf8.endIndex, utf8.index(after: h) != utf8.endIndex,
                      let v = UInt8(String(decoding: [utf8[h], utf8[utf8.index(after: h)]], as: UTF8.self), radix: 16) else { return nil }
                bytes.append(v)
                i = utf8.index(h, offsetBy: 2)
            } else {
                bytes.append(b)
                i = utf8.index(after: i)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
