import Testing
import TrinCore

@Suite struct HexTests {
    @Test("two lowercase digits a byte, leading zeros kept; a 64-bit value big-endian")
    func encodes() {
        #expect(Hex.encode([0x00, 0x0F, 0xAB, 0xFF]) == "000fabff")
        #expect(Hex.encode([UInt8]()) == "")
        #expect(Hex.encode(UInt64(0x0123_4567_89AB_CDEF)) == "0123456789abcdef")
        #expect(Hex.encode(UInt64(1)) == "0000000000000001")
    }
}
