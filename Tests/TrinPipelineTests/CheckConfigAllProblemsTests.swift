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
            .appending("\ntenant: \"0101\"\n")
            .write(toFile: dir + "/trin.yaml", atomically: true, encoding: .utf8)
        try #require(try TrinBinary.run(["keygen", dir + "/key"]).status == 0)
        try "a file where a folder should be".write(toFile: dir + "/not-a-folder", atomically: true, encoding: .utf8)
        let folders = try TrinBinary.run(["check-config", "--config", dir + "/trin.yaml"])
        #expect(folders.status == 2)
        // At the line that names the folder.
        #expect(folders.stderr.contains("\(dir)/trin.yaml:3: the folder of the metric output (\(dir)/not-a-folder) does not exist"),
                "\(folders.stderr)")
        // A tenant with a SQLite store is a warning, at its line: it separates nothing there.
        let written = try String(contentsOfFile: dir + "/trin.yaml", encoding: .utf8).components(separatedBy: "\n")
        let tenantLine = (written.firstIndex { $0.hasPrefix("tenant:") } ?? -2) + 1
        #expect(folders.stderr.contains("\(dir)/trin.yaml:\(tenantLine): warning: `tenant` applies to a PostgreSQL store"), "\(folders.stderr)")
    }

    /// A mapping with mistakes in several fields has them all listed at their lines, and a
    /// mapping file that is not there is named at the configuration's line that refers to it.
    @Test func everyProblemOfAMappingInOnePass() throws {
        let dir = TrinBinary.temporaryDirectory("trin-check-mapping")
        try #require(try TrinBinary.run(["keygen", dir + "/key"]).status == 0)
        let original = try String(contentsOfFile: TrinBinary.repositoryRoot + "/mappings/forloeb.yaml", encoding: .utf8)
        let broken = original.replacingOccurrences(of: "  sourceRecordID:", with: "  sourceRecordId:")
            .replacingOccurrences(of: "unknown: reject", with: "unknown: rejekt")
        try #require(broken != original && broken.components(separatedBy: "rejekt").count > 2)
        try broken.write(toFile: dir + "/forloeb.yaml", atomically: true, encoding: .utf8)
        func line(of text: String, in file: String) -> Int {
            (file.components(separatedBy: "\n").firstIndex { $0.contains(text) } ?? -2) + 1
        }
        try """
            store: \(dir)/s.sqlite
            keyFile: \(dir)/key
            output: \(dir)/output
            sources:
              - name: a
                url: https://example.dk/a.csv
                mapping: \(dir)/forloeb.yaml
              - name: b
                url: https://example.dk/b.csv
                mapping: \(dir)/no-such-mapping.yaml
            """.write(toFile: dir + "/trin.yaml", atomically: true, encoding: .utf8)
        let r = try TrinBinary.run(["check-config", "--config", dir + "/trin.yaml"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("\(dir)/forloeb.yaml:\(line(of: "sourceRecordId:", in: broken)): "), "\(r.stderr)")
        for (index, rejekt) in broken.components(separatedBy: "\n").enumerated() where rejekt.contains("rejekt") {
            #expect(r.stderr.contains("\(dir)/forloeb.yaml:\(index + 1): "), "line \(index + 1)\n\(r.stderr)")
        }
        #expect(r.stderr.contains("\(dir)/trin.yaml:8: source `b`: mapping \(dir)/no-such-mapping.yaml: cannot read the file"), "\(r.stderr)")
        // A field bound with a problem is reported once, not also as unbound; a known name in
        // other letter case is named as the one meant.
        #expect(!r.stderr.contains("`targetGroup` is not bound") && !r.stderr.contains("`stage` is not bound"), "\(r.stderr)")
        #expect(r.stderr.contains("unknown canonical field `sourceRecordId` for event records: did you mean `sourceRecordID`?"), "\(r.stderr)")
        #expect(!r.stderr.contains("`sourceRecordID` is not bound"), "\(r.stderr)")
    }
}
