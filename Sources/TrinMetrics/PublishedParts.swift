/// What other publications already show of parts of the population a publication counts:
/// for a combined publication across municipalities, each municipality's own current set.
///
/// Why: each part's set is public, so a combined count minus the other parts' published counts
/// gives the remaining part's count, suppressed or not. A combined cell is therefore published
/// only where it tells nothing the parts do not: every part published the same cell (same year
/// and coordinates), and the combined count differs from their sum by 0 or by k or more
/// (it differs when a shared key counts a citizen of two parts once; by 1 to k − 1 would show
/// how many). Every other cell is suppressed as if it were small, and secondary suppression
/// protects it like any other (docs/metrics.md, "Combined publications").
public struct PublishedParts: Sendable {
    /// One cell as a part published it.
    public struct Cell: Sendable {
        public var table: FigureTableName
        public var year: Int
        public var level: DetailLevel
        public var coordinates: [String]
        /// The published count; nil when the part suppressed it.
        public var value: Int?

        public init(table: FigureTableName, year: Int, level: DetailLevel, coordinates: [String], value: Int?) {
            self.table = table; self.year = year; self.level = level; self.coordinates = coordinates; self.value = value
        }
    }

    /// A cell by what it counts. Not by level: a coordinate names the same population at every
    /// level (age groups and bands, steps and stages have names of their own; a total is a
    /// total), so a region's totals match its municipalities' whatever level each publishes at.
    struct Key: Hashable {
        var table: FigureTableName
        var year: Int
        var coordinates: [String]
    }

    /// Per cell that every part published with a value: the sum of those values.
    private let sums: [Key: Int]
    /// A table of one year.
    struct TableYear: Hashable {
        var table: FigureTableName
        var year: Int
    }

    /// The tables and years every part published at the fine level.
    private let fineEverywhere: Set<TableYear>

    /// `parts`: each part's published cells, one list per part (an empty list for a part that
    /// published nothing: then nothing of the combined set is shown).
    public init(parts: [[Cell]]) {
        var sums: [Key: Int] = [:]
        var shownBy: [Key: Set<Int>] = [:]
        var fineIn: [TableYear: Set<Int>] = [:]
        for (index, part) in parts.enumerated() {
            for cell in part {
                if cell.level == .fine { fineIn[TableYear(table: cell.table, year: cell.year), default: []].insert(index) }
                guard let value = cell.value else { continue }
                let key = Key(table: cell.table, year: cell.year, coordinates: cell.coordinates)
                // A part's cell counted once, however often it appears (aliases name one cell twice).
                guard shownBy[key, default: []].insert(index).inserted else { continue }
                sums[key, default: 0] += value
            }
        }
        self.sums = sums.filter { shownBy[$0.key]?.count == parts.count }
        fineEverywhere = Set(fineIn.filter { $0.value.count == parts.count }.keys)
    }

    /// Whether a table of a year may be published at the fine level: only if every part did.
    /// The combined population is larger, so its tables fit the fine level sooner than its
    /// parts'; but a fine cell that no part shows is suppressed (`hides`), and a table published
    /// fine where the parts are coarse would show little beyond its totals (measured on three
    /// municipalities of the real size: three quarters of the youth table suppressed).
    func allowsFine(_ table: FigureTableName, year: Int) -> Bool {
        fineEverywhere.contains(TableYear(table: table, year: year))
    }

    /// Whether the cell must be suppressed whatever its count: a part did not publish it, or
    /// it differs from the parts' sum by 1 to k − 1.
    func hides(_ table: FigureTableName, year: Int, level: DetailLevel, coordinates: [String], value: Int, k: Int) -> Bool {
        // The pooled agreements' row holds different agreements in each part and in the combined
        // set (an agreement pooled in one municipality may have a row of its own in the region):
        // its difference from the parts' pooled rows is no count of shared citizens. Never shown.
        if table == .progression, coordinates.first == pooledAgreementsCoordinate { return true }
        guard let sum = sums[Key(table: table, year: year, coordinates: coordinates)] else { return true }
        let difference = abs(value - sum)
        return difference > 0 && difference < k
    }
}
