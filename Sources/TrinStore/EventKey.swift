import Foundation
public import TrinCore

/// The packed primary key of an event: (pseudonym, start, stage, agreement).
///
/// The 16-byte pseudonym comes first so that rows sort, and stream out, citizen
/// by citizen. Dates are big-endian with the sign flipped, so bytes sort like days.
enum EventKey {
    /// Where the stage code sits in an identity, and where the agreement starts.
    static let stageOffset = 20
    static let agreementOffset = 21

    /// A day as identities hold it: sign flipped, so that unsigned order is day order.
    static func dayBits(_ d: Day) -> UInt32 { UInt32(bitPattern: d.daysSinceEpoch) ^ 0x8000_0000 }

    /// The days since the epoch that `dayBits` encoded.
    static func daysSinceEpoch(dayBits: UInt32) -> Int32 { Int32(bitPattern: dayBits ^ 0x8000_0000) }

    /// Writes an identity at `out`, which has room for `agreementOffset` bytes plus the
    /// agreement's: 16 bytes of pseudonym, 4 of start day, the stage code, then the
    /// agreement's bytes (none when absent). Returns the bytes written.
    @inline(__always)
    static func writeIdentity(pseudonym: Pseudonym, start: Day, stage: Stage, agreement: UnsafeBufferPointer<UInt8>?,
                              to out: UnsafeMutableRawPointer) -> Int {
        out.storeBytes(of: pseudonym.high.bigEndian, toByteOffset: 0, as: UInt64.self)
        out.storeBytes(of: pseudonym.low.bigEndian, toByteOffset: 8, as: UInt64.self)
        out.storeBytes(of: dayBits(start).bigEndian, toByteOffset: 16, as: UInt32.self)
        out.storeBytes(of: stage.code, toByteOffset: stageOffset, as: UInt8.self)
        guard let agreement, let source = agreement.baseAddress else { return agreementOffset }
        (out + agreementOffset).copyMemory(from: source, byteCount: agreement.count)
        return agreementOffset + agreement.count
    }

    static func appendString(_ out: inout [UInt8], _ s: String) {
        out.append(contentsOf: s.utf8)
        out.append(0)
    }

    static func appendDay(_ out: inout [UInt8], _ d: Day) {
        withUnsafeBytes(of: dayBits(d).bigEndian) { out.append(contentsOf: $0) }
    }
}

/// The order-independent rule for the register across files: the greatest of
/// (end date, absent lowest; start; name; type; bottom lines) is kept, so a closure
/// seen in any export stays recorded.
package enum EnterpriseKey {
    package static func version(_ e: EnterpriseRecord) -> [UInt8] {
        var out = [UInt8]()
        if let end = e.end { out.append(1); EventKey.appendDay(&out, end) } else { out.append(0) }
        EventKey.appendDay(&out, e.start)
        EventKey.appendString(&out, e.name)
        EventKey.appendString(&out, e.type.rawValue)
        out.append(contentsOf: [e.socialBottomLine, e.localBottomLine, e.economicBottomLine].map { $0 ? 1 : 0 })
        return out
    }
}

/// Small integer codes for enumerations in the store, numbered in the order of their
/// names: comparing codes compares names, which the version order needs, while a row
/// stays small (a smaller row means fewer pages to write and to keep in cache).
package enum StoreCode {
    static let ageBands = AgeBand.allCases.sorted { $0.rawValue < $1.rawValue }
    static let targetGroups = TargetGroup.allCases.sorted { $0.rawValue < $1.rawValue }

    static func code(_ a: AgeBand) -> Int32 { Int32(ageBands.firstIndex(of: a)!) }
    static func code(_ g: TargetGroup) -> Int32 { Int32(targetGroups.firstIndex(of: g)!) }

    /// `CASE` expressions that turn codes back into names, for `event_view`.
    static func caseSQL<T: RawRepresentable<String>>(_ column: String, _ values: [T]) -> String {
        "CASE \(column) " + values.enumerated().map { "WHEN \($0.offset) THEN '\($0.element.rawValue)'" }.joined(separator: " ") + " END"
    }

    /// Stage codes are the identity's byte (declaration order).
    static var stageCaseSQL: String {
        "CASE hex(substr(identity, \(EventKey.stageOffset + 1), 1)) " + Stage.allCases.map { s in
            "WHEN '" + String(format: "%02X", Int(s.code)) + "' THEN '\(s.rawValue)'"
        }.joined(separator: " ") + " END"
    }
}
