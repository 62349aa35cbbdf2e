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
final class ResolvedField: Sendable {
    let slots: [Int]
    let separator: [UInt8]
    let constant: [UInt8]?
    let type: FieldType
    let fallback: ResolvedField?
    /// A name for messages: the canonical field and where it was read.
    let label: String

    init(slots: [Int], separator: [UInt8], constant: [UInt8]?, type: FieldType, fallback: ResolvedField?, label: String) {
        self.slots = slots; self.separator = separator; self.constant = constant; self.type = type
        self.fallback = fallback; self.label = label
    }

    /// Lends the field's text — from its slots, or from its fallback when empty — with
    /// the rule that applies to it (this one or the fallback).
    func withText<R>(_ values: FieldValues, _ body: (UnsafeBufferPointer<UInt8>, ResolvedField) -> R) -> R {
        if let fallback {
            let empty = withOwnText(values) { $0.isEmpty }
            if empty, !fallback.withOwnText(values, { $0.isEmpty }) {
                return fallback.withOwnText(values) { body($0, fallback) }
            }
        }
        return withOwnText(values) { body($0, self) }
    }

    private func withOwnText<R>(_ values: FieldValues, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let constant { return constant.withUnsafeBufferPointer(body) }
        if slots.count == 1 {
            return values.withValue(slots[0]) { v in
                if let v { return body(v) }
                return body(UnsafeBufferPointer(start: nil, count: 0))
            }
        }
        var joined = [UInt8]()
        for (i, slot) in slots.enumerated() {
            if i > 0 { joined.append(contentsOf: separator) }
            values.withValue(slot) { if let v = $0 { joined.append(contentsOf: v) } }
        }
        return joined.withUnsafeBufferPointer(body)
    }
}
