public import TrinCore

/// Turns the values of one source record into a canonical record, or the first
/// rule it breaks, checking the rules in the order docs/definitions.md fixes.
///
/// Format-independent: CSV rows and XML records go through this same code. The
/// fields are resolved once per file into stored properties, and values are read
/// as borrowed bytes, so decoding a record allocates only the strings it keeps
/// (`decodeInPlace`: none).
public struct RecordDecoder: Sendable {
    public let mapping: Mapping
    private let f: Fields

    /// The result of decoding one record.
    public enum Outcome: Sendable {
        case event(SourceEvent)
        case enterprise(EnterpriseRecord)
        /// The rule broken, the field that broke it, and for a code the value met (masked).
        case rejected(RejectReason, field: String?, value: String? = nil)
    }

    /// The result of decoding one record, an event's texts lent from the record's values.
    public enum InPlaceOutcome {
        case event(SourceEventView)
        case enterprise(EnterpriseRecord)
        /// The rule broken, the field that broke it, and for a code the value met (masked).
        case rejected(RejectReason, field: String?, value: String? = nil)
    }

    /// The resolved bindings, by canonical field: indices into `resolved`, -1 when unbound.
    /// Indices rather than optional structs, so a field is read in place, never copied.
    private struct Fields: Sendable {
        var cpr, sourceRecordID, agreement, enterprise, targetGroup, stage, start, end, hours, recordedAt: Int
        var cvr, name, type, social, local, economic: Int
    }
    private let resolved: FieldTable
    /// The slots some rule reads, in ascending order: a reader need fill no other.
    public let slotsRead: [Int]

    /// Resolves the mapping's locations to slots. `slot` returns nil for a location
    /// the file does not have; that refuses the file if the field is required.
    public init(mapping: Mapping, slot: (String) -> Int?) throws(MappingError) {
        self.mapping = mapping
        var resolved: [ResolvedField] = []
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
            var fallbackIndex = -1
            if let fb = rule.fallback?.value, let fallback = try resolve(name, fb) {
                resolved.append(fallback)
                fallbackIndex = resolved.count - 1
            }
            let label = rule.constant != nil ? name : "\(name) (\(rule.from.joined(separator: "+")))"
            return ResolvedField(slots: slots, separator: Array(rule.separator.utf8),
                                 constant: rule.constant.map { Array($0.utf8) }, type: rule.type,
                                 fallbackIndex: fallbackIndex, label: label)
        }
        func r(_ name: String) throws(MappingError) -> Int {
            guard let rule = mapping.fields[name], let field = try resolve(name, rule) else { return -1 }
            resolved.append(field)
            return resolved.count - 1
        }
        f = Fields(cpr: try r("cpr"), sourceRecordID: try r("sourceRecordID"), agreement: try r("agreement"),
                   enterprise: try r("enterprise"), targetGroup: try r("targetGroup"), stage: try r("stage"),
                   start: try r("start"), end: try r("end"), hours: try r("hoursPerWeek"), recordedAt: try r("recordedAt"),
                   cvr: try r("cvr"), name: try r("name"), type: try r("type"), social: try r("socialBottomLine"),
                   local: try r("localBottomLine"), economic: try r("economicBottomLine"))
        self.resolved = FieldTable(resolved)
        slotsRead = Set(resolved.flatMap(\.slots)).sorted()
    }

    /// Field `i`'s text — from its slots, or from its fallback when empty — and the rule that
    /// applies to it (this one or the fallback); nil when unbound. The text is valid until
    /// `v` is reset or loaded with the next record.
    @inline(__always)
    private func text(_ i: Int, _ v: FieldValues) -> (UnsafeBufferPointer<UInt8>, UnsafePointer<ResolvedField>)? {
        guard i >= 0 else { return nil }
        let field = UnsafePointer(resolved.base + i)
        let own = ResolvedField.ownText(field, v)
        let fallback = field.pointee.fallbackIndex
        if own.isEmpty, fallback >= 0 {
            let rule = UnsafePointer(resolved.base + fallback)
            let other = ResolvedField.ownText(rule, v)
            if !other.isEmpty { return (other, rule) }
            return (UnsafeBufferPointer(start: nil, count: 0), field)
        }
        return (own, field)
    }

    /// Lends field `i`'s text and rule (see `text`); nil when unbound.
    @inline(__always)
    private func withText<R>(_ i: Int, _ v: FieldValues, _ body: (UnsafeBufferPointer<UInt8>, UnsafePointer<ResolvedField>) -> R) -> R? {
        guard let (t, rule) = text(i, v) else { return nil }
        return body(t, rule)
    }

    private func label(_ i: Int) -> String? { i >= 0 ? resolved.base[i].label : nil }

    /// The label of the binding a code was read from: the fallback's when the field's own
    /// value was empty, so that an unknown code is listed under the place (and the `values`)
    /// it came from.
    private func codeLabel(_ i: Int, _ v: FieldValues) -> String? {
        guard let (_, rule) = text(i, v) else { return label(i) }
        return rule.pointee.label
    }

    /// The text of a code field that matched no code, as operations are shown it (a dry run
    /// lists them by value): masked, since a shifted column can put a CPR number there, and
    /// cut to `maximumCodeValueLength` characters.
    private func codeValue(_ i: Int, _ v: FieldValues) -> String? {
        guard let (t, _) = text(i, v) else { return nil }
        let text = PersonalDataMask.mask(String(decoding: t, as: UTF8.self))
        return text.count > Self.maximumCodeValueLength ? String(text.prefix(Self.maximumCodeValueLength)) + "…" : text
    }

    /// Longest code value kept whole in a rejection.
    public static let maximumCodeValueLength = 60

    /// Decodes one record.
    public func decode(_ values: FieldValues) -> Outcome {
        switch decodeInPlace(values) {
        case .event(let view): .event(view.owned)
        case .enterprise(let e): .enterprise(e)
        case .rejected(let reason, let field, let value): .rejected(reason, field: field, value: value)
        }
    }

    /// Decodes one record; an event's texts are lent from `values` (valid until they are
    /// reset or loaded with the next record), so no string is made for them.
    public func decodeInPlace(_ values: FieldValues) -> InPlaceOutcome {
        switch mapping.record {
        case .event: decodeEvent(values)
        case .enterprise: decodeEnterprise(values)
        }
    }

    private func decodeEvent(_ v: FieldValues) -> InPlaceOutcome {
        // cpr_malformed, cpr_invalid_date
        let parsed = withText(f.cpr, v) { t, _ in v.parseCPR(t) } ?? .failure(.malformed)
        let cpr: CPRNumber
        switch parsed {
        case .success(let c): cpr = c
        case .failure(.malformed): return .rejected(.cprMalformed, field: label(f.cpr))
        case .failure(.invalidDate): return .rejected(.cprInvalidDate, field: label(f.cpr))
        }
        // unknown_target_group, unknown_activity
        guard let tg = code(f.targetGroup, v)?.targetGroup else {
            return .rejected(.unknownTargetGroup, field: codeLabel(f.targetGroup, v), value: codeValue(f.targetGroup, v))
        }
        guard let stage = code(f.stage, v)?.stage else {
            return .rejected(.unknownActivity, field: codeLabel(f.stage, v), value: codeValue(f.stage, v))
        }
        // invalid_date, end_before_start
        guard let start = date(f.start, v) ?? nil else { return .rejected(.invalidDate, field: label(f.start)) }
        guard let end = date(f.end, v) else { return .rejected(.invalidDate, field: label(f.end)) }
        if let end, end < start { return .rejected(.endBeforeStart, field: label(f.end)) }
        // invalid_hours, hours_out_of_range
        var hours: Double?
        if f.hours >= 0 {
            let result: Result<Double?, RejectReason> = withText(f.hours, v) { t, rule in
                guard !t.isEmpty else { return .success(nil) }
                guard case .decimal(let sep) = rule.pointee.type, let h = Self.decimal(t, separator: sep) else { return .failure(.invalidHours) }
                // Checked on the text as well where the number rounds to 80: 80,000000000000000001 is above it.
                guard h >= 0, h < 80 || (h == 80 && !Self.exceeds80(t, separator: sep)) else { return .failure(.hoursOutOfRange) }
                return .success(h)
            }!
            switch result {
            case .success(let h): hours = h
            case .failure(let reason): return .rejected(reason, field: label(f.hours))
            }
        }
        // invalid_timestamp
        let recorded: Instant? = withText(f.recordedAt, v) { t, rule -> Instant? in
            guard case .timestamp(let pattern) = rule.pointee.type else { return nil }
            return pattern.instant(t)
        } ?? nil
        guard let recordedAt = recorded else { return .rejected(.invalidTimestamp, field: label(f.recordedAt)) }
        // invalid_cvr
        var enterprise: UnsafeBufferPointer<UInt8>?
        if let (t, _) = text(f.enterprise, v), !t.isEmpty {
            guard CVRNumber.isValid(t) else { return .rejected(.invalidCVR, field: label(f.enterprise)) }
            enterprise = t
        }
        // birth_after_event
        if cpr.birthDate > start { return .rejected(.birthAfterEvent, field: label(f.cpr)) }
        // An empty record id breaks no rule (definitions.md lists them all): it is the empty
        // id, which sorts before every other in the version order.
        let id = freeText(f.sourceRecordID, v) ?? UnsafeBufferPointer(start: nil, count: 0)
        let age = AgeBand.band(birth: cpr.birthDate, at: start)
        return .event(SourceEventView(cpr: cpr, ageBand: age, agreement: freeText(f.agreement, v), enterprise: enterprise,
                                      targetGroup: tg, stage: stage, start: start, end: end, hoursPerWeek: hours,
                                      recordedAt: recordedAt, sourceRecordID: id, lender: v.generation))
    }

    private func decodeEnterprise(_ v: FieldValues) -> InPlaceOutcome {
        guard let cvr = withText(f.cvr, v, { t, _ in CVRNumber(t) }) ?? nil else { return .rejected(.invalidCVR, field: label(f.cvr)) }
        guard let type = code(f.type, v)?.enterpriseType else {
            return .rejected(.unknownType, field: label(f.type), value: codeValue(f.type, v))
        }
        var lines: [Bool] = []
        for field in [f.social, f.local, f.economic] {
            let value: Bool? = withText(field, v) { t, rule -> Bool? in
                guard case .bool(let yes, let no) = rule.pointee.type else { return nil }
                let word = Array(t)
                return yes.contains(word) ? true : no.contains(word) ? false : nil
            } ?? nil
            guard let value else { return .rejected(.invalidBottomLine, field: label(field), value: codeValue(field, v)) }
            lines.append(value)
        }
        guard let start = date(f.start, v) ?? nil else { return .rejected(.invalidDate, field: label(f.start)) }
        guard let end = date(f.end, v) else { return .rejected(.invalidDate, field: label(f.end)) }
        return .enterprise(EnterpriseRecord(cvr: cvr.value, name: freeText(f.name, v).map { String(decoding: $0, as: UTF8.self) } ?? "", type: type,
                                            socialBottomLine: lines[0], localBottomLine: lines[1],
                                            economicBottomLine: lines[2], start: start, end: end))
    }

    /// The canonical value of a code field; nil when empty or unknown (and not mapped).
    private func code(_ field: Int, _ v: FieldValues) -> ResolvedField.Canonical? {
        withText(field, v) { t, rule in
            guard !t.isEmpty else { return nil }
            return rule.pointee.canonicalCode(t)
        } ?? nil
    }

    /// `.some(nil)` for an empty or unbound optional date, nil for a bad one.
    private func date(_ field: Int, _ v: FieldValues) -> Day?? {
        guard let (t, rule) = text(field, v) else { return .some(nil) }
        guard !t.isEmpty else { return .some(nil) }
        guard case .date(let pattern) = rule.pointee.type, let d = pattern.day(t) else { return nil }
        return .some(d)
    }

    /// Free text (record ids, agreement ids, names); nil when empty or unbound. Ids are
    /// never personal, but a source that writes a CPR number into one must not carry it into
    /// the store: a valid CPR number inside is masked (the pre-check keeps this off the hot
    /// path for ordinary ids). Valid as long as the field's text.
    private func freeText(_ field: Int, _ v: FieldValues) -> UnsafeBufferPointer<UInt8>? {
        guard let (t, _) = text(field, v), !t.isEmpty else { return nil }
        if PersonalDataMask.validCPRRanges(t).isEmpty { return t }
        var masked = PersonalDataMask.maskValidCPRNumbers(String(decoding: t, as: UTF8.self))
        return masked.withUTF8 { v.stash($0) }
    }

    /// Whether a decimal (digits with an optional decimal part) is above 80, read exactly:
    /// for texts a `Double` rounds to 80.
    static func exceeds80(_ t: UnsafeBufferPointer<UInt8>, separator: UInt8) -> Bool {
        let at = t.firstIndex(of: separator) ?? t.endIndex
        var whole = 0
        for digit in t[..<at] {
            whole = whole * 10 + Int(digit &- 48)
            if whole > 80 { return true }
        }
        return whole == 80 && at < t.endIndex && t[(at + 1)...].contains { $0 > 48 && $0 <= 57 }
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

/// The resolved fields in one fixed allocation: a field is read in place through the
/// pointer (an array element read would copy the struct, and with it retain its arrays,
/// several times per record).
final class FieldTable: @unchecked Sendable {
    // @unchecked: immutable after init.
    let base: UnsafeMutablePointer<ResolvedField>
    let count: Int

    init(_ fields: [ResolvedField]) {
        count = fields.count
        base = .allocate(capacity: max(count, 1))
        base.initialize(from: fields, count: count)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }
}
