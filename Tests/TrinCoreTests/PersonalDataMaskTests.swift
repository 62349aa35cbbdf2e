import Testing
@testable import TrinCore

/// The free-text CPR search's pre-check may let through more than the search finds, never less.
@Suite struct PersonalDataMaskTests {
    @Test func preCheckNeverMissesWhatTheSearchFinds() {
        // Deterministic pseudo-random texts of digits and what joins or ends digit groups,
        // with valid CPR numbers planted in some, split the ways a source may split them.
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % n
        }
        let pieces: [[UInt8]] = [[0x2D], [0x20], [0x09], [0xC2, 0xA0], [0x41], [0x2F], [0x2D, 0x2D], [0xE2, 0x80, 0x83], [0x3A],
                                 [0x5F], [0x2E], [0xE2, 0x80, 0x93], [0xC2, 0xAD]]
        let planted = ["0101901234", "010190-1234", "010190 1234", "0101 90 1234", "01-01-90-1234", "311299-9999", "01.01.90-1234",
                       "010190–1234", "010190\u{AD}1234"]
        var found = 0, passedOver = 0
        for _ in 0..<30_000 {
            var text: [UInt8] = []
            for _ in 0..<(1 + next(8)) {
                if next(12) == 0 { text += Array(planted[next(planted.count)].utf8) }
                else { text += (0..<(1 + next(11))).map { _ in UInt8(48 + next(10)) } }
                text += pieces[next(pieces.count)]
            }
            let (search, preCheck) = text.withUnsafeBufferPointer {
                (PersonalDataMask.searchValidCPRRanges($0), PersonalDataMask.mayHoldValidCPR($0))
            }
            if !search.isEmpty { found += 1; #expect(preCheck, "\(String(decoding: text, as: UTF8.self))") }
            if !preCheck { passedOver += 1 }
        }
        #expect(found > 1000)
        #expect(passedOver > 1000)  // the pre-check does spare the search
    }

    @Test func onlyAHyphenDotSlashUnderscoreWhiteSpaceOrANonASCIIByteJoinsDigitGroups() {
        // 010190 and 1234 joined by each byte: the pre-check passes them on as one number
        // exactly when the byte may join groups.
        for byte in 0...255 {
            let text = Array("010190".utf8) + [UInt8(byte)] + Array("1234".utf8)
            let joiner = [0x2D, 0x2E, 0x2F, 0x5F].contains(byte) || (0x09...0x0D).contains(byte) || (0x1C...0x20).contains(byte) || byte >= 0x80
            #expect(text.withUnsafeBufferPointer(PersonalDataMask.mayHoldValidCPR) == joiner, "byte \(byte)")
        }
    }

    @Test func idsOfTheExportsArePassedOverWithoutASearch() {
        for id in ["F-2024-0000001", "SA-2022-047", "P-000001/afklaring/2023-03-09", "12345678"] {
            #expect(!Array(id.utf8).withUnsafeBufferPointer(PersonalDataMask.mayHoldValidCPR), "\(id)")
        }
        for id in ["F-0101901234", "id 010190-1234", "010190 1234"] {
            #expect(Array(id.utf8).withUnsafeBufferPointer(PersonalDataMask.mayHoldValidCPR), "\(id)")
        }
    }

    @Test("a CPR number is masked in the spellings people write, in an id and in any kept text; timestamps and other numbers stay")
    func cprNumbersInThePeoplesSpellings() {
        // 15 March 1908 (seventh digit 1: 1908), 1 January 1990.
        let spellings = ["150308-1234", "1503081234", "150308 1234", "15.03.08-1234", "15.03.08.1234", "150308\u{2013}1234",
                         "150308\u{2014}1234", "150308\u{2212}1234", "150308/1234", "150308 - 1234", "15-03-08-1234", "15 03 08 1234",
                         "150308_1234", "150308\u{AD}1234", "150308\u{200B}1234", "150308\u{FEFF}1234", "01/01/90-1234"]
        for spelling in spellings {
            let id = "F-" + spelling + "/x"
            let masked = PersonalDataMask.maskValidCPRNumbers(id)
            #expect(!masked.contains { $0.isNumber }, "id \(id) → \(masked)")
            let row = "Aktivitet ukendt;" + spelling + ";03-01-2023 14:22:05"
            let kept = PersonalDataMask.mask(row)
            #expect(kept.hasSuffix(";03-01-2023 14:22:05"), "\(row) → \(kept)")
            #expect(!kept.dropLast(20).contains { $0.isNumber }, "\(row) → \(kept)")
        }
        // Not CPR numbers: no real birth date, a year's group, too many digits, ids of the exports.
        for text in ["3202901234", "F-2023-0004711", "P-000001/afklaring/2023-03-09", "03-01-2023 14", "2023-03-09 10:00",
                     "15030812345", "SA-2022-047", "1503081-234",
                     "2024-03-09-000123", "P-2023-03-09/000001", "2024-03-09 143005", "2024/03/09/143005", "SAG-1203-456789"] {
            #expect(PersonalDataMask.maskValidCPRNumbers(text) == text, "\(text)")
        }
    }
}
