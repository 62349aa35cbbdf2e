import TrinCore

/// Turns the values of one source record into a canonical record, or the first
/// rule it breaks, checking the rules in the order definitions.md fixes.
///
/// Format-independent: CSV rows and XML records go through this same code.
public struct RecordDecoder: Sendable {
    public let mapping: Mapping
    let fields: [String: ResolvedField]

    /// The result of decoding one record.
    public enum Outcome: Sendable {
        case event(SourceEvent)
        case enterprise(EnterpriseRecord)
        /// The rule broken, and the field that broke it.
        case rejected(RejectReason, field: String?)
    }

    /// Resolves the mapping's locations to slots. `slot` returns nil for a location
    /// the file does not have; that refuses the file if the field is required.
    public init(mapping: Mapping, slot: (String) -> Int?) throws(MappingError) {
        self.mapping = mapping
        var resolved: [String: ResolvedField] = [:]
        func resolve(_ name: String, _ rule: FieldRule) throws(MappingError) -> ResolvedField? {
            var slots: [Int] = []
            for location in rule.from {
                guard let s = slot(location) else {
                    if rule.required {
                        throw MappingError.missingInFile(mapping: mapping.file, field: name, location: location)
                    }
                    return nil
                }
                slots.append(s)
            }
            var fallback: ResolvedField?
            if let f = rule.fallback?.value { fallback = try resolve(name, f) }
            let label = rule.constant != nil ? name : "\(name) (\(rule.from.joined(separator: "+")))"
            return ResolvedField(slots: slots, separator: Array(rule.separator.utf8),
                                 constant: rule.constant.map { Array($0.utf8) }, type: rule.type,
                                 fallback: fallback.map(Box.init), label: label)
        }
        for (name, rule) in mapping.fields {
            if let r = try resolve(name, rule) { resolved[name] = r }
        }
        fields = resolved
    }

    /// Decodes one record.
    public func decode(_ values: some FieldValues) -> Outcome {
        switch mapping.record {
        case .event: decodeEvent(values)
        case .enterprise: decodeEnterprise(values)
        }
    }

    private func text(_ name: String, _ values: some FieldValues) -> (ArraySlice<UInt8>, FieldType)? {
        fields[name].map { $0.text(values) }
    }

    private func label(_ name: String) -> String { fields[name]?.label ?? name }

    private func decodeEvent(_ v: some FieldValues) -> Outcome {
        // cpr_malformed, cpr_invalid_date
        let cprText = text("cpr", v)?.0 ?? []
        let cpr: CPRNumber
        switch CPRNumber.parse(cprText) {
        case .success(let c): cpr = c
        case .failure(.malformed): return .rejected(.cprMalformed, field: label("cpr"))
        case .failure(.invalidDate): return .rejected(.cprInvalidDate, field: label("cpr"))
        }
        // unknown_target_group, unknown_activity
        guard let tg = code("targetGroup", v).flatMap(TargetGroup.init(rawValue:)) else {
            return .rejected(.unknownTargetGroup, field: label("targetGroup"))
        }
        guard let stage = code("stage", v).flatMap(Stage.init(rawValue:)) else {
            return .rejected(.unknownActivity, field: label("stage"))
        }
        // invalid_date, end_before_start
        guard let start = date("start", v) ?? nil else { return .rejected(.invalidDate, field: label("start")) }
        guard let end = date("end", v) else { return .rejected(.invalidDate, field: label("end")) }
        if let end, end < start { return .rejected(.endBeforeStart, field: label("end")) }
        // invalid_hours, hours_out_of_range
        var hours: Double?
        if let (t, type) = text("hoursPerWeek", v), !t.isEmpty {
            guard case .decimal(let sep) = type, let h = Self.decimal(t, separator: sep) else {
                return .rejected(.invalidHours, field: label("hoursPerWeek"))
            }
            guard h >= 0, h <= 80 else { return .rejected(.hoursOutOfRange, field: label("hoursPerWeek")) }
            hours = h
        }
        // invalid_timestamp
        guard let (rt, rtype) = text("recordedAt", v), case .timestamp(let pattern) = rtype,
              let recordedAt = pattern.instant(rt) else {
            return .rejected(.invalidTimestamp, field: label("recordedAt"))
        }
        // invalid_cvr
        var enterprise: String?
        if let (t, _) = text("enterprise", v), !t.isEmpty {
            guard let cvr = CVRNumber(t) else { return .rejected(.invalidCVR, field: label("enterprise")) }
            enterprise = cvr.value
        }
        // birth_after_event
        if cpr.birthDate > start { return .rejected(.birthAfterEvent, field: label("cpr")) }
        guard let id = string("sourceRecordID", v) else { return .rejected(.missingValue, field: label("sourceRecordID")) }
        let age = AgeBand(age: AgeBand.age(birth: cpr.birthDate, at: start))
        return .event(SourceEvent(cpr: cpr, ageBand: age, agreement: string("agreement", v), enterprise: enterprise,
                                  targetGroup: tg, stage: stage, start: start, end: end, hoursPerWeek: hours,
                                  recordedAt: recordedAt, sourceRecordID: id))
    }

    private func decodeEnterprise(_ v: some FieldValues) -> Outcome {
        guard let (ct, _) = text("cvr", v), let cvr = CVRNumber(ct) else { return .rejected(.invalidCVR, field: label("cvr")) }
        guard let type = code("type", v).flatMap(EnterpriseType.init(rawValue:)) else {
            return .rejected(.unknownType, field: label("type"))
        }
        var lines: [Bool] = []
        for name in ["socialBottomLine", "localBottomLine", "economicBottomLine"] {
            guard let (t, ft) = text(name, v), case .bool(let yes, let no) = ft else {
                return .rejected(.invalidBottomLine, field: label(name))
            }
            let word = Array(t)
            if yes.contains(word) { lines.append(true) } else if no.contains(word) { lines.append(false) } else {
                return .rejected(.invalidBottomLine, field: label(name))
            }
        }
        guard let start = date("start", v) ?? nil else { return .rejected(.invalidDate, field: label("start")) }
        guard let end = date("end", v) else { return .rejected(.invalidDate, field: label("end")) }
        return .enterprise(EnterpriseRecord(cvr: cvr.value, name: string("name", v) ?? "", type: type,
                                            socialBottomLine: lines[0], localBottomLine: lines[1],
                                            economicBottomLine: lines[2], start: start, end: end))
    }

    /// The canonical value of a code field; nil when empty or unknown (and not mapped).
    private func code(_ name: String, _ v: some FieldValues) -> String? {
        guard let (t, type) = text(name, v), !t.isEmpty, case .code(let list) = type else { return nil }
        return list.canonical(t)
    }

    /// `.some(nil)` for an empty optional date, nil for a bad one.
    private func date(_ name: String, _ v: some FieldValues) -> Day?? {
        guard let (t, type) = text(name, v), !t.isEmpty else { return .some(nil) }
        guard case .date(let pattern) = type, let d = pattern.day(t) else { return nil }
        return .some(d)
    }

    private func string(_ name: String, _ v: some FieldValues) -> String? {
        guard let (t, _) = text(name, v), !t.isEmpty else { return nil }
        return String(decoding: t, as: UTF8.self)
    }

    /// Digits with an optional decimal part, e.g. `12,5`.
    static func decimal(_ t: ArraySlice<UInt8>, separator: UInt8) -> Double? {
        var whole = 0.0, fraction = 0.0, scale = 1.0
        var seenSeparator = false, digitsBefore = 0, digitsAfter = 0
        for b in t {
            if b >= 48, b <= 57 {
                if seenSeparator { scale /= 10; fraction += Double(b - 48) * scale; digitsAfter += 1 }
                else { whole = whole * 10 + Double(b - 48); digitsBefore += 1 }
            } else if b == separator, !seenSeparator {
                seenSeparator = true
            } else {
                return nil
            }
        }
        guard digitsBefore > 0, !seenSeparator || digitsAfter > 0 else { return nil }
        return whole + fraction
    }
}
