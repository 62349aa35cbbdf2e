import Foundation
import Logging
import Testing
import TrinMapping
import TrinPseudonym
import TrinSample
import TrinService
import TrinStore
import TrinTestSupport

/// The same citizen's events delivered by the course export (CSV) and the partner
/// portal (XML) are stored once each, whatever the order of import.
@Suite struct CrossSourceTests {
    let mappings = TrinBinary.repositoryRoot + "/mappings"

    /// `trin import` of each file in turn, in process: the front door the command uses.
    func importAll(_ files: [(String, String)], key: String, store: String) throws {
        let session = try RunSession.open(store: .sqlite(path: store), key: try PseudonymKey.load(path: key), logPath: nil, command: "import",
                                          consoleLevel: .critical, locking: .forTheSession(wait: false))
        defer { session.close() }
        for (file, mapping) in files {
            let r = try session.importFiles([file], mapping: try MappingLoader.load(path: "\(mappings)/\(mapping).yaml"), source: nil,
                                            dryRun: false)
            // The XML samples hold rows rejected on purpose.
            #expect(r.status == .succeeded || mapping == "haendelser", "\(r.outcomes.map { $0.message ?? "" })")
        }
    }

    @Test func theSameEventsFromCSVAndXMLAreStoredOnce() throws {
        let dir = TrinBinary.temporaryDirectory("trin-cross")
        let key = dir + "/key"
        try PseudonymKey.generate(path: key)
        // Two events of one citizen, written by both systems in their own dialects: the CSV
        // in Windows-1252 with Danish local time, the XML with offsets and the CPR without hyphen.
        let csv = dir + "/forloeb.csv"
        var bytes = Array("CPR-nr.;Forl\u{F8}bs-ID;Aftale-ID;CVR-nr.;Virksomhed;M\u{E5}lgruppe;Aktivitet;Startdato;Slutdato;Timer pr. uge;Registreret\r\n".unicodeScalars.map { UInt8($0.value) })
        bytes += Array("010190-1234;F-1;SA-2022-007;12345674;Caf\u{E9};Ressourceforl\u{F8}b;Virksomhedspraktik;03-01-2023;31-03-2023;12,5;03-01-2023 14:22:05\r\n".unicodeScalars.map { UInt8($0.value) })
        bytes += Array("010190-1234;F-2;SA-2022-007;12345674;Caf\u{E9};Ressourceforl\u{F8}b;L\u{F8}ntimer;01-04-2023;;15;02-04-2023 09:00:00\r\n".unicodeScalars.map { UInt8($0.value) })
        try Data(bytes).write(to: URL(fileURLWithPath: csv))
        let xml = dir + "/haendelser.xml"
        try """
            <?xml version="1.0" encoding="UTF-8"?>
            <p:Forloebsudtraek xmlns:p="urn:example:socialoekonomi:forloeb:1" dannet="2024-01-05T02:00:00+01:00" kilde="partnerportal">
              <p:Forloeb id="P-000123">
                <p:Borger><p:CPR>0101901234</p:CPR></p:Borger>
                <p:Aftale id="SA-2022-007"><p:CVR>12345674</p:CVR></p:Aftale>
                <p:Maalgruppe kode="RF"></p:Maalgruppe>
                <p:Haendelser>
                  <p:Haendelse type="praktik" start="2023-01-03" slut="2023-03-30T22:00:00Z" timer="12.5" registreret="2023-01-03T14:22:05+01:00"/>
                  <p:Haendelse type="loentimer" start="2023-04-01" timer="15" registreret="2023-04-02T07:00:00Z"/>
                  <p:Haendelse type="job" start="2023-09-01" registreret="2023-09-01T10:00:00+02:00"/>
                </p:Haendelser>
              </p:Forloeb>
            </p:Forloebsudtraek>
            """.write(toFile: xml, atomically: true, encoding: .utf8)
        var dumps: [String] = []
        for (i, order) in [[(csv, "forloeb"), (xml, "haendelser")], [(xml, "haendelser"), (csv, "forloeb")]].enumerated() {
            let store = dir + "/store-\(i).sqlite"
            try importAll(order, key: key, store: store)
            let s = try SQLiteStore(path: store)
            // praktik and loentimer arrive twice (same citizen, agreement, stage, start): one event
            // each; job only from XML.
            #expect(try s.eventCount() == 3)
            dumps.append(try s.canonicalDump())
        }
        #expect(dumps[0] == dumps[1])
        // Equal recordedAt instants (14:22:05 CET = 13:22:05Z): the greater source name wins.
        #expect(dumps[0].contains("|praktik|2023-01-03|2023-03-31|12.5|2023-01-03T13:22:05Z|haendelser|P-000123/praktik/2023-01-03"))
    }

    @Test func generatedExportsFromBothSystemsGiveTheManifestsDistinctEvents() throws {
        let dir = TrinBinary.temporaryDirectory("trin-cross-sample")
        let exports = dir + "/exports"
        let manifest = try SampleGenerator(citizens: 120, seed: 21).write(to: exports)
        let key = dir + "/key"
        try PseudonymKey.generate(path: key)
        let files = manifest.files.filter { $0.kind != "virksomheder" }.map { (exports + "/" + $0.name, $0.kind) }
        var counts = Set<Int>()
        for (i, order) in [files, files.reversed()].enumerated() {
            let store = dir + "/s\(i).sqlite"
            try importAll(order, key: key, store: store)
            counts.insert(try SQLiteStore(path: store).eventCount())
        }
        #expect(counts == [manifest.distinctRecords])
    }
}
