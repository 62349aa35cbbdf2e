import Foundation
import Testing
import TrinCore
@testable import TrinMapping

/// Fixed-width patterns read each part at an offset worked out once; checked against the
/// plain reading (the pattern walked token by token) on valid and broken values.
@Suite struct DatePatternTests {
    /// The plain reading: every token in turn, digits where it says, a real date and time.
    static func reference(_ pattern: String, _ text: [UInt8]) -> (Day, Int, Int, Int)? {
        var i = 0, y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0
        var rest = Substring(pattern)
        func digits(_ width: Int, below limit: Int = .max) -> Int? {
            guard i + width <= text.count else { return nil }
            var v = 0
            for k in i..<(i + width) {
                guard text[k] >= 48, text[k] <= 57 else { return nil }
                v = v * 10 + Int(text[k] - 48)
            }
            i += width
            return v < limit ? v : nil
        }
        while !rest.isEmpty {
            if rest.hasPrefix("yyyy") { guard let v = digits(4) else { return nil }; y = v; rest = rest.dropFirst(4) }
            else if rest.hasPrefix("MM") { guard let v = digits(2) else { return nil }; mo = v; rest = rest.dropFirst(2) }
            else if rest.hasPrefix("dd") { guard let v = digits(2) else { return nil }; d = v; rest = rest.dropFirst(2) }
            else if rest.hasPrefix("HH") { guard let v = digits(2, below: 24) else { return nil }; h = v; rest = rest.dropFirst(2) }
            else if rest.hasPrefix("mm") { guard let v = digits(2, below: 60) else { return nil }; mi = v; rest = rest.dropFirst(2) }
            else if rest.hasPrefix("ss") { guard let v = digits(2, below: 60) else { return nil }; se = v; rest = rest.dropFirst(2) }
            else {
                guard i < text.count, text[i] == rest.first!.asciiValue! else { return nil }
                i += 1
                rest = rest.dropFirst()
            }
        }
        guard i == text.count, let day = Day(year: y, month: mo, day: d) else { return nil }
        return (day, h, mi, se)
    }

    // The last two have more separators than one 64-bit word holds (10 and 16).
    @Test(arguments: ["dd-MM-yyyy", "dd-MM-yyyy HH:mm:ss", "yyyyMMdd", "dd.MM.yyyy HH:mm", "yyyy-MM-dd yyyy",
                      "dd/.-MM/.-yyyy/.-HH:mm", "-.-.-.-yyyy-.-.-MM-.-.dd"])
    func fixedPatternsReadAsThePlainWalk(pattern: String) throws {
        let compiled = try #require(DatePattern(pattern))
        var state: UInt64 = 0xDEAD_BEEF_1234_5678
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % n
        }
        var valid = 0
        for _ in 0..<20_000 {
            // A value written by the pattern from random parts (some out of range), then
            // sometimes broken: a byte changed, one dropped or one added.
            var text = Array(pattern.replacingOccurrences(of: "yyyy", with: String(format: "%04d", 1990 + next(40)))
                .replacingOccurrences(of: "MM", with: String(format: "%02d", next(14)))
                .replacingOccurrences(of: "dd", with: String(format: "%02d", next(33)))
                .replacingOccurrences(of: "HH", with: String(format: "%02d", next(26)))
                .replacingOccurrences(of: "mm", with: String(format: "%02d", next(62)))
                .replacingOccurrences(of: "ss", with: String(format: "%02d", next(62))).utf8)
            switch next(6) {
            case 0: text[next(text.count)] = UInt8(32 + next(90))
            case 1: text.remove(at: next(text.count))
            case 2: text.insert(UInt8(48 + next(10)), at: next(text.count + 1))
            default: break
            }
            let expected = Self.reference(pattern, text)
            let parsed = text.withUnsafeBufferPointer { compiled.parse($0) }
            #expect(parsed?.day == expected?.0, "\(pattern): \(String(decoding: text, as: UTF8.self))")
            if let parsed, let expected {
                #expect(parsed.hour == expected.1 && parsed.minute == expected.2 && parsed.second == expected.3)
                valid += 1
            }
        }
        #expect(valid > 2000)
    }

    /// A layout is held inline, within limits no real pattern comes near; one over them is
    /// refused as a mapping error, not read wrongly.
    @Test func secondsNeedMinutesAndMinutesHours() {
        #expect(DatePattern("dd-MM-yyyy HH:ss") == nil)
        #expect(DatePattern("dd-MM-yyyy mm") == nil)
        #expect(DatePattern("dd-MM-yyyy HH:mm") != nil && DatePattern("dd-MM-yyyy HH") != nil)
    }

    @Test func iso8601OffsetsGoUpToFourteenHours() {
        let iso = DatePattern.iso8601
        func instant(_ text: String) -> Instant? { Array(text.utf8).withUnsafeBufferPointer { iso.instant($0) } }
        #expect(instant("2023-01-01T00:00:00+14:00") == Instant(secondsSinceEpoch: 1_672_531_200 - 14 * 3600))
        #expect(instant("2023-01-01T00:00:00-14:00") == Instant(secondsSinceEpoch: 1_672_531_200 + 14 * 3600))
        for beyond in ["+14:30", "-14:01", "+15:00", "+13:60"] { #expect(instant("2023-01-01T00:00:00" + beyond) == nil, "\(beyond)") }
    }

    @Test func patternsOverTheLimitsAreRefused() {
        #expect(DatePattern(String(repeating: "-", count: 16) + "yyyyMMdd") != nil)
        #expect(DatePattern(String(repeating: "-", count: 17) + "yyyyMMdd") == nil)
        #expect(DatePattern("yyyyMMdd" + String(repeating: "yyyy", count: 8)) != nil)
        #expect(DatePattern("yyyyMMdd" + String(repeating: "yyyy", count: 9)) == nil)
        #expect(DatePattern("yyyyMMdd" + String(repeating: "HH", count: 28)) == nil)
    }
}
