/// The annual report's markup, escaped by construction.
///
/// Every piece of text, from a string literal or an interpolation alike, is a
/// text node and is escaped when rendered; attribute values are escaped too.
/// Element and attribute names are `StaticString`s, so they can only be
/// literals in the source. The one way to put markup in unescaped is
/// `trustedConstant(_:)`, which also takes only a `StaticString`: a constant
/// written in the source (the style sheet), never anything read from an export.
///
/// The output is well-formed XML as well as HTML: void HTML elements and empty
/// SVG elements are closed with `/>`, other empty elements get an end tag, and
/// characters XML does not allow (C0 controls other than tab and line breaks,
/// U+FFFE, U+FFFF) are replaced by U+FFFD.
struct ReportHTML: ExpressibleByStringInterpolation, Sendable {
    fileprivate enum Node: Sendable {
        case element(name: StaticString, attributes: [(StaticString, String)], children: [ReportHTML])
        case text(String)
        case trusted(StaticString)
        case fragment([ReportHTML])
    }

    fileprivate let node: Node

    private init(_ node: Node) { self.node = node }

    /// A text node: escaped when rendered.
    init(stringLiteral value: String) { node = .text(value) }
    /// A text node from an interpolated string: everything interpolated is escaped.
    init(stringInterpolation: DefaultStringInterpolation) { node = .text(String(stringInterpolation: stringInterpolation)) }

    /// An element; a nil attribute value leaves the attribute out.
    static func element(_ name: StaticString, _ attributes: KeyValuePairs<StaticString, String?> = [:], _ children: [ReportHTML] = []) -> ReportHTML {
        ReportHTML(.element(name: name, attributes: attributes.compactMap { n, v in v.map { (n, $0) } }, children: children))
    }

    /// An element without attributes.
    static func element(_ name: StaticString, _ children: [ReportHTML]) -> ReportHTML {
        element(name, [:], children)
    }

    /// An element with one class attribute, the common case.
    static func element(_ name: StaticString, class cls: String, _ children: [ReportHTML] = []) -> ReportHTML {
        element(name, ["class": cls], children)
    }

    /// Text, escaped when rendered.
    static func text(_ value: String) -> ReportHTML { ReportHTML(.text(value)) }

    /// Several nodes with no element around them.
    static func fragment(_ children: [ReportHTML]) -> ReportHTML { ReportHTML(.fragment(children)) }

    /// Markup written into the source as a constant (the style sheet), inserted as it is.
    /// Being a `StaticString`, it cannot contain anything computed at run time.
    static func trustedConstant(_ markup: StaticString) -> ReportHTML { ReportHTML(.trusted(markup)) }

    /// The markup, without a document type.
    func render() -> String {
        var out = ""
        render(into: &out, svg: false)
        return out
    }

    private static let voidElements: Set<String> = ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]

    private func render(into out: inout String, svg: Bool) {
        switch node {
        case .text(let s):
            Self.escape(s, into: &out, attribute: false)
        case .trusted(let s):
            out += s.description
        case .fragment(let children):
            for c in children { c.render(into: &out, svg: svg) }
        case .element(let nameStatic, let attributes, let children):
            let name = nameStatic.description
            let inSVG = svg || name == "svg"
            out += "<" + name
            for (attributeName, value) in attributes {
                out += " " + attributeName.description + "=\""
                Self.escape(value, into: &out, attribute: true)
                out += "\""
            }
            if children.isEmpty && (Self.voidElements.contains(name) || (inSVG && name != "svg")) {
                out += " />"
                return
            }
            out += ">"
            for c in children { c.render(into: &out, svg: inSVG) }
            out += "</" + name + ">"
        }
    }

    /// Escapes `&`, `<`, `>` (and in attributes `"` and `'`); replaces characters XML 1.0 forbids.
    static func escape(_ s: String, into out: inout String, attribute: Bool) {
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where attribute: out += "&quot;"
            case "'" where attribute: out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
    }
}
