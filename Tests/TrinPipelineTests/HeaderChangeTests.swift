import Foundation
import Testing
import TrinStore
import TrinTestSupport

/// A header that changed upstream (docs/exports.md): columns reordered or added are read by
/// name, and a name's surrounding white space is ignored; a column the mapping reads that
/// is renamed or removed refuses the whole file with a message that names the file, the
/// mapping and the column. The shipped mapping reads every column but `Virksomhed`, so a
/// renamed `Slutdato` cannot read as "still running" in every row.
@Suite(.serialized) struct HeaderChangeTests {
    let columns = ["CPR-nr.", "Forløbs-ID", "Aftale-ID", "CVR-nr.", "Virksomhed", "Målgruppe", "Aktivitet",
                   "Startdato", "Slutdato", "Timer pr. uge", "Registreret"]
    let row = ["010190-1234", "F-1", "SA-1", "12345674", "Café", "Kontanthjælp", "Løntimer", "03-01-2023", "",
               "12,5", "03-01-2023 14:22:05"]

    /// Writes a Windows-1252 CSV with the columns in `order` (names may be renamed).
    func write(_ path: String, header: [String], order: [Int]) throws {
        let lines = [header.joined(separator: ";"), order.map { $0 < row.count ? row[$0] : "extra" }.joined(separator: ";")]
        let text = lines.joined(separator: "\r\n") + "\r\n"
        try Data(text.unicodeScalars.map { UInt8($0.value) }).write(to: URL(fileURLWithPath: path))
    }

    @Test func headersAreBoundByName() throws {
        let dir = TrinBinary.temporaryDirectory("trin-header")
        let key = dir + "/key"
        try #require(try TrinBinary.run(["keygen", key]).status == 0)
        func importFile(_ name: String) throws -> (TrinBinary.Result, Int) {
            let store = dir + "/\(name).sqlite"
            let r = try TrinBinary.run(["import", "--store", store, "--key", key, "--mapping",
                                        TrinBinary.repositoryRoot + "/mappings/forloeb.yaml", dir + "/\(name).csv"])
            return (r, try SQLiteStore(path: store).eventCount())
        }
        let reversed = Array(columns.indices.reversed())
        try write(dir + "/reordered.csv", header: reversed.map { columns[$0] }, order: reversed)
        try write(dir + "/added.csv", header: columns + ["Sagsbehandler"], order: Array(columns.indices) + [99])
        var renamed = columns; renamed[6] = "Aktivitetstype"
        try write(dir + "/renamed.csv", header: renamed, order: Array(columns.indices))
        var endRenamed = columns; endRenamed[8] = "Slut dato"
        try write(dir + "/end-renamed.csv", header: endRenamed, order: Array(columns.indices))
        let withoutHours = columns.indices.filter { $0 != 9 }
        try write(dir + "/hours-removed.csv", header: withoutHours.map { columns[$0] }, order: withoutHours)
        let withoutAgreement = columns.indices.filter { $0 != 2 }
        try write(dir + "/agreement-removed.csv", header: withoutAgreement.map { columns[$0] }, order: withoutAgreement)
        let withoutStart = columns.indices.filter { $0 != 7 }
        try write(dir + "/required-removed.csv", header: withoutStart.map { columns[$0] }, order: withoutStart)
        let withoutName = columns.indices.filter { $0 != 4 }
        try write(dir + "/name-removed.csv", header: withoutName.map { columns[$0] }, order: withoutName)
        try write(dir + "/padded.csv", header: columns.map { " \($0)\u{A0}" }, order: Array(columns.indices))
        // A column read twice is refused (which one is meant?); one never read may repeat.
        try write(dir + "/end-twice.csv", header: columns + ["Slutdato"], order: Array(columns.indices) + [8])
        try write(dir + "/name-twice.csv", header: columns + ["Virksomhed"], order: Array(columns.indices) + [4])

        let (twice, none) = try importFile("end-twice")
        #expect(twice.status == 1 && none == 0 && twice.stdout.contains("names the column \"Slutdato\" twice"), "\(twice.output)")
        for name in ["reordered", "added", "name-removed", "padded", "name-twice"] {
            let (r, events) = try importFile(name)
            #expect(r.status == 0 && events == 1, "\(name): \(r.output)")
        }
        for (name, column) in [("renamed", "Aktivitet"), ("required-removed", "Startdato"), ("end-renamed", "Slutdato"),
                               ("hours-removed", "Timer pr. uge"), ("agreement-removed", "Aftale-ID")] {
            let (r, events) = try importFile(name)
            #expect(r.status == 1 && events == 0, "\(name): \(r.output)")
            #expect(r.stdout.contains("\(name).csv") && r.stdout.contains("\"\(column)\"") && r.stdout.contains("forloeb.yaml"),
                    "\(name): \(r.stdout)")
        }
    }

    /// A rejected row is kept in the file's own dialect, masked: a field that holds the
    /// delimiter or the quote is quoted again, so the row reads as the fields it had.
    @Test func aRejectedRowKeepsItsQuoting() throws {
        let dir = TrinBinary.temporaryDirectory("trin-masked-row")
        let key = dir + "/key", store = dir + "/s.sqlite", file = dir + "/f.csv"
        try #require(try TrinBinary.run(["keygen", key]).status == 0)
        var bad = row
        bad[4] = "Café \"\"Mosaik\"\"; Slagelse"
        bad[6] = "Jobrotation"  // unknown activity: rejected
        let line = bad.enumerated().map { $0.offset == 4 ? "\"\($0.element)\"" : $0.element }.joined(separator: ";")
        let text = columns.joined(separator: ";") + "\r\n" + line + "\r\n"
        try Data(text.unicodeScalars.map { UInt8($0.value) }).write(to: URL(fileURLWithPath: file))
        let r = try TrinBinary.run(["import", "--store", store, "--key", key, "--mapping", TrinBinary.repositoryRoot + "/mappings/forloeb.yaml", file])
        #expect(r.status == 0, "\(r.output)")
        let kept = try #require(try SQLiteStore(path: store).rejectionExamples(ofRun: 1).first)
        #expect(kept.maskedRow == "XXXXXX-XXXX;F-1;SA-1;12345674;\"Café \"\"Mosaik\"\"; Slagelse\";Kontanthjælp;Jobrotation;03-01-2023;;12,5;03-01-2023 14:22:05",
                "\(kept.maskedRow)")
    }

    /// The XML counterpart of a renamed column: a path a required field reads that no record
    /// has (an attribute renamed upstream) refuses the document; an optional one may be absent
    /// from every record, and an empty extract has nothing to check.
    @Test func anXMLDocumentWithoutARequiredPathIsRefused() throws {
        let dir = TrinBinary.temporaryDirectory("trin-xml-path")
        let key = dir + "/key"
        try #require(try TrinBinary.run(["keygen", key]).status == 0)
        func document(_ event: String) -> String {
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <Forloebsudtraek xmlns="urn:example:socialoekonomi:forloeb:1" dannet="2024-01-05T02:00:00+01:00">
              <Forloeb id="P-1">
                <Borger><CPR>0101901234</CPR></Borger>
                <Aftale id="SA-1"><CVR>12345674</CVR></Aftale>
                <Maalgruppe kode="RF"/>
                <Haendelser>\(event)</Haendelser>
              </Forloeb>
            </Forloebsudtraek>
            """
        }
        func importXML(_ name: String, _ text: String) throws -> (TrinBinary.Result, Int) {
            try text.write(toFile: dir + "/\(name).xml", atomically: true, encoding: .utf8)
            let store = dir + "/\(name).sqlite"
            let r = try TrinBinary.run(["import", "--store", store, "--key", key, "--mapping",
                                        TrinBinary.repositoryRoot + "/mappings/haendelser.yaml", dir + "/\(name).xml"])
            return (r, try SQLiteStore(path: store).eventCount())
        }
        // The target group from `kode` alone, no end, no hours: every optional path absent.
        let (good, stored) = try importXML("good", document(#"<Haendelse type="job" start="2023-04-01" registreret="2023-04-02T09:00:00+02:00"/>"#))
        #expect(good.status == 0 && stored == 1, "\(good.output)")
        let (renamed, none) = try importXML("renamed", document(#"<Haendelse type="job" start="2023-04-01" registrering="2023-04-02T09:00:00+02:00"/>"#))
        #expect(renamed.status == 1 && none == 0, "\(renamed.output)")
        #expect(renamed.stdout.contains("no record has @registreret") && renamed.stdout.contains("recordedAt"), "\(renamed.stdout)")
        let (empty, nothing) = try importXML("empty", document(""))
        #expect(empty.status == 0 && nothing == 0, "\(empty.output)")
        // A field with a constant fallback always has a value: never missing.
        let mapping = try String(contentsOfFile: TrinBinary.repositoryRoot + "/mappings/haendelser.yaml", encoding: .utf8)
        let withConstant = mapping.replacingOccurrences(of: #"recordedAt: { from: "@registreret", format: iso8601 }"#,
                                                        with: #"recordedAt: { from: "@registreret", format: iso8601, fallback: { constant: "2024-12-06T02:00:00+01:00", format: iso8601 } }"#)
        try #require(withConstant != mapping, "the shipped mapping's recordedAt line changed")
        try withConstant.write(toFile: dir + "/constant.yaml", atomically: true, encoding: .utf8)
        let constant = try TrinBinary.run(["import", "--store", dir + "/c.sqlite", "--key", key, "--mapping", dir + "/constant.yaml", dir + "/renamed.xml"])
        let constantEvents = try SQLiteStore(path: dir + "/c.sqlite").eventCount()
        #expect(constant.status == 0 && constantEvents == 1, "\(constant.output)")
    }

    /// An unknown code read through a fallback (`Maalgruppe`'s `kode` when its text is empty)
    /// is listed under the fallback's path, whose `values` it must be added to.
    @Test func anUnknownFallbackCodeIsListedUnderTheFallback() throws {
        let dir = TrinBinary.temporaryDirectory("trin-fallback-code")
        let key = dir + "/key", file = dir + "/a.xml"
        try #require(try TrinBinary.run(["keygen", key]).status == 0)
        try """
            <?xml version="1.0" encoding="UTF-8"?>
            <Forloebsudtraek xmlns="urn:example:socialoekonomi:forloeb:1">
              <Forloeb id="P-1"><Borger><CPR>0101901234</CPR></Borger><Maalgruppe kode="ZZ"/>
                <Haendelser><Haendelse type="job" start="2023-04-01" registreret="2023-04-02T09:00:00+02:00"/></Haendelser>
              </Forloeb>
            </Forloebsudtraek>
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let r = try TrinBinary.run(["import", "--dry-run", "--store", dir + "/s.sqlite", "--key", key, "--mapping",
                                    TrinBinary.repositoryRoot + "/mappings/haendelser.yaml", file])
        #expect(r.stdout.contains("targetGroup (../../f:Maalgruppe/@kode)  \"ZZ\""), "\(r.stdout)")
    }
}
