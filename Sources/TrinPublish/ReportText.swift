import Foundation
import TrinCore
import TrinDisclosure
import TrinMetrics

/// The report's words in Danish and English, and how it writes numbers and dates.
struct ReportText: Sendable {
    let language: ReportWriter.Language

    var danish: Bool { language == .danish }

    /// The Danish or the English text.
    func t(_ da: String, _ en: String) -> String { danish ? da : en }

    // MARK: Numbers and dates

    /// A count with a thousands separator (`1.234` in Danish, `1,234` in English).
    func count(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out += danish ? "." : "," }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// A published count, `..` when suppressed, `–` when the table has no such figure.
    func figure(_ d: Disclosed<Int>?) -> String {
        switch d {
        case .value(let n)?: count(n)
        case .suppressed?: ".."
        case nil: "–"
        }
    }

    /// A share as a whole percentage (`62 %` in Danish, `62%` in English).
    func percent(_ x: Double) -> String {
        let p = Int((x * 100).rounded())
        return danish ? "\(p)\u{00A0}%" : "\(p)%"
    }

    /// A published share, `..` when suppressed, `–` when there is none.
    func share(_ d: Disclosed<Double>?) -> String {
        switch d {
        case .value(let x)?: percent(x)
        case .suppressed?: ".."
        case nil: "–"
        }
    }

    private static let monthsDA = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
                                   "september", "oktober", "november", "december"]
    private static let monthsEN = ["January", "February", "March", "April", "May", "June", "July", "August",
                                   "September", "October", "November", "December"]

    /// `30. november 2026` or `30 November 2026`.
    func date(_ day: Day) -> String {
        let c = day.components
        return danish ? "\(c.day). \(Self.monthsDA[c.month - 1]) \(c.year)" : "\(c.day) \(Self.monthsEN[c.month - 1]) \(c.year)"
    }

    // MARK: Names

    func status(_ s: YearStatus) -> String {
        switch s {
        case .open: t("åbent år", "open year")
        case .provisional: t("foreløbigt år", "provisional year")
        case .closed: t("afsluttet år", "closed year")
        }
    }

    /// The short word under a year in the goal charts; nil for a closed year.
    func statusMark(_ s: YearStatus) -> String? {
        switch s {
        case .open: t("åbent", "open")
        case .provisional: t("foreløbigt", "provisional")
        case .closed: nil
        }
    }

    func targetGroup(_ code: String) -> String {
        guard let g = TargetGroup(rawValue: code) else { return code }
        switch g {
        case .ressourceforloeb: return t("Ressourceforløb", "Resource course")
        case .jobafklaring: return t("Jobafklaringsforløb", "Job clarification course")
        case .kontanthjaelp: return t("Kontanthjælp", "Social assistance")
        case .uddannelseshjaelp: return t("Uddannelseshjælp", "Education assistance")
        case .fleksjob: return t("Fleksjob og ledighedsydelse", "Flex job and flex-job benefit")
        case .integration: return t("Integrations- og selvforsørgelsesydelse", "Integration benefit")
        case .sygedagpenge: return t("Sygedagpenge", "Sickness benefit")
        case .other: return t("Anden målgruppe", "Other target group")
        }
    }

    /// An age band or age group: `<18` → "Under 18", `18-24` → "18–24".
    func age(_ code: String) -> String {
        if code.hasPrefix("<") { return t("Under \(code.dropFirst()) år", "Under \(code.dropFirst())") }
        if code.hasSuffix("+") { return t("\(code.dropLast()) år og derover", "\(code.dropLast()) and over") }
        return code.replacingOccurrences(of: "-", with: "–") + t(" år", "")
    }

    func stage(_ code: String) -> String {
        switch code {
        case "motivation": t("Motivation", "Motivation")
        case "opkvalificering": t("Opkvalificering", "Upskilling")
        case "afklaring": t("Afklaring", "Clarification")
        case "praktik": t("Virksomhedspraktik", "Work placement")
        case "loentimer": t("Løntimer, småjob, løntilskud", "Paid hours, small jobs, wage subsidy")
        case "job": t("Job (ordinært job eller fleksjob)", "Job (ordinary or flex job)")
        case "uddannelse": t("Uddannelse", "Education")
        case "ophoert": t("Ophørt uden resultat", "Stopped without result")
        case "running": t("I gang", "Still running")
        case "none": t("Intet trin (kun ophørt)", "No step (stopped only)")
        default: code
        }
    }

    func step(_ code: String) -> String {
        switch code {
        case "preparing": t("Forberedende trin", "Preparatory steps")
        case "workplace": t("På en arbejdsplads", "At a workplace")
        case "goal": t("Mål: job eller uddannelse", "Goal: job or education")
        case "ophoert": t("Ophørt uden resultat", "Stopped without result")
        case "running": t("I gang", "Still running")
        case "none": t("Intet trin", "No step")
        default: code
        }
    }

    /// A step's name in a narrow table column, with soft hyphens where it may break.
    func stepShort(_ code: String) -> String {
        switch code {
        case "preparing": t("Forbered\u{AD}ende", "Prepara\u{AD}tory")
        case "workplace": t("Arbejds\u{AD}plads", "Work\u{AD}place")
        case "goal": t("Job, uddan\u{AD}nelse", "Job, edu\u{AD}cation")
        case "ophoert": t("Ophørt", "Stopped")
        case "running": t("I gang", "Running")
        default: step(code)
        }
    }

    func youthOutcome(_ code: String) -> String {
        switch code {
        case "uddannelse": t("Uddannelse", "Education")
        case "employment": t("Beskæftigelse", "Employment")
        default: code
        }
    }

    func enterpriseType(_ type: EnterpriseType) -> String {
        switch type {
        case .virksomhed: t("Virksomheder", "Enterprises")
        case .initiativ: t("Initiativer", "Initiatives")
        case .forening: t("Foreninger", "Associations")
        }
    }

    var total: String { t("I alt", "Total") }
    var suppressedTitle: String { t("diskretioneret", "suppressed (statistical disclosure control)") }
}

extension ReportText {
    /// A sort key that puts Danish names in Danish order (æ, ø, å last; accents ignored).
    static func sortKey(_ s: String) -> String {
        var out = ""
        for ch in s.lowercased() {
            switch ch {
            case "æ", "ä": out += "{0"
            case "ø", "ö": out += "{1"
            case "å": out += "{2"
            case "é", "è", "ê": out += "e"
            case "á", "à": out += "a"
            case "ü": out += "u"
            default: if ch.isLetter || ch.isNumber || ch == " " { out.append(ch) }
            }
        }
        return out
    }
}
