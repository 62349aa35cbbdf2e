internal import CLibXML2
#if canImport(Glibc)
import Glibc
#endif

/// The matching engine behind `XMLRecordReader`: fed libxml2's SAX2 events, it follows the
/// record path and the field trie and writes finished records into `XMLRecordBatch`es.
///
/// A struct behind one pointer, so the callbacks run on local state: no retain/release of
/// tables, no dynamic exclusivity checks per event. Names are matched as libxml2 dictionary
/// pointers (interned once), never as strings.
struct RecordScanner {
    typealias Name = UnsafePointer<xmlChar>?

    private let pathLocal: [Name]
    private let pathURI: [Name]
    let root: XMLName
    let steps: [XMLName]
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
    /// Per field: read within the record element itself (its level is the record's), so an
    /// attribute value goes straight into `batch`, where the record will point, instead of
    /// through `current`: it belongs to one record only, and is copied once.
    private let direct: [Bool]
    private let fieldCount: Int
    private let batchTarget: Int

    /// Depth of the next element to open (0: the root).
    private var depth = 0
    /// Number of record-path levels open (the open path elements are at depths 0..<matched).
    private var matched = 0
    private let positions: UnsafeMutablePointer<Int32>
    /// Per level: the index in `batch` of the first record opened under the level's element.
    private let recordsStart: UnsafeMutablePointer<Int>
    // Current value of each field, for the open context elements.
    private let present: UnsafeMutablePointer<Bool>
    /// Current values, all in one buffer: field f's is `current[valueStart[f] ..< valueStart[f] + valueLength[f]]`.
    /// A new value is appended (never written over another), and the buffer is compacted
    /// when a context element opens and it has grown: no allocation per value.
    private var current = PlainBuffer<UInt8>(capacity: 4096)
    private let valueStart: UnsafeMutablePointer<Int>
    private let valueLength: UnsafeMutablePointer<Int>
    /// Where the current value already sits in `batch` (-1: not copied yet): records of one
    /// group share their ancestor's value instead of copying it per record.
    private let storedAt: UnsafeMutablePointer<Int32>
    /// Trie nodes active for the open elements: those of the element at depth d are
    /// `active[activeStart[d] ..< activeEnd[d]]`.
    private let active = PlainBuffer<Int>()
    private let activeStart = PlainBuffer<Int>()
    private let activeEnd = PlainBuffer<Int>()
    private var captures: [Capture] = []
    private var captureCount = 0
    /// The line the open record's element starts on (see `recordOpened`).
    var recordLine = 0
    /// Whether the last `startElement` opened a record: the reader then puts the line of the
    /// start tag's `<` into `recordLine` (libxml2 reports the line where the tag ends).
    private(set) var recordOpened = false

    /// Records being built; handed to `ready` whole groups at a time.
    private var batch: XMLRecordBatch
    /// Batches complete and final, oldest first.
    var ready: [XMLRecordBatch] = []
    /// Set when one record group outgrew `maximumGroupBytes`: the document is refused.
    private(set) var groupTooLarge = false
    /// Values a batch may hold: records are kept until their group closes, so one group
    /// must fit (a `Forloeb` holds kilobytes; this stops a hostile or broken document).
    static let maximumGroupBytes = 1 << 30
    /// Longest text a mapped element may hold (1 MiB; an export's values are a few dozen
    /// bytes). Longer, and the document is refused rather than buffered.
    static let maximumValueBytes = 1 << 20
    /// Deepest element nesting accepted (an export nests five levels).
    static let maximumDepth = 256
    /// Set when a mapped element's text passed `maximumValueBytes`.
    private(set) var valueTooLong = false
    /// Set when elements nest deeper than `maximumDepth`.
    private(set) var tooDeep = false
    private(set) var sawRoot = false
    /// Set to the path level of an element that has the name of the record path's next step
    /// in another namespace (a document whose records would otherwise be silently skipped).
    private(set) var foreignStep: Int?

    /// The fixed-size buffers behind `present`, `valueStart`, `valueLength`, `storedAt` (one
    /// slot per field) and `positions`, `recordsStart` (per path level). They never grow, so
    /// the scanner reads and writes them through their first element's address, with no
    /// uniqueness or bounds check per value (the indices come from the compiled spec).
    private let tables: [AnyObject]

    private struct Capture {
        var field = 0
        var depth = 0
        var bytes: [UInt8] = []
    }

    /// `intern` returns the parser dictionary's pointer for a name (nil for nil).
    init(spec: XMLRecordSpec, batchTarget: Int, intern: (String?) -> Name) {
        pathLocal = spec.recordPath.map { intern($0.localName) }
        pathURI = spec.recordPath.map { intern($0.namespaceURI) }
        root = spec.root
        steps = spec.recordPath
        recordLevel = spec.recordLevel
        groupLevel = spec.groupLevel
        nodeLocal = spec.trie.map { intern($0.name?.localName) }
        nodeURI = spec.trie.map { intern($0.name?.namespaceURI) }
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
        attributeLocal = attributes.items.map { intern($0.name.localName) }
        attributeURI = attributes.items.map { intern($0.name.namespaceURI) }
        attributeField = attributes.items.map(\.field)
        var byLevel = [[Int]](repeating: [], count: spec.recordLevel + 1)
        for (index, field) in spec.fields.enumerated() { byLevel[field.level].append(index) }
        (fieldStart, fieldsByLevel) = flatten(byLevel)
        fieldCount = spec.fields.count
        direct = spec.fields.map { $0.level == spec.recordLevel }
        self.batchTarget = batchTarget
        let levels = spec.recordLevel + 2
        let presentTable = PlainBuffer(repeating: false, count: fieldCount), storedAtTable = PlainBuffer<Int32>(repeating: -1, count: fieldCount)
        let startTable = PlainBuffer(repeating: 0, count: fieldCount), lengthTable = PlainBuffer(repeating: 0, count: fieldCount)
        let positionTable = PlainBuffer<Int32>(repeating: 0, count: levels), recordsStartTable = PlainBuffer(repeating: 0, count: levels)
        tables = [presentTable, storedAtTable, startTable, lengthTable, positionTable, recordsStartTable]
        (present, storedAt, valueStart, valueLength) = (presentTable.base, storedAtTable.base, startTable.base, lengthTable.base)
        (positions, recordsStart) = (positionTable.base, recordsStartTable.base)
        batch = XMLRecordBatch(fieldCount: fieldCount, steps: spec.recordPath)
    }

    /// The records not yet handed over; at the end of a well-formed document, all groups are closed.
    mutating func finish() {
        if !batch.isEmpty { handOver() }
    }

    // MARK: Elements

    /// An element starts. Returns the name found when the root is not the expected one.
    mutating func startElement(local: Name, uri: Name, attributeCount: Int,
                               attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, line: Int) -> Bool {
        let depth = self.depth
        self.depth += 1
        recordOpened = false
        if depth >= Self.maximumDepth {
            tooDeep = true
            return true
        }
        if depth == 0 {
            sawRoot = true
            guard local == pathLocal[0], uri == pathURI[0] else { return false }
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
            if active.count > parentEnd { active.truncate(to: parentEnd) }
            start = parentEnd
            for index in parentStart..<parentEnd {
                let node = active[index]
                for slot in childStart[node]..<childStart[node + 1] {
                    let child = children[slot]
                    if nodeLocal[child] == local && nodeURI[child] == uri { active.append(child) }
                }
            }
        } else {
            active.removeAll()
            start = 0
        }

        if depth == matched && depth <= recordLevel && local == pathLocal[depth] {
            if uri == pathURI[depth] {
                openLevel(depth, line: line)
                active.append(depth) // the trie node of path level `depth`
            } else if foreignStep == nil {
                foreignStep = depth
            }
        }
        activeStart[depth] = start
        activeEnd[depth] = active.count

        if active.count > start {
            for index in start..<active.count {
                let node = active[index]
                if attributeStart[node] < attributeStart[node + 1], attributeCount > 0, let attributes {
                    readAttributes(node: node, attributes, attributeCount)
                }
                for slot in textStart[node]..<textStart[node + 1] where !present[textFields[slot]] {
                    beginCapture(field: textFields[slot], depth: depth)
                }
            }
        }
        return true
    }

    private mutating func openLevel(_ level: Int, line: Int) {
        matched = level + 1
        positions[level] += 1
        positions[level + 1] = 0
        for slot in fieldStart[level]..<fieldStart[level + 1] {
            let field = fieldsByLevel[slot]
            present[field] = false
            storedAt[field] = -1
        }
        if current.count > 65_536 { compactValues() }
        recordsStart[level] = batch.count
        if level == recordLevel {
            recordLine = line
            recordOpened = true
        }
    }

    mutating func endElement() {
        depth -= 1
        let depth = self.depth
        guard depth < Self.maximumDepth else { return }
        while captureCount > 0 && captures[captureCount - 1].depth == depth {
            captureCount -= 1
            let field = captures[captureCount].field
            if !present[field] { setTrimmed(field: field, captures[captureCount].bytes) }
        }
        guard depth == matched - 1 else { return }
        let level = depth
        matched = level
        if level == recordLevel {
            appendRecord()
        } else if level >= groupLevel, recordsStart[level] < batch.count, fieldStart[level] < fieldStart[level + 1] {
            // Fields of this ancestor may have come after its records: fill them in now.
            for slot in fieldStart[level]..<fieldStart[level + 1] {
                let field = fieldsByLevel[slot]
                let (start, length) = storedValue(field)
                for record in recordsStart[level]..<batch.count {
                    batch.starts[record * fieldCount + field] = start
                    batch.lengths[record * fieldCount + field] = length
                }
            }
        }
        if level == groupLevel && batch.count >= batchTarget { handOver() }
    }

    private mutating func appendRecord() {
        let starts = batch.starts.appendSlots(fieldCount), lengths = batch.lengths.appendSlots(fieldCount)
        for field in 0..<fieldCount { (starts[field], lengths[field]) = storedValue(field) }
        batch.lines.append(recordLine)
        let places = batch.positions.appendSlots(recordLevel + 1)
        for level in 0...recordLevel { places[level] = positions[level] }
    }

    /// The field's current value in `batch`, copied there once.
    private mutating func storedValue(_ field: Int) -> (Int32, Int32) {
        guard present[field] else { return (0, -1) }
        if storedAt[field] < 0 {
            if batch.bytes.count + valueLength[field] > Self.maximumGroupBytes {
                groupTooLarge = true
                return (0, -1)
            }
            let (start, length) = (valueStart[field], valueLength[field])
            storedAt[field] = batch.store(UnsafeBufferPointer(start: current.base + start, count: length))
        }
        return (storedAt[field], Int32(valueLength[field]))
    }

    private mutating func handOver() {
        ready.append(batch)
        batch = XMLRecordBatch(fieldCount: fieldCount, steps: steps, records: batch.count, bytes: batch.bytes.count)
        for field in 0..<fieldCount { storedAt[field] = -1 }
        for level in 0..<(recordLevel + 1) { recordsStart[level] = 0 }
    }

    // MARK: Values

    private mutating func readAttributes(node: Int, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>, _ count: Int) {
        let range = attributeStart[node]..<attributeStart[node + 1]
        for index in 0..<count {
            // libxml2 passes five pointers per attribute: localname, prefix, URI, value, end.
            let local = attributes[5 * index]
            for slot in range where attributeLocal[slot] == local && attributeURI[slot] == attributes[5 * index + 2] {
                let field = attributeField[slot]
                guard !present[field], let value = attributes[5 * index + 3], let end = attributes[5 * index + 4] else { continue }
                let text = UnsafeBufferPointer(start: value, count: end - value)
                present[field] = true
                if direct[field] {
                    if batch.bytes.count + text.count > Self.maximumGroupBytes {
                        groupTooLarge = true
                        return
                    }
                    let start = batch.bytes.count
                    Self.appendAttributeValue(text, to: batch.bytes)
                    storedAt[field] = Int32(start)
                    valueLength[field] = batch.bytes.count - start
                    continue
                }
                storedAt[field] = -1
                valueStart[field] = current.count
                Self.appendAttributeValue(text, to: current)
                valueLength[field] = current.count - valueStart[field]
            }
        }
    }

    /// Without entity substitution libxml2 leaves every `&` in an attribute value (written
    /// `&amp;` or `&#38;`) as the text `&#38;`, for a tree builder to decode later; every other
    /// reference is already decoded. A literal `&` cannot occur, so each `&` starts `&#38;`.
    static func appendAttributeValue(_ value: UnsafeBufferPointer<UInt8>, to out: PlainBuffer<UInt8>) {
        guard let base = value.baseAddress, memchr(base, Int32(UInt8(ascii: "&")), value.count) != nil else {
            out.append(value)
            return
        }
        var index = 0
        while index < value.count {
            let byte = value[index]
            out.append(byte)
            index += byte == UInt8(ascii: "&") && index + 4 < value.count && value[index + 4] == UInt8(ascii: ";") ? 5 : 1
        }
    }

    /// Keeps only the values still present, at the front of the buffer.
    private mutating func compactValues() {
        let kept = PlainBuffer<UInt8>(capacity: 4096)
        for field in 0..<fieldCount where present[field] {
            // Compaction runs as a path element opens, so no record is open: a record's own
            // values are spent (an attribute's may sit in `batch` and never was here).
            if direct[field] {
                present[field] = false
                continue
            }
            let start = valueStart[field]
            valueStart[field] = kept.count
            kept.append(UnsafeBufferPointer(start: current.base + start, count: valueLength[field]))
        }
        current = kept
    }

    private mutating func beginCapture(field: Int, depth: Int) {
        for index in 0..<captureCount where captures[index].field == field { return }
        if captureCount == captures.count { captures.append(Capture()) }
        captures[captureCount].field = field
        captures[captureCount].depth = depth
        captures[captureCount].bytes.removeAll(keepingCapacity: true)
        captureCount += 1
    }

    /// Text, CDATA and (expanded) character references below an element.
    mutating func characters(_ text: UnsafeBufferPointer<UInt8>) {
        for index in 0..<captureCount {
            guard captures[index].bytes.count + text.count <= Self.maximumValueBytes else {
                valueTooLong = true
                return
            }
            captures[index].bytes.append(contentsOf: text)
        }
    }

    var isCapturing: Bool { captureCount > 0 }

    /// Sets a text field, trimmed of XML whitespace at both ends.
    private mutating func setTrimmed(field: Int, _ bytes: [UInt8]) {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        var lower = 0
        var upper = bytes.count
        while lower < upper && isSpace(bytes[lower]) { lower += 1 }
        while upper > lower && isSpace(bytes[upper - 1]) { upper -= 1 }
        present[field] = true
        storedAt[field] = -1
        valueStart[field] = current.count
        valueLength[field] = upper - lower
        bytes.withUnsafeBufferPointer { current.append(UnsafeBufferPointer(rebasing: $0[lower..<upper])) }
    }
}
