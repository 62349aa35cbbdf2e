import TrinCore

/// The partner portal's XML export (docs/exports.md), written as bytes.
enum HaendelserFormat {
    static let namespace = "urn:example:socialoekonomi:forloeb:1"

    static func prolog(dannet: LocalTime, namespace: String = namespace) -> [UInt8] {
        var out = Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Forloebsudtraek xmlns=\"".utf8)
        out += escaped(namespace)
        out += Array("\" dannet=\"".utf8)
        out += isoWithOffset(dannet)
        out += Array("\" kilde=\"partnerportal\">\n".utf8)
        return out
    }

    static let epilog = Array("</Forloebsudtraek>\n".utf8)

    /// The opening of a `Forloeb` up to and including `<Haendelser>`.
    static func forloebOpen(id: String, cpr: [UInt8], agreementID: String, cvr: String, groupText: String,
                            groupCode: String) -> [UInt8] {
        var out = Array("  <Forloeb id=\"".utf8) + escaped(id) + Array("\">\n    <Borger><CPR>".utf8)
        out += cpr
        out += Array("</CPR></Borger>\n    <Aftale id=\"".utf8) + escaped(agreementID)
        out += Array("\"><CVR>".utf8) + escaped(cvr) + Array("</CVR></Aftale>\n    <Maalgruppe kode=\"".utf8)
        out += escaped(groupCode) + Array("\">".utf8) + escaped(groupText) + Array("</Maalgruppe>\n    <Haendelser>\n".utf8)
        return out
    }

    static let forloebClose = Array("    </Haendelser>\n  </Forloeb>\n".utf8)

    /// The attribute values of one `Haendelse`, already formatted (so that a
    /// dirty sample can put any text in any of them).
    struct Event {
        var type: [UInt8]
        var start: [UInt8]
        var end: [UInt8]?
        var hours: [UInt8]?
        var registered: [UInt8]

        init(stage: Stage, start: Day, version v: Version, utc: Bool) {
            type = Array(stage.rawValue.utf8)
            self.start = start.iso
            end = v.end?.iso
            hours = v.halfHours.map(HaendelserFormat.hours)
            registered = utc ? Array(v.at.instant.description.utf8) : HaendelserFormat.isoWithOffset(v.at)
        }

        var bytes: [UInt8] {
            var out = Array("      <Haendelse type=\"".utf8) + HaendelserFormat.escaped(type)
            out += Array("\" start=\"".utf8) + HaendelserFormat.escaped(start)
            if let end { out += Array("\" slut=\"".utf8) + HaendelserFormat.escaped(end) }
            if let hours { out += Array("\" timer=\"".utf8) + HaendelserFormat.escaped(hours) }
            out += Array("\" registreret=\"".utf8) + HaendelserFormat.escaped(registered) + Array("\"/>\n".utf8)
            return out
        }
    }

    /// Weekly hours with a decimal point: `15`, `12.5`.
    static func hours(_ halfHours: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.appendDecimal(halfHours / 2)
        if halfHours % 2 == 1 { out += [0x2E, 0x35] }
        return out
    }

    /// `yyyy-MM-ddTHH:mm:ss+01:00` with the Danish offset in force at that time.
    static func isoWithOffset(_ t: LocalTime) -> [UInt8] {
        var out = t.day.iso
        out.append(0x54)
        out.appendDecimal(t.second / 3600, width: 2); out.append(0x3A)
        out.appendDecimal(t.second / 60 % 60, width: 2); out.append(0x3A)
        out.appendDecimal(t.second % 60, width: 2)
        out += DanishTime.offset(at: t.instant) == 7200 ? Array("+02:00".utf8) : Array("+01:00".utf8)
        return out
    }

    static func escaped(_ text: String) -> [UInt8] { escaped(Array(text.utf8)) }

    /// Text or attribute content with `& < > " '` escaped.
    static func escaped(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for b in bytes {
            switch b {
            case 0x26: out += Array("&amp;".utf8)
            case 0x3C: out += Array("&lt;".utf8)
            case 0x3E: out += Array("&gt;".utf8)
            case 0x22: out += Array("&quot;".utf8)
            case 0x27: out += Array("&apos;".utf8)
            default: out.append(b)
            }
        }
        return out
    }
}
