public import TrinCore

/// Expands date placeholders in a source URL, for exports published under a
/// dated name: `https://host/eksport/forloeb-{date:yyyy-MM-dd}.csv`.
///
/// A placeholder is `{date:PATTERN}` or, for another day, `{date-N:PATTERN}` /
/// `{date+N:PATTERN}` (N days). PATTERN is made of `yyyy`, `MM`, `dd` and the
/// separators `-`, `.`, `_`, `/`; e.g. `yyyy-MM-dd`, `yyyyMMdd`, `dd-MM-yyyy`.
/// The date is a Danish calendar date: use `expand(_:at:)` with the run's instant.
public enum URLDateTemplate {
    /// A template that cannot be expanded: unclosed brace, unknown placeholder or token.
    public struct TemplateError: Error, Sendable, Hashable, CustomStringConvertible {
        public let template: String
        public let reason: String
        public init(template: String, reason: String) {
            self.template = template
            self.reason = reason
        }
        /// Without the template itself: a source URL may hold credentials or a secret query
        /// value, and this text is printed and logged. The reason names the placeholder.
        public var description: String { "URL date template: \(reason)" }
    }

    /// The template with every placeholder replaced by `day` (shifted by its offset).
    public static func expand(_ template: String, day: Day) throws(TemplateError) -> String {
        func fail(_ reason: String) -> TemplateError { TemplateError(template: template, reason: reason) }
        var result = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { throw fail("unclosed \"{\"") }
            let body = rest[rest.index(after: open)..<close]
            guard let colon = body.firstIndex(of: ":") else { throw fail("placeholder {\(body)} has no pattern") }
            let name = body[..<colon]
            guard name.hasPrefix("date") else { throw fail("unknown placeholder {\(body)}; use {date:yyyy-MM-dd}") }
            var offset = 0
            let shift = name.dropFirst(4)
            if !shift.isEmpty {
                guard let sign = shift.first, sign == "+" || sign == "-",
                      let days = Int(shift.dropFirst()), shift.dropFirst().allSatisfy(\.isNumber) else {
                    throw fail("bad day offset in {\(body)}; use {date-1:…} or {date+1:…}")
                }
                offset = sign == "-" ? -days : days
            }
            result += try format(day.adding(days: offset), pattern: body[body.index(after: colon)...], fail)
            rest = rest[rest.index(after: close)...]
        }
        guard !rest.contains("}") else { throw fail("unmatched \"}\"") }
        return result + rest
    }

    /// The template expanded for the Danish calendar date at `instant`.
    public static func expand(_ template: String, at instant: Instant) throws(TemplateError) -> String {
        try expand(template, day: DanishTime.day(at: instant))
    }

    private static func format(_ day: Day, pattern: Substring, _ fail: (String) -> TemplateError)
        throws(TemplateError) -> String {
        let (year, month, dayOfMonth) = day.components
        var output = ""
        var rest = pattern
        guard !rest.isEmpty else { throw fail("empty date pattern") }
        while let first = rest.first {
            if rest.hasPrefix("yyyy") {
                output += pad(year, 4)
                rest = rest.dropFirst(4)
            } else if rest.hasPrefix("MM") {
                output += pad(month, 2)
                rest = rest.dropFirst(2)
            } else if rest.hasPrefix("dd") {
                output += pad(dayOfMonth, 2)
                rest = rest.dropFirst(2)
            } else if "-._/".contains(first) {
                output.append(first)
                rest = rest.dropFirst()
            } else {
                throw fail("unknown token at \"\(rest)\" in date pattern \"\(pattern)\" (use yyyy, MM, dd and - . _ /)")
            }
        }
        return output
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
