import Testing
@testable import TrinCore

@Suite struct CPRNumberTests {
    /// Valid numbers and the birth date each encodes.
    static let valid: [(String, String)] = [
        ("010190-1234", "1990-01-01"),            // hyphen
        ("0101901234", "1990-01-01"),             // no hyphen
        (" 010190 1234 ", "1990-01-01"),          // spaces anywhere
        ("01 01 90 12 34", "1990-01-01"),
        ("010190\u{00A0}1234", "1990-01-01"),      // no-break space (Windows-1252 0xA0)
        ("\t010190-1234\u{2009}", "1990-01-01"),   // tab, thin space
        ("0101900000", "1990-01-01"),             // check digit 0
        ("0101901235", "1990-01-01"),             // fails modulus 11: still valid
        ("6101901234", "1990-01-01"),             // replacement number: day + 60
        ("9103901234", "1990-03-31"),             // replacement, day 91 → 31
        ("2902001234", "1900-02-29"),             // seventh digit 1: 1900 is not leap … see invalid
        ("0101363999", "1936-01-01"),             // 0-3 → 19YY
        ("0101364999", "2036-01-01"),             // 4, YY ≤ 36 → 20YY
        ("0101374999", "1937-01-01"),             // 4, YY > 36 → 19YY
        ("0101369999", "2036-01-01"),             // 9, YY ≤ 36 → 20YY
        ("0101379999", "1937-01-01"),             // 9, YY > 36 → 19YY
        ("0101575000", "2057-01-01"),             // 5-8, YY ≤ 57 → 20YY
        ("0101585000", "1858-01-01"),             // 5-8, YY > 57 → 18YY
        ("0101588999", "1858-01-01"),
        ("2902044000", "2004-02-29"),             // leap day
    ]

    static let malformed: [String] = [
        "", "01019-01234", "010190--1234", "010190-123", "01019012345", "0101901234-",
        "010190_1234", "O101901234", "0101-901234", "٠١٠١٩٠١٢٣٤", "010190\u{200B}1234",  // zero-width space is not whitespace
    ]

    static let invalidDate: [String] = [
        "3202901234",   // day 32
        "0013901234",   // month 13
        "0000901234",   // day 0
        "3102901234",   // 31 February
        "2902011234",   // 29 Feb 1901
        "9202901234",   // replacement day 92 → 32
        "6002901234",   // replacement day 60 → 0
    ]

    @Test func acceptsValidNumbersWithTheirBirthDates() throws {
        for (text, birth) in Self.valid where text != "2902001234" {
            let cpr = try CPRNumber.parse(text).get()
            #expect(cpr.birthDate.description == birth, "\(text)")
            #expect(cpr.digits.count == 10)
        }
    }

    @Test func rejectsMalformedNumbers() {
        for text in Self.malformed {
            #expect(CPRNumber.parse(text) == .failure(.malformed), "\(text)")
        }
    }

    @Test func rejectsImpossibleDates() {
        for text in Self.invalidDate + ["2902001234"] {  // 1900 was not a leap year
            #expect(CPRNumber.parse(text) == .failure(.invalidDate), "\(text)")
        }
    }

    @Test func neverPrintsItsDigits() throws {
        let cpr = try CPRNumber.parse("0101901234").get()
        #expect(!"\(cpr)".contains("0101"))
        #expect(!String(reflecting: cpr).contains("0101"))
    }
}

extension Result where Success == CPRNumber, Failure == CPRNumber.Failure {
    static func == (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.failure(let a), .failure(let b)): a == b
        case (.success(let a), .success(let b)): a == b
        default: false
        }
    }
}
