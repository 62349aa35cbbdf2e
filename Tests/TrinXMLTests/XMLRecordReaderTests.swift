import Foundation
import Testing
@testable import TrinXML

@Suite("XMLRecordReader")
struct XMLRecordReaderTests {
    static let fields = [
        "@type", "@start", "@slut",
        "../../@id", "../../f:Borger/f:CPR", "../../f:Aftale/@id", "../../f:Maalgruppe", "../../f:Maalgruppe/@kode",
        "../../../@dannet", "f:Note", "../@blok",
    ]

    static func spec(namespaces: [String: String] = ["f": forloebNS], fields: [String] = fields) throws -> XMLRecordSpec {
        try XMLRecordSpec(namespaces: namespaces, root: "f:Forloebsudtraek",
                          recordPath: "f:Forloebsudtraek/f:Forloeb/f:Haendelser/f:Haendelse", fields: fields)
    }

    @Test("nested records inherit their Forloeb's fields, also those written after the records")
    func inheritedFields() throws {
        let path = try temporaryXML("""
            <?xml version="1.0" encoding="UTF-8"?>
            <Forloebsudtraek xmlns="\(forloebNS)" dannet="2024-01-05T02:00:00+01:00">
              <Forloeb id="P-1">
                <Borger><CPR>0101901234</CPR></Borger>
                <Aftale id="SA-1"><CVR>12345674</CVR></Aftale>
                <Maalgruppe kode="RF">Ressourceforløb</Maalgruppe>
                <Haendelser blok="a">
                  <Haendelse type="praktik" start="2023-01-03" slut="2023-03-31"/>
                  <Haendelse type="loentimer" start="2023-04-01"><Note>  hej  </Note></Haendelse>
                </Haendelser>
              </Forloeb>
              <Forloeb id="P-2">
                <Haendelser blok="b">
                  <Haendelse type="job" start="2023-05-01"/>
                </Haendelser>
                <Haendelser blok="c">
                  <Haendelse type="ophoert"
                             start="2023-06-01"
                  />
                </Haendelser>
                <Borger><CPR>0202902345</CPR></Borger>
                <Maalgruppe kode="JA"/>
              </Forloeb>
            </Forloebsudtraek>
            """)
        let records = try readAll(path, Self.spec())
        #expect(records.count == 4)
        #expect(records.map { $0[0] } == ["praktik", "loentimer", "job", "ophoert"])
        // The line a record's start tag begins on, also when the tag spans lines (the last).
        #expect(records.map(\.line) == [8, 9, 14, 17])

        let first = records[0]
        #expect(first.values == ["praktik", "2023-01-03", "2023-03-31", "P-1", "0101901234", "SA-1", "Ressourceforløb", "RF",
                                 "2024-01-05T02:00:00+01:00", nil, "a"])
        #expect(first.elementPath == "/Forloebsudtraek/Forloeb[1]/Haendelser[1]/Haendelse[1]")
        #expect(records[1][9] == "hej")
        #expect(records[1].elementPath == "/Forloebsudtraek/Forloeb[1]/Haendelser[1]/Haendelse[2]")

        // P-2: Borger and Maalgruppe come after the events; no Aftale; Maalgruppe empty but present.
        for record in records[2...] {
            #expect(record[3] == "P-2")
            #expect(record[4] == "0202902345")
            #expect(record[5] == nil)
            #expect(record[6] == "")
            #expect(record[7] == "JA")
            #expect(record[2] == nil)
        }
        #expect(records[2][10] == "b")
        #expect(records[3][10] == "c")
        #expect(records[3].elementPath == "/Forloebsudtraek/Forloeb[2]/Haendelser[2]/Haendelse[1]")
    }

    @Test("an intermediate ancestor's element field written after its records goes to its own records only")
    func intermediateAncestorAfterRecords() throws {
        let path = try temporaryXML("""
            <r:Forloebsudtraek xmlns:r="\(forloebNS)"><r:Forloeb id="X">
              <r:Haendelser><r:Haendelse type="a"/><r:Haendelse type="b"/><r:Info>første</r:Info></r:Haendelser>
              <r:Haendelser><r:Haendelse type="c"/><r:Info>anden</r:Info></r:Haendelser>
              <r:Haendelser><r:Haendelse type="d"/></r:Haendelser>
            </r:Forloeb></r:Forloebsudtraek>
            """)
        let records = try readAll(path, Self.spec(fields: ["@type", "../f:Info"]))
        #expect(records.map { $0[1] } == ["første", "første", "anden", nil])
    }

    @Test("attributes are read whatever their order, unmapped ones between them, and one read by two spellings fills both")
    func attributesInAnyOrder() throws {
        let borgerNS = "urn:example:borger:2"
        let spec = try XMLRecordSpec(
            namespaces: ["f": forloebNS, "c": borgerNS, "d": borgerNS], root: "f:Forloebsudtraek",
            recordPath: "/f:Forloebsudtraek/f:Forloeb/f:Haendelser/f:Haendelse",
            fields: ["@type", "@start", "@slut", "@c:kilde", "@d:kilde"])
        let path = try temporaryXML("""
            <Forloebsudtraek xmlns="\(forloebNS)" xmlns:b="\(borgerNS)">
              <Forloeb><Haendelser>
                <Haendelse type="job" start="2023-01-01" slut="2023-02-01" b:kilde="a"/>
                <Haendelse slut="2023-02-02" start="2023-01-02" type="praktik" b:kilde="b"/>
                <Haendelse x="1" start="2023-01-03" y="2" type="ophoert"/>
                <Haendelse b:kilde="d" slut="2023-02-04" type="job" start="2023-01-04"/>
              </Haendelser></Forloeb>
            </Forloebsudtraek>
            """)
        let records = try readAll(path, spec)
        #expect(records.map(\.values) == [
            ["job", "2023-01-01", "2023-02-01", "a", "a"],
            ["praktik", "2023-01-02", "2023-02-02", "b", "b"],
            ["ophoert", "2023-01-03", nil, nil, nil],
            ["job", "2023-01-04", "2023-02-04", "d", "d"],
        ])
    }

    @Test("names match by namespace URI whatever prefix the document uses, never by prefix")
    func namespacesByURI() throws {
        let borgerNS = "urn:example:borger:2"
        let spec = try XMLRecordSpec(
            namespaces: ["f": forloebNS, "c": borgerNS], root: "f:Forloebsudtraek",
            recordPath: "/f:Forloebsudtraek/f:Forloeb/f:Haendelser/f:Haendelse",
            fields: ["@type", "../../c:Borger/c:CPR", "@c:kilde", "../../f:Borger/f:CPR"])
        let prefixed = try temporaryXML("""
            <p:Forloebsudtraek xmlns:p="\(forloebNS)" xmlns:b="\(borgerNS)" xmlns:x="urn:decoy">
              <p:Forloeb>
                <x:Borger><x:CPR>decoy</x:CPR></x:Borger>
                <b:Borger><b:CPR>1111111111</b:CPR></b:Borger>
                <p:Haendelser><p:Haendelse type="job" b:kilde="portal" x:type="decoy"/></p:Haendelser>
              </p:Forloeb>
            </p:Forloebsudtraek>
            """)
        let defaulted = try temporaryXML("""
            <Forloebsudtraek xmlns="\(forloebNS)">
              <Forloeb>
                <Borger xmlns="\(borgerNS)"><CPR>1111111111</CPR></Borger>
                <Haendelser><Haendelse xmlns:q="\(borgerNS)" type="job" q:kilde="portal"/></Haendelser>
              </Forloeb>
            </Forloebsudtraek>
            """)
        for path in [prefixed, defaulted] {
            let records = try readAll(path, spec)
            #expect(records.count == 1)
            #expect(records.first?.values == ["job", "1111111111", "portal", nil])
        }
        // A record path element of the right name in another namespace refuses the document
        // (`recordsInAnotherNamespace`), even beside the right one: its records would be lost.
        let decoyPath = try temporaryXML("""
            <p:Forloebsudtraek xmlns:p="\(forloebNS)" xmlns:x="urn:decoy">
              <p:Forloeb>
                <p:Haendelser><p:Haendelse type="job"/></p:Haendelser>
                <x:Haendelser><x:Haendelse type="decoy"/></x:Haendelser>
              </p:Forloeb>
            </p:Forloebsudtraek>
            """)
        #expect(documentError { _ = try readAll(decoyPath, spec) }?.kind
                == .unexpectedNamespace(expected: XMLName(namespaceURI: forloebNS, localName: "Haendelser"),
                                        found: XMLName(namespaceURI: "urn:decoy", localName: "Haendelser")))
    }

    @Test("a default namespace in the table applies to unprefixed element steps, not attributes")
    func defaultNamespaceEntry() throws {
        let spec = try XMLRecordSpec(namespaces: ["": forloebNS], root: "Forloebsudtraek",
                                     recordPath: "Forloebsudtraek/Forloeb", fields: ["@id", "Maalgruppe"])
        let path = try temporaryXML("""
            <f:Forloebsudtraek xmlns:f="\(forloebNS)"><f:Forloeb id="A"><f:Maalgruppe>KH</f:Maalgruppe></f:Forloeb>
            <f:Forloeb f:id="namespaced"/></f:Forloebsudtraek>
            """)
        let records = try readAll(path, spec)
        #expect(records.map(\.values) == [["A", "KH"], [nil, nil]])
    }

    @Test("attributes and elements of the same name are different fields; missing ones are nil")
    func attributesVersusElements() throws {
        let spec = try XMLRecordSpec(namespaces: [:], root: "root", recordPath: "root/item",
                                     fields: ["@kode", "kode", "kode/@kind", "missing", "@missing", "empty", "@empty", "."])
        let path = try temporaryXML("""
            <root><item kode="attr" empty=""><kode kind="k">element</kode><empty/></item><item>text <kode/> tail</item></root>
            """)
        let records = try readAll(path, spec)
        #expect(records.count == 2)
        #expect(records[0].values == ["attr", "element", "k", nil, nil, "", "", "element"])
        #expect(records[1].values == [nil, "", nil, nil, nil, nil, nil, "text  tail"])
    }

    @Test("values stay right across the compaction of kept values and across batches")
    func valuesAcrossCompactionAndBatches() throws {
        // Each Forloeb keeps its id, CPR and agreement among the current values until the
        // buffer passes 64 KiB and is compacted as a path element opens; a record's own
        // attributes go straight into its batch. 3,000 groups of three records cross both
        // the compaction and several batch hand-overs.
        var xml = "<?xml version=\"1.0\"?><Forloebsudtraek xmlns=\"\(forloebNS)\" dannet=\"d\">"
        for g in 0..<3_000 {
            xml += "<Forloeb id=\"P-\(g)\"><Borger><CPR>\(1_000_000_000 + g)</CPR></Borger><Aftale id=\"SA-\(g % 7)\"/>"
            xml += "<Haendelser blok=\"b\(g)\">"
            for r in 0..<3 {
                xml += "<Haendelse type=\"t\(r)\" start=\"s\(g)-\(r)\"" + (r == 1 ? "" : " slut=\"e\(g)\"") + ">"
                    + (r == 2 ? "<Note>n\(g)</Note>" : "") + "</Haendelse>"
            }
            xml += "</Haendelser></Forloeb>"
        }
        xml += "</Forloebsudtraek>"
        let records = try readAll(try temporaryXML(xml), Self.spec())
        #expect(records.count == 9_000)
        var wrong = 0
        for (i, record) in records.enumerated() {
            let (g, r) = i.quotientAndRemainder(dividingBy: 3)
            let expected: [String?] = ["t\(r)", "s\(g)-\(r)", r == 1 ? nil : "e\(g)", "P-\(g)", "\(1_000_000_000 + g)", "SA-\(g % 7)",
                                       nil, nil, "d", r == 2 ? "n\(g)" : nil, "b\(g)"]
            if record.values != expected {
                wrong += 1
                if wrong <= 3 { Issue.record("record \(i): \(record.values) != \(expected)") }
            }
        }
        #expect(wrong == 0)
    }

    @Test("the first of several matching elements wins")
    func firstMatchWins() throws {
        let spec = try XMLRecordSpec(namespaces: [:], root: "root", recordPath: "root/g/item", fields: ["v", "../h", "../@a"])
        let path = try temporaryXML("<root><g a=\"x\"><item><v>1</v><v>2</v></item><h>a</h><h>b</h></g></root>")
        #expect(try readAll(path, spec).map(\.values) == [["1", "a", "x"]])
    }

    @Test("CDATA sections and character references are part of the text")
    func cdataAndCharacterReferences() throws {
        let spec = try XMLRecordSpec(namespaces: [:], root: "root", recordPath: "root/item", fields: ["note", "@navn"])
        let path = try temporaryXML("""
            <root><item navn="S&#248;ren &amp; co"><note>
              <![CDATA[a<b & c]]> &#230;&#xF8;&#229; &lt;&gt;&amp;&apos;&quot;
            </note></item></root>
            """)
        let records = try readAll(path, spec)
        #expect(records.first?.values == ["a<b & c æøå <>&'\"", "Søren & co"])
    }

    /// libxml2 gets a text callback only while a mapped element is open: text after a child
    /// element of a mapped one is still its text, and text of unmapped elements in between
    /// (character references included) is nobody's.
    @Test("text is read while a mapped element is open, and only then")
    func textOnlyInsideMappedElements() throws {
        let spec = try XMLRecordSpec(namespaces: [:], root: "root", recordPath: "root/item", fields: ["note", "tail"])
        let path = try temporaryXML("""
            <root> stray &#230; <item>skipped<note>a<x>b</x><y/>c</note><other>zzz &#230;<![CDATA[q]]></other>
            <tail> d <z>e</z></tail>after</item><item><note/><tail>f</tail></item></root>
            """)
        #expect(try readAll(path, spec).map(\.values) == [["abc", "d e"], ["", "f"]])
    }

    @Test("a document whose root has another namespace is refused, naming both namespaces")
    func rootInAnotherNamespace() throws {
        let path = try temporaryXML("""
            <?xml version="1.0"?>
            <Forloebsudtraek xmlns="urn:other:portal"><Forloeb/></Forloebsudtraek>
            """)
        let error = documentError { _ = try readAll(path, Self.spec()) }
        let expected = XMLName(namespaceURI: forloebNS, localName: "Forloebsudtraek")
        let found = XMLName(namespaceURI: "urn:other:portal", localName: "Forloebsudtraek")
        #expect(error?.kind == .unexpectedRoot(expected: expected, found: found))
        #expect(error?.line == 2)
        #expect(error?.message.contains(forloebNS) == true)
        #expect(error?.message.contains("urn:other:portal") == true)
        #expect(error?.file == path)

        let noNamespace = try temporaryXML("<Forloebsudtraek/>")
        let second = documentError { _ = try readAll(noNamespace, Self.spec()) }
        #expect(second?.kind == .unexpectedRoot(expected: expected, found: XMLName(namespaceURI: nil, localName: "Forloebsudtraek")))
        #expect(second?.message.contains("no namespace") == true)
    }

    @Test("a document whose records are in another namespace under the right root is refused, not read as empty")
    func recordsInAnotherNamespace() throws {
        let path = try temporaryXML("""
            <?xml version="1.0"?>
            <f:Forloebsudtraek xmlns:f="\(forloebNS)">
              <Forloeb id="P-1"><Borger><CPR>0101901234</CPR></Borger></Forloeb>
            </f:Forloebsudtraek>
            """)
        let error = documentError { _ = try readAll(path, Self.spec()) }
        #expect(error?.kind == .unexpectedNamespace(expected: XMLName(namespaceURI: forloebNS, localName: "Forloeb"),
                                                    found: XMLName(namespaceURI: nil, localName: "Forloeb")))
        #expect(error?.line == 3)
        #expect(error?.message.contains("another namespace") == true)
        // Reported at the line its start tag begins on.
        let spanning = try temporaryXML("""
            <Forloebsudtraek xmlns="\(forloebNS)">
              <Forloeb xmlns="urn:other"
                       id="P-1"/>
            </Forloebsudtraek>
            """)
        #expect(documentError { _ = try readAll(spanning, Self.spec()) }?.line == 2)
        // Elements of other names, in any namespace, are still simply not read.
        let other = try temporaryXML("""
            <Forloebsudtraek xmlns="\(forloebNS)"><x:Note xmlns:x="urn:x">hi</x:Note></Forloebsudtraek>
            """)
        #expect(try readAll(other, Self.spec()).isEmpty)
    }

    @Test("a truncated document is not well-formed, with a line, even after records were returned")
    func truncated() throws {
        var text = "<root>\n"
        for index in 0..<10_000 { text += "  <item n=\"\(index)\"><v>\(index)</v></item>\n" }
        text += "  <item n=\"x\"><v>cut he"
        let path = try temporaryXML(text)
        let spec = try XMLRecordSpec(namespaces: [:], root: "root", recordPath: "root/item", fields: ["@n"])
        let reader = try XMLRecordReader(path: path, spec: spec)
        var seen = 0
        let error = documentError {
            while try reader.next() != nil { seen += 1 }
        }
        #expect(seen > 0 && seen <= 10_000, "records came before the error was found")
        #expect(error?.kind == .notWellFormed)
        #expect((error?.line ?? 0) >= 10_001)
        #expect(error?.file == path)
        // The error sticks: the reader never pretends the document ended well.
        #expect(documentError { _ = try reader.next() }?.kind == .notWellFormed)
        #expect(reader.bytesRead == text.utf8.count)
    }

    @Test("a mismatched end tag is not well-formed and reports its line and column")
    func mismatchedTag() throws {
        let path = try temporaryXML("<root>\n<item>\n<v>1</w>\n</item>\n</root>\n")
        let spec = try XMLRecordSpec(namespaces: [:], root: "root", recordPath: "root/item", fields: ["v"])
        let error = documentError { _ = try readAll(path, spec) }
        #expect(error?.kind == .notWellFormed)
        #expect(error?.line == 3)
        #expect((error?.column ?? 0) > 0)
        #expect(error?.message.contains("mismatch") == true)
    }

    @Test("an undefined namespace prefix and an empty file are refused")
    func otherMalformations() throws {
        let spec = try XMLRecordSpec(namespaces: [:], root: "root", recordPath: "root/item", fields: ["v"])
        let undefinedPrefix = try temporaryXML("<root><item><x:v>1</x:v></item></root>")
        #expect(documentError { _ = try readAll(undefinedPrefix, spec) }?.kind == .notWellFormed)
        let empty = try temporaryXML("")
        #expect(documentError { _ = try readAll(empty, spec) }?.kind == .notWellFormed)
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("trin-no-such-\(UUID()).xml").path
        #expect(documentError { _ = try XMLRecordReader(path: missing, spec: spec) }?.kind == .io)
    }

    @Test("a mapped text longer than 1 MiB refuses the document; a long unmapped text is passed over")
    func valueTooLong() throws {
        let spec = try XMLRecordSpec(namespaces: [:], root: "root", recordPath: "root/item", fields: ["v"])
        let limit = 1 << 20
        let atLimit = try temporaryXML("<root><item><v>" + String(repeating: "x", count: limit) + "</v></item></root>")
        #expect(try readAll(atLimit, spec).count == 1)
        // Written in pieces, as libxml2 delivers a long text in chunks.
        let over = try temporaryXML("<root><item><v>" + String(repeating: "x", count: limit) + "&amp;y</v></item></root>")
        let error = documentError { _ = try readAll(over, spec) }
        #expect(error?.kind == .valueTooLong)
        #expect(error?.message.contains("longer than 1 MiB") == true)
        let unmapped = try temporaryXML("<root><item><note>" + String(repeating: "x", count: 3 * limit) + "</note><v>1</v></item></root>")
        #expect(try readAll(unmapped, spec).count == 1)
    }

    @Test("elements nested deeper than 256 levels refuse the document")
    func tooDeep() throws {
        let spec = try XMLRecordSpec(namespaces: [:], root: "root", recordPath: "root/item", fields: ["v"])
        func nested(_ levels: Int) -> String {
            "<root><item><v>1</v>" + String(repeating: "<a>", count: levels) + String(repeating: "</a>", count: levels) + "</item></root>"
        }
        #expect(try readAll(try temporaryXML(nested(250)), spec).count == 1)
        let error = documentError { _ = try readAll(try temporaryXML(nested(300)), spec) }
        #expect(error?.kind == .tooDeep)
        #expect(error?.message.contains("256 levels") == true)
    }

    @Test("records are released per group: memory stays bounded on a large file")
    func streamsLargeFile() throws {
        let spec = try Self.spec()
        var text = "<Forloebsudtraek xmlns=\"\(forloebNS)\" dannet=\"d\">\n"
        let forloeb = 20_000
        for index in 0..<forloeb {
            text += """
              <Forloeb id="P-\(index)"><Borger><CPR>0101901234</CPR></Borger><Haendelser>
                <Haendelse type="praktik" start="2023-01-03"/><Haendelse type="job" start="2023-02-03"/>
              </Haendelser><Maalgruppe kode="RF">Ressourceforløb</Maalgruppe></Forloeb>

            """
        }
        text += "</Forloebsudtraek>\n"
        let path = try temporaryXML(text)
        let reader = try XMLRecordReader(path: path, spec: spec)
        var count = 0, batches = 0, largest = 0
        var lastID: String?
        while let batch = try reader.nextBatch() {
            batches += 1
            largest = max(largest, batch.count)
            for i in 0..<batch.count {
                let record = batch.record(i)
                count += 1
                #expect(record[6] == "Ressourceforløb")
                lastID = record[3]
            }
        }
        #expect(count == 2 * forloeb)
        #expect(lastID == "P-\(forloeb - 1)")
        #expect(reader.bytesRead == text.utf8.count)
        // Handed over in batches of about `batchTarget` records (closed at the end of a group of
        // two), never the whole file at once: what the reader holds stays that size.
        #expect(batches >= 2 * forloeb / (XMLRecordReader.batchTarget + 2))
        #expect(largest <= XMLRecordReader.batchTarget + 2, "a batch of \(largest) records")
    }
}

@Suite("XMLRecordReader lines and batches")
struct XMLRecordReaderLineTests {
    @Test("record lines are exact on every line, also beyond 65,535; element paths are exact")
    func lineNumbers() throws {
        var lines = ["<root>", "<g>"]
        while lines.count < 70_000 {
            let line = lines.count + 1
            lines.append(line % 2 == 0 ? "<item n=\"\(line)\"/>" : "<item n=\"\(line)\"><v>x</v></item>")
        }
        lines += ["</g>", "</root>"]
        let path = try temporaryXML(lines.joined(separator: "\n"))
        let spec = try XMLRecordSpec(namespaces: [:], root: "root", recordPath: "root/g/item", fields: ["@n"])
        let records = try readAll(path, spec)
        #expect(records.count == 69_998)
        #expect(records.allSatisfy { $0.line == Int($0[0]!)! })
        #expect(records.last?.elementPath == "/root/g[1]/item[69998]")
    }

    @Test("batches hold whole groups: a Forloeb's events are never split across two batches")
    func batchesHoldWholeGroups() throws {
        var text = "<root>"
        for group in 1...3000 {
            text += "<g id=\"\(group)\">"
            for item in 1...(group % 4 + 1) { text += "<item n=\"\(item)\"/>" }
            text += "<name>G\(group)</name></g>"
        }
        text += "</root>"
        let path = try temporaryXML(text)
        let spec = try XMLRecordSpec(namespaces: [:], root: "root", recordPath: "root/g/item", fields: ["@n", "../name", "../@id"])
        let reader = try XMLRecordReader(path: path, spec: spec)
        var batches = 0
        var total = 0
        var lastGroup = 0
        while let batch = try reader.nextBatch() {
            batches += 1
            total += batch.count
            #expect(batch.record(0)[0] == "1", "a batch starts with a group's first record")
            for index in 0..<batch.count {
                let record = batch.record(index)
                let group = Int(record[2]!)!
                #expect(record[1] == "G\(group)", "the name written after the records is filled in")
                #expect(group >= lastGroup)
                lastGroup = group
            }
        }
        #expect(batches > 1)
        #expect(total == (1...3000).reduce(0) { $0 + $1 % 4 + 1 })
    }
}

@Suite("XMLRecordReader encodings")
struct XMLRecordReaderEncodingTests {
    static let spec = try! XMLRecordSpec(namespaces: [:], root: "root", recordPath: "root/item", fields: ["v", "@a"])

    @Test("UTF-16 with a byte order mark and a declared ISO-8859-1 are read as such")
    func encodings() throws {
        var utf16 = Data([0xFF, 0xFE])
        utf16.append("<?xml version=\"1.0\" encoding=\"UTF-16\"?><root><item a=\"ø\"><v>Søren</v></item></root>".data(using: .utf16LittleEndian)!)
        let latin1 = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<root><item a=\"å\"><v>Ærø</v></item></root>".data(using: .isoLatin1)!
        for (name, data, expected) in [("utf16", utf16, ["Søren", "ø"]), ("latin1", latin1, ["Ærø", "å"])] {
            let path = try temporaryFile(data, name: name)
            let records = try readAll(path, Self.spec)
            #expect(records.count == 1)
            #expect(records.first?.values == expected, "\(name)")
        }
    }
}

@Suite("XMLRecordReader text values")
struct XMLRecordReaderTextTests {
    @Test("an element's text is its XPath string value: whitespace between children is kept inside, trimmed at the ends")
    func stringValue() throws {
        let spec = try XMLRecordSpec(namespaces: [:], root: "root", recordPath: "root/item", fields: ["v", "."])
        let path = try temporaryXML("<root><item><v>\n  <a>A</a>\n  <b>B</b>\n</v></item></root>")
        let records = try readAll(path, spec)
        #expect(records.first?.values == ["A\n  B", "A\n  B"])
    }
}
