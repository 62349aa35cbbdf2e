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
        if case .rejected(let r, _) = try decode(overrides) { return r }
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

    @Test func aMissingRequiredColumnRefusesTheFile() {
        #expect(throws: MappingError.self) {
            _ = try RecordDecoder(mapping: mapping) { $0 == "Aktivitet" ? nil : columns.firstIndex(of: $0) }
        }
        // An optional column may be missing.
        #expect(throws: Never.self) {
            _ = try RecordDecoder(mapping: mapping) { $0 == "Timer pr. uge" ? nil : columns.firstIndex(of: $0) }
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
            .replacingOccurrences(of: #"agreement: { from: "Aftale-ID", required: false }"#,
                                  with: #"agreement: { from: ["Aftale-ID", "Virksomhed"], separator: "+", required: false }"#)
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
    }
}
