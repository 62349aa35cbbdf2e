import TrinCore

/// What one course (all records of one citizen under one agreement) contributes
/// to progression, following docs/definitions.md ("Courses and progression").
struct CourseOutcome: Equatable {
    /// The year its first record starts.
    let year: Int
    let highest: HighestStage
    let end: EndStage
    let movedUp: Bool

    /// `records` is non-empty and all of one citizen and one agreement. One pass, no copies:
    /// the metrics make one per course on every publication.
    init(records: [ProgressRecord]) {
        self = records.withUnsafeBufferPointer { CourseOutcome(records: $0, indices: $0.indices) }
    }

    /// The course of `records[i]` for each `i` in `indices` (non-empty), read in place: the
    /// records chosen are kept as indices, so no record (and none of its texts) is copied.
    init<Indices: Collection<Int>>(records: UnsafeBufferPointer<ProgressRecord>, indices: Indices) {
        let i0 = indices.first!
        var start = records[i0].start
        var last = i0
        // Highest rank; job and uddannelse tie at 6: later start, then the name that sorts last.
        var top: (index: Int, rank: Int)?
        // First ranked record: earliest start, same start the lowest rank.
        var first: (index: Int, rank: Int)?
        for i in indices {
            let day = records[i].start, stage = records[i].stage
            if day < start { start = day }
            if CourseOutcome.isLast(records[i], before: records[last]) { last = i }
            guard let rank = stage.rank else { continue }
            if let t = top {
                if (t.rank, records[t.index].start, records[t.index].stage.nameOrder) < (rank, day, stage.nameOrder) { top = (i, rank) }
            } else {
                top = (i, rank)
            }
            if let f = first {
                if (day, rank) < (records[f.index].start, f.rank) { first = (i, rank) }
            } else {
                first = (i, rank)
            }
        }
        year = start.year
        highest = top.map { HighestStage(records[$0.index].stage) } ?? .none
        end = records[last].end != nil || records[last].stage == .ophoert ? EndStage(records[last].stage) : .running
        if let top, let first { movedUp = top.rank > first.rank } else { movedUp = false }
    }

    /// Whether `a` is preferred over `b` as the course's last record: the later
    /// start; on the same start `ophoert`, then the higher rank, then the name
    /// that sorts last, as for the highest stage (so `uddannelse` before `job`;
    /// docs/metrics.md choice 4). The remaining keys only make undeduplicated
    /// input deterministic.
    static func isLast(_ a: ProgressRecord, before b: ProgressRecord) -> Bool {
        if a.start != b.start { return a.start > b.start }
        let ao = a.stage == .ophoert, bo = b.stage == .ophoert
        if ao != bo { return ao }
        let ar = a.stage.rank ?? 0, br = b.stage.rank ?? 0
        if ar != br { return ar > br }
        if a.stage != b.stage { return a.stage.nameOrder > b.stage.nameOrder }
        return (a.end?.daysSinceEpoch ?? Int32.max) > (b.end?.daysSinceEpoch ?? Int32.max)
    }
}
