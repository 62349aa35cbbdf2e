public import TrinCSV
public import TrinMapping
public import TrinStore

/// Why a whole file was refused. Nothing of the file is committed; the message
/// names the file and, where there is one, the line or element.
public enum ImportError: Error, Sendable, CustomStringConvertible {
    case cannotRead(file: String, message: String)
    case csv(CSVError)
    /// The mapping does not fit the file; for a CSV file, `columns` are those it has, so a
    /// renamed column is plain to see.
    case mapping(file: String, MappingError, columns: [String]? = nil)
    /// The XML document is not well-formed, truncated, has a DOCTYPE or an unexpected root.
    case document(file: String, message: String)
    case store(StoreError)
    /// The file was replaced or rewritten while it was read: what was read and the digest
    /// that would mark it imported may not be the same content.
    case changedWhileReading(file: String)

    public var description: String {
        switch self {
        case .cannotRead(let f, let m): "\(f): cannot read: \(m)"
        case .csv(let e): "\(e)"
        case .mapping(let f, let e, let columns):
            "\(f): \(e)" + (columns.map { Self.columnsNote($0) } ?? "")
        case .document(let f, let m): m.hasPrefix(f) ? m : "\(f): \(m)"
        case .store(let e): "\(e)"
        case .changedWhileReading(let f): "\(f): the file changed while it was being imported; nothing of it was kept, and it is read again next time"
        }
    }

    /// The columns a CSV file has; and when its first line is markup, that it is not CSV at
    /// all (an XML export or an HTML page given to a CSV mapping).
    static func columnsNote(_ columns: [String]) -> String {
        let first = columns.first?.drop { $0 == "\u{FEFF}" || $0 == " " } ?? ""
        return first.hasPrefix("<") ? " (the file's first line is markup, not a CSV header: an XML or HTML file given to a CSV mapping?)"
            : " (the file's columns: \(columns.joined(separator: ", ")))"
    }
}
