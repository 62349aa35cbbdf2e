/// Recognises an HTML page delivered where data was expected: portals answer an
/// expired login or a maintenance window with a 200 and an HTML page.
enum ContentSniffer {
    /// Bytes kept from the start of a body for `looksLikeHTML`.
    static let prefixLength = 512

    /// `text/html` or `application/xhtml+xml`, any parameters ignored.
    static func isHTMLContentType(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mime = contentType.split(separator: ";", maxSplits: 1).first.map {
            $0.trimmingWhitespace().lowercased()
        } ?? ""
        return mime == "text/html" || mime == "application/xhtml+xml"
    }

    /// Whether a body starts, after a byte-order mark and whitespace, with
    /// `<!DOCTYPE html` or `<html` (case-insensitive).
    static func looksLikeHTML(_ prefix: [UInt8]) -> Bool {
        var i = 0
        if prefix.count >= 3, prefix[0] == 0xEF, prefix[1] == 0xBB, prefix[2] == 0xBF { i = 3 }
        while i < prefix.count, [0x20, 0x09, 0x0D, 0x0A, 0x0C].contains(prefix[i]) { i += 1 }
        func startsWith(_ text: String) -> Bool {
            let pattern = Array(text.utf8)
            guard prefix.count - i >= pattern.count else { return false }
            for (k, byte) in pattern.enumerated() {
                let b = prefix[i + k]
                let lower = (b >= 0x41 && b <= 0x5A) ? b + 0x20 : b
                if lower != byte { return false }
            }
            return true
        }
        return startsWith("<!doctype html") || startsWith("<html")
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        var s = self
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return s
    }
}
