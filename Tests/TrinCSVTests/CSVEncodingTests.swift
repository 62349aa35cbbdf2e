import Testing
import TrinCore
@testable import TrinCSV

@Suite("CSV encodings: Windows-1252, UTF-8 and the BOM")
struct CSVEncodingTests {
    let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Windows-1252 bytes of an ASCII text with `æ` `ø` `å` written as E6 F8 E5.
    func cp1252(_ text: String) -> [UInt8] {
        text.unicodeScalars.map { s -> UInt8 in
            switch s {
            case "æ": return 0xE6
            case "ø": return 0xF8
            case "å": return 0xE5
            default: precondition(s.isASCII); return UInt8(s.value)
            }
        }
    }

    @Test func windows1252DanishLettersBecomeUTF8() throws {
        let file = try TempCSV(cp1252("Målgruppe;By\r\nRessourceforløb;Næstved\r\næøå;x\r\n"))
        let reader = try CSVReader(path: file.path, dialect: .forloeb)
        #expect(reader.encoding == .windows1252)
        #expect(reader.header == ["Målgruppe", "By"])
        var row = try #require(try reader.next())
        #expect(row.problem == nil)
        #expect(row.string(0) == "Ressourceforløb")
        #expect(row.string(1) == "Næstved")
        row = try #require(try reader.next())
        #expect(Array(row.field(0)) == [0xE6, 0xF8, 0xE5])  // raw bytes stay in the file's encoding
        #expect(row.utf8(0) == Array("æøå".utf8))
        #expect(row.withUTF8(0) { $0.count } == 6)
    }

    @Test func windows1252HighControlRangeUsesTheCodePage() throws {
        // 0x80 is the euro sign, 0x96 an en dash and 0x9F Ÿ in Windows-1252 (not C1 controls).
        let file = try TempCSV([UInt8]("a\r\n".utf8) + [0x80, 0x20, 0x96, 0x20, 0x9F] + [0x0D, 0x0A])
        let (_, rows) = try readAll(file, .forloeb)
        #expect(rows[0].fields == ["€ – Ÿ"])
    }

    @Test func undefinedWindows1252ByteRejectsOnlyItsRow() throws {
        let bytes = cp1252("CPR;By\r\n010190-1234;Næstved\r\n020290-2345;Ka") + [0x81] + cp1252("lundborg\r\n030390-3456;Sorø\r\n")
        let (_, rows) = try readAll(try TempCSV(bytes), .forloeb)
        #expect(rows.count == 3)
        #expect(rows[0].problem == nil)
        #expect(rows[1].problem == .badEncoding(field: 1))
        #expect(rows[1].problem?.rejectReason == .badEncoding)
        #expect(rows[1].line == 3)
        #expect(rows[1].fields[1] == nil)  // no silent replacement character
        #expect(rows[1].fields[0] == "020290-2345")
        #expect(rows[1].raw == "020290-2345;Ka\\x81lundborg")
        #expect(rows[2].problem == nil)
        #expect(rows[2].fields == ["030390-3456", "Sorø"])
    }

    @Test func everyUndefinedWindows1252ByteIsInvalid() throws {
        for byte: UInt8 in [0x81, 0x8D, 0x8F, 0x90, 0x9D] {
            let (_, rows) = try readAll(try TempCSV(cp1252("a\r\nx") + [byte] + cp1252("\r\nok\r\n")), .forloeb)
            #expect(rows.map(\.problem) == [.badEncoding(field: 0), nil], "byte \(byte)")
        }
    }

    @Test func badEncodingComesBeforeFieldCount() throws {
        let (_, rows) = try readAll(try TempCSV(cp1252("a;b;c\r\nx") + [0x8D] + cp1252(";y\r\n")), .forloeb)
        #expect(rows[0].problem == .badEncoding(field: 0))
    }

    @Test func bomSwitchesWindows1252ToUTF8() throws {
        let file = try TempCSV(bom + Array("Målgruppe;Aktivitet\r\nRessourceforløb;Løntimer\r\n".utf8))
        let reader = try CSVReader(path: file.path, dialect: .forloeb)
        #expect(reader.hadBOM)
        #expect(reader.encoding == .utf8)
        #expect(reader.header == ["Målgruppe", "Aktivitet"])  // the BOM is not part of the first name
        let row = try #require(try reader.next())
        #expect(row.problem == nil)
        #expect(row.string(0) == "Ressourceforløb")
        #expect(row.string(1) == "Løntimer")
    }

    @Test func bomIsStrippedEvenWhenItDoesNotSwitch() throws {
        let dialect = CSVDialect(delimiter: UInt8(ascii: ";"), encoding: .windows1252, utf8WhenBOM: false)
        let file = try TempCSV(bom + Array("CPR;By\r\n".utf8))
        let reader = try CSVReader(path: file.path, dialect: dialect)
        #expect(reader.encoding == .windows1252)
        #expect(reader.header == ["CPR", "By"])
    }

    @Test func invalidUTF8InABOMFileIsBadEncoding() throws {
        // A Windows-1252 `ø` (0xF8) slipped into a file that the BOM made UTF-8.
        let bytes = bom + Array("CVR,Navn\n12345674,Genbrug\n".utf8) + Array("12345675,S".utf8) + [0xF8] + Array("ren\n".utf8)
            + Array("12345676,Sorø\n".utf8)
        let (_, rows) = try readAll(try TempCSV(bytes), .virksomheder)
        #expect(rows.map(\.problem) == [nil, .badEncoding(field: 1), nil])
        #expect(rows[1].line == 3)
        #expect(rows[1].raw == "12345675,S\\xF8ren")
        #expect(rows[2].fields == ["12345676", "Sorø"])
    }

    @Test func utf8ValidationIsStrict() throws {
        // Overlong `/`, a UTF-16 surrogate, a truncated sequence, a code point above U+10FFFF.
        let bad: [[UInt8]] = [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80]]
        for seq in bad {
            let (_, rows) = try readAll(try TempCSV(Array("a\n".utf8) + seq + Array("\nok\n".utf8)), .virksomheder)
            #expect(rows.map(\.problem) == [.badEncoding(field: 0), nil], "\(seq)")
        }
        let good = "€ 😀 ÆØÅ"
        let (_, rows) = try readAll(try TempCSV("a\n\(good)\n"), .virksomheder)
        #expect(rows[0].fields == [good])
    }

    @Test func headerWithInvalidByteRefusesTheFile() throws {
        let file = try TempCSV(Array("CPR,N".utf8) + [0xFF] + Array("vn\n1,2\n".utf8))
        #expect(throws: CSVError.badHeader(path: file.path, reason: "byte not valid in utf-8")) {
            _ = try CSVReader(path: file.path, dialect: .virksomheder)
        }
    }

    @Test func emptyOrMissingFileIsAFileError() throws {
        let empty = try TempCSV([])
        #expect(throws: CSVError.noHeader(path: empty.path)) { _ = try CSVReader(path: empty.path, dialect: .forloeb) }
        let onlyBOM = try TempCSV(bom + Array("\r\n".utf8))
        #expect(throws: CSVError.noHeader(path: onlyBOM.path)) { _ = try CSVReader(path: onlyBOM.path, dialect: .forloeb) }
        let missing = empty.path + ".missing"
        #expect(throws: CSVError.self) { _ = try CSVReader(path: missing, dialect: .forloeb) }
        do {
            _ = try CSVReader(path: missing, dialect: .forloeb)
        } catch {
            guard case .cannotOpen(let path, _) = error else { Issue.record("got \(error)"); return }
            #expect(path == missing)
        }
    }
}
