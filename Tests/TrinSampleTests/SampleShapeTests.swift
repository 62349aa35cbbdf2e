import Foundation
import Testing
import TrinCore
@testable import TrinSample

/// The sample is realistic enough for the demo: sources overlap, the norm of
/// 30 is met, youth is well represented, and XML events look like docs/exports.md.
@Suite struct SampleShapeTests {
    struct Identity: Hashable { var cpr: [UInt8]; var agreement: String; var stage: String; var start: Day }

    static let stageOfActivity: [String: String] = [
        "Motivation": "motivation", "Mentorforløb": "motivation", "Opkvalificering": "opkvalificering",
        "Kursus": "opkvalificering", "Afklaring": "afklaring", "Arbejdsprøvning": "afklaring",
        "Virksomhedspraktik": "praktik", "Løntimer": "loentimer", "Småjob": "loentimer", "Løntilskud": "loentimer",
        "Ordinært job": "job", "Fleksjob": "job", "Uddannelse": "uddannelse", "Ophørt": "ophoert",
    ]

    func csvIdentities(_ s: SampleFiles.Sample) -> [Identity: Day] {
        var out: [Identity: Day] = [:]
        for f in s.files("forloeb") {
            for r in TestCSV.records(s.bytes(f.name), delimiter: 0x3B).dropFirst() {
                let cpr = try! CPRNumber.parse(r.fields[0]).get()
                let activity = f.encoding == "utf-8" ? String(decoding: r.fields[6], as: UTF8.self) : TestCSV.cp1252(r.fields[6])!
                let start = ForloebRules.danishDate(String(decoding: r.fields[7], as: UTF8.self))!
                out[Identity(cpr: cpr.digits, agreement: String(decoding: r.fields[2], as: UTF8.self),
                             stage: Self.stageOfActivity[activity]!, start: start)] = cpr.birthDate
            }
        }
        return out
    }

    func xmlIdentities(_ s: SampleFiles.Sample) throws -> [Identity: Day] {
        var out: [Identity: Day] = [:]
        for f in s.files("haendelser") {
            let text = String(decoding: s.bytes(f.name), as: UTF8.self)
            for block in text.components(separatedBy: "<Forloeb id=").dropFirst() {
                let cprText = block.components(separatedBy: "<CPR>")[1].components(separatedBy: "</CPR>")[0]
                let cpr = try CPRNumber.parse(cprText).get()
                let agreement = TestXML.attribute("id", in: Substring(block.components(separatedBy: "<Aftale")[1]))!
                for event in block.components(separatedBy: "<Haendelse ").dropFirst() {
                    let tag = Substring(" " + event)
                    #expect(TestXML.attribute("timer", in: tag).map { !$0.contains(",") } ?? true)
                    let start = Day(iso: TestXML.attribute("start", in: tag)!)!
                    out[Identity(cpr: cpr.digits, agreement: agreement, stage: TestXML.attribute("type", in: tag)!,
                                 start: start)] = cpr.birthDate
                }
            }
        }
        return out
    }

    @Test func csvAndXMLShareSomeEventsAndEachHasItsOwn() throws {
        let s = SampleFiles.clean
        let csv = csvIdentities(s), xml = try xmlIdentities(s)
        let shared = Set(csv.keys).intersection(xml.keys)
        #expect(shared.count > 20)
        #expect(xml.count - shared.count > 5)
        #expect(Set(csv.keys).union(xml.keys).count == s.manifest.distinctRecords)
    }

    @Test func xmlUsesOffsetsUTCAndCodeOnlyGroups() throws {
        let s = SampleFiles.clean
        let text = String(decoding: s.bytes(s.files("haendelser").last!.name), as: UTF8.self)
        #expect(text.contains("Z\"/>") && text.contains("+01:00\"/>") && text.contains("+02:00\"/>"))
        #expect(text.contains("\"></Maalgruppe>") && text.contains(">Ressourceforløb</Maalgruppe>"))
        for code in SourceCodes.targetGroupCodes { #expect(text.contains("kode=\"\(code)\"")) }
    }

    @Test func yearlyNormOf30IsMetAndYouthIsWellRepresented() throws {
        let s = SampleFiles.clean
        let all = csvIdentities(s).merging(try xmlIdentities(s)) { a, _ in a }
        var firstEmployment: [[UInt8]: Day] = [:]
        var birth: [[UInt8]: Day] = [:]
        for (id, b) in all {
            birth[id.cpr] = b
            guard id.stage == "loentimer" || id.stage == "job" else { continue }
            if firstEmployment[id.cpr].map({ id.start < $0 }) ?? true { firstEmployment[id.cpr] = id.start }
        }
        var perYear: [Int: Int] = [:]
        for d in firstEmployment.values { perYear[d.year, default: 0] += 1 }
        for year in 2022...2024 { #expect(perYear[year, default: 0] >= 30, "year \(year): \(perYear[year, default: 0])") }
        let young = birth.values.filter { AgeBand.age(birth: $0, at: Day(year: 2023, month: 1, day: 1)!) < 30 }.count
        #expect(Double(young) / Double(birth.count) > 0.3)
        #expect(all.keys.contains { $0.agreement.isEmpty })
        #expect(all.keys.contains { $0.stage == "ophoert" })
    }
}

@Suite struct LargeExportTests {
    @Test func largeForloebIsValidDeterministicAndAboutTheRightSize() throws {
        let dir = SampleFiles.temporaryDirectory("large")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try SampleGenerator.writeLargeForloeb(rows: 3000, seed: 3, to: dir + "/a.csv")
        try SampleGenerator.writeLargeForloeb(rows: 3000, seed: 3, to: dir + "/b.csv")
        let a = Array(FileManager.default.contents(atPath: dir + "/a.csv")!)
        #expect(a == Array(FileManager.default.contents(atPath: dir + "/b.csv")!))
        let records = TestCSV.records(a, delimiter: 0x3B)
        #expect(String(decoding: Array(records[0].fields.joined(separator: [0x3B])), as: UTF8.self).hasPrefix("CPR-nr.;Forl"))
        #expect(records.count == 3001)
        for r in records.dropFirst() { #expect(ForloebRules.reason(r, utf8: false, trailing: false) == nil, "line \(r.line)") }
        let perRow = Double(a.count) / 3000
        #expect(perRow > 115 && perRow < 160, "\(perRow) bytes per row")
    }

    @Test func largeHaendelserIsWellFormedAndNearTheRequestedSize() throws {
        let path = SampleFiles.temporaryDirectory("largexml") + "/h.xml"
        try SampleGenerator.writeLargeHaendelser(approximateBytes: 300_000, seed: 4, to: path)
        let bytes = Array(FileManager.default.contents(atPath: path)!)
        #expect(bytes.count >= 300_000 && bytes.count < 302_000)
        let summary = try #require(TestXML.check(bytes))
        #expect(summary.elements["Haendelse", default: 0] > 500)
    }
}
