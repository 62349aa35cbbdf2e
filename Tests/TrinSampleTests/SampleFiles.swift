import Foundation
import TrinCore
@testable import TrinSample

/// Samples generated once and shared by the suites (generation takes a moment).
enum SampleFiles {
    static func temporaryDirectory(_ label: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trin-sample-\(label)-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    struct Sample: Sendable {
        var directory: String
        var manifest: SampleManifest
        func bytes(_ name: String) -> [UInt8] {
            Array(FileManager.default.contents(atPath: directory + "/" + name) ?? Data())
        }
        func files(_ kind: String) -> [SampleManifest.File] { manifest.files.filter { $0.kind == kind } }
    }

    static func make(citizens: Int, seed: UInt64, dirty: Double) -> Sample {
        let dir = temporaryDirectory("\(seed)-\(dirty)")
        let manifest = try! SampleGenerator(citizens: citizens, seed: seed, dirtyFraction: dirty).write(to: dir)
        return Sample(directory: dir, manifest: manifest)
    }

    static let clean = make(citizens: 300, seed: 7, dirty: 0)
    static let dirty = make(citizens: 150, seed: 11, dirty: 0.04)
}

/// A minimal reader for the delimited files, independent of TrinCSV: records as
/// byte fields with the physical line each starts on.
struct TestCSV {
    struct Record { var fields: [[UInt8]]; var line: Int; var complete: Bool }

    static func records(_ bytes: [UInt8], delimiter: UInt8) -> [Record] {
        var data = bytes[...]
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { data = data.dropFirst(3) }
        var out: [Record] = []
        var fields: [[UInt8]] = [], field: [UInt8] = []
        var inQuotes = false, line = 1, startLine = 1, pending = false
        var i = data.startIndex
        while i < data.endIndex {
            let b = data[i]
            pending = true
            if inQuotes {
                if b == 0x22 {
                    if i + 1 < data.endIndex, data[i + 1] == 0x22 { field.append(0x22); i += 1 } else { inQuotes = false }
                } else {
                    if b == 0x0A { line += 1 }
                    field.append(b)
                }
            } else if b == 0x22 && field.isEmpty {
                inQuotes = true
            } else if b == delimiter {
                fields.append(field); field = []
            } else if b == 0x0A {
                if field.last == 0x0D { field.removeLast() }
                fields.append(field); field = []
                out.append(Record(fields: fields, line: startLine, complete: true))
                fields = []; line += 1; startLine = line; pending = false
            } else {
                field.append(b)
            }
            i += 1
        }
        if pending {
            fields.append(field)
            out.append(Record(fields: fields, line: startLine, complete: !inQuotes))
        }
        return out
    }

    /// Windows-1252 decoding; nil for the five unassigned bytes.
    static func cp1252(_ bytes: [UInt8]) -> String? {
        let high: [UInt8: Character] = [0x80: "€", 0x91: "‘", 0x92: "’", 0x93: "“", 0x94: "”", 0x96: "–", 0x97: "—"]
        var s = ""
        for b in bytes {
            if [0x81, 0x8D, 0x8F, 0x90, 0x9D].contains(b) { return nil }
            if b >= 0x80 && b < 0xA0 { s.append(high[b] ?? "?") } else { s.unicodeScalars.append(Unicode.Scalar(b)) }
        }
        return s
    }
}

/// An independent statement of docs/definitions.md's row rules for the course
/// export, to check the manifest's expected reasons against.
enum ForloebRules {
    static let groups = Set(["Ressourceforløb", "Jobafklaringsforløb", "Kontanthjælp", "Uddannelseshjælp", "Fleksjob",
                             "Ledighedsydelse", "Integrationsydelse", "Selvforsørgelses- og hjemrejseydelse", "Sygedagpenge"])
    static let activities = Set(["Motivation", "Mentorforløb", "Opkvalificering", "Kursus", "Afklaring", "Arbejdsprøvning",
                                 "Virksomhedspraktik", "Løntimer", "Småjob", "Løntilskud", "Ordinært job", "Fleksjob",
                                 "Uddannelse", "Ophørt"])

    static func danishDate(_ s: String) -> Day? {
        let u = Array(s.utf8)
        guard u.count == 10, u[2] == 0x2D, u[5] == 0x2D, let d = Day.digits(u, 0, 2), let m = Day.digits(u, 3, 2),
              let y = Day.digits(u, 6, 4) else { return nil }
        return Day(year: y, month: m, day: d)
    }

    static func timestampValid(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count == 19, u[10] == 0x20, u[13] == 0x3A, u[16] == 0x3A, danishDate(String(s.prefix(10))) != nil,
              let h = Day.digits(u, 11, 2), let m = Day.digits(u, 14, 2), let sec = Day.digits(u, 17, 2) else { return false }
        return h < 24 && m < 60 && sec < 60
    }

    /// The reason a record is rejected, or nil when it is good.
    static func reason(_ r: TestCSV.Record, utf8: Bool, trailing: Bool) -> RejectReason? {
        var texts: [String] = []
        for f in r.fields {
            guard let t = utf8 ? String(validating: f, as: UTF8.self) : TestCSV.cp1252(f) else { return .badEncoding }
            texts.append(t)
        }
        if trailing, texts.last == "" { texts.removeLast() }
        guard r.complete, texts.count == 11 else { return .fieldCount }
        let cpr: CPRNumber
        switch CPRNumber.parse(texts[0]) {
        case .failure(.malformed): return .cprMalformed
        case .failure(.invalidDate): return .cprInvalidDate
        case .success(let c): cpr = c
        }
        guard groups.contains(texts[5]) else { return .unknownTargetGroup }
        guard activities.contains(texts[6]) else { return .unknownActivity }
        guard let start = danishDate(texts[7]) else { return .invalidDate }
        var end: Day?
        if !texts[8].isEmpty {
            guard let e = danishDate(texts[8]) else { return .invalidDate }
            end = e
        }
        if let end, end < start { return .endBeforeStart }
        if !texts[9].isEmpty {
            let parts = texts[9].split(separator: ",", omittingEmptySubsequences: false)
            guard parts.count <= 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
            else { return .invalidHours }
            if Double(texts[9].replacingOccurrences(of: ",", with: "."))! > 80 { return .hoursOutOfRange }
        }
        guard timestampValid(texts[10]) else { return .invalidTimestamp }
        if !texts[3].isEmpty, CVRNumber(texts[3]) == nil { return .invalidCVR }
        if cpr.birthDate > start { return .birthAfterEvent }
        return nil
    }
}

/// A structural well-formedness check for the XML the sample writes: balanced
/// tags, one root, quoted attributes, only predefined entity references, no DTD.
enum TestXML {
    struct Summary { var elements: [String: Int] = [:]; var root = "" }

    static func check(_ bytes: [UInt8]) -> Summary? {
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        var stack: [String] = [], summary = Summary(), roots = 0
        var s = text[...]
        func entitiesOK(_ t: Substring) -> Bool {
            var rest = t
            while let amp = rest.firstIndex(of: "&") {
                let after = rest[amp...]
                guard ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"].contains(where: { after.hasPrefix($0) }) else { return false }
                rest = rest[rest.index(after: amp)...]
            }
            return true
        }
        while let lt = s.firstIndex(of: "<") {
            guard entitiesOK(s[..<lt]), !(stack.isEmpty && !s[..<lt].allSatisfy(\.isWhitespace)) else { return nil }
            s = s[lt...]
            if s.hasPrefix("<?") {
                guard let e = s.range(of: "?>") else { return nil }
                s = s[e.upperBound...]
                continue
            }
            if s.hasPrefix("<!--") {
                guard let e = s.range(of: "-->") else { return nil }
                s = s[e.upperBound...]
                continue
            }
            if s.hasPrefix("<!") { return nil }  // DOCTYPE / entity declarations are refused
            guard let gt = s.firstIndex(of: ">") else { return nil }
            var tag = s[s.index(after: s.startIndex)..<gt]
            s = s[s.index(after: gt)...]
            if tag.hasPrefix("/") {
                guard stack.popLast() == String(tag.dropFirst()) else { return nil }
                continue
            }
            let selfClosing = tag.hasSuffix("/")
            if selfClosing { tag = tag.dropLast() }
            let name = String(tag.prefix { !$0.isWhitespace })
            guard !name.isEmpty, !tag.contains("<") else { return nil }
            // Attribute values: an even number of quotes, entity references predefined.
            guard tag.filter({ $0 == "\"" }).count % 2 == 0, entitiesOK(tag) else { return nil }
            if stack.isEmpty { roots += 1; summary.root = String(tag) }
            summary.elements[name, default: 0] += 1
            if !selfClosing { stack.append(name) }
        }
        guard stack.isEmpty, roots == 1, s.allSatisfy(\.isWhitespace) else { return nil }
        return summary
    }

    /// Attribute value `name="…"` in a tag text.
    static func attribute(_ name: String, in tag: Substring) -> String? {
        guard let r = tag.range(of: " \(name)=\"") else { return nil }
        let rest = tag[r.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }
}
