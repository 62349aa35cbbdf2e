import PostgresNIO
import TrinCore
import TrinStore

/// Records as lines of PostgreSQL's COPY text format, in `Migrations.stagingColumns` order:
/// tab between columns, `\N` for absent, backslash escapes for the characters the format
/// uses, and bytea as `\\x` and hex. Written byte by byte into the buffer: no string is made
/// per field (the client's share of an import is this loop).
enum CopyText {
    @inline(__always) static func tab(_ b: inout CopyBytes) { b.writeInteger(UInt8(ascii: "\t")) }
    @inline(__always) static func absent(_ b: inout CopyBytes) { b.writeStaticString("\\N") }

    /// Backslash, tab, line feed and carriage return escaped; everything else as UTF-8.
    static func text(_ s: String, _ b: inout CopyBytes) {
        var s = s
        s.withUTF8 { text($0, &b) }
    }

    static func text(_ bytes: UnsafeBufferPointer<UInt8>, _ b: inout CopyBytes) {
        if !bytes.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            b.writeBytes(bytes)
            return
        }
        for byte in bytes {
            switch byte {
            case 0x5C: b.writeStaticString("\\\\")
            case 0x09: b.writeStaticString("\\t")
            case 0x0A: b.writeStaticString("\\n")
            case 0x0D: b.writeStaticString("\\r")
            default: b.writeInteger(byte)
            }
        }
    }

    /// Sixteen lower-case hex digits, most significant first (the pseudonym's byte order).
    static func hex(_ v: UInt64, _ b: inout CopyBytes) {
        let digits: StaticString = "0123456789abcdef"
        digits.withUTF8Buffer { d in
            for shift in stride(from: 60, through: 0, by: -4) { b.writeInteger(d[Int((v >> UInt64(shift)) & 15)]) }
        }
    }

    /// Decimal digits of `v`.
    static func integer(_ v: Int64, _ b: inout CopyBytes) {
        if v < 0 { b.writeInteger(UInt8(ascii: "-")) }
        var magnitude = v.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for 20 digits, reversed
        var count = 0
        withUnsafeMutableBytes(of: &digits) { out in
            repeat {
                out[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for i in stride(from: count - 1, through: 0, by: -1) { b.writeInteger(out[i]) }
        }
    }
}

extension CopyText {
    /// A packed record (`PackedEvent`) in `Migrations.stagingColumns` order, read in place.
    static func append(_ e: PackedEvent, source: String, to b: inout CopyBytes) {
        b.writeStaticString("\\\\x")
        let p = e.pseudonym
        hex(p.high, &b)
        hex(p.low, &b)
        tab(&b); integer(Int64(e.startDay), &b)
        tab(&b); text(e.stage.rawValue, &b)
        tab(&b); text(e.agreement, &b)
        tab(&b); text(e.ageBand.rawValue, &b)
        tab(&b); if let enterprise = e.enterprise { text(enterprise, &b) } else { absent(&b) }
        tab(&b); text(e.targetGroup.rawValue, &b)
        tab(&b); if let end = e.endDay { integer(Int64(end), &b) } else { absent(&b) }
        tab(&b); if let h = e.hoursPerWeek { b.writeString(h.description) } else { absent(&b) }
        tab(&b); integer(e.recordedAt, &b)
        tab(&b); text(source, &b)
        tab(&b); text(e.sourceRecordID, &b)
        b.writeInteger(UInt8(ascii: "\n"))
    }

    /// A rejected row in `rejectionColumns` order.
    static func append(_ r: Rejection, runID: Int64, tenant: String, source: String, file: String, to b: inout CopyBytes) {
        integer(runID, &b)
        tab(&b); text(tenant, &b)
        tab(&b); text(source, &b)
        tab(&b); text(file, &b)
        tab(&b); integer(Int64(r.line), &b)
        tab(&b); if let path = r.path { text(path, &b) } else { absent(&b) }
        tab(&b); text(r.reason.rawValue, &b)
        tab(&b); if let field = r.field { text(field, &b) } else { absent(&b) }
        tab(&b); text(r.maskedRow, &b)
        b.writeInteger(UInt8(ascii: "\n"))
    }

    static let rejectionColumns = ["run_id", "tenant", "source", "file", "line", "path", "reason", "field", "masked_row"]
}

/// COPY text as it is written: bytes in memory of its own, handed to the client as one
/// buffer per batch. Written byte by byte: a NIO buffer cost several calls per byte, and an
/// array a uniqueness and a capacity check (perf: 15 % of the client's CPU in a fresh
/// import); here a byte costs a compare and a store. A reference, written by one owner.
final class CopyBytes {
    private var start: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int

    init(capacity: Int = 0) {
        self.capacity = max(capacity, 256)
        start = .allocate(capacity: self.capacity)
    }

    deinit { start.deallocate() }

    var readableBytes: Int { count }

    /// The bytes written so far, copied.
    var array: [UInt8] { Array(UnsafeBufferPointer(start: start, count: count)) }

    /// Room for `more` bytes.
    @inline(__always) private func reserve(_ more: Int) {
        if count + more > capacity { grow(to: count + more) }
    }

    private func grow(to needed: Int) {
        var larger = capacity * 2
        while larger < needed { larger *= 2 }
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.initialize(from: start, count: count)
        start.deallocate()
        start = moved
        capacity = larger
    }

    @inline(__always) func writeInteger(_ byte: UInt8) {
        reserve(1)
        start[count] = byte
        count += 1
    }

    func writeStaticString(_ s: StaticString) {
        s.withUTF8Buffer { writeBytes($0) }
    }

    func writeBytes(_ b: UnsafeBufferPointer<UInt8>) {
        guard let base = b.baseAddress, !b.isEmpty else { return }
        reserve(b.count)
        (start + count).initialize(from: base, count: b.count)
        count += b.count
    }

    func writeBytes(_ b: [UInt8]) { b.withUnsafeBufferPointer { writeBytes($0) } }

    func writeString(_ s: String) {
        var s = s
        s.withUTF8 { writeBytes($0) }
    }

    func clear() { count = 0 }

    /// The bytes as the client sends them.
    var buffer: ByteBuffer { ByteBuffer(bytes: UnsafeBufferPointer(start: start, count: count)) }
}
