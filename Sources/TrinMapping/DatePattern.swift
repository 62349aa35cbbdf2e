import TrinCore

/// A fixed-width date or timestamp pattern (`dd-MM-yyyy`, `dd-MM-yyyy HH:mm:ss`), or ISO 8601.
///
/// Parsing works on bytes, with no Foundation formatter: exact, strict (every
/// digit where the pattern says, a real date, a real time of day) and fast.
public enum DatePattern: Sendable, Equatable {
    case fixed([Token])
    /// `yyyy-MM-dd`, or `yyyy-MM-ddTHH:mm:ss[.fff][Z|±hh:mm]`.
    case iso8601

    public enum Token: Sendable, Equatable {
        case year, month, day, hour, minute, second
        case literal(UInt8)
    }

    /// Compiles a pattern; nil for an unknown letter.
    public init?(_ text: String) {
        if text == "iso8601" { self = .iso8601; return }
        var tokens: [Token] = []
        var rest = Substring(text)
        let units: [(String, Token)] = [("yyyy", .year), ("MM", .month), ("dd", .day), ("HH", .hour), ("mm", .minute), ("ss", .second)]
        outer: while let c = rest.first {
            for (u, t) in units where rest.hasPrefix(u) {
                tokens.append(t)
                rest = rest.dropFirst(u.count)
                continue outer
            }
            guard c.isASCII, !c.isLetter, let b = c.asciiValue else { return nil }
            tokens.append(.literal(b))
            rest = rest.dropFirst()
        }
        guard tokens.contains(.year), tokens.contains(.month), tokens.contains(.day) else { return nil }
        self = .fixed(tokens)
    }

    /// Whether the pattern carries a time of day.
    public var hasTime: Bool {
        switch self {
        case .iso8601: true
        case .fixed(let t): t.contains(.hour)
        }
    }

    /// Wall-clock fields read from text, and an offset when the text gives one.
    struct Parsed {
        var day: Day
        var hour = 0, minute = 0, second = 0
        var hasTime = false
        var offsetSeconds: Int?
    }

    func parse(_ s: ArraySlice<UInt8>) -> Parsed? {
        switch self {
        case .fixed(let tokens): Self.parseFixed(tokens, s)
        case .iso8601: Self.parseISO(s)
        }
    }

    /// The calendar date: a local date as written, or the Danish date of a moment with an offset.
    func day(_ s: ArraySlice<UInt8>) -> Day? {
        guard let p = parse(s) else { return nil }
        guard let offset = p.offsetSeconds else { return p.day }
        return DanishTime.day(at: Instant(day: p.day, hour: p.hour, minute: p.minute, second: p.second, offsetSeconds: offset))
    }

    /// The instant: with the text's offset, else as Danish local time.
    func instant(_ s: ArraySlice<UInt8>) -> Instant? {
        guard let p = parse(s), p.hasTime || self == .iso8601 else { return nil }
        if let offset = p.offsetSeconds {
            return Instant(day: p.day, hour: p.hour, minute: p.minute, second: p.second, offsetSeconds: offset)
        }
        return DanishTime.instant(day: p.day, hour: p.hour, minute: p.minute, second: p.second)
    }

    private static func parseFixed(_ tokens: [Token], _ s: ArraySlice<UInt8>) -> Parsed? {
        var i = s.startIndex
        var y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0
        func number(_ width: Int) -> Int? {
            guard i + width <= s.endIndex else { return nil }
            var v = 0
            for k in i..<(i + width) {
                let b = s[k]
                guard b >= 48, b <= 57 else { return nil }
                v = v * 10 + Int(b - 48)
            }
            i += width
            return v
        }
        for t in tokens {
            switch t {
            case .year: guard let v = number(4) else { return nil }; y = v
            case .month: guard let v = number(2) else { return nil }; mo = v
            case .day: guard let v = number(2) else { return nil }; d = v
            case .hour: guard let v = number(2), v < 24 else { return nil }; h = v
            case .minute: guard let v = number(2), v < 60 else { return nil }; mi = v
            case .second: guard let v = number(2), v < 60 else { return nil }; se = v
            case .literal(let b): guard i < s.endIndex, s[i] == b else { return nil }; i += 1
            }
        }
        guard i == s.endIndex, let day = Day(year: y, month: mo, day: d) else { return nil }
        return Parsed(day: day, hour: h, minute: mi, second: se, hasTime: tokens.contains(.hour))
    }

    private static func parseISO(_ s: ArraySlice<UInt8>) -> Parsed? {
        guard let date = parseFixed([.year, .literal(45), .month, .literal(45), .day], s.prefix(10)) else { return nil }
        var p = date
        var i = s.startIndex + 10
        if i == s.endIndex { return p }
        guard s[i] == UInt8(ascii: "T") || s[i] == UInt8(ascii: " ") else { return nil }
        i += 1
        guard let time = parseFixed([.year, .literal(45), .month, .literal(45), .day, .literal(32), .hour, .literal(58), .minute, .literal(58), .second],
                                    ArraySlice(Array(s[s.startIndex..<(s.startIndex + 10)]) + [32] + Array(s[i..<min(i + 8, s.endIndex)])))
        else { return nil }
        p.hour = time.hour; p.minute = time.minute; p.second = time.second; p.hasTime = true
        i += 8
        if i < s.endIndex, s[i] == UInt8(ascii: ".") {  // fractional seconds: ignored
            i += 1
            let digitsStart = i
            while i < s.endIndex, s[i] >= 48, s[i] <= 57 { i += 1 }
            guard i > digitsStart else { return nil }
        }
        if i == s.endIndex { return p }
        switch s[i] {
        case UInt8(ascii: "Z"):
            guard i + 1 == s.endIndex else { return nil }
            p.offsetSeconds = 0
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = s[i] == UInt8(ascii: "+") ? 1 : -1
            let rest = Array(s[(i + 1)...])
            guard rest.count == 5, rest[2] == UInt8(ascii: ":"), let hh = Day.digits(rest, 0, 2), let mm = Day.digits(rest, 3, 2),
                  hh <= 14, mm < 60 else { return nil }
            p.offsetSeconds = sign * (hh * 3600 + mm * 60)
        default:
            return nil
        }
        return p
    }
}
