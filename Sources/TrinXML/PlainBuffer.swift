/// A growable buffer of plain values (bytes, integers) that appends without a uniqueness
/// check or a generic call per value: the record scanner appends a dozen values per XML
/// record into its batch, and `Array`'s checks cost a tenth of the parse thread.
///
/// A reference type with no copy on write: the scanner writes a batch's buffers until it
/// hands the batch over, and from then on they are only read (by the decoding thread), so
/// two writers never meet. That hand-over is why it may be `Sendable`.
final class PlainBuffer<Element: BitwiseCopyable>: @unchecked Sendable {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private(set) var capacity: Int

    init(capacity: Int = 16) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    /// `count` copies of `value`.
    convenience init(repeating value: Element, count: Int) {
        self.init(capacity: count)
        base.initialize(repeating: value, count: count)
        self.count = count
    }

    deinit { base.deallocate() }

    var isEmpty: Bool { count == 0 }

    subscript(index: Int) -> Element {
        get {
            precondition(index >= 0 && index < count, "index out of range")
            return base[index]
        }
        set {
            precondition(index >= 0 && index < count, "index out of range")
            base[index] = newValue
        }
    }

    @inline(__always)
    func append(_ element: Element) {
        if count == capacity { grow(to: count + 1) }
        base[count] = element
        count += 1
    }

    /// Appends the values and returns where they start.
    @discardableResult @inline(__always)
    func append(_ elements: UnsafeBufferPointer<Element>) -> Int {
        let start = count
        if count + elements.count > capacity { grow(to: count + elements.count) }
        if let source = elements.baseAddress {
            (base + count).update(from: source, count: elements.count)
        }
        count += elements.count
        return start
    }

    /// Makes room for `extra` more values and lends them (uninitialised) to be written;
    /// they count as appended.
    @inline(__always)
    func appendSlots(_ extra: Int) -> UnsafeMutablePointer<Element> {
        if count + extra > capacity { grow(to: count + extra) }
        let slots = base + count
        count += extra
        return slots
    }

    /// Forgets the values, keeping the memory.
    func removeAll() { count = 0 }

    /// Forgets the values from `newCount` on.
    func truncate(to newCount: Int) {
        precondition(newCount >= 0 && newCount <= count, "count out of range")
        count = newCount
    }

    private func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let bigger = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity = newCapacity
    }
}
