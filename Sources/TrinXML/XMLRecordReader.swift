internal import CLibXML2
#if canImport(Glibc)
import Glibc
#endif

/// Streams the records an `XMLRecordSpec` describes out of one XML file, in document order.
///
/// ```swift
/// let reader = try XMLRecordReader(path: file, spec: spec)
/// while let record = try reader.next() { ... }
/// ```
///
/// **All or nothing:** a document-level problem (not well-formed, truncated, DOCTYPE, entity,
/// unexpected root, I/O) may only be found after some records were returned. `next()` then
/// throws `XMLDocumentError`, and the caller must discard every record of this file it already
/// took. Only a `next()` that returned nil vouches for the whole document.
///
/// Memory stays bounded by one record group: records are held until the highest ancestor
/// with element fields closes (see `XMLRecordSpec`). Strings are made only for captured
/// fields; element names are matched as interned libxml2 pointers.
public final class XMLRecordReader {
    public let spec: XMLRecordSpec
    private let stream: XMLStreamReader

    // Interned names: pointer-equal to what the parser reports.
    private let pathLocal: [UnsafePointer<xmlChar>?]
    private let pathURI: [UnsafePointer<xmlChar>?]
    private let nodeLocal: [UnsafePointer<xmlChar>?]
    private let nodeURI: [UnsafePointer<xmlChar>?]
    private let attributeLocal: [[UnsafePointer<xmlChar>?]]
    private let attributeURI: [[UnsafePointer<xmlChar>?]]
    private let fieldsByLevel: [[Int]]
    private let recordLevel: Int

    /// Number of record-path levels currently open (the open path elements are at depths 0..<matched).
    private var matched = 0
    private var positions: [Int]
    private var recordsStart: [Int]
    private var current: [String?]
    /// Trie nodes active for the open elements: those of the element at depth d are
    /// `active[activeStart[d] ..< activeEnd[d]]`.
    private var active: [Int] = []
    private var activeStart: [Int] = []
    private var activeEnd: [Int] = []
    private var captures: [Capture] = []
    private var captureCount = 0
    private var pending: [XMLRecord] = []
    private var pendingLines: [Int] = []
    private var pendingPositions: [[Int]] = []
    private var ready: [XMLRecord] = []
    private var readyIndex = 0
    private var sawRoot = false
    private var finished = false

    private struct Capture {
        var field = 0
        var depth = 0
        var bytes: [UInt8] = []
    }

    /// Opens a file. Throws `.io` if it cannot be opened; everything else surfaces from `next()`.
    public convenience init(path: String, spec: XMLRecordSpec) throws(XMLDocumentError) {
        try self.init(stream: XMLStreamReader(path: path), spec: spec)
    }

    init(stream: XMLStreamReader, spec: XMLRecordSpec) {
        self.spec = spec
        self.stream = stream
        pathLocal = spec.recordPath.map { stream.intern($0.localName) }
        pathURI = spec.recordPath.map { stream.intern($0.namespaceURI) }
        nodeLocal = spec.trie.map { stream.intern($0.name?.localName) }
        nodeURI = spec.trie.map { stream.intern($0.name?.namespaceURI) }
        attributeLocal = spec.trie.map { $0.attributeFields.map { stream.intern($0.name.localName) } }
        attributeURI = spec.trie.map { $0.attributeFields.map { stream.intern($0.name.namespaceURI) } }
        recordLevel = spec.recordLevel
        var byLevel = [[Int]](repeating: [], count: spec.recordLevel + 1)
        for (index, field) in spec.fields.enumerated() { byLevel[field.level].append(index) }
        fieldsByLevel = byLevel
        positions = [Int](repeating: 0, count: spec.recordLevel + 2)
        recordsStart = [Int](repeating: 0, count: spec.recordLevel + 1)
        current = [String?](repeating: nil, count: spec.fields.count)
    }

    /// The file being read.
    public var file: String { stream.file }
    /// Bytes read from the file so far, for throughput reporting.
    public var bytesRead: Int { stream.bytesRead }

    /// The next record in document order, or nil once the whole document was read and found
    /// good. Throws at the first document-level problem (see the type's note on all or nothing).
    public func next() throws(XMLDocumentError) -> XMLRecord? {
        while readyIndex == ready.count {
            if finished { return nil }
            if readyIndex > 0 {
                ready.removeAll(keepingCapacity: true)
                readyIndex = 0
            }
            switch try stream.nextKind() {
            case .element:
                try startElement()
            case .endElement:
                endElement(depth: Int(xmlTextReaderDepth(stream.handle)))
            case .text, .cdata, .significantWhitespace, .whitespace:
                if captureCount > 0 { appendText() }
            case .none:
                finished = true
                if !sawRoot {
                    throw stream.fail(XMLDocumentError(kind: .notWellFormed, file: stream.file, line: 0, column: 0,
                                                       message: "the document has no root element"))
                }
            default:
                break
            }
        }
        defer { readyIndex += 1 }
        return ready[readyIndex]
    }

    // MARK: Elements

    private func startElement() throws(XMLDocumentError) {
        let handle = stream.handle
        let depth = Int(xmlTextReaderDepth(handle))
        let local = xmlTextReaderConstLocalName(handle)

        if depth == 0 {
            sawRoot = true
            guard local == pathLocal[0], xmlTextReaderConstNamespaceUri(handle) == pathURI[0] else {
                let found = stream.name
                let expected = spec.root
                throw stream.fail(XMLDocumentError(
                    kind: .unexpectedRoot(expected: expected, found: found), file: stream.file,
                    line: stream.currentLine, column: 0,
                    message: "expected root element \(Self.describe(expected)), found \(Self.describe(found))"))
            }
        }

        // Trie nodes reached from the parent's active nodes.
        while activeStart.count <= depth {
            activeStart.append(0)
            activeEnd.append(0)
        }
        let parentEnd = depth > 0 ? activeEnd[depth - 1] : 0
        if active.count > parentEnd { active.removeSubrange(parentEnd...) }
        let start = active.count
        if depth > 0 {
            var uri: UnsafePointer<xmlChar>?
            var uriKnown = false
            for index in activeStart[depth - 1]..<parentEnd {
                for child in spec.trie[active[index]].children where nodeLocal[child] == local {
                    if !uriKnown {
                        uri = xmlTextReaderConstNamespaceUri(handle)
                        uriKnown = true
                    }
                    if nodeURI[child] == uri { active.append(child) }
                }
            }
        }

        let isPath = depth == matched && depth <= recordLevel && local == pathLocal[depth]
            && (depth == 0 || xmlTextReaderConstNamespaceUri(handle) == pathURI[depth])
        if isPath {
            openLevel(depth)
            active.append(spec.levelRoots[depth])
        }
        activeStart[depth] = start
        activeEnd[depth] = active.count

        let isEmpty = xmlTextReaderIsEmptyElement(handle) == 1
        if active.count > start {
            for index in start..<active.count {
                let node = active[index]
                if !spec.trie[node].attributeFields.isEmpty { readAttributes(node: node) }
                for field in spec.trie[node].textFields where current[field] == nil {
                    beginCapture(field: field, depth: depth)
                }
            }
        }
        if isEmpty { endElement(depth: depth) }
    }

    private func openLevel(_ level: Int) {
        matched = level + 1
        positions[level] += 1
        positions[level + 1] = 0
        for field in fieldsByLevel[level] { current[field] = nil }
        recordsStart[level] = pending.count
        if level == recordLevel {
            pendingLines.append(stream.currentLine)
            pendingPositions.append(Array(positions[0...recordLevel]))
        }
    }

    private func endElement(depth: Int) {
        while captureCount > 0 && captures[captureCount - 1].depth == depth {
            captureCount -= 1
            let field = captures[captureCount].field
            if current[field] == nil { current[field] = Self.trimmedString(captures[captureCount].bytes) }
        }
        guard depth == matched - 1 else { return }
        let level = depth
        matched = level
        if level == recordLevel {
            pending.append(XMLRecord(line: pendingLines.removeLast(), values: current,
                                     positions: pendingPositions.removeLast(), steps: spec.recordPath))
        } else if level >= spec.groupLevel, recordsStart[level] < pending.count, !fieldsByLevel[level].isEmpty {
            // Fields of this ancestor may have come after its records: fill them in now.
            for index in recordsStart[level]..<pending.count {
                for field in fieldsByLevel[level] {
                    pending[index].values[field] = current[field]
                }
            }
        }
        if level == spec.groupLevel {
            swap(&ready, &pending)
            pending.removeAll(keepingCapacity: true)
            readyIndex = 0
        }
    }

    // MARK: Values

    private func readAttributes(node: Int) {
        let handle = stream.handle
        let wantedLocal = attributeLocal[node]
        let wantedURI = attributeURI[node]
        let fields = spec.trie[node].attributeFields
        guard xmlTextReaderMoveToFirstAttribute(handle) == 1 else { return }
        repeat {
            let local = xmlTextReaderConstLocalName(handle)
            for index in wantedLocal.indices where wantedLocal[index] == local {
                let field = fields[index].field
                guard current[field] == nil, xmlTextReaderConstNamespaceUri(handle) == wantedURI[index] else { continue }
                current[field] = XMLStreamReader.string(xmlTextReaderConstValue(handle)) ?? ""
            }
        } while xmlTextReaderMoveToNextAttribute(handle) == 1
        xmlTextReaderMoveToElement(handle)
    }

    private func beginCapture(field: Int, depth: Int) {
        for index in 0..<captureCount where captures[index].field == field { return }
        if captureCount == captures.count { captures.append(Capture()) }
        captures[captureCount].field = field
        captures[captureCount].depth = depth
        captures[captureCount].bytes.removeAll(keepingCapacity: true)
        captureCount += 1
    }

    private func appendText() {
        guard let value = xmlTextReaderConstValue(stream.handle) else { return }
        let bytes = UnsafeBufferPointer(start: value, count: strlen(UnsafeRawPointer(value).assumingMemoryBound(to: CChar.self)))
        for index in 0..<captureCount { captures[index].bytes.append(contentsOf: bytes) }
    }

    private static func trimmedString(_ bytes: [UInt8]) -> String {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        var lower = 0
        var upper = bytes.count
        while lower < upper && isSpace(bytes[lower]) { lower += 1 }
        while upper > lower && isSpace(bytes[upper - 1]) { upper -= 1 }
        return String(decoding: bytes[lower..<upper], as: UTF8.self)
    }

    private static func describe(_ name: XMLName) -> String {
        if let uri = name.namespaceURI { return "'\(name.localName)' in namespace '\(uri)'" }
        return "'\(name.localName)' in no namespace"
    }
}
