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
    private var scanner: RecordScanner

    /// Opens a file. Throws `.io` if it cannot be opened; everything else surfaces from `next()`.
    public convenience init(path: String, spec: XMLRecordSpec) throws(XMLDocumentError) {
        try self.init(stream: XMLStreamReader(path: path), spec: spec)
    }

    init(stream: XMLStreamReader, spec: XMLRecordSpec) {
        self.spec = spec
        self.stream = stream
        scanner = RecordScanner(spec: spec, stream: stream)
    }

    /// The file being read.
    public var file: String { stream.file }
    /// Bytes read from the file so far, for throughput reporting.
    public var bytesRead: Int { stream.bytesRead }

    /// The next record in document order, or nil once the whole document was read and found
    /// good. Throws at the first document-level problem (see the type's note on all or nothing).
    public func next() throws(XMLDocumentError) -> XMLRecord? {
        try scanner.next(stream)
    }
}

/// The matching engine. A struct so the hot loop runs on local state: no retain/release of
/// tables, no dynamic exclusivity checks per property.
struct RecordScanner {
    private typealias Name = UnsafePointer<xmlChar>?

    // Interned names: pointer-equal to what the parser reports.
    private let pathLocal: [Name]
    private let pathURI: [Name]
    private let root: XMLName
    private let steps: [XMLName]
    private let recordLevel: Int
    private let groupLevel: Int
    // The trie, flattened: node n's children are children[childStart[n] ..< childStart[n + 1]], etc.
    private let nodeLocal: [Name]
    private let nodeURI: [Name]
    private let childStart: [Int]
    private let children: [Int]
    private let textStart: [Int]
    private let textFields: [Int]
    private let attributeStart: [Int]
    private let attributeLocal: [Name]
    private let attributeURI: [Name]
    private let attributeField: [Int]
    private let fieldStart: [Int]
    private let fieldsByLevel: [Int]

    /// Number of record-path levels open (the open path elements are at depths 0..<matched).
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
    private var pendingLine = 0
    private var pendingPositions: [Int] = []
    private var ready: [XMLRecord] = []
    private var readyIndex = 0
    private var sawRoot = false
    private var finished = false

    private struct Capture {
        var field = 0
        var depth = 0
        var bytes: [UInt8] = []
    }

    init(spec: XMLRecordSpec, stream: XMLStreamReader) {
        pathLocal = spec.recordPath.map { stream.intern($0.localName) }
        pathURI = spec.recordPath.map { stream.intern($0.namespaceURI) }
        root = spec.root
        steps = spec.recordPath
        recordLevel = spec.recordLevel
        groupLevel = spec.groupLevel
        nodeLocal = spec.trie.map { stream.intern($0.name?.localName) }
        nodeURI = spec.trie.map { stream.intern($0.name?.namespaceURI) }
        func flatten<T>(_ lists: [[T]]) -> (starts: [Int], items: [T]) {
            var starts = [0]
            var items: [T] = []
            for list in lists {
                items += list
                starts.append(items.count)
            }
            return (starts, items)
        }
        (childStart, children) = flatten(spec.trie.map(\.children))
        (textStart, textFields) = flatten(spec.trie.map(\.textFields))
        let attributes = flatten(spec.trie.map(\.attributeFields))
        attributeStart = attributes.starts
        attributeLocal = attributes.items.map { stream.intern($0.name.localName) }
        attributeURI = attributes.items.map { stream.intern($0.name.namespaceURI) }
        attributeField = attributes.items.map(\.field)
        var byLevel = [[Int]](repeating: [], count: spec.recordLevel + 1)
        for (index, field) in spec.fields.enumerated() { byLevel[field.level].append(index) }
        (fieldStart, fieldsByLevel) = flatten(byLevel)
        positions = [Int](repeating: 0, count: spec.recordLevel + 2)
        recordsStart = [Int](repeating: 0, count: spec.recordLevel + 1)
        current = [String?](repeating: nil, count: spec.fields.count)
    }

    mutating func next(_ stream: XMLStreamReader) throws(XMLDocumentError) -> XMLRecord? {
        while readyIndex == ready.count {
            if finished { return nil }
            if readyIndex > 0 {
                ready.removeAll(keepingCapacity: true)
                readyIndex = 0
            }
            let handle = stream.handle
            switch try stream.nextKind() {
            case .element:
                try startElement(stream, handle)
            case .endElement:
                endElement(depth: Int(xmlTextReaderDepth(handle)))
            case .text, .cdata, .significantWhitespace, .whitespace:
                if captureCount > 0 { appendText(handle) }
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

    private mutating func startElement(_ stream: XMLStreamReader, _ handle: xmlTextReaderPtr) throws(XMLDocumentError) {
        let depth = Int(xmlTextReaderDepth(handle))
        let local = xmlTextReaderConstLocalName(handle)

        if depth == 0 {
            sawRoot = true
            guard local == pathLocal[0], xmlTextReaderConstNamespaceUri(handle) == pathURI[0] else {
                let found = stream.name
                throw stream.fail(XMLDocumentError(
                    kind: .unexpectedRoot(expected: root, found: found), file: stream.file,
                    line: stream.currentLine, column: 0,
                    message: "expected root element \(Self.describe(root)), found \(Self.describe(found))"))
            }
        }

        // Trie nodes reached from the parent's active nodes.
        if activeStart.count <= depth {
            activeStart.append(0)
            activeEnd.append(0)
        }
        let start: Int
        if depth > 0 {
            let parentStart = activeStart[depth - 1]
            let parentEnd = activeEnd[depth - 1]
            if active.count > parentEnd { active.removeSubrange(parentEnd...) }
            start = parentEnd
            if parentStart < parentEnd {
                var uri: Name = nil
                var uriKnown = false
                for index in parentStart..<parentEnd {
                    let node = active[index]
                    for slot in childStart[node]..<childStart[node + 1] where nodeLocal[children[slot]] == local {
                        if !uriKnown {
                            uri = xmlTextReaderConstNamespaceUri(handle)
                            uriKnown = true
                        }
                        if nodeURI[children[slot]] == uri { active.append(children[slot]) }
                    }
                }
            }
        } else {
            active.removeAll(keepingCapacity: true)
            start = 0
        }

        if depth == matched && depth <= recordLevel && local == pathLocal[depth]
            && (depth == 0 || xmlTextReaderConstNamespaceUri(handle) == pathURI[depth]) {
            openLevel(depth, stream)
            active.append(depth) // the trie node of path level `depth`
        }
        activeStart[depth] = start
        activeEnd[depth] = active.count

        let isEmpty = xmlTextReaderIsEmptyElement(handle) == 1
        if active.count > start {
            for index in start..<active.count {
                let node = active[index]
                if attributeStart[node] < attributeStart[node + 1] { readAttributes(node: node, handle) }
                for slot in textStart[node]..<textStart[node + 1] where current[textFields[slot]] == nil {
                    beginCapture(field: textFields[slot], depth: depth)
                }
            }
        }
        if isEmpty { endElement(depth: depth) }
    }

    private mutating func openLevel(_ level: Int, _ stream: XMLStreamReader) {
        matched = level + 1
        positions[level] += 1
        positions[level + 1] = 0
        for slot in fieldStart[level]..<fieldStart[level + 1] { current[fieldsByLevel[slot]] = nil }
        recordsStart[level] = pending.count
        if level == recordLevel {
            pendingLine = stream.currentLine
            pendingPositions = Array(positions[0...recordLevel])
        }
    }

    private mutating func endElement(depth: Int) {
        while captureCount > 0 && captures[captureCount - 1].depth == depth {
            captureCount -= 1
            let field = captures[captureCount].field
            if current[field] == nil { current[field] = Self.trimmedString(captures[captureCount].bytes) }
        }
        guard depth == matched - 1 else { return }
        let level = depth
        matched = level
        if level == recordLevel {
            pending.append(XMLRecord(line: pendingLine, values: current, positions: pendingPositions, steps: steps))
        } else if level >= groupLevel, recordsStart[level] < pending.count, fieldStart[level] < fieldStart[level + 1] {
            // Fields of this ancestor may have come after its records: fill them in now.
            for index in recordsStart[level]..<pending.count {
                for slot in fieldStart[level]..<fieldStart[level + 1] {
                    let field = fieldsByLevel[slot]
                    pending[index].values[field] = current[field]
                }
            }
        }
        if level == groupLevel {
            swap(&ready, &pending)
            pending.removeAll(keepingCapacity: true)
            readyIndex = 0
        }
    }

    // MARK: Values

    private mutating func readAttributes(node: Int, _ handle: xmlTextReaderPtr) {
        guard xmlTextReaderMoveToFirstAttribute(handle) == 1 else { return }
        let range = attributeStart[node]..<attributeStart[node + 1]
        repeat {
            let local = xmlTextReaderConstLocalName(handle)
            for slot in range where attributeLocal[slot] == local {
                let field = attributeField[slot]
                guard current[field] == nil, xmlTextReaderConstNamespaceUri(handle) == attributeURI[slot] else { continue }
                current[field] = XMLStreamReader.string(xmlTextReaderConstValue(handle)) ?? ""
            }
        } while xmlTextReaderMoveToNextAttribute(handle) == 1
        xmlTextReaderMoveToElement(handle)
    }

    private mutating func beginCapture(field: Int, depth: Int) {
        for index in 0..<captureCount where captures[index].field == field { return }
        if captureCount == captures.count { captures.append(Capture()) }
        captures[captureCount].field = field
        captures[captureCount].depth = depth
        captures[captureCount].bytes.removeAll(keepingCapacity: true)
        captureCount += 1
    }

    private mutating func appendText(_ handle: xmlTextReaderPtr) {
        guard let value = xmlTextReaderConstValue(handle) else { return }
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
