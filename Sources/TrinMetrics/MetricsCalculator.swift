public import TrinCore

/// Computes `Metrics` from deduplicated records, one citizen at a time.
///
/// All per-citizen work happens in `add(citizen:)`; only aggregate counters are
/// kept (per year, per agreement-year, and each agreement's CVR tallies), so
/// memory does not grow with the number of records or citizens.
///
/// Precondition: each citizen's records are added in one call (a citizen split
/// over two calls would count twice). Records of several pseudonyms in one call
/// are split by pseudonym.
public struct MetricsCalculator: Sendable {
    private var firstYear: Int?
    private var lastYear: Int?
    private var employment: [Int: CountTable] = [:]
    private var youth: [Int: CountTable] = [:]
    private var progression: [AgreementYear: AgreementProgress] = [:]
    /// agreement → CVR → records naming it.
    private var agreementCVRs: [AgreementID: [String: Int]] = [:]
    public private(set) var citizensAdded = 0
    /// Counts only what was known on the as-of date; nil counts every record.
    public let policy: ReleasePolicy?

    public init(policy: ReleasePolicy? = nil) { self.policy = policy }

    /// Adds all records of one citizen.
    public mutating func add(citizen all: [ProgressRecord]) {
        // Most records stand as they were stored on the as-of date: the list is copied only
        // when the policy hides or changes one of them.
        let records = policy.map { p in all.contains(where: p.changes) ? all.compactMap { p.visible($0) } : all } ?? all
        guard let first = records.first else { return }
        if records.contains(where: { $0.pseudonym != first.pseudonym }) {
            for group in Dictionary(grouping: records, by: \.pseudonym).sorted(by: { $0.key < $1.key }) {
                add(citizen: group.value)
            }
            return
        }
        citizensAdded += 1
        records.withUnsafeBufferPointer { buffer in
            // The earliest and latest start: a later day never falls in an earlier year.
            var earliest = buffer[0].start, latest = buffer[0].start
            for i in buffer.indices {
                if buffer[i].start < earliest { earliest = buffer[i].start }
                if buffer[i].start > latest { latest = buffer[i].start }
            }
            firstYear = min(firstYear ?? earliest.year, earliest.year)
            lastYear = max(lastYear ?? latest.year, latest.year)
            addFirstEmployment(buffer)
            addCourses(buffer)
            addYouth(buffer)
        }
    }

    /// The figures for every year from the earliest to the latest record start.
    /// With no progress records at all, the years of the enterprise register's
    /// start dates are used instead, so that its figures are still published.
    public func finish(enterprises all: [EnterpriseRecord]) -> Metrics {
        let enterprises = policy.map { p in all.compactMap { p.visible($0) } } ?? all
        let years: [Int]
        if let firstYear, let lastYear {
            years = Array(firstYear...lastYear)
        } else if let lo = enterprises.map(\.start.year).min(), let hi = enterprises.map(\.start.year).max() {
            years = Array(lo...hi)
        } else {
            years = []
        }
        let chosenCVR = agreementCVRs.mapValues { tally in
            tally.min { a, b in a.value != b.value ? a.value > b.value : Self.utf8Less(a.key, b.key) }!.key
        }
        let progress = progression.values
            .map { p -> AgreementProgress in
                var p = p
                p.enterprise = chosenCVR[AgreementID(p.agreement)]
                return p
            }
            .sorted { $0.year != $1.year ? $0.year < $1.year : Self.utf8Less($0.agreement, $1.agreement) }
        return Metrics(
            years: years,
            employment: years.map { EmploymentYear(year: $0, table: employment[$0] ?? EmploymentYear.emptyTable()) },
            progression: progress,
            youth: years.map { YouthYear(year: $0, table: youth[$0] ?? YouthYear.emptyTable()) },
            enterprises: years.map { EnterpriseYear(year: $0, enterprises: enterprises) })
    }

    // MARK: - Per citizen

    /// The employment record with the smallest (start, agreement or "", stage name);
    /// the remaining keys only make undeduplicated input deterministic.
    private mutating func addFirstEmployment(_ records: UnsafeBufferPointer<ProgressRecord>) {
        var first: Int?
        for i in records.indices where records[i].stage.isEmployment {
            if let f = first, !Self.isEarlierEmployment(records[i], than: records[f]) { continue }
            first = i
        }
        guard let first else { return }
        let y = records[first].start.year
        employment[y, default: EmploymentYear.emptyTable()].add(
            row: TargetGroup.allCases.firstIndex(of: records[first].targetGroup)!, column: records[first].ageBand.order)
    }

    private static func isEarlierEmployment(_ a: ProgressRecord, than b: ProgressRecord) -> Bool {
        if a.start != b.start { return a.start < b.start }
        let aa = a.agreement ?? "", ba = b.agreement ?? ""
        if !aa.utf8.elementsEqual(ba.utf8) { return Self.utf8Less(aa, ba) }
        if a.stage != b.stage { return a.stage.nameOrder < b.stage.nameOrder }
        return (a.targetGroup.rawValue, a.ageBand.order) < (b.targetGroup.rawValue, b.ageBand.order)
    }

    /// One course per agreement the citizen has records under (empty id = none). A citizen
    /// has few agreements (most one): they are grouped by comparison, not hashed per record.
    /// Ids are one agreement only when their bytes are equal (`AgreementID`).
    private mutating func addCourses(_ records: UnsafeBufferPointer<ProgressRecord>) {
        // Each course as the indices of its records: records are read in place, never copied.
        var courses: [(agreement: String, records: [Int], cvrs: [(cvr: String, records: Int)])] = []
        for index in records.indices {
            guard let a = records[index].agreement, !a.isEmpty else { continue }
            let i: Int
            if let found = courses.firstIndex(where: { $0.agreement.utf8.elementsEqual(a.utf8) }) {
                i = found
                courses[i].records.append(index)
            } else {
                courses.append((a, [index], []))
                i = courses.count - 1
            }
            if let cvr = records[index].enterprise, !cvr.isEmpty {
                if let j = courses[i].cvrs.firstIndex(where: { $0.cvr == cvr }) { courses[i].cvrs[j].records += 1 } else { courses[i].cvrs.append((cvr, 1)) }
            }
        }
        for course in courses {
            for (cvr, n) in course.cvrs { agreementCVRs[AgreementID(course.agreement), default: [:]][cvr, default: 0] += n }
            let outcome = CourseOutcome(records: records, indices: course.records)
            let key = AgreementYear(agreement: course.agreement, year: outcome.year)
            progression[key, default: AgreementProgress(agreement: course.agreement, year: outcome.year)].add(outcome)
        }
    }

    /// Once per year: education if any youth outcome record that year is
    /// education, else employment; the band at the earliest record of that outcome.
    private mutating func addYouth(_ records: UnsafeBufferPointer<ProgressRecord>) {
        // (year, outcome) → (start, band) of the earliest record. Most citizens have no youth
        // outcome and the rest one or two, so a short list searched in place, not a dictionary.
        var earliest: [(year: Int, outcome: YouthOutcome, start: Day, band: Int)] = []
        for i in records.indices where records[i].ageBand.isYouth {
            let outcome: YouthOutcome
            switch records[i].stage {
            case .uddannelse: outcome = .uddannelse
            case .loentimer, .job: outcome = .employment
            default: continue
            }
            let start = records[i].start, band = records[i].ageBand.order, year = start.year
            if let j = earliest.firstIndex(where: { $0.year == year && $0.outcome == outcome }) {
                if (start, band) < (earliest[j].start, earliest[j].band) { (earliest[j].start, earliest[j].band) = (start, band) }
            } else {
                earliest.append((year, outcome, start, band))
            }
        }
        for (year, outcome, _, band) in earliest {
            // Education wins the year; employment counts only in a year without it.
            if outcome == .employment, earliest.contains(where: { $0.year == year && $0.outcome == .uddannelse }) { continue }
            youth[year, default: YouthYear.emptyTable()].add(
                row: YouthOutcome.allCases.firstIndex(of: outcome)!, column: band)
        }
    }

    /// Code-point order of identifiers, independent of Unicode normalisation.
    static func utf8Less(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }
}

/// An agreement's id, equal to another only when their UTF-8 bytes are (docs/metrics.md:
/// ids compare by code point, as the store keeps them). Swift's `String` equality would take
/// "Café" written with é and with e and a combining accent for one agreement.
struct AgreementID: Hashable, Sendable {
    let text: String

    init(_ text: String) { self.text = text }

    static func == (a: Self, b: Self) -> Bool { a.text.utf8.elementsEqual(b.text.utf8) }

    func hash(into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

struct AgreementYear: Hashable, Sendable {
    let agreement: AgreementID
    let year: Int

    init(agreement: String, year: Int) {
        self.agreement = AgreementID(agreement)
        self.year = year
    }
}

extension AgeBand {
    /// Position in `AgeBand.allCases`, youngest first; also the column in the youth table.
    var order: Int { AgeBand.allCases.firstIndex(of: self)! }
}
