import Foundation
import Testing
import TrinTestSupport

/// CPR numbers where they do not belong — in free text, in a cut-off row, in an id, in a
/// namespace libxml2 complains about — never reach the store, the log or the output.
@Suite(.serialized) struct AdversarialPrivacyTests {
    @Test func misplacedCPRNumbersAreMaskedEverywhere() throws {
        let dir = TrinBinary.temporaryDirectory("trin-adversarial")
        let key = dir + "/key", store = dir + "/trin.sqlite", log = dir + "/import.log"
        try #require(try TrinBinary.run(["keygen", key]).status == 0)
        // The birth-date part 010190 appears nowhere in these files except in CPR numbers.
        let header = "CPR-nr.;Forløbs-ID;Aftale-ID;CVR-nr.;Virksomhed;Målgruppe;Aktivitet;Startdato;Slutdato;Timer pr. uge;Registreret\r\n"
        let rows = [
            "010190-1234;F-1;SA-1;12345674;Kontakt 010190\u{A0}1234;Kontanthjælp;Løntimer;03-01-2023;;;03-01-2023 14:22:05",  // NBSP
            "010190-1234;F-2;SA-1;12345674;Kontakt 010190\t1234;Kontanthjælp;Yoga;03-01-2023;;;03-01-2023 14:22:05",        // tab, rejected
            "010190-1234;F-3;SA-1;12345674;Kontakt 01.01.90-1234;Kontanthjælp;Yoga;03-01-2023;;;03-01-2023 14:22:05",        // dots
            "F-4;010190 1234;SA-1;12345674;x;Kontanthjælp;Løntimer;03-01-2023;;03-01-2023 14:22:05",                          // shifted, one field short
            "0101901234;F-5 0101901234;SA-1;12345674;x;Kontanthjælp;Løntimer;04-01-2023;;;03-01-2023 14:22:05",              // CPR in the id
            "010190\u{A0}1234;F-6;SA-1;12345674;\"Café, cut off",                                                             // unclosed quote at the end
        ]
        var bytes = [UInt8]()
        for scalar in (header + rows.joined(separator: "\r\n")).unicodeScalars {
            bytes.append(scalar.value < 256 ? UInt8(scalar.value) : UInt8(ascii: "?"))  // Windows-1252
        }
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/forloeb.csv"))
        try """
            <?xml version="1.0" encoding="UTF-8"?>
            <Forloebsudtraek xmlns="urn:example:socialoekonomi:forloeb:1" xmlns:p="010190\u{A0}1234">
              <Forloeb id="0101901234"><Borger><CPR>0101901234</CPR></Borger>
            """.write(toFile: dir + "/bad.xml", atomically: true, encoding: .utf8)
        try """
            <?xml version="1.0" encoding="UTF-8"?>
            <Forloebsudtraek xmlns="urn:example:socialoekonomi:forloeb:1">
              <Forloeb id="0101901234"><Borger><CPR>0101901234</CPR></Borger><Aftale id="SA-1"/>
                <Maalgruppe>Kontakt 010190-1234</Maalgruppe>
                <Haendelser><Haendelse type="job" start="2023-01-03" registreret="2023-01-03T10:00:00Z"/></Haendelser>
              </Forloeb>
            </Forloebsudtraek>
            """.write(toFile: dir + "/odd.xml", atomically: true, encoding: .utf8)
        let mappings = TrinBinary.repositoryRoot + "/mappings"
        var outputs: [String] = []
        for (file, mapping) in [("forloeb.csv", "forloeb"), ("bad.xml", "haendelser"), ("odd.xml", "haendelser")] {
            let r = try TrinBinary.run(["import", "--store", store, "--key", key, "--log", log, "--mapping",
                                        "\(mappings)/\(mapping).yaml", dir + "/" + file])
            outputs.append(r.output)
        }
        for id in 1...3 { outputs.append(try TrinBinary.run(["runs", "show", "\(id)", "--store", store]).output) }
        #expect(outputs[3].contains("XXXXXX-XXXX"))   // the rejected rows are shown, masked
        // The files were really read: the CSV's good rows stored, the bad ones rejected, the
        // broken XML refused whole, the odd XML's event stored.
        #expect(outputs[0].contains("imported") && outputs[0].contains("unknown_activity 2") && outputs[0].contains("field_count 2"),
                "\(outputs[0])")
        #expect(outputs[1].contains("failed"), "\(outputs[1])")
        #expect(outputs[2].contains("imported"), "\(outputs[2])")
        let inspected: [(String, Data)] = [
            ("store", try Data(contentsOf: URL(fileURLWithPath: store))),
            ("journal", (try? Data(contentsOf: URL(fileURLWithPath: store + "-journal"))) ?? Data()),
            ("wal", (try? Data(contentsOf: URL(fileURLWithPath: store + "-wal"))) ?? Data()),
            ("log", try Data(contentsOf: URL(fileURLWithPath: log))),
        ] + outputs.enumerated().map { ("output \($0.offset)", Data($0.element.utf8)) }
        for (name, data) in inspected {
            #expect(data.range(of: Data("010190".utf8)) == nil, "\(name) holds a CPR number")
            #expect(data.range(of: Data("01.01.90".utf8)) == nil, "\(name) holds a CPR number")
        }
    }

    @Test func cprNumbersInOtherUnicodeSpellingsAreMasked() throws {
        let dir = TrinBinary.temporaryDirectory("trin-unicode-cpr")
        let key = dir + "/key", store = dir + "/trin.sqlite", log = dir + "/import.log"
        try #require(try TrinBinary.run(["keygen", key]).status == 0)
        let bom = "\u{FEFF}"
        let header = "CPR-nr.;Forløbs-ID;Aftale-ID;CVR-nr.;Virksomhed;Målgruppe;Aktivitet;Startdato;Slutdato;Timer pr. uge;Registreret\r\n"
        // Rejected rows (unknown activity) with a CPR number in the enterprise's name: full-width
        // digits with U+2010, ASCII digits with U+2010 and with the minus sign, Arabic-Indic digits.
        let rows = ["０１０１９０‐１２３４", "010190\u{2010}1234", "010190\u{2212}1234", "٠١٠١٩٠-١٢٣٤"].enumerated().map { i, cpr in
            "020202-2222;F-\(i);SA-1;12345674;Kontakt \(cpr);Kontanthjælp;Yoga;03-01-2023;;;03-01-2023 14:22:05"
        }
        try Data((bom + header + rows.joined(separator: "\r\n") + "\r\n").utf8).write(to: URL(fileURLWithPath: dir + "/rows.csv"))
        // A file without its header: its first line is a row, with a full-width CPR number.
        try Data((bom + "０１０１９０‐１２３４;F-9;SA-1;12345674;x;Kontanthjælp;Løntimer;03-01-2023;;;03-01-2023 14:22:05\r\n").utf8)
            .write(to: URL(fileURLWithPath: dir + "/noheader.csv"))
        var outputs: [String] = []
        for file in ["rows.csv", "noheader.csv"] {
            outputs.append(try TrinBinary.run(["import", "--store", store, "--key", key, "--log", log, "--mapping",
                                               TrinBinary.repositoryRoot + "/mappings/forloeb.yaml", dir + "/" + file]).output)
        }
        #expect(outputs[0].contains("unknown_activity 4"), "\(outputs[0])")
        #expect(outputs[1].contains("failed"), "\(outputs[1])")
        for id in 1...2 { outputs.append(try TrinBinary.run(["runs", "show", "\(id)", "--store", store]).output) }
        #expect(outputs[2].contains("Kontakt XXXXXX"), "the rejected rows are shown, masked: \(outputs[2])")
        let inspected: [(String, Data)] = [
            ("store", try Data(contentsOf: URL(fileURLWithPath: store))),
            ("log", try Data(contentsOf: URL(fileURLWithPath: log))),
        ] + outputs.enumerated().map { ("output \($0.offset)", Data($0.element.utf8)) }
        for (name, data) in inspected {
            let text = String(decoding: data, as: UTF8.self)
            for leak in ["０１０１９０", "１２３４", "010190", "٠١٠١٩٠"] {
                #expect(!text.contains(leak), "\(name) holds a CPR number (\(leak))")
            }
        }
    }
}
