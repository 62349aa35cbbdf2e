/// Scans the bytes before the root element and stops at `<!DOCTYPE` (any `<!` that does not
/// open a comment) before libxml2 sees it, so no internal or external subset is ever parsed:
/// no entity is declared, nothing is fetched, nothing expanded.
///
/// Works for ASCII-compatible encodings and, by skipping NUL bytes, for UTF-16/32 too.
/// libxml2's own DOCTYPE node is still checked as a second line of defence.
struct PrologGuard {
    enum State {
        case prolog, lessThan, bang, bangDash, comment, commentDash, commentDashDash, pi, piQuestion
        case passed, tripped
    }

    private(set) var state: State = .prolog
    /// 1-based line of the current byte; the line of the refused declaration once tripped.
    private(set) var line = 1
    /// Column (in bytes, 1-based) of the current position; of the refused declaration once tripped.
    private(set) var column = 0
    private var markupLine = 1
    private var markupColumn = 0

    var isTripped: Bool { state == .tripped }

    /// Scans a chunk and returns how many of its leading bytes may be given to the parser.
    mutating func admit(_ bytes: UnsafeRawBufferPointer) -> Int {
        switch state {
        case .passed: return bytes.count
        case .tripped: return 0
        default: break
        }
        var markupStart = 0 // index in this chunk of the last `<`, 0 if it was in an earlier chunk
        for (index, byte) in bytes.enumerated() {
            if byte == 0 { continue }
            if byte == UInt8(ascii: "\n") { line += 1; column = 0 } else { column += 1 }
            switch state {
            case .prolog:
                if byte == UInt8(ascii: "<") {
                    state = .lessThan
                    markupStart = index
                    markupLine = line
                    markupColumn = column
                }
            case .lessThan:
                if byte == UInt8(ascii: "!") { state = .bang }
                else if byte == UInt8(ascii: "?") { state = .pi }
                else { state = .passed; return bytes.count }
            case .bang:
                if byte == UInt8(ascii: "-") { state = .bangDash }
                else {
                    state = .tripped
                    line = markupLine
                    column = markupColumn
                    return markupStart
                }
            case .bangDash:
                // `<!-x` is malformed: let the parser say so.
                state = byte == UInt8(ascii: "-") ? .comment : .passed
                if state == .passed { return bytes.count }
            case .comment:
                if byte == UInt8(ascii: "-") { state = .commentDash }
            case .commentDash:
                state = byte == UInt8(ascii: "-") ? .commentDashDash : .comment
            case .commentDashDash:
                if byte == UInt8(ascii: ">") { state = .prolog }
                else if byte != UInt8(ascii: "-") { state = .comment }
            case .pi:
                if byte == UInt8(ascii: "?") { state = .piQuestion }
            case .piQuestion:
                if byte == UInt8(ascii: ">") { state = .prolog }
                else if byte != UInt8(ascii: "?") { state = .pi }
            case .passed, .tripped:
                break
            }
        }
        return bytes.count
    }
}
