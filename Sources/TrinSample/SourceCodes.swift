import TrinCore

/// The source code lists of docs/exports.md, and how they map to the canonical
/// stages and groups of docs/definitions.md, so that the sample uses every value.
enum SourceCodes {
    /// `Målgruppe` values in the order of docs/definitions.md; the XML `kode` at the same index.
    static let targetGroups: [String] = [
        "Ressourceforløb", "Jobafklaringsforløb", "Kontanthjælp", "Uddannelseshjælp", "Fleksjob",
        "Ledighedsydelse", "Integrationsydelse", "Selvforsørgelses- og hjemrejseydelse", "Sygedagpenge",
    ]
    static let targetGroupCodes: [String] = ["RF", "JA", "KH", "UH", "FJ", "LY", "IY", "SH", "SD"]

    /// Relative frequency of each target group for young (< 30) and older citizens.
    static let youthGroupWeights = [6, 4, 18, 30, 1, 1, 10, 6, 4]
    static let adultGroupWeights = [16, 14, 20, 2, 10, 6, 8, 6, 18]

    /// `Aktivitet` values per canonical stage.
    static func activities(for stage: Stage) -> [String] {
        switch stage {
        case .motivation: ["Motivation", "Mentorforløb"]
        case .opkvalificering: ["Opkvalificering", "Kursus"]
        case .afklaring: ["Afklaring", "Arbejdsprøvning"]
        case .praktik: ["Virksomhedspraktik"]
        case .loentimer: ["Løntimer", "Småjob", "Løntilskud"]
        case .job: ["Ordinært job", "Fleksjob"]
        case .uddannelse: ["Uddannelse"]
        case .ophoert: ["Ophørt"]
        }
    }

    /// New upstream codes the shipped mappings do not know (for dirty rows).
    static let unknownTargetGroups = ["Revalidering", "Seniorpension", "Forrevalidering"]
    static let unknownActivities = ["Nyttejob", "Jobrotation", "IGU"]
    static let unknownXMLTypes = ["nyttejob", "jobrotation", "igu"]
}
