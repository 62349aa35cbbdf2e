import TrinCore

/// What one course (all records of one citizen under one agreement) contributes
/// to progression, following docs/definitions.md ("Courses and progression").
struct CourseOutcome: Equatable {
    /// The year its first record starts.
    let year: Int
    let highest: HighestStage
    let end: EndStage
    let movedUp: Bool

    /// `records` is non-empty and all of one citizen and one agreement.
    init(records: [ProgressRecord]) {
        year = records.map(\.start).min()!.year
        let ranked = records.filter { $0.stage.rank != nil }
        // Highest rank; job and uddannelse tie at 6: later start, then the name that sorts last.
        let top = ranked.max { a, b in (a.stage.rank!, a.start, a.stage.rawValue) < (b.stage.rank!, b.start, b.stage.rawValue) }
        highest = top.map { HighestStage($0.stage) } ?? .none
        let last = records.max { CourseOutcome.isLast($1, before: $0) }!
        end = last.end != nil || last.stage == .ophoert ? EndStage(last.stage) : .running
        // First ranked record: earliest start, same start the lowest rank.
        let first = ranked.min { a, b in (a.start, a.stage.rank!) < (b.start, b.stage.rank!) }
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
        if a.stage != b.stage { return a.stage.rawValue > b.stage.rawValue }
        return (a.end?.daysSinceEpoch ?? Int32.max) > (b.end?.daysSinceEpoch ?? Int32.max)
    }
}
