/// What other publications already show of parts of the population a publication counts:
/// for a combined publication across municipalities, each municipality's own current set.
///
/// Why: each part's set is public, so a combined count minus the other parts' published counts
/// gives the remaining part's count, suppressed or not. A combined cell is therefore published
/// only where it tells nothing the parts do not: every part published the same cell (same year,
/// level and coordinates), and the combined count differs from their sum by 0 or by k or more
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

    struct Key: Hashable {
        var table: FigureTableName
        var year: Int
        var level: DetailLevel
        var coordinates: [String]
    }

    /// Per cell that every part published with a value: the sum of those values.
    private let sums: [Key: Int]

    /// `parts`: each part's published cells.
    public init(parts: [[Cell]]) {
        var sums: [Key: Int] = [:]
        var published: [Key: Int] = [:]
        for part in parts {
            for cell in part {
                guard let value = cell.value else { continue }
                let key = Key(table: cell.table, year: cell.year, level: cell.level, coordinates: cell.coordinates)
                sums[key, default: 0] += value
                published[key, default: 0] += 1
            }
        }
        self.sums = sums.filter { published[$0.key] == parts.count }
    }

    /// Whether the cell must be suppressed whatever its count: a part did not publish it, or
    /// it differs from the parts' sum by 1 to k − 1.
    func hides(_ table: FigureTableName, year: Int, level: DetailLevel, coordinates: [String], value: Int, k: Int) -> Bool {
        guard let sum = sums[Key(table: table, year: year, level: level, coordinates: coordinates)] else { return true }
        let difference = abs(value - sum)
        return difference > 0 && difference < k
    }
}
