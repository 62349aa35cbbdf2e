import Foundation
import TrinCore
import TrinXML
public import Yams

/// Reads and checks a mapping file. Everything that can be checked without an
/// export is checked here, so `trin check-config` catches a broken mapping
/// before a night's run: unknown keys, types, formats and canonical values are
/// errors naming the file and line.
public enum MappingLoader {
    public static func load(path: String) throws(MappingError) -> Mapping {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw .unreadable(file: path, message: "cannot read the file (\(error.localizedDescription))")
        }
        return try parse(yaml: text, file: path)
    }

    /// `load`, with every field checked before it fails: the problems of all fields (each at
    /// its line), as `trin check-config` lists them. A problem of the file as a whole (not
    /// YAML, the layout) still ends the reading: the fields' checks depend on it.
    /// The mapping is nil when there is a problem.
    public static func loadCheckingAll(path: String) -> (mapping: Mapping?, problems: [MappingError]) {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            return (nil, [.unreadable(file: path, message: "cannot read the file (\(error.localizedDescription))")])
        }
        var problems: [MappingError] = []
        do {
            let mapping = try parse(yaml: text, file: path, problems: &problems)
            return problems.isEmpty ? (mapping, []) : (nil, problems)
        } catch {
            return (nil, problems + [error])
        }
    }

    /// Reads a mapping; throws its first problem (a field's, before one found after the
    /// fields, such as an XML layout that compiles no path).
    public static func parse(yaml: String, file: String) throws(MappingError) -> Mapping {
        var problems: [MappingError] = []
        let mapping: Mapping
        do { mapping = try parse(yaml: yaml, file: file, problems: &problems) } catch { throw problems.first ?? error }
        if let first = problems.first { throw first }
        return mapping
    }

    /// Collects the fields' problems into `problems` and goes on; throws a problem of the
    /// whole file. The mapping returned is only good when `problems` stayed empty.
    private static func parse(yaml: String, file: String, problems: inout [MappingError]) throws(MappingError) -> Mapping {
        let r = YAMLReader(file: file)
        let root = try r.compose(yaml)
        let top = try r.mapping(root, allowed: ["mapping", "description", "record", "format", "csv", "xml", "fields"])
        let name = try r.string(top, "mapping", required: true)!
        let kindText = try r.string(top, "record") ?? "event"
        guard let kind = Mapping.RecordKind(rawValue: kindText) else {
            throw r.error(top["record"], "record must be `event` or `enterprise`, not `\(kindText)`")
        }
        let formatText = try r.string(top, "format", required: true)!
        let format: Mapping.Format
        switch formatText {
        case "csv": format = .csv(try csvLayout(r, top))
        case "xml": format = .xml(try xmlLayout(r, top))
        default: throw r.error(top["format"], "format must be `csv` or `xml`, not `\(formatText)`")
        }
        guard let fieldsNode = top["fields"] else { throw r.error(root, "`fields` is missing") }
        let fieldMap = try r.mapping(fieldsNode, allowed: nil)
        let canonical = Dictionary(uniqueKeysWithValues: kind.canonicalFields.map { ($0.name, $0.required) })
        var fields: [String: FieldRule] = [:]
        // Each field is checked on its own: a problem in one is collected, and the next is read.
        var unusable: Set<String> = []
        for (keyNode, valueNode) in fieldMap.pairs {
            do throws(MappingError) {
                guard let key = keyNode.string else { throw r.error(keyNode, "a field name must be text") }
                guard let required = canonical[key] else {
                    // A known name in other letter case (`sourceRecordId`) is named as the one
                    // meant, and not reported again as unbound.
                    if let meant = canonical.keys.first(where: { $0.lowercased() == key.lowercased() }) {
                        unusable.insert(meant)
                        throw r.error(keyNode, "unknown canonical field `\(key)` for \(kind.rawValue) records: did you mean `\(meant)`?")
                    }
                    throw r.error(keyNode, "unknown canonical field `\(key)` for \(kind.rawValue) records (known: \(kind.canonicalFields.map(\.name).joined(separator: ", ")))")
                }
                unusable.insert(key)
                var rule = try fieldRule(r, key, valueNode, requiredByDefault: required)
                if required && !rule.required { throw r.error(valueNode, "`\(key)` is required for \(kind.rawValue) records and cannot be optional") }
                if case .csv(let layout) = format, let columns = layout.columns {
                    for column in rule.from + (rule.fallback?.value.from ?? []) where !columns.contains(column) {
                        throw r.error(valueNode, "unknown column `\(column)` (the layout's columns: \(columns.joined(separator: ", ")))")
                    }
                }
                rule.line = valueNode.mark?.line ?? rule.line
                fields[key] = rule
                unusable.remove(key)
            } catch {
                problems.append(error)
            }
        }
        if case .xml(let layout) = format {
            try checkXMLPaths(r, layout, fields, problems: &problems)
        }
        // A field bound with a problem is not also reported as unbound.
        for (field, required) in kind.canonicalFields where required && fields[field] == nil && !unusable.contains(field) {
            problems.append(r.error(fieldsNode, "required field `\(field)` is not bound"))
        }
        var mapping = Mapping(name: name, file: file, record: kind, format: format, fields: fields)
        mapping.fingerprint = fingerprint(yaml)
        return mapping
    }

    /// Compiles every XML path now, so a bad path is reported at its field's line.
    private static func checkXMLPaths(_ r: YAMLReader, _ layout: XMLLayout, _ fields: [String: FieldRule],
                                      problems: inout [MappingError]) throws(MappingError) {
        do {
            _ = try XMLRecordSpec(namespaces: layout.namespaces, root: layout.root, recordPath: layout.record, fields: [])
        } catch {
            throw MappingError.invalid(file: r.file, line: 1, message: "xml: \(error)")
        }
        for (name, rule) in fields.sorted(by: { $0.value.line < $1.value.line }) {
            let paths = rule.from + (rule.fallback?.value.from ?? [])
            do {
                _ = try XMLRecordSpec(namespaces: layout.namespaces, root: layout.root, recordPath: layout.record, fields: paths)
            } catch {
                problems.append(MappingError.invalid(file: r.file, line: rule.line, message: "\(name): \(error)"))
            }
        }
    }

    static func fingerprint(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return Hex.encode(h)
    }

    static func line(_ error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        default: nil
        }
    }

    private static func csvLayout(_ r: YAMLReader, _ top: Node.Mapping) throws(MappingError) -> CSVLayout {
        guard let node = top["csv"] else { return CSVLayout(delimiter: 44, quote: 34, encoding: .utf8, utf8WhenBOM: true, columns: nil) }
        let m = try r.mapping(node, allowed: ["delimiter", "quote", "encoding", "utf8WhenBOM", "columns"])
        func byte(_ key: String, _ fallback: UInt8) throws(MappingError) -> UInt8 {
            guard let s = try r.string(m, key) else { return fallback }
            let text = s == "\\t" ? "\t" : s
            guard text.utf8.count == 1, let b = text.utf8.first else { throw r.error(m[key], "`\(key)` must be one ASCII character") }
            return b
        }
        let encodingText = try r.string(m, "encoding") ?? "utf-8"
        guard let encoding = CSVLayout.Encoding(rawValue: encodingText.lowercased()) else {
            throw r.error(m["encoding"], "unknown encoding `\(encodingText)` (use utf-8 or windows-1252)")
        }
        var columns: [String]?
        if let c = m["columns"] { columns = try r.strings(c) }
        let delimiter = try byte("delimiter", 44), quote = try byte("quote", 34)
        // Checked here, not first when a file is opened: a mapping that can read no file is refused when it loads.
        for (key, b) in [("delimiter", delimiter), ("quote", quote)] where b == 10 || b == 13 {
            throw r.error(m[key], "`\(key)` cannot be a line break")
        }
        if delimiter == quote { throw r.error(m["delimiter"] ?? m["quote"], "`delimiter` and `quote` must differ") }
        return CSVLayout(delimiter: delimiter, quote: quote, encoding: encoding,
                         utf8WhenBOM: try r.bool(m, "utf8WhenBOM") ?? true, columns: columns)
    }

    private static func xmlLayout(_ r: YAMLReader, _ top: Node.Mapping) throws(MappingError) -> XMLLayout {
        guard let node = top["xml"] else { throw r.error(nil, "format xml needs an `xml` section (namespaces, root, record)") }
        let m = try r.mapping(node, allowed: ["namespaces", "root", "record"])
        var namespaces: [String: String] = [:]
        if let n = m["namespaces"] {
            for (k, v) in try r.mapping(n, allowed: nil).pairs {
                guard let prefix = k.string, let uri = v.string else { throw r.error(k, "namespaces map a prefix to a URI") }
                namespaces[prefix] = uri
            }
        }
        return XMLLayout(namespaces: namespaces, root: try r.string(m, "root", required: true)!,
                         record: try r.string(m, "record", required: true)!)
    }

    /// The default type of each canonical field; a `type` given in the mapping must agree.
    static func defaultType(_ field: String) -> String {
        switch field {
        case "cpr": "cpr"
        case "enterprise", "cvr": "cvr"
        case "targetGroup", "stage", "type": "code"
        case "start", "end": "date"
        case "hoursPerWeek": "decimal"
        case "recordedAt": "timestamp"
        case "socialBottomLine", "localBottomLine", "economicBottomLine": "bool"
        default: "string"
        }
    }

    /// The canonical values a code field may map to.
    static func canonicalValues(_ field: String) -> [String] {
        switch field {
        case "targetGroup": TargetGroup.allCases.map(\.rawValue)
        case "stage": Stage.allCases.map(\.rawValue)
        case "type": EnterpriseType.allCases.map(\.rawValue)
        default: []
        }
    }

    private static func fieldRule(_ r: YAMLReader, _ field: String, _ node: Node, requiredByDefault: Bool) throws(MappingError) -> FieldRule {
        let line = node.mark?.line ?? 0
        // Shorthand: `start: Startdato` binds with all defaults.
        if let s = node.scalar?.string, node.scalar != nil {
            return FieldRule(from: [s], type: try fieldType(r, field, nil, node), required: requiredByDefault, line: line)
        }
        let m = try r.mapping(node, allowed: ["from", "separator", "constant", "type", "required", "format",
                                               "decimalSeparator", "values", "unknown", "true", "false", "fallback"])
        var from: [String] = []
        if let f = m["from"] { from = f.scalar != nil ? [f.string ?? ""] : try r.strings(f) }
        let constant = try r.string(m, "constant")
        guard from.isEmpty != (constant == nil) else { throw r.error(node, "`\(field)` needs exactly one of `from` and `constant`") }
        var fallback: FieldRule?
        if let f = m["fallback"] {
            fallback = try fieldRule(r, field, f, requiredByDefault: false)
            // One level: a fallback's own fallback would never be read.
            if fallback?.fallback != nil { throw r.error(f, "`\(field)`: a `fallback` cannot have a `fallback` of its own") }
        }
        let type = try fieldType(r, field, m, node)
        // A key the field's type never reads is a mistake (a `format` meant for another field).
        let keysOfType: [String: (FieldType) -> Bool] = [
            "format": { if case .date = $0 { true } else if case .timestamp = $0 { true } else { false } },
            "decimalSeparator": { if case .decimal = $0 { true } else { false } },
            "values": { if case .code = $0 { true } else { false } },
            "unknown": { if case .code = $0 { true } else { false } },
            "true": { if case .bool = $0 { true } else { false } },
            "false": { if case .bool = $0 { true } else { false } },
        ]
        for (key, applies) in keysOfType.sorted(by: { $0.key < $1.key }) where m[key] != nil && !applies(type) {
            throw r.error(m[key]!, "`\(field)`: `\(key)` does not apply to a field of its type")
        }
        if m["separator"] != nil, from.count < 2 {
            throw r.error(m["separator"]!, "`\(field)`: `separator` joins several `from` places, and this field has fewer than two")
        }
        if let constant, let problem = constantProblem(constant, type) {
            // Masked like any kept or printed text: a CPR number written as a constant must not be echoed.
            throw r.error(m["constant"] ?? node, "`\(field)`: the constant `\(PersonalDataMask.mask(constant))` \(problem), so every row would break its rule")
        }
        return FieldRule(from: from, separator: try r.string(m, "separator") ?? "/", constant: constant,
                         type: type, required: try r.bool(m, "required") ?? requiredByDefault,
                         fallback: fallback, line: line)
    }

    /// Why a constant can never be read as its field's type (nil when it can): a constant is
    /// the same in every row, so a bad one is a mistake in the mapping, caught when it loads.
    static func constantProblem(_ constant: String, _ type: FieldType) -> String? {
        let bytes = Array(constant.utf8)
        return bytes.withUnsafeBufferPointer { raw -> String? in
            let t = Whitespace.trimmed(raw)
            switch type {
            case .string:
                return nil
            case .cpr:
                return "is a fixed CPR number"
            case .cvr:
                return CVRNumber.isValid(t) ? nil : "is not a CVR number (eight digits passing modulus 11)"
            case .date(let pattern):
                return pattern.day(t) == nil ? "is not a date in the field's format" : nil
            case .timestamp(let pattern):
                return pattern.instant(t) == nil ? "is not a timestamp in the field's format" : nil
            case .decimal(let separator):
                return RecordDecoder.decimal(t, separator: separator) == nil ? "is not a decimal with the field's separator" : nil
            case .code(let list):
                return list.values[Array(t)] != nil || list.unknownAs != nil ? nil : "is not one of the field's `values`"
            case .bool(let yes, let no):
                return yes.contains(Array(t)) || no.contains(Array(t)) ? nil : "is none of the field's `true` and `false` words"
            }
        }
    }

    /// Whether `text` has no white space at either end: a source's text is trimmed (as
    /// `Whitespace.trimmed` does) before it is compared with codes and words.
    static func isTrimmed(_ text: String) -> Bool {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { b in Whitespace.trimmed(UnsafeBufferPointer(b)).count == b.count }
    }

    private static func fieldType(_ r: YAMLReader, _ field: String, _ m: Node.Mapping?, _ node: Node) throws(MappingError) -> FieldType {
        let expected = defaultType(field)
        let given = try m.flatMap { mm throws(MappingError) in try r.string(mm, "type") } ?? expected
        let known = ["string", "cpr", "cvr", "date", "timestamp", "decimal", "code", "bool"]
        guard known.contains(given) else { throw r.error(m?["type"] ?? node, "unknown type `\(given)` (known: \(known.joined(separator: ", ")))") }
        guard given == expected else { throw r.error(m?["type"] ?? node, "`\(field)` must have type \(expected), not \(given)") }
        switch given {
        case "date", "timestamp":
            let text = try m.flatMap { mm throws(MappingError) in try r.string(mm, "format") } ?? "iso8601"
            guard let pattern = DatePattern(text) else {
                throw r.error(m?["format"] ?? node, "unknown \(given) format `\(text)` (use letters dd MM yyyy HH mm ss, or iso8601; at most 64 characters, 16 of them separators)")
            }
            if given == "timestamp", !pattern.hasTime { throw r.error(m?["format"] ?? node, "a timestamp format needs at least HH (minutes and seconds not in it are read as 0)") }
            return given == "date" ? .date(pattern) : .timestamp(pattern)
        case "decimal":
            let sep = try m.flatMap { mm throws(MappingError) in try r.string(mm, "decimalSeparator") } ?? "."
            guard sep == "." || sep == "," else { throw r.error(m?["decimalSeparator"] ?? node, "decimalSeparator must be `.` or `,`") }
            return .decimal(separator: sep.utf8.first!)
        case "code":
            guard let m, let valuesNode = m["values"] else { throw r.error(node, "code field `\(field)` needs `values` (source code: canonical value)") }
            let allowed = canonicalValues(field)
            // Several places joined are not trimmed again (an empty last part leaves the separator).
            let joined = m["from"]?.sequence.map { $0.count > 1 } ?? false
            var values: [[UInt8]: String] = [:]
            for (k, v) in try r.mapping(valuesNode, allowed: nil).pairs {
                guard let code = k.string, let value = v.string else { throw r.error(k, "values map a source code to a canonical value") }
                guard joined || Self.isTrimmed(code) else {
                    throw r.error(k, "the code `\(code)` has white space at an end: the trimmed text it is compared with never matches it")
                }
                guard allowed.contains(value) else {
                    throw r.error(v, "unknown canonical value `\(value)` for \(field) (known: \(allowed.joined(separator: ", ")))")
                }
                values[Array(code.utf8)] = value
            }
            let unknown = try r.string(m, "unknown") ?? "reject"
            guard unknown == "reject" || allowed.contains(unknown) else {
                throw r.error(m["unknown"], "unknown must be `reject` or a canonical value of \(field) (known: \(allowed.joined(separator: ", ")))")
            }
            return .code(CodeList(values: values, unknownAs: unknown == "reject" ? nil : unknown))
        case "bool":
            let yes = try m.flatMap { mm throws(MappingError) in try mm["true"].map { n throws(MappingError) in try r.strings(n) } } ?? ["ja"]
            let no = try m.flatMap { mm throws(MappingError) in try mm["false"].map { n throws(MappingError) in try r.strings(n) } } ?? ["nej"]
            let joined = m?["from"]?.sequence.map { $0.count > 1 } ?? false
            if !joined, let untrimmed = (yes + no).first(where: { !Self.isTrimmed($0) }) {
                throw r.error(m?["true"] ?? m?["false"], "the word `\(untrimmed)` of \(field) has white space at an end: the trimmed text it is compared with never matches it")
            }
            // A word in both lists would read as whichever the decoder tries first.
            if let both = yes.first(where: no.contains) {
                throw r.error(m?["false"] ?? m?["true"], "`\(both)` is both a `true` and a `false` word of \(field)")
            }
            return .bool(trueWords: Set(yes.map { Array($0.utf8) }), falseWords: Set(no.map { Array($0.utf8) }))
        case "cpr": return .cpr
        case "cvr": return .cvr
        default: return .string
        }
    }
}

/// Typed access to a YAML node tree, with errors that name the file and line.
/// Shared by mappings and the configuration.
public struct YAMLReader: Sendable {
    public let file: String

    public init(file: String) { self.file = file }

    /// Parses YAML text into a node tree; a syntax error names the line.
    public func compose(_ yaml: String) throws(MappingError) -> Node {
        do {
            guard let node = try Yams.compose(yaml: yaml) else { throw MappingError.invalid(file: file, line: 1, message: "the file is empty") }
            return node
        } catch let e as MappingError {
            throw e
        } catch {
            throw .invalid(file: file, line: (error as? YamlError).flatMap(MappingLoader.line) ?? 1, message: "not valid YAML: \(error)")
        }
    }

    public func error(_ node: Node?, _ message: String) -> MappingError {
        .invalid(file: file, line: node?.mark?.line ?? 1, message: message)
    }

    public func mapping(_ node: Node, allowed: Set<String>?) throws(MappingError) -> Node.Mapping {
        guard let m = node.mapping else { throw error(node, "expected a mapping (key: value)") }
        if let allowed {
            for (k, _) in m {
                guard let key = k.string, allowed.contains(key) else {
                    throw error(k, "unknown key `\(k.string ?? "?")` (allowed: \(allowed.sorted().joined(separator: ", ")))")
                }
            }
        }
        return m
    }

    public func string(_ m: Node.Mapping, _ key: String, required: Bool = false) throws(MappingError) -> String? {
        guard let n = m[key] else {
            if required { throw MappingError.invalid(file: file, line: 1, message: "`\(key)` is missing") }
            return nil
        }
        guard n.scalar != nil, let s = n.string else { throw error(n, "`\(key)` must be text") }
        return s
    }

    public func bool(_ m: Node.Mapping, _ key: String) throws(MappingError) -> Bool? {
        guard let n = m[key] else { return nil }
        guard let b = n.bool else { throw error(n, "`\(key)` must be true or false") }
        return b
    }

    public func strings(_ node: Node) throws(MappingError) -> [String] {
        if node.scalar != nil, let s = node.string { return [s] }
        guard let seq = node.sequence else { throw error(node, "expected a list of text") }
        var out: [String] = []
        for item in seq {
            guard item.scalar != nil, let s = item.string else { throw error(item, "expected text") }
            out.append(s)
        }
        return out
    }
}

extension Node.Mapping {
    /// Key/value pairs in file order.
    public var pairs: [(Node, Node)] { map { ($0.key, $0.value) } }
}
