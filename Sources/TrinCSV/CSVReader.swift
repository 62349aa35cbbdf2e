#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import TrinCore

/// Streams the rows of a CSV export in bounded memory, whatever the file's size.
///
/// The file is read through a fixed-size buffer (1 MiB by default); a row may
/// span buffer boundaries, and the buffer grows only as far as the longest
/// row needs, up to `maxRowBytes` (16 MiB by default): a longer row is
/// reported as `.rowTooLong`, not held in memory.
///
/// Rules (docs/exports.md, docs/definitions.md "Reading the exports"):
/// - RFC 4180 quoting: a field that *starts* with the quote byte is quoted and
///   may hold the delimiter, line breaks and doubled quotes. A quote inside an
///   unquoted field is an ordinary byte, and bytes after a closing quote up to
///   the next delimiter are kept literally (`"ab"c` reads `abc`): real exports
///   contain both, and a wrongly quoted row then nearly always fails the
///   field count instead of being silently merged.
/// - Line ends are LF or CRLF; the last line may lack one. A CR elsewhere is data.
/// - A blank physical line (nothing between two line ends) is skipped.
/// - A leading UTF-8 BOM is skipped; with `utf8WhenBOM` it switches the file to UTF-8.
/// - Each row reports the physical line it starts on (the header is line 1),
///   so line breaks inside quotes make later line numbers jump.
/// - A header that ends in an empty field means every line has a trailing
///   delimiter: that one empty field is dropped from the header, and one
///   trailing empty field from every row that has one.
/// - A bad row is returned with a `problem` and reading goes on; only file-level
///   failures throw.
///
/// Not thread-safe: one consumer reads it; the row from `next()` is a view
/// into the reader's buffer that is valid until the following `next()`.
public final class CSVReader {
    /// The path the reader was opened with (for error messages).
    public let path: String
    /// The dialect as declared.
    public let dialect: CSVDialect
    /// The encoding in force: the declared one, or UTF-8 when a BOM switched it.
    public private(set) var encoding: TextEncoding
    /// Whether the file started with a UTF-8 byte order mark.
    public private(set) var hadBOM = false
    /// The column names, decoded; without the trailing empty one (see above).
    /// Empty when the dialect has no header.
    public private(set) var header: [String] = []
    /// Whether the header ended in an empty field, so one trailing empty field
    /// is dropped from every row.
    public private(set) var dropsTrailingEmptyField = false
    /// Bytes read from the file so far (for progress and MB/s reports).
    public private(set) var bytesRead = 0
    /// The file's size when it is a regular file, else nil.
    public let fileSize: Int?
    /// The longest row accepted, in bytes.
    public let maxRowBytes: Int

    // File and read buffer: the unconsumed bytes are buf[start..<end].
    private let file: FileDescriptor
    private let chunkSize: Int
    private var buf: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var start = 0
    private var end = 0
    private var eof = false
    /// Physical line number of `buf[start]`.
    private var line = 1
    /// After a too-long single line: discard bytes up to the next LF.
    private var skippingToLineEnd = false

    // The current row (valid until the next call to `next()`).
    struct FieldSpan {
        var start: Int
        var end: Int
        var inScratch: Bool
        /// Known to hold ASCII only (an unquoted field, seen by the scan); false when not
        /// known, and then checked when asked for.
        var isASCII = false
    }
    private(set) var spans: UnsafeMutablePointer<FieldSpan>
    private var spanCapacity = 32
    private(set) var spanCount = 0
    /// Unquoted copies of fields that held doubled quotes or bytes after the closing quote.
    private(set) var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity: Int
    private var scratchCount = 0
    /// UTF-8 output of the current row's Windows-1252 fields lent by `lendUTF8Field`:
    /// valid until the next `next()`, so it never moves while a row is read.
    private var rowText: UnsafeMutablePointer<UInt8>
    private var rowTextCapacity = 4096
    private var rowTextUsed = 0
    /// Blocks of `rowText` still lent out in the current row, freed at the next row.
    private var retiredRowText: [UnsafeMutablePointer<UInt8>] = []
    /// Whether the current row's bytes are all valid in the encoding in force.
    private var rowIsValid = true
    private(set) var rowStart = 0
    private(set) var rowContentEnd = 0
    private(set) var rowIsASCII = true
    /// Bumped on each `next()`; a `CSVRow` from an earlier call traps when used.
    private(set) var generation = 0

    /// The read buffer's current size (for tests of bounded memory).
    var bufferCapacity: Int { capacity }

    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")

    /// Opens `path` and reads its header row (when the dialect has one).
    ///
    /// - Parameters:
    ///   - bufferSize: bytes per `read` and the buffer's initial size.
    ///   - maxRowBytes: the longest row accepted; a longer one is reported as
    ///     `.rowTooLong` and skipped. Memory stays below about
    ///     `maxRowBytes + bufferSize` plus the same again for scratch.
    public init(path: String, dialect: CSVDialect, bufferSize: Int = 1 << 20, maxRowBytes: Int = 16 << 20) throws(CSVError) {
        if let reason = dialect.invalidReason { throw .invalidDialect(path: path, reason: reason) }
        do { file = try FileDescriptor(opening: path, O_RDONLY) } catch { throw .cannotOpen(path: path, errno: error.errno) }
        fileSize = file.regularFileSize
        self.path = path
        self.dialect = dialect
        self.encoding = dialect.encoding
        self.chunkSize = max(bufferSize, 16)
        self.maxRowBytes = max(maxRowBytes, 16)
        capacity = chunkSize
        buf = .allocate(capacity: capacity)
        spans = .allocate(capacity: spanCapacity)
        scratchCapacity = 4096
        scratch = .allocate(capacity: scratchCapacity)
        rowText = .allocate(capacity: rowTextCapacity)
        try readHeader()
    }

    deinit {
        buf.deallocate()
        spans.deallocate()
        scratch.deallocate()
        rowText.deallocate()
        for block in retiredRowText { block.deallocate() }
    }

    /// The next data row, or nil at the end of the file. Blank lines are
    /// skipped. A malformed row comes back with `problem` set; it throws only
    /// when the file cannot be read.
    public func next() throws(CSVError) -> CSVRow? {
        generation &+= 1
        rowTextUsed = 0
        if !retiredRowText.isEmpty {
            for block in retiredRowText { block.deallocate() }
            retiredRowText.removeAll()
        }
        peekedNext = 0
        guard let kind = try readRecord() else { return nil }
        let rowLine = currentRowLine
        var problem: CSVRowProblem?
        if kind != .complete { spanCount = 0 }
        rowIsValid = rowIsASCII || rowBytesAreValid()
        if kind == .tooLong {
            // Only the row's start is kept (it may end inside a character): its encoding is not judged.
            problem = .rowTooLong(limit: maxRowBytes)
        } else if !rowIsValid {
            problem = .badEncoding(field: firstInvalidField())
        } else if kind == .unclosed {
            problem = .unclosedQuote
        } else if dialect.hasHeader {
            if dropsTrailingEmptyField, spanCount > 0, spans[spanCount - 1].start == spans[spanCount - 1].end {
                spanCount -= 1
            }
            if spanCount != header.count { problem = .fieldCount(expected: header.count, found: spanCount) }
        }
        return CSVRow(reader: self, generation: generation, line: rowLine, problem: problem)
    }

    /// The next row's bytes as they stand in the file (without the line end) and its line,
    /// found without splitting it into fields: the same bytes and line `next()` would read,
    /// when the row is a plain one (no quote byte) or quoted the usual way (each quoted field
    /// opens at a field's start and closes before a delimiter or line end, its quotes inside
    /// doubled), its line end is already in the buffer, and it is neither blank nor over the
    /// limit. Nil otherwise; then `next()` reads it as usual. Nothing moves on: `skipPeeked()`
    /// passes the row over, or `next()` reads the same row in full. For a reader that
    /// recognises rows by their bytes (a nightly export's known rows) and needs no fields of
    /// most of them: two `memchr`s for a plain row, a few more for a quoted one.
    public func peekRow() -> (bytes: UnsafeRawBufferPointer, line: Int)? {
        peekedNext = 0
        guard start < end, !skippingToLineEnd else { return nil }
        let b = buf[start]
        guard b != Self.lf, b != Self.cr else { return nil }
        let lf = Int32(Self.lf), quote = dialect.quote, delimiter = dialect.delimiter
        var from = start
        var quoted = false
        var lfAt: Int
        while true {
            guard let hit = memchr(buf + from, lf, end - from) else { return nil }
            lfAt = buf.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            guard let open = memchr(buf + from, Int32(quote), lfAt - from) else { break }
            // A quoted field: it must open where a field starts and close before a delimiter
            // or the line end; anything else is left to `next()`.
            let opens = buf.distance(to: open.assumingMemoryBound(to: UInt8.self))
            guard opens == start || buf[opens - 1] == delimiter else { return nil }
            quoted = true
            var closes = opens + 1
            while true {
                guard let q = memchr(buf + closes, Int32(quote), end - closes) else { return nil }
                closes = buf.distance(to: q.assumingMemoryBound(to: UInt8.self))
                guard closes + 1 < end else { return nil }
                if buf[closes + 1] != quote { break }
                closes += 2
            }
            let after = buf[closes + 1]
            guard after == delimiter || after == Self.lf || (after == Self.cr && closes + 2 < end && buf[closes + 2] == Self.lf)
            else { return nil }
            from = closes + 1
        }
        guard lfAt - start <= maxRowBytes else { return nil }
        // Line ends inside quoted fields: the row spans that many more lines.
        var inner = 0
        if quoted {
            var at = start
            while let hit = memchr(buf + at, lf, lfAt - at) {
                inner += 1
                at = buf.distance(to: hit.assumingMemoryBound(to: UInt8.self)) + 1
            }
        }
        peekedNext = lfAt + 1
        peekedLines = 1 + inner
        let contentEnd = buf[lfAt - 1] == Self.cr ? lfAt - 1 : lfAt
        return (UnsafeRawBufferPointer(start: buf + start, count: contentEnd - start), line)
    }

    /// Passes over the row `peekRow()` returned.
    public func skipPeeked() {
        precondition(peekedNext > start, "skipPeeked after peekRow only")
        generation &+= 1
        start = peekedNext
        line += peekedLines
        peekedNext = 0
    }

    /// Where the row after the peeked one starts (0: none peeked), and the lines it spans.
    private var peekedNext = 0
    private var peekedLines = 1

    // MARK: - Header and BOM

    private func readHeader() throws(CSVError) {
        // Skip a UTF-8 BOM (EF BB BF).
        while end - start < 3 && !eof { try fill() }
        if end - start >= 3 && buf[start] == 0xEF && buf[start + 1] == 0xBB && buf[start + 2] == 0xBF {
            start += 3
            hadBOM = true
            if dialect.utf8WhenBOM { encoding = .utf8 }
        }
        guard dialect.hasHeader else { return }
        guard let kind = try readRecord() else { throw .noHeader(path: path) }
        switch kind {
        case .unclosed: throw .badHeader(path: path, reason: "quoted name not closed")
        case .tooLong: throw .badHeader(path: path, reason: "longer than \(maxRowBytes) bytes")
        case .complete: break
        }
        if !rowIsASCII && !rowBytesAreValid() {
            throw .badHeader(path: path, reason: "byte not valid in \(encoding.rawValue)")
        }
        var names: [String] = []
        names.reserveCapacity(spanCount)
        // Names lose their surrounding white space as every field does: `"Aftale-ID "` binds
        // `Aftale-ID` (a name that only differs in it is the same column, not a missing one).
        for i in 0..<spanCount { names.append(withUTF8Field(i) { String(decoding: Whitespace.trimmed($0), as: UTF8.self) } ?? "") }
        if let last = names.last, last.isEmpty, names.count > 1 {
            names.removeLast()
            dropsTrailingEmptyField = true
        }
        header = names
    }

    // MARK: - Record scanning

    enum RecordKind { case complete, unclosed, tooLong }
    private var currentRowLine = 1

    /// Finds the next record, skipping blank lines, refilling the buffer as
    /// needed. Sets the current row's spans, raw range and line.
    private func readRecord() throws(CSVError) -> RecordKind? {
        let lf = Self.lf, cr = Self.cr
        while true {
            if start == end {
                if eof { return nil }
                try fill()
                continue
            }
            if skippingToLineEnd {
                if let hit = memchr(buf + start, Int32(lf), end - start) {
                    start = buf.distance(to: hit.assumingMemoryBound(to: UInt8.self)) + 1
                    line += 1
                    skippingToLineEnd = false
                } else {
                    start = end
                }
                continue
            }
            // Blank lines.
            let b = buf[start]
            if b == lf { start += 1; line += 1; continue }
            if b == cr {
                if start + 1 < end {
                    if buf[start + 1] == lf { start += 2; line += 1; continue }
                } else if eof {
                    start += 1; continue  // a lone CR at the very end
                } else {
                    try fill(); continue
                }
            }
            switch scanRecord(at: start) {
            case .needMore:
                if end - start >= maxRowBytes { return tooLongRecord() }
                try fill()
            case .complete(let contentEnd, let next, let newlines):
                // The same limit whether or not the row happened to fit in the buffer.
                if contentEnd - start > maxRowBytes { return tooLongRecord() }
                rowStart = start
                rowContentEnd = contentEnd
                currentRowLine = line
                line += newlines
                start = next
                return .complete
            case .unclosed:
                // Report the row's first physical line; the lines after it are read again.
                reportFirstLine(limit: end - start)
                return .unclosed
            }
        }
    }

    /// Sets the current row to the first physical line at `start` (at most
    /// `limit` bytes of it), and resumes reading after that line.
    private func reportFirstLine(limit: Int) {
        rowStart = start
        currentRowLine = line
        let shown = min(limit, end - start)
        if let hit = memchr(buf + start, Int32(Self.lf), end - start) {
            let lfAt = buf.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            var ce = min(lfAt, start + shown)
            if ce == lfAt && ce > start && buf[ce - 1] == Self.cr { ce -= 1 }
            rowContentEnd = ce
            start = lfAt + 1
            line += 1
        } else {
            rowContentEnd = start + shown
            start = end
            if !eof { skippingToLineEnd = true }
        }
        var acc: UInt8 = 0
        for i in rowStart..<rowContentEnd { acc |= buf[i] }
        rowIsASCII = acc < 0x80
    }

    private func tooLongRecord() -> RecordKind {
        reportFirstLine(limit: min(4096, maxRowBytes))
        return .tooLong
    }

    enum ScanOutcome {
        /// A whole record: its content ends at `contentEnd` (before the line
        /// end), the next record starts at `next`, and it holds `newlines` LFs.
        case complete(contentEnd: Int, next: Int, newlines: Int)
        /// The buffer ends inside the record and the file goes on.
        case needMore
        /// The file ends inside a quoted field, or a quoted field that ran over a line end
        /// does not close cleanly.
        case unclosed
    }

    /// Splits the record starting at `rowStart` into field spans. The hot loop
    /// of the reader: bytes only, no per-byte calls.
    private func scanRecord(at rowStart: Int) -> ScanOutcome {
        let p = buf, e = end, atEOF = eof
        let d = dialect.delimiter, q = dialect.quote, lf = Self.lf, cr = Self.cr
        let delimiterWord = UInt64(d) &* 0x0101_0101_0101_0101
        spanCount = 0
        scratchCount = 0
        var hi: UInt8 = 0
        var newlines = 0
        var i = rowStart
        while true {
            if i < e && p[i] == q {
                // Quoted field.
                i += 1
                let cs = i
                let linesBefore = newlines
                var doubled = false
                while true {
                    while i < e {
                        let b = p[i]
                        hi |= b
                        if b == q { break }
                        if b == lf { newlines += 1 }
                        i += 1
                    }
                    if i == e { return atEOF ? .unclosed : .needMore }
                    if i + 1 == e && !atEOF { return .needMore }
                    if i + 1 < e && p[i + 1] == q { doubled = true; i += 2; continue }
                    break
                }
                let ce = i
                i += 1
                // A quote that ran over a line end must close cleanly (a delimiter, a line end or
                // the end of the file after it). Otherwise it was never closed on its line and
                // the quote found is the next row's opening one: taking it would merge two rows
                // (which may even have the right number of fields) and lose the second.
                if newlines > linesBefore && i < e {
                    let b = p[i]
                    if b == cr && i + 1 == e && !atEOF { return .needMore }
                    if b != d && b != lf && !(b == cr && (i + 1 == e || p[i + 1] == lf)) { return .unclosed }
                }
                var span = FieldSpan(start: cs, end: ce, inScratch: false)
                if doubled { span = appendUnquoted(cs, ce) }
                // Anything but a delimiter or line end after the closing quote is kept literally.
                if i < e {
                    let b = p[i]
                    let lineEnd = b == lf || (b == cr && i + 1 < e && p[i + 1] == lf)
                    if b == cr && i + 1 == e && !atEOF { return .needMore }
                    if b != d && !lineEnd {
                        if !span.inScratch { span = appendRaw(span.start, span.end) }
                        let js = i
                        while i < e {
                            let c = p[i]
                            hi |= c
                            if c == d || c == lf { break }
                            i += 1
                        }
                        if i == e && !atEOF { return .needMore }
                        var je = i
                        if (i == e || p[i] == lf) && je > js && p[je - 1] == cr { je -= 1 }
                        let tail = appendRaw(js, je)
                        span.end = tail.end
                    }
                }
                appendSpan(span)
                if i == e {
                    rowIsASCII = hi < 0x80
                    // A CR that ends the file after literal bytes past the closing quote was
                    // left out of the field: it is no part of the row either, as for an
                    // unquoted last field (else this row and one with a CR more inside the
                    // file would have the same bytes and different fields).
                    let contentEnd = e - 1 > ce && p[e - 1] == cr ? e - 1 : e
                    return .complete(contentEnd: contentEnd, next: e, newlines: newlines)
                }
                if p[i] == d { i += 1; continue }
                rowIsASCII = hi < 0x80
                // Here p[i] is LF, or CR before LF.
                if p[i] == cr { return .complete(contentEnd: i, next: i + 2, newlines: newlines + 1) }
                var contentEnd = i
                if p[i - 1] == cr { contentEnd -= 1 }  // CR after literal bytes past the closing quote
                return .complete(contentEnd: contentEnd, next: i + 1, newlines: newlines + 1)
            } else {
                // Unquoted field: runs to the next delimiter or LF. Eight bytes at a time while
                // they last (most fields of an export are a word or two long).
                let fs = i
                var highBits: UInt64 = 0
                while i + 8 <= e {
                    let word = UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
                    let found = Self.zeroBytes(word ^ delimiterWord) | Self.zeroBytes(word ^ Self.lfWord)
                    if found == 0 {
                        highBits |= word
                        i += 8
                        continue
                    }
                    // The lowest flagged byte is the first delimiter or LF (a flag above a real
                    // match may be false, one below never is).
                    let before = found.trailingZeroBitCount / 8
                    highBits |= before == 0 ? 0 : word & (UInt64.max >> (64 - 8 * before))
                    i += before
                    break
                }
                var fieldHigh: UInt8 = highBits & 0x8080_8080_8080_8080 != 0 ? 0x80 : 0
                while i < e {
                    let b = p[i]
                    fieldHigh |= b
                    if b == d || b == lf { break }
                    i += 1
                }
                hi |= fieldHigh
                if i < e && p[i] == d {
                    appendSpan(FieldSpan(start: fs, end: i, inScratch: false, isASCII: fieldHigh < 0x80))
                    i += 1
                    continue
                }
                if i == e && !atEOF { return .needMore }
                var fe = i
                if fe > fs && p[fe - 1] == cr { fe -= 1 }
                appendSpan(FieldSpan(start: fs, end: fe, inScratch: false, isASCII: fieldHigh < 0x80))
                rowIsASCII = hi < 0x80
                if i == e { return .complete(contentEnd: fe, next: e, newlines: newlines) }
                return .complete(contentEnd: fe, next: i + 1, newlines: newlines + 1)
            }
        }
    }

    private static let lfWord = UInt64(lf) &* 0x0101_0101_0101_0101

    /// The high bit of each zero byte of `x` set (and possibly of bytes above the lowest zero
    /// byte, through the borrow): the lowest set bit marks the first zero byte exactly.
    @inline(__always)
    static func zeroBytes(_ x: UInt64) -> UInt64 {
        (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
    }

    @inline(__always)
    private func appendSpan(_ span: FieldSpan) {
        if spanCount == spanCapacity {
            let bigger = UnsafeMutablePointer<FieldSpan>.allocate(capacity: spanCapacity * 2)
            bigger.moveInitialize(from: spans, count: spanCount)
            spans.deallocate()
            spans = bigger
            spanCapacity *= 2
        }
        (spans + spanCount).initialize(to: span)
        spanCount += 1
    }

    private func reserveScratch(_ extra: Int) {
        guard scratchCount + extra > scratchCapacity else { return }
        var newCapacity = scratchCapacity * 2
        while newCapacity < scratchCount + extra { newCapacity *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        bigger.update(from: scratch, count: scratchCount)
        scratch.deallocate()
        scratch = bigger
        scratchCapacity = newCapacity
    }

    /// Copies buf[from..<to] to the scratch buffer, collapsing doubled quotes.
    private func appendUnquoted(_ from: Int, _ to: Int) -> FieldSpan {
        reserveScratch(to - from)
        let q = dialect.quote
        let s = scratchCount
        var i = from
        while i < to {
            let b = buf[i]
            scratch[scratchCount] = b
            scratchCount += 1
            i += b == q ? 2 : 1
        }
        return FieldSpan(start: s, end: scratchCount, inScratch: true)
    }

    /// Copies buf[from..<to] to the scratch buffer as is.
    private func appendRaw(_ from: Int, _ to: Int) -> FieldSpan {
        reserveScratch(to - from)
        let s = scratchCount
        (scratch + s).update(from: buf + from, count: to - from)
        scratchCount += to - from
        return FieldSpan(start: s, end: scratchCount, inScratch: true)
    }

    // MARK: - Buffer

    /// Moves the unconsumed bytes to the front, grows the buffer when a row
    /// fills it, and reads more. Sets `eof` when `read` returns 0.
    private func fill() throws(CSVError) {
        if start > 0 {
            let remaining = end - start
            if remaining > 0 { buf.update(from: buf + start, count: remaining) }
            end = remaining
            start = 0
        }
        if end == capacity {
            let newCapacity = min(capacity * 2, maxRowBytes + chunkSize)
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            bigger.update(from: buf, count: end)
            buf.deallocate()
            buf = bigger
            capacity = newCapacity
        }
        // Callers refill only while the pending row is under maxRowBytes, so there is room.
        precondition(end < capacity, "CSVReader buffer full")
        let n: Int
        do { n = try file.read(into: UnsafeMutableRawBufferPointer(start: buf + end, count: capacity - end)) } catch {
            throw .readFailed(path: path, errno: error.errno)
        }
        if n == 0 { eof = true; return }
        end += n
        bytesRead += n
    }

    // MARK: - Field access (used by CSVRow)

    private func rowBytesAreValid() -> Bool {
        Encoding.isValid(UnsafeBufferPointer(start: buf + rowStart, count: rowContentEnd - rowStart), encoding)
    }

    private func firstInvalidField() -> Int? {
        for i in 0..<spanCount where !Encoding.isValid(fieldBytes(i), encoding) { return i }
        return nil
    }

    @inline(__always)
    func fieldBytes(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        let s = spans[i]
        return UnsafeBufferPointer(start: (s.inScratch ? scratch : buf) + s.start, count: s.end - s.start)
    }

    var rawBytes: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: buf + rowStart, count: rowContentEnd - rowStart)
    }

    /// Calls `body` with field `i` as UTF-8, or returns nil when it is not
    /// valid in the encoding in force (see `lendUTF8Field`).
    func withUTF8Field<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R? {
        guard let bytes = lendUTF8Field(i) else { return nil }
        return try body(bytes)
    }

    /// Field `i` as UTF-8, or nil when it is not valid in the encoding in force; valid until
    /// the next `next()`. In place when it needs no conversion (ASCII, UTF-8), else
    /// transcoded into memory of the row's own: a consumer can keep the pointer for the
    /// whole row without copying it.
    func lendUTF8Field(_ i: Int) -> UnsafeBufferPointer<UInt8>? {
        let span = spans[i]
        let bytes = UnsafeBufferPointer(start: (span.inScratch ? scratch : buf) + span.start, count: span.end - span.start)
        if rowIsASCII || span.isASCII { return bytes }
        switch encoding {
        case .utf8:
            // The row's bytes were checked whole; a field is a slice of them (or a copy
            // without doubled quotes), so it is valid when the row is.
            return rowIsValid || Encoding.isValid(bytes, .utf8) ? bytes : nil
        case .windows1252:
            if Encoding.isASCII(bytes) { return bytes }
            // Room for the whole row before anything of it is lent: nothing lent moves.
            if rowTextUsed == 0 { reserveRowText() }
            if rowTextUsed + bytes.count * 3 > rowTextCapacity {
                // A field lent twice in a row: the full block stays until the next row.
                retiredRowText.append(rowText)
                rowTextCapacity = max(bytes.count * 3, rowTextCapacity)
                rowText = .allocate(capacity: rowTextCapacity)
                rowTextUsed = 0
            }
            guard let n = Encoding.transcodeCP1252(bytes, into: rowText + rowTextUsed) else { return nil }
            let out = UnsafeBufferPointer(start: UnsafePointer(rowText + rowTextUsed), count: n)
            rowTextUsed += n
            return out
        }
    }

    /// Makes room for every field of the current row transcoded (three bytes a byte at most,
    /// of the row's bytes and its unquoted copies), before the row's first transcoding.
    private func reserveRowText() {
        let needed = 3 * (rowContentEnd - rowStart + scratchCount)
        guard needed > rowTextCapacity else { return }
        rowText.deallocate()
        rowTextCapacity = max(needed, rowTextCapacity * 2)
        rowText = .allocate(capacity: rowTextCapacity)
    }

    func decodedString(_ i: Int) -> String? {
        withUTF8Field(i) { String(decoding: $0, as: UTF8.self) }
    }
}
