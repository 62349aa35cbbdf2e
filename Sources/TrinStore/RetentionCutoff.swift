/// The cutoff of the last purge of progress records, kept in the store's `meta`, and what it
/// means for the sources' known rows (`KnownRows`).
///
/// A known row, skipped, stands for the record it decoded to the night before. While the
/// cutoff only moves forward (each run applies the same retention age, a day later), that
/// record is either stored (applying it again would change nothing) or was deleted as older
/// than a cutoff no later than today's: read again, it would come back only for the run's
/// own purge to delete it again. So the rows stay known, and the night after a purge is as
/// cheap as any other. One kind of record differs from reading every row: a version that the
/// deleted record superseded (from another row or source), whose own end is later than the
/// cutoff. Read every night, the deleted version would come back, win, and be purged again,
/// taking it along; here it stays away when its row is known, and is stored when its row is
/// new or changed (as in any store once the deleted version is no longer sent).
///
/// When the cutoff moves back (a longer retention) or retention of records is switched off,
/// records deleted before may be kept now, and an export that still has them must bring them
/// back: no row is known any more, from before the run's imports (`Store.prepareImports`).
public enum RetentionCutoff {
    /// The `meta` key of the last cutoff: a day, as days since 1970-01-01.
    public static let metaKey = "events_purged_before"

    /// Whether a purge with cutoff `now` (nil: records are kept for ever) must forget every
    /// source's known rows, after a last purge with cutoff `last` (nil: none since records
    /// were last kept for ever).
    public static func forgetsKnownRows(last: Int?, now: Int?) -> Bool {
        guard let last else { return false }
        guard let now else { return true }
        return now < last
    }
}
