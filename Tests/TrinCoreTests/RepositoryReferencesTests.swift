import Foundation
import Testing

/// The repository stands alone: code and docs cite only documents it contains.
@Suite struct RepositoryReferencesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// Every text file of the repository's own folders (no build output, no fetched code).
    static func textFiles() throws -> [(path: String, text: String)] {
        var out: [(String, String)] = []
        let fm = FileManager.default
        for top in ["Sources", "Tests", "docs", "mappings", "scripts", "cron", "examples", "schemas"] {
            guard let walker = fm.enumerator(atPath: root.appendingPathComponent(top).path) else { continue }
            for case let relative as String in walker {
                let path = top + "/" + relative
                guard [".swift", ".md", ".py", ".yaml", ".yml", ".sh", ".json", ".service", ".timer", ".cron"]
                    .contains(where: { path.hasSuffix($0) }),
                    let data = fm.contents(atPath: root.appendingPathComponent(path).path) else { continue }
                out.append((path, String(decoding: data, as: UTF8.self)))
            }
        }
        for file in ["README.md", "Makefile", "Package.swift"] {
            if let data = fm.contents(atPath: root.appendingPathComponent(file).path) {
                out.append((file, String(decoding: data, as: UTF8.self)))
            }
        }
        return out
    }

    @Test("no file points outside the repository, and every docs/*.md it names exists")
    func referencesResolve() throws {
        let files = try Self.textFiles()
        #expect(files.count > 50)
        let outside = "/work/" + "shared"  // split, so that this file does not match itself
        let mention = try Regex("docs/([A-Za-z0-9_-]+)\\.md")
        let link = try Regex("\\]\\(([A-Za-z0-9_-]+\\.md)\\)")
        for (path, text) in files {
            #expect(!text.contains(outside), "\(path) points outside the repository")
            #expect(!text.contains("shared/" + "spec/"), "\(path) cites the external spec")
            for m in text.matches(of: mention) {
                let name = String(text[m.range]).dropFirst("docs/".count)
                #expect(FileManager.default.fileExists(atPath: Self.root.appendingPathComponent("docs/" + name).path),
                        "\(path) names docs/\(name), which does not exist")
            }
            guard path.hasPrefix("docs/") else { continue }
            for m in text.matches(of: link) {
                let target = String(text[m.range].dropFirst(2).dropLast())
                #expect(FileManager.default.fileExists(atPath: Self.root.appendingPathComponent("docs/" + target).path),
                        "\(path) links to \(target), which does not exist")
            }
        }
    }
}
