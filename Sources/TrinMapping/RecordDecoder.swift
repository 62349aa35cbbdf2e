import TrinCore

/// Turns the values of one source record into a canonical record, or the first
/// rule it breaks, checking the rules in the order definitions.md fixes.
///
/// Format-independent: CSV rows and XML records go through this same code. The
/// fields are resolved once per file into stored properties, and values are read
/// as borrowed bytes, so decoding a record allocates only the strings it keeps.
public struct RecordDecoder: Sendable {
    public let mapping: Mapping
    private let f: Fields

    /// The result of decoding one record.
    public enum Outcome: Sendable {
        case event(SourceEvent)
        case enterprise(EnterpriseRecord)
        /// The rule broken, and the field that broke it.
        case rejected(RejectReason, field: String?)
    }

    /// The resolved bindings, by canonical field.
    private struct Fields: Sendable {
        var cpr, sourceRecordID, agreement, enterprise, targetGroup, stage, start, end, hours, recordedAt: ResolvedField?
        var cvr, name, type, social, local, economic: ResolvedField?
    }

    /// Resolves the mapping's locations to slots. `slot` returns nil for a location
    /// the file does not have; that refuses the file if the field is required.
    public init(mapping: Mapping, slot: (String) -> Int?) throws(MappingError) {
        self.mapping = mapping
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
            if let fb = rule.fallback?.value { fallback = try resolve(name, fb) }
            let label = rule.constant != nil ? name : "\(name) (\(rule.from.joined(separator: "+")))"
            return ResolvedField(slots: slots, separator: Array(rule.separator.utf8),
                                 constant: rule.constant.map { Array($0.utf8) }, type: rule.type,
                                 fallback: fallback, label: label)
        }
        func r(_ name: String) throws(MappingError) -> ResolvedField? {
            guard let rule = mapping.fields[name] else { return nil }
            return try resolve(name, rule)
        }
        f = Fields(cpr: try r("cpr"), sourceRecordID: try r("sourceRecordID"), agreement: try r("agreement"),
                   enterprise: try r("enterprise"), targetGroup: try r("targetGroup"), stage: try r("stage"),
                   start: try r("start"), end: try r("end"), hours: try r("hoursPerWeek"), recordedAt: try r("recordedAt"),
                   cvr: try r("cvr"), name: try r("name"), type: try r("type"), social: try r("socialBottomLine"),
                   local: try r("localBottomLine"), economic: try r("economicBottomLine"))
    }

    /// Decodes one record.
    public func decode(_ values: FieldValues) -> Outcome {
        switch mapping.record {
        case .event: decodeEvent(values)
        case .enterprise: decodeEnterprise(values)
        }
    }

    private func decodeEvent(_ v: FieldValues) -> Outcome {
        // cpr_malformed, cpr_invalid_date
        let parsed = f.cpr?.withText(v) { t, _ in CPRNumber.parse(t) } ?? .failure(.malformed)
        let cpr: CPRNumber
        switch parsed {
        case .success(let c): cpr = c
        case .failure(.malformed): return .rejected(.cprMalformed, field: f.cpr?.label)
        case .failure(.invalidDate): return .rejected(.cprInvalidDate, field: f.cpr?.label)
        }
        // unknown_target_group, unknown_activity
        guard let tg = code(f.targetGroup, v)?.targetGroup else {
            return .rejected(.unknownTargetGroup, field: f.targetGroup?.label)
        }
        guard let stage = code(f.stage, v)?.stage else {
            return .rejected(.unknownActivity, field: f.stage?.label)
        }
        // invalid_date, end_before_start
        guard let start = date(f.start, v) ?? nil else { return .rejected(.invalidDate, field: f.start?.label) }
        guard let end = date(f.end, v) else { return .rejected(.invalidDate, field: f.end?.label) }
        if let end, end < start { return .rejected(.endBeforeStart, field: f.end?.label) }
        // invalid_hours, hours_out_of_range
        var hours: Double?
        if let field = f.hours {
            let result: Result<Double?, RejectReason> = field.withText(v) { t, rule in
                guard !t.isEmpty else { return .success(nil) }
                guard case .decimal(let sep) = rule.type, let h = Self.decimal(t, separator: sep) else { return .failure(.invalidHours) }
                guard h >= 0, h <= 80 else { return .failure(.hoursOutOfRange) }
                return .success(h)
            }
            switch result {
            case .success(let h): hours = h
            case .failure(let reason): return .rejected(reason, field: field.label)
            }
        }
        // invalid_timestamp
        let recorded: Instant? = f.recordedAt?.withText(v) { t, rule in
            guard case .timestamp(let pattern) = rule.type else { return nil }
            return pattern.instant(t)
        }
        guard let recordedAt = recorded else { return .rejected(.invalidTimestamp, field: f.recordedAt?.label) }
        // invalid_cvr
        var enterprise: String?
        if let field = f.enterprise {
            let result: Result<String?, RejectReason> = field.withText(v) { t, _ in
                guard !t.isEmpty else { return .success(nil) }
                guard let cvr = CVRNumber(t) else { return .failure(.invalidCVR) }
                return .success(cvr.value)
            }
            switch result {
            case .success(let e): enterprise = e
            case .failure(let reason): return .rejected(reason, field: field.label)
            }
        }
        // birth_after_event
        if cpr.birthDate > start { return .rejected(.birthAfterEvent, field: f.cpr?.label) }
        guard let id = string(f.sourceRecordID, v) else { return .rejected(.missingValue, field: f.sourceRecordID?.label) }
        let age = AgeBand(age: AgeBand.age(birth: cpr.birthDate, at: start))
        return .event(SourceEvent(cpr: cpr, ageBand: age, agreement: string(f.agreement, v), enterprise: enterprise,
                                  targetGroup: tg, stage: stage, start: start, end: end, hoursPerWeek: hours,
                                  recordedAt: recordedAt, sourceRecordID: id))
    }

    private func decodeEnterprise(_ v: FieldValues) -> Outcome {
        guard let cvr = f.cvr?.withText(v, { t, _ in CVRNumber(t) }) else { return .rejected(.invalidCVR, field: f.cvr?.label) }
        guard let type = code(f.type, v)?.enterpriseType else {
            return .rejected(.unknownType, field: f.type?.label)
        }
        var lines: [Bool] = []
        for field in [f.social, f.local, f.economic] {
            let value: Bool? = field?.withText(v) { t, rule in
                guard case .bool(let yes, let no) = rule.type else { return nil }
                let word = Array(t)
                return yes.contains(word) ? true : no.contains(word) ? false : nil
            }
            guard let value else { return .rejected(.invalidBottomLine, field: field?.label) }
            lines.append(value)
        }
        guard let start = date(f.start, v) ?? nil else { return .rejected(.invalidDate, field: f.start?.label) }
        guard let end = date(f.end, v) else { return .rejected(.invalidDate, field: f.end?.label) }
        return .enterprise(EnterpriseRecord(cvr: cvr.value, name: string(f.name, v) ?? "", type: type,
                                            socialBottomLine: lines[0], localBottomLine: lines[1],
                                            economicBottomLine: lines[2], start: start, end: end))
    }

    /// The canonical value of a code field; nil when empty or unknown (and not mapped).
    private func code(_ field: ResolvedField?, _ v: FieldValues) -> ResolvedField.Canonical? {
        field?.withText(v) { t, rule in
            guard !t.isEmpty else { return nil }
            return rule.canonicalCode(t)
        }
    }

    /// `.some(nil)` for an empty or unbound optional date, nil for a bad one.
    private func date(_ field: ResolvedField?, _ v: FieldValues) -> Day?? {
        guard let field else { return .some(nil) }
        return field.withText(v) { t, rule -> Day?? in
            guard !t.isEmpty else { return .some(nil) }
            guard case .date(let pattern) = rule.type, let d = pattern.day(t) else { return nil }
            return .some(d)
        }
    }

    /// Free text (record ids, agreement ids, names). Ids are never personal, but a source
    /// that writes a CPR number into one must not carry it into the store: a valid CPR
    /// number inside is masked (the pre-check keeps this off the hot path for ordinary ids).
    private func string(_ field: ResolvedField?, _ v: FieldValues) -> String? {
        field?.withText(v) { t, _ in
            guard !t.isEmpty else { return nil }
            let text = String(decoding: t, as: UTF8.self)
            return PersonalDataMask.validCPRRanges(t).isEmpty ? text : PersonalDataMask.maskValidCPRNumbers(text)
        }
    }

    /// Digits with an optional decimal part, e.g. `12,5`.
    static func decimal(_ t: UnsafeBufferPointer<UInt8>, separator: UInt8) -> Double? {
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
