#!/usr/bin/env python3
"""An independent reading of docs/definitions.md, for differential tests.

Reads the sample exports that `trin sample` writes (forloeb-*.csv, haendelser-*.xml,
virksomheder.csv) from one folder, applies the row rules, deduplication and the
metric definitions, and prints every metric figure UNSUPPRESSED as one JSON
document on stdout. Standard library only, so it runs on a plain python3.

Usage: metrics_oracle.py EXPORTS_DIR [--check-manifest] [--published SET_DIR] [--as-of DATE]

  --check-manifest  also compare each file's good-record count and rejected
                    lines with the generator's sample-manifest.json (exit 2 on
                    a difference), so the oracle's own parsing is checked.
  --published DIR   also read the CSV files of a published set and compare every
                    unsuppressed figure (margins, coarse age groups, steps, pooled
                    agreements, shares, goals; open years' headline figures) with
                    the oracle's counts: "published": {"checked": n, "wrong":
                    [...]} in the output.
  --as-of DATE      count as a set as of DATE does: records that start later are
                    left out, later end dates read as none (also the register's).

Citizens are identified by their normalised CPR number inside this process
only; no CPR number is ever printed.

Output shape (counts that are zero may be absent; absent means zero):
  {"years": [2022, ...],
   "files": {name: {"good": n, "rejected": {reason: n}} | {"refused": reason}},
   "employment": {"Y": {"cells": {"<targetGroup>|<ageBand>": n},
                        "rows": {targetGroup: n}, "columns": {ageBand: n}, "total": n}},
   "progression": {"<agreement>|Y": {"started": n, "highestStage": {stage|"none": n},
                   "ended": n, "endStage": {stage|"running": n}, "movedUp": n,
                   "movedUpShare": x, "enterprise": cvr|null}},
   "youth": {"Y": {"cells": {"<outcome>|<ageBand>": n}, "rows": {...}, "columns": {...}, "total": n}},
   "enterprises": {"Y": {"byType": {type: {"active": n, "threeBottomLines": n}},
                        "active": n, "threeBottomLines": n}}}
"""

import datetime as dt
import decimal
import glob
import json
import os
import re
import sys
import xml.etree.ElementTree as ET
import xml.parsers.expat

# --- code lists (docs/definitions.md "Code lists") ------------------------------

TARGET_GROUPS = {
    "Ressourceforløb": "ressourceforloeb",
    "Jobafklaringsforløb": "jobafklaring",
    "Kontanthjælp": "kontanthjaelp",
    "Uddannelseshjælp": "uddannelseshjaelp",
    "Fleksjob": "fleksjob",
    "Ledighedsydelse": "fleksjob",
    "Integrationsydelse": "integration",
    "Selvforsørgelses- og hjemrejseydelse": "integration",
    "Sygedagpenge": "sygedagpenge",
}
TARGET_GROUP_CODES = {
    "RF": "ressourceforloeb", "JA": "jobafklaring", "KH": "kontanthjaelp", "UH": "uddannelseshjaelp",
    "FJ": "fleksjob", "LY": "fleksjob", "IY": "integration", "SH": "integration", "SD": "sygedagpenge",
}
ACTIVITIES = {
    "Motivation": "motivation", "Mentorforløb": "motivation",
    "Opkvalificering": "opkvalificering", "Kursus": "opkvalificering",
    "Afklaring": "afklaring", "Arbejdsprøvning": "afklaring",
    "Virksomhedspraktik": "praktik",
    "Løntimer": "loentimer", "Småjob": "loentimer", "Løntilskud": "loentimer",
    "Ordinært job": "job", "Fleksjob": "job",
    "Uddannelse": "uddannelse",
    "Ophørt": "ophoert",
}
STAGES = ["motivation", "opkvalificering", "afklaring", "praktik", "loentimer", "job", "uddannelse", "ophoert"]
RANK = {"motivation": 1, "opkvalificering": 2, "afklaring": 3, "praktik": 4, "loentimer": 5, "job": 6,
        "uddannelse": 6, "ophoert": None}
ENTERPRISE_TYPES = {"Virksomhed": "virksomhed", "Initiativ": "initiativ", "Forening": "forening"}

FORLOEB_COLUMNS = ["CPR-nr.", "Forløbs-ID", "Aftale-ID", "CVR-nr.", "Virksomhed", "Målgruppe", "Aktivitet",
                   "Startdato", "Slutdato", "Timer pr. uge", "Registreret"]
REGISTER_COLUMNS = ["CVR", "Navn", "Type", "Social bundlinje", "Lokal bundlinje", "Økonomisk bundlinje",
                    "Startdato", "Slutdato"]
NS = "urn:example:socialoekonomi:forloeb:1"
UTF8_BOM = b"\xef\xbb\xbf"


class Reject(Exception):
    """A row rule failed; the argument is the reason."""


class Refuse(Exception):
    """A whole file is refused; the argument is the reason."""


# --- time (docs/definitions.md "CPR numbers, age and time") ---------------------

UTC = dt.timezone.utc


def last_sunday(year, month):
    """The last Sunday of a month (March or October here)."""
    d = dt.date(year, month, 31)
    return d - dt.timedelta(days=(d.weekday() - 6) % 7)


def is_summer_time(utc):
    """CEST from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October."""
    begin = dt.datetime.combine(last_sunday(utc.year, 3), dt.time(1), UTC)
    end = dt.datetime.combine(last_sunday(utc.year, 10), dt.time(1), UTC)
    return begin <= utc < end


def danish_local_to_utc(local):
    """A naive Danish wall-clock time to an aware UTC instant.

    Repeated October hour: its first occurrence (+02:00). Skipped March hour: +01:00."""
    summer = (local - dt.timedelta(hours=2)).replace(tzinfo=UTC)
    if is_summer_time(summer):
        return summer
    winter = (local - dt.timedelta(hours=1)).replace(tzinfo=UTC)
    if not is_summer_time(winter):
        return winter
    return winter  # the skipped hour: read as +01:00


def utc_to_danish_date(utc):
    offset = 2 if is_summer_time(utc) else 1
    return (utc + dt.timedelta(hours=offset)).date()


DAY_DMY = re.compile(r"^(\d{2})-(\d{2})-(\d{4})$", re.ASCII)
STAMP_DMY = re.compile(r"^(\d{2})-(\d{2})-(\d{4}) (\d{2}):(\d{2}):(\d{2})$", re.ASCII)
DAY_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$", re.ASCII)
STAMP_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$", re.ASCII)


def make_date(y, m, d):
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


def parse_dmy(text):
    m = DAY_DMY.match(text)
    return make_date(m.group(3), m.group(2), m.group(1)) if m else None


def parse_dmy_stamp(text):
    """`dd-MM-yyyy HH:mm:ss`, Danish local time, to a UTC instant (None if invalid)."""
    m = STAMP_DMY.match(text)
    if not m:
        return None
    try:
        local = dt.datetime(int(m.group(3)), int(m.group(2)), int(m.group(1)),
                            int(m.group(4)), int(m.group(5)), int(m.group(6)))
    except ValueError:
        return None
    return danish_local_to_utc(local)


def parse_iso_stamp(text):
    """ISO 8601 date-time with offset (or Danish local time without) to a UTC instant."""
    m = STAMP_ISO.match(text)
    if not m:
        return None
    y, mo, d, h, mi, s, frac, zone = m.groups()
    try:
        local = dt.datetime(int(y), int(mo), int(d), int(h), int(mi), int(s),
                            int(round(float(frac) * 1_000_000)) if frac else 0)
    except ValueError:
        return None
    if zone is None:
        return danish_local_to_utc(local)
    if zone == "Z":
        return local.replace(tzinfo=UTC)
    sign = 1 if zone[0] == "+" else -1
    hours, minutes = int(zone[1:3]), int(zone[4:6])
    if hours > 14 or minutes > 59:
        return None
    return (local - sign * dt.timedelta(hours=hours, minutes=minutes)).replace(tzinfo=UTC)


def parse_iso_day(text):
    """An ISO date; a date-time is converted to Danish local time before the date is taken."""
    m = DAY_ISO.match(text)
    if m:
        return make_date(*m.groups())
    instant = parse_iso_stamp(text)
    return utc_to_danish_date(instant) if instant else None


# --- CPR, CVR, age --------------------------------------------------------

def normalise_cpr(raw):
    # "Whitespace anywhere": Python's notion (str.isspace), which includes the no-break
    # space (0xA0 in Windows-1252); docs/metrics.md documents trin's same choice.
    s = "".join(c for c in raw if not c.isspace())
    if len(s) == 11 and s[6] == "-":
        s = s[:6] + s[7:]
    if len(s) != 10 or not all("0" <= c <= "9" for c in s):
        raise Reject("cpr_malformed")
    return s


JOINERS = set("-./_\u00ad\u200b\u200c\u200d\u2010\u2011\u2012\u2013\u2014\u2015\u2060\u2212\ufe58\ufe63\uff0d\ufeff")


def mask_cpr_in_id(text):
    """docs/metrics.md 19: every valid CPR number inside an id has its digits replaced with X.
    Digit groups (ASCII digits) are joined by one to three joiners (white space, - . / _, any
    dash, the soft hyphen, invisible characters); a window of whole groups with exactly ten
    digits is one when the CPR rules accept it as written, or when it is a six-digit date
    (split after its second or fourth digit, or not) and a group of four, and its digits hold
    a real birth date."""
    def digit(c):
        return "0" <= c <= "9"

    def joiner(c):
        return c.isspace() or c in JOINERS

    def valid(digits):
        try:
            birth_date(digits)
            return True
        except Reject:
            return False

    out, n, i = list(text), len(text), 0
    while i < n:
        if not digit(text[i]) or (i > 0 and digit(text[i - 1])):
            i += 1
            continue
        groups, j = [], i
        while j < n:
            start = j
            while j < n and digit(text[j]):
                j += 1
            groups.append((start, j))
            k, joined = j, 0
            while k < n and joined < 3 and joiner(text[k]):
                k += 1
                joined += 1
            if joined == 0 or k >= n or not digit(text[k]):
                break
            j = k
        for a in range(len(groups)):
            digits = 0
            for z in range(a, len(groups)):
                digits += groups[z][1] - groups[z][0]
                if digits > 10:
                    break
                if digits != 10:
                    continue
                window = text[groups[a][0]:groups[z][1]]
                try:
                    accepted = valid(normalise_cpr(window))
                except Reject:
                    accepted = False
                if not accepted:
                    ends, total = [], 0
                    for g in groups[a:z]:
                        total += g[1] - g[0]
                        ends.append(total)
                    plain = "".join(text[g[0]:g[1]] for g in groups[a:z + 1])
                    accepted = (z > a and groups[z][1] - groups[z][0] == 4 and ends[-1] == 6
                                and all(e in (2, 4, 6) for e in ends) and valid(plain))
                if accepted:
                    for k in range(groups[a][0], groups[z][1]):
                        if digit(out[k]):
                            out[k] = "X"
        i = max(j, i + 1)
    return "".join(out)


def birth_date(cpr):
    day, month, yy, seventh = int(cpr[0:2]), int(cpr[2:4]), int(cpr[4:6]), int(cpr[6])
    if 61 <= day <= 91:
        day -= 60
    if seventh <= 3:
        century = 1900
    elif seventh in (4, 9):
        century = 2000 if yy <= 36 else 1900
    else:
        century = 2000 if yy <= 57 else 1800
    born = make_date(century + yy, month, day)
    if born is None:
        raise Reject("cpr_invalid_date")
    return born


def age_at(born, day):
    """Whole years; a 29 February birthday counts from 1 March in other years."""
    years = day.year - born.year
    birthday_month, birthday_day = born.month, born.day
    if (birthday_month, birthday_day) == (2, 29) and not _leap(day.year):
        birthday_month, birthday_day = 3, 1
    if (day.month, day.day) < (birthday_month, birthday_day):
        years -= 1
    return years


def _leap(year):
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def age_band(age):
    if age < 18:
        return "<18"
    if age <= 24:
        return "18-24"
    if age <= 29:
        return "25-29"
    if age <= 39:
        return "30-39"
    if age <= 49:
        return "40-49"
    if age <= 59:
        return "50-59"
    return "60+"


def valid_cvr(text):
    if len(text) != 8 or not all("0" <= c <= "9" for c in text):
        return False
    return sum(int(c) * w for c, w in zip(text, (2, 7, 6, 5, 4, 3, 2, 1))) % 11 == 0


def parse_hours(text, separator):
    """None for empty; else a number 0 … 80 (docs/definitions.md: digits with an optional decimal part)."""
    if text == "":
        return None
    if not re.match(r"^\d+(" + re.escape(separator) + r"\d+)?$", text, re.ASCII):
        raise Reject("invalid_hours")
    # The range is checked on the exact decimal: 80,000000000000000001 is above 80.
    if decimal.Decimal(text.replace(separator, ".")) > 80:
        raise Reject("hours_out_of_range")
    return float(text.replace(separator, "."))


# --- CSV --------------------------------------------------------------------

def csv_rows(data, delimiter):
    """Yield (line, [field bytes], complete) for each row of a quoted CSV, header included.

    `line` is the physical line on which the row starts; `complete` is False for a
    row cut off inside a quoted field at the end of the file."""
    d, q = delimiter, ord('"')
    n, i, line = len(data), 0, 1
    while i < n:
        start_line, fields, field, complete = line, [], bytearray(), True
        while True:
            if i < n and data[i] == q and len(field) == 0:
                i += 1
                while True:
                    if i >= n:
                        complete = False
                        break
                    c = data[i]
                    if c == q:
                        if i + 1 < n and data[i + 1] == q:
                            field.append(q)
                            i += 2
                            continue
                        i += 1
                        break
                    if c == 10:
                        line += 1
                    field.append(c)
                    i += 1
                if not complete:
                    fields.append(bytes(field))
                    break
            # unquoted part (or what follows a closing quote)
            while i < n and data[i] != d and data[i] != 10 and not (data[i] == 13 and i + 1 < n and data[i + 1] == 10):
                field.append(data[i])
                i += 1
            fields.append(bytes(field))
            field = bytearray()
            if i >= n:
                break
            if data[i] == d:
                i += 1
                continue
            # line end
            i += 2 if data[i] == 13 else 1
            line += 1
            break
        yield start_line, fields, complete


def read_csv(path, delimiter, utf8_only):
    """(header names, trailing flag, rows iterator of (line, decoded fields or reason))."""
    data = open(path, "rb").read()
    encoding = "cp1252"
    if data.startswith(UTF8_BOM):
        data, encoding = data[3:], "utf-8"
    elif utf8_only:
        encoding = "utf-8"
    rows = csv_rows(data, ord(delimiter))
    try:
        _, header_bytes, _ = next(rows)
    except StopIteration:
        raise Refuse("empty")
    try:
        # Names lose their surrounding white space as every field does.
        header = [h.decode(encoding).strip() for h in header_bytes]
    except UnicodeDecodeError:
        raise Refuse("bad_header")
    trailing = len(header) > 1 and header[-1] == ""
    if trailing:
        header = header[:-1]

    def decoded():
        for line, fields, complete in rows:
            try:
                values = [f.decode(encoding) for f in fields]
            except UnicodeDecodeError:
                yield line, "bad_encoding"
                continue
            if trailing and values and values[-1] == "":
                values = values[:-1]
            if not complete or len(values) != len(header):
                yield line, "field_count"
                continue
            # Surrounding white space is removed from every field before any rule reads it
            # (str.strip: the characters str.isspace calls white space; docs/metrics.md 14).
            yield line, dict(zip(header, (v.strip() for v in values)))

    return header, decoded()


# --- the canonical record ---------------------------------------------------

def make_record(source, source_id, cpr_raw, agreement, enterprise, target_group, stage, start_text, end_text,
                hours_text, stamp_text, parse_day, parse_stamp, hours_sep, tg_lookup):
    """Apply the row rules in the order of docs/definitions.md; raise Reject on the first failure."""
    cpr = normalise_cpr(cpr_raw)
    born = birth_date(cpr)
    tg = tg_lookup()
    if tg is None:
        raise Reject("unknown_target_group")
    if stage is None:
        raise Reject("unknown_activity")
    start = parse_day(start_text)
    end = None
    if start is None:
        raise Reject("invalid_date")
    if end_text != "":
        end = parse_day(end_text)
        if end is None:
            raise Reject("invalid_date")
        if end < start:
            raise Reject("end_before_start")
    hours = parse_hours(hours_text, hours_sep)
    recorded = parse_stamp(stamp_text)
    if recorded is None:
        raise Reject("invalid_timestamp")
    if enterprise != "" and not valid_cvr(enterprise):
        raise Reject("invalid_cvr")
    if born > start:
        raise Reject("birth_after_event")
    # docs/metrics.md 18 and 19: an empty record id is kept (empty); a CPR number inside an id is masked.
    return {
        "citizen": cpr, "agreement": mask_cpr_in_id(agreement) or None, "enterprise": enterprise or None,
        "targetGroup": tg, "stage": stage, "start": start, "end": end, "hours": hours,
        "recordedAt": recorded, "source": source, "sourceRecordID": mask_cpr_in_id(source_id),
        "ageBand": age_band(age_at(born, start)),
    }


def read_forloeb(path):
    header, rows = read_csv(path, ";", utf8_only=False)
    # Every column the course export's fields are read from (not `Virksomhed`, a name never read).
    missing = [c for c in FORLOEB_COLUMNS if c not in header and c != "Virksomhed"]
    if missing:
        raise Refuse("missing_column")
    records, rejected = [], []
    for line, row in rows:
        if isinstance(row, str):
            rejected.append((line, row))
            continue
        try:
            records.append(make_record(
                "forloeb", row["Forløbs-ID"], row["CPR-nr."], row["Aftale-ID"], row["CVR-nr."],
                None, ACTIVITIES.get(row["Aktivitet"]), row["Startdato"], row["Slutdato"],
                row["Timer pr. uge"], row["Registreret"], parse_dmy, parse_dmy_stamp, ",",
                lambda: TARGET_GROUPS.get(row["Målgruppe"])))
        except Reject as reason:
            rejected.append((line, reason.args[0]))
    return records, rejected


def read_haendelser(path):
    data = open(path, "rb").read()
    # A DOCTYPE (and so any entity declaration) refuses the file before anything is read.
    probe = xml.parsers.expat.ParserCreate()

    def doctype(*_):
        raise Refuse("doctype")
    probe.StartDoctypeDeclHandler = doctype
    probe.EntityDeclHandler = doctype
    try:
        probe.Parse(data, True)
    except xml.parsers.expat.ExpatError:
        raise Refuse("not_well_formed")
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        raise Refuse("not_well_formed")
    if root.tag != "{%s}Forloebsudtraek" % NS:
        raise Refuse("other_namespace")
    # An element of the record path (Forloeb, Haendelser, Haendelse) in another namespace:
    # its records would not be read, so the file is refused.
    for element in root.iter():
        local = element.tag.rsplit("}", 1)[-1]
        if local in ("Forloeb", "Haendelser", "Haendelse") and element.tag != "{%s}%s" % (NS, local):
            raise Refuse("other_namespace")
    f = "{%s}" % NS
    records, rejected = [], []

    # Every text and attribute loses its surrounding white space (str.strip), as CSV fields do.
    def text(element):
        return (element.text or "").strip() if element is not None else ""

    def attribute(element, name):
        return (element.get(name) or "").strip() if element is not None else ""

    for forloeb in root.findall(f + "Forloeb"):
        aftale = forloeb.find(f + "Aftale")
        group = forloeb.find(f + "Maalgruppe")
        cpr = text(forloeb.find(f + "Borger/" + f + "CPR"))
        agreement = attribute(aftale, "id")
        cvr = text(aftale.find(f + "CVR") if aftale is not None else None)

        def target_group(group=group):
            if group is None:
                return None
            if text(group):
                return TARGET_GROUPS.get(text(group))
            return TARGET_GROUP_CODES.get(attribute(group, "kode"))

        for event in forloeb.findall(f + "Haendelser/" + f + "Haendelse"):
            kind, start = attribute(event, "type"), attribute(event, "start")
            source_id = "%s/%s/%s" % (attribute(forloeb, "id"), kind, start)
            try:
                records.append(make_record(
                    "haendelser", source_id, cpr, agreement, cvr, None,
                    kind if kind in STAGES else None, start, attribute(event, "slut"),
                    attribute(event, "timer"), attribute(event, "registreret"),
                    parse_iso_day, parse_iso_stamp, ".", target_group))
            except Reject as reason:
                rejected.append((0, reason.args[0]))
    return records, rejected


def read_register(path):
    header, rows = read_csv(path, ",", utf8_only=True)
    if any(c not in header for c in REGISTER_COLUMNS):
        raise Refuse("missing_column")
    bottom = {"ja": True, "nej": False}
    register, rejected, good = {}, [], 0
    for line, row in rows:
        if isinstance(row, str):
            rejected.append((line, row))
            continue
        cvr = row["CVR"]
        if not valid_cvr(cvr):
            rejected.append((line, "invalid_cvr"))
            continue
        kind = ENTERPRISE_TYPES.get(row["Type"])
        if kind is None:
            rejected.append((line, "unknown_type"))
            continue
        lines = [bottom.get(row[c]) for c in ("Social bundlinje", "Lokal bundlinje", "Økonomisk bundlinje")]
        if None in lines:
            rejected.append((line, "invalid_bottom_line"))
            continue
        start = make_date(*DAY_ISO.match(row["Startdato"]).groups()) if DAY_ISO.match(row["Startdato"]) else None
        end = None
        if row["Slutdato"] != "":
            end = make_date(*DAY_ISO.match(row["Slutdato"]).groups()) if DAY_ISO.match(row["Slutdato"]) else None
            if end is None:
                start = None
        if start is None:
            rejected.append((line, "invalid_date"))
            continue
        good += 1
        register[cvr] = {"cvr": cvr, "name": row["Navn"], "type": kind, "lines": tuple(lines),
                         "start": start, "end": end}  # a later row wins within the file
    return register, rejected, good


# --- deduplication ----------------------------------------------------------

def absent_lowest(value):
    return (0,) if value is None else (1, value)


def version_key(r):
    """The greatest version of an identity is kept: recordedAt, source, record id, then the
    remaining fields in the rule book's order: end date, hours, target group, age band,
    enterprise (absent lowest; texts by code point, as Python compares str)."""
    return (r["recordedAt"], r["source"], r["sourceRecordID"], absent_lowest(r["end"]), absent_lowest(r["hours"]),
            r["targetGroup"], r["ageBand"], absent_lowest(r["enterprise"]))


def enterprise_key(e):
    return (absent_lowest(e["end"]), e["start"], e["name"], e["type"], e["lines"])


# --- metrics ----------------------------------------------------------------

def table(counts):
    """counts: {(row, column): n} → cells with row, column and grand totals."""
    cells, rows, columns, total = {}, {}, {}, 0
    for (r, c), n in counts.items():
        cells["%s|%s" % (r, c)] = n
        rows[r] = rows.get(r, 0) + n
        columns[c] = columns.get(c, 0) + n
        total += n
    return {"cells": cells, "rows": rows, "columns": columns, "total": total}


def as_of(records, register, day):
    """The records and register as a set as of `day` counts them (docs/metrics.md, "Releases"):
    a record that starts later is not counted, an end after the date is read as none; an
    enterprise counts from a start on or before it, an end after it read as none."""
    kept = []
    for r in records:
        if r["start"] > day:
            continue
        if r["end"] is not None and r["end"] > day:
            r = dict(r, end=None)
        kept.append(r)
    enterprises = {}
    for cvr, e in register.items():
        if e["start"] > day:
            continue
        if e["end"] is not None and e["end"] > day:
            e = dict(e, end=None)
        enterprises[cvr] = e
    return kept, enterprises


def metrics(records, register):
    # Years: first to last record start; with no records, the register's start years
    # (docs/metrics.md choice 7; docs/definitions.md does not say).
    starts = [r["start"] for r in records] or [e["start"] for e in register.values()]
    if not starts:
        return {"years": [], "employment": {}, "progression": {}, "youth": {}, "enterprises": {}}
    years = list(range(min(starts).year, max(starts).year + 1))
    by_citizen = {}
    for r in records:
        by_citizen.setdefault(r["citizen"], []).append(r)

    # Employment: each citizen once, at their first employment record ever.
    employment = {y: {} for y in years}
    for rs in by_citizen.values():
        jobs = [r for r in rs if r["stage"] in ("loentimer", "job")]
        if jobs:
            first = min(jobs, key=lambda r: (r["start"], r["agreement"] or "", r["stage"]))
            cell = (first["targetGroup"], first["ageBand"])
            cells = employment[first["start"].year]
            cells[cell] = cells.get(cell, 0) + 1

    # Progression: a course is one citizen's records under one agreement.
    courses = {}
    for r in records:
        if r["agreement"] is not None:
            courses.setdefault((r["agreement"], r["citizen"]), []).append(r)
    progression = {}
    for (agreement, _), rs in courses.items():
        year = min(r["start"] for r in rs).year
        p = progression.setdefault("%s|%d" % (agreement, year), {
            "started": 0, "highestStage": {}, "ended": 0, "endStage": {}, "movedUp": 0})
        p["started"] += 1
        ranked = [r for r in rs if RANK[r["stage"]] is not None]
        if ranked:
            top = max(RANK[r["stage"]] for r in ranked)
            highest = max((r for r in ranked if RANK[r["stage"]] == top), key=lambda r: (r["start"], r["stage"]))
            highest_name = highest["stage"]
            first = min(ranked, key=lambda r: (r["start"], RANK[r["stage"]]))
            if top > RANK[first["stage"]]:
                p["movedUp"] += 1
        else:
            highest_name = "none"
        p["highestStage"][highest_name] = p["highestStage"].get(highest_name, 0) + 1
        # Last record: latest start; same start: ophoert, then higher rank, then the name
        # that sorts LAST, as for the highest stage (uddannelse before job; docs/metrics.md 4).
        latest = max(r["start"] for r in rs)
        last = max((r for r in rs if r["start"] == latest),
                   key=lambda r: (r["stage"] == "ophoert", RANK[r["stage"]] or 0, r["stage"]))
        if last["end"] is not None or last["stage"] == "ophoert":
            p["ended"] += 1
            end_stage = last["stage"]
        else:
            end_stage = "running"
        p["endStage"][end_stage] = p["endStage"].get(end_stage, 0) + 1
    cvr_counts = {}
    for r in records:
        if r["agreement"] is not None and r["enterprise"] is not None:
            counts = cvr_counts.setdefault(r["agreement"], {})
            counts[r["enterprise"]] = counts.get(r["enterprise"], 0) + 1
    for key, p in progression.items():
        p["movedUpShare"] = p["movedUp"] / p["started"]
        counts = cvr_counts.get(key.split("|")[0], {})
        p["enterprise"] = min(counts, key=lambda c: (-counts[c], c)) if counts else None

    # Youth: under 30 at the start of an education or employment record.
    youth = {y: {} for y in years}
    young_bands = ("<18", "18-24", "25-29")
    for rs in by_citizen.values():
        per_year = {}
        for r in rs:
            if r["stage"] in ("uddannelse", "loentimer", "job") and r["ageBand"] in young_bands:
                per_year.setdefault(r["start"].year, []).append(r)
        for year, hits in per_year.items():
            education = [r for r in hits if r["stage"] == "uddannelse"]
            outcome, chosen = ("uddannelse", education) if education else ("employment", hits)
            band = min(chosen, key=lambda r: r["start"])["ageBand"]
            youth[year][(outcome, band)] = youth[year].get((outcome, band), 0) + 1

    # Enterprises active in each year.
    enterprises = {}
    for y in years:
        first_day, last_day = dt.date(y, 1, 1), dt.date(y, 12, 31)
        by_type, active, three = {}, 0, 0
        for e in register.values():
            if e["start"] <= last_day and (e["end"] is None or e["end"] >= first_day):
                t = by_type.setdefault(e["type"], {"active": 0, "threeBottomLines": 0})
                t["active"] += 1
                active += 1
                if all(e["lines"]):
                    t["threeBottomLines"] += 1
                    three += 1
        enterprises[str(y)] = {"byType": by_type, "active": active, "threeBottomLines": three}

    return {
        "years": years,
        "employment": {str(y): table(employment[y]) for y in years},
        "progression": progression,
        "youth": {str(y): table(youth[y]) for y in years},
        "enterprises": enterprises,
    }


# --- published files -------------------------------------------------------

FINE_AGES = ("<18", "18-24", "25-29", "30-39", "40-49", "50-59", "60+")
AGE_GROUPS = {"<30": ("<18", "18-24", "25-29"), "30-49": ("30-39", "40-49"), "50+": ("50-59", "60+")}
STEPS = {"preparing": ("motivation", "opkvalificering", "afklaring"), "workplace": ("praktik", "loentimer"),
         "goal": ("job", "uddannelse")}


def read_published(path):
    """The rows of one published CSV (';'-separated, UTF-8 with a BOM) as dicts."""
    import csv
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


def check_published(folder, result):
    """Every published, unsuppressed figure of a set, against this oracle's own counts (as of
    the set's date: --as-of; a closed year must be published for the first time in this set,
    not repeated from an earlier one): (figures checked, [mismatch descriptions])."""
    checked, wrong = 0, []
    k = json.load(open(os.path.join(folder, "manifest.json"), encoding="utf-8"))["k"]

    def expect(what, published, truth):
        nonlocal checked
        checked += 1
        if published != truth:
            wrong.append("%s: published %s, oracle %s" % (what, published, truth))
        # A count of citizens (or courses) that leaves trin is 0 or at least k; enterprises
        # (public bodies) are not suppressed.
        if isinstance(published, int) and 0 < published < k and "enterprises" not in what:
            wrong.append("%s: %d published, below k = %d" % (what, published, k))

    def table_value(t, row, column):
        """A cell, margin or total of an oracle table; a coarse age group sums its bands."""
        def columns_of(c):
            return AGE_GROUPS.get(c, (c,))
        if row == "total" and column == "total":
            return t["total"]
        if column == "total":
            return t["rows"].get(row, 0)
        if row == "total":
            return sum(t["columns"].get(c, 0) for c in columns_of(column))
        return sum(t["cells"].get("%s|%s" % (row, c), 0) for c in columns_of(column))

    for name, key, row_field in (("employment.csv", "employment", "targetGroup"), ("youth.csv", "youth", "outcome")):
        for r in read_published(os.path.join(folder, name)):
            if r["suppressed"] == "true":
                continue
            t = result[key][r["year"]]
            expect("%s %s %s|%s" % (key, r["year"], r[row_field], r["ageBand"]), int(r["value"]),
                   table_value(t, r[row_field], r["ageBand"]))

    def course_sum(year, agreements, measure, stage):
        """A progression figure summed over agreements of one year."""
        total = 0
        for a in agreements:
            p = result["progression"]["%s|%s" % (a, year)]
            if measure in ("started", "ended", "movedUp"):
                total += p[measure]
            elif measure == "notMovedUp":
                total += p["started"] - p["movedUp"]
            elif measure == "highestStage":
                total += p["highestStage"].get(stage, 0)
            elif measure == "highestStep":
                total += sum(p["highestStage"].get(s, 0) for s in STEPS.get(stage, (stage,)))
            elif measure == "endStage":
                total += p["endStage"].get(stage, 0)
            elif measure == "endStep" and stage == "notGoal":
                total += p["started"] - sum(p["endStage"].get(s, 0) for s in STEPS["goal"])
            elif measure == "endStep":
                total += sum(p["endStage"].get(s, 0) for s in STEPS.get(stage, (stage,)))
            else:
                raise ValueError("unknown measure %s" % measure)
        return total

    def agreements_of(year):
        return [k.rsplit("|", 1)[0] for k in result["progression"] if k.rsplit("|", 1)[1] == year]

    def share(text):
        return round(float(text.replace(",", ".")), 6) if text else None

    for r in read_published(os.path.join(folder, "value_chain.csv")):
        if r["suppressed"] == "true":
            continue
        year, every = r["year"], agreements_of(r["year"])
        value = course_sum(year, every, r["measure"], r["stage"])
        expect("value chain %s %s.%s" % (year, r["measure"], r["stage"]), int(r["value"]), value)
        if r["share"]:
            expect("value chain %s share" % year, share(r["share"]),
                   round(course_sum(year, every, "movedUp", "total") / course_sum(year, every, "started", "total"), 6))

    rows = read_published(os.path.join(folder, "progression.csv"))
    for r in rows:
        if r["suppressed"] == "true":
            continue
        year = r["year"]
        if r["agreement"] == "(other)":
            own = {x["agreement"] for x in rows if x["year"] == year and x["agreement"] != "(other)"}
            agreements = [a for a in agreements_of(year) if a not in own]
        else:
            agreements = [r["agreement"]]
            p = result["progression"]["%s|%s" % (r["agreement"], year)]
            expect("progression %s %s enterprise" % (year, r["agreement"]), r["enterprise"], p["enterprise"] or "")
        expect("progression %s %s %s.%s" % (year, r["agreement"], r["measure"], r["stage"]), int(r["value"]),
               course_sum(year, agreements, r["measure"], r["stage"]))
        if r["share"]:
            expect("progression %s %s share" % (year, r["agreement"]), share(r["share"]),
                   round(course_sum(year, agreements, "movedUp", "total") / course_sum(year, agreements, "started", "total"), 6))

    for r in read_published(os.path.join(folder, "enterprises.csv")):
        e = result["enterprises"][r["year"]]
        truth = e if r["type"] == "total" else e["byType"].get(r["type"], {"active": 0, "threeBottomLines": 0})
        expect("enterprises %s %s active" % (r["year"], r["type"]), int(r["active"]), truth["active"])
        expect("enterprises %s %s threeBottomLines" % (r["year"], r["type"]), int(r["threeBottomLines"]), truth["threeBottomLines"])

    for r in read_published(os.path.join(folder, "goals.csv")):
        truth = result["employment"][r["year"]]["total"] if r["goal"] == "employment" \
            else result["enterprises"][r["year"]]["threeBottomLines"]
        expect("goal %s %s met" % (r["year"], r["goal"]), r["met"], "true" if truth >= int(r["target"]) else "false")
        if r["suppressed"] != "true":
            expect("goal %s %s" % (r["year"], r["goal"]), int(r["value"]), truth)
    return checked, wrong


# --- main -------------------------------------------------------------------

def main(argv):
    published = None
    if "--published" in argv:
        at = argv.index("--published")
        published = argv[at + 1]
        argv = argv[:at] + argv[at + 2:]
    asof = None
    if "--as-of" in argv:
        at = argv.index("--as-of")
        asof = dt.date.fromisoformat(argv[at + 1])
        argv = argv[:at] + argv[at + 2:]
    args = [a for a in argv[1:] if not a.startswith("--")]
    check_manifest = "--check-manifest" in argv
    if len(args) != 1:
        sys.stderr.write(__doc__)
        return 64
    folder = args[0]
    files, versions, register = {}, {}, {}
    for path in sorted(glob.glob(os.path.join(folder, "*"))):
        name = os.path.basename(path)
        try:
            if name.startswith("forloeb") and name.endswith(".csv"):
                records, rejected = read_forloeb(path)
            elif name.startswith("haendelser") and name.endswith(".xml"):
                records, rejected = read_haendelser(path)
            elif name.startswith("virksomheder") and name.endswith(".csv"):
                rows, rejected, good = read_register(path)
                for cvr, e in rows.items():  # across files: the greatest version
                    if cvr not in register or enterprise_key(e) > enterprise_key(register[cvr]):
                        register[cvr] = e
                files[name] = {"good": good, "rejected": _by_reason(rejected), "lines": rejected}
                continue
            else:
                continue
        except Refuse as reason:
            files[name] = {"refused": reason.args[0]}
            continue
        files[name] = {"good": len(records), "rejected": _by_reason(rejected), "lines": rejected}
        for r in records:
            identity = (r["citizen"], r["agreement"] or "", r["stage"], r["start"])
            if identity not in versions or version_key(r) > version_key(versions[identity]):
                versions[identity] = r
    status = 0
    if check_manifest:
        status = _check_manifest(folder, files)
    records = list(versions.values())
    if asof is not None:
        records, register = as_of(records, register, asof)
    result = metrics(records, register)
    result["files"] = {n: {k: v for k, v in f.items() if k != "lines"} for n, f in files.items()}
    result["records"] = len(versions)
    if published is not None:
        checked, wrong = check_published(published, result)
        result["published"] = {"checked": checked, "wrong": wrong}
    json.dump(result, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
    return status


def _by_reason(rejected):
    out = {}
    for _, reason in rejected:
        out[reason] = out.get(reason, 0) + 1
    return out


def _check_manifest(folder, files):
    """Compare the oracle's per-file reading with the generator's manifest; 2 on a difference."""
    path = os.path.join(folder, "sample-manifest.json")
    if not os.path.exists(path):
        return 0
    manifest = json.load(open(path, encoding="utf-8"))
    problems = []
    for entry in manifest["files"]:
        mine = files.get(entry["name"])
        if mine is None:
            problems.append("%s: not read" % entry["name"])
        elif entry.get("wholeFileRejected"):
            if "refused" not in mine:
                problems.append("%s: manifest refuses the file, oracle read it" % entry["name"])
        elif "refused" in mine:
            problems.append("%s: oracle refused it (%s)" % (entry["name"], mine["refused"]))
        else:
            if mine["good"] != entry["goodRecords"]:
                problems.append("%s: good %d, manifest %d" % (entry["name"], mine["good"], entry["goodRecords"]))
            if mine["rejected"] != entry.get("rejected", {}):
                problems.append("%s: rejected %s, manifest %s" % (entry["name"], mine["rejected"], entry.get("rejected")))
            expected_lines = entry.get("rejectedLines")
            if expected_lines:
                got = sorted((l, r) for l, r in mine["lines"])
                want = sorted((e["line"], e["reason"]) for e in expected_lines)
                if got != want:
                    problems.append("%s: rejected lines %s, manifest %s" % (
                        entry["name"], sorted(set(got) - set(want)), sorted(set(want) - set(got))))
    for p in problems:
        sys.stderr.write("manifest: %s\n" % p)
    return 2 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
