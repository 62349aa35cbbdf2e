import PostgresNIO
import TrinCore

/// Records as lines of PostgreSQL's COPY text format, in `Migrations.stagingColumns` order:
/// tab between columns, `\N` for absent, backslash escapes for the characters the format
/// uses, and bytea as `\\x` and hex.
enum CopyText {
    static func append(_ r: ProgressRecord, to b: inout ByteBuffer) {
        b.writeStaticString("\\\\x")
        for byte in r.pseudonym.bytes { b.writeString(hex(byte)) }
        tab(&b); b.writeString(String(r.start.daysSinceEpoch))
        tab(&b); text(r.stage.rawValue, &b)
        tab(&b); text(r.agreement ?? "", &b)
        tab(&b); text(r.ageBand.rawValue, &b)
        tab(&b); optional(r.enterprise, &b)
        tab(&b); text(r.targetGroup.rawValue, &b)
        tab(&b); if let end = r.end { b.writeString(String(end.daysSinceEpoch)) } else { b.writeStaticString("\\N") }
        tab(&b); if let h = r.hoursPerWeek { b.writeString("\(h)") } else { b.writeStaticString("\\N") }
        tab(&b); b.writeString(String(r.recordedAt.secondsSinceEpoch))
        tab(&b); text(r.source, &b)
        tab(&b); text(r.sourceRecordID, &b)
        b.writeInteger(UInt8(ascii: "\n"))
    }

    private static func tab(_ b: inout ByteBuffer) { b.writeInteger(UInt8(ascii: "\t")) }

    private static func optional(_ s: String?, _ b: inout ByteBuffer) {
        if let s { text(s, &b) } else { b.writeStaticString("\\N") }
    }

    /// Backslash, tab, line feed and carriage return escaped; everything else as UTF-8.
    static func text(_ s: String, _ b: inout ByteBuffer) {
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): b.writeStaticString("\\\\")
            case UInt8(ascii: "\t"): b.writeStaticString("\\t")
            case UInt8(ascii: "\n"): b.writeStaticString("\\n")
            case UInt8(ascii: "\r"): b.writeStaticString("\\r")
            default: b.writeInteger(byte)
            }
        }
    }

    private static let digits = Array("0123456789abcdef")
    private static func hex(_ byte: UInt8) -> String { String([digits[Int(byte >> 4)], digits[Int(byte & 15)]]) }
}
