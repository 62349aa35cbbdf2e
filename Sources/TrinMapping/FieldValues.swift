/// The values of one source record, by slot: a CSV row's columns or the XML
/// paths a mapping reads. Values are UTF-8 bytes; nil means absent.
public protocol FieldValues {
    func value(_ slot: Int) -> ArraySlice<UInt8>?
}

/// A field rule with its locations resolved to slots of one file.
struct ResolvedField: Sendable {
    var slots: [Int]
    var separator: [UInt8]
    var constant: [UInt8]?
    var type: FieldType
    var fallback: Box<ResolvedField>?
    /// A name for messages: the canonical field and where it was read.
    var label: String

    /// The field's text, from its slots or its fallback when empty; with the type to read it by.
    func text(_ values: some FieldValues) -> (ArraySlice<UInt8>, FieldType) {
        let primary = ownText(values)
        if primary.isEmpty, let fallback {
            let f = fallback.value.ownText(values)
            if !f.isEmpty { return (f, fallback.value.type) }
        }
        return (primary, type)
    }

    private func ownText(_ values: some FieldValues) -> ArraySlice<UInt8> {
        if let constant { return constant[...] }
        if slots.count == 1 { return values.value(slots[0]) ?? [] }
        var joined = [UInt8]()
        for (i, slot) in slots.enumerated() {
            if i > 0 { joined.append(contentsOf: separator) }
            joined.append(contentsOf: values.value(slot) ?? [])
        }
        return joined[...]
    }
}
