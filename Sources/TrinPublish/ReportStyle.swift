import Foundation

/// The annual report's style sheet and chart colours.
enum ReportStyle {
    /// The style sheet: a constant, inserted unescaped (it has no `<` or `&`).
    static let css: StaticString = """
    @page { size: A4; margin: 15mm 15mm 16mm; }
    html { background: #ffffff; }
    body { font-family: "Liberation Sans", Arial, Helvetica, "DejaVu Sans", sans-serif; font-size: 10pt; line-height: 1.4;
           color: #1a1a1a; background: #ffffff; max-width: 180mm; margin: 8mm auto; padding: 0 4mm; }
    h1 { font-size: 20pt; line-height: 1.15; margin: 0 0 2mm; }
    h1 .unit { display: block; font-size: 11pt; font-weight: normal; color: #404040; margin-bottom: 1mm; }
    h2 { font-size: 13.5pt; margin: 7mm 0 2mm; padding-bottom: 1mm; border-bottom: 2px solid #10284a; break-after: avoid; page-break-after: avoid; }
    h3 { font-size: 11pt; margin: 4mm 0 1mm; break-after: avoid; page-break-after: avoid; }
    p { margin: 1.5mm 0; }
    .facts { display: flex; flex-wrap: wrap; gap: 1mm 6mm; margin: 0 0 3mm; padding: 0; list-style: none; color: #333333; }
    .facts b { color: #1a1a1a; }
    .notice { border-left: 4px solid #10284a; background: #eef2f8; padding: 2mm 3mm; margin: 3mm 0; }
    .notice p { margin: 0.5mm 0; }
    .cards { display: grid; grid-template-columns: 1fr 1fr; gap: 4mm; margin: 2mm 0 3mm; }
    .card { border: 1px solid #8c8c8c; border-radius: 2mm; padding: 2.5mm 3.5mm; break-inside: avoid; page-break-inside: avoid; }
    .card h3 { margin: 0 0 1mm; font-size: 10.5pt; }
    .card .big { font-size: 24pt; font-weight: bold; line-height: 1.1; margin: 1mm 0; }
    .card .big small { font-size: 10pt; font-weight: normal; color: #404040; }
    .verdict { font-weight: bold; }
    .met { color: #1b5e20; }
    .unmet { color: #a4161a; }
    .pending { color: #404040; }
    .charts { display: grid; grid-template-columns: 1fr 1fr; gap: 4mm; }
    figure { margin: 2mm 0 4mm; break-inside: avoid; page-break-inside: avoid; }
    figcaption { font-weight: bold; margin-bottom: 1mm; }
    svg { display: block; max-width: 100%; height: auto; }
    svg text { font-family: "Liberation Sans", Arial, Helvetica, "DejaVu Sans", sans-serif; }
    table { border-collapse: collapse; margin: 2mm 0 4mm; font-variant-numeric: tabular-nums; min-width: 110mm; max-width: 100%; }
    table.wide { width: 100%; table-layout: fixed; font-size: 9pt; }
    table.wide col.name { width: 26%; }
    table.wide tbody th { overflow-wrap: anywhere; }
    table.wide thead th { hyphens: manual; font-size: 8.5pt; padding: 0.8mm 0.6mm; }
    table.wide th, table.wide td { padding: 0.8mm 1.2mm; }
    caption { caption-side: top; text-align: left; font-weight: bold; padding: 0 0 1mm; }
    th, td { border: 1px solid #8c8c8c; padding: 0.8mm 2mm; vertical-align: top; }
    thead th { background: #eef2f8; text-align: center; }
    th[scope="row"] { text-align: left; font-weight: normal; }
    tr.sum th, tr.sum td { font-weight: bold; background: #f5f5f5; }
    tr.step th { font-weight: bold; background: #f5f5f5; }
    td.num { text-align: right; }
    td.na { text-align: center; color: #595959; }
    thead { display: table-header-group; }
    tr { break-inside: avoid; page-break-inside: avoid; }
    .sub { display: block; font-size: 8.5pt; color: #404040; }
    abbr { text-decoration: none; }
    .note { color: #333333; font-size: 9pt; }
    dl { margin: 2mm 0; }
    dt { font-weight: bold; margin-top: 2mm; break-after: avoid; page-break-after: avoid; }
    dd { margin: 0.5mm 0 0 5mm; }
    footer { margin-top: 8mm; border-top: 1px solid #8c8c8c; padding-top: 2mm; font-size: 8.5pt; color: #404040; }
    @media print {
      body { max-width: none; margin: 0; padding: 0; }
      section { break-inside: auto; }
    }
    @media (max-width: 150mm) { .cards, .charts { grid-template-columns: 1fr; } }
    """

    /// The page background the chart colours are chosen against.
    static let background = "#ffffff"
    /// Text in charts.
    static let ink = "#1a1a1a"
    /// Secondary text in charts (7:1 on white).
    static let softInk = "#595959"
    /// Bars of the goal charts.
    static let bar = "#10284a"
    /// The norm or goal line.
    static let goalLine = "#b3261e"
}

/// What a bar or a segment of a chart stands for; each has a colour and a pattern,
/// so that no chart relies on colour alone.
enum ReportCategory: String, CaseIterable {
    case preparing, workplace, goal, ophoert, running, noStep = "none", notGoal, suppressed

    /// Fill colours: each at least 3:1 against the white background, and each at
    /// least 3:1 against the next one in the order of a stacked bar
    /// (preparing, workplace, goal, ophoert, running), which alternates mid and dark.
    var colour: String {
        switch self {
        case .preparing: "#5a7fc0"
        case .workplace: "#10284a"
        case .goal: "#3c8a47"
        case .ophoert: "#262626"
        case .running: "#a0701a"
        case .noStep: "#767676"
        case .notGoal: "#262626"
        case .suppressed: "#595959"
        }
    }

    /// The order of the segments in a stacked bar.
    static let stacked: [ReportCategory] = [.preparing, .workplace, .goal, .ophoert, .running]

    /// The category of a value-chain step.
    init(_ step: String) {
        self = ReportCategory(rawValue: step) ?? .noStep
    }
}

extension ReportStyle {
    /// Contrast ratio of two sRGB colours (`#rrggbb`) as WCAG 2 defines it.
    static func contrastRatio(_ a: String, _ b: String) -> Double {
        func luminance(_ hex: String) -> Double {
            let digits = Array(hex.dropFirst())
            func channel(_ i: Int) -> Double {
                let c = Double(Int(String(digits[i..<(i + 2)]), radix: 16) ?? 0) / 255
                return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
            }
            return 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
        }
        let (x, y) = (luminance(a), luminance(b))
        return (max(x, y) + 0.05) / (min(x, y) + 0.05)
    }
}
