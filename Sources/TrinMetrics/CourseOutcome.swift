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
    init(records: [ProgressRecord]) { self.init(records: records, indices: records.indices) }

    /// The course of `records[i]` for each `i` in `indices` (non-empty), read in place.
    init<Indices: Collection<Int>>(records: [ProgressRecord], indices: Indices) {
        var start = records[indices.first!].start
        var last = records[indices.first!]
        // Highest rank; job and uddannelse tie at 6: later start, then the name that sorts last.
        var top: ProgressRecord?
        // First ranked record: earliest start, same start the lowest rank.
        var first: ProgressRecord?
        for i in indices {
            let r = records[i]
            if r.start < start { start = r.start }
            if CourseOutcome.isLast(r, before: last) { last = r }
            guard let rank = r.stage.rank else { continue }
            if let t = top {
                if (t.stage.rank!, t.start, t.stage.nameOrder) < (rank, r.start, r.stage.nameOrder) { top = r }
            } else {
                top = r
            }
            if let f = first {
                if (r.start, rank) < (f.start, f.stage.rank!) { first = r }
            } else {
                first = r
            }
        }
        year = start.year
        highest = top.map { HighestStage($0.stage) } ?? .none
        end = last.end != nil || last.stage == .ophoert ? EndStage(last.stage) : .running
        if let top, let first { movedUp = top.stage.rank! > first.stage.rank! } else { movedUp = false }
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
