import Testing
@testable import TrinXML

@Suite("XMLStreamReader")
struct XMLStreamReaderTests {
    @Test("walks nodes in document order with kinds, depths, expanded names and values")
    func walksNodes() throws {
        let text = "<?xml version=\"1.0\"?>\n<a xmlns=\"urn:a\"><b x=\"1\"/><!-- c --><c>t&#230;</c></a>"
        let path = try temporaryXML(text)
        let reader = try XMLStreamReader(path: path)
        var seen: [String] = []
        while try reader.read() {
            switch reader.kind {
            case .element, .endElement:
                seen.append("\(reader.kind == .element ? "<" : "</")\(reader.name) d\(reader.depth)\(reader.isEmptyElement ? " empty" : "")")
            case .text:
                seen.append("text \(reader.value ?? "-")")
            case .comment:
                seen.append("comment")
            default:
                break
            }
        }
        #expect(seen == ["<{urn:a}a d0", "<{urn:a}b d1 empty", "comment", "<{urn:a}c d1", "text tæ", "</{urn:a}c d1", "</{urn:a}a d0"])
        #expect(reader.bytesRead == text.utf8.count)
        #expect(try reader.read() == false)
    }

    @Test("record lines are exact below line 65,535 and close beyond it; element paths are exact")
    func lineNumbers() throws {
        var lines = ["<root>", "<g>"]
        while lines.count < 70_000 {
            let line = lines.count + 1
            lines.append(line % 2 == 0 ? "<item n=\"\(line)\"/>" : "<item n=\"\(line)\"><v>x</v></item>")
        }
        lines += ["</g>", "</root>"]
        let path = try temporaryXML(lines.joined(separator: "\n"))
        let spec = try XMLRecordSpec(namespaces: [:], root: "root", recordPath: "root/g/item", fields: ["@n"])
        let records = try readAll(path, spec)
        #expect(records.count == 69_998)
        for record in records {
            let line = Int(record[0]!)!
            if line < 65_535 {
                #expect(record.line == line)
            } else {
                #expect(record.line >= line && record.line <= line + 64)
            }
        }
        #expect(records.last?.elementPath == "/root/g[1]/item[69998]")
    }
}
