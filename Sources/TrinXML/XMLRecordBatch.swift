/// Records read from one stretch of an XML document, their values as UTF-8 bytes in one
/// buffer: no string and no allocation per record.
///
/// A batch holds whole record groups only (see `XMLRecordSpec`), so every value in it is
/// final. It is `Sendable`: a reader thread hands it to a decoder thread. Its buffers are
/// shared by its copies (`PlainBuffer`, no copy on write): only the scanner writes them, in
/// this module, until it hands the batch over; from then on they are only read.
public struct XMLRecordBatch: Sendable {
    /// Number of field paths: values per record.
    public let fieldCount: Int
    let steps: [XMLName]
    // Written by the scanner until it hands the batch over, then only read (`PlainBuffer`).
    let bytes: PlainBuffer<UInt8>
    /// Per record and field: where the value starts in `bytes`, and its length (-1: absent).
    let starts: PlainBuffer<Int32>
    let lengths: PlainBuffer<Int32>
    let lines: PlainBuffer<Int>
    /// Per record: the 1-based position of each record-path element, root first.
    let positions: PlainBuffer<Int32>

    /// A batch with room for `records` records and `bytes` bytes of values.
    init(fieldCount: Int, steps: [XMLName], records: Int = 16, bytes: Int = 1024) {
        self.fieldCount = fieldCount
        self.steps = steps
        self.bytes = PlainBuffer(capacity: bytes)
        starts = PlainBuffer(capacity: records * fieldCount)
        lengths = PlainBuffer(capacity: records * fieldCount)
        lines = PlainBuffer(capacity: records)
        positions = PlainBuffer(capacity: records * steps.count)
    }

    /// Number of records.
    public var count: Int { lines.count }
    public var isEmpty: Bool { lines.isEmpty }

    /// Line of record `index`'s start tag.
    public func line(_ index: Int) -> Int { lines[index] }

    /// Lends the bytes of field `field` of record `index`; nil when absent, empty when present and empty.
    @inline(__always)
    public func withValue<R>(_ index: Int, _ field: Int, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
        let slot = index * fieldCount + field
        let length = Int(lengths[slot])
        guard length >= 0 else { return body(nil) }
        return body(UnsafeBufferPointer(start: bytes.base + Int(starts[slot]), count: length))
    }

    /// Lends the whole batch in place: the value buffer, and per record `fieldCount` starts
    /// and lengths (-1: absent) into it, record `i`'s at offset `i * fieldCount`.
    public func withStorage<R>(_ body: (UnsafePointer<UInt8>, UnsafePointer<Int32>, UnsafePointer<Int32>) throws -> R) rethrows -> R {
        try body(bytes.base, starts.base, lengths.base)
    }

    /// Where record `index` sits, for rejection messages:
    /// `/Forloebsudtraek/Forloeb[3]/Haendelser[1]/Haendelse[2]` (see `XMLRecord.elementPath`).
    public func elementPath(_ index: Int) -> String {
        let base = index * steps.count
        return XMLRecord.elementPath(steps: steps) { Int(positions[base + $0]) }
    }

    /// Record `index` with its values as strings (for tests and messages; the hot path reads bytes).
    public func record(_ index: Int) -> XMLRecord {
        let values = (0..<fieldCount).map { field in
            withValue(index, field) { $0.map { String(decoding: $0, as: UTF8.self) } }
        }
        let base = index * steps.count
        return XMLRecord(line: lines[index], values: values,
                         positions: (0..<steps.count).map { Int(positions[base + $0]) }, steps: steps)
    }

    // MARK: Building (the scanner)

    /// Appends bytes to the buffer and returns where they start.
    func store(_ value: UnsafeBufferPointer<UInt8>) -> Int32 {
        Int32(bytes.append(value))
    }
}
