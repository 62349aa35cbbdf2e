/// The shape of the synthetic municipality a sample is drawn from: how many
/// citizens, enterprises and agreements, over which years, and how citizens
/// spread over agreements, start dates and ages.
///
/// Two shapes exist. `standard(citizens:firstYear:years:)` is the small world
/// the tests, the oracle and the benchmarks have always used: its parameters
/// are the generator's former constants and the ones profiles added are off
/// (empty, zero, false), so its samples stay byte for byte what they were (the
/// tests pin them). `kommune` is a municipality the size of the one trin
/// serves, so that the demo's figures, suppression and report look like a real
/// year's: about 40 agreements, 45–50 enterprises, 250–400 citizens in courses
/// and 30–100 first jobs a year, over four years.
public struct SampleProfile: Sendable, Equatable {
    /// The name `trin sample --profile` takes; nil for a standard world.
    public var name: String?
    /// Synthetic citizens over the whole period.
    public var citizens: Int
    /// The calendar years the courses start in: `firstYear` … `firstYear + years − 1`.
    public var firstYear: Int
    public var years: Int
    /// Enterprises in the register (each CVR once; the register repeats one).
    public var enterprises: Int
    /// The first this many enterprises are founded well before `firstYear` and
    /// never close (the featured ones always are), so that `agreements` finds
    /// enough partners; 0: only the featured ones.
    public var longStandingEnterprises: Int
    /// Cooperation agreements; `sharedAgreements` of them go to an enterprise
    /// that already holds one, the rest to distinct enterprises.
    public var agreements: Int
    public var sharedAgreements: Int
    /// How courses spread over agreements: each tier gives `count` agreements a
    /// weight drawn from `weight`. Empty: every agreement equally likely.
    public var agreementSizes: [AgreementTier]
    /// Share of the citizens who stand for those already in courses when the
    /// period begins: they start in its first 90 days. The others start on a
    /// day uniform over the period. Without them the first year would count
    /// only newcomers and look far smaller than the next.
    public var openingStock: Double
    /// Relative weight of the ages 16–29, 30–49 and 50–63 on 1 January of the
    /// first year, or of the citizen's start year with `agesAtStart`.
    public var ageWeights: [Int]
    /// Ages relative to each citizen's start year, so that the share of young
    /// citizens does not shrink as the period goes on.
    public var agesAtStart: Bool
    /// Relative weight of a citizen's kinds of history: one course; a course
    /// and then a second under another agreement; activities under no
    /// agreement and then a course; only activities under no agreement.
    public var courseKindWeights: [Int]
    /// Relative weight of `motivation`, `opkvalificering`, `afklaring`,
    /// `praktik` and `loentimer` as a course's first rung.
    public var firstStageWeights: [Int]
    /// Chance that a course ends (`ophoert`) after any activity that did not end it.
    public var dropOutChance: Double
    /// At the end of a `praktik`: relative weight of `loentimer`, `job`,
    /// `uddannelse` and `ophoert` as the next rung.
    public var afterPraktikWeights: [Int]

    /// A number of agreements of one size.
    public struct AgreementTier: Sendable, Equatable {
        public var count: Int
        /// Relative weight of each agreement as the one a course runs under.
        public var weight: ClosedRange<Int>

        public init(count: Int, weight: ClosedRange<Int>) {
            self.count = count
            self.weight = weight
        }
    }

    /// The small world of `SampleGenerator(citizens:seed:)`: 64 enterprises,
    /// 15 agreements of equal weight, start days uniform over the period.
    public static func standard(citizens: Int, firstYear: Int = 2022, years: Int = 3) -> SampleProfile {
        SampleProfile(
            name: nil, citizens: citizens, firstYear: firstYear, years: years, enterprises: 64,
            longStandingEnterprises: 0, agreements: 15, sharedAgreements: 1, agreementSizes: [], openingStock: 0,
            ageWeights: [45, 35, 20], agesAtStart: false, courseKindWeights: [78, 10, 7, 5],
            firstStageWeights: [28, 22, 22, 20, 8], dropOutChance: 0.07, afterPraktikWeights: [50, 25, 15, 10])
    }

    /// A municipality like the one trin serves, 2022–2025 (final extracts early 2026).
    ///
    /// - 1,000 citizens, each in courses for one or two calendar years, so about
    ///   290–380 in courses a year; 14 % stand for those already in courses on
    ///   1 January 2022; about one in seven has a second course under another agreement.
    /// - 48 enterprises in the register, 40 agreements with 38 of them (two hold
    ///   two); the other ten are new, closed or simply without an agreement.
    /// - Agreement sizes skewed as in practice: 3 large ones take 20–40 new
    ///   courses a year, 5 medium ones about 7–12, the other 32 about 2–6.
    /// - Ages skew adult (about a quarter under 30 in every year), and courses
    ///   end in paid work less often than in the standard world (more drop-out,
    ///   fewer `loentimer`/`job` after a `praktik`): 55–95 first jobs a year.
    public static let kommune = SampleProfile(
        name: "kommune", citizens: 1000, firstYear: 2022, years: 4, enterprises: 48,
        longStandingEnterprises: 38, agreements: 40, sharedAgreements: 2,
        agreementSizes: [
            AgreementTier(count: 3, weight: 22...34),
            AgreementTier(count: 5, weight: 9...14),
            AgreementTier(count: 32, weight: 4...6),
        ],
        openingStock: 0.14, ageWeights: [26, 44, 30], agesAtStart: true, courseKindWeights: [70, 18, 7, 5],
        firstStageWeights: [32, 24, 24, 17, 3], dropOutChance: 0.12, afterPraktikWeights: [24, 12, 24, 40])

    /// Every named profile, for the command line.
    public static let named: [String: SampleProfile] = ["kommune": kommune]

    /// Checks that the parameters describe a world the generator can build.
    func validate() {
        precondition(citizens >= 0 && years >= 1)
        precondition(firstYear >= 2000 && firstYear + years <= 2036, "CPR century rule range")
        precondition(enterprises >= 12, "the featured enterprises are among the first 12")
        precondition(sharedAgreements >= 0 && sharedAgreements <= agreements - sharedAgreements)
        precondition(agreements - sharedAgreements <= enterprises)
        precondition(agreementSizes.isEmpty || agreementSizes.reduce(0) { $0 + $1.count } == agreements)
        precondition(agreementSizes.allSatisfy { $0.weight.lowerBound >= 1 })
        precondition((0...1).contains(openingStock) && (0...0.5).contains(dropOutChance))
        precondition(ageWeights.count == 3 && courseKindWeights.count == 4)
        precondition(firstStageWeights.count == 5 && afterPraktikWeights.count == 4)
    }
}
