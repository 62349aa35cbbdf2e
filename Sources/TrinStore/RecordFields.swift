/// Which fields of the stored records a reading needs: the figures read every record on
/// every publication, and three of a record's twelve fields are never part of a figure.
public enum RecordFields: Sendable, Hashable {
    /// Every field, as stored.
    case all
    /// What a publication is computed from: pseudonym, age band, agreement, enterprise,
    /// target group, stage, start, end, and `recordedAt` (the set says when its data last
    /// changed). A store may leave the rest out: `hoursPerWeek` nil, `source` and
    /// `sourceRecordID` empty.
    case figures
}
