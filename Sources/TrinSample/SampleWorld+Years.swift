import TrinCore

extension SampleWorld {
    /// Whether some extract or portal export shows the activity at all: only
    /// those reach a store, so only those count in the manifest.
    func isShown(_ a: Activity) -> Bool {
        extractDays.contains { Activity.visible(a.csv, at: .extract($0)) != nil }
            || portalDays.contains { Activity.visible(a.xml, at: .extract($0)) != nil }
    }

    /// Per calendar year of the period: citizens in courses, first employments
    /// and new courses per agreement (see `SampleManifest.Year`).
    func yearFigures() -> [SampleManifest.Year] {
        let years = Array(firstYear...lastYear)
        var inCourses = [Set<Int>](repeating: [], count: years.count)
        var firstEmployment: [Int: Day] = [:]
        var courseStart: [Int: Day] = [:]
        for a in activities where isShown(a) {
            if a.stage == .loentimer || a.stage == .job, firstEmployment[a.citizen].map({ a.start < $0 }) ?? true {
                firstEmployment[a.citizen] = a.start
            }
            guard let course = a.course else { continue }
            if courseStart[course].map({ a.start < $0 }) ?? true { courseStart[course] = a.start }
            let end = (a.csv.last ?? a.xml.last)?.end ?? a.start
            for (i, year) in years.enumerated() where a.start.year <= year && end.year >= year {
                inCourses[i].insert(a.citizen)
            }
        }
        var out = years.map {
            SampleManifest.Year(year: $0, citizensInCourses: 0, youngInCourses: 0, firstEmployments: 0, newCourses: [:])
        }
        for (i, year) in years.enumerated() {
            let january = Day(year: year, month: 1, day: 1)!
            out[i].citizensInCourses = inCourses[i].count
            out[i].youngInCourses = inCourses[i].filter { AgeBand.age(birth: citizens[$0].birth, at: january) < 30 }.count
        }
        for day in firstEmployment.values where day.year <= lastYear { out[day.year - firstYear].firstEmployments += 1 }
        for (course, day) in courseStart where day.year <= lastYear {
            out[day.year - firstYear].newCourses[agreements[courses[course].agreement].id, default: 0] += 1
        }
        return out
    }
}
