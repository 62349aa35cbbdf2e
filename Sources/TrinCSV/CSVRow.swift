/// One data row, as a view into the reader's buffer: no copy and no `String`
/// per field until a consumer asks for one.
///
/// Valid only until the next call to `CSVReader.next()`: using it after that
/// traps (the bytes it pointed at have been reused).
public struct CSVRow {
    private let reader: CSVReader
    private let generation: Int
    /// The physical line the row starts on (the header is line 1).
    public let line: Int
    /// Why the row cannot be mapped, or nil. Only the first problem, in the
    /// order badEncoding, then the structural ones.
    public let problem: CSVRowProblem?

    init(reader: CSVReader, generation: Int, line: Int, problem: CSVRowProblem?) {
        self.reader = reader
        self.generation = generation
        self.line = line
        self.problem = problem
    }

    @inline(__always)
    private func checkValid() {
        precondition(generation == reader.generation, "CSVRow used after CSVReader.next() was called again")
    }

    /// The number of fields (after dropping the trailing empty one when the
    /// header ends in one). 0 for `.unclosedQuote` and `.rowTooLong`.
    public var fieldCount: Int {
        checkValid()
        return reader.spanCount
    }

    /// Field `i`'s bytes in the file's encoding, unquoted (doubled quotes
    /// collapsed). Valid until the next `next()`; copy them to keep them.
    public func field(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        checkValid()
        precondition(i >= 0 && i < reader.spanCount, "field index \(i) out of range")
        return reader.fieldBytes(i)
    }

    /// Whether field `i` is empty.
    public func isEmpty(_ i: Int) -> Bool { field(i).isEmpty }

    /// Calls `body` with field `i` as UTF-8 (transcoded from Windows-1252 when
    /// that is the encoding in force; ASCII needs no conversion), or returns
    /// nil when the field holds a byte invalid in the encoding. The pointer is
    /// valid only inside `body`.
    public func withUTF8<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R? {
        _ = field(i)
        return try reader.withUTF8Field(i, body)
    }

    /// Field `i` as UTF-8 without a closure: valid until the next `CSVReader.next()`, for a
    /// consumer that reads several fields of the row at once. In place when the field needs
    /// no conversion; nil when it holds a byte invalid in the encoding.
    public func lendUTF8(_ i: Int) -> UnsafeBufferPointer<UInt8>? {
        checkValid()
        precondition(i >= 0 && i < reader.spanCount, "field index \(i) out of range")
        return reader.lendUTF8Field(i)
    }

    /// Field `i` as UTF-8 bytes (a copy), or nil when invalid in the encoding.
    public func utf8(_ i: Int) -> [UInt8]? { withUTF8(i) { Array($0) } }

    /// Field `i` as a `String`, or nil when invalid in the encoding.
    public func string(_ i: Int) -> String? { withUTF8(i) { String(decoding: $0, as: UTF8.self) } }

    /// Lends the row's bytes as they stand in the file (without the line end): what a
    /// digest of the row is taken of. Valid only inside `body`.
    public func withRawBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        checkValid()
        return try body(UnsafeRawBufferPointer(reader.rawBytes))
    }

    /// The row as it stands in the file (without its line end), decoded for
    /// display only: a byte invalid in the encoding shows as `\xNN`. For
    /// `.unclosedQuote` and `.rowTooLong` it is the row's first physical line
    /// (at most 4 KiB or `maxRowBytes` for the latter). Mask it before keeping it: it may hold
    /// a CPR number.
    public var rawText: String {
        checkValid()
        return Encoding.lossyText(reader.rawBytes, reader.encoding)
    }
}
