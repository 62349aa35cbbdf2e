/// One record element and the values of the spec's field paths.
public struct XMLRecord: Sendable {
    /// Line of the record element's start tag (of its end, when the tag spans lines).
    public let line: Int
    /// One value per field path, in the spec's order: nil when absent, "" when empty.
    public internal(set) var values: [String?]
    /// 1-based position of each record-path element among its same-named siblings, root first.
    public let positions: [Int]
    let steps: [XMLName]

    init(line: Int, values: [String?], positions: [Int], steps: [XMLName]) {
        self.line = line
        self.values = values
        self.positions = positions
        self.steps = steps
    }

    /// The value of the field path at `index` in the spec.
    public subscript(index: Int) -> String? { values[index] }

    /// Where the record sits, for rejection messages:
    /// `/Forloebsudtraek/Forloeb[3]/Haendelser[1]/Haendelse[2]` (local names; the positions
    /// count same-named siblings, so with namespaces ignored it is an XPath to this element).
    public var elementPath: String { Self.elementPath(steps: steps) { positions[$0] } }

    /// `/Root/Step[position]/…` for a record path and its positions (by level).
    static func elementPath(steps: [XMLName], position: (Int) -> Int) -> String {
        var text = "/" + steps[0].localName
        for level in 1..<steps.count {
            text += "/\(steps[level].localName)[\(position(level))]"
        }
        return text
    }
}
