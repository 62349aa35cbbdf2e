/// Masks anything in a text that could be a CPR number, before the text is kept.
///
/// A run of digits joined by separators — whitespace as the CPR parser knows it (tab and
/// the no-break space included), `-`, `.`, `/`, en and em dashes — that holds nine or more
/// digits has every digit replaced with `X`: CPR numbers in every spelling a person would
/// recognise (`010190-1234`, `01 01 90 1234`, `01.01.90-1234`, `010190\u{00A0}1234`), near
/// misses and longer numbers. A date written `dd-MM-yyyy` or `yyyy-MM-dd` inside a run is
/// left readable (so `03-01-2023 14:22:05` stays as it is), and runs of eight digits or
/// fewer are kept. It over-masks rather than under-masks: it is the last guard before
/// a text is stored, logged or shown.
///
/// Any Unicode spelling counts: a decimal digit of any script (full-width `０１`,
/// Arabic-Indic, …), any dash (U+2010 hyphen, the minus sign, …) and any white space
/// separate and form numbers as their ASCII counterparts do.
public enum PersonalDataMask {
    public static func mask(_ text: String) -> String {
        if text.utf8.contains(where: { $0 >= 0x80 }) { return maskUnicode(text) }
        var bytes = Array(text.utf8)
        guard mayHoldCandidate(bytes) else { return text }
        maskRuns(&bytes)
        maskValidCPRRanges(&bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Masks the digits of every valid CPR number `validCPRRanges` finds; returns whether
    /// there was one. In `mask` it follows the run rule, which keeps a date-shaped part
    /// readable (`15-03-08-1234` holds `03-08-1234`) and does not join digits across an
    /// underscore or an invisible character.
    @discardableResult
    private static func maskValidCPRRanges(_ bytes: inout [UInt8]) -> Bool {
        let ranges = bytes.withUnsafeBufferPointer { validCPRRanges($0) }
        for r in ranges { for k in r where isDigit(bytes[k]) { bytes[k] = UInt8(ascii: "X") } }
        return !ranges.isEmpty
    }

    /// A text with non-ASCII characters: each character is read as the ASCII one it
    /// stands for (a digit as its value, a dash as `-`, white space as a space), the runs
    /// are found as in ASCII, and the characters at the masked places become `X`.
    static func maskUnicode(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var standIns = scalars.map { c -> UInt8 in
            if c.isASCII { return UInt8(c.value) }
            if c.properties.numericType == .decimal, let v = c.properties.numericValue, (0...9).contains(v) {
                return UInt8(48 + Int(v))
            }
            if c.properties.generalCategory == .dashPunctuation || c == "\u{2212}" { return UInt8(ascii: "-") }
            if c.properties.isWhitespace { return UInt8(ascii: " ") }
            return UInt8(ascii: "_")
        }
        guard mayHoldCandidate(standIns) else { return text }
        maskRuns(&standIns)
        maskValidCPRRanges(&standIns)
        var out = String.UnicodeScalarView()
        for (c, b) in zip(scalars, standIns) { out.append(b == UInt8(ascii: "X") && c != "X" ? "X" : c) }
        return String(out)
    }

    /// Masks, in place, every digit of every run of nine or more (see the type's comment).
    private static func maskRuns(_ bytes: inout [UInt8]) {
        var i = 0
        while i < bytes.count {
            guard isDigit(bytes[i]) else { i += 1; continue }
            // Collect the run: digit positions, stopping at anything that is not a separator.
            var digitPositions: [Int] = []
            var j = i
            while j < bytes.count {
                if isDigit(bytes[j]) {
                    if let skip = datePrefix(bytes, at: j), digitPositions.isEmpty || !isDigit(bytes[j - 1]) {
                        // A whole date inside the run: keep it readable, it ends the run.
                        if digitPositions.count >= 9 { maskDigits(&bytes, digitPositions) }
                        digitPositions.removeAll()
                        j += skip
                        break
                    }
                    digitPositions.append(j)
                    j += 1
                } else if let width = separatorWidth(bytes, at: j), !digitPositions.isEmpty {
                    j += width
                } else {
                    break
                }
            }
            if digitPositions.count >= 9 { maskDigits(&bytes, digitPositions) }
            i = max(j, i + 1)
        }
    }

    /// Masks only valid CPR numbers (`searchValidCPRRanges`: ten digits with a real birth
    /// date, written as the CPR rules accept or split the ways a person splits one), leaving
    /// every other number as it is. For identifiers from a source (`F-2023-0004711` stays readable), which are
    /// stored and compared, so that masking never changes anything but a real CPR number.
    public static func maskValidCPRNumbers(_ text: String) -> String {
        var b = Array(text.utf8)
        guard maskValidCPRRanges(&b) else { return text }
        return String(decoding: b, as: UTF8.self)
    }

    /// Where the bytes hold valid CPR numbers (no allocation when there are none).
    public static func validCPRRanges(_ b: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        // Fast path: no run of whole digit groups holds ten digits.
        guard mayHoldValidCPR(b) else { return [] }
        return searchValidCPRRanges(b)
    }

    /// The search behind `validCPRRanges`, without its pre-check. Digit groups are joined by
    /// one to three joiners (`joinerWidth`); a window of whole groups with exactly ten digits
    /// is a CPR number when the CPR rules accept it as written (white space anywhere, one
    /// hyphen after the sixth digit), or when its groups are a six-digit date (split after its
    /// second or fourth digit, or not) and four more digits (`15.03.08-1234`, `150308–1234`,
    /// `15-03-08-1234`), and the digits hold a real birth date. A group of a year
    /// (`03-01-2023 14`) or of a longer serial (`2024-03-09-000123`) never makes one, so dates,
    /// timestamps and dated ids stay readable.
    static func searchValidCPRRanges(_ b: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var found: [Range<Int>] = []
        var i = b.startIndex
        while i < b.endIndex {
            guard isDigit(b[i]), i == b.startIndex || !isDigit(b[i - 1]) else { i += 1; continue }
            // The run's digit groups, joined by up to three joiners.
            var groups: [Range<Int>] = []
            var j = i
            while j < b.endIndex {
                let start = j
                while j < b.endIndex, isDigit(b[j]) { j += 1 }
                groups.append(start..<j)
                var k = j, joiners = 0
                while k < b.endIndex, joiners < 3, case let w = joinerWidth(b, at: k), w > 0 {
                    k += w
                    joiners += 1
                }
                guard joiners > 0, k < b.endIndex, isDigit(b[k]) else { break }
                j = k
            }
            for a in groups.indices {
                var digits = 0
                for z in a..<groups.count {
                    digits += groups[z].count
                    if digits > 10 { break }
                    guard digits == 10 else { continue }
                    let window = groups[a].lowerBound..<groups[z].upperBound
                    if case .success = CPRNumber.parse(b[window]) {
                        found.append(window)
                    } else if splitsLikeACPRNumber(groups[a...z]), hasBirthDate(b, groups[a...z]) {
                        found.append(window)
                    }
                }
            }
            i = max(j, i + 1)
        }
        return found
    }

    /// Whether groups of ten digits in all split like a CPR number: a birth date of six digits
    /// (whole, or split after its second or fourth digit), then a group of the four others.
    /// `03-09-000123` (a date's month and day before a six-digit serial) does not.
    private static func splitsLikeACPRNumber(_ groups: ArraySlice<Range<Int>>) -> Bool {
        guard groups.count > 1, groups.last!.count == 4 else { return false }
        var digits = 0
        for g in groups.dropLast() {
            digits += g.count
            guard digits == 2 || digits == 4 || digits == 6 else { return false }
        }
        return digits == 6
    }

    /// Whether the groups' ten digits hold a real birth date under the CPR rules.
    private static func hasBirthDate(_ b: UnsafeBufferPointer<UInt8>, _ groups: ArraySlice<Range<Int>>) -> Bool {
        var d = DigitBuffer()
        for g in groups { for k in g { d.append(b[k]) } }
        return CPRNumber.birthDate(digits: d) != nil
    }

    /// The UTF-8 width of a character that may join the digit groups of a CPR number as a
    /// person writes one, or 0: white space, `-`, `.`, `/`, `_`, any dash (U+2010–U+2015,
    /// the minus sign, small and full-width hyphen-minus), the soft hyphen, and invisible
    /// characters (zero-width space and joiners, word joiner, byte order mark).
    static func joinerWidth(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        switch b[i] {
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "_"): return 1
        case 0xC2 where i + 1 < b.endIndex && b[i + 1] == 0xAD: return 2
        case 0xE2 where i + 2 < b.endIndex:
            switch (b[i + 1], b[i + 2]) {
            case (0x80, 0x8B...0x8D), (0x80, 0x90...0x95), (0x81, 0xA0), (0x88, 0x92): return 3
            default: break
            }
        case 0xEF where i + 2 < b.endIndex:
            switch (b[i + 1], b[i + 2]) {
            case (0xB9, 0x98), (0xB9, 0xA3), (0xBC, 0x8D), (0xBB, 0xBF): return 3
            default: break
            }
        default: break
        }
        return CPRNumber.whitespaceWidth(b, at: i)
    }

    /// The masked form of a field known to hold a CPR number.
    public static let maskedCPR = "XXXXXX-XXXX"

    /// Cheap pre-check for `mask`: at least nine digits in the text at all.
    public static func mayHoldCandidate(_ bytes: some Sequence<UInt8>) -> Bool {
        var digits = 0
        for b in bytes where isDigit(b) {
            digits += 1
            if digits >= 9 { return true }
        }
        return false
    }

    /// Cheap pre-check for `validCPRRanges`: some run of whole digit groups holds exactly ten
    /// digits, the groups joined by what may split a CPR number there (a hyphen, a dot, a
    /// slash, an underscore, white space; any non-ASCII byte, which may belong to a Unicode
    /// dash or space; any number of them count as one joiner, so the check lets through more
    /// than the search, never less). Anything
    /// else ends a run. One scan, no allocation: ids like `F-2024-0000001` (4 + 7 digits) and
    /// `P-000001/afklaring/2023-03-09` are passed over without a search.
    static func mayHoldValidCPR(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 10 else { return false }
        // Bit s of `sums`: some run of whole groups ending with the last one holds s digits
        // (s ≤ 10; a longer run can only grow, so it is dropped).
        var sums: UInt32 = 0
        var group: UInt32 = 0
        for b in bytes {
            if b &- 48 < 10 {
                group += 1
                continue
            }
            if group > 0 {
                sums = group > 10 ? 0 : ((sums << group) | (1 << group)) & 0x7FF
                if sums & (1 << 10) != 0 { return true }
                group = 0
            }
            if b < 0x80 && b != UInt8(ascii: "_") && (b >= 64 || groupJoiners >> UInt64(b) & 1 == 0) { sums = 0 }
        }
        guard group > 0, group <= 10 else { return false }
        return ((sums << group) | (1 << group)) & (1 << 10) != 0
    }

    /// The ASCII bytes below 64 that may join digit groups in `mayHoldValidCPR`, as bits: a
    /// hyphen, a dot, a slash and white space (0x09–0x0D, 0x1C–0x20); `_` is checked apart.
    /// Every non-ASCII byte may join too.
    private static let groupJoiners: UInt64 = (1 << 0x2D) | (1 << 0x2E) | (1 << 0x2F) | (0x1F << 0x09) | (0x1F << 0x1C)

    private static func maskDigits(_ bytes: inout [UInt8], _ positions: [Int]) {
        for p in positions { bytes[p] = UInt8(ascii: "X") }
    }

    /// The length of a plausible `dd-MM-yyyy` or `yyyy-MM-dd` date starting at `i` (month
    /// 1–12, day 1–31, not followed by a digit), or nil.
    private static func datePrefix(_ b: [UInt8], at i: Int) -> Int? {
        func shape(_ pattern: String) -> Bool {
            let p = Array(pattern.utf8)
            guard i + p.count <= b.count else { return false }
            for (k, c) in p.enumerated() {
                let x = b[i + k]
                if c == UInt8(ascii: "9") { guard isDigit(x) else { return false } } else if x != c { return false }
            }
            return i + p.count == b.count || !isDigit(b[i + p.count])
        }
        func n(_ k: Int, _ w: Int) -> Int { (0..<w).reduce(0) { $0 * 10 + Int(b[i + k + $1] - 48) } }
        if shape("99-99-9999"), (1...31).contains(n(0, 2)), (1...12).contains(n(3, 2)) { return 10 }
        if shape("9999-99-99"), (1...12).contains(n(5, 2)), (1...31).contains(n(8, 2)) { return 10 }
        return nil
    }

    /// The UTF-8 width of a separator inside a number at `i`, or nil.
    private static func separatorWidth(_ b: [UInt8], at i: Int) -> Int? {
        switch b[i] {
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "/"): return 1
        case 0xE2 where i + 2 < b.count && b[i + 1] == 0x80 && (b[i + 2] == 0x93 || b[i + 2] == 0x94): return 3  // – —
        default:
            let w = CPRNumber.whitespaceWidth(b, at: i)
            return w > 0 ? w : nil
        }
    }

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
}
