#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import TrinCore

/// A batch of records written to disk in identity order, to be merged with others into the
/// store in one pass (see `SQLiteFileImport.write(merging:)`).
///
/// Why: once the event tree is much larger than SQLite's page cache, every sorted batch
/// rewrites most of the tree's pages. Merging several batches first means fewer, larger
/// passes, while memory holds one batch at a time. A run lives in an unlinked file next to
/// the store (nothing is left behind, even after a crash) and holds what the store itself
/// holds: pseudonyms, never a CPR number.
public final class SortedRun: @unchecked Sendable {
    // @unchecked: immutable after init; the file is read by one cursor, once (it empties
    // the file when it has read it all).
    let file: FileDescriptor
    /// Number of records.
    public let count: Int
    /// The source of every record.
    public let source: String
    /// Where the file was made, for messages.
    let directory: String

    /// Writes `rows` (which must be sorted, see `EventRows.sort()`) to a new run file in `directory`.
    public init(_ rows: EventRows, directory: String) throws(StoreError) {
        guard let order = rows.order else { preconditionFailure("a run is written from sorted rows") }
        do { file = try FileDescriptor(temporaryIn: directory, prefix: ".trin-run-", kind: "run file", unlinked: true) } catch {
            throw StoreError.database(path: directory, message: "\(error)")
        }
        count = rows.count
        source = rows.source
        self.directory = directory
        // Records are laid out straight into one buffer and written a megabyte at a time.
        let capacity = 1 << 20
        let out = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        defer { out.deallocate() }
        var used = 0
        try rows.bytes.withUnsafeBufferPointer { bytes throws(StoreError) in
            try rows.rows.withUnsafeBufferPointer { packed throws(StoreError) in
                for index in order {
                    let row = packed[Int(index)]
                    let size = RunRecord.size(row)
                    if used + size > capacity {
                        try write(out, used)
                        used = 0
                    }
                    if size > capacity {
                        // A record larger than the buffer gets a buffer of its own.
                        let large = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
                        defer { large.deallocate() }
                        RunRecord.store(row, payloadFrom: bytes, at: large)
                        try write(large, size)
                    } else {
                        RunRecord.store(row, payloadFrom: bytes, at: out + used)
                        used += size
                    }
                }
            }
        }
        try write(out, used)
    }

    private func write(_ bytes: UnsafeRawPointer, _ count: Int) throws(StoreError) {
        do { try file.write(UnsafeRawBufferPointer(start: bytes, count: count), operation: "write a temporary run file in") } catch {
            throw .database(path: directory, message: "\(error)")
        }
    }
}

/// One record in a run file: a fixed header written field by field (no padding bytes from
/// memory reach the file), then the identity, the CVR text and the source's record id.
enum RunRecord {
    static let headerSize = 3 * 8 + 6 * 4 + 1 + 8 + 8

    /// The bytes `row` takes in a run file.
    static func size(_ row: EventRows.Row) -> Int {
        headerSize + Int(row.identityLength) + Int(max(row.enterpriseLength, 0)) + Int(row.sourceRecordIDLength)
    }

    /// Writes `row` (header, then payload) at `p`, which has room for `size(row)` bytes.
    static func store(_ row: EventRows.Row, payloadFrom bytes: UnsafeBufferPointer<UInt8>, at p: UnsafeMutableRawPointer) {
        func put<T: FixedWidthInteger>(_ value: T, _ offset: Int) { p.storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self) }
        put(row.key0, 0); put(row.key1, 8); put(row.key2, 16)
        put(row.identityLength, 24); put(row.enterpriseLength, 28); put(row.sourceRecordIDLength, 32)
        put(row.ageBand, 36); put(row.targetGroup, 40); put(row.end, 44)
        put(UInt8((row.hasEnd ? 1 : 0) | (row.hasHours ? 2 : 0)), 48)
        put(row.hours.bitPattern, 49); put(row.recordedAt, 57)
        var offset = headerSize
        func copy(_ start: Int32, _ length: Int32) {
            guard length > 0 else { return }
            (p + offset).copyMemory(from: bytes.baseAddress! + Int(start), byteCount: Int(length))
            offset += Int(length)
        }
        copy(row.identityStart, row.identityLength)
        copy(row.enterpriseStart, row.enterpriseLength)
        copy(row.sourceRecordIDStart, row.sourceRecordIDLength)
    }

    /// Reads a header; the row's offsets point into the payload that follows it.
    static func row(at p: UnsafeRawPointer) -> (row: EventRows.Row, payloadLength: Int) {
        func get<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T { T(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: T.self)) }
        let identityLength = get(24, Int32.self), enterpriseLength = get(28, Int32.self), idLength = get(32, Int32.self)
        let flags = p.load(fromByteOffset: 48, as: UInt8.self)
        let enterprise = max(enterpriseLength, 0)
        let row = EventRows.Row(
            key0: get(0, UInt64.self), key1: get(8, UInt64.self), key2: get(16, UInt64.self),
            identityStart: 0, identityLength: identityLength,
            enterpriseStart: identityLength, enterpriseLength: enterpriseLength,
            sourceRecordIDStart: identityLength + enterprise, sourceRecordIDLength: idLength,
            ageBand: get(36, Int32.self), targetGroup: get(40, Int32.self), end: get(44, Int32.self),
            hasEnd: flags & 1 != 0, hasHours: flags & 2 != 0,
            hours: Double(bitPattern: get(49, UInt64.self)), recordedAt: get(57, Int64.self))
        return (row, Int(identityLength) + Int(enterprise) + Int(idLength))
    }
}

/// Reads a run's records in order through a buffer (grown for a record larger than it).
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

    /// A small buffer each keeps memory flat however many runs are read at once (`RunMerge`
    /// sizes them), and reads of 32 KiB or more are still sequential enough.
    init(_ run: SortedRun, bufferSize: Int) {
        self.run = run
        remaining = run.count
        buffer = .allocate(byteCount: bufferSize, alignment: 16)
    }

    func deallocate() { buffer.deallocate() }

    /// Moves to the next record; false at the end of the run.
    mutating func advance() throws(StoreError) -> Bool {
        guard remaining > 0 else {
            // Read to its end. A run is read once, so its pages are freed here, where it is
            // read (SQLite's merging thread), not when the store's thread lets go of the run:
            // closing twenty runs of 6 MB took 14 ms there, before the commit.
            try? run.file.truncate()
            return false
        }
        try fill(RunRecord.headerSize)
        let (row, length) = RunRecord.row(at: UnsafeRawPointer(buffer.baseAddress! + start))
        self.row = row
        start += RunRecord.headerSize
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
        if count > buffer.count {
            let grown = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 16)
            if kept > 0 { grown.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: kept) }
            buffer.deallocate()
            buffer = grown
        } else if kept > 0 {
            memmove(buffer.baseAddress!, buffer.baseAddress! + start, kept)
        }
        start = 0
        end = kept
        while end < count {
            let n: Int
            do {
                n = try run.file.readSome(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]), at: Int(fileOffset),
                                          operation: "read a temporary run file in")
            } catch {
                throw .database(path: run.directory, message: "\(error)")
            }
            if n == 0 { throw .database(path: run.directory, message: "a temporary run file in \(run.directory) ended early") }
            end += n
            fileOffset += off_t(n)
        }
    }
}
