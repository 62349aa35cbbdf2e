import Testing
import TrinPseudonym

@Suite struct RowDigesterTests {
    /// The reference vectors of SipHash-2-4 (key 00 01 … 0f, message 00 01 … of each length).
    @Test func matchesTheReferenceVectors() {
        let sip = RowDigester(k0: 0x0706_0504_0302_0100, k1: 0x0f0e_0d0c_0b0a_0908)
        let message = (0..<64).map { UInt8($0) }
        #expect(sip.digest(Array(message.prefix(0))) == 0x726f_db47_dd0e_0e31)
        #expect(sip.digest(Array(message.prefix(1))) == 0x74f8_39c5_93dc_67fd)
        #expect(sip.digest(Array(message.prefix(8))) == 0x93f5_f579_9a93_2462)
        #expect(sip.digest(Array(message.prefix(15))) == 0xa129_ca61_49be_45e5)
    }

    /// The digest depends on the pseudonym key: a store bound to another key, or anyone
    /// without the key, cannot tell which rows (which CPR numbers) it has seen.
    @Test func dependsOnTheKey() throws {
        let a = RowDigester(key: try PseudonymKey(bytes: Array(repeating: 1, count: 32)))
        let b = RowDigester(key: try PseudonymKey(bytes: Array(repeating: 2, count: 32)))
        let row = Array("010190-1234;F-1;SA-7;;;Ressourceforløb;Kursus;03-01-2023;;;03-01-2023 14:22:05".utf8)
        #expect(a.digest(row) == a.digest(row))
        #expect(a.digest(row) != b.digest(row))
        #expect(a.digest(row) != a.digest(Array(row.dropLast())))
    }
}
