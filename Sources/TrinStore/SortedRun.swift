#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A batch of records written to disk in identity order, to be merged with others into the
/// store in one pass (see `FileImport.write(merging:)`).
///
/// Why: once the event tree is much larger than SQLite's page cache, every sorted batch
/// rewrites most of the tree's pages. Merging several batches first means fewer, larger
/// passes, while memory holds one batch at a time. A run lives in an unlinked file next to
/// the store (nothing is left behind, even after a crash) and holds what the store itself
/// holds: pseudonyms, never a CPR number.
public final class SortedRun: @unchecked Sendable {
    // @unchecked: immutable after init; the file is read by one cursor at a time.
    let fd: Int32
    /// Number of records.
    public let count: Int
    /// The source of every record.
    public let source: String

    /// Writes `rows` (which must be sorted, see `EventRows.sort()`) to a new run file in `directory`.
    public init(_ rows: EventRows, directory: String) throws(StoreError) {
        guard let order = rows.order else { preconditionFailure("a run is written from sorted rows") }
        var template = Array((directory + "/.trin-run-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw .database(path: directory, message: "cannot create a temporary run file: \(String(cString: strerror(errno)))") }
        _ = template.withUnsafeBufferPointer { unlink($0.baseAddress!) }
        self.fd = fd
        count = rows.count
        source = rows.source
        var out: [UInt8] = []
        out.reserveCapacity(1 << 20)
        let headerSize = MemoryLayout<EventRows.Row>.size
        do {
            try rows.bytes.withUnsafeBufferPointer { bytes throws(StoreError) in
                for index in order {
                    // Each record: its row, with offsets into the payload that follows it.
                    var row = rows.rows[Int(index)]
                    let enterprise = max(Int(row.enterpriseLength), 0)
                    let payload = [(row.identityStart, Int(row.identityLength)), (row.enterpriseStart, enterprise),
                                   (row.sourceRecordIDStart, Int(row.sourceRecordIDLength))]
                    row.identityStart = 0
                    row.enterpriseStart = row.identityLength
                    row.sourceRecordIDStart = row.identityLength + Int32(enterprise)
                    withUnsafeBytes(of: &row) { out.append(contentsOf: $0.prefix(headerSize)) }
                    for (start, length) in payload where length > 0 {
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[Int(start)..<(Int(start) + length)]))
                    }
                    if out.count >= 1 << 20 {
                        try Self.writeAll(fd, out, directory)
                        out.removeAll(keepingCapacity: true)
                    }
                }
            }
            try Self.writeAll(fd, out, directory)
        } catch {
            close(fd)
            throw error
        }
    }

    deinit { close(fd) }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], _ directory: String) throws(StoreError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .database(path: directory, message: "cannot write a temporary run file: \(String(cString: strerror(errno)))")
            }
            done += n
        }
    }
}

/// Reads a run's records in order through a buffer.
struct RunCursor {
    let run: SortedRun
    private var buffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    private var fileOffset: off_t = 0
    private var remaining: Int
    /// The current record and its payload (valid until `advance`).
    private(set) var row = EventRows.Row(key0: 0, key1: 0, key2: 0, identityStart: 0, identityLength: 0,
                                         enterpriseStart: 0, enterpriseLength: -1, sourceRecordIDStart: 0,
                                         sourceRecordIDLength: 0, ageBand: 0, targetGroup: 0, end: 0, hasEnd: false,
                                         hasHours: false, hours: 0, recordedAt: 0)
    private(set) var payload = UnsafeBufferPointer<UInt8>(start: nil, count: 0)

    static let bufferSize = 1 << 20
    static let headerSize = MemoryLayout<EventRows.Row>.size

    init(_ run: SortedRun) {
        self.run = run
        remaining = run.count
        buffer = .allocate(byteCount: Self.bufferSize, alignment: 16)
    }

    func deallocate() { buffer.deallocate() }

    /// Moves to the next record; false at the end of the run.
    mutating func advance() throws(StoreError) -> Bool {
        guard remaining > 0 else { return false }
        try fill(Self.headerSize)
        row = UnsafeRawPointer(buffer.baseAddress! + start).loadUnaligned(as: EventRows.Row.self)
        start += Self.headerSize
        let length = Int(row.identityLength) + max(Int(row.enterpriseLength), 0) + Int(row.sourceRecordIDLength)
        try fill(length)
        payload = UnsafeBufferPointer(start: (buffer.baseAddress! + start).assumingMemoryBound(to: UInt8.self), count: length)
        start += length
        remaining -= 1
        return true
    }

    /// Makes `count` bytes available from `start`, reading more of the file as needed.
    private mutating func fill(_ count: Int) throws(StoreError) {
        guard end - start < count else { return }
        let kept = end - start
        if kept > 0 { memmove(buffer.baseAddress!, buffer.baseAddress! + start, kept) }
        start = 0
        end = kept
        while end < count {
            let n = pread(run.fd, buffer.baseAddress! + end, buffer.count - end, fileOffset)
            if n < 0 {
                if errno == EINTR { continue }
                throw .database(path: "", message: "cannot read a temporary run file: \(String(cString: strerror(errno)))")
            }
            if n == 0 { throw .database(path: "", message: "a temporary run file ended early") }
            end += n
            fileOffset += off_t(n)
        }
    }
}
