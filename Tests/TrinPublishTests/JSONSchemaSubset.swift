import Foundation

/// A JSON value parsed by the tests themselves, keeping integers apart from
/// other numbers and booleans apart from numbers (Foundation's parser does not).
indirect enum JSON: Equatable {
    case null, bool(Bool), integer(Int), number(Double), string(String), array([JSON]), object([String: JSON])

    struct ParseError: Error { let offset: Int }

    static func parse(_ text: String) throws -> JSON {
        var p = Parser(bytes: Array(text.utf8))
        let v = try p.value()
        p.skipSpace()
        guard p.i == p.bytes.count else { throw ParseError(offset: p.i) }
        return v
    }

    struct Parser {
        let bytes: [UInt8]
        var i = 0
        mutating func skipSpace() { while i < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 } }
        mutating func expect(_ s: String) throws {
            for b in s.utf8 { guard i < bytes.count, bytes[i] == b else { throw ParseError(offset: i) }; i += 1 }
        }
        mutating func value() throws -> JSON {
            skipSpace()
            guard i < bytes.count else { throw ParseError(offset: i) }
            switch bytes[i] {
            case UInt8(ascii: "n"): try expect("null"); return .null
            case UInt8(ascii: "t"): try expect("true"); return .bool(true)
            case UInt8(ascii: "f"): try expect("false"); return .bool(false)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "["):
                i += 1; var items: [JSON] = []; skipSpace()
                if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                while true {
                    items.append(try value()); skipSpace()
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    try expect("]"); return .array(items)
                }
            case UInt8(ascii: "{"):
                i += 1; var members: [String: JSON] = [:]; skipSpace()
                if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
                while true {
                    skipSpace(); let k = try string(); skipSpace(); try expect(":")
                    guard members[k] == nil else { throw ParseError(offset: i) }  // duplicate key
                    members[k] = try value(); skipSpace()
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    try expect("}"); return .object(members)
                }
            default:
                let start = i
                while i < bytes.count, "-+.eE0123456789".utf8.contains(bytes[i]) { i += 1 }
                let text = String(decoding: bytes[start..<i], as: UTF8.self)
                if let n = Int(text) { return .integer(n) }
                guard let d = Double(text) else { throw ParseError(offset: start) }
                return .number(d)
            }
        }
        mutating func string() throws -> String {
            try expect("\"")
            var out = [UInt8]()
            while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
                if bytes[i] == UInt8(ascii: "\\") {
                    i += 1
                    switch bytes[i] {
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        let hex = String(decoding: bytes[(i + 1)...(i + 4)], as: UTF8.self)
                        out += Array(String(UnicodeScalar(UInt32(hex, radix: 16)!)!).utf8); i += 4
                    default: out.append(bytes[i])
                    }
                } else { out.append(bytes[i]) }
                i += 1
            }
            try expect("\"")
            return String(decoding: out, as: UTF8.self)
        }
    }
}

/// Validates against the subset of JSON Schema 2020-12 that schemas/ uses:
/// type, properties, required, additionalProperties (false), items, enum, const,
/// minimum, maximum, pattern, oneOf and local $ref into $defs. Any other keyword
/// fails loudly, so a schema cannot silently outgrow the validator.
struct SchemaValidator {
    let root: JSON
    static let known: Set<String> = ["$schema", "$id", "title", "$defs", "type", "properties", "required",
                                     "additionalProperties", "items", "enum", "const", "minimum", "maximum",
                                     "pattern", "oneOf", "$ref"]

    func errors(_ value: JSON) -> [String] { check(value, root, "$") }

    func check(_ v: JSON, _ schema: JSON, _ path: String) -> [String] {
        guard case .object(let s) = schema else { return ["\(path): schema is not an object"] }
        var errs: [String] = []
        for key in s.keys where !Self.known.contains(key) { errs.append("\(path): unsupported keyword \(key)") }
        if case .string(let ref)? = s["$ref"] {
            let name = String(ref.dropFirst("#/$defs/".count))
            guard ref.hasPrefix("#/$defs/"), case .object(let defs)? = rootObject["$defs"], let target = defs[name]
            else { return ["\(path): unresolvable $ref \(ref)"] }
            errs += check(v, target, path)
        }
        if let t = s["type"] {
            let allowed: [String]
            switch t { case .string(let one): allowed = [one]; case .array(let many): allowed = many.compactMap { if case .string(let x) = $0 { x } else { nil } }; default: allowed = [] }
            if !allowed.contains(where: { Self.matches(v, type: $0) }) { errs.append("\(path): not of type \(allowed)") }
        }
        if let c = s["const"], c != v { errs.append("\(path): not the constant") }
        if case .array(let options)? = s["enum"], !options.contains(v) { errs.append("\(path): not in enum") }
        if let n = Self.number(v) {
            if let m = s["minimum"].flatMap(Self.number), n < m { errs.append("\(path): below minimum") }
            if let m = s["maximum"].flatMap(Self.number), n > m { errs.append("\(path): above maximum") }
        }
        if case .string(let pattern)? = s["pattern"], case .string(let text) = v,
           text.range(of: pattern, options: .regularExpression) == nil { errs.append("\(path): does not match \(pattern)") }
        if case .array(let options)? = s["oneOf"] {
            let passing = options.filter { check(v, $0, path).isEmpty }.count
            if passing != 1 { errs.append("\(path): matches \(passing) of oneOf") }
        }
        if case .object(let members) = v {
            let props: [String: JSON]
            if case .object(let p)? = s["properties"] { props = p } else { props = [:] }
            if case .array(let req)? = s["required"] {
                for case .string(let r) in req where members[r] == nil { errs.append("\(path): missing \(r)") }
            }
            for (k, mv) in members {
                if let ps = props[k] { errs += check(mv, ps, path + "." + k) }
                else if s["additionalProperties"] == .bool(false) { errs.append("\(path): unexpected \(k)") }
            }
        }
        if case .array(let items) = v, let itemSchema = s["items"] {
            for (i, item) in items.enumerated() { errs += check(item, itemSchema, "\(path)[\(i)]") }
        }
        return errs
    }

    var rootObject: [String: JSON] { if case .object(let o) = root { o } else { [:] } }

    static func number(_ v: JSON) -> Double? {
        switch v { case .integer(let i): Double(i); case .number(let d): d; default: nil }
    }

    static func matches(_ v: JSON, type: String) -> Bool {
        switch (type, v) {
        case ("null", .null), ("boolean", .bool), ("integer", .integer), ("number", .integer), ("number", .number),
             ("string", .string), ("array", .array), ("object", .object): true
        default: false
        }
    }
}
