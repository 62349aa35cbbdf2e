import Foundation
import Testing
import TrinCore
@testable import TrinSample

/// The kommune profile has the shape of the municipality trin serves. Every
/// figure is counted here, independently of `SampleWorld.yearFigures`, from
/// the world's true activities (those some file shows), not read back from the files.
@Suite struct KommuneProfileTests {
    /// The demo's seed and dirt.
    static let seed: UInt64 = 2024
    static let world = SampleWorld(profile: .kommune, seed: seed)
    static let sample: SampleFiles.Sample = {
        let dir = SampleFiles.temporaryDirectory("kommune")
        let manifest = try! SampleGenerator(profile: .kommune, seed: seed, dirtyFraction: 0.03).write(to: dir)
        return SampleFiles.Sample(directory: dir, manifest: manifest)
    }()
    static let figures = Figures(world)
    static let years = 2022...2025

    /// The true figures, counted from scratch.
    struct Figures {
        /// Year → citizens with a course activity running in it (no end date: its start year only).
        var inCourses: [Int: Set<Int>] = [:]
        /// Year → citizens whose first loentimer or job starts in it.
        var firstEmployments: [Int: Int] = [:]
        /// Year → agreement index → courses whose earliest activity starts in it.
        var newCourses: [Int: [Int: Int]] = [:]
        /// Citizen → agreements they have a course under.
        var agreementsOfCitizen: [Int: Set<Int>] = [:]

        init(_ world: SampleWorld) {
            let lastExtract = LocalTime.extract(world.extractDays.last!)
            let lastPortal = LocalTime.extract(world.portalDays.last!)
            var firstJob: [Int: Day] = [:], courseStart: [Int: Day] = [:]
            for a in world.activities {
                // A file shows an activity once its first version is older than the extract.
                guard a.csv.first.map({ $0.at < lastExtract }) == true || a.xml.first.map({ $0.at < lastPortal }) == true
                else { continue }
                if [.loentimer, .job].contains(a.stage) { firstJob[a.citizen] = min(firstJob[a.citizen] ?? a.start, a.start) }
                guard let c = a.course else { continue }
                courseStart[c] = min(courseStart[c] ?? a.start, a.start)
                agreementsOfCitizen[a.citizen, default: []].insert(world.courses[c].agreement)
                let end = (a.csv.last ?? a.xml.last)?.end ?? a.start
                for year in a.start.year...min(max(a.start.year, end.year), world.lastYear) {
                    inCourses[year, default: []].insert(a.citizen)
                }
            }
            for day in firstJob.values { firstEmployments[day.year, default: 0] += 1 }
            for (c, day) in courseStart { newCourses[day.year, default: [:]][world.courses[c].agreement, default: 0] += 1 }
        }
    }

    @Test func hasTheSizeOfTheMunicipality() throws {
        let w = Self.world, m = Self.sample.manifest
        #expect(m.profile == "kommune" && m.firstYear == 2022 && m.years == 4)
        #expect((35...45).contains(w.agreements.count) && m.agreements == w.agreements.count)
        #expect((45...50).contains(m.enterprises) && m.enterprises == w.enterprises.count)
        // Partners exist for the whole period; a few enterprises in the register have no agreement.
        let partners = Set(w.agreements.map(\.enterprise))
        #expect(partners.allSatisfy { w.enterprises[$0].start < w.firstDay && w.enterprises[$0].end == nil })
        #expect(w.enterprises.count - partners.count >= 3)
        #expect(partners.count < w.agreements.count)  // some enterprise holds two agreements
        // Four years of activity, the final extracts early in the next year.
        #expect(w.activities.allSatisfy { Self.years.contains($0.start.year) })
        #expect(Set(w.activities.map(\.start.year)) == Set(Self.years))
        #expect(Self.sample.files("forloeb").map(\.name).filter { !$0.contains("truncated") }
            == ["forloeb-2025-11-06.csv", "forloeb-2025-12-06.csv", "forloeb-2026-01-05.csv"])
        // About a thousand citizens over the period, a tenth or more under two agreements.
        let withCourse = Self.figures.agreementsOfCitizen
        #expect((900...1400).contains(withCourse.count), "\(withCourse.count) citizens with a course")
        let two = withCourse.values.filter { $0.count >= 2 }.count
        #expect(Double(two) / Double(withCourse.count) >= 0.08, "\(two) citizens under two agreements")
    }

    @Test func citizensInCoursesEachYear() throws {
        for year in Self.years {
            let n = Self.figures.inCourses[year, default: []].count
            #expect((250...400).contains(n), "\(year): \(n) citizens in courses")
        }
        // Each citizen is in courses for one or two calendar years, rarely more.
        var yearsOfCitizen: [Int: Int] = [:]
        for (_, citizens) in Self.figures.inCourses { for c in citizens { yearsOfCitizen[c, default: 0] += 1 } }
        let oneOrTwo = yearsOfCitizen.values.filter { $0 <= 2 }.count
        #expect(Double(oneOrTwo) / Double(yearsOfCitizen.count) >= 0.85, "\(oneOrTwo) of \(yearsOfCitizen.count)")
    }

    @Test func firstEmploymentsEachYearMeetTheNormButNotByFar() throws {
        for year in Self.years {
            let n = Self.figures.firstEmployments[year, default: 0]
            #expect((30...100).contains(n), "\(year): \(n) first employments")
        }
    }

    /// A few large agreements, most small: not the uniform spread of the standard world.
    @Test func agreementSizesAreSkewed() throws {
        var all: [Int] = []
        for year in Self.years {
            let sizes = Self.figures.newCourses[year, default: [:]].values.sorted(by: >)
            all += sizes
            #expect((20...45).contains(sizes.first ?? 0), "\(year): largest \(sizes.first ?? 0)")
            #expect((3...8).contains(sizes[sizes.count / 2]), "\(year): median \(sizes[sizes.count / 2])")
            // The three largest (of about 40) take a fifth or more of the year's courses.
            #expect(Double(sizes.prefix(3).reduce(0, +)) / Double(sizes.reduce(0, +)) >= 0.2, "\(year): \(sizes)")
        }
        let large = all.filter { $0 >= 20 }.count, usual = all.filter { (3...12).contains($0) }.count
        #expect((4...16).contains(large), "\(large) agreement-years with 20 or more new courses")
        #expect(Double(usual) / Double(all.count) >= 0.6, "\(usual) of \(all.count) agreement-years with 3–12")
    }

    @Test func youngPeopleAreAMeaningfulMinority() throws {
        for year in Self.years {
            let citizens = Self.figures.inCourses[year, default: []]
            let january = Day(year: year, month: 1, day: 1)!
            let young = citizens.filter { AgeBand.age(birth: Self.world.citizens[$0].birth, at: january) < 30 }.count
            let share = Double(young) / Double(citizens.count)
            #expect((0.18...0.32).contains(share), "\(year): \(young) of \(citizens.count) under 30")
        }
    }

    @Test func manifestCarriesTheTrueFigures() throws {
        let yearly = try #require(Self.sample.manifest.yearly)
        #expect(yearly.map(\.year) == Array(Self.years))
        for y in yearly {
            #expect(y.citizensInCourses == Self.figures.inCourses[y.year, default: []].count)
            #expect(y.firstEmployments == Self.figures.firstEmployments[y.year, default: 0])
            let expected = Dictionary(uniqueKeysWithValues: Self.figures.newCourses[y.year, default: [:]].map {
                (Self.world.agreements[$0.key].id, $0.value)
            })
            #expect(y.newCourses == expected)
        }
    }

    @Test func sameSeedSameBytesOtherSeedOtherBytes() throws {
        let a = Self.sample.directory, b = SampleFiles.temporaryDirectory("kommune-b")
        let c = SampleFiles.temporaryDirectory("kommune-c")
        defer { for d in [b, c] { try? FileManager.default.removeItem(atPath: d) } }
        let mb = try SampleGenerator(profile: .kommune, seed: Self.seed, dirtyFraction: 0.03).write(to: b)
        let mc = try SampleGenerator(profile: .kommune, seed: Self.seed + 1, dirtyFraction: 0.03).write(to: c)
        #expect(mb == Self.sample.manifest && mc != mb)
        let names = try FileManager.default.contentsOfDirectory(atPath: a).sorted()
        #expect(names == (try FileManager.default.contentsOfDirectory(atPath: b).sorted()))
        for name in names {
            #expect(FileManager.default.contents(atPath: a + "/" + name) == FileManager.default.contents(atPath: b + "/" + name), "\(name)")
        }
        #expect(FileManager.default.contents(atPath: a + "/forloeb-2026-01-05.csv")
            != FileManager.default.contents(atPath: c + "/forloeb-2026-01-05.csv"))
    }

    /// The standard world is pinned byte for byte: profiles must not move it
    /// (the other suites and the pipeline tests rely on its exact content).
    /// If the standard generator is changed on purpose, update these hashes.
    @Test func standardSampleIsUnchanged() throws {
        let dir = SampleFiles.temporaryDirectory("standard-pinned")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let manifest = try SampleGenerator(citizens: 60, seed: 5, dirtyFraction: 0.05).write(to: dir)
        let pinned: [String: UInt64] = [
            "forloeb-2024-11-06.csv": 0xFFCF_3DDC_2DD3_A4E3, "forloeb-2024-12-06.csv": 0x31A1_4AD3_D139_F989,
            "forloeb-2025-01-05.csv": 0x5CB0_61A8_51EB_7ABF, "forloeb-truncated-2025-01-05.csv": 0x99F7_05FB_275D_0CEF,
            "haendelser-2024-12-06.xml": 0x1BFA_424A_CA54_18AB, "haendelser-2025-01-05.xml": 0x0E18_BC1C_D5C2_BBA6,
            "haendelser-entities-2025-01-05.xml": 0x97CF_120F_3038_3D73,
            "haendelser-external-2025-01-05.xml": 0xD60A_FBAB_AB6E_757B,
            "haendelser-namespace-2025-01-05.xml": 0x0D2A_837E_8E59_D54B,
            "haendelser-truncated-2025-01-05.xml": 0x0C5C_C12F_D701_AE62, "virksomheder.csv": 0x7A16_82FC_BCE7_49DD,
        ]
        #expect(Set(manifest.files.map(\.name)) == Set(pinned.keys))
        for (name, hash) in pinned {
            let bytes = Array(FileManager.default.contents(atPath: dir + "/" + name) ?? Data())
            #expect(Self.fnv1a(bytes) == hash, "\(name)")
        }
        #expect(manifest.profile == nil && manifest.yearly == nil && manifest.agreements == 15 && manifest.enterprises == 64)
        let json = String(decoding: try manifest.jsonData(), as: UTF8.self)
        #expect(!json.contains("\"profile\"") && !json.contains("\"yearly\""))
    }

    static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        bytes.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
    }
}
