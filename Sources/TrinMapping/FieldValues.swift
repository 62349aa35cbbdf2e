#if canImport(Glibc)
import Glibc
#endif
import TrinCore

/// The values of one source record, by slot (a CSV row's columns, or the XML
/// paths a mapping reads), as UTF-8 bytes in one reusable buffer.
///
/// A concrete type rather than a protocol so that decoding is not generic at run
/// time: the decoder runs once per row, and generic dispatch there costs more than
/// copying a row's bytes once.
public final class FieldValues {
    private var storage: [UInt8] = []
    private var starts: [Int] = []
    private var lengths: [Int] = []
    private var scratch: [UInt8] = []

    public init(slots: Int) {
        starts = Array(repeating: 0, count: slots)
        lengths = Array(repeating: -1, count: slots)
        storage.reserveCapacity(1024)
    }

    /// Marks every slot absent, keeping capacity.
    public func reset() {
        storage.removeAll(keepingCapacity: true)
        for i in lengths.indices { lengths[i] = -1 }
    }

    /// Sets a slot's value (copied).
    public func set(_ slot: Int, _ bytes: UnsafeBufferPointer<UInt8>) {
        starts[slot] = storage.count
        lengths[slot] = bytes.count
        storage.append(contentsOf: bytes)
    }

    public func set(_ slot: Int, _ text: String) {
        var t = text
        t.withUTF8 { set(slot, $0) }
    }

    /// Lends the values of several slots joined by `separator` (absent ones as empty), built
    /// in a scratch buffer the instance keeps: no allocation per record.
    func joined<R>(_ slots: [Int], separator: [UInt8], _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        scratch.removeAll(keepingCapacity: true)
        for (i, slot) in slots.enumerated() {
            if i > 0 { scratch.append(contentsOf: separator) }
            if slot < lengths.count, lengths[slot] >= 0 {
                scratch.append(contentsOf: storage[starts[slot]..<(starts[slot] + lengths[slot])])
            }
        }
        return scratch.withUnsafeBufferPointer(body)
    }

    /// Lends a slot's bytes; nil when absent.
    @inline(__always)
    func withValue<R>(_ slot: Int, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
        guard slot < lengths.count, lengths[slot] >= 0 else { return body(nil) }
        return storage.withUnsafeBufferPointer { all in
            body(UnsafeBufferPointer(rebasing: all[starts[slot]..<(starts[slot] + lengths[slot])]))
        }
    }
}

/// A field rule with its locations resolved to slots of one file.
///
/// A struct read in place by the decoder (no reference counting per record), with a code
/// list flattened into one byte buffer and its canonical values already turned into the
/// domain's enumerations: looking a code up compares bytes and allocates nothing.
struct ResolvedField: Sendable {
    let slots: [Int]
    let separator: [UInt8]
    let constant: [UInt8]?
    let type: FieldType
    /// The fallback rule (zero or one): an array because a struct cannot hold itself.
    let fallbacks: [ResolvedField]
    /// A name for messages: the canonical field and where it was read.
    let label: String
    /// For a code field: code i is `codeBytes[codeStarts[i] ..< codeStarts[i + 1]]`, and its
    /// canonical value is `canonical[i]`; an unknown code maps to `canonical.last` when the
    /// rule says so (`unknownIndex`).
    let codeBytes: [UInt8]
    let codeStarts: [Int]
    let canonical: [Canonical]
    let unknownIndex: Int?

    /// A canonical code value and what it names in each code field.
    struct Canonical: Sendable {
        let name: String
        let targetGroup: TargetGroup?
        let stage: Stage?
        let enterpriseType: EnterpriseType?

        init(_ name: String) {
            self.name = name
            targetGroup = TargetGroup(rawValue: name)
            stage = Stage(rawValue: name)
            enterpriseType = EnterpriseType(rawValue: name)
        }
    }

    init(slots: [Int], separator: [UInt8], constant: [UInt8]?, type: FieldType, fallback: ResolvedField?, label: String) {
        self.slots = slots; self.separator = separator; self.constant = constant; self.type = type
        self.fallbacks = fallback.map { [$0] } ?? []
        self.label = label
        var bytes: [UInt8] = [], starts = [0], canonical: [Canonical] = [], unknown: Int?
        if case .code(let list) = type {
            for (code, name) in list.pairs {
                bytes += code
                starts.append(bytes.count)
                canonical.append(Canonical(name))
            }
            if let name = list.unknownAs {
                unknown = canonical.count
                canonical.append(Canonical(name))
            }
        }
        codeBytes = bytes; codeStarts = starts; self.canonical = canonical; unknownIndex = unknown
    }

    /// The canonical value of a code, nil when unknown and not mapped.
    func canonicalCode(_ code: UnsafeBufferPointer<UInt8>) -> Canonical? {
        codeBytes.withUnsafeBufferPointer { all in
            for i in 0..<(codeStarts.count - 1) {
                let start = codeStarts[i], end = codeStarts[i + 1]
                guard end - start == code.count else { continue }
                if code.count == 0 || memcmp(all.baseAddress! + start, code.baseAddress!, code.count) == 0 { return canonical[i] }
            }
            return unknownIndex.map { canonical[$0] }
        }
    }

    /// Lends the field's text — from its slots, or from its fallback when empty — with
    /// the rule that applies to it (this one or the fallback).
    @inline(__always)
    func withText<R>(_ values: FieldValues, _ body: (UnsafeBufferPointer<UInt8>, borrowing ResolvedField) -> R) -> R {
        if !fallbacks.isEmpty {
            let empty = withOwnText(values) { $0.isEmpty }
            if empty, !fallbacks[0].withOwnText(values, { $0.isEmpty }) {
                return fallbacks[0].withOwnText(values) { body($0, fallbacks[0]) }
            }
        }
        return withOwnText(values) { body($0, self) }
    }

    @inline(__always)
    private func withOwnText<R>(_ values: FieldValues, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let constant { return constant.withUnsafeBufferPointer(body) }
        if slots.count == 1 {
            return values.withValue(slots[0]) { v in
                if let v { return body(v) }
                return body(UnsafeBufferPointer(start: nil, count: 0))
            }
        }
        return values.joined(slots, separator: separator, body)
    }
}
