import Foundation
import Testing

/// docs/architecture.md names every library target and what it depends on; the table must
/// say what Package.swift says, so that the design document stays true as the code changes.
@Suite struct ArchitectureDocumentTests {
    static let root = RepositoryReferencesTests.root

    /// Target name → the package's own targets it depends on, from Package.swift.
    static func packageGraph() throws -> [String: Set<String>] {
        let text = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let block = try Regex(#"\.(?:target|executableTarget|systemLibrary)\(\s*name:\s*"([A-Za-z]+)"(.*?)(?:swiftSettings|pkgConfig|\)\s*,\s*\n)"#)
            .dotMatchesNewlines()
        var graph: [String: Set<String>] = [:]
        for match in text.matches(of: block) {
            guard let name = match.output[1].substring, let rest = match.output[2].substring else { continue }
            let quoted = rest.matches(of: try Regex(#""([A-Za-z-]+)""#)).compactMap { $0.output[1].substring.map(String.init) }
            graph[String(name)] = Set(quoted)
        }
        let targets = Set(graph.keys)
        return graph.mapValues { $0.intersection(targets) }
    }

    /// Target name → the targets named in its "depends on" column of docs/architecture.md.
    static func documentedGraph(targets: Set<String>) throws -> [String: Set<String>] {
        let text = try String(contentsOf: root.appendingPathComponent("docs/architecture.md"), encoding: .utf8)
        var graph: [String: Set<String>] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 4 else { continue }
            let name = cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            let words = cells[3].split(whereSeparator: { !$0.isLetter }).map(String.init)
            graph[name] = Set(words).intersection(targets)
        }
        return graph
    }

    @Test("the target table of docs/architecture.md matches Package.swift")
    func targetTableMatchesThePackage() throws {
        let package = try Self.packageGraph()
        #expect(package.count >= 15, "parsed \(package.keys.sorted())")
        #expect(package["TrinImport"]?.contains("TrinStore") == true)
        let documented = try Self.documentedGraph(targets: Set(package.keys))
        for (name, dependencies) in package where name.hasPrefix("Trin") || name == "trin" {
            #expect(documented[name] == dependencies, "\(name): docs say \(documented[name]?.sorted() ?? []), Package.swift \(dependencies.sorted())")
        }
    }
}
