import Foundation
import Testing
import TrinCore
import TrinMetrics
@testable import TrinPublish

/// A published set checked from the outside: every JSON document against its
/// schema in schemas/ (and broken variants rejected), and datapackage.json with
/// its CSV files by the real `frictionless validate` (and corrupted copies rejected).
@Suite("Data package and schemas")
struct DataPackageTests {
    static let context = PublicationContext(unitName: "Test", dataChangedAt: Instant(secondsSinceEpoch: 0),
                                            publishedAt: Instant(secondsSinceEpoch: 1_735_700_000))

    /// The JSON documents of a set and their schemas.
    static let documents = ["employment", "youth", "value_chain", "progression", "enterprises", "manifest"]

    /// Publishes the sample as of `asOf` and returns the set's directory.
    func publishedSet(asOf: String = "2025-11-30") throws -> URL {
        let released = sampleReleased(asOf: asOf)
        return try MetricPublisher().publish(released, context: Self.context, outputDirectory: try temporaryDirectory(),
                                             runID: "t").directory
    }

    func schema(_ name: String) throws -> SchemaValidator {
        SchemaValidator(root: try JSON.parse(String(contentsOf: schemasDirectory.appendingPathComponent("\(name).schema.json"),
                                                    encoding: .utf8)))
    }

    func document(_ name: String, in set: URL) throws -> JSON {
        try JSON.parse(String(contentsOf: set.appendingPathComponent("\(name).json"), encoding: .utf8))
    }

    // MARK: - JSON Schemas

    @Test("every JSON document of a set validates against its schema (closed, open and provisional years)",
          arguments: ["2025-11-30", "2024-03-31", "2024-01-31"])
    func documentsValidate(asOf: String) throws {
        let set = try publishedSet(asOf: asOf)
        for name in Self.documents {
            let errors = try schema(name).errors(try document(name, in: set))
            #expect(errors.isEmpty, "\(name).json as of \(asOf): \(errors.prefix(5))")
        }
    }

    @Test("schemas/ has one schema per JSON document of a set, each using only keywords the validator knows")
    func schemaFiles() throws {
        let set = try publishedSet()
        let json = try FileManager.default.contentsOfDirectory(atPath: set.path).filter { $0.hasSuffix(".json") }
        #expect(Set(json) == Set(Self.documents.map { "\($0).json" } + [DataPackage.fileName]))
        let schemas = try FileManager.default.contentsOfDirectory(atPath: schemasDirectory.path)
        #expect(Set(schemas) == Set(Self.documents.map { "\($0).schema.json" }))
        // An unknown keyword is reported on every value, so an empty object shows them all.
        for name in Self.documents {
            let unsupported = try schema(name).errors(.object([:])).filter { $0.contains("unsupported keyword") }
            #expect(unsupported.isEmpty, "\(name): \(unsupported)")
        }
    }

    /// One broken variant of a document: the file, what is changed, and the change.
    struct Breakage: CustomTestStringConvertible, Sendable {
        let file: String
        let what: String
        let edit: @Sendable (JSON) -> JSON?
        var testDescription: String { "\(file): \(what)" }
    }

    static let breakages: [Breakage] = [
        // Cells: value xor suppressed (true), a level, known codes.
        .init(file: "employment", what: "a suppressed cell with a value too") { v in
            editFirst(v, where: { $0["suppressed"] == .bool(true) }) { $0["value"] = .integer(0) }
        },
        .init(file: "employment", what: "a suppressed cell with suppressed false instead") { v in
            editFirst(v, where: { $0["suppressed"] == .bool(true) }) { $0["suppressed"] = .bool(false) }
        },
        .init(file: "employment", what: "a published cell that also says suppressed: false") { v in
            editFirst(v, where: { $0["value"] != nil }) { $0["suppressed"] = .bool(false) }
        },
        .init(file: "employment", what: "a cell with neither value nor suppressed") { v in
            editFirst(v, where: { $0["value"] != nil }) { $0["value"] = nil }
        },
        .init(file: "employment", what: "a negative value") { v in
            editFirst(v, where: { $0["value"] != nil }) { $0["value"] = .integer(-1) }
        },
        .init(file: "employment", what: "a decimal value") { v in
            editFirst(v, where: { $0["value"] != nil }) { $0["value"] = .number(1.5) }
        },
        .init(file: "employment", what: "an unknown level") { v in
            editFirst(v, where: { $0["level"] != nil }) { $0["level"] = .string("medium") }
        },
        .init(file: "employment", what: "a cell without a level") { v in
            editFirst(v, where: { $0["level"] != nil }) { $0["level"] = nil }
        },
        .init(file: "employment", what: "an unknown target group") { v in
            editFirst(v, where: { $0["targetGroup"] != nil }) { $0["targetGroup"] = .string("pension") }
        },
        .init(file: "employment", what: "an unknown age band") { v in
            editFirst(v, where: { $0["ageBand"] != nil }) { $0["ageBand"] = .string("30-34") }
        },
        .init(file: "employment", what: "a cell without its target group") { v in
            editFirst(v, where: { $0["targetGroup"] != nil }) { $0["targetGroup"] = nil }
        },
        .init(file: "employment", what: "a share on an employment cell") { v in
            editFirst(v, where: { $0["value"] != nil }) { $0["share"] = .number(0.5) }
        },
        .init(file: "employment", what: "an unknown year status") { v in
            editFirst(v, where: { $0["status"] != nil }) { $0["status"] = .string("final") }
        },
        .init(file: "employment", what: "a year without goalMet") { v in
            editFirst(v, where: { $0["goalMet"] != nil }) { $0["goalMet"] = nil }
        },
        .init(file: "employment", what: "other dimensions") { v in
            editFirst(v, where: { $0["dimensions"] != nil }) { $0["dimensions"] = .array([.string("targetGroup")]) }
        },
        // Header.
        .init(file: "employment", what: "schema version 1") { v in
            editFirst(v, where: { $0["schemaVersion"] != nil }) { $0["schemaVersion"] = .integer(1) }
        },
        .init(file: "employment", what: "an as-of date with a time") { v in
            editFirst(v, where: { $0["asOf"] != nil }) { $0["asOf"] = .string("2025-11-30T00:00:00Z") }
        },
        .init(file: "youth", what: "publishedAt as a date only") { v in
            editFirst(v, where: { $0["publishedAt"] != nil }) { $0["publishedAt"] = .string("2025-01-01") }
        },
        .init(file: "youth", what: "no dataChangedAt") { v in
            editFirst(v, where: { $0["dataChangedAt"] != nil }) { $0["dataChangedAt"] = nil }
        },
        .init(file: "youth", what: "closed years as strings") { v in
            editFirst(v, where: { $0["closedYears"] != nil }) { $0["closedYears"] = .array([.string("2023")]) }
        },
        .init(file: "youth", what: "k below 3") { v in
            editFirst(v, where: { $0["k"] != nil }) { $0["k"] = .integer(2) }
        },
        .init(file: "youth", what: "another document's metric") { v in
            editFirst(v, where: { $0["metric"] != nil }) { $0["metric"] = .string("employment") }
        },
        .init(file: "youth", what: "an unknown member in the header") { v in
            editFirst(v, where: { $0["metric"] != nil }) { $0["generatedAt"] = .string("2025-01-01T00:00:00Z") }
        },
        .init(file: "youth", what: "an age band over 30") { v in
            editFirst(v, where: { $0["ageBand"] != nil }) { $0["ageBand"] = .string("30-39") }
        },
        .init(file: "youth", what: "an unknown outcome") { v in
            editFirst(v, where: { $0["outcome"] != nil }) { $0["outcome"] = .string("job") }
        },
        // Shares: on movedUp cells only, a number from 0 to 1 or shareSuppressed (true), never both.
        .init(file: "value_chain", what: "a movedUp cell without its share") { v in
            editFirst(v, where: { $0["measure"] == .string("movedUp") }) { $0["share"] = nil; $0["shareSuppressed"] = nil }
        },
        .init(file: "value_chain", what: "a movedUp cell with share and shareSuppressed") { v in
            editFirst(v, where: { $0["share"] != nil }) { $0["shareSuppressed"] = .bool(true) }
        },
        .init(file: "value_chain", what: "a share above 1") { v in
            editFirst(v, where: { $0["share"] != nil }) { $0["share"] = .number(1.5) }
        },
        .init(file: "value_chain", what: "shareSuppressed false") { v in
            editFirst(v, where: { $0["share"] != nil }) { $0["share"] = nil; $0["shareSuppressed"] = .bool(false) }
        },
        .init(file: "value_chain", what: "a share on a started cell") { v in
            editFirst(v, where: { $0["measure"] == .string("started") }) { $0["share"] = .number(0.5) }
        },
        .init(file: "value_chain", what: "an unknown measure") { v in
            editFirst(v, where: { $0["measure"] == .string("ended") }) { $0["measure"] = .string("finished") }
        },
        .init(file: "value_chain", what: "an unknown stage") { v in
            editFirst(v, where: { $0["stage"] == .string("praktik") }) { $0["stage"] = .string("ansat") }
        },
        .init(file: "progression", what: "a fine stage in a per-agreement table") { v in
            editFirst(v, where: { $0["stage"] == .string("goal") }) { $0["stage"] = .string("job") }
        },
        .init(file: "progression", what: "an enterprise coordinate that is no CVR number") { v in
            editFirst(v, where: { $0["enterprise"] != nil && $0["measure"] != nil }) { $0["enterprise"] = .string("123") }
        },
        .init(file: "progression", what: "an agreement without enterpriseName") { v in
            editFirst(v, where: { $0["enterpriseName"] != nil }) { $0["enterpriseName"] = nil }
        },
        .init(file: "progression", what: "an agreement's enterprise as a number") { v in
            editFirst(v, where: { $0["enterpriseName"] != nil }) { $0["enterprise"] = .integer(30_000_001) }
        },
        .init(file: "progression", what: "a year without agreements") { v in
            editFirst(v, where: { $0["agreements"] != nil }) { $0["agreements"] = nil }
        },
        // Enterprises.
        .init(file: "enterprises", what: "a type missing from byType") { v in
            editFirst(v, where: { $0["virksomhed"] != nil }) { $0["forening"] = nil }
        },
        .init(file: "enterprises", what: "an unknown enterprise type") { v in
            editFirst(v, where: { $0["virksomhed"] != nil }) { $0["andelsselskab"] = $0["virksomhed"] }
        },
        .init(file: "enterprises", what: "a suppressed enterprise count") { v in
            editFirst(v, where: { $0["active"] != nil }) { $0["active"] = .object(["suppressed": .bool(true)]) }
        },
        .init(file: "enterprises", what: "another goal") { v in
            editFirst(v, where: { $0["goal"] != nil }) { $0["goal"] = .integer(30) }
        },
        // The manifest.
        .init(file: "manifest", what: "an upper-case SHA-256") { v in
            editFirst(v, where: { $0["sha256"] != nil }) { if case .string(let s)? = $0["sha256"] { $0["sha256"] = .string(s.uppercased()) } }
        },
        .init(file: "manifest", what: "no asOf") { v in
            editFirst(v, where: { $0["runID"] != nil }) { $0["asOf"] = nil }
        },
        .init(file: "manifest", what: "a file entry without bytes") { v in
            editFirst(v, where: { $0["sha256"] != nil }) { $0["bytes"] = nil }
        },
        .init(file: "manifest", what: "a file name with a path") { v in
            editFirst(v, where: { $0["sha256"] != nil }) { $0["name"] = .string("../employment.json") }
        },
    ]

    @Test("broken variants of the documents fail their schema", arguments: breakages)
    func brokenVariantsFail(_ b: Breakage) throws {
        let set = try publishedSet()
        let original = try document(b.file, in: set)
        let validator = try schema(b.file)
        #expect(validator.errors(original).isEmpty)
        let broken = try #require(b.edit(original), "nothing to break in \(b.file).json")
        #expect(broken != original)
        #expect(!validator.errors(broken).isEmpty, "\(b.file).json accepted with \(b.what)")
    }

    /// `value` with `change` applied to the first object (depth first, in key
    /// order) for which `match` holds; nil when no object matches.
    static func editFirst(_ value: JSON, where match: ([String: JSON]) -> Bool,
                          _ change: (inout [String: JSON]) -> Void) -> JSON? {
        var done = false
        func walk(_ v: JSON) -> JSON {
            guard !done else { return v }
            switch v {
            case .object(var members):
                if match(members) { change(&members); done = true; return .object(members) }
                for key in members.keys.sorted() { members[key] = walk(members[key]!) }
                return .object(members)
            case .array(let items):
                return .array(items.map(walk))
            default:
                return v
            }
        }
        let result = walk(value)
        return done ? result : nil
    }

    // MARK: - frictionless

    /// The output of `frictionless validate --json <descriptor>` as a report.
    struct FrictionlessReport {
        let valid: Bool
        /// `type: message` of every error, across tasks.
        let errors: [String]
        /// Resources checked.
        let tasks: Int
        let raw: String
    }

    /// Runs `frictionless` (or `python3 -m frictionless`) through `env`, so
    /// that the PATH decides which installation is used.
    static func frictionless(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        func run(_ command: [String]) throws -> (Int32, String, String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = command + arguments
            let out = Pipe()
            let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("frictionless-\(UUID().uuidString).err")
            _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
            defer { try? FileManager.default.removeItem(at: errorFile) }
            let errorHandle = try FileHandle(forWritingTo: errorFile)
            process.standardOutput = out
            process.standardError = errorHandle
            process.standardInput = FileHandle.nullDevice
            try process.run()
            // Read before waiting: a full pipe would block the child.
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            try errorHandle.close()
            let errors = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
            return (process.terminationStatus, String(decoding: data, as: UTF8.self), errors)
        }
        let direct = try run(["frictionless"])
        // env exits 127 when it finds no such command.
        if direct.0 != 127 { return direct }
        return try run(["python3", "-m", "frictionless"])
    }

    static func validate(_ descriptor: URL) throws -> FrictionlessReport {
        let (status, output, errors) = try frictionless(["validate", "--json", descriptor.path])
        // The JSON report follows any warnings printed before it.
        guard let start = output.firstIndex(of: "{"),
              let object = try? JSONSerialization.jsonObject(with: Data(output[start...].utf8)) as? [String: Any],
              let valid = object["valid"] as? Bool
        else {
            Issue.record("frictionless gave no JSON report (exit \(status)); is it installed (make deps)?\n\(output)\n\(errors)")
            return FrictionlessReport(valid: false, errors: [], tasks: 0, raw: output + errors)
        }
        var messages: [String] = []
        for task in object["tasks"] as? [[String: Any]] ?? [] {
            for error in task["errors"] as? [[String: Any]] ?? [] {
                messages.append("\(error["type"] ?? "?"): \(error["message"] ?? "")")
            }
        }
        for error in object["errors"] as? [[String: Any]] ?? [] {
            messages.append("\(error["type"] ?? "?"): \(error["message"] ?? "")")
        }
        // The exit status agrees with the report.
        #expect((status == 0) == valid, "frictionless exit \(status) with valid = \(valid)")
        return FrictionlessReport(valid: valid, errors: messages, tasks: (object["tasks"] as? [Any])?.count ?? 0, raw: output)
    }

    @Test("frictionless validates datapackage.json and every CSV file of a set",
          arguments: ["2025-11-30", "2024-01-31"])
    func frictionlessValid(asOf: String) throws {
        let set = try publishedSet(asOf: asOf)
        let report = try Self.validate(set.appendingPathComponent(DataPackage.fileName))
        #expect(report.valid, "frictionless: \(report.errors.prefix(10))")
        #expect(report.errors.isEmpty)
        // Every CSV file is a resource, so frictionless has read every one.
        let descriptor = try JSONSerialization.jsonObject(
            with: Data(contentsOf: set.appendingPathComponent(DataPackage.fileName))) as? [String: Any]
        let paths = (descriptor?["resources"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
        let csv = try FileManager.default.contentsOfDirectory(atPath: set.path).filter { $0.hasSuffix(".csv") }
        #expect(Set(paths) == Set(csv))
        #expect(paths.count == csv.count)
        #expect(report.tasks == csv.count)
    }

    /// Reads every resource of a package with frictionless's Python API and
    /// prints its labels and typed rows as JSON (decimals as numbers, dates as `date:yyyy-MM-dd`).
    static let readRows = """
        import datetime, decimal, json, sys
        from frictionless import Package
        def plain(v):
            if isinstance(v, decimal.Decimal): return float(v)
            if isinstance(v, datetime.date): return "date:" + v.isoformat()
            return v
        out = {}
        for r in Package(sys.argv[1]).resources:
            with r:
                out[r.name] = {"labels": r.labels, "rows": [{k: plain(v) for k, v in row.items()} for row in r.row_stream]}
        print(json.dumps(out))
        """

    @Test("frictionless reads the CSV dialect as declared: BOM, ';', CRLF, quotes, decimal comma, dates and booleans typed")
    func frictionlessReadsTheDialect() throws {
        let set = try publishedSet()
        let bytes = try Data(contentsOf: set.appendingPathComponent("value_chain.csv"))
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(text.contains(";movedUp;total;") && text.contains(";0,75\r\n"))
        // Every line feed ends a CRLF.
        let lineFeeds = bytes.indices.filter { bytes[$0] == 0x0A }
        #expect(!lineFeeds.isEmpty && lineFeeds.allSatisfy { $0 > 0 && bytes[$0 - 1] == 0x0D })

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.readRows, set.appendingPathComponent(DataPackage.fileName).path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python3 with frictionless failed")
        let resources = try #require(try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]])

        for (name, resource) in resources {
            let labels = resource["labels"] as? [String] ?? []
            let rows = resource["rows"] as? [[String: Any]] ?? []
            // The byte-order mark is not part of the first label, and every line is one row.
            #expect(!labels.isEmpty && labels.allSatisfy { !$0.contains("\u{FEFF}") && !$0.contains(";") }, "\(name): \(labels)")
            let file = try #require(Self.path(of: name, in: set))
            let lines = try String(decoding: Data(contentsOf: set.appendingPathComponent(file)), as: UTF8.self)
            #expect(rows.count == parseCSV(lines, delimiter: ";").count - 1, "\(name)")
        }
        let valueChain = try #require(resources["value-chain"]?["rows"] as? [[String: Any]])
        #expect(valueChain.allSatisfy { $0["year"] as? Int != nil && $0["asOf"] as? String == "date:2025-11-30" })
        #expect(valueChain.allSatisfy { $0["suppressed"] as? Bool != nil })
        // 2023: 15 of 20 courses moved up, written 0,75.
        let moved = try #require(valueChain.first { $0["year"] as? Int == 2023 && $0["measure"] as? String == "movedUp" })
        #expect(moved["share"] as? Double == 0.75)
        #expect(moved["value"] as? Int == 15)
        // A suppressed count reads as missing, not zero.
        let suppressed = try #require(valueChain.first { $0["suppressed"] as? Bool == true })
        #expect(suppressed["value"] is NSNull)
        // A quoted field with doubled quotes (and the formula guard) comes back whole.
        let agreements = (resources["progression"]?["rows"] as? [[String: Any]] ?? []).compactMap { $0["agreement"] as? String }
        #expect(agreements.contains("'=HYPERLINK(\"x\")"))
        let register = try #require(resources["enterprise-register"]?["rows"] as? [[String: Any]])
        #expect(register.contains { $0["name"] as? String == "Café <Kaffe> & Co" && $0["start"] as? String == "date:2023-06-01" })
        #expect(register.allSatisfy { $0["end"] is NSNull })
    }

    /// The CSV file of a resource, from datapackage.json.
    static func path(of resource: String, in set: URL) -> String? {
        guard let data = FileManager.default.contents(atPath: set.appendingPathComponent(DataPackage.fileName).path),
              let package = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let resources = package["resources"] as? [[String: Any]]
        else { return nil }
        return resources.first { $0["name"] as? String == resource }?["path"] as? String
    }

    /// A copy of a set's files in a fresh directory, with `file` rewritten by `change` (rows with the header first).
    func corruptedCopy(of set: URL, _ file: String, _ change: (inout [[String]]) -> Void) throws -> URL {
        let copy = try temporaryDirectory()
        for name in try FileManager.default.contentsOfDirectory(atPath: set.path) {
            try FileManager.default.copyItem(at: set.appendingPathComponent(name), to: copy.appendingPathComponent(name))
        }
        let url = copy.appendingPathComponent(file)
        // Decoded by hand: Foundation's String(contentsOf:) drops the byte-order mark.
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        var rows = parseCSV(text, delimiter: ";")
        // Reading back and writing again gives the same bytes, so only `change` differs.
        #expect(PublishedCSVDialect.danish.render(header: rows[0], rows: Array(rows.dropFirst())) == text)
        change(&rows)
        try Data(PublishedCSVDialect.danish.render(header: rows[0], rows: Array(rows.dropFirst())).utf8).write(to: url)
        return copy
    }

    @Test("frictionless rejects a set whose CSV breaks its Table Schema")
    func frictionlessInvalid() throws {
        let set = try publishedSet()
        let descriptor = DataPackage.fileName
        // Text in an integer column.
        let text = try corruptedCopy(of: set, "employment.csv") { rows in
            let column = rows[0].firstIndex(of: "value")!
            let row = rows.indices.dropFirst().first { !rows[$0][column].isEmpty }!
            rows[row][column] = "abc"
        }
        let textReport = try Self.validate(text.appendingPathComponent(descriptor))
        #expect(!textReport.valid)
        #expect(textReport.errors.contains { $0.hasPrefix("type-error") }, "\(textReport.errors)")
        // A column dropped.
        let dropped = try corruptedCopy(of: set, "youth.csv") { rows in
            let column = rows[0].firstIndex(of: "level")!
            for i in rows.indices { rows[i].remove(at: column) }
        }
        let droppedReport = try Self.validate(dropped.appendingPathComponent(descriptor))
        #expect(!droppedReport.valid)
        #expect(!droppedReport.errors.isEmpty)
        // A share with a decimal point where the package declares a decimal comma.
        let point = try corruptedCopy(of: set, "value_chain.csv") { rows in
            let column = rows[0].firstIndex(of: "share")!
            let row = rows.indices.dropFirst().first { !rows[$0][column].isEmpty }!
            rows[row][column] = rows[row][column].replacingOccurrences(of: ",", with: ".")
        }
        let pointReport = try Self.validate(point.appendingPathComponent(descriptor))
        #expect(!pointReport.valid)
        #expect(pointReport.errors.contains { $0.hasPrefix("type-error") }, "\(pointReport.errors)")
        // A row twice: the primary key is checked.
        let duplicate = try corruptedCopy(of: set, "value_chain.csv") { rows in rows.append(rows[1]) }
        let duplicateReport = try Self.validate(duplicate.appendingPathComponent(descriptor))
        #expect(!duplicateReport.valid)
        #expect(duplicateReport.errors.contains { $0.hasPrefix("primary-key") }, "\(duplicateReport.errors)")
    }
}
