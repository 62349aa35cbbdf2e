import Foundation
import Testing
import TrinCore
@testable import TrinSample

@Suite struct DirtySampleTests {
    static let csvReasons: Set<RejectReason> = [
        .badEncoding, .fieldCount, .cprMalformed, .cprInvalidDate, .unknownTargetGroup, .unknownActivity, .invalidDate,
        .endBeforeStart, .invalidHours, .hoursOutOfRange, .invalidTimestamp, .invalidCVR, .birthAfterEvent,
    ]

    /// The rules of docs/definitions.md applied to every row agree with the manifest:
    /// same good count, same reason on the same line, and every kind present.
    @Test func manifestMatchesTheRowsOfEveryCourseFile() throws {
        let s = SampleFiles.dirty
        let files = s.files("forloeb")
        #expect(files.count == 4 && files.contains { $0.name.hasPrefix("forloeb-truncated-") })
        for f in files {
            let records = TestCSV.records(s.bytes(f.name), delimiter: 0x3B).dropFirst()
            var good = 0
            var bad: [SampleManifest.RejectedLine] = []
            for r in records {
                if let reason = ForloebRules.reason(r, utf8: f.encoding == "utf-8", trailing: f.trailingDelimiter) {
                    bad.append(.init(line: r.line, reason: reason.rawValue))
                } else {
                    good += 1
                }
            }
            #expect(good == f.goodRecords, "\(f.name)")
            #expect(bad == f.rejectedLines, "\(f.name)")
            #expect(bad.count == f.rejectedTotal)
            if f.name.hasPrefix("forloeb-truncated-") {
                #expect(f.rejected == ["field_count": 1] && records.last?.complete == false)
            } else {
                #expect(Set(f.rejectedByReason.keys) == Self.csvReasons, "\(f.name)")
                #expect(f.rejectedTotal >= Int(Double(f.goodRecords) * 0.04) - 1)
            }
        }
    }

    @Test func strayBytesAreInvalidInTheDeclaredEncoding() throws {
        let s = SampleFiles.dirty
        for f in s.files("forloeb") where !f.name.contains("truncated") {
            let bytes = s.bytes(f.name)
            if f.encoding == "windows-1252" {
                #expect(bytes.contains(0x81))
            } else {
                #expect(String(validating: bytes, as: UTF8.self) == nil)
            }
        }
    }

    @Test func registerRejectsAsTheManifestSays() throws {
        let s = SampleFiles.dirty
        let f = try #require(s.manifest.file(named: "virksomheder.csv"))
        #expect(f.rejected == ["invalid_cvr": 1, "unknown_type": 1, "invalid_bottom_line": 1, "invalid_date": 1])
        let records = TestCSV.records(s.bytes(f.name), delimiter: 0x2C).dropFirst()
        for line in f.rejectedLines {
            let r = try #require(records.first { $0.line == line.line })
            let cvrOK = CVRNumber(r.fields[0]) != nil
            let typeOK = ["Virksomhed", "Initiativ", "Forening"].contains(String(decoding: r.fields[2], as: UTF8.self))
            let linesOK = (3...5).allSatisfy { ["ja", "nej"].contains(String(decoding: r.fields[$0], as: UTF8.self)) }
            let dateOK = Day(iso: String(decoding: r.fields[6], as: UTF8.self)) != nil
            // Exactly one rule broken, and it is the one the manifest names.
            #expect([cvrOK, typeOK, linesOK, dateOK].filter { !$0 }.count == 1)
            switch line.reason {
            case "invalid_cvr": #expect(!cvrOK)
            case "unknown_type": #expect(!typeOK)
            case "invalid_bottom_line": #expect(!linesOK)
            default: #expect(!dateOK)
            }
        }
        #expect(records.count == f.goodRecords + f.rejectedTotal)
    }

    @Test func xmlFilesAreWellFormedExceptTheBrokenOnes() throws {
        for s in [SampleFiles.clean, SampleFiles.dirty] {
            for f in s.files("haendelser") {
                let summary = TestXML.check(s.bytes(f.name))
                switch f.wholeFileRejected {
                case nil:
                    let sum = try #require(summary, "\(f.name) is well-formed")
                    #expect(sum.root.contains("xmlns=\"urn:example:socialoekonomi:forloeb:1\""))
                    #expect(sum.root.contains("kilde=\"partnerportal\"") && sum.root.contains(" dannet=\""))
                    #expect(sum.elements["Haendelse"] == f.goodRecords + f.rejectedTotal)
                case "other_namespace":
                    #expect(summary?.root.contains("urn:example:socialoekonomi:forloeb:1") == false)
                default:
                    #expect(summary == nil, "\(f.name) must not pass as well-formed")
                }
            }
        }
        let broken = Set(SampleFiles.dirty.files("haendelser").compactMap(\.wholeFileRejected))
        #expect(broken == ["truncated", "dtd_entities", "external_entity", "other_namespace"])
        #expect(SampleFiles.clean.files("haendelser").allSatisfy { $0.wholeFileRejected == nil && $0.rejectedTotal == 0 })
    }

    @Test func badEventsCoverTheRulesThatApplyToXML() throws {
        let f = try #require(SampleFiles.dirty.files("haendelser").first { $0.rejectedTotal > 0 })
        #expect(Set(f.rejectedByReason.keys) == Self.csvReasons.subtracting([.badEncoding, .fieldCount]))
    }
}
