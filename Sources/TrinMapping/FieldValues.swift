/// The values of one source record, by slot: a CSV row's columns or the XML
/// paths a mapping reads. A value is lent as UTF-8 bytes for the duration of
/// `body` (no copy); nil means absent.
public protocol FieldValues {
    func withValue<R>(_ slot: Int, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R
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
    func withText<R>(_ values: some FieldValues, _ body: (UnsafeBufferPointer<UInt8>, ResolvedField) -> R) -> R {
        if let fallback {
            let empty = withOwnText(values) { $0.isEmpty }
            if empty, !fallback.withOwnText(values, { $0.isEmpty }) {
                return fallback.withOwnText(values) { body($0, fallback) }
            }
        }
        return withOwnText(values) { body($0, self) }
    }

    private func withOwnText<R>(_ values: some FieldValues, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
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
