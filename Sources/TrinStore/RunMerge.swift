/// Sorted runs merged into one identity order, a chunk at a time: the records of all runs
/// in identity order, equal identities in run order (an earlier run holds earlier rows of
/// the file, and wins a tie as it would written first).
///
/// A loser tree picks each next record with one comparison per level (about five for 30
/// runs) where scanning every run's current record takes one per run.
struct RunMerge: ~Copyable {
    private var cursors: [RunCursor]
    /// `losers[n]` for the inner nodes `1..<count`: the run that lost the match there;
    /// `losers[0]`: the run whose record comes next.
    private var losers: [Int]
    private var live: [Bool]

    /// Opens every run. Reading buffers shrink as runs get many, so that memory stays near
    /// 8 MiB whatever their number.
    init(_ runs: [SortedRun]) throws(StoreError) {
        let buffer = min(max((8 << 20) / max(runs.count, 1), 32 << 10), 1 << 18)
        var cursors = runs.map { RunCursor($0, bufferSize: buffer) }
        var live = Array(repeating: false, count: runs.count)
        // Before `self` is whole, a failed read leaves no deinit to free the buffers.
        do {
            for i in cursors.indices { live[i] = try cursors[i].advance() }
        } catch {
            for c in cursors { c.deallocate() }
            throw error
        }
        (self.cursors, self.live) = (cursors, live)
        let count = cursors.count
        losers = Array(repeating: 0, count: max(count, 1))
        guard count > 1 else { return }
        // Leaves sit at `count..<2 * count` (run `n - count`), the node above `n` at `n / 2`.
        var winners = Array(repeating: 0, count: 2 * count)
        for n in count..<(2 * count) { winners[n] = n - count }
        for n in stride(from: count - 1, through: 1, by: -1) {
            let (a, b) = (winners[2 * n], winners[2 * n + 1])
            if precedes(a, b) { (winners[n], losers[n]) = (a, b) } else { (winners[n], losers[n]) = (b, a) }
        }
        losers[0] = winners[1]
    }

    deinit { for c in cursors { c.deallocate() } }

    /// Whether run `a`'s current record comes before run `b`'s; an ended run comes last.
    private func precedes(_ a: Int, _ b: Int) -> Bool {
        guard live[a] else { return false }
        guard live[b] else { return true }
        let order = EventRows.compare(cursors[a].row, cursors[a].payload, cursors[b].row, cursors[b].payload)
        return order < 0 || (order == 0 && a < b)
    }

    /// The next records in order, up to `limit` and all of one source; nil when every run ended.
    mutating func next(limit: Int) throws(StoreError) -> EventRows? {
        var first = losers[0]
        guard !cursors.isEmpty, live[first] else { return nil }
        var rows = EventRows(source: cursors[first].run.source)
        rows.reserveCapacity(limit)
        while rows.count < limit {
            first = losers[0]
            guard live[first], cursors[first].run.source == rows.source else { break }
            rows.append(copying: cursors[first].row, cursors[first].payload)
            live[first] = try cursors[first].advance()
            // Replay the matches on the way up from the run that moved on.
            var winner = first
            var n = (first + cursors.count) / 2
            while n >= 1 {
                if precedes(losers[n], winner) { swap(&losers[n], &winner) }
                n /= 2
            }
            losers[0] = winner
        }
        rows.order = Array(0..<Int32(rows.count))
        return rows
    }
}
