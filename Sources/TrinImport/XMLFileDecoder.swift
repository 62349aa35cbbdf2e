import TrinCore
import TrinMapping
import TrinStore
import TrinXML

/// An XML export read through its mapping, streaming (libxml2's SAX2 parser).
///
/// A document-level failure (not well-formed, truncated, DOCTYPE, entity, other
/// root) throws out of `decode`, and the importer rolls the whole file back: a
/// cut-off nightly export must never pass for a complete one.
final class XMLFileDecoder: FileDecoder {
    let path: String
    let spec: XMLRecordSpec
    let decoder: RecordDecoder
    let paths: [String]
    /// Slots whose values are CPR numbers, masked whole in a kept record.
    let cprSlots: Set<Int>
    /// The fields the mapping requires (`required`), each with the slots of its paths and its
    /// fallback's: a document with records in which none of them ever holds a value is
    /// refused, as a CSV file without the column is (a renamed element must not read as absent).
    let requiredFields: [(name: String, slots: [Int])]
    let mappingName: String
    let values: FieldValues
    /// Bytes the parser thread has read.
    private let consumed = SharedCount()
    var bytesRead: Int { consumed.current }
    /// XML exports are not skipped row by row (a record is a group of elements, not a line).
    var knownRowsForNext: KnownRows? { nil }
    var skipsKnownRows: Bool { false }

    init(path: String, mapping: Mapping, layout: XMLLayout) throws(ImportError) {
        let paths = XMLFileDecoder.fieldPaths(mapping)
        self.paths = paths
        let spec: XMLRecordSpec
        do {
            spec = try XMLRecordSpec(namespaces: layout.namespaces, root: layout.root, recordPath: layout.record, fields: paths)
        } catch {
            throw .mapping(file: path, .invalid(file: mapping.file, line: 1, message: "\(error)"))
        }
        self.path = path
        self.spec = spec
        do { decoder = try RecordDecoder(mapping: mapping) { paths.firstIndex(of: $0) } } catch { throw .mapping(file: path, error) }
        let cpr = mapping.fields["cpr"].map { $0.from + ($0.fallback?.value.from ?? []) } ?? []
        cprSlots = Set(cpr.compactMap { paths.firstIndex(of: $0) })
        values = FieldValues(slots: paths.count)
        requiredFields = mapping.fields.keys.sorted().compactMap { name in
            // A field with a constant fallback always has a value: nothing to miss.
            guard let rule = mapping.fields[name], rule.required, !rule.from.isEmpty, rule.fallback?.value.constant == nil else { return nil }
            return (name, (rule.from + (rule.fallback?.value.from ?? [])).compactMap { paths.firstIndex(of: $0) })
        }
        mappingName = mapping.name
    }

    /// Every path the mapping reads, in a fixed order: the reader's slots.
    static func fieldPaths(_ mapping: Mapping) -> [String] {
        var paths: [String] = []
        func add(_ rule: FieldRule) {
            for p in rule.from where !paths.contains(p) { paths.append(p) }
            if let f = rule.fallback?.value { add(f) }
        }
        for name in mapping.fields.keys.sorted() { add(mapping.fields[name]!) }
        return paths
    }


    /// libxml2 parses on a thread of its own and hands over whole record groups, so parsing
    /// and decoding run on two cores.
    func decode(_ body: (DecodedItem, () -> String?, () -> String) throws -> Void) throws {
        let (path, spec, consumed) = (self.path, self.spec, self.consumed)
        var unseen = requiredFields, records = 0
        do {
            try HandOffQueue<XMLRecordBatch>.run(capacity: 8, name: "trin-xml") { queue in
                let reader = try XMLRecordReader(path: path, spec: spec)
                while let batch = try reader.nextBatch() {
                    consumed.store(reader.bytesRead)
                    try queue.send(batch)
                }
            } consume: { batch, _ in
                let fields = paths.count
                records += batch.count
                try batch.withStorage { bytes, starts, lengths in
                    // Until each required field has been seen once (in the first records, as a rule).
                    if !unseen.isEmpty {
                        unseen.removeAll { field in
                            (0..<batch.count).contains { r in field.slots.contains { lengths[r * fields + $0] >= 0 } }
                        }
                    }
                    for r in 0..<batch.count {
                        values.load(base: bytes, starts: starts + r * fields, lengths: lengths + r * fields)
                        try body(.outcome(decoder.decodeInPlace(values), line: batch.line(r)), { batch.elementPath(r) }, {
                            self.maskedRecord(batch.record(r))
                        })
                    }
                }
                values.reset()
            }
        } catch let error as XMLDocumentError {
            throw ImportError.document(file: path, message: "\(error)")
        }
        if records > 0, let missing = unseen.first {
            let where_ = missing.slots.map { paths[$0] }.joined(separator: " or ")
            throw ImportError.document(file: path, message: "\(path): no record has \(where_), which mapping \(mappingName) requires for "
                                       + "\(missing.name) (an element or attribute renamed or moved?): file refused")
        }
    }

    /// The record's fields as `path=value`, the CPR masked whole and any CPR-shaped text masked.
    func maskedRecord(_ record: XMLRecord) -> String {
        let parts = paths.enumerated().map { i, p in
            "\(p)=" + (cprSlots.contains(i) ? PersonalDataMask.maskedCPR : (record[i] ?? ""))
        }
        return PersonalDataMask.mask(record.elementPath + " " + parts.joined(separator: "; "))
    }
}
