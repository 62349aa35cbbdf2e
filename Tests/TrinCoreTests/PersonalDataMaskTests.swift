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
        let pieces: [[UInt8]] = [[0x2D], [0x20], [0x09], [0xC2, 0xA0], [0x41], [0x2F], [0x2D, 0x2D], [0xE2, 0x80, 0x83]]
        let planted = ["0101901234", "010190-1234", "010190 1234", "0101 90 1234", "01-01-90-1234", "311299-9999"]
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

    @Test func onlyAHyphenWhiteSpaceOrANonASCIIByteJoinsDigitGroups() {
        // 010190 and 1234 joined by each byte: the pre-check passes them on as one number
        // exactly when the byte may join groups.
        for byte in 0...255 {
            let text = Array("010190".utf8) + [UInt8(byte)] + Array("1234".utf8)
            let joiner = byte == 0x2D || (0x09...0x0D).contains(byte) || (0x1C...0x20).contains(byte) || byte >= 0x80
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
}
