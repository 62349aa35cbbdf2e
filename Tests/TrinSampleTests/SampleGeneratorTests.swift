import Foundation
import Testing
import TrinCore
@testable import TrinSample

@Suite struct SampleGeneratorTests {
    static let forloebHeader = "CPR-nr.;Forløbs-ID;Aftale-ID;CVR-nr.;Virksomhed;Målgruppe;Aktivitet;Startdato;Slutdato;Timer pr. uge;Registreret"
    static let registerHeader = "CVR,Navn,Type,Social bundlinje,Lokal bundlinje,Økonomisk bundlinje,Startdato,Slutdato"

    func decode(_ file: SampleManifest.File, _ bytes: [UInt8]) -> String? {
        file.encoding == "utf-8" ? String(validating: bytes.dropFirst(file.bom ? 3 : 0), as: UTF8.self) : TestCSV.cp1252(bytes)
    }

    @Test func sameSeedSameBytesOtherSeedOtherBytes() throws {
        let a = SampleFiles.temporaryDirectory("a"), b = SampleFiles.temporaryDirectory("b"), c = SampleFiles.temporaryDirectory("c")
        defer { for d in [a, b, c] { try? FileManager.default.removeItem(atPath: d) } }
        let ma = try SampleGenerator(citizens: 60, seed: 5, dirtyFraction: 0.05).write(to: a)
        let mb = try SampleGenerator(citizens: 60, seed: 5, dirtyFraction: 0.05).write(to: b)
        let mc = try SampleGenerator(citizens: 60, seed: 6, dirtyFraction: 0.05).write(to: c)
        #expect(ma == mb)
        let names = try FileManager.default.contentsOfDirectory(atPath: a).sorted()
        #expect(names == (try FileManager.default.contentsOfDirectory(atPath: b).sorted()))
        #expect(names.contains(SampleGenerator.manifestName))
        for name in names {
            #expect(FileManager.default.contents(atPath: a + "/" + name) == FileManager.default.contents(atPath: b + "/" + name), "\(name)")
        }
        let last = ma.files.first { $0.kind == "forloeb" && !$0.name.contains("truncated") && $0.trailingDelimiter }!.name
        #expect(FileManager.default.contents(atPath: a + "/" + last) != FileManager.default.contents(atPath: c + "/" + last))
        #expect(mc.files.map(\.name) == ma.files.map(\.name))
    }

    @Test func layoutAndDialects() throws {
        let s = SampleFiles.clean
        let forloeb = s.files("forloeb")
        #expect(forloeb.count == 3)
        #expect(forloeb.map(\.name) == ["forloeb-2024-11-06.csv", "forloeb-2024-12-06.csv", "forloeb-2025-01-05.csv"])
        #expect(s.files("haendelser").map(\.name) == ["haendelser-2024-12-06.xml", "haendelser-2025-01-05.xml"])
        #expect(s.files("virksomheder").map(\.name) == ["virksomheder.csv"])
        #expect(forloeb.filter(\.bom).count == 1 && forloeb.filter(\.trailingDelimiter).count == 1)
        for f in forloeb {
            let bytes = s.bytes(f.name)
            #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]) == f.bom)
            // CRLF everywhere, except the one name with a line break inside quotes.
            let lf = bytes.indices.filter { bytes[$0] == 0x0A }
            let bare = lf.filter { $0 == 0 || bytes[$0 - 1] != 0x0D }
            let inNames = TestCSV.records(bytes, delimiter: 0x3B).reduce(0) { $0 + $1.fields[4].filter { $0 == 0x0A }.count }
            #expect(bare.count == inNames && inNames > 0)
            let text = try #require(decode(f, bytes), "\(f.name) decodes in \(f.encoding)")
            let header = String(text.prefix { $0 != "\r\n" && $0 != "\n" })
            #expect(header == Self.forloebHeader + (f.trailingDelimiter ? ";" : ""))
            #expect(text.contains("Café \"\"Mosaik\"\"; Slagelse"))
            #expect(text.contains("Værkstedet – Cykler og Genbrug"))
            if f.encoding == "windows-1252" {
                // æ ø å as single bytes, never as UTF-8 sequences.
                #expect(!zip(bytes, bytes.dropFirst()).contains { $0.0 == 0xC3 && ($0.1 & 0xC0) == 0x80 })
                #expect(bytes.contains(0xE6) && bytes.contains(0xF8) && bytes.contains(0xE5) && bytes.contains(0x96))
            }
            if f.trailingDelimiter {
                for r in TestCSV.records(bytes, delimiter: 0x3B) { #expect(r.fields.count == 12 && r.fields[11].isEmpty) }
            }
        }
        let register = s.bytes("virksomheder.csv")
        #expect(register.starts(with: [0xEF, 0xBB, 0xBF]) && !register.contains(0x0D))
        let registerText = try #require(String(validating: register.dropFirst(3), as: UTF8.self))
        #expect(registerText.hasPrefix(Self.registerHeader + "\n"))
    }

    @Test func everyGoodRowIsValidAndTheCodeListsAreCovered() throws {
        let s = SampleFiles.clean
        var groups = Set<String>(), activities = Set<String>(), forms = Set<String>(), replacement = 0, noAgreement = 0
        for f in s.files("forloeb") {
            let records = TestCSV.records(s.bytes(f.name), delimiter: 0x3B).dropFirst()
            #expect(records.count == f.goodRecords && f.rejectedTotal == 0)
            for r in records {
                #expect(ForloebRules.reason(r, utf8: f.encoding == "utf-8", trailing: f.trailingDelimiter) == nil, "\(f.name):\(r.line)")
                let text = { (i: Int) in String(decoding: r.fields[i], as: UTF8.self) }
                if case .success = CPRNumber.parse(r.fields[0]) {} else { Issue.record("CPR at \(f.name):\(r.line)") }
                if !r.fields[3].isEmpty { #expect(CVRNumber(r.fields[3]) != nil) } else { noAgreement += 1 }
                let decoded = f.encoding == "utf-8" ? text : { i in TestCSV.cp1252(r.fields[i])! }
                groups.insert(decoded(5)); activities.insert(decoded(6))
                let cpr = r.fields[0]
                forms.insert(cpr.contains(0x20) ? "spaces" : cpr.contains(0x2D) ? "hyphen" : "plain")
                if cpr[0] >= UInt8(ascii: "4") { replacement += 1 }
            }
        }
        #expect(groups == ForloebRules.groups)
        #expect(activities == ForloebRules.activities)
        #expect(forms == ["spaces", "hyphen", "plain"])
        #expect(replacement > 0 && noAgreement > 0)
    }

    @Test func laterExtractsRepeatAndUpdateEarlierRows() throws {
        let s = SampleFiles.clean
        func rows(_ f: SampleManifest.File) -> [String: [UInt8]] {
            var out: [String: [UInt8]] = [:]
            for r in TestCSV.records(s.bytes(f.name), delimiter: 0x3B).dropFirst() {
                out[String(decoding: r.fields[1], as: UTF8.self)] = r.fields[8] + [0x7C] + r.fields[10]
            }
            return out
        }
        let f = s.files("forloeb")
        let first = rows(f[0]), last = rows(f[2])
        #expect(Set(first.keys).isSubset(of: Set(last.keys)))
        #expect(last.count > first.count)
        let changed = first.filter { last[$0.key] != $0.value }
        #expect(changed.count > 5)
        // An end date filled in later.
        #expect(changed.contains { $0.value.first == 0x7C && last[$0.key]!.first != 0x7C })
    }

    @Test func registerIsValidWithOneCVRTwice() throws {
        let s = SampleFiles.clean
        let records = TestCSV.records(s.bytes("virksomheder.csv"), delimiter: 0x2C).dropFirst()
        let file = try #require(s.manifest.file(named: "virksomheder.csv"))
        #expect(records.count == file.goodRecords)
        var cvrs: [String: Int] = [:], types = Set<String>(), closed = 0
        for r in records {
            #expect(r.fields.count == 8)
            #expect(CVRNumber(r.fields[0]) != nil)
            cvrs[String(decoding: r.fields[0], as: UTF8.self), default: 0] += 1
            types.insert(String(decoding: r.fields[2], as: UTF8.self))
            for i in 3...5 { #expect(["ja", "nej"].contains(String(decoding: r.fields[i], as: UTF8.self))) }
            #expect(Day(iso: String(decoding: r.fields[6], as: UTF8.self)) != nil)
            if !r.fields[7].isEmpty { closed += 1; #expect(Day(iso: String(decoding: r.fields[7], as: UTF8.self)) != nil) }
        }
        #expect(cvrs.values.filter { $0 == 2 }.count == 1 && cvrs.values.allSatisfy { $0 <= 2 })
        #expect(cvrs.count == s.manifest.enterprises)
        #expect(types == ["Virksomhed", "Initiativ", "Forening"])
        #expect(closed > 0)
        #expect(records.contains { $0.fields[1].contains(0x0A) } && records.contains { $0.fields[1].contains(0x2C) })
    }

    @Test func manifestHoldsNoCPRNumber() throws {
        for s in [SampleFiles.clean, SampleFiles.dirty] {
            let json = String(decoding: s.bytes(SampleGenerator.manifestName), as: UTF8.self)
            #expect(json.range(of: #"\d{6}[- ]?\d{4}"#, options: .regularExpression) == nil)
            let decoded = try JSONDecoder().decode(SampleManifest.self, from: Data(json.utf8))
            #expect(decoded == s.manifest)
        }
    }
}
