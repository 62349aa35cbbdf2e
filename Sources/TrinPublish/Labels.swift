public import TrinCore
public import TrinMetrics
import Foundation

/// Danish labels and display order of every code the files use: the
/// dimension tables, and the report's words.
public enum Labels {
    /// Stage, step and other category codes of the value chain, in display order.
    public static let categories: [(code: String, label: String, kind: String, step: String)] = [
        ("motivation", "Motivation", "stage", "preparing"),
        ("opkvalificering", "Opkvalificering", "stage", "preparing"),
        ("afklaring", "Afklaring", "stage", "preparing"),
        ("praktik", "Virksomhedspraktik", "stage", "workplace"),
        ("loentimer", "Løntimer, småjob, løntilskud", "stage", "workplace"),
        ("job", "Job (ordinært job eller fleksjob)", "stage", "goal"),
        ("uddannelse", "Uddannelse", "stage", "goal"),
        ("preparing", "Forberedende (motivation, opkvalificering, afklaring)", "step", "preparing"),
        ("workplace", "På en arbejdsplads (praktik, løntimer)", "step", "workplace"),
        ("goal", "Mål (job, uddannelse)", "step", "goal"),
        ("ophoert", "Ophørt uden resultat", "other", ""),
        ("none", "Intet trin (kun ophørt)", "other", ""),
        ("running", "I gang", "other", ""),
        ("notGoal", "Ikke endt ved målet (endt før målet, ophørt eller i gang)", "other", ""),
        ("total", "I alt", "total", ""),
    ]

    public static let targetGroups: [(code: String, label: String)] = [
        ("ressourceforloeb", "Ressourceforløb"), ("jobafklaring", "Jobafklaringsforløb"),
        ("kontanthjaelp", "Kontanthjælp"), ("uddannelseshjaelp", "Uddannelseshjælp"),
        ("fleksjob", "Fleksjob og ledighedsydelse"), ("integration", "Integrations- og selvforsørgelsesydelse"),
        ("sygedagpenge", "Sygedagpenge"), ("other", "Anden målgruppe"), ("total", "I alt"),
    ]

    /// Age bands and groups with the group each band belongs to.
    public static let ages: [(code: String, label: String, kind: String, group: String)] =
        AgeBand.allCases.map { ($0.rawValue, label(band: $0), "band", AgeGroup($0).rawValue) }
        + AgeGroup.allCases.map { ($0.rawValue, label(group: $0), "group", $0.rawValue) }
        + [("total", "I alt", "total", "")]

    public static let outcomes: [(code: String, label: String)] = [
        ("uddannelse", "Uddannelse"), ("employment", "Beskæftigelse (løntimer eller job)"), ("total", "I alt"),
    ]

    public static let measures: [(code: String, label: String)] = [
        ("started", "Forløb startet"), ("highestStage", "Højeste trin nået"), ("highestStep", "Højeste trin nået, tre trin"),
        ("endStage", "Hvor forløbet sluttede"), ("endStep", "Hvor forløbet sluttede, tre trin"),
        ("ended", "Forløb afsluttet"), ("movedUp", "Rykket mindst ét trin op"),
        ("notMovedUp", "Ikke rykket op"),
    ]

    public static let enterpriseTypes: [(code: String, label: String)] = [
        ("virksomhed", "Socialøkonomisk virksomhed"), ("initiativ", "Socialøkonomisk initiativ"),
        ("forening", "Forening"), ("total", "I alt"),
    ]

    public static func label(band: AgeBand) -> String {
        switch band {
        case .under18: "Under 18 år"
        case .from60: "60 år og derover"
        default: band.rawValue.replacingOccurrences(of: "-", with: "–") + " år"
        }
    }

    public static func label(group: AgeGroup) -> String {
        switch group {
        case .under30: "Under 30 år"
        case .from30to49: "30–49 år"
        case .from50: "50 år og derover"
        }
    }

    /// The label of any code in `list`, or the code itself.
    public static func label(_ code: String, in list: [(code: String, label: String)]) -> String {
        list.first { $0.code == code }?.label ?? code
    }

    public static func category(_ code: String) -> String { categories.first { $0.code == code }?.label ?? code }
    public static func age(_ code: String) -> String { ages.first { $0.code == code }?.label ?? code }
}
