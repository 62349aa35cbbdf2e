import Foundation
import Testing
import TrinCore
@testable import TrinMapping

/// Values by column index, for decoding without a file.
func Row(values: [[UInt8]]) -> FieldValues {
    let v = FieldValues(slots: values.count)
    for (i, bytes) in values.enumerated() { bytes.withUnsafeBufferPointer { v.set(i, $0) } }
    return v
}

let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

@Suite struct RecordDecoderTests {
    let mapping = try! MappingLoader.load(path: repoRoot + "/mappings/forloeb.yaml")
    let columns = ["CPR-nr.", "Forløbs-ID", "Aftale-ID", "CVR-nr.", "Virksomhed", "Målgruppe", "Aktivitet",
                   "Startdato", "Slutdato", "Timer pr. uge", "Registreret"]

    func decode(_ overrides: [String: String]) throws -> RecordDecoder.Outcome {
        var row: [String: String] = [
            "CPR-nr.": "010190-1234", "Forløbs-ID": "F-1", "Aftale-ID": "SA-2022-007", "CVR-nr.": "12345674",
            "Virksomhed": "Café", "Målgruppe": "Ressourceforløb", "Aktivitet": "Virksomhedspraktik",
            "Startdato": "03-01-2023", "Slutdato": "31-03-2023", "Timer pr. uge": "12,5",
            "Registreret": "03-01-2023 14:22:05",
        ]
        for (k, v) in overrides { row[k] = v }
        let decoder = try RecordDecoder(mapping: mapping) { columns.firstIndex(of: $0) }
        return decoder.decode(Row(values: columns.map { Array((row[$0] ?? "").utf8) }))
    }

    func reason(_ overrides: [String: String]) throws -> RejectReason? {
        if case .rejected(let r, _, _) = try decode(overrides) { return r }
        return nil
    }

    @Test func decodesAGoodRow() throws {
        guard case .event(let e) = try decode([:]) else { Issue.record("rejected"); return }
        #expect(e.stage == .praktik && e.targetGroup == .ressourceforloeb)
        #expect(e.start.description == "2023-01-03" && e.end?.description == "2023-03-31")
        #expect(e.hoursPerWeek == 12.5)
        #expect(e.recordedAt.description == "2023-01-03T13:22:05Z")
        #expect(e.ageBand == .from30to39 && e.agreement == "SA-2022-007" && e.enterprise == "12345674")
    }

    /// Codes are told apart by their first eight bytes first, then by length and the rest:
    /// codes that share a beginning, or are a prefix of each other, must each find their own value.
    @Test func codesThatShareTheirFirstBytesFindTheirOwnValues() throws {
        let yaml = """
            mapping: t
            format: csv
            csv: { columns: [A, B, C, D, E, F] }
            fields:
              cpr: A
              sourceRecordID: B
              targetGroup: { from: C, values: { Fleksjob: fleksjob } }
              stage:
                from: D
                values: { Virksom: motivation, Virksomh: afklaring, Virksomhedspraktik: praktik,
                          Virksomhedspraktikforlaengelse: job, "": uddannelse, "ø": loentimer }
              start: { from: E, format: yyyy-MM-dd }
              recordedAt: { from: F, format: "yyyy-MM-dd HH:mm:ss" }

            """
        let decoder = try RecordDecoder(mapping: try MappingLoader.parse(yaml: yaml, file: "m.yaml")) { ["A", "B", "C", "D", "E", "F"].firstIndex(of: $0) }
        func stage(_ activity: String) -> Stage? {
            let row = ["010190-1234", "F-1", "Fleksjob", activity, "2023-01-03", "2023-01-03 14:22:05"]
            if case .event(let e) = decoder.decode(Row(values: row.map { Array($0.utf8) })) { return e.stage }
            return nil
        }
        #expect(stage("Virksom") == .motivation)
        #expect(stage("Virksomh") == .afklaring)
        #expect(stage("Virksomhedspraktik") == .praktik)
        #expect(stage("Virksomhedspraktikforlaengelse") == .job)
        #expect(stage("ø") == .loentimer)
        for unknown in ["Virksomhedspraktiz", "Virksomhedspraktikforlaengelsf", "Virkso", "Virksomhe", "Virksomh\u{0}", "ø\u{0}"] {
            #expect(stage(unknown) == nil, "\(unknown)")
        }
    }

    /// One decoder and one set of values over many rows, as an import reads them: a CPR
    /// number repeated from the row before is taken from the last parse, and must decode
    /// exactly as it does alone, whatever came before it.
    @Test func consecutiveRowsDecodeAsEachDoesAlone() throws {
        let decoder = try RecordDecoder(mapping: mapping) { columns.firstIndex(of: $0) }
        let values = FieldValues(slots: columns.count)
        let numbers = ["010190-1234", "010190-1234", "0101901234", "3202901234", "3202901234", "010190-1234", "01019-1234",
                       "010190-12345", "010190-1234", "", "010190-1234", "1506451234", "150645-1234", "1506451234 ", "0101901234",
                       // The same first eight bytes, another tail: never taken for the number before.
                       "010190-1299", "010190-1234", "0101901299", "0101901234", "3112999999", "3112990000"]
        for (i, cpr) in numbers.enumerated() {
            let row: [String: String] = [
                "CPR-nr.": cpr, "Forløbs-ID": "F-\(i)", "Aftale-ID": "SA-2022-007", "CVR-nr.": "12345674", "Virksomhed": "Café",
                "Målgruppe": "Ressourceforløb", "Aktivitet": "Virksomhedspraktik", "Startdato": "03-01-2023",
                "Slutdato": "31-03-2023", "Timer pr. uge": "12,5", "Registreret": "03-01-2023 14:22:05",
            ]
            let bytes = columns.map { Array((row[$0] ?? "").utf8) }
            values.reset()
            for (slot, b) in bytes.enumerated() { b.withUnsafeBufferPointer { values.set(slot, $0) } }
            let together = decoder.decode(values)
            let alone = try RecordDecoder(mapping: mapping) { columns.firstIndex(of: $0) }.decode(Row(values: bytes))
            switch (together, alone) {
            case (.event(let a), .event(let b)):
                #expect(a.cpr == b.cpr && a.ageBand == b.ageBand, "row \(i): \(cpr)")
            case (.rejected(let a, _, _), .rejected(let b, _, _)):
                #expect(a == b, "row \(i): \(cpr)")
            default:
                Issue.record("row \(i) (\(cpr)): \(together) alone \(alone)")
            }
        }
    }

    @Test func eachRuleHasItsReason() throws {
        #expect(try reason(["CPR-nr.": "01019-1234"]) == .cprMalformed)
        #expect(try reason(["CPR-nr.": ""]) == .cprMalformed)
        #expect(try reason(["CPR-nr.": "3202901234"]) == .cprInvalidDate)
        #expect(try reason(["Målgruppe": "Dagpenge"]) == .unknownTargetGroup)
        #expect(try reason(["Aktivitet": "Yoga"]) == .unknownActivity)
        #expect(try reason(["Startdato": "31-02-2023"]) == .invalidDate)
        #expect(try reason(["Slutdato": "2023-03-31"]) == .invalidDate)
        #expect(try reason(["Slutdato": "02-01-2023"]) == .endBeforeStart)
        #expect(try reason(["Timer pr. uge": "-3"]) == .invalidHours)
        #expect(try reason(["Timer pr. uge": "12.5"]) == .invalidHours)
        #expect(try reason(["Timer pr. uge": "abc"]) == .invalidHours)
        #expect(try reason(["Timer pr. uge": "400"]) == .hoursOutOfRange)
        #expect(try reason(["Timer pr. uge": "80,5"]) == .hoursOutOfRange)
        #expect(try reason(["Timer pr. uge": "80,000000000000000001"]) == .hoursOutOfRange)  // 80.0 as a Double
        for fine in ["80", "80,000", "79,99999999999999999"] {
            guard case .event = try decode(["Timer pr. uge": fine]) else { Issue.record("\(fine) rejected"); continue }
        }
        #expect(try reason(["Registreret": "03-01-2023 25:00:00"]) == .invalidTimestamp)
        #expect(try reason(["CVR-nr.": "12345675"]) == .invalidCVR)
        #expect(try reason(["CPR-nr.": "0101301234", "Startdato": "03-01-2023"]) == nil)       // born 1930
        #expect(try reason(["CPR-nr.": "0101304234", "Slutdato": ""]) == .birthAfterEvent)     // born 2030
    }

    @Test func firstFailureInDefinitionsOrderWins() throws {
        #expect(try reason(["CPR-nr.": "x", "Aktivitet": "Yoga"]) == .cprMalformed)
        #expect(try reason(["Målgruppe": "?", "Aktivitet": "Yoga"]) == .unknownTargetGroup)
        #expect(try reason(["Aktivitet": "Yoga", "Startdato": "x"]) == .unknownActivity)
        #expect(try reason(["Slutdato": "01-01-2020", "Timer pr. uge": "400"]) == .endBeforeStart)
        #expect(try reason(["Timer pr. uge": "400", "Registreret": "x"]) == .hoursOutOfRange)
        #expect(try reason(["Registreret": "x", "CVR-nr.": "1"]) == .invalidTimestamp)
        #expect(try reason(["CVR-nr.": "1", "CPR-nr.": "0101304234"]) == .invalidCVR)
    }

    @Test func emptyOptionalFieldsAreAbsentAndEndMayEqualStart() throws {
        guard case .event(let e) = try decode(["Aftale-ID": "", "CVR-nr.": "", "Slutdato": "03-01-2023", "Timer pr. uge": ""])
        else { Issue.record("rejected"); return }
        #expect(e.agreement == nil && e.enterprise == nil && e.hoursPerWeek == nil && e.end == e.start)
    }

    @Test func aMissingRequiredColumnRefusesTheFile() throws {
        // The shipped mapping requires every column it reads, optional fields' too.
        for column in ["Aktivitet", "Timer pr. uge", "Slutdato"] {
            #expect(throws: MappingError.self, "\(column)") {
                _ = try RecordDecoder(mapping: mapping) { $0 == column ? nil : columns.firstIndex(of: $0) }
            }
        }
        // An optional field's column may be missing where a mapping does not require it.
        let lenient = try MappingLoader.parse(yaml: try String(contentsOfFile: repoRoot + "/mappings/forloeb.yaml", encoding: .utf8)
            .replacingOccurrences(of: #"decimalSeparator: ",", required: true"#, with: #"decimalSeparator: ",", required: false"#),
                                              file: "lenient.yaml")
        #expect(throws: Never.self) {
            _ = try RecordDecoder(mapping: lenient) { $0 == "Timer pr. uge" ? nil : columns.firstIndex(of: $0) }
        }
    }
}

@Suite struct MappingLoaderTests {
    func error(_ yaml: String) -> String {
        do { _ = try MappingLoader.parse(yaml: yaml, file: "m.yaml"); return "no error" } catch { return "\(error)" }
    }

    let base = """
        mapping: t
        format: csv
        csv: { columns: [A, B, C, D, E, F, G] }
        fields:
          cpr: A
          sourceRecordID: B
          targetGroup: { from: C, values: { X: other } }
          stage: { from: D, values: { Y: job } }
          start: { from: E, format: yyyy-MM-dd }
          recordedAt: { from: F, format: "yyyy-MM-dd HH:mm:ss" }

        """

    /// `parse` throws the first problem: a field's comes before one of the XML layout found
    /// after the fields; `loadCheckingAll` lists both, and no field as unbound that is bound.
    @Test func theFirstProblemIsThrownAndAllAreListed() throws {
        let yaml = """
            mapping: x
            format: xml
            xml: { namespaces: { f: "urn:f" }, root: g:Root, record: g:Root/g:Item }
            fields:
              cpr: "@cpr"
              sourceRecordID: { from: "@id", unknownKey: 1 }
              targetGroup: { from: "@tg", values: { A: fleksjob } }
              stage: { from: "@st", values: { B: job } }
              start: { from: "@start", format: yyyy-MM-dd }
              recordedAt: { from: "@at", format: "yyyy-MM-dd HH:mm:ss" }

            """
        let thrown = error(yaml)
        #expect(thrown.hasPrefix("m.yaml:6: ") && thrown.contains("unknownKey"), "\(thrown)")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("trin-first-problem-\(UUID().uuidString).yaml").path
        try yaml.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let (mapping, problems) = MappingLoader.loadCheckingAll(path: file)
        #expect(mapping == nil)
        let texts = problems.map(\.description)
        #expect(texts.count == 2, "\(texts)")
        #expect(texts.first?.contains("unknownKey") == true && texts.last?.contains("xml: ") == true, "\(texts)")
        #expect(!texts.contains { $0.contains("is not bound") }, "\(texts)")
    }

    @Test("a CSV dialect that can read no file is refused when the mapping loads, at its line")
    func unusableDialectIsRefusedAtLoad() {
        func with(_ csv: String) -> String { error(base.replacingOccurrences(of: "csv: { columns: [A, B, C, D, E, F, G] }", with: csv)) }
        #expect(with("csv: { delimiter: '\"' }") == "m.yaml:3: `delimiter` and `quote` must differ")
        #expect(with("csv: { delimiter: ';', quote: ';' }") == "m.yaml:3: `delimiter` and `quote` must differ")
        #expect(with("csv: { delimiter: \"\\n\" }") == "m.yaml:3: `delimiter` cannot be a line break")
        #expect(with("csv: { delimiter: ';', quote: \"'\" }") == "no error")
        // A fallback is read one level deep; a second level would never be read.
        let nested = base.replacingOccurrences(of: "stage: { from: D, values: { Y: job } }",
                                               with: "stage: { from: D, values: { Y: job }, fallback: { from: G, values: { Y: job }, fallback: { from: A, values: { Y: job } } } }")
        #expect(error(nested).contains("a `fallback` cannot have a `fallback` of its own"), "\(error(nested))")
    }

    @Test("a word or code that can never match (in both word lists, white space at an end) is refused when the mapping loads")
    func ambiguousBooleanWordsAreRefused() throws {
        let register = try String(contentsOfFile: repoRoot + "/mappings/virksomheder.yaml", encoding: .utf8)
        func with(_ words: String) -> String {
            error(register.replacingOccurrences(of: "socialBottomLine: { from: \"Social bundlinje\", true: [ja], false: [nej] }",
                                                with: "socialBottomLine: { from: \"Social bundlinje\", \(words) }"))
        }
        #expect(with("true: [ja], false: [nej]") == "no error")
        #expect(with("true: [ja, x], false: [nej, x]").contains("`x` is both a `true` and a `false` word of socialBottomLine"),
                "\(with("true: [ja, x], false: [nej, x]"))")
        // The defaults are `ja` and `nej`: `ja` given as false alone collides with the default true word.
        #expect(with("false: [ja]").contains("`ja` is both a `true` and a `false` word"))
        // Texts are trimmed before they are compared: a word with white space at an end never matches.
        #expect(with("true: [\"ja \"], false: [nej]").contains("the word `ja ` of socialBottomLine has white space at an end"))
        let code = error(base.replacingOccurrences(of: "values: { X: other }", with: "values: { \" X\": other }"))
        #expect(code.contains("the code ` X` has white space at an end"), "\(code)")
        // Joined places are not trimmed again: `A` and an empty `G` joined by a space give `A `.
        let joined = error(base.replacingOccurrences(of: "targetGroup: { from: C, values: { X: other } }",
                                                     with: "targetGroup: { from: [C, G], separator: \" \", values: { \"X \": other } }"))
        #expect(joined == "no error", "\(joined)")
    }

    @Test("a constant its field's type can never read is refused when the mapping loads")
    func badConstantsAreRefusedAtLoad() {
        func with(_ old: String, _ new: String) -> String { error(base.replacingOccurrences(of: old, with: new)) }
        let start = "start: { from: E, format: yyyy-MM-dd }"
        #expect(with(start, "start: { constant: \"2023-13-45\", format: yyyy-MM-dd }").contains("is not a date"))
        #expect(with(start, "start: { constant: \" 2023-01-05 \", format: yyyy-MM-dd }") == "no error")
        let stage = "stage: { from: D, values: { Y: job } }"
        #expect(with(stage, "stage: { constant: Z, values: { Y: job } }").contains("is not one of the field's `values`"))
        #expect(with(stage, "stage: { constant: Y, values: { Y: job } }") == "no error")
        #expect(with(stage, "stage: { constant: Z, values: { Y: job }, unknown: job }") == "no error")
        #expect(error(base + "  enterprise: { constant: \"12345678\" }\n").contains("is not a CVR number"))
        #expect(error(base + "  enterprise: { constant: \"12345674\" }\n") == "no error")
        #expect(error(base + "  hoursPerWeek: { constant: \"12,5\", decimalSeparator: \".\" }\n").contains("is not a decimal"))
        let recorded = "recordedAt: { from: F, format: \"yyyy-MM-dd HH:mm:ss\" }"
        #expect(with(recorded, "recordedAt: { from: F, format: \"yyyy-MM-dd HH:mm:ss\", fallback: { constant: \"soon\", format: \"yyyy-MM-dd HH:mm:ss\" } }")
            .contains("is not a timestamp"))
        let cpr = with("cpr: A", "cpr: { constant: \"0101901234\" }")
        #expect(cpr.contains("fixed CPR number") && !cpr.contains("0101901234"), "\(cpr)")
    }

    @Test("a key the field's type never reads is refused when the mapping loads")
    func keysOfAnotherTypeAreRefusedAtLoad() {
        #expect(error(base + "  hoursPerWeek: { from: G, format: yyyy-MM-dd }\n").contains("`format` does not apply"))
        #expect(error(base + "  end: { from: G, format: yyyy-MM-dd, decimalSeparator: \",\" }\n").contains("`decimalSeparator` does not apply"))
        #expect(error(base + "  agreement: { from: G, values: { A: B } }\n").contains("`values` does not apply"))
        #expect(error(base + "  agreement: { from: G, separator: \"+\" }\n").contains("fewer than two"))
        #expect(error(base + "  agreement: { from: [G, A], separator: \"+\" }\n") == "no error")
        #expect(error(base + "  hoursPerWeek: { from: G, decimalSeparator: \",\" }\n") == "no error")
    }

    @Test func shippedMappingsLoad() throws {
        for name in ["forloeb", "virksomheder"] {
            let m = try MappingLoader.load(path: repoRoot + "/mappings/\(name).yaml")
            #expect(m.name == name)
        }
    }

    @Test func errorsNameTheFileAndLine() {
        #expect(error(base) == "no error")
        #expect(error(base + "  hoursPerWeek: { from: Z }\n").hasPrefix("m.yaml:11: unknown column `Z`"))
        #expect(error(base + "  hoursPerWeek: { from: G, type: money }\n").hasPrefix("m.yaml:11: unknown type `money`"))
        #expect(error(base + "  colour: G\n").hasPrefix("m.yaml:11: unknown canonical field `colour`"))
        #expect(error(base.replacingOccurrences(of: "Y: job", with: "Y: boss")).hasPrefix("m.yaml:8: unknown canonical value `boss`"))
        #expect(error(base.replacingOccurrences(of: "format: yyyy-MM-dd }", with: "format: yyyy-QQ-dd }")).hasPrefix("m.yaml:9: unknown date format"))
        #expect(error(base.replacingOccurrences(of: "  cpr: A\n", with: "")).contains("required field `cpr` is not bound"))
        #expect(error(base + "  end: { from: G, fromm: x }\n").hasPrefix("m.yaml:11: unknown key `fromm`"))
        #expect(error(base.replacingOccurrences(of: "values: { X: other }", with: "values: { X: other }, unknown: other")) == "no error")
        #expect(error(base.replacingOccurrences(of: "values: { Y: job }", with: "values: { Y: job }, unknown: other")).contains("unknown must be `reject` or a canonical value"))
    }
}

/// Decoding in place lends an event's texts from the record's values; joined fields are
/// built in scratch memory, and every lent text must stay intact until the next record.
@Suite struct InPlaceDecodingTests {
    @Test("joined and masked texts lent by decodeInPlace stay intact for the whole record")
    func lentTextsStayIntact() throws {
        let text = try String(contentsOfFile: repoRoot + "/mappings/forloeb.yaml", encoding: .utf8)
            .replacingOccurrences(of: #"sourceRecordID: "Forløbs-ID""#,
                                  with: #"sourceRecordID: { from: ["Forløbs-ID", "Startdato", "Aktivitet"], separator: "/" }"#)
            .replacingOccurrences(of: #"agreement: { from: "Aftale-ID", required: true }"#,
                                  with: #"agreement: { from: ["Aftale-ID", "Virksomhed"], separator: "+", required: true }"#)
        let mapping = try MappingLoader.parse(yaml: text, file: "joined.yaml")
        let columns = ["CPR-nr.", "Forløbs-ID", "Aftale-ID", "CVR-nr.", "Virksomhed", "Målgruppe", "Aktivitet",
                       "Startdato", "Slutdato", "Timer pr. uge", "Registreret"]
        let decoder = try RecordDecoder(mapping: mapping) { columns.firstIndex(of: $0) }
        func row(id: String, agreement: String) -> FieldValues {
            let values = ["0101901234", id, agreement, "12345674", "Café", "Ressourceforløb", "Virksomhedspraktik",
                          "03-01-2023", "31-03-2023", "12,5", "03-01-2023 14:22:05"]
            return Row(values: values.map { Array($0.utf8) })
        }
        // A long id (past the inline-string size) and an id holding a valid CPR number (masked).
        for (id, expectedID) in [("F-000000000000000000042", "F-000000000000000000042/03-01-2023/Virksomhedspraktik"),
                                 ("0101901234", "XXXXXXXXXX/03-01-2023/Virksomhedspraktik")] {
            let values = row(id: id, agreement: "SA-2022-007")
            guard case .event(let e) = decoder.decodeInPlace(values) else { Issue.record("rejected"); return }
            #expect(String(decoding: e.sourceRecordID, as: UTF8.self) == expectedID)
            #expect(e.agreement.map { String(decoding: $0, as: UTF8.self) } == "SA-2022-007+Café")
            #expect(e.enterprise.map { String(decoding: $0, as: UTF8.self) } == "12345674")
            #expect(e.owned.sourceRecordID == expectedID)
        }
        // Parts that are all empty (or white space) join to no value, not to the separator alone.
        let empty = Row(values: ["0101901234", "F-1", "", "12345674", " \u{A0}", "Ressourceforløb", "Virksomhedspraktik",
                                 "03-01-2023", "31-03-2023", "12,5", "03-01-2023 14:22:05"].map { Array($0.utf8) })
        guard case .event(let e) = decoder.decodeInPlace(empty) else { Issue.record("rejected"); return }
        #expect(e.agreement == nil, "\(e.agreement.map { String(decoding: $0, as: UTF8.self) } ?? "nil")")
    }
}

/// A view of lent texts read after its values were replaced traps in a debug build (where
/// every test runs), instead of reading whatever the reused buffer holds.
@Suite struct LentViewTests {
    /// Decodes one row and reads the view's texts, replacing the values first when asked.
    static func readView(afterReplacing replace: Bool) throws {
        let mapping = try MappingLoader.load(path: repoRoot + "/mappings/forloeb.yaml")
        let columns = ["CPR-nr.", "Forløbs-ID", "Aftale-ID", "CVR-nr.", "Virksomhed", "Målgruppe", "Aktivitet",
                       "Startdato", "Slutdato", "Timer pr. uge", "Registreret"]
        let decoder = try RecordDecoder(mapping: mapping) { columns.firstIndex(of: $0) }
        let values = Row(values: ["0101901234", "F-1", "SA-1", "12345674", "Café", "Ressourceforløb", "Virksomhedspraktik",
                                  "03-01-2023", "31-03-2023", "12,5", "03-01-2023 14:22:05"].map { Array($0.utf8) })
        guard case .event(let view) = decoder.decodeInPlace(values) else { fatalError("the row was rejected") }
        precondition(String(decoding: view.sourceRecordID, as: UTF8.self) == "F-1")
        if replace { values.reset() }  // the next record
        _ = view.sourceRecordID
    }

    @Test func aViewReadInItsRecordsLifetimeIsFine() async {
        await #expect(processExitsWith: .success) { try LentViewTests.readView(afterReplacing: false) }
    }

    @Test func aViewReadAfterItsRecordWasReplacedTraps() async {
        await #expect(processExitsWith: .failure) { try LentViewTests.readView(afterReplacing: true) }
    }
}

/// Surrounding white space (Unicode's, plus U+001C…U+001F) is removed from every value before
/// any rule reads it; a value that is empty after trimming is absent. Inner white space stays.
@Suite struct SurroundingWhitespaceTests {
    let columns = ["CPR-nr.", "Forløbs-ID", "Aftale-ID", "CVR-nr.", "Virksomhed", "Målgruppe", "Aktivitet",
                   "Startdato", "Slutdato", "Timer pr. uge", "Registreret"]

    func decode(_ mappingName: String, _ slots: [String], _ row: [String: String]) throws -> RecordDecoder.Outcome {
        let mapping = try MappingLoader.load(path: repoRoot + "/mappings/\(mappingName).yaml")
        let decoder = try RecordDecoder(mapping: mapping) { slots.firstIndex(of: $0) }
        return decoder.decode(Row(values: slots.map { Array((row[$0] ?? "").utf8) }))
    }

    func forloeb(_ overrides: [String: String]) throws -> RecordDecoder.Outcome {
        var row: [String: String] = [
            "CPR-nr.": "010190-1234", "Forløbs-ID": "F-1", "Aftale-ID": "SA-7", "CVR-nr.": "12345674",
            "Virksomhed": "Café", "Målgruppe": "Ressourceforløb", "Aktivitet": "Virksomhedspraktik",
            "Startdato": "03-01-2023", "Slutdato": "31-03-2023", "Timer pr. uge": "12,5",
            "Registreret": "03-01-2023 14:22:05",
        ]
        for (k, v) in overrides { row[k] = v }
        return try decode("forloeb", columns, row)
    }

    @Test("a CSV row whose every field is padded decodes like the clean row")
    func paddedFieldsDecodeLikeCleanOnes() throws {
        guard case .event(let clean) = try forloeb([:]) else { Issue.record("clean row rejected"); return }
        let padded = try forloeb([
            "CPR-nr.": " 010190-1234\u{2028}", "Forløbs-ID": "\tF-1 ", "Aftale-ID": "SA-7 ", "CVR-nr.": "\u{A0}12345674 ",
            "Målgruppe": "Ressourceforløb\u{3000}", "Aktivitet": " Virksomhedspraktik\r\n",
            "Startdato": " 03-01-2023", "Slutdato": "31-03-2023\u{2003}", "Timer pr. uge": " 12,5 ",
            "Registreret": "\u{1F}03-01-2023 14:22:05\u{85}",
        ])
        guard case .event(let e) = padded else { Issue.record("padded row rejected: \(padded)"); return }
        #expect(e.agreement == "SA-7" && e.sourceRecordID == "F-1" && e.enterprise == "12345674")
        #expect(e.targetGroup == clean.targetGroup && e.stage == clean.stage && e.ageBand == clean.ageBand)
        #expect(e.start == clean.start && e.end == clean.end && e.hoursPerWeek == 12.5 && e.recordedAt == clean.recordedAt)
        #expect(e.cpr == clean.cpr)
    }

    @Test("an optional field of white space only is absent")
    func whiteOnlyIsAbsent() throws {
        guard case .event(let e) = try forloeb(["Aftale-ID": " \u{A0} ", "CVR-nr.": "\t", "Slutdato": "\u{2009}",
                                                "Timer pr. uge": "\u{A0}"])
        else { Issue.record("rejected"); return }
        #expect(e.agreement == nil && e.enterprise == nil && e.end == nil && e.hoursPerWeek == nil)
        // A record id of white space only is the empty id, which breaks no rule.
        guard case .event(let noID) = try forloeb(["Forløbs-ID": " \u{3000} "]) else {
            Issue.record("a white record id is the empty id, not a rejection"); return
        }
        #expect(noID.sourceRecordID.isEmpty)
        // A required one breaks its rule as an empty one would.
        guard case .rejected(.unknownActivity, _, _) = try forloeb(["Aktivitet": "  "]) else {
            Issue.record("a white activity must be unknown"); return
        }
    }

    @Test("an unknown code carries the value met, masked and cut short, for the dry run's listing")
    func unknownCodeCarriesItsValue() throws {
        guard case .rejected(.unknownActivity, let field, let value) = try forloeb(["Aktivitet": " Jobrotation "]) else {
            Issue.record("Jobrotation is not a known activity"); return
        }
        #expect(field == "stage (Aktivitet)" && value == "Jobrotation")
        // A shifted column can put a CPR number where a code belongs: it is masked like any kept text.
        guard case .rejected(.unknownTargetGroup, _, let cpr) = try forloeb(["Målgruppe": "010190-1234"]) else {
            Issue.record("a CPR number is not a target group"); return
        }
        #expect(cpr == "XXXXXX-XXXX")
        let long = String(repeating: "Praktik ", count: 20)
        guard case .rejected(.unknownActivity, _, let cut) = try forloeb(["Aktivitet": long]) else { Issue.record("accepted"); return }
        #expect(cut == String(long.trimmingCharacters(in: .whitespaces).prefix(RecordDecoder.maximumCodeValueLength)) + "…")
        // Other rules carry no value.
        guard case .rejected(.invalidDate, _, nil) = try forloeb(["Startdato": "31-02-2023"]) else { Issue.record("no value expected"); return }
    }

    @Test("white space inside a value stays, and characters that are not white space are not trimmed")
    func innerAndNonWhitespaceStay() throws {
        guard case .event(let e) = try forloeb(["Forløbs-ID": " F 1 ", "Aftale-ID": "SA\u{A0}7"]) else { Issue.record("rejected"); return }
        #expect(e.sourceRecordID == "F 1" && e.agreement == "SA\u{A0}7")
        // A zero-width space is not white space: the activity is unknown, the date invalid.
        guard case .rejected(.unknownActivity, _, _) = try forloeb(["Aktivitet": "Virksomhedspraktik\u{200B}"]) else {
            Issue.record("zero-width space trimmed"); return
        }
        guard case .rejected(.invalidDate, _, _) = try forloeb(["Startdato": "\u{200B}03-01-2023"]) else {
            Issue.record("zero-width space trimmed"); return
        }
    }

    @Test("XML attributes and texts are trimmed too; a text of Unicode white space falls back to the code attribute")
    func xmlValuesThroughTheMapping() throws {
        let mapping = try MappingLoader.load(path: repoRoot + "/mappings/haendelser.yaml")
        var slots: [String] = []
        func add(_ rule: FieldRule) {
            for p in rule.from where !slots.contains(p) { slots.append(p) }
            if let f = rule.fallback?.value { add(f) }
        }
        for name in mapping.fields.keys.sorted() { add(mapping.fields[name]!) }
        let row: [String: String] = [
            "../../f:Borger/f:CPR": "0101901234", "../../@id": " P-1 ", "@type": " job\t", "@start": "2023-05-01\u{A0}",
            "../../f:Aftale/@id": "\u{A0}SA-14 ", "../../f:Aftale/f:CVR": "\u{A0}12345674",
            "../../f:Maalgruppe": "\u{A0}\u{3000}", "../../f:Maalgruppe/@kode": " SD ",
            "@timer": " 12.5", "@registreret": " 2023-05-02T10:00:00+02:00 ",
        ]
        let outcome = try decode("haendelser", slots, row)
        guard case .event(let e) = outcome else { Issue.record("rejected: \(outcome)"); return }
        #expect(e.stage == .job && e.start == Day(iso: "2023-05-01") && e.targetGroup == .sygedagpenge)
        #expect(e.agreement == "SA-14" && e.enterprise == "12345674" && e.hoursPerWeek == 12.5)
        #expect(e.sourceRecordID == "P-1/job/2023-05-01")   // each part trimmed before joining
        #expect(e.recordedAt.description == "2023-05-02T08:00:00Z")
    }

    @Test("register rows: CVR, type, yes/no words, dates and the name are trimmed")
    func registerRow() throws {
        let columns = ["CVR", "Navn", "Type", "Social bundlinje", "Lokal bundlinje", "Økonomisk bundlinje", "Startdato", "Slutdato"]
        let outcome = try decode("virksomheder", columns, [
            "CVR": " 12345674\u{A0}", "Navn": " Café Nord ", "Type": "Forening ", "Social bundlinje": " ja",
            "Lokal bundlinje": "nej\t", "Økonomisk bundlinje": "\u{3000}ja", "Startdato": " 2016-03-01 ", "Slutdato": " ",
        ])
        guard case .enterprise(let e) = outcome else { Issue.record("rejected: \(outcome)"); return }
        #expect(e.cvr == "12345674" && e.name == "Café Nord" && e.type == .forening)
        #expect(e.socialBottomLine && !e.localBottomLine && e.economicBottomLine)
        #expect(e.start == Day(iso: "2016-03-01") && e.end == nil)
    }
}
