import Foundation

/// How the connections of one concurrent read of the store agree that they read one
/// state of it, and stop together.
///
/// Each reader opens its read transaction and reports the store's content version, which
/// every committed change to records raises (an import that changed records and a purge
/// that deleted some raise it in their own transactions; a new way of writing records must
/// too). Only when all readers arrived with one version does each read its own range of
/// pseudonyms; otherwise (a writer committed between two readers' starts, or a reader could
/// not start at once because a writer is about to commit) the first reader reads every range
/// itself, in its one transaction, and the others read nothing. The first failure of a
/// reader stops every reader at its next batch.
final class ReaderAgreement: @unchecked Sendable {
    // @unchecked: every stored property is guarded by `condition`.
    private let condition = NSCondition()
    private let readers: Int
    private var versions: [Int?]
    private var arrived = 0
    private var ended = 0
    private var failure: (any Error)?

    init(readers: Int) {
        self.readers = readers
        versions = Array(repeating: nil, count: readers)
    }

    /// Reader `reader` holds its transaction, in which the store is at `version` (nil: it
    /// could not start one). Waits for every reader; true when all read one version, so that
    /// each reads its own range.
    func arrive(_ reader: Int, version: Int?) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        versions[reader] = version
        arrived += 1
        condition.broadcast()
        while arrived < readers { condition.wait() }
        return Set(versions).count == 1 && versions[0] != nil
    }

    /// A reader failed (the first before or after arriving, the others only while reading
    /// their ranges): every reader still reading stops.
    func fail(_ error: any Error) {
        condition.lock()
        defer { condition.unlock() }
        if failure == nil { failure = error }
    }

    /// The first failure of any reader, if one failed.
    var firstFailure: (any Error)? {
        condition.lock()
        defer { condition.unlock() }
        return failure
    }

    /// A reader's thread is done.
    func end() {
        condition.lock()
        defer { condition.unlock() }
        ended += 1
        condition.broadcast()
    }

    /// Waits until the threads of `count` readers started are done.
    func waitForEnded(_ count: Int) {
        condition.lock()
        defer { condition.unlock() }
        while ended < count { condition.wait() }
    }
}
