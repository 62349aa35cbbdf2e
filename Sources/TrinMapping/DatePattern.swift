import TrinCore

/// A fixed-width date or timestamp pattern (`dd-MM-yyyy`, `dd-MM-yyyy HH:mm:ss`), or ISO 8601.
///
/// Parsing works on bytes, with no Foundation formatter: exact, strict (every
/// digit where the pattern says, a real date, a real time of day) and fast.
public enum DatePattern: Sendable, Equatable {
    case fixed(FixedLayout)
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
        guard tokens.contains(.year), tokens.contains(.month), tokens.contains(.day),
              // Seconds need minutes, and minutes hours: `HH:ss` would read 14:22 as 14:00:22.
              !tokens.contains(.second) || tokens.contains(.minute), !tokens.contains(.minute) || tokens.contains(.hour),
              let layout = FixedLayout(tokens) else { return nil }
        self = .fixed(layout)
    }

    /// A fixed-width pattern with where each part sits worked out once: every value read
    /// (two or three per row) checks the length, the separators and the digits at known
    /// offsets instead of walking the pattern.
    ///
    /// Held inline, in no array: reading a value switches over the pattern, which copies the
    /// layout, and a layout of arrays cost three retains and releases per value (5 % of a CSV
    /// import's decoding thread). Hence the limits: a pattern of at most `maximumLength`
    /// characters, `maximumSeparators` of them separators, a part repeated at most
    /// `maximumRepeats` times in all (a real one has a handful of each).
    public struct FixedLayout: Sendable, Equatable {
        static let maximumLength = 64, maximumSeparators = 16, maximumRepeats = 8

        // Counts and offsets in single bytes (all are below `maximumLength`): the whole layout
        // then takes 72 bytes (with SIMD alignment), which a copy moves inline instead of calling `memcpy`.
        private let counts: SIMD4<Int8>
        /// Offsets of year, month, day, hour, minute, second; -1 when the pattern has none.
        private let parts: SIMD8<Int8>
        /// The separators: byte `separatorBytes[k]` at offset `separatorOffsets[k]`, k < `separatorCount`.
        let separatorOffsets: SIMD16<UInt8>, separatorBytes: SIMD16<UInt8>
        /// Where a part repeats (`yyyy … yyyy`), its earlier places, which must hold digits
        /// below the part's limit too (0: none); the last place gives the value.
        let repeatOffsets: SIMD8<UInt8>, repeatWidths: SIMD8<UInt8>, repeatLimits: SIMD8<UInt8>

        var length: Int { Int(counts[0]) }
        var separatorCount: Int { Int(counts[1]) }
        var repeatCount: Int { Int(counts[2]) }
        var year: Int { Int(parts[0]) }
        var month: Int { Int(parts[1]) }
        var day: Int { Int(parts[2]) }
        var hour: Int { Int(parts[3]) }
        var minute: Int { Int(parts[4]) }
        var second: Int { Int(parts[5]) }

        /// Nil for a pattern over the limits.
        init?(_ tokens: [Token]) {
            var offset = 0
            var at: [String: Int] = [:]
            var separators: [(offset: Int, byte: UInt8)] = []
            var repeats: [(offset: Int, width: Int, limit: Int)] = []
            func place(_ unit: String, _ width: Int, limit: Int = 0) {
                if let earlier = at[unit] { repeats.append((earlier, width, limit)) }
                at[unit] = offset
                offset += width
            }
            for t in tokens {
                switch t {
                case .year: place("y", 4)
                case .month: place("M", 2)
                case .day: place("d", 2)
                case .hour: place("H", 2, limit: 24)
                case .minute: place("m", 2, limit: 60)
                case .second: place("s", 2, limit: 60)
                case .literal(let b): separators.append((offset, b)); offset += 1
                }
            }
            guard offset <= Self.maximumLength, separators.count <= Self.maximumSeparators, repeats.count <= Self.maximumRepeats
            else { return nil }
            var parts = SIMD8<Int8>(repeating: -1)
            for (k, unit) in ["y", "M", "d", "H", "m", "s"].enumerated() { parts[k] = Int8(at[unit] ?? -1) }
            self.parts = parts
            counts = SIMD4(Int8(offset), Int8(separators.count), Int8(repeats.count), 0)
            var offsets = SIMD16<UInt8>(), bytes = SIMD16<UInt8>()
            for (k, separator) in separators.enumerated() { (offsets[k], bytes[k]) = (UInt8(separator.offset), separator.byte) }
            (separatorOffsets, separatorBytes) = (offsets, bytes)
            var places = SIMD8<UInt8>(), widths = SIMD8<UInt8>(), limits = SIMD8<UInt8>()
            for (k, r) in repeats.enumerated() { (places[k], widths[k], limits[k]) = (UInt8(r.offset), UInt8(r.width), UInt8(r.limit)) }
            (repeatOffsets, repeatWidths, repeatLimits) = (places, widths, limits)
        }
    }

    /// Whether the pattern carries a time of day.
    public var hasTime: Bool {
        switch self {
        case .iso8601: true
        case .fixed(let layout): layout.hour >= 0
        }
    }

    /// Wall-clock fields read from text, and an offset when the text gives one.
    struct Parsed {
        var day: Day
        var year: Int
        var hour = 0, minute = 0, second = 0
        var hasTime = false
        var offsetSeconds: Int?
    }

    typealias Bytes = UnsafeBufferPointer<UInt8>

    func parse(_ s: Bytes) -> Parsed? {
        switch self {
        case .fixed(let layout): Self.parseFixed(layout, s)
        case .iso8601: Self.parseISO(s)
        }
    }

    /// The calendar date: a local date as written, or the Danish date of a moment with an offset.
    func day(_ s: Bytes) -> Day? {
        guard let p = parse(s) else { return nil }
        guard let offset = p.offsetSeconds else { return p.day }
        return DanishTime.day(at: Instant(day: p.day, hour: p.hour, minute: p.minute, second: p.second, offsetSeconds: offset))
    }

    /// The instant: with the text's offset, else as Danish local time.
    func instant(_ s: Bytes) -> Instant? {
        guard let p = parse(s), p.hasTime else { return nil }
        if let offset = p.offsetSeconds {
            return Instant(day: p.day, hour: p.hour, minute: p.minute, second: p.second, offsetSeconds: offset)
        }
        return DanishTime.instant(day: p.day, year: p.year, hour: p.hour, minute: p.minute, second: p.second)
    }

    /// `width` ASCII digits at `i`, or nil.
    @inline(__always)
    private static func number(_ s: Bytes, _ i: Int, _ width: Int) -> Int? {
        guard i + width <= s.count else { return nil }
        var v = 0
        for k in i..<(i + width) {
            let b = s[k]
            guard b >= 48, b <= 57 else { return nil }
            v = v * 10 + Int(b - 48)
        }
        return v
    }

    private static func parseFixed(_ layout: FixedLayout, _ s: Bytes) -> Parsed? {
        guard s.count == layout.length else { return nil }
        // The separators' offsets and bytes walked as two 64-bit words each, shifted a byte at
        // a time: a SIMD lane picked by a variable index goes through memory.
        var (offsetsLow, offsetsHigh) = unsafeBitCast(layout.separatorOffsets, to: (UInt64, UInt64).self)
        var (bytesLow, bytesHigh) = unsafeBitCast(layout.separatorBytes, to: (UInt64, UInt64).self)
        for _ in 0..<layout.separatorCount {
            guard s[Int(offsetsLow & 0xFF)] == UInt8(truncatingIfNeeded: bytesLow) else { return nil }
            (offsetsLow, offsetsHigh) = ((offsetsLow >> 8) | (offsetsHigh << 56), offsetsHigh >> 8)
            (bytesLow, bytesHigh) = ((bytesLow >> 8) | (bytesHigh << 56), bytesHigh >> 8)
        }
        for k in 0..<layout.repeatCount {
            let limit = layout.repeatLimits[k] == 0 ? Int.max : Int(layout.repeatLimits[k])
            if (number(s, Int(layout.repeatOffsets[k]), Int(layout.repeatWidths[k])) ?? .max) >= limit { return nil }
        }
        // A part the pattern lacks reads as 0 (a date without a time of day).
        @inline(__always) func part(_ offset: Int, _ width: Int) -> Int? { offset < 0 ? 0 : number(s, offset, width) }
        guard let y = part(layout.year, 4), let mo = part(layout.month, 2), let d = part(layout.day, 2),
              let h = part(layout.hour, 2), h < 24, let mi = part(layout.minute, 2), mi < 60,
              let se = part(layout.second, 2), se < 60, let day = Day(year: y, month: mo, day: d) else { return nil }
        return Parsed(day: day, year: y, hour: h, minute: mi, second: se, hasTime: layout.hour >= 0)
    }

    /// `yyyy-MM-dd`, optionally `THH:mm:ss`, optional fraction, optional `Z` or `±hh:mm`.
    private static func parseISO(_ s: Bytes) -> Parsed? {
        guard let y = number(s, 0, 4), s.count >= 10, s[4] == 45, let mo = number(s, 5, 2), s[7] == 45,
              let d = number(s, 8, 2), let day = Day(year: y, month: mo, day: d) else { return nil }
        var p = Parsed(day: day, year: y)
        if s.count == 10 { return p }
        guard s[10] == UInt8(ascii: "T") || s[10] == UInt8(ascii: " "),
              let h = number(s, 11, 2), h < 24, s.count > 13, s[13] == 58, let mi = number(s, 14, 2), mi < 60,
              s.count > 16, s[16] == 58, let se = number(s, 17, 2), se < 60 else { return nil }
        p.hour = h; p.minute = mi; p.second = se; p.hasTime = true
        var i = 19
        if i < s.count, s[i] == UInt8(ascii: ".") {  // fractional seconds: ignored
            i += 1
            let digitsStart = i
            while i < s.count, s[i] >= 48, s[i] <= 57 { i += 1 }
            guard i > digitsStart else { return nil }
        }
        if i == s.count { return p }
        switch s[i] {
        case UInt8(ascii: "Z"):
            guard i + 1 == s.count else { return nil }
            p.offsetSeconds = 0
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = s[i] == UInt8(ascii: "+") ? 1 : -1
            guard s.count == i + 6, s[i + 3] == 58, let hh = number(s, i + 1, 2), let mm = number(s, i + 4, 2),
                  hh < 14 || (hh == 14 && mm == 0), mm < 60 else { return nil }  // ±14:00 at most, as ISO 8601 offsets go
            p.offsetSeconds = sign * (hh * 3600 + mm * 60)
        default:
            return nil
        }
        return p
    }
}
