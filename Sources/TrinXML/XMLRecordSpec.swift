/// Where records and their fields live in an XML document: validated without a document,
/// so a mapping can be checked when it is loaded.
///
/// ## Path syntax
/// Names are `prefix:Local` or `Local`. A prefix is looked up in the namespace table; an
/// unprefixed element name takes the table's `""` entry (a default namespace) when there is
/// one, else no namespace. Unprefixed attribute names are always in no namespace (as in XML).
/// Matching is by namespace URI: the document may use any prefix or a default namespace.
///
/// - root: `f:Forloebsudtraek`, the expected document element.
/// - record path: absolute, starting at the root: `f:Forloebsudtraek/f:Forloeb/f:Haendelser/f:Haendelse`
///   (a leading `/` is allowed). One record per matching element, in document order.
/// - field path, relative to the record element:
///   - `@start`: attribute `start` of the record element;
///   - `f:Child`: text of the first child element `f:Child`;
///   - `f:Child/f:Grandchild`, `f:Child/@kode`: deeper children, an attribute of a child;
///   - `.`: text of the record element itself;
///   - leading `../` steps climb to an ancestor on the record path first:
///     `../../f:Borger/f:CPR`, `../../@id`, `../../f:Maalgruppe/@kode`, `../..` is not allowed
///     but `../../.` is (text of that ancestor).
///
///   Fields of the root element may only be attributes (`../../../@dannet`).
///
/// ## Values
/// - nil: the element or attribute is absent; "" : present and empty (`<X/>`, `a=""`).
/// - Text is the concatenation of all text below the element (XPath string value, whitespace
///   between child elements included): text,
///   CDATA and character references (`&#230;` is `æ`), with leading and trailing XML
///   whitespace (space, tab, CR, LF) trimmed. Attribute values are as the parser normalises
///   them, not trimmed. (The mapping layer then trims every value of Unicode white space
///   before a rule reads it: `FieldValues.value` in TrinMapping.)
/// - When several elements match one field path, the first in document order wins.
/// - An ancestor's field may come before or after the records in document order: records are
///   held until the highest ancestor with element fields closes, so memory is bounded by
///   one such ancestor (e.g. one `Forloeb`), never the whole document.
public struct XMLRecordSpec: Sendable {
    /// Prefix → namespace URI, as given.
    public let namespaces: [String: String]
    /// The expected document element.
    public let root: XMLName
    /// The record path's elements, from the root (included) to the record element.
    public let recordPath: [XMLName]
    /// The field paths, as given; a record's values come in this order.
    public let fieldPaths: [String]

    let fields: [CompiledField]
    /// Trie of element steps below each context level; `levelRoots[level]` is the node of
    /// the path element at that level (0 = root).
    let trie: [TrieNode]
    let levelRoots: [Int]
    /// Depth of the element whose close releases buffered records (the record's own depth
    /// when no ancestor has element fields).
    let groupLevel: Int

    /// Validates and compiles a spec. Throws the first bad path.
    public init(namespaces: [String: String], root: String, recordPath: String, fields: [String]) throws(XMLPathError) {
        self.namespaces = namespaces
        self.fieldPaths = fields
        let rootName = try Self.elementName(root, in: root, namespaces: namespaces)
        self.root = rootName

        var text = Substring(recordPath)
        if text.hasPrefix("/") { text = text.dropFirst() }
        if text.isEmpty { throw XMLPathError(path: recordPath, reason: .empty) }
        var steps: [XMLName] = []
        for step in text.split(separator: "/", omittingEmptySubsequences: false) {
            if step.isEmpty { throw XMLPathError(path: recordPath, reason: .emptyStep) }
            if step.hasPrefix("@") { throw XMLPathError(path: recordPath, reason: .attributeNotLast) }
            if step == "." || step == ".." { throw XMLPathError(path: recordPath, reason: .misplacedParentStep) }
            steps.append(try Self.elementName(String(step), in: recordPath, namespaces: namespaces))
        }
        guard steps[0] == rootName else {
            throw XMLPathError(path: recordPath, reason: .rootMismatch(expected: root))
        }
        guard steps.count >= 2 else { throw XMLPathError(path: recordPath, reason: .recordIsRoot) }
        self.recordPath = steps
        let recordLevel = steps.count - 1

        var compiled: [CompiledField] = []
        for path in fields {
            compiled.append(try Self.compileField(path, recordLevel: recordLevel, namespaces: namespaces))
        }
        self.fields = compiled

        var group = recordLevel
        for field in compiled where field.level < recordLevel && field.needsElementContent {
            if field.level == 0 {
                throw XMLPathError(path: fields[compiled.firstIndex { $0 == field }!], reason: .rootChildElement)
            }
            group = min(group, field.level)
        }
        self.groupLevel = group

        var trie: [TrieNode] = (0...recordLevel).map { _ in TrieNode(name: nil) }
        self.levelRoots = Array(0...recordLevel)
        for (index, field) in compiled.enumerated() {
            var node = field.level
            for step in field.steps {
                if let existing = trie[node].children.first(where: { trie[$0].name == step }) {
                    node = existing
                } else {
                    trie.append(TrieNode(name: step))
                    trie[node].children.append(trie.count - 1)
                    node = trie.count - 1
                }
            }
            if let attribute = field.attribute {
                trie[node].attributeFields.append(AttributeField(name: attribute, field: index))
            } else {
                trie[node].textFields.append(index)
            }
        }
        self.trie = trie
    }

    /// The depth (0 = root) of the record element.
    var recordLevel: Int { recordPath.count - 1 }

    private static func compileField(_ path: String, recordLevel: Int, namespaces: [String: String]) throws(XMLPathError) -> CompiledField {
        if path.isEmpty { throw XMLPathError(path: path, reason: .empty) }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        var ups = 0
        var steps: [XMLName] = []
        var attribute: XMLName?
        var sawSelf = false
        for (offset, part) in parts.enumerated() {
            let isLast = offset == parts.count - 1
            if part.isEmpty { throw XMLPathError(path: path, reason: .emptyStep) }
            if attribute != nil || sawSelf { throw XMLPathError(path: path, reason: .attributeNotLast) }
            if part == ".." {
                guard steps.isEmpty else { throw XMLPathError(path: path, reason: .misplacedParentStep) }
                if isLast { throw XMLPathError(path: path, reason: .misplacedParentStep) }
                ups += 1
            } else if part == "." {
                guard steps.isEmpty, isLast else { throw XMLPathError(path: path, reason: .misplacedParentStep) }
                sawSelf = true
            } else if part.hasPrefix("@") {
                let name = part.dropFirst()
                if name.isEmpty { throw XMLPathError(path: path, reason: .emptyStep) }
                attribute = try attributeName(String(name), in: path, namespaces: namespaces)
            } else {
                steps.append(try elementName(String(part), in: path, namespaces: namespaces))
            }
        }
        guard ups <= recordLevel else { throw XMLPathError(path: path, reason: .aboveRoot) }
        return CompiledField(level: recordLevel - ups, steps: steps, attribute: attribute)
    }

    private static func elementName(_ qname: String, in path: String, namespaces: [String: String]) throws(XMLPathError) -> XMLName {
        let (prefix, local) = try split(qname, in: path)
        let key = prefix ?? ""
        if let uri = namespaces[key] { return XMLName(namespaceURI: uri, localName: local) }
        if prefix != nil { throw XMLPathError(path: path, reason: .unknownPrefix(key)) }
        return XMLName(namespaceURI: nil, localName: local)
    }

    private static func attributeName(_ qname: String, in path: String, namespaces: [String: String]) throws(XMLPathError) -> XMLName {
        let (prefix, local) = try split(qname, in: path)
        guard let prefix else { return XMLName(namespaceURI: nil, localName: local) }
        guard let uri = namespaces[prefix] else { throw XMLPathError(path: path, reason: .unknownPrefix(prefix)) }
        return XMLName(namespaceURI: uri, localName: local)
    }

    private static func split(_ qname: String, in path: String) throws(XMLPathError) -> (String?, String) {
        if qname.isEmpty { throw XMLPathError(path: path, reason: .empty) }
        let parts = qname.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy(isNCName) else {
            throw XMLPathError(path: path, reason: .invalidName(qname))
        }
        return parts.count == 2 ? (String(parts[0]), String(parts[1])) : (nil, String(parts[0]))
    }

    /// A practical NCName check: no empty name, no separators or whitespace, no leading digit, `-` or `.`.
    private static func isNCName(_ name: Substring) -> Bool {
        guard let first = name.unicodeScalars.first else { return false }
        if first == "-" || first == "." || ("0"..."9").contains(first) { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            if scalar.value >= 0x80 { return !scalar.properties.isWhitespace }
            return ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
                || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-" || scalar == "."
        }
    }
}

/// A field path resolved against the record path.
struct CompiledField: Sendable, Equatable {
    /// Depth of the context element (0 = root); the record's depth when no `..`.
    let level: Int
    /// Child element steps below the context element.
    let steps: [XMLName]
    /// The attribute read at the end, or nil for element text.
    let attribute: XMLName?

    /// Whether the value is known only when an element closes (text, or anything below a child).
    var needsElementContent: Bool { attribute == nil || !steps.isEmpty }
}

struct AttributeField: Sendable {
    let name: XMLName
    let field: Int
}

struct TrieNode: Sendable {
    let name: XMLName?
    var children: [Int] = []
    var textFields: [Int] = []
    var attributeFields: [AttributeField] = []
}
