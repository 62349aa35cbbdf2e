/// An expanded XML name: a namespace URI (nil for no namespace) and a local name.
///
/// Names are matched by URI, never by prefix: `f:Forloeb` in a mapping matches
/// `<Forloeb xmlns="urn:x">` and `<p:Forloeb xmlns:p="urn:x">` alike when `f` maps to `urn:x`.
public struct XMLName: Sendable, Hashable, CustomStringConvertible {
    /// The namespace URI, or nil when the name is in no namespace.
    public let namespaceURI: String?
    public let localName: String

    public init(namespaceURI: String?, localName: String) {
        self.namespaceURI = namespaceURI
        self.localName = localName
    }

    /// Clark notation: `{urn:x}Local`, or `Local` for no namespace.
    public var description: String {
        if let namespaceURI { return "{\(namespaceURI)}\(localName)" }
        return localName
    }
}
