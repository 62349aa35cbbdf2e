#if canImport(Glibc)
import Glibc
#endif
import TrinCore

/// The values of one source record, by slot (a CSV row's columns, or the XML
/// paths a mapping reads), as UTF-8 bytes.
///
/// A concrete type rather than a protocol so that decoding is not generic at run
/// time: the decoder runs once per row, and generic dispatch there costs more than
/// a pointer per slot.
///
/// A slot is a pointer and a length. A reader lends bytes that stay where they are until
/// the next record (`lend`, `load`: nothing is copied), or has a value copied (`set`) into
/// memory of the record's own that never moves while the record is read; so every value
/// handed out stays valid until the next `reset` or `load`.
public final class FieldValues {
    private let slotCount: Int
    private let bases: UnsafeMutablePointer<UnsafePointer<UInt8>?>
    private let lengths: UnsafeMutablePointer<Int>
    /// Advanced whenever the values are replaced: views of lent values check it (debug builds).
    public let generation = LendingGeneration()

    public init(slots: Int) {
        slotCount = slots
        bases = .allocate(capacity: max(slots, 1))
        bases.initialize(repeating: nil, count: max(slots, 1))
        lengths = .allocate(capacity: max(slots, 1))
        lengths.initialize(repeating: -1, count: max(slots, 1))
    }

    /// The last CPR text parsed (up to 16 bytes, as two integers) and what it parsed to: the
    /// records of one course, and a citizen's consecutive rows, repeat the number, and its
    /// parse and birth date are then taken from here.
    private var cprText: (length: Int, head: UInt64, tail: UInt64) = (-1, 0, 0)
    private var cprResult: Result<CPRNumber, CPRNumber.Failure> = .failure(.malformed)

    /// `CPRNumber.parse(text)`, from the last result when the text is the last one's.
    func parseCPR(_ text: UnsafeBufferPointer<UInt8>) -> Result<CPRNumber, CPRNumber.Failure> {
        guard text.count <= 16 else { return CPRNumber.parse(text) }
        let head = ResolvedField.head(text)
        let tail = text.count > 8 ? ResolvedField.head(UnsafeBufferPointer(rebasing: text[8...])) : 0
        if cprText.length == text.count && cprText.head == head && cprText.tail == tail { return cprResult }
        cprResult = CPRNumber.parse(text)
        cprText = (text.count, head, tail)
        return cprResult
    }

    deinit {
        for block in retired { block.deallocate() }
        scratch.deallocate()
        bases.deallocate()
        lengths.deallocate()
    }

    /// Marks every slot absent, keeping capacity.
    public func reset() {
        generation.advance()
        clearScratch()
        lengths.update(repeating: -1, count: slotCount)
    }

    /// Values that live elsewhere (a batch of records read in one go): lent in place, not
    /// copied. `starts` and `lengths` (-1: absent) give one entry per slot, relative to `base`,
    /// which must stay valid until the next `reset` or `load`.
    public func load(base: UnsafePointer<UInt8>, starts: UnsafePointer<Int32>, lengths: UnsafePointer<Int32>) {
        generation.advance()
        clearScratch()
        for slot in 0..<slotCount {
            bases[slot] = base + Int(starts[slot])
            self.lengths[slot] = Int(lengths[slot])
        }
    }

    /// Sets a slot's value to bytes that live elsewhere and stay valid, unchanged, until the
    /// next `reset` or `load` (a CSV field in the reader's buffer): no copy.
    @inline(__always)
    public func lend(_ slot: Int, _ bytes: UnsafeBufferPointer<UInt8>) {
        precondition(slot >= 0 && slot < slotCount, "slot out of range")
        bases[slot] = bytes.baseAddress
        lengths[slot] = bytes.count
    }

    /// Sets a slot's value (copied).
    public func set(_ slot: Int, _ bytes: UnsafeBufferPointer<UInt8>) {
        lend(slot, stash(bytes))
    }

    /// A slot's bytes without leading and trailing white space (`Whitespace`); nil when absent
    /// or not a slot of this record. Every rule reads a value through here, so the trim is
    /// applied once, before code lists, dates, numbers, CVR checks and ids see the text (an
    /// all-white value comes out empty, which the rules read as absent). The bytes stay where
    /// they are: trimming only narrows the slice, and costs two byte comparisons for a value
    /// that starts and ends with a printable ASCII character.
    @inline(__always)
    func value(_ slot: Int) -> UnsafeBufferPointer<UInt8>? {
        guard slot >= 0, slot < slotCount, lengths[slot] >= 0 else { return nil }
        return Whitespace.trimmed(UnsafeBufferPointer(start: bases[slot], count: lengths[slot]))
    }


    /// The values of several slots joined by `separator` (absent ones as empty), or a
    /// constant when `slots` is empty, built in scratch memory: no allocation per record.
    /// Valid, like every value, until the next `reset` or `load`.
    func joined(_ slots: [Int], separator: [UInt8], constant: [UInt8]? = nil) -> UnsafeBufferPointer<UInt8> {
        var count = constant?.count ?? 0
        var content = constant != nil
        for (i, slot) in slots.enumerated() {
            let v = value(slot)
            count += (i > 0 ? separator.count : 0) + (v?.count ?? 0)
            if !content, let v, !Whitespace.trimmed(v).isEmpty { content = true }
        }
        // Parts that are all empty (or white space) join to nothing, not to a row of separators:
        // the value is absent, as a single empty column's is.
        guard content else { return UnsafeBufferPointer(start: nil, count: 0) }
        let out = reserveScratch(count)
        var at = out
        func put(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard let base = bytes.baseAddress, bytes.count > 0 else { return }
            at.update(from: base, count: bytes.count)
            at += bytes.count
        }
        if let constant { constant.withUnsafeBufferPointer(put) }
        for (i, slot) in slots.enumerated() {
            if i > 0 { separator.withUnsafeBufferPointer(put) }
            if let v = value(slot) { put(v) }
        }
        return UnsafeBufferPointer(start: out, count: count)
    }

    /// A copy of `bytes` in scratch memory, valid until the next `reset` or `load` (a value
    /// read from a buffer that is reused, a text the decoder changed such as a masked id).
    func stash(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        let out = reserveScratch(bytes.count)
        if let base = bytes.baseAddress, bytes.count > 0 { out.update(from: base, count: bytes.count) }
        return UnsafeBufferPointer(start: out, count: bytes.count)
    }

    // Scratch memory for one record: handed-out bytes never move. When the block is full,
    // it is retired (kept until the record is done) and a larger one takes its place.
    private var scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: 4096)
    private var scratchCapacity = 4096
    private var scratchUsed = 0
    private var retired: [UnsafeMutablePointer<UInt8>] = []

    private func reserveScratch(_ count: Int) -> UnsafeMutablePointer<UInt8> {
        if scratchUsed + count > scratchCapacity {
            retired.append(scratch)
            scratchCapacity = max(scratchCapacity * 2, count)
            scratch = .allocate(capacity: scratchCapacity)
            scratchUsed = 0
        }
        defer { scratchUsed += count }
        return scratch + scratchUsed
    }

    private func clearScratch() {
        scratchUsed = 0
        if !retired.isEmpty {
            for block in retired { block.deallocate() }
            retired.removeAll()
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
    /// Where the fallback rule sits in the decoder's field table; -1 when none.
    let fallbackIndex: Int
    /// The one slot the value is, when it is exactly one slot (the usual case); -1 when it is
    /// a constant or joined. Read through a pointer, it costs no copy of the rule.
    let singleSlot: Int
    /// A name for messages: the canonical field and where it was read.
    let label: String
    /// For a code field: code i is `codeBytes[codeStarts[i] ..< codeStarts[i + 1]]`, and its
    /// canonical value is `canonical[i]`; an unknown code maps to `canonical.last` when the
    /// rule says so (`unknownIndex`).
    let codeBytes: [UInt8]
    let codeStarts: [Int]
    let canonical: [Canonical]
    let unknownIndex: Int?
    /// Per code: its first eight bytes as one integer (`head`), so that most codes are told
    /// apart by one comparison, not a call to `memcmp`.
    let codeHeads: [UInt64]

    /// A canonical code value and what it names in each code field.
    struct Canonical: Sendable {
        let targetGroup: TargetGroup?
        let stage: Stage?
        let enterpriseType: EnterpriseType?

        init(_ name: String) {
            targetGroup = TargetGroup(rawValue: name)
            stage = Stage(rawValue: name)
            enterpriseType = EnterpriseType(rawValue: name)
        }
    }

    init(slots: [Int], separator: [UInt8], constant: [UInt8]?, type: FieldType, fallbackIndex: Int, label: String) {
        // A constant is trimmed like every value the rules read (see `FieldValues.value`).
        self.slots = slots; self.separator = separator; self.type = type
        self.constant = constant.map { c in c.withUnsafeBufferPointer { Array(Whitespace.trimmed($0)) } }
        self.fallbackIndex = fallbackIndex
        self.label = label
        singleSlot = constant == nil && slots.count == 1 ? slots[0] : -1
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
        codeHeads = (0..<(starts.count - 1)).map { i in
            bytes.withUnsafeBufferPointer { Self.head(UnsafeBufferPointer(rebasing: $0[starts[i]..<starts[i + 1]])) }
        }
    }

    /// The first eight bytes of `bytes` (fewer padded with zeros) as one integer.
    @inline(__always)
    static func head(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        if bytes.count >= 8 { return UnsafeRawPointer(bytes.baseAddress!).loadUnaligned(as: UInt64.self) }
        var h: UInt64 = 0
        for (i, b) in bytes.enumerated() { h |= UInt64(b) << (8 * UInt64(i)) }
        return h
    }

    /// The canonical value of a code, nil when unknown and not mapped.
    func canonicalCode(_ code: UnsafeBufferPointer<UInt8>) -> Canonical? {
        let head = Self.head(code)
        return codeBytes.withUnsafeBufferPointer { all in
            for i in 0..<(codeStarts.count - 1) where codeHeads[i] == head {
                let start = codeStarts[i], end = codeStarts[i + 1]
                guard end - start == code.count else { continue }
                if code.count <= 8 || memcmp(all.baseAddress! + start + 8, code.baseAddress! + 8, code.count - 8) == 0 { return canonical[i] }
            }
            return unknownIndex.map { canonical[$0] }
        }
    }

    /// The text of the rule at `field`: its constant, its slot, or its slots joined; empty
    /// when absent. Valid until `values` changes. Static, on a pointer: a method call on the
    /// rule could copy it (and retain its arrays) once per record.
    @inline(__always)
    static func ownText(_ field: UnsafePointer<ResolvedField>, _ values: FieldValues) -> UnsafeBufferPointer<UInt8> {
        let slot = field.pointee.singleSlot
        if slot >= 0 { return values.value(slot) ?? UnsafeBufferPointer(start: nil, count: 0) }
        return joinedText(field, values)
    }

    @inline(never)
    private static func joinedText(_ field: UnsafePointer<ResolvedField>, _ values: FieldValues) -> UnsafeBufferPointer<UInt8> {
        if field.pointee.constant != nil { return values.joined([], separator: [], constant: field.pointee.constant) }
        return values.joined(field.pointee.slots, separator: field.pointee.separator)
    }
}
