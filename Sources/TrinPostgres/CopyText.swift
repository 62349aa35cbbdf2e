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

/// COPY text as it is written: a growing byte array, handed to the client as one buffer per
/// batch. Written byte by byte, an array costs a capacity check per byte where a NIO buffer
/// cost several calls (perf: a third of the client's COPY time).
struct CopyBytes {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    var readableBytes: Int { bytes.count }

    @inline(__always) mutating func writeInteger(_ byte: UInt8) { bytes.append(byte) }

    mutating func writeStaticString(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func writeBytes(_ b: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: b) }
    mutating func writeBytes(_ b: [UInt8]) { bytes.append(contentsOf: b) }

    mutating func writeString(_ s: String) { bytes.append(contentsOf: s.utf8) }

    mutating func clear() { bytes.removeAll(keepingCapacity: true) }

    /// The bytes as the client sends them.
    var buffer: ByteBuffer { ByteBuffer(bytes: bytes) }
}
