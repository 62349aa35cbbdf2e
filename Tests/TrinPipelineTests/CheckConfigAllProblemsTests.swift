import Foundation
import Testing
import TrinTestSupport

/// check-config reports every problem of a configuration in one pass, each with its place.
@Suite struct CheckConfigAllProblemsTests {
    @Test func everyProblemInOnePass() throws {
        let dir = TrinBinary.temporaryDirectory("trin-check-all")
        let mappings = TrinBinary.repositoryRoot + "/mappings"
        try """
            store: s.sqlite
            keyFile: key
            output: \(dir)/not-a-folder/output
            k: 2
            retention:
              rejectedRows: 90 days
            sources:
              - name: a
                url: ftp://example.dk/a.csv
                mapping: \(mappings)/forloeb.yaml
              - name: b
                url: https://example.dk/b.csv
                mapping: \(mappings)/forloeb.yaml
                tls: { allowDowngrade: maybe }
              - name: a
                url: https://example.dk/c.csv
                mapping: \(mappings)/forloeb.yaml
            """.write(toFile: dir + "/trin.yaml", atomically: true, encoding: .utf8)
        let r = try TrinBinary.run(["check-config", "--config", dir + "/trin.yaml"])
        #expect(r.status == 2)
        for expected in ["k = 2 is below 3", "`rejectedRows` must be an age like 90d", "url must start with https://, http:// or file://",
                         "`allowDowngrade` must be true or false", "source name `a` is used twice"] {
            #expect(r.stderr.contains(expected), "missing: \(expected)\n\(r.stderr)")
        }
        #expect(r.stderr.contains("5 problems"), "\(r.stderr)")
        // With the parse fixed, the folders are checked: a file cannot hold the metric output.
        try String(contentsOfFile: dir + "/trin.yaml", encoding: .utf8)
            .replacingOccurrences(of: "k: 2\nretention:\n  rejectedRows: 90 days\n", with: "")
            .replacingOccurrences(of: "ftp://", with: "https://").replacingOccurrences(of: "maybe", with: "false")
            .replacingOccurrences(of: "  - name: a\n    url: https://example.dk/c.csv", with: "  - name: c\n    url: https://example.dk/c.csv")
            .write(toFile: dir + "/trin.yaml", atomically: true, encoding: .utf8)
        try #require(try TrinBinary.run(["keygen", dir + "/key"]).status == 0)
        try "a file where a folder should be".write(toFile: dir + "/not-a-folder", atomically: true, encoding: .utf8)
        let folders = try TrinBinary.run(["check-config", "--config", dir + "/trin.yaml"])
        #expect(folders.status == 2)
        #expect(folders.stderr.contains("the folder of the metric output (\(dir)/not-a-folder) does not exist"), "\(folders.stderr)")
    }
}
