import Foundation
import Testing
import TrinMetrics
@testable import TrinPublish

/// Checks that markup is well-formed XML: every tag closed in order, attribute
/// values quoted, `&` only in an entity, no `<` in text. Returns the problem or nil.
func wellFormedProblem(_ text: String) -> String? {
    var stack: [String] = []
    let chars = Array(text)
    var i = 0
    while i < chars.count {
        let ch = chars[i]
        if ch == "&" {
            guard let semi = chars[i...].firstIndex(of: ";"), semi - i <= 8,
                  chars[(i + 1)..<semi].allSatisfy({ $0.isLetter || $0 == "#" || $0.isNumber }) else { return "bare & at \(i)" }
            i = semi + 1; continue
        }
        guard ch == "<" else { i += 1; continue }
        guard let close = chars[i...].firstIndex(of: ">") else { return "unclosed tag at \(i)" }
        let tag = String(chars[(i + 1)..<close])
        i = close + 1
        if tag.hasPrefix("!") { continue }  // DOCTYPE
        if tag.hasPrefix("/") {
            guard stack.popLast() == String(tag.dropFirst()) else { return "mismatched </\(tag.dropFirst())>" }
            continue
        }
        if tag.filter({ $0 == "\"" }).count % 2 != 0 { return "unbalanced quotes in <\(tag)>" }
        let name = String(tag.prefix { !$0.isWhitespace && $0 != "/" })
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber }) else { return "bad tag <\(tag)>" }
        if !tag.hasSuffix("/") { stack.append(name) }
    }
    return stack.isEmpty ? nil : "unclosed <\(stack.last!)>"
}

@Suite("Annual report")
struct ReportWriterTests {
    let metrics = sampleMetrics().disclosed()

    @Test("well-formed, self-contained, every goal and agreement present, in Danish and English")
    func report() throws {
        for language in [ReportWriter.Language.danish, .english] {
            let html = ReportWriter(language: language).render(metrics, year: 2024)
            #expect(wellFormedProblem(html) == nil, "\(wellFormedProblem(html) ?? "")")
            #expect(!html.lowercased().contains("http://") && !html.lowercased().contains("https://"))
            #expect(html.contains("@page { size: A4"))
            #expect(html.contains("<svg"))
            for agreement in metrics.progression.filter({ $0.year == 2024 }).map(\.agreement) {
                #expect(html.contains(agreement.replacingOccurrences(of: "\"", with: "&quot;")))
            }
            // Both goals with their targets; the suppressed start count shows as "..".
            #expect(html.contains("(\(language == .danish ? "mål" : "goal") 30)"))
            #expect(html.contains("(\(language == .danish ? "mål" : "goal") 40)"))
            #expect(html.contains("<td>..</td>"))
            // What went as expected and what did not, both headed, each goal judged in one of them.
            #expect(html.contains(language == .danish ? "Som forventet" : "As expected"))
            #expect(html.contains(language == .danish ? "Ikke som forventet" : "Not as expected"))
            let verdicts = html.components(separatedBy: language == .danish ? "Hvad gik som forventet" : "What went as expected")[1]
            #expect(verdicts.contains(language == .danish ? "Beskæftigelse: " : "Employment: "))
            #expect(verdicts.contains(language == .danish ? "Virksomheder med alle tre bundlinjer: " : "Enterprises with all three bottom lines: "))
        }
        let y2023 = ReportWriter().render(metrics, year: 2023)
        #expect(y2023.contains("SA-1") && y2023.contains("Årsrapport 2023"))
        // xmllint, when installed (the Makefile installs libxml2-utils), agrees.
        let xmllint = ["/usr/bin/xmllint", "/usr/local/bin/xmllint"].first { FileManager.default.isExecutableFile(atPath: $0) }
        if let xmllint {
            let file = try temporaryDirectory().appendingPathComponent("report.html")
            try Data(y2023.utf8).write(to: file)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: xmllint)
            p.arguments = ["--noout", file.path]
            try p.run(); p.waitUntilExit()
            #expect(p.terminationStatus == 0)
        }
    }

    @Test("the tag-balance check can fail")
    func checkerFails() {
        #expect(wellFormedProblem("<p><b>x</p></b>") != nil)
        #expect(wellFormedProblem("<p>a & b</p>") != nil)
        #expect(wellFormedProblem("<p>ok &amp; <br /></p>") == nil)
    }
}
