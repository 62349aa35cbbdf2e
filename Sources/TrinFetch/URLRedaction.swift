import TrinCore

/// URLs made safe for logs and errors.
public enum URLRedaction {
    /// Query parameters whose values are treated as secrets: these names, and any name that
    /// holds one of `secretWords` (`api-key`, `accessToken`, `X-Amz-Signature`, `auth_token`).
    static let secretParameters: Set<String> = [
        "token", "access_token", "api_key", "apikey", "key", "password", "passwd", "secret", "sig", "signature",
        "client_secret", "auth",
    ]
    static let secretWords = ["token", "key", "secret", "signature", "password", "passwd", "credential", "auth", "sig"]

    /// Whether a query parameter's value is treated as a secret (`name` lower-cased).
    static func isSecret(_ name: String) -> Bool {
        secretParameters.contains(name) || secretWords.contains { name.contains($0) }
    }

    /// `url` without userinfo (`https://user:pw@host/` → `https://host/`), with the
    /// values of secret-looking query parameters replaced by `REDACTED`, and any valid CPR
    /// number in it masked (an export named after a citizen must not name them in the log).
    public static func redact(_ url: String) -> String {
        var result = PersonalDataMask.maskValidCPRNumbers(url)
        if let schemeEnd = result.firstRange(of: "://") {
            let authorityStart = schemeEnd.upperBound
            let authorityEnd = result[authorityStart...].firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" })
                ?? result.endIndex
            if let at = result[authorityStart..<authorityEnd].lastIndex(of: "@") {
                result.removeSubrange(authorityStart...at)
            }
        }
        guard let queryStart = result.firstIndex(of: "?") else { return result }
        let fragmentStart = result[queryStart...].firstIndex(of: "#") ?? result.endIndex
        let pairs = result[result.index(after: queryStart)..<fragmentStart].split(separator: "&", omittingEmptySubsequences: false)
        let cleaned = pairs.map { pair -> String in
            guard let eq = pair.firstIndex(of: "=") else { return String(pair) }
            let name = pair[..<eq].lowercased()
            return isSecret(name) ? String(pair[...eq]) + "REDACTED" : String(pair)
        }
        return String(result[...queryStart]) + cleaned.joined(separator: "&") + String(result[fragmentStart...])
    }
}
