import Testing
@testable import TrinXML

@Suite("XMLRecordSpec")
struct XMLRecordSpecTests {
    let namespaces = ["f": "urn:f"]

    func reason(root: String = "f:R", record: String = "f:R/f:A/f:B", fields: [String] = []) -> XMLPathError? {
        do {
            _ = try XMLRecordSpec(namespaces: namespaces, root: root, recordPath: record, fields: fields)
            return nil
        } catch {
            return error
        }
    }

    @Test("a good spec is accepted and resolves names to namespace URIs")
    func accepted() throws {
        let spec = try XMLRecordSpec(namespaces: namespaces, root: "f:R", recordPath: "/f:R/f:A/f:B",
                                     fields: ["@x", "f:C", "f:C/@y", "../@id", "../f:D/f:E", "../../@dannet", ".", "../.", "@f:z"])
        #expect(spec.root == XMLName(namespaceURI: "urn:f", localName: "R"))
        #expect(spec.recordPath.map(\.localName) == ["R", "A", "B"])
        #expect(spec.fieldPaths.count == 9)
    }

    @Test("bad paths are refused with the offending path and the reason")
    func refused() {
        #expect(reason(fields: ["g:C"]) == XMLPathError(path: "g:C", reason: .unknownPrefix("g")))
        #expect(reason(fields: [""])?.reason == .empty)
        #expect(reason(fields: ["f:C//f:D"])?.reason == .emptyStep)
        #expect(reason(fields: ["@"])?.reason == .emptyStep)
        #expect(reason(fields: ["@x/f:C"])?.reason == .attributeNotLast)
        #expect(reason(fields: ["f:C/../f:D"])?.reason == .misplacedParentStep)
        #expect(reason(fields: [".."])?.reason == .misplacedParentStep)
        #expect(reason(fields: ["./f:C"])?.reason == .misplacedParentStep)
        #expect(reason(fields: ["../../../@x"])?.reason == .aboveRoot)
        #expect(reason(fields: ["../../f:Child"]) == XMLPathError(path: "../../f:Child", reason: .rootChildElement))
        #expect(reason(fields: ["../../."])?.reason == .rootChildElement)
        #expect(reason(fields: ["f:1C"])?.reason == .invalidName("f:1C"))
        #expect(reason(fields: ["a:b:c"])?.reason == .invalidName("a:b:c"))
        #expect(reason(fields: ["f C"])?.reason == .invalidName("f C"))
        #expect(reason(record: "f:X/f:A")?.reason == .rootMismatch(expected: "f:R"))
        #expect(reason(record: "f:R")?.reason == .recordIsRoot)
        #expect(reason(record: "")?.reason == .empty)
        #expect(reason(record: "f:R/@a")?.reason == .attributeNotLast)
        #expect(reason(root: "g:R")?.reason == .unknownPrefix("g"))
        #expect(reason(fields: ["g:C"])?.description.contains("g:C") == true)
    }
}
