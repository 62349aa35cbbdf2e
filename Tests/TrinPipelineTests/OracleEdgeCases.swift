import Foundation

/// Hand-made exports for the differential test: each row probes one rule of
/// docs/definitions.md that the sample generator rarely or never exercises (DST hours,
/// tie-breaks, the century rule, 29 February, `kode` fallback, UTC end dates…).
/// Each probe is a citizen of its own, in a cell of its own where possible, so a
/// misreading shows up as a figure that differs. Written fresh into a folder.
enum OracleEdgeCases {
    static let header = "CPR-nr.;Forløbs-ID;Aftale-ID;CVR-nr.;Virksomhed;Målgruppe;Aktivitet;Startdato;Slutdato;Timer pr. uge;Registreret"

    /// forloeb-edge-a.csv: Windows-1252, CRLF, the usual header.
    static let forloebA: [String] = [
        // Employment tie on (start, agreement): stage by name, so the XML `job` (sygedagpenge) wins over this.
        "010180-1001;A-01;SA-1;10000009;Alfa;Kontanthjælp;Løntimer;01-03-2023;;10;01-03-2023 10:00:00",
        // No agreement sorts first: this loentimer (fleksjob) is the first employment, not the job.
        "020280-1002;A-02;;;;Fleksjob;Løntimer;01-04-2023;;;01-04-2023 10:00:00",
        "020280-1002;A-03;SA-2;10000009;Alfa;Integrationsydelse;Ordinært job;01-04-2023;;;01-04-2023 10:00:00",
        // First employment in December 2022, another in January: counted in 2022 only.
        "030380-1003;A-04;SA-3;10000017;Beta;Sygedagpenge;Ordinært job;15-12-2022;31-12-2022;;02-01-2023 09:00:00",
        "030380-1003;A-05;SA-3;10000017;Beta;Kontanthjælp;Fleksjob;10-01-2023;;;11-01-2023 09:00:00",
        // Highest stage job vs uddannelse: the later start (job) wins.
        "040480-1004;A-06;SA-4;10000025;Gamma;Kontanthjælp;Uddannelse;01-02-2023;30-04-2023;;01-05-2023 09:00:00",
        "040480-1004;A-07;SA-4;10000025;Gamma;Kontanthjælp;Ordinært job;01-03-2023;31-08-2023;37;01-09-2023 09:00:00",
        // Same start: highest is uddannelse (name last), and so is the last record (docs/metrics.md 4):
        // the open uddannelse, so the course runs, although the job ended.
        "050580-1005;A-08;SA-4;10000025;Gamma;Kontanthjælp;Ordinært job;01-05-2023;31-05-2023;37;01-06-2023 09:00:00",
        "050580-1005;A-09;SA-4;10000025;Gamma;Kontanthjælp;Uddannelse;01-05-2023;;;01-06-2023 09:00:00",
        // … and the other way round: the job is open, the uddannelse ended: ended at uddannelse.
        "141280-1220;A-73;SA-4;10000025;Gamma;Kontanthjælp;Ordinært job;01-05-2023;;37;01-06-2023 09:00:00",
        "141280-1220;A-74;SA-4;10000025;Gamma;Kontanthjælp;Uddannelse;01-05-2023;31-05-2023;;01-06-2023 09:00:00",
        // `ophoert` on the last day is the last record.
        "060680-1006;A-10;SA-5;10000033;Delta;Ressourceforløb;Småjob;01-06-2023;;5;01-06-2023 09:00:00",
        "060680-1006;A-11;SA-5;10000033;Delta;Ressourceforløb;Ophørt;01-06-2023;01-06-2023;;02-06-2023 09:00:00",
        // Only `ophoert`: highest stage none.
        "070780-1007;A-12;SA-5;10000033;Delta;Ressourceforløb;Ophørt;01-02-2023;01-02-2023;;02-02-2023 09:00:00",
        // First ranked record on a shared start is the lowest rank: moved up.
        "080880-1008;A-13;SA-5;10000033;Delta;Jobafklaringsforløb;Mentorforløb;01-01-2023;31-01-2023;;01-02-2023 09:00:00",
        "080880-1008;A-14;SA-5;10000033;Delta;Jobafklaringsforløb;Virksomhedspraktik;01-01-2023;28-02-2023;20;01-03-2023 09:00:00",
        // Agreement enterprise: two votes each, the smaller CVR wins.
        "090980-1009;A-15;SA-6;10000017;Beta;Kontanthjælp;Motivation;01-01-2023;31-01-2023;;01-02-2023 09:00:00",
        "090980-1009;A-16;SA-6;10000017;Beta;Kontanthjælp;Afklaring;01-02-2023;;;01-02-2023 09:00:00",
        "101080-1010;A-17;SA-6;10000009;Alfa;Kontanthjælp;Motivation;01-01-2023;31-01-2023;;01-02-2023 09:00:00",
        "101080-1010;A-18;SA-6;10000009;Alfa;Kontanthjælp;Kursus;01-02-2023;;;01-02-2023 09:00:00",
        // Youth: 29 at the paid hours, 30 at the education: outcome employment, 25-29.
        "150694-1011;A-19;SA-7;10000041;Epsilon;Uddannelseshjælp;Løntimer;01-03-2024;31-05-2024;15;01-06-2024 09:00:00",
        "150694-1011;A-20;SA-7;10000041;Epsilon;Uddannelseshjælp;Uddannelse;01-07-2024;;;01-07-2024 09:00:00",
        // 30 on the day itself: not young.
        "010794-1111;A-19b;SA-7;10000041;Epsilon;Uddannelseshjælp;Løntimer;01-07-2024;;;01-07-2024 09:00:00",
        // Born 29 Feb 2004 (seventh digit 4, 04 <= 36): 17 on 28 Feb 2022, 18 on 1 March 2022.
        "290204-4012;A-21;SA-7;10000041;Epsilon;Uddannelseshjælp;Løntimer;28-02-2022;;10;28-02-2022 09:00:00",
        "290204-4112;A-22;SA-7;10000041;Epsilon;Uddannelseshjælp;Uddannelse;01-03-2022;;;01-03-2022 09:00:00",
        // Replacement number (day + 60), and the century rule's edges.
        "610190-1013;A-23;SA-8;10000009;Alfa;Sygedagpenge;Ordinært job;01-06-2023;;;01-06-2023 09:00:00",
        "920190-1014;A-24;SA-8;10000009;Alfa;Sygedagpenge;Ordinært job;01-06-2023;;;01-06-2023 09:00:00",
        "010137-4015;A-25;SA-8;10000009;Alfa;Fleksjob;Ordinært job;01-02-2023;;;01-02-2023 09:00:00",
        "010158-5016;A-26;SA-8;10000009;Alfa;Fleksjob;Fleksjob;01-02-2023;;;01-02-2023 09:00:00",
        "010157-5017;A-27;SA-8;10000009;Alfa;Fleksjob;Fleksjob;01-02-2023;;;01-02-2023 09:00:00",
        "010136-9018;A-28;SA-8;10000009;Alfa;Fleksjob;Fleksjob;01-02-2023;;;01-02-2023 09:00:00",
        "010137-9118;A-29;SA-8;10000009;Alfa;Fleksjob;Fleksjob;01-02-2023;;;01-02-2023 09:00:00",
        // Whitespace anywhere in a CPR number; a doubled hyphen is malformed.
        "01 01 80-10 19;A-30;SA-8;10000009;Alfa;Kontanthjælp;Ordinært job;01-06-2023;;;01-06-2023 09:00:00",
        "010180\u{A0}1020;A-31;SA-8;10000009;Alfa;Ledighedsydelse;Ordinært job;01-06-2023;;;01-06-2023 09:00:00",  // no-break space
        "010180--1021;A-32;SA-8;10000009;Alfa;Kontanthjælp;Ordinært job;01-06-2023;;;01-06-2023 09:00:00",
        // A CPR number inside an id is masked (docs/metrics.md 19): both agreements are SA-XXXXXX-XXXX,
        // one agreement with two courses; the other number in an id stays (A-2023-0004711).
        "111180-1230;A-90;SA-150623-0042;10000009;Alfa;Kontanthjælp;Motivation;01-03-2023;;;01-03-2023 09:00:00",
        "121180-1231;A-2023-0004711;SA-010124-0007;10000009;Alfa;Kontanthjælp;Virksomhedspraktik;01-03-2023;;;01-03-2023 09:00:00",
        // Written with dots and an en dash (Windows-1252 0x96): masked as well, SA-XX.XX.XX–XXXX.
        "141180-1233;A-92;SA-15.06.23\u{2013}0042;10000009;Alfa;Kontanthjælp;Afklaring;01-03-2023;;;01-03-2023 09:00:00",
        // An empty Forløbs-ID breaks no rule (docs/metrics.md 18): kept, with the empty id, and counted.
        "131180-1232;;SA-8;10000009;Alfa;Kontanthjælp;Ordinært job;01-06-2023;;;01-06-2023 09:00:00",
        // recordedAt in Danish local time against the XML versions of the same identities (haendelser-edge-a.xml).
        "220280-1022;A-33;SA-9;10000017;Beta;Jobafklaringsforløb;Løntimer;01-09-2023;;;29-10-2023 02:30:00",
        "230370-1023;A-34;SA-9;10000017;Beta;Jobafklaringsforløb;Løntimer;01-09-2023;;;26-03-2023 02:30:00",
        "240490-1024;A-35;SA-9;10000017;Beta;Jobafklaringsforløb;Løntimer;01-09-2023;;;26-03-2023 03:00:00",
        "250560-1025;A-36;SA-9;10000017;Beta;Jobafklaringsforløb;Løntimer;01-09-2023;;;01-07-2023 13:30:00",
        "260600-4026;A-37;SA-9;10000017;Beta;Jobafklaringsforløb;Løntimer;01-09-2023;;;15-01-2023 12:00:00",
        "270796-1027;A-38;SA-9;10000017;Beta;Jobafklaringsforløb;Løntimer;01-09-2023;;;29-10-2023 03:00:00",
        // Same identity, same recordedAt, same source as forloeb-edge-b.csv: the tie-breaks.
        "280880-1028;F-1;SA-10;10000025;Gamma;Kontanthjælp;Ordinært job;01-02-2023;;;05-02-2023 10:00:00",
        "290970-1029;F-9;SA-10;10000025;Gamma;Kontanthjælp;Ordinært job;01-02-2023;;;05-02-2023 10:00:00",
        "301080-1030;F-30;SA-11;10000033;Delta;Kontanthjælp;Virksomhedspraktik;01-02-2023;;10;05-02-2023 10:00:00",
        "311280-1031;F-31;SA-12;;;Kontanthjælp;Virksomhedspraktik;01-02-2023;;10;05-02-2023 10:00:00",
        "011180-1032;A-43;SA-12;10000017;Beta;Kontanthjælp;Virksomhedspraktik;01-02-2023;;10;05-02-2023 10:00:00",
        // The remaining fields' order (docs/metrics.md 17): end date, hours, target group, age band, enterprise.
        "131280-1210;F-40;SA-17;;;Sygedagpenge;Ordinært job;01-02-2023;;;05-02-2023 10:00:00",
        "131280-1211;F-41;SA-17;;;Sygedagpenge;Ordinært job;01-02-2023;;;05-02-2023 10:00:00",
        "131280-1212;F-42;SA-17;;;Sygedagpenge;Ordinært job;01-02-2023;;;05-02-2023 10:00:00",
        // Surrounding white space (docs/metrics.md 14): every field padded with space, tab or no-break
        // space (0xA0); "SA-7 " is SA-7. The second row is an older version of the same identity.
        "121280-1201 ;A-70 ;SA-7 ;10000041\u{A0};Epsilon; Kontanthjælp;Ordinært job\t; 01-06-2023;\u{A0}30-06-2023 ; 12,5 ;\u{A0}01-07-2023 09:00:00 ",
        "121280-1201;A-70;\tSA-7;10000041;Epsilon;Kontanthjælp;Ordinært job;01-06-2023;;;01-06-2023 09:00:00",
        // Optional fields of white space only are absent: no CVR, no end date (running), no hours.
        "121280-1202;A-71;SA-7;\u{A0};;Kontanthjælp;Løntimer;01-06-2023; ;\u{A0} ;01-06-2023 09:00:00",
        // 0x85 is an ellipsis in Windows-1252, not white space: unknown target group.
        "121280-1203;A-72;;;;Kontanthjælp\u{2026};Motivation;01-06-2023;;;01-06-2023 09:00:00",
        // Row rules.
        "010180-1044;A-44;;;Bad \u{1}BAD\u{1};Kontanthjælp;Motivation;01-01-2023",  // bad byte and too few fields
        "010180-1045;A-45;;;;Kontanthjælp;Motivation;1-2-2023;;;01-02-2023 09:00:00",
        "010180-1046;A-46;;;;Kontanthjælp;Motivation;29-02-2023;;;01-03-2023 09:00:00",
        "010180-1047;A-47;;;;Kontanthjælp;Motivation;01-01-2023;;80,0;01-01-2023 09:00:00",
        "010180-1048;A-48;;;;Kontanthjælp;Motivation;01-01-2023;;80,5;01-01-2023 09:00:00",
        "010180-1049;A-49;;;;Kontanthjælp;Motivation;01-01-2023;;12.5;01-01-2023 09:00:00",
        "010180-1050;A-50;;;;Kontanthjælp;Motivation;01-01-2023;;;01-01-2023 24:00:00",
        "010180-1051;A-51;SA-13;10000041;Epsilon;Kontanthjælp;Afklaring;01-03-2023;01-03-2023;;01-03-2023 09:00:00",
        "010180-1052;A-52;SA-13;10000041;\"Epsilon \"\"X\"\";\r\nNord\";Kontanthjælp;Afklaring;01-04-2023;;;01-04-2023 09:00:00",
        "010180-1053;A-53;;;;Revalidering;Nyttejob;01-04-2023;;;01-04-2023 09:00:00",
        "010125-4054;A-54;;10000010;;Kontanthjælp;Motivation;01-04-2023;;;01-04-2023 09:00:00",
        "010180-1055;A-55;;;;Kontanthjælp;Motivation;01-04-2023;;-1;04-2023 09:00:00",
    ]
    /// The last row, written without a line end.
    static let forloebALast = "010180-1056;A-56;;;;Kontanthjælp;Motivation;01-01-2024;;;01-01-2024 09:00:00"

    /// forloeb-edge-b.csv: UTF-8 with BOM, columns reordered, an extra column, trailing `;`.
    static let forloebB: [String] = [
        "Registreret;Aktivitet;CPR-nr.;Forløbs-ID;Aftale-ID;CVR-nr.;Virksomhed;Målgruppe;Startdato;Slutdato;Timer pr. uge;Bemærkning;",
        "05-02-2023 10:00:00;Ordinært job;280880-1028;F-2;SA-10;10000025;Gamma;Sygedagpenge;01-02-2023;;;;",   // F-2 > F-1
        "05-02-2023 10:00:00;Ordinært job;290970-1029;F-9;SA-10;10000025;Gamma;Sygedagpenge;01-02-2023;;;;",   // target group
        "05-02-2023 10:00:00;Virksomhedspraktik;301080-1030;F-30;SA-11;10000033;Delta;Kontanthjælp;01-02-2023;30-04-2023;10;;",  // end
        "05-02-2023 10:00:00;Virksomhedspraktik;311280-1031;F-31;SA-12;10000009;Alfa;Kontanthjælp;01-02-2023;;10;;",  // enterprise
        "05-02-2023 10:00:00;Ordinært job;131280-1210;F-40;SA-17;;;Kontanthjælp;01-02-2023;28-02-2023;;;",  // end date first
        "05-02-2023 10:00:00;Ordinært job;131280-1211;F-41;SA-17;;;Kontanthjælp;01-02-2023;;10;;",          // hours before group
        "05-02-2023 10:00:00;Ordinært job;131280-1212;F-42;SA-17;10000114;Eta;Kontanthjælp;01-02-2023;;;;", // group before CVR
        // Unicode white space around every field (ideographic, em, narrow no-break, line separator,
        // next line, U+001C/U+001F, a quoted trailing line break) is trimmed; a zero-width space is not.
        "\u{3000}05-06-2023 10:00:00\u{85};\u{2003}Uddannelse\u{2028};121280-1205 ;B-70\u{1F};\u{202F}SA-7;10000041\u{1C};Epsilon;\"\u{205F}Kontanthjælp\u{1680}\n\";01-06-2023\u{2000};;;;",
        "05-06-2023 10:00:00;Uddannelse\u{200B};121280-1206;B-71;SA-7;;;Kontanthjælp;01-06-2023;;;;",
        "05-02-2023 10:00:00;Motivation;010180-1060;B-60;;;Caf\u{1}BAD\u{1};Kontanthjælp;01-01-2023;;;;",
        "05-02-2023 10:00:00;Motivation;010180-1061;B-61;;;;Kontanthjælp;01-01-2023;;;\"to\nlinjer; og \"\"citat\"\"\";",
    ]

    static let forloebTruncated = header + "\r\n"
        + "010180-1057;T-57;;;;Kontanthjælp;Motivation;01-01-2023;;;01-01-2023 09:00:00\r\n"
        + "010180-1058;T-58;;;\"Caf"

    /// haendelser-edge-a.xml: the default namespace.
    static let haendelserA = """
        <?xml version="1.0" encoding="UTF-8"?>
        <Forloebsudtraek xmlns="urn:example:socialoekonomi:forloeb:1" dannet="2024-01-05T02:00:00+01:00" kilde="partnerportal">
        \(forloeb("P-1", "0101801001", "SA-1", "10000009", #"<Maalgruppe kode="SD">Sygedagpenge</Maalgruppe>"#,
                   [#"<Haendelse type="job" start="2023-03-01" registreret="2023-03-02T10:00:00+01:00"/>"#]))
        \(dst("P-22", "2202801022", "2023-10-29T00:45:00Z"))
        \(dst("P-23", "2303701023", "2023-03-26T01:15:00Z"))
        \(dst("P-24", "2404901024", "2023-03-26T03:00:00+02:00"))
        \(dst("P-25", "2505601025", "2023-07-01T12:00:00"))
        \(dst("P-26", "2606004026", "2023-01-15T10:30:00Z"))
        \(dst("P-27", "2707961027", "2023-10-29T01:59:00Z"))
        \(forloeb("P-33", "0101801033", "SA-14", "10000041", #"<Maalgruppe kode="SD"></Maalgruppe>"#, [job]))
        \(forloeb("P-34", "0101701034", "SA-14", "10000041", #"<Maalgruppe kode="KH"/>"#, [job]))
        \(forloeb("P-35", "0101901035", "SA-14", "10000041", #"<Maalgruppe kode="RF">Kontanthjælp</Maalgruppe>"#, [job]))
        \(forloeb("P-36", "0101601036", "SA-14", "10000041", #"<Maalgruppe kode="SD">   </Maalgruppe>"#, [job]))
        \(forloeb("P-37", "0101801037", "SA-13", "10000041", #"<Maalgruppe kode="KH"/>"#, [
            #"<Haendelse type="praktik" start="2023-04-01" slut="2023-03-31T22:00:00Z" registreret="2023-04-02T10:00:00+02:00"/>"#]))
        \(forloeb("P-38", "0101801038", "SA-13", "10000041", #"<Maalgruppe kode="KH"/>"#, [
            #"<Haendelse type="praktik" start="2023-02-01" slut="2023-01-31T23:00:00Z" registreret="2023-02-02T10:00:00+01:00"/>"#]))
        \(forloeb("P-39", "0101801039", "SA-13", "10000041", #"<Maalgruppe kode="KH"/>"#, [
            #"<Haendelse type="praktik" start="2023-04-01" slut="2023-04-01T00:30:00+02:00" registreret="2023-04-02T10:00:00+02:00"/>"#]))
        \(forloeb("P-40", "0101801040", "SA-13", "10000041", #"<Maalgruppe kode="KH"/>"#, [
            #"<Haendelse type="praktik" start="2023-04-01" slut="2023-03-31T21:59:00Z" registreret="2023-04-02T10:00:00+02:00"/>"#]))
        \(forloeb("P-41", "0101801041", "SA-13", "10000041", #"<Maalgruppe kode="KH"/>"#, [
            #"<Haendelse type="praktik" start="2023-05-01" timer="12,5" registreret="2023-05-02T10:00:00+02:00"/>"#,
            #"<Haendelse type="afklaring" start="2023-05-01" timer="80.5" registreret="2023-05-02T10:00:00+02:00"/>"#,
            #"<Haendelse type="Praktik" start="2023-06-01" registreret="2023-06-02T10:00:00+02:00"/>"#,
            #"<Haendelse type="motivation" start="2023-07-01" timer="80.0" registreret="2023-07-02T10:00:00+02:00"/>"#]))
        \(forloeb("P-44", "0101801044", "SA-13", "10000010", #"<Maalgruppe kode="KH"/>"#, [job, job.replacingOccurrences(of: "2023-05-01", with: "2023-06-01")]))
        \(forloeb("P-45", "0101501045", "", "", "<Maalgruppe>Integrationsydelse</Maalgruppe>", [job]))
        \(forloeb("P-60", "0101701060", "SA-16", "10000106", "<Maalgruppe>Uddannelseshjælp</Maalgruppe>", [job]))
        \(forloeb(" P-70\u{A0}", " 0101801070 ", "&#160;SA-14 ", "&#160;10000041 ", #"<Maalgruppe kode=" SD ">&#160;&#x3000;</Maalgruppe>"#, [
            #"<Haendelse type=" job" start="2023-05-01 " slut=" 2023-05-31&#x2003;" timer="&#9;12.5 " registreret="&#160;2023-05-02T10:00:00+02:00"/>"#]))
        </Forloebsudtraek>
        """

    /// haendelser-edge-b.xml: a prefix instead of the default namespace.
    static let haendelserB = """
        <?xml version="1.0" encoding="UTF-8"?>
        <f:Forloebsudtraek xmlns:f="urn:example:socialoekonomi:forloeb:1" dannet="2024-01-06T02:00:00+01:00" kilde="partnerportal">
          <f:Forloeb id="P-61">
            <f:Borger><f:CPR>010170-1060</f:CPR></f:Borger>
            <f:Aftale id="SA-16"><f:CVR>10000106</f:CVR></f:Aftale>
            <f:Maalgruppe>Integrationsydelse</f:Maalgruppe>
            <f:Haendelser>\(job.replacingOccurrences(of: "<", with: "<f:"))</f:Haendelser>
          </f:Forloeb>
          <f:Forloeb id="P-50">
            <f:Borger><f:CPR>0101851050</f:CPR></f:Borger>
            <f:Aftale id="SA-15"><f:CVR>10000041</f:CVR></f:Aftale>
            <f:Maalgruppe kode="IY">Integrationsydelse</f:Maalgruppe>
            <f:Haendelser>
              <f:Haendelse type="uddannelse" start="2023-08-01" registreret="2023-08-01T12:00:00+02:00"/>
            </f:Haendelser>
          </f:Forloeb>
        </f:Forloebsudtraek>
        """

    static let job = #"<Haendelse type="job" start="2023-05-01" registreret="2023-05-02T10:00:00+02:00"/>"#

    static func forloeb(_ id: String, _ cpr: String, _ agreement: String, _ cvr: String, _ group: String, _ events: [String]) -> String {
        """
          <Forloeb id="\(id)">
            <Borger><CPR>\(cpr)</CPR></Borger>
            <Aftale id="\(agreement)"><CVR>\(cvr)</CVR></Aftale>
            \(group)
            <Haendelser>
              \(events.joined(separator: "\n      "))
            </Haendelser>
          </Forloeb>
        """
    }

    /// The XML version of a CSV identity above (same agreement, stage and start), another target group.
    static func dst(_ id: String, _ cpr: String, _ recordedAt: String) -> String {
        forloeb(id, cpr, "SA-9", "10000017", #"<Maalgruppe kode="RF">Ressourceforløb</Maalgruppe>"#,
                [#"<Haendelse type="loentimer" start="2023-09-01" registreret="\#(recordedAt)"/>"#])
    }

    static let registerHeader = "CVR,Navn,Type,Social bundlinje,Lokal bundlinje,Økonomisk bundlinje,Startdato,Slutdato"
    static let registerA: [String] = [
        "10000009,Alfa,Virksomhed,ja,ja,ja,2015-01-01,",
        "10000009,Alfa,Virksomhed,ja,ja,ja,2015-01-01,2022-06-30",  // the later row wins
        "10000017,Beta,Initiativ,ja,ja,nej,2010-01-01,2023-01-01",
        "10000025,Gamma,Forening,ja,ja,ja,2024-12-31,",
        #"10000033,"Alpha, ""A""",Virksomhed,ja,ja,ja,2015-01-01,"#,
        "10000041,Epsilon,Initiativ,ja,ja,ja,2015-01-01,2020-01-01",
        "10000068,Fonden,Fond,ja,ja,ja,2015-01-01,",
        "10000076,Store bogstaver,Initiativ,Ja,ja,ja,2015-01-01,",
        "10000084,Dato,Initiativ,ja,ja,ja,2023-02-30,",
        "10000010,Forkert CVR,Initiativ,ja,ja,ja,2015-01-01,",
        "10000092,\"To\nlinjer\",Forening,nej,ja,ja,2019-05-05,",
        "10000009,Alfa,Virksomhed,ja,ja,ja,2015-01-01,2022-13-01",  // rejected: does not replace the row above
    ]
    static let registerB: [String] = [
        "10000033,Beta-navn,Forening,ja,ja,ja,2015-01-01,",      // across files: the greater name
        "10000041,Epsilon,Initiativ,ja,ja,ja,2015-01-01,",       // across files: an end date beats none
        "10000106,Zeta,Virksomhed,ja,nej,ja,2022-01-01,",
        "\u{A0}10000114 , Eta ,\u{3000}Forening,ja ,\tnej, ja ,2022-01-01\u{2003}, ",  // every field trimmed; no end date
    ]

    /// Writes the files into `directory`; returns their names.
    static func write(to directory: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        func save(_ name: String, _ data: Data) throws {
            try data.write(to: URL(fileURLWithPath: directory + "/" + name))
        }
        /// Encodes, then turns each "\u{1}BAD\u{1}" into a byte invalid in the encoding.
        func bytes(_ text: String, windows1252: Bool) -> Data {
            var data = windows1252 ? text.data(using: .windowsCP1252)! : Data(text.utf8)
            let marker = Data("\u{1}BAD\u{1}".utf8), bad = Data([windows1252 ? 0x81 : 0xC3, 0x28])
            while let r = data.range(of: marker) { data.replaceSubrange(r, with: bad) }
            return data
        }
        let bom = Data([0xEF, 0xBB, 0xBF])
        try save("forloeb-edge-a.csv", bytes(([header] + forloebA).joined(separator: "\r\n") + "\r\n" + forloebALast, windows1252: true))
        try save("forloeb-edge-b.csv", bom + bytes(forloebB.joined(separator: "\r\n") + "\r\n", windows1252: false))
        try save("forloeb-edge-truncated.csv", bytes(forloebTruncated, windows1252: true))
        try save("haendelser-edge-a.xml", Data(haendelserA.utf8))
        try save("haendelser-edge-b.xml", Data(haendelserB.utf8))
        try save("virksomheder-edge-a.csv", bom + Data(([registerHeader] + registerA).joined(separator: "\n").utf8 + [0x0A]))
        try save("virksomheder-edge-b.csv", bom + Data(([registerHeader] + registerB).joined(separator: "\n").utf8 + [0x0A]))
        return ["forloeb-edge-a.csv", "forloeb-edge-b.csv", "forloeb-edge-truncated.csv", "haendelser-edge-a.xml",
                "haendelser-edge-b.xml", "virksomheder-edge-a.csv", "virksomheder-edge-b.csv"]
    }
}
