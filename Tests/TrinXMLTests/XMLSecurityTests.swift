import Foundation
import Testing
import TrinTestSupport
@testable import TrinXML

/// Hostile documents: each must be refused as a whole, without reading local files,
/// touching the network or blowing up memory or time. Every case runs twice: with trin's
/// prolog guard (the normal path) and without it, to show libxml2's options hold on their own.
@Suite("XML attacks")
struct XMLSecurityTests {
    static let spec = try! XMLRecordSpec(namespaces: [:], root: "root", recordPath: "root/item", fields: ["v", "@a"])

    /// Reads the document both ways; returns the two errors and every value seen.
    func attack(_ text: String) throws -> (guarded: XMLDocumentError?, unguarded: XMLDocumentError?, values: [String]) {
        let path = try temporaryXML(text, name: "attack")
        var values: [String] = []
        var errors: [XMLDocumentError?] = []
        for guardsProlog in [true, false] {
            errors.append(documentError {
                let reader = try XMLRecordReader(path: path, spec: Self.spec, guardsProlog: guardsProlog)
                while let record = try reader.next() { values += record.values.compactMap { $0 } }
            })
        }
        return (errors[0], errors[1], values)
    }

    @Test("an external entity naming a local file is refused and its content never appears")
    func externalFileEntity() throws {
        let secret = "TRIN-SECRET-\(UUID().uuidString)"
        let secretPath = try temporaryFile(Data(secret.utf8), name: "secret")
        let result = try attack("""
            <?xml version="1.0"?>
            <!DOCTYPE root [<!ENTITY x SYSTEM "file://\(secretPath)">]>
            <root><item a="1"><v>&x;</v></item></root>
            """)
        #expect(result.guarded?.kind == .doctypeForbidden)
        #expect(result.guarded?.line == 2)
        #expect(result.unguarded?.kind == .doctypeForbidden)
        #expect(!result.values.contains { $0.contains(secret) })
        #expect(result.values.isEmpty)
        #expect(result.guarded?.message.contains(secret) == false)
    }

    @Test("an external DTD, entity or parameter entity on a loopback server is never fetched")
    func networkEntities() throws {
        let listener = try LoopbackListener()
        defer { listener.stop() }
        let base = "http://127.0.0.1:\(listener.port)"
        let documents = [
            "<!DOCTYPE root SYSTEM \"\(base)/dtd\"><root><item/></root>",
            "<!DOCTYPE root [<!ENTITY x SYSTEM \"\(base)/entity\">]><root><item><v>&x;</v></item></root>",
            "<!DOCTYPE root [<!ENTITY % p SYSTEM \"\(base)/pe\"> %p;]><root><item/></root>",
            "<?xml version=\"1.0\"?><!-- a comment --><?pi x?>\n<!DOCTYPE root PUBLIC \"-//x//y\" \"\(base)/public\"><root/>",
        ]
        for document in documents {
            let result = try attack(document)
            #expect(result.guarded?.kind == .doctypeForbidden)
            #expect(result.unguarded?.kind == .doctypeForbidden)
        }
        // Prove the listener works, so "not contacted" means something.
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = listener.port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(probe, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        close(probe)
        let deadline = Date().addingTimeInterval(2)
        while listener.contactCount < 1 && Date() < deadline { usleep(10_000) }
        #expect(listener.contactCount == 1, "only the test's own probe reached the listener")
    }

    @Test("billion laughs is refused quickly without growing memory")
    func billionLaughs() throws {
        var dtd = "<!ENTITY lol \"lol\">\n"
        for level in 1...9 {
            let previous = level == 1 ? "lol" : "lol\(level - 1)"
            dtd += "<!ENTITY lol\(level) \"\(String(repeating: "&\(previous);", count: 10))\">\n"
        }
        let before = peakResidentKiB()
        let start = Date()
        let result = try attack("<?xml version=\"1.0\"?>\n<!DOCTYPE root [\n\(dtd)]>\n<root><item><v>&lol9;</v></item></root>")
        #expect(Date().timeIntervalSince(start) < 10)  // expanded, it would run for minutes
        #expect(result.guarded?.kind == .doctypeForbidden)
        #expect(result.unguarded != nil)
        #expect(result.values.isEmpty)
        // Expanded, the entities would take gigabytes; the margin leaves room for tests running beside.
        if let before, let after = peakResidentKiB() { #expect(after - before < 512 * 1024) }
    }

    @Test("quadratic blow-up (one large entity referenced many times) is refused quickly")
    func quadraticBlowup() throws {
        let big = String(repeating: "x", count: 50_000)
        let references = String(repeating: "&a;", count: 50_000)
        let before = peakResidentKiB()
        let start = Date()
        let result = try attack("<?xml version=\"1.0\"?>\n<!DOCTYPE root [<!ENTITY a \"\(big)\">]>\n<root><item><v>\(references)</v></item></root>")
        #expect(Date().timeIntervalSince(start) < 10)  // expanded, it would run for minutes
        #expect(result.guarded?.kind == .doctypeForbidden)
        #expect(result.unguarded != nil)
        #expect(result.values.isEmpty)
        // Expanded, the entities would take gigabytes; the margin leaves room for tests running beside.
        if let before, let after = peakResidentKiB() { #expect(after - before < 512 * 1024) }
    }

    @Test("an entity reference without a DTD is refused")
    func undeclaredEntity() throws {
        let result = try attack("<root><item><v>&x;</v></item></root>")
        #expect(result.guarded?.kind == .notWellFormed)
        #expect(result.unguarded?.kind == .notWellFormed)
        #expect(result.values.isEmpty)
    }

    @Test("a DOCTYPE after a long prolog, in UTF-16, or split across reads is still caught")
    func doctypeGuardEdges() throws {
        let longComment = "<!-- " + String(repeating: "<!DOCTYPE in a comment is text ", count: 5000) + " -->"
        let late = try attack("<?xml version=\"1.0\"?>\(longComment)\n<?pi <!DOCTYPE?>\n<!DOCTYPE root><root/>")
        #expect(late.guarded?.kind == .doctypeForbidden)
        #expect(late.guarded?.line == 3)

        let fine = try attack("<?xml version=\"1.0\"?>\(longComment)<?pi <!DOCTYPE?><root><item><v>ok</v></item></root>")
        #expect(fine.guarded == nil)
        #expect(fine.values == ["ok", "ok"])

        var utf16 = Data([0xFF, 0xFE])
        utf16.append("<?xml version=\"1.0\" encoding=\"UTF-16\"?><!DOCTYPE root><root/>".data(using: .utf16LittleEndian)!)
        let path = try temporaryFile(utf16, name: "utf16")
        #expect(documentError { _ = try readAll(path, Self.spec) }?.kind == .doctypeForbidden)

        let text = Array("<!-- c --><!DOCTYPE root><root/>".utf8)
        for cut in 1..<text.count {
            var guardState = PrologGuard()
            var admitted = text[..<cut].withUnsafeBytes { guardState.admit($0) }
            admitted += text[cut...].withUnsafeBytes { guardState.admit($0) }
            #expect(guardState.isTripped)
            #expect(admitted <= 12, "at most `<!` of `<!DOCTYPE` reaches the parser (cut at \(cut))")
        }
    }
}
