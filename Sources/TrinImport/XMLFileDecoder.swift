import TrinCore
import TrinMapping
import TrinPseudonym
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
    /// Records of the source's last export (read the same way), and the ones gathered for the
    /// next: an XML record is known by its values (`valueDigest`), not by its bytes.
    private let digester: RowDigester?
    private var known: KnownRows?
    var knownRowsForNext: KnownRows? { known }
    var skipsKnownRows: Bool { (known?.count ?? 0) > 0 }

    /// `known`: the source's set from the store, used when its context is this file's;
    /// `digester` nil: no record is skipped or kept (a dry run, a test of the full path).
    init(path: String, mapping: Mapping, layout: XMLLayout, source: String = "", digester: RowDigester? = nil,
         known stored: KnownRows? = nil, spillDirectory: String? = nil) throws(ImportError) {
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
        self.digester = digester
        if digester != nil {
            // What decides what a record's values become: the mapping (its paths, namespaces
            // and rules) and the version of trin. The document's encoding and prefixes do not:
            // values reach the digest as the parser's UTF-8, names resolved.
            let context = "v1 trin \(TrinVersion.current) source \(source) mapping \(mapping.fingerprint) xml-values"
            known = stored?.context == context ? stored : KnownRows(context: context)
            known!.spillDirectory = spillDirectory
        }
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
        // Peeking pays only when the source's last export left records to recognise.
        let peeks = (known?.count ?? 0) > 0
        var scratch: [UInt8] = []
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
                        var digest: UInt64 = 0
                        if let digester {
                            digest = Self.valueDigest(bytes, starts + r * fields, lengths + r * fields, count: fields,
                                                      digester, scratch: &scratch)
                            // Its values matched a record that decoded to an event under this very
                            // context (mapping, version): the same values decode the same way.
                            if peeks && known!.containsAndKeep(digest) {
                                try body(.known(line: batch.line(r)), { nil }, { "" })
                                continue
                            }
                        }
                        values.load(base: bytes, starts: starts + r * fields, lengths: lengths + r * fields)
                        let outcome = decoder.decodeInPlace(values)
                        if digester != nil, case .event = outcome { known!.keep(digest) }
                        try body(.outcome(outcome, line: batch.line(r)), { batch.elementPath(r) }, {
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

    /// The keyed digest of one record's values, every path in slot order, each as its length
    /// (`UInt32.max`: absent, so that absent and empty differ) and its bytes: everything
    /// `RecordDecoder` reads of the record. Ancestors' values (a course's CPR number) are part
    /// of each record's, so a record whose course changed is not known.
    static func valueDigest(_ bytes: UnsafePointer<UInt8>, _ starts: UnsafePointer<Int32>, _ lengths: UnsafePointer<Int32>,
                            count: Int, _ digester: RowDigester, scratch: inout [UInt8]) -> UInt64 {
        var total = 4 * count
        for slot in 0..<count where lengths[slot] > 0 { total += Int(lengths[slot]) }
        if scratch.count < total { scratch = [UInt8](repeating: 0, count: max(total, 2 * scratch.count)) }
        return scratch.withUnsafeMutableBytes { raw in
            var at = 0
            for slot in 0..<count {
                let length = lengths[slot]
                raw.storeBytes(of: (length < 0 ? UInt32.max : UInt32(length)).littleEndian, toByteOffset: at, as: UInt32.self)
                at += 4
                if length > 0 {
                    (raw.baseAddress! + at).copyMemory(from: bytes + Int(starts[slot]), byteCount: Int(length))
                    at += Int(length)
                }
            }
            return digester.digest(UnsafeRawBufferPointer(rebasing: raw[0..<at]))
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
